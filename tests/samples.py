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
