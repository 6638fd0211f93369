"""Frictionless' table errors in the validator's own words.

Frictionless names a row three ways ("row at position 13", line 13, /11) and
cuts long constraints; a finding names the row once, by its line and pointer,
so its message says only what is wrong with the cell, and what was meant where
that can be told: the closest allowed value, the alpha-3 code of a country
given another way, the `T` an ISO 8601 date-time needs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from validator.checks.meaning import country_hint
from validator.checks.suggest import did_you_mean
from validator.escaping import escape

if TYPE_CHECKING:
    from collections.abc import Callable

JSON = Any
_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.DOTALL)
_DATE_TIME_WITH_SPACE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_EARLIER_ROW = re.compile(r"row at position (\d+)")


def _field(table_schema: JSON, name: str | None) -> JSON:
    return next((field for field in table_schema.get("fields", ())
                 if isinstance(field, dict) and field.get("name") == name), {})


def own_words(kind: str, name: str | None, cell: object, note: str, message: str,
              table_schema: JSON, line_of: Callable[[int], int]) -> str:
    """The message of one frictionless error, as the validator says it.

    `note` is frictionless' own short reason; `line_of` turns its row numbers
    into lines.  An error of a kind not worded here keeps frictionless'
    message, shortened.
    """
    value = escape(cell if cell is not None else "")
    if kind == "constraint-error" and (match := _CONSTRAINT.fullmatch(note)):
        constraint = match.group(1)
        limits = _field(table_schema, name).get("constraints", {})
        if constraint == "required":
            return f"{name} is required: the cell is empty"
        if constraint == "pattern":
            hint = country_hint(cell) if name == "country" else ""
            if isinstance(cell, str) and _DATE_TIME_WITH_SPACE.match(cell):
                hint += "; ISO 8601 writes 'T' between the date and the time"
            return (f"{name} {value} does not match the pattern "
                    f"{escape(limits.get('pattern', match.group(2)), 200)}{hint}")
        if constraint == "enum":
            options = [o for o in limits.get("enum", ()) if isinstance(o, str)]
            shown = ", ".join(escape(o, 24) for o in options[:8])
            more = f" and {len(options) - 8} more" if len(options) > 8 else ""
            hint = did_you_mean(cell, frozenset(options)) if isinstance(cell, str) else ""
            return f"{name} {value} is not one of {shown}{more}{hint}"
        if constraint in {"minLength", "maxLength"}:
            bound = limits.get(constraint, match.group(2))
            side = "shorter" if constraint == "minLength" else "longer"
            least = "at least" if constraint == "minLength" else "at most"
            return f"{name} {value} is {side} than allowed ({least} {bound} characters)"
    if kind == "type-error":
        field = _field(table_schema, name)
        if (field.get("type"), field.get("format")) == ("datetime", "any"):  # schema 1.2.0
            return (f"{name} {value} is not a date or a date and time "
                    "(as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, say)")
        if (field.get("type"), field.get("format")) == ("string", "uri"):
            return f"{name} {value} is not a URI with a scheme (such as https://…)"
        return (f"{name} {value} is not a {field.get('type', 'value')} "
                f"({field.get('format', 'default')} format)")
    if kind == "unique-error":
        earlier = _EARLIER_ROW.search(note)
        where = f" (line {line_of(int(earlier.group(1)))})" if earlier else ""
        return f"{name} {value} is in an earlier row too{where}; each row needs its own"
    if kind == "foreign-key" and (worded := _foreign_key(name, message)):
        return worded
    return escape(message, 200)[1:-1]


_LOOKUP = re.compile(r'for "([^"]*)": values "(.*)" not found in the lookup table '
                     r'"([^"]*)" as "([^"]*)"', re.DOTALL)


def _foreign_key(name: str | None, message: str) -> str | None:
    """A one-field foreign key's error in words: the value not found, and where it is sought.

    frictionless says 'not found in the lookup table "" as "id"' for a key into
    the same table.  A key of several fields keeps frictionless' words (they
    name every field), as does a message of another form.
    """
    found = _LOOKUP.search(message)
    if found is None or found.group(1) != name or ", " in found.group(1):
        return None
    _, value, resource, target = found.groups()
    if ", " in target:
        return None
    table = f"the {resource} table" if resource else "this table"
    return f"{name} {escape(value)} is not the {target} of any row of {table}"
