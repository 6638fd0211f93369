"""The references layer: every actor and source a record names is in its dataset's tables, and listed.

Rules: record-id-duplicate, actor-unknown, source-unknown, actor-not-listed, source-not-listed,
source-uncited, link-dangling, wikidata-inconsistent, actor-wikidata-conflict,
event-possible-duplicate, event-possible-duplicate-elsewhere, visit-part-of-multilateral.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from samples import BASE, CONTEXT, RECORDS, found, visit
from strategies import datasets

from validator.checks.context import Article, DatasetContext
from validator.checks.evidence import span_problems
from validator.checks.references import CHECKS as REFERENCES
from validator.checks.references import uncited_sources, unknown_actors
from validator.checks.suggest import did_you_mean
from validator.checks.walk import view
from validator.escaping import escape


def allegation() -> dict:
    return copy.deepcopy(RECORDS[2])


def denied_from_elsewhere() -> dict:
    """An allegation with a denial whose one span cites a source named nowhere else."""
    claim = allegation()
    span = {**claim["evidence"][0], "source": "elsewhere"}
    claim["arms_allegation"]["responses"] = [{"actor": "russia", "kind": "denial",
                                              "evidence": [span]}]
    return claim


ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates too


def record() -> dict:
    return json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[0])


def test_detail_actor_references_are_located() -> None:
    from validator.checks.references import unlisted_actors

    record = allegation()
    record["arms_allegation"]["claimant"]["actor"] = "nobody"
    record["arms_allegation"]["responses"] = [
        {"actor": "nobody-else", "kind": "denial", "evidence": record["evidence"][:1]}]
    meeting_record = visit()
    meeting_record["diplomatic_visit"]["meetings"][0]["participants"][0] = "nobody"
    assert found(unlisted_actors, record) == [
        ("actor-not-listed", "/arms_allegation/claimant/actor"),
        ("actor-not-listed", "/arms_allegation/responses/0/actor")]
    assert found(unlisted_actors, meeting_record) == [
        ("actor-not-listed", "/diplomatic_visit/meetings/0/participants/0")]


def test_nested_spans_and_sources_are_located() -> None:
    from validator.checks.references import unknown_sources

    record = visit()
    meeting_span = record["diplomatic_visit"]["meetings"][0]["evidence"][0]
    meeting_span["start"] += 1
    meeting_span["end"] += 1
    assert found(span_problems, record) == [
        ("span-text-mismatch", "/diplomatic_visit/meetings/0/evidence/0/start")]
    claim = denied_from_elsewhere()
    assert found(unknown_sources, claim) == [
        ("source-unknown", "/arms_allegation/responses/0/evidence/0/source")]


def test_an_unlisted_actor_is_reported_once() -> None:
    from validator.checks.references import unlisted_actors

    record = visit()
    record["diplomatic_visit"]["hosts"] = ["nobody"]
    record["diplomatic_visit"]["meetings"][0]["participants"] = ["nobody"]
    assert found(unlisted_actors, record) == [("actor-not-listed", "/diplomatic_visit/hosts/0")]


def test_an_unlisted_source_is_reported_once_wherever_its_spans_are() -> None:
    from validator.checks.references import unlisted_sources

    record = visit()
    assert list(unlisted_sources(record, CONTEXT)) == []
    for span in (record["evidence"][0], record["diplomatic_visit"]["meetings"][0]["evidence"][0]):
        span["source"] = "elsewhere"
    assert found(unlisted_sources, record) == [("source-not-listed", "/evidence/0/source")]
    record["reporting"]["sources"].append("elsewhere")
    assert found(unlisted_sources, record) == []
    claim = denied_from_elsewhere()
    assert found(unlisted_sources, claim) == [
        ("source-not-listed", "/arms_allegation/responses/0/evidence/0/source")]


@pytest.mark.parametrize(("choices", "value", "hint"), [
    ({"ukraine", "russia"}, "ukriane", "; did you mean 'ukraine'?"),
    ({"ukraine", "russia"}, "nobody-north-korea", ""),  # nothing close
    ({"ukraine"}, "ukraine", ""),  # itself is no suggestion
    (set(), "ukraine", ""),
    ({"actor-2", "actor-1"}, "actor-3", "; did you mean 'actor-1'?"),  # a tie: the first in order
    ({"a\nb\u202ec"}, "a\nb\u202ed", "; did you mean 'a\\u000ab\\u202ec'?"),  # escaped
])
def test_did_you_mean(choices: set[str], value: str, hint: str) -> None:
    assert did_you_mean(value, frozenset(choices)) == hint


@given(ANY_TEXT, st.frozensets(ANY_TEXT, max_size=20))
def test_a_hint_names_one_of_the_choices_or_nothing(value: str, choices: frozenset[str]) -> None:
    hint = did_you_mean(value, choices)
    assert hint == "" or hint in {f"; did you mean {escape(c)}?" for c in choices - {value}}


def test_an_unknown_id_gets_the_closest_row() -> None:
    value = record()
    value["actors"][0] = value["actors"][0][:-2] + value["actors"][0][:-3:-1]  # last two swapped
    context = DatasetContext("1.0.0", frozenset(record()["actors"]), None)
    (problem,) = unknown_actors(value, context)
    assert problem.message.endswith(f"; did you mean {escape(record()['actors'][0])}?")



# --- wikidata-inconsistent, actor-wikidata-conflict (codebook AC1 to AC4) ----------------

def _entry(file: str, line: int, actor: str, name: str, kind: str, wikidata: str):
    from validator.checks.identities import ActorEntry

    return ActorEntry(file, line, line - 2, actor, name, kind, wikidata, (1, 2, 3, 6))


def _identities(*entries, ignore=frozenset()) -> list[tuple[str, str, int, int, str]]:
    from validator.checks.identities import identity_findings

    return [(f.code, f.file, f.line, f.column, f.pointer)
            for f in identity_findings(entries, ignore)]


def test_one_wikidata_id_has_one_actor_id_name_and_kind() -> None:
    kim = _entry("a/actors.csv", 3, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    assert _identities(kim, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong Un", "person",
                                   "Q56226")) == []
    assert _identities(kim, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong-un", "person",
                                   "Q56226")) == [
        ("wikidata-inconsistent", "b/actors.csv", 4, 2, "/2/name")]
    assert _identities(kim, _entry("b/actors.csv", 5, "kim", "Kim Jong Un", "person",
                                   "Q56226")) == [
        ("wikidata-inconsistent", "b/actors.csv", 5, 1, "/3/id")]
    taiwan = _entry("a/actors.csv", 3, "taiwan", "Taiwan", "state", "Q865")
    assert _identities(taiwan, _entry("b/actors.csv", 6, "taiwan", "Taiwan", "organisation",
                                      "Q865")) == [
        ("wikidata-inconsistent", "b/actors.csv", 6, 3, "/4/kind")]


def test_one_actor_id_is_one_wikidata_id() -> None:
    first = _entry("a/actors.csv", 3, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    other = _entry("b/actors.csv", 7, "kim-jong-un", "Kim Jong Un", "person", "Q1")
    assert _identities(first, other) == [
        ("actor-wikidata-conflict", "b/actors.csv", 7, 6, "/5/wikidata")]
    assert _identities(first, other, ignore=frozenset({"actor-wikidata-conflict"})) == []
    # Each later row is held to the run's first row of its id, not to the one before it.
    third = _entry("c/actors.csv", 2, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    assert _identities(first, other, third) == [
        ("actor-wikidata-conflict", "b/actors.csv", 7, 6, "/5/wikidata")]


def test_the_identity_messages_name_both_rows() -> None:
    from validator.checks.identities import identity_findings

    first = _entry("a/actors.csv", 3, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    (named,) = identity_findings([first, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong-un",
                                                "person", "Q56226")])
    assert named.message == (
        "Wikidata 'Q56226' is 'kim-jong-un' at a/actors.csv:3, but here its name 'Kim Jong-un' "
        "(not 'Kim Jong Un'); one actor has one id, name and kind in every dataset")
    (twice,) = identity_findings([first, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong Un",
                                                "person", "Q1")])
    assert twice.message == ("actor 'kim-jong-un' is Wikidata 'Q1' here but 'Q56226' at "
                             "a/actors.csv:3; one actor id names one actor in every dataset")


def _far_map(function, items):
    """A map as a cluster runs one: each task and its result pickled, the last task first."""
    import pickle

    function, items = pickle.loads(pickle.dumps((function, list(items))))  # noqa: S301
    results = {index: pickle.dumps(function(items[index]))
               for index in reversed(range(len(items)))}
    return [pickle.loads(results[index]) for index in range(len(items))]  # noqa: S301


def test_identities_across_datasets_are_the_same_in_any_process(tmp_path) -> None:
    """The actors of each dataset travel with its result: two processes, or a cluster's
    map that runs the datasets last first, find what one process finds."""
    import shutil
    from pathlib import Path

    from validator import validate
    from validator.reading.limits import Sizes

    case = Path(__file__).parent.parent / "cases" / "invalid" / "actor-wikidata-conflict"
    work = tmp_path / "run"
    shutil.copytree(case / "two-datasets", work)
    shutil.copytree(BASE, work / "third")  # its records repeat the first dataset's ids
    serial = validate([str(work)], jobs=1)
    assert {f.code for f in serial.findings} == {"actor-wikidata-conflict",
                                                 "record-id-duplicate"}
    sizes = Sizes(parallel_bytes=0)
    assert validate([str(work)], jobs=2, sizes=sizes) == serial
    assert validate([str(work)], jobs=2, mapper=_far_map, sizes=sizes) == serial


# --- event-possible-duplicate(-elsewhere) (codebook K1, K2) ------------------------------

REPO = BASE.parent.parent.parent.parent
DATASETS = REPO / "datasets"


def _day(text: str) -> dict:
    return {"start": text, "precision": "day"}


def test_two_windows_are_within_two_days_when_at_most_two_days_lie_between_them() -> None:
    from validator.checks.duplicates import near, window

    first = window(_day("2024-06-10"))
    assert near(first, window(_day("2024-06-12")))  # two days after
    assert near(window(_day("2024-06-08")), first)  # two days before
    assert not near(first, window(_day("2024-06-13")))
    assert not near(window(_day("2024-06-07")), first)
    spell = window({"start": "2024-06-01", "end": "2024-06-05", "precision": "window"})
    assert near(spell, window(_day("2024-06-07")))
    assert not near(spell, window(_day("2024-06-08")))
    assert near(spell, window(_day("2024-06-03")))  # inside it
    # An open end reaches the end of the period its precision names (here, June).
    june = window({"start": "2024-06-01", "precision": "month", "end_bound": "open"})
    assert near(june, window(_day("2024-07-02")))
    assert not near(june, window(_day("2024-07-03")))
    assert window({"precision": "not_given", "reason": "not_in_text"}) is None


def test_a_visit_matches_the_same_visitors_and_hosts_and_a_call_only_a_call() -> None:
    from validator.checks.duplicates import matches

    first = visit()
    again = {**visit(), "id": "again"}
    assert matches(first, again) is not None
    again["diplomatic_visit"]["visitors"] = ["sergei-shoigu", "sergei-shoigu"]  # a set
    assert matches(first, again) is not None
    again["diplomatic_visit"]["hosts"] = ["north-korea", "china"]
    assert matches(first, again) is None
    call = visit()
    call["diplomatic_visit"]["mode"] = "phone"
    assert matches(first, call) is None
    assert matches(call, copy.deepcopy(call)) is not None
    later = visit()
    later["date"] = _day("2023-08-01")  # the window ends on 29 July: three days later
    assert matches(first, later) is None
    later["date"] = _day("2023-07-31")
    assert matches(first, later) is not None


def test_an_allegation_matches_on_supplier_recipient_and_a_weapon_category() -> None:
    """Stage, claimant and modality are not part of the key: a later stage, another
    claimant or a denial of the same transfer is the same transfer."""
    from validator.checks.duplicates import keys, matches

    claim = allegation()
    other = allegation()
    details = other["arms_allegation"]
    details.update(stage="delivered", claimant={"actor": "iran"})
    other["modality"] = "negated"
    assert matches(claim, other) is not None
    details["weapons"] = [{"category": "uav"}, *details["weapons"]]
    assert matches(claim, other) is not None  # one category in common is enough
    details["weapons"] = [{"category": "uav"}]
    assert matches(claim, other) is None
    details["weapons"] = claim["arms_allegation"]["weapons"]
    details["recipient"] = "china"
    assert matches(claim, other) is None
    details["recipient"] = None  # unknown: it matches no one
    assert keys(other) == []
    # Dated by the transfer when it has a start, else by the claim.
    details["recipient"] = claim["arms_allegation"]["recipient"]
    details["transfer_date"] = _day("2022-01-01")
    assert matches(claim, other) is None
    details["transfer_date"] = {"precision": "not_given", "reason": "not_in_text"}
    assert matches(claim, other) is not None


@given(data=datasets())
def test_the_digests_of_the_hot_path_are_those_of_the_keys_compared(data) -> None:
    """What every record keeps (written flat, cached) and what a candidate pair is compared
    on (read again) are one key and one window, for generated and real records."""
    from validator.checks.duplicates import digests, event_keys, key_digest

    real = [json.loads(line) for path in sorted(DATASETS.glob("*/events.jsonl"))
            for line in path.read_text("utf-8").splitlines()]
    impossible = allegation()
    impossible["date"]["start"] = "2023-02-30"  # a date no calendar has: no key
    for record in [*data["records"], *real[:: max(1, len(real) // 5)], impossible]:
        found = digests(record)
        kept = [(digest, *found[1:]) for digest in found[0]] if found else []
        assert kept == [(key_digest(key), first, last)
                        for key, first, last in event_keys(record)]
    assert digests(impossible) is None


def _copy(name: str, to: Path) -> Path:
    import shutil

    shutil.copytree(DATASETS / name, to)
    return to


def _lines(dataset: Path) -> list[dict]:
    return [json.loads(line) for line in
            (dataset / "events.jsonl").read_text("utf-8").splitlines()]


def _write(dataset: Path, records: list[dict]) -> None:
    (dataset / "events.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def test_a_same_event_link_taken_away_leaves_a_possible_duplicate(tmp_path) -> None:
    """The S-400 delivery told by two stories: linked, nothing; unlinked, the later record
    is reported at its allegation, naming the earlier by id and line."""
    from validator import validate
    from validator.reading.positions import locate

    dataset = _copy("voa-2019-11-25-turkey-s400", tmp_path / "s400")
    assert validate([str(dataset)], alone=True).findings == ()
    records = _lines(dataset)
    records[3]["links"] = records[3]["links"][1:]  # voa-6180932-001: same_event 6180015-001
    _write(dataset, records)
    report = validate([str(dataset)], alone=True)
    line = (dataset / "events.jsonl").read_text("utf-8").splitlines()[3]
    assert [(f.code, f.line, f.column, f.pointer) for f in report.findings] == [
        ("event-possible-duplicate", 4, locate(line, "/arms_allegation")[1], "/arms_allegation")]
    assert report.findings[0].message == (
        "may be the same event as record 'voa-6180015-001' (line 1): the same supplier "
        "('russia'), recipient ('turkey') and weapon category ('air_defence_systems'), dated "
        "within 2 days; code one record with both articles in reporting.sources, or link the "
        "two if they are two events (codebook K1)")


def _two_payne_datasets(tmp_path: Path) -> tuple[Path, Path]:
    first = _copy("voa-2021-05-15-payne-washington", tmp_path / "run" / "a")
    second = _copy("voa-2021-05-15-payne-washington", tmp_path / "run" / "b")
    records = _lines(second)
    for record in records:
        record["id"] = "b-" + record["id"]
    _write(second, records)
    return first, second


def test_links_in_either_direction_and_of_any_relation_clear_a_pair(tmp_path) -> None:
    """The run clears a pair when either record links the other, whatever the relation."""
    from validator import validate
    from validator.checks.duplicates import targets

    assert targets({**visit(), "links": [{"relation": "related", "record": "x"}]}) == {"x"}
    first, second = _two_payne_datasets(tmp_path)
    assert validate([str(first.parent)]).findings != ()
    records = _lines(second)  # the later links the earlier
    records[0]["links"] = [{"relation": "related", "record": "voa-6205843-001"}]
    _write(second, records)
    assert validate([str(first.parent)]).findings == ()


def test_a_linked_pair_is_cleared_without_reading_its_records_again(tmp_path,
                                                                      monkeypatch) -> None:
    """The run's links clear a pair by the digests of the ids: neither line is read again,
    where an unlinked pair's are (to compare them and word the finding)."""
    from validator import validate
    from validator.engine import across

    read: list[int] = []
    real = across.read_line

    def counted(*args: object) -> str | None:
        read.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(across, "read_line", counted)
    first, second = _two_payne_datasets(tmp_path)
    assert validate([str(first.parent)]).findings != ()
    assert read  # the pair's two records, and the later's line for the finding
    read.clear()
    records = _lines(second)
    records[0]["links"] = [{"relation": "same_event", "record": "voa-6205843-001"}]
    _write(second, records)
    assert validate([str(first.parent)]).findings == ()
    assert read == []


