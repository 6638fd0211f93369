"""How frictionless reads a table's cells, written out: the table screen's cell readers.

Importing frictionless costs 0.2 s, more than checking a small dataset, so
the screen (`validator.checks.tables.passes`) reads cells with these, and
frictionless is imported only when a table fails it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from validator.checks.schema_kept import by_identity
from validator.checks.table_dates import datetime_reader

JSON = Any

CellReader = Callable[[str], tuple[Any, bool]]  # a cell -> (its value, whether it is clean)
_SCREENED = {"required", "unique", "pattern", "enum", "minLength", "maxLength"}
_SCREENED_ANY = {"required", "unique", "enum"}  # what frictionless allows an `any` field


# RFC 3986's scheme, as rfc3986 spells it (abnf_regexp.SCHEME_RE; a test holds them
# equal): rfc3986 finds a scheme exactly when a cell starts with one (its appendix B
# pattern is anchored there), and a cell that does is a URI without a parse (0.2 ms).
_HAS_SCHEME = re.compile("[a-zA-Z][a-zA-Z0-9+.-]*:").match


def _is_uri(cell: str) -> bool:
    """Frictionless' test of a `uri` cell: rfc3986 with a scheme required."""
    return _HAS_SCHEME(cell) is not None or _rfc3986_uri(cell)


def _rfc3986_uri(cell: str) -> bool:
    """rfc3986's verdict on a cell without a scheme (imported here: 15 ms of a run's start)."""
    import rfc3986
    from rfc3986 import exceptions, validators

    try:
        validators.Validator().require_presence_of("scheme").validate(rfc3986.uri_reference(cell))
    except exceptions.ValidationError:
        return False
    return True


def cell_reader(field: JSON, missing: JSON) -> CellReader | None:
    """How frictionless reads a cell of this field, or None if the screen does not know.

    Written out, not frictionless' own reader, because importing frictionless
    costs 0.2 s, more than checking a small dataset; it is imported only when
    a table fails the screen.  Only string (formats default and uri) and any
    fields are known; `tests/test_screens.py` holds each reader to
    frictionless' over a grid of field shapes and cells.
    """
    kind, form = field.get("type", "string"), field.get("format", "default")  # as frictionless
    constraints = field.get("constraints", {})
    missing = field.get("missingValues", missing)
    if (kind, form) == ("datetime", "any"):
        return datetime_reader(constraints, missing)
    known = (kind == "string" and form in {"default", "uri"}) or kind == "any"  # any: no format
    if not known or not isinstance(constraints, dict) \
            or not set(constraints) <= (_SCREENED if kind == "string" else _SCREENED_ANY) \
            or not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        return None
    required = constraints.get("required") is True
    enum = constraints.get("enum")
    lengths = (constraints.get("minLength", 0), constraints.get("maxLength"))
    if (enum is not None and (not isinstance(enum, list) or (kind, form) == ("string", "uri"))) \
            or not all(isinstance(n, int) for n in lengths if n is not None):
        return None
    try:
        # A Table Schema pattern holds the whole cell; `$` would also end before a last
        # line feed ("ZZZ\n" passed the country code's), so it is matched in full.
        pattern = re.compile(f"(?:{constraints['pattern']})") if "pattern" in constraints \
            else None
    except (re.error, TypeError):
        return None
    is_uri = _is_uri if (kind, form) == ("string", "uri") else None
    if is_uri is None and enum is None and lengths == (0, None):
        return _plain_reader(missing, required, pattern)

    def read(cell: str) -> tuple[Any, bool]:
        if cell in missing:
            return None, not required
        if is_uri is not None and not is_uri(cell):
            return None, False
        return cell, ((pattern is None or pattern.fullmatch(cell) is not None)
                      and (enum is None or cell in enum) and len(cell) >= lengths[0]
                      and (lengths[1] is None or len(cell) <= lengths[1]))

    return read


def _plain_reader(missing: list[str], required: bool, pattern: re.Pattern[str] | None,
                  ) -> CellReader:
    """The reader of a field with no constraint but `required` and `pattern` (most fields).

    Written apart from the general one: a table's every cell is read, and the
    tests it would skip were a third of a cell's time.
    """
    if pattern is None:
        def read(cell: str) -> tuple[Any, bool]:
            return (None, not required) if cell in missing else (cell, True)
        return read
    match = pattern.fullmatch

    def read_matched(cell: str) -> tuple[Any, bool]:
        if cell in missing:
            return None, not required
        return cell, match(cell) is not None

    return read_matched


@functools.cache
def cell_readers(descriptor: str) -> tuple[tuple[str, CellReader], ...] | None:
    """Each field's cell reader, or None if any field needs frictionless itself."""
    schema = json.loads(descriptor)
    found = [(field["name"], cell_reader(field, schema.get("missingValues", [""])))
             for field in schema["fields"]]
    readers = tuple((name, read) for name, read in found if read is not None)
    return readers if len(readers) == len(found) else None


@by_identity
def readers_of(table_schema: JSON) -> tuple[tuple[str, CellReader], ...] | None:
    """Each field's cell reader (`cell_readers`), or None; kept for each schema object."""
    return cell_readers(json.dumps(table_schema, sort_keys=True))
