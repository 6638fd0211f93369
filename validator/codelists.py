"""Codelists: the CSV files (`code,title,description`, plus mappings) of a schema version."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Codelist:
    """One codelist: its codes in file order, with every column of each row."""

    name: str
    title: str
    description: str
    closed: bool
    rows: tuple[dict[str, str], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes, in the order the CSV gives them."""
        return tuple(row["code"] for row in self.rows)

    @functools.cached_property
    def code_set(self) -> frozenset[str]:
        """The codes, for membership tests on the hot path."""
        return frozenset(self.codes)

    def where(self, column: str, value: str) -> tuple[str, ...]:
        """The codes whose `column` equals `value`."""
        return tuple(row["code"] for row in self.rows if row.get(column) == value)

    def lookup(self, code: str) -> dict[str, str] | None:
        """The row of `code`, or None."""
        return self._by_code.get(code)

    @functools.cached_property
    def _by_code(self) -> dict[str, dict[str, str]]:
        return {row["code"]: row for row in self.rows}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_codelists(folder: Path) -> dict[str, Codelist]:
    """Read `codelists.csv` (the index) and every codelist it names from `folder`."""
    lists = {}
    for entry in _read_csv(folder / "codelists.csv"):
        name = entry["code"]
        lists[name] = Codelist(
            name=name,
            title=entry["title"],
            description=entry["description"],
            closed=entry["closed"] == "true",
            rows=tuple(_read_csv(folder / f"{name}.csv")),
        )
    return lists