def test_the_same_visit_in_two_datasets_is_reported_in_the_later_until_linked(
        tmp_path) -> None:
    from validator import validate

    first, second = _two_payne_datasets(tmp_path)
    report = validate([str(first.parent)])
    assert [(f.code, f.file, f.line) for f in report.findings] == [
        ("event-possible-duplicate-elsewhere", f"{second}/events.jsonl", 1)]
    assert report.findings[0].message.startswith(
        f"may be the same event as record 'voa-6205843-001' at {first}/events.jsonl:1: visit "
        "with the same visitors ('marise-payne') and hosts ('united-states'), dated within "
        "2 days; link the two with same_event")
    assert validate([str(second)], alone=True).findings == ()  # a run of one: no pair
    records = _lines(first)
    records[0]["links"] = [{"relation": "same_event", "record": "b-voa-6205843-001"}]
    _write(first, records)
    assert validate([str(first.parent)]).findings == ()
    ignored = validate([str(first.parent)], ignore=["event-possible-duplicate-elsewhere"])
    assert ignored.findings == ()


def test_possible_duplicates_are_the_same_for_any_processes_and_chunks(tmp_path) -> None:
    """Chunks of one file and datasets on other processes or a cluster's map merge their
    keys in order: one finding a repeat, each naming the first record it repeats."""
    from validator import validate
    from validator.reading.limits import Sizes

    first, second = _two_payne_datasets(tmp_path)
    (line,) = (second / "events.jsonl").read_text("utf-8").splitlines()
    repeats = [json.loads(line) for _ in range(400)]
    for number, record in enumerate(repeats):
        record["id"] = f"b-{number}"
    _write(second, repeats)
    sizes = Sizes(chunk_bytes=16 * 1024, parallel_bytes=0)
    alone = validate([str(second)], jobs=1, alone=True)
    # A file gives MAX_FINDINGS_PER_RULE of a rule, and a note of how many more, as every rule.
    assert [(f.code, f.line) for f in alone.findings] == [
        ("event-possible-duplicate", number) for number in range(2, 102)] + [
        ("findings-capped", 102)]
    assert all("record 'b-0' (line 1)" in f.message for f in alone.findings[:-1])
    assert alone.findings[-1].message.startswith("299 more event-possible-duplicate findings")
    both = validate([str(first.parent)], jobs=1)  # each names the first of the run: a's
    assert [(f.code, f.line) for f in both.findings] == [
        ("event-possible-duplicate-elsewhere", number) for number in range(1, 101)] + [
        ("findings-capped", 101)]
    assert all("'voa-6205843-001' at " in f.message for f in both.findings[:-1])
    for serial, paths, beside in ((alone, [second], True), (both, [first.parent], False)):
        assert validate([str(p) for p in paths], jobs=2, sizes=sizes, alone=beside) == serial
        assert validate([str(p) for p in paths], jobs=2, mapper=_far_map, sizes=sizes,
                        alone=beside) == serial


