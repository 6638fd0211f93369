"""Links between records: resolved across every dataset of a run (validator.checks.links).

A run keeps each link as digests and positions (`RecordLinks`) and reads
again only the records of the links it reports, so these tests drive runs.
"""

from __future__ import annotations

import array
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from legacy import CODING, records_1_0_0

from validator import check_record, upgrade, validate
from validator.checks.links import PART_OF_VISIT, SELF, RecordLinks, link_problem
from validator.engine.ids import id_digest
from validator.findings import RULES, Finding
from validator.reading.limits import MAX_FINDINGS_PER_RULE, Sizes
from validator.reading.positions import locate

REPO = Path(__file__).parent.parent
PAYNE = REPO / "datasets" / "voa-2021-05-15-payne-washington"
BASE = Path(__file__).parent / "cases" / "valid" / "base"
LINKS = ("link-dangling", "findings-capped")


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


def _links_found(folders: list[Path], **options: Any) -> list[Finding]:
    report = validate([str(folder) for folder in folders], alone=True, **options)
    return [f for f in report.findings if f.code in LINKS]


def test_a_link_into_another_dataset_resolves_and_a_dangling_one_is_found(tmp_path: Path) -> None:
    payne = _upgraded(tmp_path, PAYNE, "payne")
    base = _upgraded(tmp_path, BASE, "base")
    _link(payne, 0, [{"relation": "related", "record": "newsbytes-2023-07-29-001"}])
    _link(base, 1, [{"relation": "same_event", "record": "newsbytes-2023-07-29-001"},
                    {"relation": "part_of", "record": "voa-6205843-009"}])
    found = _links_found([payne, base])
    line = (base / "events.jsonl").read_text("utf-8").splitlines()[1]
    assert [(f.code, Path(f.file), f.line, f.column, f.pointer, f.message) for f in found] == [
        ("link-dangling", base / "events.jsonl", 2, locate(line, "/links/1/record")[1],
         "/links/1/record", ("link to record 'voa-6205843-009', which no dataset of this run "
         "has; check the id, or check its dataset in the same run"))]
    assert found[0].severity is RULES["link-dangling"].severity


def test_the_same_links_resolve_when_both_datasets_are_in_the_run(tmp_path: Path) -> None:
    """A link is dangling only for a run that leaves its target's dataset out."""
    payne = _upgraded(tmp_path, PAYNE, "payne")
    base = _upgraded(tmp_path, BASE, "base")
    _link(base, 0, [{"relation": "related", "record": "voa-6205843-001"}])
    assert _links_found([payne, base]) == []
    alone = _links_found([base])
    assert [(f.code, f.line, f.pointer) for f in alone] == [("link-dangling", 1,
                                                             "/links/0/record")]


def test_a_record_that_links_to_itself_is_found(tmp_path: Path) -> None:
    base = _upgraded(tmp_path, BASE, "base")
    record_id = json.loads((base / "events.jsonl").read_text("utf-8").splitlines()[0])["id"]
    _link(base, 0, [{"relation": "related", "record": record_id}])
    line = (base / "events.jsonl").read_text("utf-8").splitlines()[0]
    (finding,) = _links_found([base])
    assert (finding.line, finding.column, finding.message) == (
        1, locate(line, "/links/0/record")[1], f"record {record_id!r} links to itself")


def test_records_without_links_add_nothing() -> None:
    links = RecordLinks()
    for record in ({"id": "a"}, {"id": "b", "links": []}, "not a record", {"links": [5]}):
        links.add(record, 0, id_digest)
    assert len(links) == 0


def test_merging_moves_positions_past_the_ids_before() -> None:
    first, second = RecordLinks(), RecordLinks()
    first.add({"id": "a", "links": [{"relation": "related", "record": "b"}]}, 0, id_digest)
    second.add({"id": "b", "links": [{"relation": "related", "record": "c"},
                                     {"relation": "part_of", "record": "b"}],
                "diplomatic_visit": {"mode": "visit"}}, 0, id_digest)
    first.merge(second, 5)
    assert list(first.records) == [0, 5, 5]
    assert list(first.targets) == [id_digest("b"), id_digest("c"), id_digest("b")]
    assert list(first.indexes) == [0, 0, 1]
    assert list(first.kinds) == [0, 0, PART_OF_VISIT | SELF]
    assert list(first.suspects({id_digest("b")}.__contains__)) == [1, 2]


def test_a_long_or_odd_id_is_quoted_short_and_printable() -> None:
    record = {"id": "a", "links": [{"relation": "related", "record": "z" * 200 + "\x1b[2J"}]}
    problem = link_problem(record, 0, lambda _: False)
    assert problem is not None
    assert "z" * 60 + "…" in problem.message
    odd = link_problem({"id": "a", "links": [{"record": "\x1b[31m\n"}]}, 0, lambda _: False)
    assert odd is not None
    assert "\x1b" not in odd.message
    assert "\n" not in odd.message


def test_a_record_changed_since_it_was_read_gives_no_problem() -> None:
    assert link_problem({"id": "a"}, 0, lambda _: False) is None
    assert link_problem({"id": "a", "links": []}, 0, lambda _: False) is None
    assert link_problem({"id": 5, "links": [{"record": "b"}]}, 0, lambda _: False) is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_dangling_links_are_capped_a_file_and_only_those_kept_are_worded(
        tmp_path: Path, jobs: int) -> None:
    """A file of many dangling links gives MAX_FINDINGS_PER_RULE and a note, as every rule."""
    base = _upgraded(tmp_path, BASE, "base")
    events = base / "events.jsonl"
    records = [json.loads(line) for line in events.read_text("utf-8").splitlines()]
    many = MAX_FINDINGS_PER_RULE + 7
    records[0]["links"] = [{"relation": "related", "record": f"nowhere-{n}"}
                           for n in range(many)]
    events.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      "utf-8")
    found = _links_found([base], jobs=jobs, sizes=Sizes(chunk_bytes=64, parallel_bytes=0))
    dangling = [f for f in found if f.code == "link-dangling"]
    (note,) = [f for f in found if f.code == "findings-capped"]
    assert len(dangling) == MAX_FINDINGS_PER_RULE
    assert {f.message.split("'")[1] for f in dangling} == {
        f"nowhere-{n}" for n in range(many)} - {f"nowhere-{n}" for n in range(100, many)}
    assert note.message.startswith("7 more link-dangling findings")
    assert (note.line, note.column) == (1, 1)  # where the first left out stands


def test_a_link_is_valid_1_1_0_but_unknown_at_1_0_0() -> None:
    (record,) = records_1_0_0()[PAYNE.name]
    record["links"] = [{"relation": "same_event", "record": "voa-7677701-004"}]
    assert [f.code for f in check_record(record)] == ["schema-unknown-field"]
    record["schema_version"] = "1.1.0"
    assert check_record(record, ignore=CODING) == []


@given(st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 600)),
       st.lists(st.integers(0, 2**64 - 1) | st.integers(0, 600)))
def test_the_missing_targets_are_those_no_id_has(wanted: list[int], digests: list[int]) -> None:
    """The bucketed search gives what a set of every id would."""
    from validator.engine.across import _missing

    assert _missing(array.array("Q", wanted), array.array("Q", digests)) == \
        set(wanted) - set(digests)
