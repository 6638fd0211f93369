"""Messages say what is wrong and, for evidence, why: asserted, so they cannot rot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator import registry, validate
from validator.checks.context import Article, DatasetContext
from validator.checks.evidence import _closest_pointer as closest_pointer
from validator.checks.evidence import span_problems, supports_pointers
from validator.checks.references import unknown_actors
from validator.checks.schema import _missing as missing_fields
from validator.checks.schema import schema_problems
from validator.checks.suggest import did_you_mean
from validator.checks.tables import Table, actor_problems, read_table
from validator.checks.tables import _closest_key as closest_key
from validator.checks.tables import schema_problems as table_problems
from validator.engine.engines import compiled
from validator.escaping import escape
from validator.registry import RECORD_SCHEMA

BASE = Path(__file__).parent / "cases" / "valid" / "base"
TEXT = "Intro 🚀 — café\nSecond line with the quote here.\n"


def mismatch(start: int, end: int, quote: str) -> str:
    record = {"evidence": [{"source": "s", "start": start, "end": end, "text": quote}]}
    context = DatasetContext("1.0.0", frozenset(), {"s": Article("s", "a.txt", TEXT, None)})
    (problem,) = span_problems(record, context)
    assert problem.code == "span-text-mismatch"
    assert problem.pointer == "/evidence/0/start"
    return problem.message


def test_a_shifted_quote_says_where_it_is() -> None:
    start = TEXT.index("the quote")
    assert mismatch(start + 2, start + 11, "the quote") == (
        "quote 'the quote' differs from a.txt:2:20 'e quote h'; "
        f"the quote is at start={start}, end={start + 9} (shifted by -2)")


def test_utf16_offsets_are_recognised() -> None:
    start = TEXT.index("the quote")
    units = len(TEXT[:start].encode("utf-16-le")) // 2
    assert mismatch(units, units + 9, "the quote") == (
        "quote 'the quote' differs from a.txt:2:19 'he quote '; the offsets match if counted "
        f"in UTF-16 code units; the quote is at start={start}, end={start + 9} (shifted by -1)")


def test_utf8_byte_offsets_are_recognised() -> None:
    start = TEXT.index("the quote")
    offset = len(TEXT[:start].encode())
    assert mismatch(offset, offset + len(b"the quote"), "the quote") == (
        "quote 'the quote' differs from a.txt:2:24 'ote here.'; the offsets match if counted "
        f"in UTF-8 bytes; the quote is at start={start}, end={start + 9} (shifted by -6)")


def test_a_repeated_quote_is_flagged() -> None:
    assert mismatch(0, 4, "e") == ("quote 'e' differs from a.txt:1:1 'Intr'; the quote is at "
                                   "start=16, end=17 (shifted by +16) and elsewhere too")


def test_an_nfd_quote_is_named() -> None:
    assert mismatch(0, 5, "cafe\u0301x").endswith("'Intro'; the quote is not NFC")


def record() -> dict:
    return json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[0])


@pytest.mark.parametrize(("edit", "code", "pointer", "message"), [
    (lambda r: r.pop("summary"), "schema-missing-field", "", "missing required field 'summary'"),
    (lambda r: r.update(extra=1), "schema-unknown-field", "/extra", "unknown field 'extra'"),
    (lambda r: r.update(summary=3), "schema-wrong-type", "/summary", "3 is not of type string"),
    (lambda r: r.update(modality="x"), "schema-not-in-codelist", "/modality",
     "'x' is not one of 'asserted', 'planned', 'hypothetical', 'negated'"),
    (lambda r: r.update(modality=5), "schema-not-in-codelist", "/modality",  # no hint for 5
     "5 is not one of 'asserted', 'planned', 'hypothetical', 'negated'"),
    (lambda r: r.update(schema_version="2.0"), "schema-not-in-codelist", "/schema_version",
     "'2.0' is not '1.0.0'"),
    (lambda r: r["date"].update(start="2023-13-01"), "schema-format", "/date/start",
     "'2023-13-01' is not a valid date"),
    (lambda r: r.update(summary="two\nlines"), "schema-value", "/summary",
     '"two\\nlines" does not match "^[^\\n\\r]+$"'),
    (lambda r: r.update(arms_allegation={}), "schema-unknown-field", "/arms_allegation",
     "field 'arms_allegation' is not allowed here"),
])
def test_schema_messages(edit, code, pointer, message) -> None:
    value = record()
    edit(value)
    problems = list(schema_problems(compiled("1.0.0", RECORD_SCHEMA), value))
    assert [(p.code, p.pointer, p.message) for p in problems] == [(code, pointer, message)]


def test_enum_messages_are_cut_after_eight_options() -> None:
    value = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])
    value["arms_allegation"]["weapons"][0]["category"] = "x"
    (problem,) = schema_problems(compiled("1.0.0", RECORD_SCHEMA), value)
    assert problem.message.startswith("'x' is not one of 'aircraft', 'air_defence_systems'")
    assert problem.message.endswith(" and 7 more")


@pytest.mark.parametrize(("edit", "pointer", "message"), [
    # A misspelt field is named among the fields the object may have but lacks.
    (lambda r: r["date"].update(precison=r["date"].pop("precision")), "/date/precison",
     "unknown field 'precison'; did you mean 'precision'?"),
    # A field it already has is no suggestion: 'sources' is there, 'source' is not.
    (lambda r: r["reporting"].update(source=["x"]), "/reporting/source", "unknown field 'source'"),
    (lambda r: r.update(modality="negatd"), "/modality",
     ("'negatd' is not one of 'asserted', 'planned', 'hypothetical', 'negated'; "
     "did you mean 'negated'?")),
    (lambda r: r["classification"].update(cameo="0042"), "/classification/cameo",
     ("'0042' is not one of '036', '040', '042', '043', '044', '112', '1123', '1125'; "
     "did you mean '042'?")),
])
def test_a_misspelt_name_gets_the_closest_one(edit, pointer, message) -> None:
    value = record()
    edit(value)
    problems = list(schema_problems(compiled("1.0.0", RECORD_SCHEMA), value))
    assert message in [p.message for p in problems if p.pointer == pointer]


@pytest.mark.parametrize("where", [
    "#/$defs/span/additionalProperties/additionalProperties",  # the schema there is `false`
    "#/$defs/span/properties/source/additionalProperties",  # an object without properties
    "#/$defs/nowhere/additionalProperties",
])
def test_no_field_is_suggested_where_the_schema_names_none(where: str) -> None:
    error = SimpleNamespace(
        absolute_keyword_location=registry.load("1.0.0").uri("common.schema.json") + where,
        instance={"sorce": "s"})
    assert missing_fields(error) == frozenset()


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


ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates too


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


def test_table_findings_give_the_physical_line(tmp_path: Path) -> None:
    """A row after a cell that spans lines is reported at the line where it starts."""
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    actors = (folder / "actors.csv").read_text("utf-8").splitlines()
    actors[1] = actors[1].replace("Sergei Shoigu", '"Sergei\nShoigu"')
    actors[3] = actors[3].replace(",person,", ",human,")
    (folder / "actors.csv").write_text("\n".join(actors) + "\n", "utf-8")
    (finding,) = validate([str(folder)]).findings
    assert (finding.code, finding.line, finding.column, finding.pointer) == (
        "table-value", 5, 3, "/2/kind")


def test_text_problems_are_located_at_the_offending_character() -> None:
    from validator.checks.texts import text_problems

    problems = list(text_problems("ok\nline two\r\nnfd: cafe\u0301\n"))
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("text-line-ending", 2, 9, "carriage return at offset 11; use LF line ends only"),
        ("text-not-nfc", 3, 9,
         "text is not NFC (near offset 21); normalise it and recount offsets"),
    ]
    assert list(text_problems("clean\ntext\n")) == []


def test_a_quote_at_the_very_start_is_found() -> None:
    assert mismatch(1, 6, "Intro") == ("quote 'Intro' differs from a.txt:1:2 'ntro '; "
                                       "the quote is at start=0, end=5 (shifted by -1)")


def test_several_types_are_named() -> None:
    value = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])
    value["arms_allegation"]["supplier"] = 5
    (problem,) = schema_problems(compiled("1.0.0", RECORD_SCHEMA), value)
    assert (problem.code, problem.pointer, problem.message) == (
        "schema-wrong-type", "/arms_allegation/supplier", "5 is not of type null or string")


@pytest.mark.parametrize(("affiliation", "hint"), [
    ("rusia", "; did you mean 'russia'?"), ("zzzz", ""),
])
def test_a_reference_into_the_same_table_names_its_closest_key(affiliation: str,
                                                                hint: str) -> None:
    rows = (BASE / "actors.csv").read_text("utf-8").splitlines()
    header = rows[0].split(",")
    assert "affiliation" in header
    cells = dict.fromkeys(header, "")
    cells.update(id="new-actor", name="New actor", kind="person", affiliation=affiliation)
    text = "\n".join([*rows, ",".join(cells[name] for name in header)]) + "\n"
    table = read_table(text)
    assert isinstance(table, Table)
    (problem,) = table_problems(text.encode(), table,
                                registry.load("1.0.0").table_schema("actors"))
    assert problem.code == "table-foreign-key"
    assert problem.message.endswith(f'as "id"{hint}')


@pytest.mark.parametrize(("target", "hint"), [
    ("/diplomatic_visit/visitor/0", "; did you mean '/diplomatic_visit/visitors/0'?"),
    ("/dat", "; did you mean '/date'?"),
    ("/evidence/0/sorce", "; did you mean '/evidence/0/source'?"),  # past an array index
    ("/diplomatic_visit/visitors/1", ""),  # just past the end (one visitor): no key is near it
    ("/diplomatic_visit/visitor/7", ""),  # the near key's pointer would not resolve either
    ("/nothing-like-it", ""),
    ("date", ""),  # not a JSON Pointer
])
def test_an_unresolved_pointer_names_a_near_one_that_resolves(target: str, hint: str) -> None:
    value = record()
    assert len(value["diplomatic_visit"]["visitors"]) == 1
    assert closest_pointer(value, "/diplomatic_visit/visitors/0") == ""  # it resolves
    value["evidence"][0]["supports"] = target
    (problem,) = supports_pointers(value, DatasetContext("1.0.0"))
    assert problem.message == f"supports {escape(target)} does not resolve in the record{hint}"


AFFILIATIONS = Table(("id", "parent"), ((2, {"id": "russia", "parent": ""}),
                                        (3, {"id": "ukraine", "parent": "rusia"})))


@pytest.mark.parametrize(("foreign_keys", "row_number", "field", "hint"), [
    ([{"fields": "parent", "reference": {"resource": "", "fields": "id"}}], 3, "parent",
     "; did you mean 'russia'?"),
    ([{"fields": ["parent"], "reference": {"fields": ["id"]}}], 3, "parent",  # lists; no resource
     "; did you mean 'russia'?"),
    ([{"fields": "other", "reference": {"fields": "id"}},  # the key that fails is the second
      {"fields": "parent", "reference": {"fields": "id"}}], 3, "parent", "; did you mean 'russia'?"),
    ([{"fields": "parent", "reference": {"resource": "sources", "fields": "id"}}], 3, "parent",
     ""),  # into another table: its keys are not at hand
    ([{"fields": ["parent", "id"], "reference": {"fields": ["id", "parent"]}}], 3, "parent", ""),
    ([{"fields": "parent", "reference": {"fields": "id"}}], 2, "parent", ""),  # an empty cell
    ([{"fields": "parent", "reference": {"fields": "id"}}], 3, None, ""),
    ([{"fields": "parent", "reference": {"fields": "id"}}], 1, "parent", ""),  # the header
    ([{"fields": "parent", "reference": {"fields": "id"}}], 4, "parent", ""),  # past the rows
    (None, 3, "parent", ""),  # a table without foreign keys
])
def test_the_closest_key_of_a_reference_into_the_same_table(
        foreign_keys: list[dict] | None, row_number: int, field: str | None, hint: str) -> None:
    schema: dict = {"fields": [{"name": "id"}, {"name": "parent"}]}
    if foreign_keys is not None:
        schema["foreignKeys"] = foreign_keys
    assert closest_key(AFFILIATIONS, schema, row_number, field) == hint


@pytest.mark.parametrize(("country", "hint"), [
    ("YUG", "; it was withdrawn on 2003-07-23 (Yugoslavia, (Socialist) Federal Republic of)"),
    ("XXA", ""),  # never assigned
])
def test_a_withdrawn_country_code_says_when(country: str, hint: str) -> None:
    table = Table(("id", "country"), ((2, {"id": "tito", "country": country}),))
    (problem,) = actor_problems(table)
    assert problem.message == f"{escape(country)} is not an ISO 3166-1 alpha-3 country code{hint}"
