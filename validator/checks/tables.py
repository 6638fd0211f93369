"""The sources, actors and aliases tables: CSV shape, then their shipped Table Schema.

Python's csv module (strict mode) reads the rows first, so that broken quoting
is caught and every row has its physical line; frictionless then checks the
same bytes against the Table Schema of the declared version (never a schema
the contributor supplies).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validator.checks.cells import CellReader, readers_of
from validator.checks.descriptor import hash_message
from validator.checks.meaning import is_country, withdrawn
from validator.checks.schema_kept import by_identity
from validator.checks.suggest import did_you_mean
from validator.checks.table_messages import own_words
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import pointer

if TYPE_CHECKING:
    from collections.abc import Iterator

JSON = Any


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV table as read: its header, and each row with the line it starts on."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    ragged: bool = False  # some row has more or fewer cells than the header
    misshapen: tuple[tuple[int, int], ...] = ()  # (index in rows, cells) of each such row

    def line_of(self, row_number: int) -> int:
        """The physical line of frictionless' row number (the header is row 1)."""
        if row_number <= 1 or row_number - 2 >= len(self.rows):
            return 1
        return self.rows[row_number - 2][0]


def read_table(text: str) -> Table | Problem:
    """Parse CSV text strictly (comma, double quotes, LF or CRLF)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    header: tuple[str, ...] = ()
    misshapen: list[tuple[int, int]] = []
    line = 1
    try:
        for record in reader:
            if not header:
                header = tuple(record)
            else:
                if len(record) != len(header):
                    misshapen.append((len(rows), len(record)))
                rows.append((line, dict(zip(header, record, strict=False))))
            line = reader.line_num + 1
    except csv.Error as error:
        return Problem("table-format", f"cannot read CSV: {escape(str(error), 80)}",
                       reader.line_num or 1, 1)
    if "\x00" in text:
        return Problem("table-format", "CSV contains a NUL byte", 1, 1)
    if not header:
        return Problem("table-header", "the table is empty: no header row", 1, 1)
    return Table(header, tuple(rows), bool(misshapen), tuple(misshapen))


_CODES = {
    "missing-label": "table-header", "extra-label": "table-header",
    "incorrect-label": "table-header", "duplicate-label": "table-header",
    "blank-label": "table-header", "blank-header": "table-header",
    "blank-row": "table-row", "extra-cell": "table-row", "missing-cell": "table-row",
    "type-error": "table-value", "constraint-error": "table-value",
    "unique-error": "table-unique", "primary-key": "table-unique",
    "foreign-key": "table-foreign-key",
}
# Constraint errors in these columns have rules of their own.
_FIELD_CODES = {"wikidata": "wikidata-id-malformed", "country": "country-code-unknown"}


@functools.cache
def frictionless_schema(descriptor: str) -> Any:  # noqa: ANN401 - a frictionless Schema
    """A frictionless Schema, built once per Table Schema (building one is slow).

    frictionless matches a pattern as `^pattern$`, whose `$` also ends before a
    last line feed: each pattern is given it ended by the anchor of the string's
    very end, so that it holds the whole cell, as a Table Schema pattern does (and
    `cells` reads it).
    """
    from frictionless import Schema

    schema = json.loads(descriptor)
    for field in schema.get("fields", []):
        constraints = field.get("constraints")
        if isinstance(constraints, dict) and isinstance(constraints.get("pattern"), str):
            constraints["pattern"] = f"(?:{constraints['pattern']})\\Z"
    return Schema.from_descriptor(schema)


def _foreign_keys(table_schema: JSON) -> Iterator[tuple[list[str], bool, list[str]]]:
    """(fields, whether they refer to this same table, fields referred to) of each foreign key.

    A Table Schema names one field as a string and several as a list; these are lists.
    """
    for foreign in table_schema.get("foreignKeys", []):
        local, reference = foreign["fields"], foreign["reference"]
        remote = reference["fields"]
        yield ([local] if isinstance(local, str) else local,
               reference.get("resource", "") == "",
               [remote] if isinstance(remote, str) else remote)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What the table screen needs of a Table Schema, worked out once for each."""

    header: tuple[str, ...]
    checked: tuple[tuple[str, CellReader], ...]  # fields whose cells may not be clean
    kept: tuple[tuple[str, CellReader], ...]  # fields a key reads: their values are kept
    keys: tuple[tuple[str, ...], ...]  # each unique field, and the primary key
    foreign: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # keys into the same table


@by_identity
def _plan_of(table_schema: JSON) -> _Plan | None:
    """The screen's plan of a Table Schema, or None if frictionless must decide every table."""
    try:
        return _planned(table_schema)
    except (KeyError, TypeError, AttributeError):  # not a shape the screen knows
        return None