def test_equal_digests_of_other_keys_are_compared_and_not_reported(tmp_path,
                                                                    monkeypatch) -> None:
    """Every key given one digest: candidates are read again and compared exactly."""
    from validator import validate
    from validator.checks import duplicates
    from validator.engine.across import EventKeys

    def colliding(keys: EventKeys, record: dict, position: int) -> None:
        found = duplicates.digests(record)
        for _ in found[0] if found else ():
            first, last = found[1:]
            keys.digests.append(7)
            keys.firsts.append(first)
            keys.lasts.append(last)
            keys.records.append(position)

    dataset = _copy("voa-2024-06-28-dprk-russia-arms", tmp_path / "arms")
    monkeypatch.setattr(EventKeys, "add", colliding)
    assert validate([str(dataset)], alone=True).findings == ()
    records = _lines(dataset)
    records.append({**records[0], "id": "voa-7677701-101"})  # a real repeat stays found
    records.append({**records[0]})  # a repeated id: record-id-duplicate's
    _write(dataset, records)
    found = validate([str(dataset)], alone=True).findings
    assert [(f.code, f.line) for f in found] == [
        ("event-possible-duplicate", 9), ("record-id-duplicate", 10),
        ("event-possible-duplicate", 10)]
    # The repeated id is not paired with its own id's record, but with the next it repeats.
    assert "record 'voa-7677701-001' (line 1)" in found[0].message
    assert "record 'voa-7677701-101' (line 9)" in found[2].message


