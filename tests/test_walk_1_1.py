"""Screens and walks over the parts 1.1.0 adds: roles, groups, use dates, bounds, no date.

Every record check's screen must never pass a record its full check reports
(tests/test_screens.py holds them to it on 1.0.0 records); these perturb the
1.1.0 records of datasets/ where the new parts are, and check each screen
against its check, and that no check fails on a date with no start.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from validator.checks import walk
from validator.checks.context import Article, DatasetContext
from validator.checks.records import RECORD_CHECKS

REPO = Path(__file__).parent.parent
Record = dict[str, Any]


def _contexts() -> Iterator[tuple[DatasetContext, Record]]:
    for folder in sorted((REPO / "datasets").glob("*/")):
        actors = csv.DictReader(io.StringIO((folder / "actors.csv").read_text("utf-8")))
        sources = {}
        for row in csv.DictReader(io.StringIO((folder / "sources.csv").read_text("utf-8"))):
            text = (folder / row["path"]).read_text("utf-8")
            sources[row["id"]] = Article(row["id"], row["path"], text,
                                         dt.date.fromisoformat(row["published"][:10]))
        context = DatasetContext("1.1.0", frozenset(a["id"] for a in actors), sources)
        for line in (folder / "events.jsonl").read_text("utf-8").splitlines():
            yield context, json.loads(line)


def _roles(record: Record) -> list[Record]:
    visit = record.get("diplomatic_visit") or {}
    return [role for holder in [visit, *visit.get("meetings", ())]
            for role in holder.get("roles", ())]


def _unknown_role_actor(record: Record) -> bool:
    roles = _roles(record)
    if roles:
        roles[-1]["actor"] = "zz-nobody"
    return bool(roles)


def _unknown_side(record: Record) -> bool:
    roles = [role for role in _roles(record) if "side" in role]
    if roles:
        roles[0]["side"] = "zz-nobody"
    return bool(roles)


def _unlisted_member(record: Record) -> bool:
    groups = record.get("groups") or []
    if groups:
        record["actors"] = [a for a in record["actors"] if a != groups[0]["members"][-1]]
    return bool(groups)


def _reversed_use_date(record: Record) -> bool:
    allegation = record.get("arms_allegation") or {}
    if "use_date" in allegation:
        allegation["use_date"] = {"start": "2019-11-25", "end": "2019-11-01",
                                  "precision": "window"}
    return "use_date" in allegation


def _open_end_midmonth(record: Record) -> bool:
    record["date"] = {"start": "2020-01-05", "precision": "month", "end_bound": "open"}
    return True


def _open_end_late(record: Record) -> bool:
    record["date"] = {"start": "2020-01-21", "precision": "part_of_month", "month_part": "late",
                      "end_bound": "open"}
    return True


def _late_with_mid_days(record: Record) -> bool:
    record["date"] = {"start": "2020-01-11", "end": "2020-01-20", "precision": "part_of_month",
                      "month_part": "late"}
    return True


def _no_date(record: Record) -> bool:
    record["date"] = {"precision": "not_given", "reason": "not_stated"}
    return True


def _bounded_future(record: Record) -> bool:
    record["date"] = {"start": "2099-01-01", "precision": "day", "start_bound": "on_or_before"}
    return True


PERTURBATIONS: list[Callable[[Record], bool]] = [
    _unknown_role_actor, _unknown_side, _unlisted_member, _reversed_use_date,
    _open_end_midmonth, _open_end_late, _late_with_mid_days, _no_date, _bounded_future]


@pytest.mark.parametrize("perturb", PERTURBATIONS, ids=lambda p: p.__name__)
def test_screens_never_pass_what_their_checks_report(perturb: Callable[[Record], bool]) -> None:
    reported = 0
    for context, original in _contexts():
        record = copy.deepcopy(original)
        if not perturb(record):
            continue
        view = walk.view(record)
        assert view.detail_actors == [v for _, v in walk.detail_actor_refs(record)]
        assert view.dates == [v for _, v in walk.dates(record)]
        for check in RECORD_CHECKS:
            problems = list(check.problems(record, context))
            if check.passes(view, context):
                assert problems == [], (check.name, record["id"])
            reported += bool(problems)
    assert reported, f"{perturb.__name__} broke no rule anywhere"


def test_the_new_parts_are_walked() -> None:
    """Role actors and sides, group members and use dates reach the reference checks."""
    found = {ptr[-2] if isinstance(ptr[-1], int) else ptr[-1]
             for _, record in _contexts() for ptr, _ in walk.detail_actor_refs(record)}
    assert {"actor", "side", "members"} <= found
    use_dates = [ptr for _, record in _contexts() for ptr, _ in walk.dates(record)
                 if ptr == ("arms_allegation", "use_date")]
    assert use_dates
