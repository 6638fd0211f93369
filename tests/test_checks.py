"""Edges of the record checks that mutation testing showed no test pinned."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from validator.checks.context import Article, DatasetContext
from validator.checks.evidence import span_problems
from validator.checks.meaning import countries, date_ranges, date_texts, open_codelists

BASE = Path(__file__).parent / "cases" / "valid" / "base"
RECORDS = [json.loads(line) for line in (BASE / "events.jsonl").read_text("utf-8").splitlines()]
TEXT = (BASE / "articles" / "newsbytes-2023-07-29.txt").read_text("utf-8")
CONTEXT = DatasetContext("1.0.0", frozenset(), {
    "newsbytes-2023-07-29": Article("newsbytes-2023-07-29", "a.txt", TEXT, dt.date(2023, 7, 29))})


def visit() -> dict:
    return copy.deepcopy(RECORDS[0])


def found(check, record) -> list[tuple[str, str]]:
    return [(p.code, p.pointer) for p in check(record, CONTEXT)]


@pytest.mark.parametrize(("text", "precision", "expected"), [
    ("on Wednesday", "month", [("date-text-mismatch", "/date/precision")]),
    ("July 26", "year", [("date-text-mismatch", "/date/precision")]),
    ("in July", "day", [("date-text-mismatch", "/date/precision")]),
    ("in 2023", "day", [("date-text-mismatch", "/date/precision")]),
    ("on Wednesday", "day", []),
    ("in July", "month", []),
    ("last week", "day", []),
])
def test_date_text_against_precision(text, precision, expected) -> None:
    record = visit()
    record["date"] = {"start": "2023-07-01", "end": "2023-07-31" if precision == "month" else
                      "2023-07-01", "precision": precision, "text": text}
    if precision == "year":
        record["date"].update(start="2023-01-01", end="2023-12-31")
    assert found(date_texts, record) == expected


@pytest.mark.parametrize(("start", "end", "precision", "fits"), [
    ("2023-07-01", "2023-07-08", "week", True),
    ("2023-07-01", "2023-07-09", "week", False),
    ("2023-07-01", "2023-07-31", "month", True),
    ("2023-07-02", "2023-07-31", "month", False),
    ("2023-07-01", "2023-08-31", "month", False),
    ("2023-01-01", "2023-12-31", "year", True),
    ("2023-01-01", "2024-12-31", "year", False),
    ("2023-07-01", "2023-07-09", "day", True),
    ("2023-07-01", "2023-09-09", "window", True),
])
def test_date_precision(start, end, precision, fits) -> None:
    record = visit()
    record["date"] = {"start": start, "end": end, "precision": precision}
    expected = [] if fits else [("date-precision-mismatch", "/date/precision")]
    assert found(date_ranges, record) == expected


def test_every_date_of_a_record_is_checked() -> None:
    record = visit()
    record["date"] = {"start": "2023-07-26", "end": "2023-07-20", "precision": "window"}
    record["diplomatic_visit"]["meetings"][0]["date"] = {
        "start": "2023-07-26", "end": "2023-07-01", "precision": "window"}
    assert found(date_ranges, record) == [
        ("date-range-reversed", "/date/end"),
        ("date-range-reversed", "/diplomatic_visit/meetings/0/date/end")]


def test_meeting_places_are_checked_too() -> None:
    record = visit()
    record["diplomatic_visit"]["meetings"][0]["location"] = {
        "name": "Nowhere", "country": "XXA", "precision": "country"}
    assert found(countries, record) == [
        ("country-code-unknown", "/diplomatic_visit/meetings/0/location/country")]


def test_open_codelists_in_responses() -> None:
    record = copy.deepcopy(RECORDS[2])
    record["arms_allegation"]["responses"] = [
        {"actor": "russia", "kind": "denial", "evidence": record["evidence"][:1]},
        {"actor": "russia", "kind": "shrug", "evidence": record["evidence"][:1]}]
    record["classification"]["plover_context"] = ["military", "maritime"]
    assert found(open_codelists, record) == [
        ("codelist-open-value", "/classification/plover_context/1"),
        ("codelist-open-value", "/arms_allegation/responses/1/kind")]


@pytest.mark.parametrize(("start", "end", "expected"), [
    (len(TEXT) - 5, len(TEXT), []),
    (len(TEXT) - 5, len(TEXT) + 1, [("span-out-of-range", "/evidence/0/end")]),
    (3, 3, [("span-out-of-range", "/evidence/0/start")]),
    (0, 1, []),
])
def test_span_bounds(start, end, expected) -> None:
    record = visit()
    record["evidence"] = [{"source": "newsbytes-2023-07-29", "start": start, "end": end,
                           "text": TEXT[start:end] or "x"}]
    assert found(span_problems, record) == expected


def test_every_span_is_checked() -> None:
    record = visit()
    for span in record["evidence"][1:3]:
        span["start"] += 1
        span["end"] += 1
    assert found(span_problems, record) == [
        ("span-text-mismatch", "/evidence/1/start"), ("span-text-mismatch", "/evidence/2/start")]


@pytest.mark.parametrize(("codes", "mode", "expected"), [
    ({"cameo": "112"}, None, [("classification-mismatch", "/classification/plover_event")]),
    ({"plover_mode": "third-party"}, None, [
        ("classification-mismatch", "/classification/plover_mode"),
        ("classification-mismatch", "/diplomatic_visit/mode")]),
    ({"cameo": "040", "plover_mode": "allege"}, None, [
        ("classification-mismatch", "/classification/plover_mode"),
        ("classification-mismatch", "/diplomatic_visit/mode")]),
    ({"cameo": "040", "plover_mode": "multilateral"}, "visit", [
        ("classification-mismatch", "/diplomatic_visit/mode")]),
    ({}, None, []),
])
def test_classification_agreement(codes, mode, expected) -> None:
    from validator.checks.meaning import classification

    record = visit()
    record["classification"].update(codes)
    if mode:
        record["diplomatic_visit"]["mode"] = mode
    assert found(classification, record) == expected


def test_table_reading_edges() -> None:
    from validator.checks.tables import Table, actor_problems, read_table
    from validator.findings import Problem

    assert read_table("") == Problem("table-header", "the table is empty: no header row", 1, 1)
    assert read_table('id,name\n"a\n').code == "table-format"
    assert read_table("id,name\na\x00,b\n") == Problem("table-format", "CSV contains a NUL byte",
                                                       1, 1)
    table = read_table('id,name,country\na,"two\nlines",RUS\nb,B,XXA\nc,C,\nd,D,usa\n')
    assert isinstance(table, Table)
    assert [line for line, _ in table.rows] == [2, 4, 5, 6]
    assert [(p.code, p.message, p.line, p.column, p.pointer) for p in actor_problems(table)] \
        == [("country-code-unknown", "'XXA' is not an ISO 3166-1 alpha-3 country code", 4, 3,
             "/1/country")]


def test_span_checks_go_on_past_a_span_out_of_range() -> None:
    record = visit()
    record["evidence"][0]["end"] = len(TEXT) + 1
    record["evidence"][1]["text"] = "zzz"  # found nowhere and NFC: no hint to give
    problems = list(span_problems(record, CONTEXT))
    assert [(p.code, p.pointer) for p in problems] == [
        ("span-out-of-range", "/evidence/0/end"), ("span-text-mismatch", "/evidence/1/start")]
    from validator.escaping import escape
    from validator.reading.text import position

    span = record["evidence"][1]
    line, column = position(TEXT, span["start"])
    assert problems[1].message == f"quote 'zzz' differs from a.txt:{line}:{column} " + escape(
        TEXT[span["start"]:span["end"]], 40)


def test_supports_checks_go_on_past_a_span_without_one() -> None:
    from validator.checks.evidence import supports_pointers

    record = visit()
    del record["evidence"][0]["supports"]
    record["evidence"][1]["supports"] = "/nowhere"
    assert found(supports_pointers, record) == [("span-pointer-unresolved",
                                                 "/evidence/1/supports")]


def test_span_checks_go_on_past_an_unknown_source() -> None:
    record = visit()
    record["evidence"][0]["source"] = "elsewhere"  # reported by the references layer
    record["evidence"][1]["start"] += 1
    record["evidence"][1]["end"] += 1
    assert found(span_problems, record) == [("span-text-mismatch", "/evidence/1/start")]


def test_a_span_ending_at_the_end_of_the_text_but_empty_points_at_start() -> None:
    record = visit()
    record["evidence"] = [{"source": "newsbytes-2023-07-29", "start": len(TEXT),
                           "end": len(TEXT), "text": "x"}]
    assert found(span_problems, record) == [("span-out-of-range", "/evidence/0/start")]


def test_integral_float_offsets_are_offsets() -> None:
    """JSON Schema's integer admits 636.0: the span is checked, not crashed on."""
    from validator.checks.evidence import CHECKS
    from validator.checks.walk import view

    record = visit()
    span = record["evidence"][0]
    span["start"], span["end"] = float(span["start"]), float(span["end"])
    screen = CHECKS[0].passes
    assert screen(view(record), CONTEXT) is False  # the full check decides
    assert found(span_problems, record) == []
    span["start"] += 1
    assert found(span_problems, record) == [("span-text-mismatch", "/evidence/0/start")]


