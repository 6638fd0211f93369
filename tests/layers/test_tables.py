"""The tables layer: the sources, actors and aliases tables against their Table Schemas.

Rules: table-header, table-row, table-value, table-unique, table-foreign-key, table-format.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from samples import BASE

from validator import registry, validate
from validator.checks.aliases import aliases_by_actor, unknown_actors, within
from validator.checks.tables import Table, actor_problems, read_table
from validator.checks.tables import _closest_key as closest_key
from validator.checks.tables import schema_problems as table_problems
from validator.escaping import escape

AFFILIATIONS = Table(("id", "parent"), ((2, {"id": "russia", "parent": ""}),
                                        (3, {"id": "ukraine", "parent": "rusia"})))


def test_table_reading_edges() -> None:
    from validator.checks.tables import Table, read_table
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


@pytest.mark.parametrize("cell", ["RUS\n", "RUS\r\n", "\nRUS"])
def test_a_pattern_holds_the_whole_cell_a_last_line_feed_too(tmp_path: Path, cell: str) -> None:
    """`^pattern$` let "RUS\\n" through (`$` also ends before a last line feed), in the
    screen and in frictionless alike."""
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    actors = (folder / "actors.csv").read_text("utf-8").splitlines()
    assert actors[1].startswith("sergei-shoigu,")
    assert actors[1].count(",RUS,") == 1
    actors[1] = actors[1].replace(",RUS,", f',"{cell}",')
    (folder / "actors.csv").write_text("\n".join(actors) + "\n", "utf-8")
    (finding,) = validate([str(folder)]).findings
    assert (finding.code, finding.line, finding.pointer) == (
        "country-code-unknown", 2, "/0/country")
    assert finding.message.startswith(f"country {escape(cell)} does not match the pattern")


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
    assert problem.message == (f"affiliation '{affiliation}' is not the id of any row of "
                               f"this table{hint}")


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



SOURCES_1_2_0 = registry.load("1.2.0").table_schema("sources")
SOURCES_HEADER = ",".join(f["name"] for f in SOURCES_1_2_0["fields"])


def _sources(published: str, retrieved: str = "") -> str:
    return (f"{SOURCES_HEADER}\ns1,,T,P,,{published},en,{retrieved},articles/a.txt,"
            f"{'0' * 64},public\n")


@pytest.mark.parametrize(("published", "retrieved", "expected"), [
    ("2021-05-15T07:42:51Z", "", []),
    ("2023-07-29T18:25", "2023-07-30", []),
    ("2021-05-15", "2021-05-15T07:42:51+02:00", []),
    ("2021-13-45T99:99:99Z", "", [("table-value", "/0/published", "not a date")]),
    ("not-a-date", "", [("table-value", "/0/published", "not a date")]),
    ("2021-05-15", "Thursday", [("table-value", "/0/retrieved", "not an ISO 8601")]),
    ("May 15 2021", "", [("table-value", "/0/published", "not an ISO 8601")]),
    # dateutil reads any offset of two digits; an hour of offset stops at 23, a minute at 59
    ("2021-05-15T07:42+23:59", "2021-05-15T07:42:51-00:00", []),
    ("2021-05-15T07:42-30:00", "", [("table-value", "/0/published",
                                     "'-30:00' is no offset (hours 00 to 23")]),
    ("2021-05-15", "2021-05-15T07:42:51+05:60", [
        ("table-value", "/0/retrieved", "'+05:60' is no offset (hours 00 to 23, minutes 00 to 59)")]),
    ("2021-05-15T07:42+24:00", "", [
        ("table-value", "/0/published", "or an offset); '+24:00' is no offset (hours 00 to 23")]),
])
def test_1_2_0_dates_are_read_as_dates_and_held_to_iso_8601(
        published: str, retrieved: str, expected: list) -> None:
    """frictionless reads the cell as a date (2021-13-45 is none); validate also wants ISO form."""
    from validator.checks import table_dates, tables

    text = _sources(published, retrieved)
    table = read_table(text)
    assert isinstance(table, Table)
    screened = tables.passes(table, SOURCES_1_2_0)
    problems = [] if screened else list(table_problems(text.encode(), table, SOURCES_1_2_0))
    problems += table_dates.iso_problems(table, SOURCES_1_2_0)
    assert [(p.code, p.pointer) for p in problems] == [(c, w) for c, w, _ in expected]
    for problem, (_, _, words) in zip(problems, expected, strict=True):
        assert words in problem.message
    # The screen passes exactly the tables in which frictionless finds nothing.
    assert screened == (not list(table_problems(text.encode(), table, SOURCES_1_2_0)))


ALIASES = Table(("actor", "alias", "language"), (
    (2, {"actor": "kim-jong-un", "alias": "Kim", "language": ""}),
    (3, {"actor": "kim-jong-on", "alias": "Chairman Kim", "language": ""}),
    (4, {"actor": "", "alias": "Kim", "language": ""}),
    (5, {"actor": "kim-jong-un", "alias": " ", "language": ""}),
    (6, {"actor": "kim-jong-un", "alias": "Marshal Kim", "language": "en"})))


def test_an_alias_of_an_actor_the_actors_table_lacks_is_a_foreign_key_problem() -> None:
    """The aliases' foreign key is into another table, which frictionless sees only in a package."""
    ids = frozenset({"kim-jong-un", "russia"})
    assert [(p.code, p.message, p.line, p.column, p.pointer)
            for p in unknown_actors(ALIASES, ids)] == [
        ("table-foreign-key", ("actor 'kim-jong-on' is not an id of the actors table; "
         "did you mean 'kim-jong-un'?"), 3, 1, "/1/actor")]  # an empty actor is the schema's
    assert aliases_by_actor(ALIASES, ids) == {"kim-jong-un": ("Kim", "Marshal Kim")}