# --- visit-part-of-multilateral (codebook M7) -----------------------------------------------

def test_a_visit_linked_part_of_a_multilateral_record_elsewhere_is_reported(tmp_path) -> None:
    """Rubio's trip to the G7 (another dataset) coded as a bilateral visit to Canada; a
    pull-aside at the meeting (a third location) is no trip."""
    from validator import validate
    from validator.reading.positions import locate

    rubio = _copy("voa-2025-03-10-rubio-saudi-arabia", tmp_path / "run" / "rubio")
    _copy("voa-2025-03-13-g7-charlevoix", tmp_path / "run" / "g7")
    records = _lines(rubio)
    [trip] = [r for r in records if r["id"] == "voa-8005899-004"]
    trip["diplomatic_visit"].update(mode="visit", hosts=["canada"])
    trip["classification"].update(cameo="042", plover_mode="visit")
    assert "canada" in trip["actors"]
    _write(rubio, records)
    number = records.index(trip) + 1
    line = (rubio / "events.jsonl").read_text("utf-8").splitlines()[number - 1]
    expected = [("visit-part-of-multilateral", f"{rubio}/events.jsonl", number,
                 locate(line, "/links/0/record")[1], "/links/0/record")]
    # The trip's roles name the G7's parties, so M1 (mode-not-multilateral) says so too.
    m1 = ["mode-not-multilateral"]
    for paths in ([rubio.parent], [rubio]):  # the G7 dataset in the run, or beside it
        found = validate([str(p) for p in paths], ignore=m1).findings
        assert [(f.code, f.file, f.line, f.column, f.pointer) for f in found] == expected
    assert found[-1].message == (
        "record 'voa-8005899-004' is part of the multilateral meeting 'voa-8010030-001', so "
        "it is a trip to attend it: its mode is multilateral, not visit (codebook M7)")
    assert validate([str(rubio)], alone=True, ignore=["link-dangling", *m1]).findings == ()