def _planned(table_schema: JSON) -> _Plan | None:
    readers = readers_of(table_schema)
    if readers is None:
        return None
    fields = table_schema["fields"]
    keys = [(field["name"],) for field in fields if field.get("constraints", {}).get("unique")]
    primary = table_schema.get("primaryKey", [])
    keys.append((primary,) if isinstance(primary, str) else tuple(primary))
    foreign = []
    for local, same_table, remote in _foreign_keys(table_schema):
        if not same_table:
            return None  # a reference to another resource: frictionless decides
        foreign.append((tuple(local), tuple(remote)))
    read = {name for key in keys for name in key} | {
        name for local, remote in foreign for name in (*local, *remote)}
    if not read <= {name for name, _ in readers}:
        return None  # a key of a field the schema lacks: frictionless says so
    # A string field with no constraint reads every cell clean: nothing to ask it.
    plain = {field["name"] for field in fields if not field.get("constraints")
             and field.get("type", "string") == "string"
             and field.get("format", "default") == "default"}
    return _Plan(tuple(field["name"] for field in fields),
                 tuple((name, reader) for name, reader in readers
                       if name not in read and name not in plain),
                 tuple((name, reader) for name, reader in readers if name in read),
                 tuple(dict.fromkeys(key for key in keys if key)), tuple(foreign))


def passes(table: Table, table_schema: JSON) -> bool:
    """A screen: True only when frictionless would find nothing in the table.

    frictionless' validation costs some 10 ms a table however small, most of it
    opening the resource; a corpus of one dataset per article has thousands.
    This reads every cell as frictionless' cell readers do (types, patterns,
    enums, required, lengths) and checks what involves more than one cell
    (the header, row widths, blank rows, unique fields, the primary key and
    foreign keys into the same table) directly.  Anything else, such as a
    reference to another resource, does not pass, and frictionless decides.
    A property test holds this to frictionless' verdict.
    """
    plan = _plan_of(table_schema)
    if plan is None or table.ragged or table.header != plan.header:
        return False
    kept: dict[str, list[Any]] = {name: [] for name, _ in plan.kept}  # the keys' columns
    for _, row in table.rows:
        if not any(row.values()):
            return False  # a blank row
        for name, read in plan.checked:
            if not read(row[name])[1]:
                return False
        for name, read in plan.kept:
            value, clean = read(row[name])
            if not clean:
                return False
            kept[name].append(value)
    for key in plan.keys:
        cells = _column(kept, key)
        if len(set(cells)) != len(cells) or (
                None in cells if len(key) == 1 else any(None in cell for cell in cells)):
            return False  # a repeat or a missing part (frictionless has the details)
    for local, remote in plan.foreign:
        targets = set(_column(kept, remote))
        for source in _column(kept, local):
            if source not in targets and (source is not None if len(local) == 1
                                          else any(part is not None for part in source)):
                return False
    return True


def _column(kept: dict[str, list[Any]], key: tuple[str, ...]) -> list[Any]:
    """A key's value in each row: its one field's cell, or the tuple of its fields' cells.

    A column as it is, for a key of one field (most are): a tuple built for each
    row of each key was half the screen's time.
    """
    return kept[key[0]] if len(key) == 1 else list(zip(*(kept[name] for name in key),
                                                       strict=True))


# Beyond these, a table's shape is reported here and frictionless is not asked:
# it builds each error with a deep copy of the row's labels and cells (and one
# for each row of a table with a foreign key into itself, whatever the error
# limit), so a header of 8,000 extra labels, a row of 12,000 extra cells or
# megabytes of short rows took minutes (20 KB of commas: over 6 GB).
MAX_EXTRA_LABELS = 100  # labels beyond the Table Schema's columns
MAX_EXTRA_CELLS = 100  # cells beyond the header, in one row
MAX_MISSHAPEN_ROWS = 100  # rows with more or fewer cells than the header


def shape_problems(table: Table, columns: tuple[str, ...]) -> list[Problem] | None:
    """The shape of a table too wide or too ragged for frictionless, or None if it is not.

    One `table-header` problem for a header with too many labels; else one
    `table-row` problem a row of another width than the header, however many
    cells it has, for the first MAX_MISSHAPEN_ROWS of them, and a note of how
    many more.  Its cells are then not checked.  Linear in the table.
    """
    width = len(table.header)
    extra = width - len(columns)
    if extra <= MAX_EXTRA_LABELS and len(table.misshapen) <= MAX_MISSHAPEN_ROWS \
            and all(cells - width <= MAX_EXTRA_CELLS for _, cells in table.misshapen):
        return None
    unchecked = "the table's cells are not checked until it has the shape of its schema"
    if extra > MAX_EXTRA_LABELS:  # the rows cannot be judged by such a header
        return [Problem("table-header", f"the header has {width} labels, {extra} more than "
                        f"the columns {escape(','.join(columns), 120)}; " + unchecked,
                        1, len(columns) + 1)]
    problems = [Problem("table-row", f"row at position {index + 2} has {cells} cells where "
                        f"the header has {width}; " + unchecked, table.rows[index][0],
                        min(cells, width) + 1, pointer(index))
                for index, cells in table.misshapen[:MAX_MISSHAPEN_ROWS]]
    if len(table.misshapen) > MAX_MISSHAPEN_ROWS:
        index = table.misshapen[MAX_MISSHAPEN_ROWS][0]
        more = len(table.misshapen) - MAX_MISSHAPEN_ROWS
        problems.append(Problem("findings-capped", f"{more} more row{'s' * (more != 1)} of "
                                f"another width than the header {'are' if more != 1 else 'is'} "
                                "not reported", table.rows[index][0], 1, pointer(index)))
    return problems