def test_shift_hint_says_when_the_quote_is_also_elsewhere() -> None:
    from validator.checks.evidence import _hints

    text = "aaab"
    assert _hints(text, "aa", 2, 4)[-1] == (
        "the quote is at start=0, end=2 (shifted by -2) and elsewhere too")
    assert _hints("xaab", "aa", 0, 2)[-1] == "the quote is at start=1, end=3 (shifted by +1)"


@pytest.mark.parametrize(("text", "expected"), [
    ("\rfirst\r\n", [("text-line-ending", 1, 1)]),
    ("one\ntwo\r\nthree\r\n", [("text-line-ending", 2, 4)]),
    ("Cafe\u0301\n", [("text-not-nfc", 1, 4)]),
    ("e\u0301 first\n", [("text-not-nfc", 1, 1)]),
])
def test_text_problems_are_located_at_the_first(text, expected) -> None:
    from validator.checks.texts import text_problems

    assert [(p.code, p.line, p.column) for p in text_problems(text)] == expected


def test_the_nfc_finding_names_the_offset_near_the_change() -> None:
    from validator.checks.texts import text_problems

    assert [p.message for p in text_problems("e\u0301 first\n")] == [
        "text is not NFC (near offset 0); normalise it and recount offsets"]
    assert [p.message for p in text_problems("Cafe\u0301\n")] == [
        "text is not NFC (near offset 3); normalise it and recount offsets"]