def test_copies_of_one_event_give_pairs_in_proportion_to_their_number() -> None:
    """Every copy is paired with a first one, and no copy with all the others (which would
    be quadratic: a million copies of one record)."""
    from validator.engine.across import SAME_WINDOW, EventKeys

    copies = 3000
    keys = EventKeys()
    record = visit()
    for position in range(copies):
        keys.add(record, position)
    moved = visit()
    moved["date"] = {"start": "2023-07-30", "precision": "day"}  # another window, in reach
    keys.add(moved, copies)
    pairs = keys.pairs()
    assert len(pairs) <= (copies + 1) * 2 * SAME_WINDOW
    assert {later for _, later in pairs} == set(range(1, copies + 1))
    assert all(earlier < SAME_WINDOW for earlier, _ in pairs)  # each names a first copy


def test_windows_that_all_overlap_give_pairs_in_proportion_to_their_number() -> None:
    """Records of one key whose windows all differ and all overlap (each from its own day
    to one far end) are paired with a few first ones each, not with every other: the
    sweep once paired each with all the windows before it that reach it (quadratic)."""
    import datetime as dt

    from validator.engine.across import SAME_WINDOW, EventKeys

    copies = 3000
    keys = EventKeys()
    day = dt.date(2023, 1, 1)
    for position in range(copies):
        record = visit()
        record["date"] = {"start": (day + dt.timedelta(position)).isoformat(),
                          "end": "2040-12-31", "precision": "window"}
        keys.add(record, copies - 1 - position)  # the latest window first in the run
    pairs = keys.pairs()
    assert len(pairs) <= copies * SAME_WINDOW
    assert {later for _, later in pairs} == set(range(1, copies))
    assert (0, copies - 1) in pairs  # the last in the run names the first