def test_only_the_aliases_a_file_shows_get_a_hint() -> None:
    """20,000 aliases of actors the table lacks, against 5,000 actors: each is reported (to be
    counted), and only the first MAX_FINDINGS_PER_RULE, which a file shows, ask which id is
    closest (each asking took 0.4 ms: some 15 minutes for an aliases table of 64 MiB)."""
    from validator.reading.limits import MAX_FINDINGS_PER_RULE

    ids = frozenset(f"actor-{number:06d}" for number in range(5_000))
    table = Table(("actor", "alias", "language"), tuple(
        (number + 2, {"actor": f"actor-{number:07d}", "alias": "Kim", "language": ""})
        for number in range(20_000)))
    problems = list(unknown_actors(table, ids))
    assert [p.pointer for p in problems] == [f"/{number}/actor" for number in range(20_000)]
    assert problems[0].message == ("actor 'actor-0000000' is not an id of the actors table; "
                                   "did you mean 'actor-000000'?")
    hinted = ["did you mean" in p.message for p in problems]
    assert hinted == [True] * MAX_FINDINGS_PER_RULE + [False] * (20_000 - MAX_FINDINGS_PER_RULE)


def test_a_table_is_checked_alone_without_its_keys_into_other_tables() -> None:
    aliases = registry.load("1.3.0").table_schema("aliases")
    local = within(aliases)
    assert local["foreignKeys"] == []
    assert local["fields"] == aliases["fields"]
    assert within(aliases) is local  # made once for a released schema
    actors = registry.load("1.3.0").table_schema("actors")
    assert within(actors) is actors  # its one key is into itself
    assert within({"fields": []}) == {"fields": []}
    text = "actor,alias,language\nkim-jong-on,Kim,\n"
    table = read_table(text)
    assert isinstance(table, Table)
    assert list(table_problems(text.encode(), table, local)) == []  # no resource-error


# --- Date and time cells: the standard library's fast path reads them as dateutil does ---

_ISO_CELLS = st.from_regex(
    r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?\Z")


@given(cell=st.one_of(_ISO_CELLS, st.datetimes(timezones=st.sampled_from(
    [None, dt.UTC, dt.timezone(dt.timedelta(hours=-9, minutes=-30))])).map(
    lambda moment: moment.replace(microsecond=0).isoformat())))
@example(cell="0001-01-01T00:00-30:00")  # the standard library refuses it, dateutil takes it
def test_a_datetime_cell_reads_as_dateutil_reads_it(cell: str) -> None:
    """frictionless reads these cells with dateutil; validate must agree with it on each."""
    from dateutil import parser

    from validator.checks.table_dates import datetime_reader

    read = datetime_reader({}, [""])
    assert read is not None
    try:
        expected = parser.parse(cell), True
    except Exception:  # noqa: BLE001 - dateutil refuses with any error
        expected = None, False
    value, clean = read(cell)
    assert (value, clean) == expected
    if value is not None:  # equal instants: the same offset too, read from the zone itself
        # (dateutil takes an offset beyond a day, -30:00, which `utcoffset()` refuses to give)
        assert [None if moment.tzinfo is None else moment.tzinfo.utcoffset(moment)
                for moment in (value, expected[0])] == [
            None if value.tzinfo is None else value.tzinfo.utcoffset(value)] * 2



@pytest.mark.parametrize(("name", "message", "worded"), [
    ("affiliation", ('Row at position "3" violates the foreign key: for "affiliation": values '
     '"rus\nsia" not found in the lookup table "" as "id"'),
     "affiliation 'rus\\u000asia' is not the id of any row of this table"),
    ("actor", ('Row at position "3" violates the foreign key: for "actor": values "x" not '
     'found in the lookup table "actors" as "id"'), ("actor 'x' is not the id of any row of the "
     "actors table")),
    # Several fields: frictionless' words name them all.
    ("parent", ('Row at position "3" violates the foreign key: for "parent, other": values '
     '"rusia, q" not found in the lookup table "" as "id, parent"'),
     ('Row at position "3" violates the foreign key: for "parent, other": values "rusia, q" '
     'not found in the lookup table "" as "id, parent"')),
])
def test_a_foreign_key_error_in_the_validator_s_words(name: str, message: str,
                                                      worded: str) -> None:
    from validator.checks.table_messages import own_words

    assert own_words("foreign-key", name, None, "", message, {}, lambda row: row) == worded
