"""Screens decide the common case fast; they must never pass what the full check reports.

Each record check has a screen over values gathered in one walk, and the
tables have a screen over frictionless' cell readers.  A screen that passes
wrongly would hide a finding, so every screen is held to its full check (or
to frictionless) on generated records and tables, broken in many small ways.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from mutations import MUTATIONS
from sample import context_of
from strategies import datasets
from values import paths

from validator import registry
from validator.checks import cells, tables, walk
from validator.checks import records as record_rules
from validator.checks.aliases import within
from validator.checks.context import Article, DatasetContext
from validator.checks.records import RECORD_CHECKS
from validator.checks.walk import view as walk_view
from validator.engine import engines, records
from validator.engine.engines import compiled
from validator.findings import Problem
from validator.reading.limits import SIZES

REPO = Path(__file__).parent.parent
VERSION = registry.load("1.0.0")

# Mutations (tests/mutations.py) that a record check reports, certain or not: each may
# break its rule or not, and more than one at once may break others.
RECORD_CODES = frozenset().union(*(check.codes for check in RECORD_CHECKS))
RECORD_MUTATIONS = tuple(m for m in MUTATIONS if m.code in RECORD_CODES)


@pytest.mark.parametrize("perturb", RECORD_MUTATIONS, ids=lambda m: m.name)
@given(data=datasets(), also=st.lists(st.sampled_from(RECORD_MUTATIONS), max_size=2),
       draw=st.data())
def test_no_screen_passes_a_record_its_check_reports(perturb, data, also, draw) -> None:
    context = context_of(data)
    record = copy.deepcopy(data["records"][0])
    for change in (perturb, *also):
        change.apply(record, data, draw.draw)
    assume(compiled(data["version"], registry.RECORD_SCHEMA).is_valid(record))
    facts = walk_view(record)
    for check in RECORD_CHECKS:
        if check.passes(facts, context):
            assert list(check.problems(record, context)) == [], check.name


@given(datasets(), st.booleans())
def test_every_screen_passes_valid_records(data, dated: bool) -> None:
    """The fast path is the common path: valid records never reach the full checks."""
    context = context_of(data)
    if not dated:  # an article whose publication date is unknown
        assert context.sources is not None
        context = DatasetContext(context.version, context.actors, {
            key: Article(a.source_id, a.path, a.text, None) for key, a in context.sources.items()})
    for record in data["records"]:
        facts = walk_view(record)
        assert [c.name for c in RECORD_CHECKS if not c.passes(facts, context)] == []


@pytest.mark.parametrize(("modality", "start", "published", "verdict"), [
    ("asserted", "2023-07-29", dt.date(2023, 7, 29), True),  # reported the same day
    ("asserted", "2023-07-30", dt.date(2023, 7, 29), False),
    ("negated", "2023-07-30", dt.date(2023, 7, 29), False),
    ("planned", "2023-08-30", dt.date(2023, 7, 29), True),
    ("hypothetical", "2023-08-30", dt.date(2023, 7, 29), True),
    ("asserted", "2023-08-30", None, True),  # no date to compare with
])
def test_the_after_publication_screen(modality, start, published, verdict) -> None:
    from validator.checks.meaning import CHECKS

    (check,) = [c for c in CHECKS if c.name == "after_publication"]
    record = json.loads((REPO / "tests" / "cases" / "valid" / "base" / "events.jsonl")
                        .read_text("utf-8").splitlines()[0])
    record.update(modality=modality, date={"start": start, "precision": "day"})
    source = record["reporting"]["sources"][0]
    context = DatasetContext("1.0.0", None, {source: Article(source, "a.txt", "", published)})
    assert check.passes(walk_view(record), context) is verdict
    assert (list(check.problems(record, context)) == []) is verdict


def _repository_records() -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted((REPO / "datasets").glob("*/events.jsonl"))
            for line in path.read_text("utf-8").splitlines()]


@given(datasets())
def test_view_gathers_what_the_walk_yields(data) -> None:
    for record in data["records"] + _repository_records():
        facts = walk_view(record)
        assert facts.detail_actors == [v for _, v in walk.detail_actor_refs(record)]
        assert facts.spans == [v for _, v in walk.spans(record)]
        assert facts.dates == [v for _, v in walk.dates(record)]
        assert facts.places == [v for _, v in walk.places(record)]
        assert facts.sources == [v for _, v in walk.source_refs(record)]


# --- Tables: the screen against frictionless itself ----------------------------

ACTOR_CELLS = {
    "id": ["a1", "b2", "c3", "", "bad id", "a1"],
    "name": ["Ana", "Bo", ""],
    "kind": ["person", "state", "organisation", "delegation", "robot", ""],
    "country": ["", "PRK", "USA", "usa", "XX", "ABCD"],
    "office": ["", "Minister"],
    "wikidata": ["", "Q1", "Q57618", "Q0", "P31", "Q12x"],
    "affiliation": ["", "a1", "b2", "zz"],
}


@st.composite
def actor_tables(draw: st.DrawFn) -> bytes:
    """An actors table: valid rows, then at most one break (a bad cell, header or width)."""
    header = list(ACTOR_CELLS)
    count = draw(st.integers(1, 4))
    rows = [{"id": f"x{n}", "name": "N", "kind": "person", "country": "", "office": "",
             "wikidata": "", "affiliation": draw(st.sampled_from(["", "x0"]))}
            for n in range(count)]
    widths = [len(header)] * count
    kind = draw(st.sampled_from(["none", "cell", "header", "width", "blank"]))
    row = draw(st.integers(0, count - 1))
    if kind == "cell":
        name = draw(st.sampled_from(list(ACTOR_CELLS)))
        rows[row][name] = draw(st.sampled_from(ACTOR_CELLS[name]))
    elif kind == "header":
        header = draw(st.permutations(header))
    elif kind == "width":
        widths[row] += draw(st.sampled_from([-1, 1]))
    elif kind == "blank":
        rows[row] = dict.fromkeys(header, "")
    return _csv(header, rows, widths)


def _csv(header: list[str], rows: list[dict[str, str]], widths: list[int]) -> bytes:
    """The table's text: each row cut to (or padded by one empty cell to) its width."""
    lines = [",".join(header)]
    lines += [",".join([*(r[name] for name in header), ""][:width])
              for r, width in zip(rows, widths, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


CELLS = st.one_of(st.text(max_size=12), st.sampled_from([
    "", "https://example.com/a?b=c#d", "http://", "not a url", "//host/path", "mailto:a@b.c",
    "urn:isbn:0451450523", "https://exa mple.com", "HTTP://X", "http://[::1", "a1", "bad id",
    "Q57618", "PRK", "prk", "2023-07-29", "2023-07-29T10:00Z", "2023-07-29T10", "en", "en-GB",
    "person", "robot", "x.txt", "a/b.txt", "../a.txt", "0" * 64, "abc\n", "PRK\n",
    "2021-13-45T99:99:99Z", "2021-05-15T07:42:51Z", "2021-05-15T07:42:51+02:00", "Thursday",
    "May 2021", "2021-02-29", "not-a-date", "24:00", "1e5",
    " Kim", "Kim ", "Kim\nJong", "Kim\r", "K", "ko-Latn", "zh_CN", "\u00a0Kim"]))


@pytest.mark.parametrize(("version", "name"), [
    (version, name) for version in registry.versions() for name in registry.load(version).tables])
@given(cell=CELLS)
def test_each_cell_reader_reads_a_cell_as_frictionless_does(version: str, name: str,
                                                            cell: str) -> None:
    """The screen's readers, written out to spare frictionless' import, agree with its own
    (1.2.0's dates, read by dateutil as frictionless does, among them)."""
    schema = registry.load(version).table_schema(name)
    fields = tables.frictionless_schema(json.dumps(schema, sort_keys=True)).fields
    for described, field in zip(schema["fields"], fields, strict=True):
        read = cells.cell_reader(described, schema["missingValues"])  # not the cached ones
        assert read is not None
        value, notes = field.create_cell_reader()(cell)
        assert read(cell) == (value, not notes), described["name"]


def _grid_fields() -> list[tuple[dict[str, Any], list[str]]]:
    """(field, the schema's missingValues) over the shapes the screen knows, and near them."""
    constraints: list[dict[str, Any]] = [
        {}, {"required": True}, {"required": False}, {"pattern": "[a-z]+"}, {"pattern": "a.c"},
        {"enum": ["abc", "x"]}, {"minLength": 2}, {"maxLength": 2}, {"unique": True},
        {"required": True, "enum": ["abc", "NA"]}, {"minLength": 1, "maxLength": 3}]
    grid = []
    for kind, form, constraint, own, missing in itertools.product(
            [None, "any", "string", "datetime"], [None, "default", "uri", "email", "any"],
            constraints,
            [None, ["", "NA"], ["-"], []], [[""], ["", "n/a"]]):
        field: dict[str, Any] = {"name": "f"}
        field.update({key: value for key, value in (
            ("type", kind), ("format", form), ("missingValues", own)) if value is not None})
        if constraint:
            field["constraints"] = constraint
        grid.append((field, missing))
    return grid


GRID_CELLS = ["", "NA", "-", "n/a", "abc", "x", "ab", "abcd", "a.c", "ABC",
              "https://example.com/a", "not a url", "abc\n", "2021-05-15", "2021-13-45",
              "2023-07-29T18:25"]


def test_a_cell_reader_knows_every_field_frictionless_allows_and_reads_as_it_does() -> None:
    """Over a grid of field shapes: a reader for each one frictionless accepts, equal to its own."""
    from frictionless import FrictionlessException

    compared = 0
    for field, missing in _grid_fields():
        try:  # as the tables layer gives it to frictionless: each pattern holds the whole cell
            (theirs,) = tables.frictionless_schema(json.dumps(
                {"fields": [field], "missingValues": missing}, sort_keys=True)).fields
        except FrictionlessException:
            continue  # not a valid Table Schema, so never shipped
        read = cells.cell_reader(field, missing)
        # Left to frictionless: email (another library's test), enums of uris, and dates
        # other than format any with no constraint but required and unique (1.2.0's).
        kind, form = field.get("type", "string"), field.get("format")
        unknown = kind == "string" and (form == "email" or (
            form == "uri" and "enum" in field.get("constraints", {})))
        if kind == "datetime":
            unknown = form != "any" or not set(field.get("constraints", {})) <= {
                "required", "unique"}
        assert (read is None) is unknown, field
        if read is None:
            continue
        frictionless_read = theirs.create_cell_reader()
        for cell in GRID_CELLS:
            value, notes = frictionless_read(cell)
            assert read(cell) == (value, not notes), (field, missing, cell)
            compared += 1
    assert compared > 3000


@pytest.mark.parametrize("field", [
    {"name": "n", "type": "integer"}, {"name": "s", "type": "string", "format": "email"},
    {"name": "s", "type": "string", "constraints": {"minimum": 1}},
    {"name": "s", "type": "string", "missingValues": [{"value": "", "label": "none"}]},
    {"name": "s", "type": "string", "constraints": {"pattern": "("}},
    {"name": "s", "type": "string", "format": "uri", "constraints": {"enum": ["x:a"]}},
    {"name": "s", "type": "any", "constraints": {"pattern": "[a-z]+"}},
    {"name": "s", "type": "string", "constraints": {"minLength": "2"}},
    {"name": "s", "type": "string", "constraints": {"enum": "abc"}},
    {"name": "s", "type": "string", "constraints": []},
])
def test_table_screen_leaves_unknown_fields_to_frictionless(field: dict[str, Any]) -> None:
    assert cells.cell_reader(field, [""]) is None  # uncached, unlike the screen's readers
    table = tables.read_table(f"{field['name']}\n1\n")
    assert not isinstance(table, Problem)
    assert tables.passes(table, {"fields": [field]}) is False


@pytest.mark.parametrize("schema", [
    {"fields": [{"name": "a"}], "primaryKey": ["b"]},
    {"fields": [{"name": "a", "constraints": {"unique": True}}, {"name": "b"}],
     "foreignKeys": [{"fields": "b", "reference": {"resource": "", "fields": "c"}}]},
    {"fields": [{"name": "a"}], "foreignKeys": [{"fields": "a"}]},
    {"fields": [{"name": "a"}], "primaryKey": 3},
], ids=["key-of-no-field", "reference-to-no-field", "reference-without-target", "key-no-name"])
def test_table_screen_leaves_keys_it_cannot_read_to_frictionless(schema: dict[str, Any]) -> None:
    """A key or reference naming no field of the schema: no verdict of its own, no crash."""
    names = ",".join(field["name"] for field in schema["fields"])
    table = tables.read_table(f"{names}\n{','.join('1' for _ in schema['fields'])}\n")
    assert not isinstance(table, Problem)
    assert tables.passes(table, schema) is False


@given(actor_tables())
def test_table_screen_passes_only_what_frictionless_passes(data: bytes) -> None:
    table = tables.read_table(data.decode("utf-8"))
    assume(not isinstance(table, Problem))
    schema = VERSION.table_schema("actors")
    if tables.passes(table, schema):
        assert list(tables.schema_problems(data, table, schema)) == []


SOURCE_CELLS = {  # 1.3.0's sources table: (cells frictionless reads clean, cells it refuses)
    "id": (["s9"], ["", "bad id", "-s"]),
    "url": (["https://example.com/a", ""], ["not a url", "a b"]),
    "title": (["T"], [""]),
    "publisher": (["P"], [""]),
    "author": (["A and B", ""], []),
    # -30:00 is read as an offset by dateutil, and so by frictionless (validate's own
    # ISO 8601 rule refuses it: table_dates.iso_problems).
    "published": (["2023-07-29T18:25", "2021-05-15T07:42:51+02:00", "2021-05-15T07:42-30:00"],
                  ["", "2021-13-45", "not-a-date"]),
    "language": (["ko-Latn"], ["", "EN", "e"]),
    "retrieved": (["2023-07-30", ""], ["not-a-date"]),
    "path": (["articles/b.txt"], ["", "a b.txt", "articles/a.md"]),  # ../ is the path policy's
    "sha256": (["f" * 64], ["", "0" * 63, "A" * 64]),
    "license": (["public"], [""]),
}


@st.composite
def source_tables(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A sources table (1.3.0): valid rows, then at most one break; and whether it is clean.

    A break is a cell frictionless refuses, an id or path repeated, the header
    shuffled, a row one cell short or long, or a blank row.
    """
    header = list(SOURCE_CELLS)
    count = draw(st.integers(1, 4))
    rows = [{"id": f"s{n}", "url": "", "title": "T", "publisher": "P", "author": "",
             "published": "2023-07-29", "language": "en", "retrieved": "",
             "path": f"articles/s{n}.txt", "sha256": "0" * 64, "license": "public"}
            for n in range(count)]
    widths = [len(header)] * count
    kind = draw(st.sampled_from(["none", "cell", "repeat", "header", "width", "blank"]))
    row = draw(st.integers(0, count - 1))
    clean = kind == "none"
    if kind == "cell":
        name = draw(st.sampled_from(header))
        good, bad = SOURCE_CELLS[name]
        clean = draw(st.booleans()) or not bad
        rows[row][name] = draw(st.sampled_from(good if clean else bad))
    elif kind == "repeat":  # the primary key, or the path, of another row
        name = draw(st.sampled_from(["id", "path"]))
        rows[row][name] = rows[0][name] if row else rows[-1][name]
        clean = count == 1
    elif kind == "header":
        header = draw(st.permutations(header))
        clean = header == list(SOURCE_CELLS)
    elif kind == "width":
        widths[row] += draw(st.sampled_from([-1, 1]))
    elif kind == "blank":
        rows[row] = dict.fromkeys(header, "")
    return _csv(header, rows, widths), clean


@given(source_tables())
def test_the_sources_screen_passes_only_what_frictionless_passes(drawn: tuple[bytes, bool],
                                                                 ) -> None:
    """And passes the clean tables: the screen's verdict is reached, not only its refusal."""
    data, clean = drawn
    table = tables.read_table(data.decode("utf-8"))
    assume(not isinstance(table, Problem))
    schema = registry.load("1.3.0").table_schema("sources")
    assert [field["name"] for field in schema["fields"]] == list(SOURCE_CELLS)
    problems = list(tables.schema_problems(data, table, schema))
    assert (problems == []) is clean, problems
    assert tables.passes(table, schema) is clean


@st.composite
def alias_tables(draw: st.DrawFn) -> bytes:
    """An aliases table (1.3.0): rows of drawn cells, some repeated, some blank or short."""
    cells = st.sampled_from(["", "x0", "kim-jong-un", "bad id", "Kim", " Kim", "Kim ",
                             "Chairman Kim", "en", "ko-Latn", "zh_CN", '"a,b"'])
    rows = draw(st.lists(st.lists(cells, min_size=2, max_size=4), min_size=1, max_size=4))
    rows += draw(st.sampled_from([[], rows[:1]]))  # a row again: the primary key
    lines = ["actor,alias,language", *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@given(alias_tables())
def test_the_aliases_screen_passes_only_what_frictionless_passes(data: bytes) -> None:
    """Without its foreign key into actors (checks.aliases.within), as the dataset reads it."""
    table = tables.read_table(data.decode("utf-8"))
    assume(not isinstance(table, Problem))
    schema = within(registry.load("1.3.0").table_schema("aliases"))
    if tables.passes(table, schema):
        assert list(tables.schema_problems(data, table, schema)) == []
    else:
        assert list(tables.schema_problems(data, table, schema)) != []


@pytest.mark.parametrize("name", ["actors", "sources", "aliases"])
def test_table_screen_passes_the_repository_tables(name: str) -> None:
    paths = sorted((REPO / "datasets").glob(f"*/{name}.csv"))
    assert paths
    for path in paths:
        table = tables.read_table(path.read_text("utf-8"))
        assert not isinstance(table, Problem)
        declared = json.loads((path.parent / "datapackage.json").read_text("utf-8"))
        schema = within(registry.load(declared["textevents_version"]).table_schema(name))
        assert tables.passes(table, schema), path


def _screen(schema: dict[str, Any], text: str) -> bool:
    table = tables.read_table(text)
    assert not isinstance(table, Problem)
    verdict = tables.passes(table, schema)
    if verdict:
        assert list(tables.schema_problems(text.encode(), table, schema)) == []
    return verdict


@pytest.mark.parametrize(("schema", "text", "verdict"), [
    # A primary key alone (no unique constraint), as a list or a string.
    ({"fields": [{"name": "key"}], "primaryKey": ["key"]}, "key\na\na\n", False),
    ({"fields": [{"name": "key"}], "primaryKey": "key"}, "key\na\na\n", False),
    ({"fields": [{"name": "key"}], "primaryKey": "key"}, "key\na\nb\n", True),
    # A unique field that is not the primary key.
    ({"fields": [{"name": "key"}, {"name": "path", "constraints": {"unique": True}}],
      "primaryKey": ["key"]}, "key,path\na,x\nb,x\n", False),
    # A key of two fields: a repeat of both, or a missing part, is for frictionless.
    ({"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": ["a", "b"]},
     "a,b\nx,1\nx,2\n", True),
    ({"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": ["a", "b"]},
     "a,b\nx,1\nx,1\n", False),
    ({"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": ["a", "b"]},
     "a,b\nx,\ny,1\n", False),
    ({"fields": [{"name": n} for n in ("a", "b", "ra", "rb")], "foreignKeys": [
        {"fields": ["ra", "rb"], "reference": {"resource": "", "fields": ["a", "b"]}}]},
     "a,b,ra,rb\nx,1,,\ny,2,x,1\n", True),
    ({"fields": [{"name": n} for n in ("a", "b", "ra", "rb")], "foreignKeys": [
        {"fields": ["ra", "rb"], "reference": {"resource": "", "fields": ["a", "b"]}}]},
     "a,b,ra,rb\nx,1,x,2\n", False),
    # A blank row, with no required field to give it away.
    ({"fields": [{"name": "key"}, {"name": "value"}]}, "key,value\na,b\n,\n", False),
    # Foreign keys: into the same table, by list or string, and into another resource.
    ({"fields": [{"name": "key"}, {"name": "ref"}], "foreignKeys": [
        {"fields": "ref", "reference": {"resource": "", "fields": "key"}}]},
     "key,ref\na,b\nb,\n", True),
    ({"fields": [{"name": "key"}, {"name": "ref"}], "foreignKeys": [
        {"fields": "ref", "reference": {"resource": "", "fields": "key"}}]},
     "key,ref\na,zz\n", False),
    ({"fields": [{"name": "key"}, {"name": "ref"}], "foreignKeys": [
        {"fields": ["ref"], "reference": {"fields": ["key"]}}]}, "key,ref\na,a\n", True),
    ({"fields": [{"name": "key"}, {"name": "ref"}], "foreignKeys": [
        {"fields": ["ref"], "reference": {"fields": ["key"]}}]}, "key,ref\na,zz\n", False),
    ({"fields": [{"name": "key"}, {"name": "ref"}], "foreignKeys": [
        {"fields": ["ref"], "reference": {"resource": "other", "fields": ["key"]}}]},
     "key,ref\na,\n", False),
])
def test_table_screen_on_the_shapes_table_schemas_allow(schema, text, verdict) -> None:
    assert _screen(schema, text) is verdict


def test_table_screen_sees_repeated_paths_in_sources() -> None:
    path = next((REPO / "datasets").glob("*/sources.csv"))
    lines = path.read_text("utf-8").splitlines()
    copy_row = lines[1].replace(lines[1].split(",")[0], "another-id", 1)
    assert _screen(VERSION.table_schema("sources"), "\n".join([*lines, copy_row]) + "\n") \
        is False


# --- The narrowed engine: a screen in Rust for the checks that state a narrowing --

NARROWED = [check for check in RECORD_CHECKS if check.narrowing is not None]


def _hot(context: DatasetContext) -> records.HotPath:
    hot = records.hot_path(context, SIZES.narrow_bytes)
    assert hot.exact_numbers  # every location a narrowing names is in this version
    return hot


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return [value] if type(value) in {int, float} else []


@pytest.mark.parametrize("size", [0, SIZES.narrow_bytes], ids=["small", "large"])
@pytest.mark.parametrize("perturb", RECORD_MUTATIONS, ids=lambda m: m.name)
@given(data=datasets(), also=st.lists(st.sampled_from(RECORD_MUTATIONS), max_size=2),
       draw=st.data())
def test_the_hot_path_accepts_nothing_a_check_reports(size, perturb, data, also, draw) -> None:
    """Its engine and the screens it keeps: valid against the released schema, and clean."""
    context = context_of(data)
    record = copy.deepcopy(data["records"][0])
    for change in (perturb, *also):
        change.apply(record, data, draw.draw)
    hot = records.hot_path(context, size)
    assert hot.exact_numbers
    if hot.is_valid(record) and all(screen(walk_view(record), context) for screen in hot.screens):
        assert compiled(data["version"], registry.RECORD_SCHEMA).is_valid(record)
        for check in RECORD_CHECKS:
            assert list(check.problems(record, context)) == [], check.name
        assert all(abs(n) <= engines.NUMBER_BOUND for n in _numbers(record))


def test_small_datasets_share_an_engine_that_needs_no_tables() -> None:
    """Below `narrow_bytes` the engine holds what needs no tables; table screens still run."""
    article = Article("s", "a.txt", "text", None)
    contexts = [DatasetContext("1.0.0", frozenset({name}), {name: article}) for name in "ab"]
    small = [records.hot_path(context, SIZES.narrow_bytes - 1) for context in contexts]
    assert small[0].is_valid == small[1].is_valid  # one engine for both
    assert small[0] is small[1]  # made once for datasets that differ from the shared one alike
    kept = {check.name for check in RECORD_CHECKS if check.passes in small[0].screens}
    assert kept == {c.name for c in RECORD_CHECKS if c.narrowing is None} | {
        "unknown_actors", "unknown_sources"}
    large = records.hot_path(contexts[0], SIZES.narrow_bytes)
    assert {check.name for check in RECORD_CHECKS if check.passes in large.screens} == {
        c.name for c in RECORD_CHECKS if c.narrowing is None}
    bare = records.hot_path(DatasetContext("1.0.0"), 0)  # no tables: nothing to screen for
    assert {check.name for check in RECORD_CHECKS if check.passes in bare.screens} == {
        c.name for c in RECORD_CHECKS if c.narrowing is None}


def _set(record: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    probe = copy.deepcopy(record)
    target = probe
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return probe


def _wrong_values(record: dict[str, Any]) -> list[tuple[str, tuple[str | int, ...], str]]:
    """(check, path, value): each value a narrowed check looks at, made wrong for it."""
    wrong = [("unknown_actors", path, "zz-nobody") for path, _ in walk.actor_refs(record)]
    wrong += [("unknown_sources", path, "zz-elsewhere") for path, _ in walk.source_refs(record)]
    wrong += [("countries", (*path, "country"), "XXA") for path, _ in walk.places(record)]
    contexts = record["classification"].get("plover_context", [])
    wrong += [("open_codelists", ("classification", "plover_context", index), "zz-unlisted")
              for index in range(len(contexts))]
    responses = record.get("arms_allegation", {}).get("responses", [])
    wrong += [("open_codelists", ("arms_allegation", "responses", index, "kind"), "zz-unlisted")
              for index in range(len(responses))]
    return wrong


def _refuses_each_wrong_value(record: dict[str, Any], context: DatasetContext) -> set[str]:
    hot = _hot(context)
    assert hot.is_valid(record)  # the clean record takes the hot path
    checks = {check.name: check for check in NARROWED}
    seen = set()
    for name, path, value in _wrong_values(record):
        probe = _set(record, path, value)
        assert list(checks[name].problems(probe, context)), (name, path)  # really wrong
        assert not hot.is_valid(probe), (name, path)
        seen.add(name)
    return seen


@given(datasets())
def test_the_narrowed_engine_refuses_every_value_its_checks_report(data) -> None:
    for record in data["records"]:
        _refuses_each_wrong_value(record, context_of(data))


def _repository() -> list[tuple[dict[str, Any], DatasetContext]]:
    from validator.engine.dataset import dataset_layers
    from validator.reading.discovery import discover

    found = []
    locations, _ = discover([str(REPO / "datasets")])
    for location in locations:
        dataset = dataset_layers(location)
        assert dataset.findings == []
        [task] = dataset.tasks
        path, context = task.path, task.context
        found += [(json.loads(line), context)
                  for line in (location.root / path).read_text("utf-8").splitlines()]
    return found


@given(datasets())
def test_without_tables_the_narrowed_engine_leaves_references_alone(data) -> None:
    """Unreadable tables: the reference checks report nothing, so the engine must accept."""
    bare = DatasetContext(data["version"])
    hot = _hot(bare)
    for record in data["records"]:
        for _, path, value in _wrong_values(record):
            probe = _set(record, path, value)
            if value in {"zz-nobody", "zz-elsewhere"}:
                assert hot.is_valid(probe), path
                assert all(list(c.problems(probe, bare)) == [] for c in NARROWED
                           if c.name in {"unknown_actors", "unknown_sources"})


def test_empty_tables_leave_no_reference_valid() -> None:
    """A table with a header and no rows narrows to an empty enum: every reference fails."""
    record, _ = _repository()[0]
    context = DatasetContext("1.0.0", frozenset(), {})
    assert not _hot(context).is_valid(record)
    reports = {check.name for check in NARROWED if list(check.problems(record, context))}
    assert reports == {"unknown_actors", "unknown_sources"}


def test_the_narrowed_engine_refuses_every_wrong_value_in_the_repository() -> None:
    seen: set[str] = set()
    for record, context in _repository():
        seen |= _refuses_each_wrong_value(record, context)
    assert seen == {check.name for check in NARROWED}


def test_no_slot_of_the_narrowed_schema_admits_an_inexact_number() -> None:
    """Why blocks need no digit scan on the hot path: orjson is exact on all it accepts.

    Every value of every repository record (and a new key at every object) is
    replaced in turn by a number past NUMBER_BOUND, as orjson gives it (a
    float) and as the strict parser does (an int); none passes.
    """
    tried = 0
    for record, context in _repository():
        hot = _hot(context)
        for path in paths(record):
            parent = record
            for step in path[:-1]:
                parent = parent[step]
            targets = [path] if path else []
            target = parent[path[-1]] if path else record
            if isinstance(target, dict):
                targets.append((*path, "new"))
            for where in targets:
                for big in (10**19, float(10**19), -(10**19), -float(10**19)):
                    assert not hot.is_valid(_set(record, where, big)), (where, big)
                    tried += 1
    assert tried > 2000


def test_narrowings_of_one_location_all_hold(monkeypatch) -> None:
    """Two checks that narrow one location: the engine holds its values to both."""
    from validator.checks.base import RecordCheck

    record, context = _repository()[0]
    assert context.actors is not None
    spare = min(context.actors - {actor for _, actor in walk.actor_refs(record)})
    location = "common.schema.json#/$defs/actor_ref"
    assert location in next(c for c in NARROWED if c.name == "unknown_actors").narrowing(context)
    not_spare = RecordCheck(lambda _record, _context: iter(()), lambda _view, _context: True,
                            lambda _context: {location: {"not": {"const": spare}}},
                            codes=frozenset({"actor-unknown"}))
    with_spare = {**record, "actors": [*record["actors"], spare]}
    with_nobody = {**record, "actors": [*record["actors"], "zz-nobody"]}
    assert _hot(context).is_valid(with_spare) is True
    monkeypatch.setattr(record_rules, "RECORD_CHECKS", (*RECORD_CHECKS, not_spare))
    assert _hot(context).is_valid(with_spare) is False  # the new check's narrowing holds
    assert _hot(context).is_valid(with_nobody) is False  # and the actors table's still does
    assert _hot(context).is_valid(record) is True


def test_the_narrowed_engine_keeps_every_bound_of_the_released_schema() -> None:
    """Bounding numbers only narrows: what the released schema refuses, it refuses too."""
    refused = 0
    for record, context in _repository():
        hot, released = _hot(context), compiled(context.version, registry.RECORD_SCHEMA)
        for path in paths(record):
            target: Any = record
            for step in path:
                target = target[step]
            if type(target) not in (int, float):
                continue
            for number in (-181.5, -91, -1, 0, 0.5, 91, 180.5):
                changed = _set(record, path, number)
                if not released.is_valid(changed):
                    refused += 1
                    assert not hot.is_valid(changed), (path, number)
    assert refused > 100


@pytest.mark.parametrize(("schema", "bounded"), [
    ({"type": "integer", "minimum": 1},
     {"type": "integer", "minimum": 1, "maximum": engines.NUMBER_BOUND}),
    ({"type": ["number", "null"], "minimum": -90, "maximum": 90},
     {"type": ["number", "null"], "minimum": -90, "maximum": 90}),
    ({"type": "string", "maxLength": 3}, {"type": "string", "maxLength": 3}),
    ({"properties": {"n": {"type": "number"}}, "items": {"type": "integer", "maximum": 7},
      "allOf": [{"type": "integer"}], "$defs": {"s": {"type": "string"}}},
     {"properties": {"n": {"type": "number", "minimum": -engines.NUMBER_BOUND,
                           "maximum": engines.NUMBER_BOUND}},
      "items": {"type": "integer", "minimum": -engines.NUMBER_BOUND, "maximum": 7},
      "allOf": [{"type": "integer", "minimum": -engines.NUMBER_BOUND,
                 "maximum": engines.NUMBER_BOUND}],
      "$defs": {"s": {"type": "string"}}}),
])
def test_bounding_adds_bounds_to_numbers_only_and_keeps_tighter_ones(schema, bounded) -> None:
    assert engines._bounded(schema) == bounded  # noqa: SLF001 - the step under test


@pytest.mark.parametrize("identified", [True, False], ids=["in-the-registry", "root-only"])
def test_an_engine_never_fetches_a_schema(identified: bool) -> None:
    """jsonschema-rs fetches over HTTP by default; our retriever refuses instead."""
    remote: dict[str, Any] = {"$ref": "https://example.invalid/elsewhere.json"}
    if identified:
        remote["$id"] = "https://schema.textevents.org/x.json"
    with pytest.raises(Exception, match=r"offline: refusing to retrieve https://example\.invalid"):
        engines._engine({"x.json": remote}, "x.json")  # noqa: SLF001 - the builder under test


URI_CELLS = st.one_of(st.text(max_size=20),
                      st.from_regex(r"[a-zA-Z][a-zA-Z0-9+.-]{0,6}:.{0,20}", fullmatch=True),
                      st.from_regex(r"[^:]{0,8}:.{0,12}", fullmatch=True))


@given(cell=URI_CELLS)
def test_the_uri_reader_s_scheme_shortcut_agrees_with_frictionless(cell: str) -> None:
    """A cell that starts with a scheme is a URI without rfc3986 parsing it: as frictionless says."""
    from frictionless import Schema

    field = {"name": "u", "type": "string", "format": "uri"}
    (theirs,) = Schema.from_descriptor({"fields": [field]}).fields
    value, notes = theirs.create_cell_reader()(cell)
    read = cells.cell_reader(field, [""])
    assert read is not None
    assert read(cell) == (value, not notes)


def test_what_a_table_schema_gives_is_worked_out_once_for_each_schema_object() -> None:
    """`by_identity`: the same object, once; an equal copy, again; beyond the limit, still right."""
    from validator.checks.aliases import within
    from validator.checks.schema_kept import MOST_KEPT, by_identity

    asked: list[int] = []

    @by_identity
    def width(table_schema: dict[str, Any]) -> int:
        asked.append(id(table_schema))
        return len(table_schema["fields"])

    schema = {"fields": [{"name": "a"}]}
    assert (width(schema), width(schema), len(asked)) == (1, 1, 1)
    copy_of = copy.deepcopy(schema)
    assert (width(copy_of), len(asked)) == (1, 2)
    many = [{"fields": [{"name": "a"}] * count} for count in range(MOST_KEPT + 5)]
    assert [width(one) for one in many] == [width(one) for one in many] == list(range(len(many)))
    left_out = len(many) - (MOST_KEPT - 2)  # the two above are kept too
    assert len(asked) == 2 + len(many) + left_out  # those beyond the limit, asked again
    released = registry.load("1.3.0").table_schema("aliases")
    assert within(released) is within(released)  # the screen's plan is kept by it
