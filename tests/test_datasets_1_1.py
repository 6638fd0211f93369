"""The repository's datasets at schema 1.1.0: every change in use, one host rule, links resolved."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from validator import registry, validate
from validator.checks.walk import dates, places

REPO = Path(__file__).parent.parent
DATASETS = sorted(p.parent for p in (REPO / "datasets").glob("*/datapackage.json"))
LATER = set(registry.versions()[registry.versions().index("1.1.0"):])  # 1.1.0 and later

Record = dict[str, Any]


def _records() -> Iterator[tuple[Path, int, str, Record]]:
    for folder in DATASETS:
        for number, line in enumerate((folder / "events.jsonl").read_text("utf-8").splitlines(),
                                      start=1):
            yield folder, number, line, json.loads(line)


def _kinds(folder: Path) -> dict[str, str]:
    text = (folder / "actors.csv").read_text("utf-8")
    return {row["id"]: row["kind"] for row in csv.DictReader(io.StringIO(text))}


def test_every_dataset_is_at_1_1_0_or_later() -> None:
    """The changes of 1.1.0 that these tests look for are in every later version."""
    for folder in DATASETS:
        assert json.loads((folder / "datapackage.json").read_text("utf-8"))[
            "textevents_version"] in LATER, folder.name
    assert {record["schema_version"] for *_, record in _records()} <= LATER


def _allegation(record: Record) -> Record:
    return record.get("arms_allegation") or {}


def _visit(record: Record) -> Record:
    return record.get("diplomatic_visit") or {}


def _date_values(record: Record, key: str) -> set[str]:
    return {str(date.get(key)) for _, date in dates(record)}


def _roles(record: Record) -> set[str]:
    visit = _visit(record)
    holders = [visit, *visit.get("meetings", ())]
    return {role["role"] for holder in holders for role in holder.get("roles", ())}


_DATASET_OF = {record["id"]: folder.name for folder, *_, record in _records()}


# Each change of 1.1.0 (docs/changes-1.1.0-notes.md) and a test of a record that uses it.
USES: dict[str, Callable[[Record], bool]] = {
    "claim by unnamed sources": lambda r: _allegation(r).get("claimant", {}).get(
        "attribution") == "unnamed",
    "claim in the article's own voice": lambda r: _allegation(r).get("claimant", {}).get(
        "attribution") == "article",
    "start on or before": lambda r: "on_or_before" in _date_values(r, "start_bound"),
    "end on or after": lambda r: "on_or_after" in _date_values(r, "end_bound"),
    "open end": lambda r: "open" in _date_values(r, "end_bound"),
    "date not given": lambda r: "not_given" in _date_values(r, "precision"),
    "part of a month": lambda r: "part_of_month" in _date_values(r, "precision"),
    "visit status unknown": lambda r: _visit(r).get("status") == "unknown",
    "verification not assessed": lambda r: _allegation(r).get("verification") == "not_assessed",
    "stage shipped": lambda r: _allegation(r).get("stage") == "shipped",
    "stage tested, with its date": lambda r: _allegation(r).get("stage") == "tested"
    and "use_date" in _allegation(r),
    "transfer modality": lambda r: "transfer_modality" in _allegation(r),
    "assistance with no weapon": lambda r: "assistance" in _allegation(r)
    and not _allegation(r)["weapons"],
    "several quantities": lambda r: any("quantities" in w for w in _allegation(r).get(
        "weapons", ())),
    "calibre": lambda r: any("calibre" in w for w in _allegation(r).get("weapons", ())),
    "group of states": lambda r: bool(r.get("groups")),
    "supranational place": lambda r: any(p["precision"] == "supranational"
                                         for _, p in places(r)),
    "convener": lambda r: "convener" in _roles(r),
    "counterpart": lambda r: "counterpart" in _roles(r),
    "participant at a multilateral meeting": lambda r: "participant" in _roles(r)
    and _visit(r).get("mode") == "multilateral",
    "delegation sides": lambda r: "visiting_delegation" in _roles(r),
    "link part_of": lambda r: any(link["relation"] == "part_of" for link in r.get("links", ())),
    "link across datasets": lambda r: any(
        _DATASET_OF.get(link["record"]) not in {None, _DATASET_OF[r["id"]]}
        for link in r.get("links", ())),
    "PLOVER phone": lambda r: r["classification"]["plover_mode"] == "phone",
    "PLOVER disapprove": lambda r: r["classification"]["plover_mode"] == "disapprove",
    "PLOVER investigate": lambda r: r["classification"]["plover_mode"] == "investigate",
}


@pytest.mark.parametrize("change", sorted(USES))
def test_each_change_is_used_by_a_dataset_record(change: str) -> None:
    users = [record["id"] for *_, record in _records() if USES[change](record)]
    assert users, f"no record of datasets/ uses {change}"


def test_a_host_is_a_state_or_organisation_never_a_person() -> None:
    """The one host rule (CONTRIBUTING.md), in every dataset: people who receive are
    counterparts."""
    hosts = 0
    for folder, _, _, record in _records():
        kinds = _kinds(folder)
        for host in _visit(record).get("hosts", ()):
            assert kinds[host] != "person", (record["id"], host)
            hosts += 1
    assert hosts >= 15


def test_every_link_resolves_in_a_run_over_every_dataset() -> None:
    """The links of datasets/ all name a record of a run over them all; without the
    G7 dataset, the link into it dangles."""
    def dangling(skip: str = "") -> list[tuple[str, str]]:
        folders = [str(folder) for folder in DATASETS if folder.name != skip]
        report = validate(folders, alone=True)
        return [(Path(f.file).parent.name, f.pointer) for f in report.findings
                if f.code == "link-dangling"]

    assert sum(len(record.get("links", ())) for *_, record in _records()) >= 5
    assert dangling() == []
    assert dangling(skip="voa-2025-03-13-g7-charlevoix") == [
        ("voa-2025-03-10-rubio-saudi-arabia", "/links/0/record")]
