"""The export's data dictionary, from the column catalogue and the schema's descriptions.

A column that copies a record field takes that field's description from the
newest released schema (following `$ref`s, and the branches of `allOf` and
`if`/`then` that declare properties); others carry their own.  The same
text goes into the CSV export's datapackage.json (Frictionless field
descriptions) and into `docs/export.md` (codegen).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks.descriptor import EXPORT_NAME
from validator.export.tables import TABLES

if TYPE_CHECKING:
    from validator.export.tables import Column

JSON = Any
_FRICTIONLESS_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean",
                      "date": "date"}
TABLE_TITLES = {
    "events": "One row a record: its date, place, classification and the type's main fields.",
    "participants": "One row an actor named in a record, with the part it takes.",
    "responses": "One row a response to an arms allegation (a denial, a confirmation, …): "
                 "who responded, and how.",
    "meetings": "One row a meeting of a visit: where, and what the text says of it.",
    "weapons": "One row a quantity of a weapon of an arms allegation (one for a weapon "
               "without a quantity).",
    "dates": "One row a date of a record: its own, transfer and use dates, meetings' and "
             "responses' dates.",
    "evidence": "One row an evidence span, wherever the record cites it.",
    "links": "One row a typed link from a record to another.",
    "actors": "One row an actors-table row of each dataset, with a corpus-wide key.",
    "aliases": "One row an alias of an actor (the aliases table of a dataset at schema "
               "1.3.0 or later), with the actor's corpus-wide key.",
    "sources": "One row an article of each dataset.",
    "findings": "One row a finding of the run that checked the export (its warnings; with "
                "--with-findings, its errors too), with the record it is about.",
}


def _properties(node: JSON) -> dict[str, JSON]:
    """Properties a schema object declares, itself and in its allOf and if/then branches."""
    found: dict[str, JSON] = {}
    if not isinstance(node, dict):
        return found
    for branch in (*node.get("allOf", ()), node.get("then"), node.get("else")):
        found.update(_properties(branch))
    found.update(node.get("properties", {}))
    return found


@functools.cache
def field_description(pointer: str) -> str:
    """The newest schema's description of a record field (a JSON Pointer; 0 for any item)."""
    return _field(pointer)[1]


@functools.cache
def field_schema(pointer: str) -> JSON:
    """The newest schema's subschema of a record field, its `$ref`s followed (see above)."""
    return _field(pointer)[0]


def _field(pointer: str) -> tuple[JSON, str]:
    loaded = registry.load(registry.versions()[-1])
    resolver = loaded.registry.resolver(base_uri=loaded.uri(registry.RECORD_SCHEMA))
    node: JSON = loaded.record_schema
    described = ""
    for token in pointer.split("/")[1:]:
        node, resolver, _ = _follow(node, resolver)
        node = node.get("items", {}) if token.isdigit() else _properties(node).get(token, {})
        described = node.get("description", "") if isinstance(node, dict) else ""
    node, _, first = _follow(node, resolver)
    return node, described or first


def _follow(node: JSON, resolver: Any) -> tuple[JSON, Any, str]:  # noqa: ANN401 - referencing
    """The schema a `$ref` leads to, its resolver, and the first description on the way."""
    described = node.get("description", "") if isinstance(node, dict) else ""
    while isinstance(node, dict) and "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        node, resolver = resolved.contents, resolved.resolver
        described = described or (node.get("description", "") if isinstance(node, dict)
                                  else "")
    return node, resolver, described


def describe(column: Column) -> str:
    """What a column holds, for the dictionary."""
    from_schema = field_description(column.field) if column.field else ""
    return " ".join(part for part in (from_schema, column.description) if part)


def package_descriptor() -> JSON:
    """A Frictionless Data Package descriptor of a CSV export: each table's Table Schema."""
    return {
        "name": EXPORT_NAME,
        "title": "textevents datasets as tidy tables",
        "resources": [{
            "name": name, "path": f"{name}.csv", "type": "table", "format": "csv",
            "encoding": "utf-8", "description": TABLE_TITLES[name],
            "schema": {"fields": [{"name": column.name,
                                   "type": _FRICTIONLESS_TYPES[column.type],
                                   "description": describe(column)} for column in columns]},
        } for name, columns in TABLES.items()],
    }


def dictionary_markdown() -> str:
    """docs/export.md: every table and column of the export."""
    lines = ["# The analyst's export: data dictionary", "",
             ("Generated by `python -m validator.codegen` from `validator/export/tables.py` "
              "and the newest schema's descriptions; do not edit."), "",
             ("`textevents export DATASETS --to DIR [--format csv|parquet]` validates the "
             "datasets and writes these tables, one file each (the CSV export also gets a "
             "`datapackage.json` with these descriptions). Columns are the same for every "
             "dataset and schema version; an empty cell means the record has no such value. "
             "Actors carry a corpus-wide key: `wikidata:<id>` where the actors table gives "
             "one, else `<dataset>/<actor id>`."), ""]
    for name, columns in TABLES.items():
        lines += [f"## {name}", "", TABLE_TITLES[name], "",
                  "| column | type | from | description |", "|---|---|---|---|"]
        for column in columns:
            text = " ".join(describe(column).split()).replace("|", "\\|")
            lines.append(f"| `{column.name}` | {column.type} | "
                         f"{f'`{column.field}`' if column.field else ''} | {text} |")
        lines.append("")
    return "\n".join(lines)
