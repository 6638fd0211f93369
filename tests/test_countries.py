"""The countries read from pycountry's database file are pycountry's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pycountry
import pytest

from validator.checks import countries

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def fresh() -> Iterator[None]:
    """The module's caches emptied before and after (a test reads the file again)."""
    countries._countries.cache_clear()  # noqa: SLF001
    countries.alpha3_codes.cache_clear()
    yield
    countries._countries.cache_clear()  # noqa: SLF001
    countries.alpha3_codes.cache_clear()


def _as_pycountry_has_them() -> None:
    assert countries.alpha3_codes() == {country.alpha_3 for country in pycountry.countries}
    for country in pycountry.countries:
        assert countries.country_entry(country.alpha_3) == dict(country)
        assert countries.country_entry(country.alpha_3.lower()) == dict(country)
    assert countries.country_entry("SUN") is None  # withdrawn: ISO 3166-3, not -1
    assert countries.country_entry("") is None


@pytest.mark.usefixtures("fresh")
def test_the_database_file_gives_pycountry_s_countries() -> None:
    _as_pycountry_has_them()


@pytest.mark.usefixtures("fresh")
def test_without_the_file_pycountry_itself_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(countries, "_DATABASE", "no-such-database.json")
    _as_pycountry_has_them()


@pytest.mark.usefixtures("fresh")
def test_without_the_package_s_folder_pycountry_itself_is_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(countries.importlib.util, "find_spec", lambda _name: None)
    _as_pycountry_has_them()