_WINDOWS = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 12)), max_size=40).flatmap(
    lambda windows: st.tuples(st.just(windows), st.permutations(range(len(windows)))))


@given(_WINDOWS)
@example(([(0, length) for length in range(12)], range(12)))  # one start, twelve ends
@example(([(0, 0)] * 12 + [(1, 0)] * 3 + [(40, 0)], range(15, -1, -1)))  # copies of a window
def test_each_record_is_paired_with_the_first_records_of_the_run_near_it(drawn) -> None:
    """Of the records of one key, each is paired with the first SAME_WINDOW records of the
    run (before it) whose windows are within two days of its own, and with no other: what
    every pair is compared with, one by one (a pair's key may prove another, or a link
    clear it), to name the first record it may repeat."""
    from validator.checks.duplicates import near
    from validator.engine.across import SAME_WINDOW, EventKeys

    windows, order = drawn  # run order is not the order of the windows
    keys = EventKeys()
    spans = {}
    for position, (first, length) in zip(order, windows, strict=True):
        record = visit()
        start = _june(first)
        record["date"] = {"start": start, "end": _june(first + length), "precision": "window"}
        keys.add(record, position)
        spans[position] = (first, first + length)
    expected = set()
    for later, span in spans.items():
        earlier = sorted(one for one, other in spans.items()
                         if one < later and near(other, span))[:SAME_WINDOW]
        expected.update((one, later) for one in earlier)
    assert keys.pairs() == expected


