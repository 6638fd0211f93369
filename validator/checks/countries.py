"""ISO 3166-1 countries, read from pycountry's own database file without importing pycountry.

Importing pycountry and loading its countries took a process some 30 ms
(most of it `importlib.metadata`, for its version string): in a pool, every
worker paid it for the first actors table, and a run of small datasets
spent that much of each worker's share before its first dataset was done.
The file pycountry reads is the source either way; where it is not found
(another layout of the package), pycountry itself is asked.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

_DATABASE = "databases/iso3166-1.json"  # below the package: pycountry.DATABASE_DIR's, by name


@functools.cache
def _countries() -> dict[str, dict[str, str]]:
    """Each assigned country's entry (alpha_3, name, official_name, ...), by lower-case alpha-3."""
    import orjson

    spec = importlib.util.find_spec("pycountry")  # finds the package; runs none of it
    folders = (spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        try:
            entries = orjson.loads(Path(folder, _DATABASE).read_bytes())["3166-1"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return {entry["alpha_3"].lower(): entry for entry in entries}
    import pycountry

    return {country.alpha_3.lower(): dict(country) for country in pycountry.countries}


@functools.cache
def alpha3_codes() -> frozenset[str]:
    """The assigned ISO 3166-1 alpha-3 codes, as pycountry has them."""
    return frozenset(entry["alpha_3"] for entry in _countries().values())


def country_entry(code: str) -> dict[str, str] | None:
    """The entry of the country of alpha-3 `code`, any case (as `pycountry.countries.get`)."""
    return _countries().get(code.lower())
