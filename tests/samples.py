"""The base case's records and article, as the unit tests of the checks use them."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from validator.checks.context import Article, DatasetContext

BASE = Path(__file__).parent / "cases" / "valid" / "base"
RECORDS = [json.loads(line) for line in (BASE / "events.jsonl").read_text("utf-8").splitlines()]
ARTICLE_TEXT = (BASE / "articles" / "newsbytes-2023-07-29.txt").read_text("utf-8")
CONTEXT = DatasetContext("1.0.0", frozenset(), {
    "newsbytes-2023-07-29": Article("newsbytes-2023-07-29", "a.txt", ARTICLE_TEXT,
                                    dt.date(2023, 7, 29))})


def visit() -> dict[str, Any]:
    """A copy of the base case's first record, a visit, to break."""
    return copy.deepcopy(RECORDS[0])


def found(check: Any, record: Any) -> list[tuple[str, str]]:
    """(code, pointer) of what a record check yields for `record` in the base case's context."""
    return [(p.code, p.pointer) for p in check(record, CONTEXT)]


def aliased(folder: Path, rows: str | None) -> Path:
    """A copy of the base case at `folder`, moved to schema 1.3.0, with `rows` as aliases.csv.

    `rows` are the table's lines after its header (None: no aliases table); the
    descriptor declares it with its released Table Schema, after the actors.
    """
    import shutil

    from validator import registry, upgrade

    shutil.copytree(BASE, folder)
    upgrade.write(upgrade.plan(folder, "1.3.0"))
    if rows is None:
        return folder
    (folder / "aliases.csv").write_text(f"actor,alias,language\n{rows}", "utf-8")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    resources = descriptor["resources"]
    at = next(i for i, r in enumerate(resources) if r["name"] == "actors") + 1
    resources.insert(at, {"name": "aliases", "type": "table", "path": "aliases.csv",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": registry.load("1.3.0").table_schema("aliases")})
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    return folder
