"""The records layer: each record against the JSON Schema of its version, and the messages that say why.

Rules: events-empty, schema-missing-field, schema-unknown-field, schema-wrong-type,
schema-not-in-codelist, schema-format, schema-value, codelist-open-value, schema-uri-mismatch,
date-year-zero.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from samples import BASE, visit

from validator import registry
from validator.checks import year_zero
from validator.checks.context import DatasetContext
from validator.checks.schema import _missing as missing_fields
from validator.checks.schema import schema_problems
from validator.checks.walk import dates, view
from validator.engine import engines, ids
from validator.engine.engines import compiled
from validator.engine.records import check_line
from validator.pointers import pointer, resolve, tokens
from validator.registry import RECORD_SCHEMA

REPO = Path(__file__).parent.parent.parent
NEWEST = registry.versions()[-1]


def record() -> dict:
    return json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[0])


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


def test_every_unknown_field_of_an_object_is_a_problem() -> None:
    """The engine names an object's unknown fields in one error: each is a problem, with
    its own pointer and hint (only the first was)."""
    from validator import registry
    from validator.checks.schema import schema_problems
    from validator.engine.engines import compiled

    record = visit()
    record.update({"a1": 1, "\U0001f600": 2, "precison": 3})
    record["date"]["precison"] = "day"
    problems = schema_problems(compiled("1.0.0", registry.RECORD_SCHEMA), record)
    assert sorted((p.code, p.pointer, p.message) for p in problems) == [
        ("schema-unknown-field", "/a1", "unknown field 'a1'"),
        ("schema-unknown-field", "/date/precison", "unknown field 'precison'"),  # it has one
        ("schema-unknown-field", "/precison", "unknown field 'precison'"),
        ("schema-unknown-field", "/\U0001f600", "unknown field '\U0001f600'")]


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


def test_several_types_are_named() -> None:
    value = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])
    value["arms_allegation"]["supplier"] = 5
    (problem,) = schema_problems(compiled("1.0.0", RECORD_SCHEMA), value)
    assert (problem.code, problem.pointer, problem.message) == (
        "schema-wrong-type", "/arms_allegation/supplier", "5 is not of type null or string")



def test_a_finding_is_reported_once(tmp_path) -> None:
    """`actors` as a string breaks a type the schema states twice (beside its $ref): one finding."""
    import shutil

    from samples import BASE

    from validator import check_record, validate

    folder = tmp_path / "case"
    shutil.copytree(BASE, folder)
    lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    record["actors"] = "sergei-shoigu"
    lines[0] = json.dumps(record)
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    found = [(f.code, f.pointer) for f in validate([str(folder)]).findings]
    assert found.count(("schema-wrong-type", "/actors")) == 1
    assert [(f.code, f.pointer) for f in check_record(record)].count(
        ("schema-wrong-type", "/actors")) == 1


RECORD_1_2_0 = "https://schema.textevents.org/1.2.0/event.schema.json"
PROFILE_1_2_0 = "https://schema.textevents.org/1.2.0/datapackage.profile.json"


@pytest.mark.parametrize(("given", "named"), [
    ("https://schema.textevents.org/1.1.0/event.schema.json", " (the 1.1.0 record schema)"),
    (PROFILE_1_2_0, " (the 1.2.0 dataset profile)"),
    ("https://example.com/event.schema.json", " (no schema this validator ships)"),
])
def test_a_record_s_schema_must_be_its_own_version_s(given: str, named: str) -> None:
    """schema 1.2.0: `$schema` is optional, and names the record schema of its schema_version."""
    value = {**record(), "schema_version": "1.2.0"}
    engine = compiled("1.2.0", RECORD_SCHEMA)
    assert list(schema_problems(engine, {**value, "$schema": RECORD_1_2_0})) == []
    assert list(schema_problems(engine, value)) == []
    (problem,) = schema_problems(engine, {**value, "$schema": given})
    assert (problem.code, problem.pointer) == ("schema-uri-mismatch", "/$schema")
    assert problem.message == (f"$schema '{given}'{named} is not the $id of the schema this "
                               f"file's version follows: '{RECORD_1_2_0}'")


def test_a_descriptor_s_schema_must_be_its_own_version_s_profile() -> None:
    from validator.checks.schema import schema_problems as problems_of

    descriptor = json.loads((BASE / "datapackage.json").read_text("utf-8"))
    descriptor["textevents_version"] = "1.2.0"
    engine = compiled("1.2.0", registry.PROFILE_SCHEMA)
    assert list(problems_of(engine, {**descriptor, "$schema": PROFILE_1_2_0}, codes={},
                            default_code="descriptor-invalid")) == []
    found = problems_of(engine, {**descriptor, "$schema": RECORD_1_2_0}, codes={},
                        default_code="descriptor-invalid")
    assert [(p.code, p.pointer) for p in found] == [("schema-uri-mismatch", "/$schema")]


def test_a_1_1_0_record_may_not_carry_a_schema_key() -> None:
    """Before 1.2.0 the key is unknown: the version decides, not the key."""
    value = {**record(), "schema_version": "1.1.0", "$schema": RECORD_1_2_0}
    found = schema_problems(compiled("1.1.0", RECORD_SCHEMA), value)
    assert [(p.code, p.pointer) for p in found] == [("schema-unknown-field", "/$schema")]


@pytest.mark.parametrize(("where", "bound"), [
    (["evidence", 0, "start"], 67108863), (["evidence", 0, "end"], 67108864),
    (["location", "geonames_id"], 2**53 - 1)])
def test_1_2_0_bounds_every_integer(where: list, bound: int) -> None:
    """Integers have a maximum in 1.2.0: offsets that of a 64 MiB text, others 2^53 - 1."""
    engine = compiled("1.2.0", RECORD_SCHEMA)
    at = "/" + "/".join(map(str, where))

    def found(number: int) -> list[str]:
        value = {**record(), "schema_version": "1.2.0"}
        parent = value
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = number
        return [p.code for p in schema_problems(engine, value) if p.pointer == at]

    assert found(bound) == []
    assert found(bound + 1) == ["schema-value"]


def _calendar_dates(one: dict) -> list[str]:
    """The pointer of every calendar date of a record (a date's start and end, the coding's)."""
    return [pointer(*path, key) for path, date in dates(one) for key in ("start", "end")
            if key in date] + ["/coding/date"]


def test_year_zero_is_refused_alike_by_its_narrowing_screen_and_check() -> None:
    """Each calendar date of each record of datasets/, moved to year 0000 in turn: the
    released engine accepts the record; the narrowed engine, the screen and the check
    refuse it, the check once, at that date.  Untouched, all four accept it."""
    narrowed = engines.narrowed(NEWEST, year_zero.NARROWING).is_valid
    released = compiled(NEWEST, RECORD_SCHEMA).is_valid
    tried = 0
    for path in sorted((REPO / "datasets").glob("*/events.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            clean = json.loads(line)
            clean["schema_version"] = NEWEST
            assert narrowed(clean)
            assert year_zero.passes(view(clean))
            assert list(year_zero.year_zero(clean)) == []
            for where in _calendar_dates(clean):
                broken = json.loads(json.dumps(clean))
                *holder, key = tokens(where)
                resolve(broken, pointer(*holder))[key] = "0000" + resolve(clean, where)[4:]
                assert released(broken), where
                assert not narrowed(broken), where
                assert not year_zero.passes(view(broken)), where
                [problem] = year_zero.year_zero(broken)
                assert (problem.code, problem.pointer) == ("date-year-zero", where)
                tried += 1
    assert tried >= 100  # 151 places in datasets/ as written


def test_a_year_zero_date_stops_the_checks_as_a_schema_error_does() -> None:
    """The meaning checks read dates: a record with one in year 0000 gets that finding
    alone (it was an internal error of date-after-publication)."""
    one = record()
    one["date"] = {"start": "0000-07-26", "precision": "day"}
    found = check_line(json.dumps(one).encode("utf-8"), DatasetContext(one["schema_version"]),
                       "e.jsonl")
    assert [(f.code, f.pointer) for f in found] == [("date-year-zero", "/date/start")]
    assert "(the record is checked no further)" in found[0].message


@pytest.mark.parametrize("version", registry.versions())
def test_a_finding_names_its_record_by_an_identifier_of_the_schema(version: str) -> None:
    """Each version's `identifier` is the pattern findings name records by."""
    pattern = registry.load(version).documents["common.schema.json"]["$defs"]["identifier"]
    assert f"^{ids._IDENTIFIER.pattern}$" == pattern["pattern"]  # noqa: SLF001


@pytest.mark.parametrize("bad", ["x" * 129, "a\x1b]0;pwned\x07", "-lead", "a b", ""])
def test_an_id_that_is_no_identifier_is_named_by_no_finding(bad: str) -> None:
    """A hostile id (a megabyte long, or with control characters) would reach every report
    once a finding: the finding names no record, and its line still says where it is."""
    one = record()
    one["id"] = bad
    found = check_line(json.dumps(one).encode("utf-8"), DatasetContext(one["schema_version"]),
                       "e.jsonl")
    assert [f.code for f in found] == ["schema-value"]
    assert [f.record for f in found] == [""]
    one["id"] = "fine-001"
    one["summary"] = ""
    assert {f.record for f in check_line(json.dumps(one).encode("utf-8"),
                                         DatasetContext(one["schema_version"]), "e.jsonl")} == {
        "fine-001"}
