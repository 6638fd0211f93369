"""Date and time cells of the tables (schema 1.2.0 types them `datetime`, format `any`).

frictionless reads such a cell with dateutil's parser, which takes 2021-13-45 for
no date but also reads "Thursday" or "May 2021" as one; the table screen reads
cells as frictionless does, and validate also holds each to ISO 8601 form.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import pointer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from validator.checks.tables import Table

JSON = Any


def datetime_reader(constraints: JSON, missing: JSON) -> Callable[[str], tuple[Any, bool]] | None:
    """How frictionless reads a `datetime` cell of format `any` (schema 1.2.0's dates).

    dateutil's parser, as frictionless calls it: its value, or not clean when
    it cannot read the cell as a date and time (2021-13-45 is not one).
    """
    if not isinstance(constraints, dict) or not set(constraints) <= {"required", "unique"} \
            or not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        return None
    required = constraints.get("required") is True

    def read(cell: str) -> tuple[Any, bool]:
        if cell in missing:
            return None, not required
        if ISO_DATETIME.fullmatch(cell) is not None:
            # The form nearly every cell has: the standard library reads it as dateutil
            # does, in a fiftieth of the time (a property test holds them equal).  What
            # it refuses goes to dateutil, which has the last word.
            try:
                return dt.datetime.fromisoformat(cell), True
            except ValueError:
                pass
        from dateutil import parser  # here: importing it was 7 ms of every run's start

        try:
            return parser.parse(cell), True
        except Exception:  # noqa: BLE001 - frictionless takes any failure as "not a date"
            return None, False

    return read


# The form validate holds a date and time cell to, beyond frictionless' reading of it
# (format `any` reads "Thursday" or "May 2021" as a date): schema 1.1.0's pattern, with
# an offset of at most 23:59 (RFC 3339's), since dateutil reads -30:00 as one.
_DATE, _TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}", r"T[0-9]{2}:[0-9]{2}(:[0-9]{2})?"
ISO_DATETIME = re.compile(rf"{_DATE}({_TIME}(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?")
_OFFSETS = "hours 00 to 23, minutes 00 to 59"
# Schema 1.1.0's pattern's offset, any two digits each: a cell of that form out of range.
_ANY_OFFSET = re.compile(rf"{_DATE}{_TIME}[+-][0-9]{{2}}:[0-9]{{2}}")


def iso_problems(table: Table, table_schema: JSON) -> Iterator[Problem]:
    """Date and time cells that frictionless reads as dates but are not in ISO 8601 form.

    Only cells frictionless accepts: one it refuses is its finding already.
    """
    for field in table_schema["fields"]:
        if (field.get("type"), field.get("format")) != ("datetime", "any") \
                or field["name"] not in table.header:
            continue
        name = field["name"]
        read = datetime_reader(field.get("constraints", {}),
                               field.get("missingValues", table_schema.get("missingValues", [""])))
        column = table.header.index(name) + 1
        for index, (line, row) in enumerate(table.rows):
            cell = row.get(name, "")
            if read is not None and read(cell)[0] is not None \
                    and ISO_DATETIME.fullmatch(cell) is None:
                why = f"; {escape(cell[-6:])} is no offset ({_OFFSETS})" \
                    if _ANY_OFFSET.fullmatch(cell) else ""
                yield Problem("table-value", f"{name} {escape(cell)} is not an ISO 8601 date or "
                              "date and time (YYYY-MM-DD, then optionally THH:MM, :SS and Z or "
                              f"an offset){why}", line, column, pointer(index, name))