def test_table_cells_keep_their_line_breaks() -> None:
    """A CR LF inside a quoted cell is the cell's, as frictionless reads it, and spans lines."""
    from validator.checks.tables import read_table
    from validator.findings import Problem

    table = read_table('id,name\r\na,"x\r\ny"\r\nb,B\r\n')
    assert not isinstance(table, Problem)
    assert table.rows == ((2, {"id": "a", "name": "x\r\ny"}), (4, {"id": "b", "name": "B"}))


def test_table_rows_map_to_lines() -> None:
    from validator.checks.tables import read_table

    table = read_table('id,name\na,"x\ny"\nb,B\n')
    assert [table.line_of(n) for n in (0, 1, 2, 3, 4)] == [1, 1, 2, 4, 1]


def allegation() -> dict:
    return copy.deepcopy(RECORDS[2])


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


def test_allegation_dates_are_located() -> None:
    record = allegation()
    reversed_range = {"start": "2023-07-26", "end": "2023-07-01", "precision": "window"}
    record["arms_allegation"]["transfer_date"] = dict(reversed_range)
    record["arms_allegation"]["responses"] = [
        {"actor": "russia", "kind": "denial", "date": dict(reversed_range),
         "evidence": record["evidence"][:1]}]
    assert found(date_ranges, record) == [
        ("date-range-reversed", "/arms_allegation/transfer_date/end"),
        ("date-range-reversed", "/arms_allegation/responses/0/date/end")]


def test_after_publication_with_an_unknown_source_beside_a_dated_one() -> None:
    from validator.checks.meaning import after_publication

    record = visit()
    record["reporting"]["sources"] = ["elsewhere", "newsbytes-2023-07-29"]
    record["date"] = {"start": "2023-08-15", "precision": "day"}
    assert found(after_publication, record) == [("date-after-publication", "/date/start")]
    record["modality"] = "planned"
    assert found(after_publication, record) == []


def test_a_short_row_is_one_table_row_problem() -> None:
    """Not one per missing cell plus a 'required' error for each."""
    from validator import registry
    from validator.checks.tables import read_table, schema_problems

    text = "id,name,kind,country,office,wikidata,affiliation\na1,Ana,person,,,,\nb2\n"
    table = read_table(text)
    problems = list(schema_problems(text.encode(), table,
                                    registry.load("1.0.0").table_schema("actors")))
    assert [(p.code, p.line) for p in problems] == [("table-row", 3)]


@pytest.mark.parametrize("key", ["id", ["id"]], ids=["key-string", "key-list"])
@pytest.mark.parametrize("unique", [True, False], ids=["unique-key", "key-only"])
def test_a_repeated_key_is_one_problem_at_its_field(key: str | list[str], unique: bool) -> None:
    """Key errors are row errors in frictionless: located at the key's field, reported once."""
    from validator.checks.tables import read_table, schema_problems

    text = "name,id,parent\nA,a,\nB,b,zz\nC,a,b\nD,d,yy\n"
    id_field = {"name": "id", "type": "string", "constraints": {"unique": True} if unique else {}}
    table_schema = {"fields": [{"name": "name", "type": "string"}, id_field,
                               {"name": "parent", "type": "string"}],
                    "primaryKey": key,
                    "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "",
                                                                         "fields": ["id"]}}]}
    problems = list(schema_problems(text.encode(), read_table(text), table_schema))
    assert [(p.code, p.line, p.column, p.pointer) for p in problems] == [
        ("table-foreign-key", 3, 3, "/1/parent"), ("table-unique", 4, 2, "/2/id"),
        ("table-foreign-key", 5, 3, "/3/parent")]


