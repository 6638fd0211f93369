"""Links between records: resolved across every dataset of a run (validator.checks.links).

A run does not call the check yet (see `RecordLinks` for the wiring); these
tests drive it as the run will: links gathered per file, merged in order, and
resolved against every record id of the run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from legacy import CODING, records_1_0_0

from validator import check_record, upgrade
from validator.checks.links import Link, RecordLinks, link_findings, record_links
from validator.findings import RULES
from validator.reading.positions import locate

REPO = Path(__file__).parent.parent
PAYNE = REPO / "datasets" / "voa-2021-05-15-payne-washington"
BASE = Path(__file__).parent / "cases" / "valid" / "base"


def gather(folders: list[Path]) -> tuple[RecordLinks, set[str]]:
    """What a run gathers: each file's links (merged in order) and every record id."""
    merged, ids = RecordLinks(), set()
    for folder in folders:
        links = RecordLinks()
        events = folder / "events.jsonl"
        for number, text in enumerate(events.read_text("utf-8").splitlines(), start=1):
            record = json.loads(text)
            ids.add(record["id"])
            links.add(record, str(events), number, lambda p, t=text: locate(t, p)[1])
        merged.merge(links)
    return merged, ids


def _upgraded(tmp_path: Path, source: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(source, folder)
    assert upgrade.main([str(folder)]) == 0
    return folder


def _link(folder: Path, index: int, links: list[dict[str, Any]]) -> None:
    events = folder / "events.jsonl"
    records = [json.loads(line) for line in events.read_text("utf-8").splitlines()]
    records[index]["links"] = links
    events.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def test_a_link_into_another_dataset_resolves_and_a_dangling_one_is_found(tmp_path: Path) -> None:
    payne = _upgraded(tmp_path, PAYNE, "payne")
    base = _upgraded(tmp_path, BASE, "base")
    _link(payne, 0, [{"relation": "related", "record": "newsbytes-2023-07-29-001"}])
    _link(base, 1, [{"relation": "same_event", "record": "newsbytes-2023-07-29-001"},
                    {"relation": "part_of", "record": "voa-6205843-009"}])
    links, ids = gather([payne, base])
    assert [link.target for link in links.links] == [
        "newsbytes-2023-07-29-001", "newsbytes-2023-07-29-001", "voa-6205843-009"]
    found = list(link_findings(links, ids.__contains__))
    line = (base / "events.jsonl").read_text("utf-8").splitlines()[1]
    assert [(f.code, f.file, f.line, f.column, f.pointer, f.message) for f in found] == [
        ("link-dangling", str(base / "events.jsonl"), 2, locate(line, "/links/1/record")[1],
         "/links/1/record", ("link to record 'voa-6205843-009', which no dataset of this run "
         "has; check the id, or check its dataset in the same run"))]
    assert found[0].severity is RULES["link-dangling"].severity


def test_the_same_links_resolve_when_both_datasets_are_in_the_run(tmp_path: Path) -> None:
    """A link is dangling only for a run that leaves its target's dataset out."""
    payne = _upgraded(tmp_path, PAYNE, "payne")
    base = _upgraded(tmp_path, BASE, "base")
    _link(base, 0, [{"relation": "related", "record": "voa-6205843-001"}])
    assert list(link_findings(*_resolver(gather([payne, base])))) == []
    alone = list(link_findings(*_resolver(gather([base]))))
    assert [(f.code, f.line, f.pointer) for f in alone] == [("link-dangling", 1,
                                                             "/links/0/record")]


def _resolver(gathered: tuple[RecordLinks, set[str]]) -> tuple[RecordLinks, Any]:
    links, ids = gathered
    return links, ids.__contains__


def test_a_record_that_links_to_itself_is_found() -> None:
    record = {"id": "a-1", "links": [{"relation": "same_event", "record": "a-1"}]}
    links = RecordLinks()
    links.add(record, "x.jsonl", 3)
    (finding,) = link_findings(links, lambda _: True)
    assert (finding.line, finding.column, finding.message) == (3, 1,
                                                               "record 'a-1' links to itself")


def test_records_without_links_add_nothing() -> None:
    links = RecordLinks()
    for record in ({"id": "a"}, {"id": "b", "links": []}, "not a record", {"links": [5]}):
        links.add(record, "x.jsonl", 1)
        assert record_links(record) == []
    assert links.links == []


def test_merging_keeps_the_order_of_reading() -> None:
    first, second = RecordLinks(), RecordLinks()
    first.add({"id": "a", "links": [{"relation": "related", "record": "b"}]}, "f", 1)
    second.add({"id": "b", "links": [{"relation": "related", "record": "c"}]}, "f", 2)
    first.merge(second)
    assert [(link.line, link.target) for link in first.links] == [(1, "b"), (2, "c")]
    assert [f.line for f in link_findings(first.links, {"b"}.__contains__)] == [2]


def test_a_long_or_odd_id_is_quoted_short_and_printable() -> None:
    link = Link("f\nx", 1, 1, "/links/0/record", "a", "z" * 200)
    (finding,) = link_findings([link], lambda _: False)
    assert "z" * 60 + "…" in finding.message
    assert "\n" not in finding.file


def test_a_link_is_valid_1_1_0_but_unknown_at_1_0_0() -> None:
    (record,) = records_1_0_0()[PAYNE.name]
    record["links"] = [{"relation": "same_event", "record": "voa-7677701-004"}]
    assert [f.code for f in check_record(record)] == ["schema-unknown-field"]
    record["schema_version"] = "1.1.0"
    assert check_record(record, ignore=CODING) == []