def schema_problems(data: bytes, table: Table, table_schema: JSON) -> Iterator[Problem]:
    """Every frictionless error of the table against its shipped Table Schema.

    A short or long row is one `table-row` problem, not one per missing cell
    plus a `required` error for each.  A table too wide or too ragged for
    frictionless gets the problems of its shape instead (see `shape_problems`).
    """
    shape = shape_problems(table, tuple(field["name"] for field in table_schema["fields"]))
    if shape is not None:
        yield from shape
        return
    from frictionless import Dialect, Resource, formats

    # The dialect is fixed (comma, double quote), never sniffed from the data.
    dialect = Dialect(controls=[formats.CsvControl(delimiter=",", quote_char='"')])
    resource = Resource(data, format="csv", encoding="utf-8", dialect=dialect,
                        schema=frictionless_schema(json.dumps(table_schema, sort_keys=True)))
    errors = resource.validate().flatten(["rowNumber", "fieldName", "type", "message",
                                          "fieldNames", "note", "cell"])
    misshapen = {row for row, _, kind, *_ in errors if kind in {"missing-cell", "extra-cell"}}
    # A key field that is also unique repeats in two errors: report the field's only.
    key = table_schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key or []
    repeated = {row for row, field, kind, *_ in errors
                if kind == "unique-error" and [field] == key}
    reported: set[int] = set()
    keys: dict[str, frozenset[str]] = {}  # a referenced field's values, gathered once
    for row_number, name, kind, message, names, note, cell in errors:
        if kind == "primary-key" and row_number in repeated:
            continue
        # Key errors are row errors, with no field: locate them at their key's first field.
        field_name = name
        if kind == "foreign-key":
            field_name = (names or [None])[0]
        elif kind == "primary-key":
            field_name = (key or [None])[0]
        if row_number in misshapen:
            if row_number in reported:
                continue
            reported.add(row_number)
            kind = "missing-cell" if kind == "constraint-error" else kind  # noqa: PLW2901
        code = _CODES.get(kind, "table-format")
        if kind == "constraint-error" and field_name in _FIELD_CODES:
            code = _FIELD_CODES[field_name]
        line = table.line_of(row_number) if row_number else 1
        column = (table.header.index(field_name) + 1) if field_name in table.header else 1
        ptr = pointer(row_number - 2, field_name) if row_number and field_name else ""
        hint = _closest_key(table, table_schema, row_number, field_name, keys) \
            if kind == "foreign-key" else ""
        worded = own_words(kind, field_name, cell, note or "", message, table_schema,
                           table.line_of)
        yield Problem(code, worded + hint, line, column, ptr)


def _closest_key(table: Table, table_schema: JSON, row_number: int, field: str | None,
                 keys: dict[str, frozenset[str]] | None = None) -> str:
    """For a one-field reference into the same table, the closest key it may mean (or '').

    `keys` keeps the values of each referenced field, gathered at its first use
    (once a table, not once an error).
    """
    keys = {} if keys is None else keys
    if field is None or not 0 <= row_number - 2 < len(table.rows):
        return ""
    for local, same_table, remote in _foreign_keys(table_schema):
        if local == [field] and len(remote) == 1 and same_table:
            value = table.rows[row_number - 2][1].get(field, "")
            if remote[0] not in keys:
                keys[remote[0]] = frozenset(row.get(remote[0], "") for _, row in table.rows) - {""}
            return did_you_mean(value, keys[remote[0]]) if value else ""
    return ""


def actor_problems(table: Table) -> Iterator[Problem]:
    """Country codes that are well formed but not assigned (pycountry decides)."""
    if "country" not in table.header:
        return
    column = table.header.index("country") + 1
    for index, (line, row) in enumerate(table.rows):
        country = row.get("country", "")
        if len(country) == 3 and country.isascii() and country.isupper() \
                and not is_country(country):
            yield Problem("country-code-unknown",
                          f"{escape(country)} is not an ISO 3166-1 alpha-3 country code"
                          f"{withdrawn(country)}", line, column, pointer(index, "country"))


def header_problem(header: tuple[str, ...], columns: tuple[str, ...]) -> Problem | None:
    """A header that is not exactly the Table Schema's columns, where frictionless lets it pass.

    Such as a label with a space around it: the label that first differs.
    """
    if header == columns:
        return None
    pairs = enumerate(zip(header, columns, strict=False))  # lengths may differ
    index = next((i for i, (label, column) in pairs if label != column),
                 min(len(header), len(columns)))
    label = header[index] if index < len(header) else None
    return Problem("table-header", f"header is not {','.join(columns)}: "
                   f"label {index + 1} is {escape(label)}", 1, index + 1)


def article_hash_problem(path: str, digest: str, expected: str) -> Problem | None:
    """An article whose SHA-256 is not the one its sources row gives (when it gives one)."""
    if expected and expected != digest:
        return Problem("resource-hash-mismatch", hash_message(path, digest, expected))
    return None
