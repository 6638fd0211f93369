"""`check_record`: one record in memory is checked as its line in an events file is."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from mutations import CERTAIN, no_draw
from strategies import contents, datasets
from writing import write_dataset

from validator import RULES, UsageError, check_record, validate

if TYPE_CHECKING:
    from validator.checks.context import DatasetContext

BASE = Path(__file__).parent / "cases" / "valid" / "base"
RECORD = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[0])


def _where(findings, article: str = "", first_line: int = 1) -> list[tuple]:
    return [(f.code, f.line - first_line + 1, f.column, f.pointer,
             f.message.replace(article, "ARTICLE")) for f in findings]


# The checks across the records of a dataset or a run: one record alone has none of them.
ACROSS_RECORDS = frozenset({"record-id-duplicate", "event-possible-duplicate",
                            "event-possible-duplicate-elsewhere", "visit-part-of-multilateral",
                            "stage-inconsistent", "verification-inconsistent"})


@given(data=datasets(), broken=st.lists(st.tuples(st.sampled_from(CERTAIN), st.integers(0, 3)),
                                         max_size=3, unique_by=lambda pair: pair[0].name))
def test_a_record_gives_the_findings_of_its_line_in_a_dataset(data, broken) -> None:
    for mutation, which in broken:
        mutation.apply(data["records"][which % len(data["records"])], data, no_draw)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "ds", data)
        report = validate([str(folder)])
    events = str(folder / "events.jsonl")
    source = data["source"]
    for number, record in enumerate(data["records"], start=1):
        on_disk = [f for f in report.findings if f.file == events and f.line == number
                   and f.code not in ACROSS_RECORDS]
        rows = [{"id": actor, "name": data["names"][actor], "kind": data["kinds"][actor],
                 "affiliation": data["affiliations"].get(actor, "")}
                for actor in data["actors"]]
        alone = check_record(record, texts={source: data["text"]},
                             published={source: data["published"]}, actor_rows=rows)
        event(f"findings: {bool(alone)}")
        assert _where(alone, f"<{source}>") == _where(on_disk, "articles/a.txt", number)
        assert {f.file for f in alone} <= {"<record>"}


def test_text_bytes_and_values_are_parsed_as_strictly_as_a_line() -> None:
    assert [(f.code, f.column) for f in check_record(b'{"a": 1, "a": 2}')] == [
        ("json-duplicate-key", 10)]
    assert [f.code for f in check_record({"a": float("nan")})] == ["json-number-invalid"]
    assert [f.code for f in check_record('"\\ud800"')] == ["json-lone-surrogate"]
    assert [f.code for f in check_record("[1]")] == ["record-not-object"]
    assert [f.code for f in check_record("{")] == ["json-syntax"]
    assert [f.code for f in check_record("[" * 100_000)] == ["json-too-deep"]
    with pytest.raises(TypeError):
        check_record({"when": dt.date(2023, 7, 29)})


def test_what_is_not_given_is_not_checked() -> None:
    shifted = json.loads(json.dumps(RECORD))
    shifted["evidence"][0]["start"] += 1
    assert check_record(shifted) == []  # no texts, no actors: only the schema and meaning
    texts = {"newsbytes-2023-07-29": (BASE / "articles" / "newsbytes-2023-07-29.txt")
             .read_text("utf-8")}
    [mismatch] = check_record(shifted, texts=texts)
    assert mismatch.code == "span-text-mismatch"
    assert " differs from <newsbytes-2023-07-29>:" in mismatch.message  # the text, by source
    assert check_record(RECORD, texts=texts) == []
    assert {f.code for f in check_record(RECORD, texts={})} == {"source-unknown"}
    assert {f.code for f in check_record(RECORD, actors=[])} == {"actor-unknown"}
    late = {"newsbytes-2023-07-29": dt.date(2023, 7, 1)}
    assert [f.code for f in check_record(RECORD, texts=texts, published=late)] == [
        "date-after-publication"]


def test_a_publication_time_is_its_day_and_anything_else_a_type_error() -> None:
    """A datetime is a date (its subclass), but they do not compare: an internal error."""
    texts = {"newsbytes-2023-07-29": (BASE / "articles" / "newsbytes-2023-07-29.txt")
             .read_text("utf-8")}
    late = {"newsbytes-2023-07-29": dt.datetime(2023, 7, 1, 23, 0, tzinfo=dt.UTC)}
    assert [f.code for f in check_record(RECORD, texts=texts, published=late)] == [
        "date-after-publication"]
    on_time = {"newsbytes-2023-07-29": dt.datetime(2023, 7, 29, 12, 0, tzinfo=dt.UTC)}
    assert check_record(RECORD, texts=texts, published=on_time) == []
    assert check_record(RECORD, texts=texts, published={"newsbytes-2023-07-29": None}) == []
    with pytest.raises(TypeError, match=r"published\['newsbytes-2023-07-29'\] is a str"):
        check_record(RECORD, texts=texts, published={"newsbytes-2023-07-29": "2023-07-29"})


def test_findings_are_located_in_the_text_given() -> None:
    text = json.dumps(RECORD, indent=2)
    [finding] = check_record(text.replace('"asserted"', '"rumoured"'), name="mine.json")
    assert (finding.file, finding.code, finding.pointer) == (
        "mine.json", "schema-not-in-codelist", "/modality")
    line = text.splitlines().index('  "modality": "asserted",') + 1
    assert (finding.line, finding.column) == (line, 15)


def test_the_schema_version_of_the_record_decides() -> None:
    future = {**RECORD, "schema_version": "9.9.9"}
    assert [(f.code, f.pointer) for f in check_record(future)] == [
        ("schema-not-in-codelist", "/schema_version")]


def test_ignore_is_as_validates() -> None:
    assert check_record({**RECORD, "modality": "rumoured"}, ignore=["meaning"]) != []
    with pytest.raises(UsageError, match="schema-value cannot be ignored"):
        check_record(RECORD, ignore=["schema-value"])
    assert check_record(RECORD, actors=[], ignore=["actor-unknown"]) == []
    visit = next(json.loads(line) for line in (BASE / "events.jsonl").read_text("utf-8")
                 .splitlines() if '"diplomatic_visit"' in line)
    visit["diplomatic_visit"]["hosts"] = list(visit["diplomatic_visit"]["visitors"])
    assert "visitor-is-host" in {f.code for f in check_record(visit)}
    # Its check runs for supplier-is-recipient still; the ignored finding is dropped.
    assert check_record(visit, ignore=["visitor-is-host"]) == []


def test_a_lone_surrogate_in_a_python_string_is_a_finding_not_a_crash() -> None:
    assert [f.code for f in check_record('{"a": "\ud800"}')] == ["encoding-invalid"]
    assert [f.code for f in check_record({"a": "\ud800"})] == ["encoding-invalid"]


@pytest.mark.parametrize("given", [
    lambda record: record, json.dumps, lambda record: json.dumps(record).encode()])
def test_the_record_names_its_version_among_those_released(given, monkeypatch) -> None:
    from validator import one_record, registry

    asked: list[str] = []
    monkeypatch.setattr(registry, "versions", lambda: ("0.9.0", "1.0.0", "1.1.0"))

    def seen(_line: bytes, context: DatasetContext, *_rest: object) -> list[object]:
        asked.append(context.version)
        return []

    monkeypatch.setattr(one_record, "check_line", seen)
    for claimed in ("0.9.0", "1.0.0", "1.1.0", "2.0.0", 7):
        check_record(given({**RECORD, "schema_version": claimed}))
    check_record(given({key: value for key, value in RECORD.items() if key != "schema_version"}))
    check_record(given([RECORD]))
    assert asked == ["0.9.0", "1.0.0", "1.1.0", "1.1.0", "1.1.0", "1.1.0", "1.1.0"]
    check_record("{not json")
    assert asked[-1] == "1.1.0"


def test_a_text_whose_offsets_are_ambiguous_is_a_finding_about_it() -> None:
    texts = {"newsbytes-2023-07-29": (BASE / "articles" / "newsbytes-2023-07-29.txt")
             .read_text("utf-8").replace("\n", "\r\n", 1) + "Cafe\u0301"}
    found = check_record(RECORD, texts=texts)
    assert [(f.file, f.code) for f in found if f.file != "<record>"] == [
        ("<newsbytes-2023-07-29>", "text-line-ending"), ("<newsbytes-2023-07-29>", "text-not-nfc")]
    assert "text-not-nfc" not in {f.code for f in check_record(RECORD, texts=texts,
                                                               ignore=["text-not-nfc"])}


@given(raw=contents() | st.text(max_size=2000),
       mangled=st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=20),
                            lambda inner: st.lists(inner, max_size=4)
                            | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                            max_leaves=20))
@example(raw="\ud800{", mangled={"\udfff": ["\ud800"]})  # lone surrogates, which text() skips
def test_any_input_gives_findings_never_an_exception(raw: bytes | str, mangled: object) -> None:
    """Bytes, text and JSON-able values of any shape: a list of findings, whatever they hold."""
    texts = {"newsbytes-2023-07-29": raw if isinstance(raw, str) else "text"}
    for record in (raw, mangled, {**RECORD, "evidence": mangled}):
        found = check_record(record, texts=texts, actors=["x"], published={})
        assert all(f.code in RULES and f.code != "internal-error" for f in found)


@pytest.mark.parametrize(("line", "hinted"), [
    ("{", True),  # the first line of a record written over several lines
    ('{"id": "a", "date": {', True),
    ('{"id": "a"   ', True),
    ('{"id": "a"}}', False),  # ends after its record: something else is wrong
    ('    "id": "a",', False),
    ("}", False),
    ('{"id": "a"}\u00a0', False),  # a complete record, then what JSON does not skip
    ('{"id": "a"}\x0c', False),
])
def test_a_line_that_ends_inside_its_record_says_one_record_a_line(line: str,
                                                                  hinted: bool) -> None:
    (found,) = check_record(line)
    assert found.code == "json-syntax"
    assert ("an events file holds one whole record a line" in found.message) is hinted


def _span_edited(edit) -> str:
    """The pointer of the one span-text-mismatch of RECORD with its first span edited."""
    record = json.loads(json.dumps(RECORD))
    edit(record["evidence"][0])
    texts = {"newsbytes-2023-07-29": (BASE / "articles" / "newsbytes-2023-07-29.txt")
             .read_text("utf-8")}
    (mismatch,) = [f for f in check_record(record, texts=texts)
                   if f.code == "span-text-mismatch"]
    return mismatch.pointer


def test_a_quote_that_differs_points_at_the_field_to_fix() -> None:
    """Offsets that moved: start; the quote at its start but cut short: end; a typo: text."""
    def shift(span):
        span["start"] += 2
        span["end"] += 2

    def cut(span):
        span["text"] = span["text"][:-3]

    def typo(span):
        span["text"] = span["text"].replace("e", "é", 1)

    assert _span_edited(shift) == "/evidence/0/start"
    assert _span_edited(cut) == "/evidence/0/end"
    assert _span_edited(typo) == "/evidence/0/text"
