"""Hypothesis profiles: quick "dev" by default, thorough and derandomised "ci" in CI."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, deadline=None)
# CI: the same examples every run, as many as keep .ci/run near 25 minutes (150 took the
# tests session to 21 of its 32; `deep` below is the long hunt).
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
# The newer Pythons (`nox -s pythons`, beside `tests` in CI): the same tests, few examples.
# They check that the code runs the same there; the search for examples is `ci`'s.
settings.register_profile("quick", max_examples=5, deadline=None)
# A long hunt, by hand: random (not derandomised) and many examples.
settings.register_profile("deep", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# mutmut maps each test to the functions it calls ("stats"), then runs each mutant's
# tests in a process forked from one whose caches (engines, schemas, codelists) are
# full.  A cached function would be seen by one test only, and its mutants never run:
# so caches start empty for every test while mapping, and once for each mutant.
def _clear_validator_caches() -> None:
    import sys

    for name, module in list(sys.modules.items()):
        if name == "validator" or name.startswith("validator."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def pytest_configure(config: pytest.Config) -> None:
    if "MUTANT_UNDER_TEST" in os.environ:
        _clear_validator_caches()


@pytest.fixture(autouse=True)
def _fresh_caches_while_mutmut_maps_tests() -> None:
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        _clear_validator_caches()


@pytest.fixture
def clear_validator_caches() -> Callable[[], None]:
    """Empties every cache of the validator (schemas, engines, codelists), when called."""
    return _clear_validator_caches


@pytest.fixture
def left_hot_path(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The line numbers that take `records._record`, the full path, as a run checks them.

    Speed without a timer: clean records are decided inline, and the hot path
    falls back to the full path on any doubt, so no finding shows that it works.
    """
    from validator.engine import records

    left: list[int] = []
    full_path = records._record  # noqa: SLF001 - the path this fixture counts the lines of

    def counted(line: bytes, number: int, *rest: object) -> object:
        left.append(number)
        return full_path(line, number, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(records, "_record", counted)
    return left
