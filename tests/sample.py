"""A fixed sample of generated records (drawn once per session), and their datasets' context.

For what a property test cannot say example by example: that over many
records every optional field is drawn, or that every screen reads what its
check reads.  Derandomised, so the sample is the same on every run.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from record_strategies import VERSIONS
from strategies import datasets

from validator.checks.context import Article, DatasetContext
from validator.checks.naming import actor_column, actor_names

SIZE = 200  # datasets of each version, of one to four records each (the draws vary with
# the process's hash order: enough that every optional path turns up in any run)


@functools.cache
def generated() -> tuple[tuple[dict[str, Any], dict[str, Any]], ...]:
    """(record, its dataset) pairs, SIZE datasets at each version the strategies draw;
    read-only: copy a record before changing it."""
    drawn: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for version in VERSIONS:

        @settings(max_examples=SIZE, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(datasets(versions=(version,)))
        def draw(data: dict[str, Any]) -> None:
            drawn.extend((record, data) for record in data["records"])

        draw()
    return tuple(drawn)


def context_of(data: dict[str, Any], *, dated: bool = True) -> DatasetContext:
    """What the record checks know of a generated dataset (`dated`: its article's date too)."""
    article = Article(data["source"], "articles/a.txt", data["text"],
                      data["published"] if dated else None)
    rows = [{"id": actor, "name": data["names"][actor], "kind": data["kinds"][actor],
             "affiliation": data["affiliations"].get(actor, "")}
            for actor in data["actors"]]
    return DatasetContext(data["version"], frozenset(data["actors"]), {data["source"]: article},
                          actor_names(rows), actor_column(rows, "kind"),
                          actor_column(rows, "affiliation"))