def _june(day: int) -> str:
    """The ISO date `day` days after 1 June 2024."""
    import datetime as dt

    return (dt.date(2024, 6, 1) + dt.timedelta(day)).isoformat()


# --- source-uncited (codebook E5) ---------------------------------------------------

TWO_ARTICLES = DatasetContext("1.0.0", frozenset(), {
    source: Article(source, f"articles/{source}.txt", None, None)
    for source in ("newsbytes-2023-07-29", "voa-1")})


@pytest.mark.parametrize(("listed", "context", "expected"), [
    (["newsbytes-2023-07-29"], TWO_ARTICLES, []),
    (["newsbytes-2023-07-29", "voa-1"], TWO_ARTICLES, [("source-uncited", "/reporting/sources/1")]),
    (["voa-1", "newsbytes-2023-07-29"], TWO_ARTICLES, [("source-uncited", "/reporting/sources/0")]),
    (["voa-1", "voa-1"], TWO_ARTICLES, [("source-uncited", "/reporting/sources/0")]),  # once
    (["newsbytes-2023-07-29", "zz-other"], TWO_ARTICLES, []),  # source-unknown's to report
    (["newsbytes-2023-07-29", "zz-other"], DatasetContext("1.0.0"),  # no table: every one
     [("source-uncited", "/reporting/sources/1")]),
])
def test_every_listed_article_is_cited(listed, context, expected) -> None:
    record = visit()
    record["reporting"]["sources"] = listed
    assert [(p.code, p.pointer) for p in uncited_sources(record, context)] == expected
    assert REFERENCES[-1].passes(view(record), context) is (expected == [])