def test_a_row_that_repeats_a_unique_field_and_the_key_gets_both() -> None:
    from validator.checks.tables import read_table, schema_problems

    text = "name,id\nA,a\nA,a\n"
    table_schema = {"fields": [{"name": "name", "type": "string",
                                "constraints": {"unique": True}},
                               {"name": "id", "type": "string"}], "primaryKey": ["id"]}
    problems = list(schema_problems(text.encode(), read_table(text), table_schema))
    assert [(p.code, p.pointer) for p in problems] == [("table-unique", "/1/name"),
                                                        ("table-unique", "/1/id")]


def test_a_long_row_is_one_table_row_problem() -> None:
    from validator import registry
    from validator.checks.tables import read_table, schema_problems

    text = ("id,name,kind,country,office,wikidata,affiliation\n"
            "a1,Ana,person,,,,,extra,more\nb2,Bo,person,,,,\nc3,Cy,alien,,,,\n")
    table = read_table(text)
    problems = list(schema_problems(text.encode(), table,
                                    registry.load("1.0.0").table_schema("actors")))
    assert [(p.code, p.line) for p in problems] == [("table-row", 2), ("table-value", 4)]


def test_a_frictionless_error_without_a_rule_of_its_own_is_table_format() -> None:
    """An error type no Table Schema of ours maps: here frictionless' encoding-error.

    `validate` never sends it such bytes (the loader requires UTF-8 first), so
    only a direct call shows where an unmapped type goes.
    """
    from validator.checks.tables import read_table, schema_problems

    data = b"a,b\n1,2\n\xff\xfe,3\n"
    table_schema = {"fields": [{"name": "a", "type": "string"},
                               {"name": "b", "type": "integer"}]}
    problems = list(schema_problems(data, read_table(data.decode("utf-8", "replace")),
                                    table_schema))
    assert [p.code for p in problems] == ["table-format"]
    assert "could not be successfully decoded" in problems[0].message


@pytest.mark.parametrize(("count", "shown", "more"), [(8, 8, ""), (9, 8, " and 1 more")])
def test_enum_messages_show_eight_options(count, shown, more) -> None:
    import jsonschema_rs

    from validator.checks.schema import schema_problems

    options = [f"o{n}" for n in range(count)]
    validator = jsonschema_rs.validator_for({"enum": options})
    [problem] = schema_problems(validator, "x")
    assert problem.message == "'x' is not one of " + ", ".join(
        f"'{o}'" for o in options[:shown]) + more


def test_a_refused_value_at_the_root_is_named_value() -> None:
    import jsonschema_rs

    from validator.checks.schema import schema_problems

    [problem] = schema_problems(jsonschema_rs.validator_for(False), 1)  # noqa: FBT003 - the false schema
    assert (problem.code, problem.message) == ("schema-unknown-field",
                                               "field 'value' is not allowed here")


def denied_from_elsewhere() -> dict:
    """An allegation with a denial whose one span cites a source named nowhere else."""
    claim = allegation()
    span = {**claim["evidence"][0], "source": "elsewhere"}
    claim["arms_allegation"]["responses"] = [{"actor": "russia", "kind": "denial",
                                              "evidence": [span]}]
    return claim


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


def test_the_wrong_type_of_details_is_one_problem_beside_the_others() -> None:
    """Errors inside a refused object are left out; errors elsewhere are kept."""
    from validator import registry
    from validator.checks.schema import schema_problems
    from validator.engine.engines import compiled

    record = visit()
    record["arms_allegation"] = {"stage": "rumoured"}
    del record["summary"]
    problems = schema_problems(compiled("1.0.0", registry.RECORD_SCHEMA), record)
    assert sorted((p.code, p.pointer) for p in problems) == [
        ("schema-missing-field", ""), ("schema-unknown-field", "/arms_allegation")]


def test_other_schema_messages_quote_a_long_value_short() -> None:
    """The reason stays in the message: the value is cut to 40 characters, not the message."""
    import jsonschema_rs

    from validator.checks.schema import schema_problems

    validator = jsonschema_rs.validator_for({"minItems": 4})
    long_value = [{"name": "x" * 30, "path": "y" * 30}, {"é": 1}]
    [problem] = schema_problems(validator, long_value)
    assert problem.message == '[{"name": "' + "x" * 28 + "… has less than 4 items"
    [short] = schema_problems(validator, [1])
    assert short.message == "[1] has less than 4 items"