def test_a_span_of_a_meeting_or_a_response_cites_its_article_too() -> None:
    record = visit()
    record["reporting"]["sources"].append("voa-1")
    record["diplomatic_visit"]["meetings"][0]["evidence"][0]["source"] = "voa-1"
    assert list(uncited_sources(record, TWO_ARTICLES)) == []
    claim = denied_from_elsewhere()
    claim["reporting"]["sources"].append(claim["arms_allegation"]["responses"][0]["evidence"][0]
                                         ["source"])
    assert list(uncited_sources(claim, DatasetContext("1.0.0"))) == []


def test_the_uncited_source_message_says_what_to_do() -> None:
    record = visit()
    record["reporting"]["sources"].append("voa-1")
    (problem,) = uncited_sources(record, TWO_ARTICLES)
    assert problem.message == (f"source {escape('voa-1')} is in the record's reporting sources, "
                               "but no span cites it: cite the words in which it reports the "
                               "event, or leave it out")


@pytest.mark.parametrize("changed", [
    '{"id": "x", "diplomatic_visit": {"mode": "visit"}}',  # no visitors now
    '{"id": "x", "arms_allegation": {"supplier": "a", "recipient": "b", "weapons": 3}}',
    '{"id": "x", "date": "2024"}',
])
def test_a_record_changed_during_the_run_is_compared_with_nothing(changed) -> None:
    """The pairs re-read their records at the run's end: an edit since must not crash it."""
    from validator.engine.across import _Records
    from validator.engine.ids import RecordIds, id_digest

    class Edited(_Records):
        def text(self, position: int) -> tuple[str, str, int] | None:  # noqa: ARG002
            """The line as it reads now, whatever the position."""
            return changed, "ds/events.jsonl", 1

    ids = RecordIds()
    ids.add("x", "ds/events.jsonl", 1, 0)
    records = Edited(ids, {})
    seen = records.get(0)
    assert seen is None or seen.keys == []  # no key: it pairs with nothing
    assert records.changed == set()  # its id the same: no sign of a change (it may be none)
    ids.digests[0] = id_digest("y")  # as if "y" had stood there when it was checked
    other = Edited(ids, {})
    assert other.get(0) is None
    assert other.changed == {"ds/events.jsonl"}  # another record there now: the file changed
