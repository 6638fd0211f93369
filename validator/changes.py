"""The changes between two schema versions, worked out from their schemas and codelists.

`python -m validator.codegen` writes `docs/changes-<version>.md` for every
version after the first, so the list cannot drift from the schemas; a test
fails when it is stale.  `breaking(old, new)` lists what would stop a valid
record of `old` from being valid in `new` that these tables can see (a field
or code removed, a field newly required, a type changed): a minor version
must have none (CONTRIBUTING.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from validator import registry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.codelists import Codelist

JSON = Any

SHARED = "common.schema.json"
DOCUMENTS = (
    ("Shared definitions", SHARED),
    ("Event record", registry.RECORD_SCHEMA),
    ("Diplomatic visit details", "diplomatic-visit.schema.json"),
    ("Arms allegation details", "arms-allegation.schema.json"),
    ("Dataset descriptor", registry.PROFILE_SCHEMA),
)


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a schema document as the reference lists it."""

    path: str
    kind: str
    required: bool
    description: str
    codelist: str
    shared: bool = False  # defined elsewhere: its description and fields change there


def kind_of(schema: JSON) -> str:
    """How the reference names a field's kind: a const, a code, or its JSON type(s)."""
    if "const" in schema:
        return f"const `{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return "code"
    kind = schema.get("type", "")
    return " or ".join(kind) if isinstance(kind, list) else str(kind)


def _resolve(schema: JSON, resolver: Any) -> tuple[JSON, Any, str, str]:  # noqa: ANN401
    """The schema behind `schema`'s $refs: (merged schema, resolver, codelist, shared def).

    Only references inside the same document are followed into their fields;
    a reference to another document's definition names it (`shared`) and stops
    there, so that each definition's changes are listed once, where it is defined.
    """
    codelist = shared = ""
    while "$ref" in schema:
        ref = schema["$ref"]
        resolved = resolver.lookup(ref)
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        if "codelists.schema.json" in ref:
            codelist = ref.rsplit("/", 1)[-1]
        elif not ref.startswith("#"):
            shared = ref.rsplit("/", 1)[-1] if "#" in ref else ref
        schema = {**resolved.contents, **extra}
        resolver = resolved.resolver
        if shared:
            break
    return schema, resolver, codelist, shared


def _walk(schema: JSON, resolver: Any, prefix: str,  # noqa: ANN401 - a referencing.Resolver
          depth: int = 0) -> Iterator[Field]:
    required = set(schema.get("required", ()))
    for name, raw in schema.get("properties", {}).items():
        if not isinstance(raw, dict):
            continue
        sub, sub_resolver, codelist, shared = _resolve(raw, resolver)
        description = raw.get("description") or sub.get("description", "")
        path = f"{prefix}{name}"
        kind = kind_of(sub)
        items = sub.get("items")
        if not shared and sub.get("type") == "array" and isinstance(items, dict):
            item, item_resolver, item_list, item_shared = _resolve(items, sub_resolver)
            codelist = codelist or item_list
            kind = f"array of {f'`{item_shared}`' if item_shared else kind_of(item) or 'object'}"
            yield Field(path, kind, name in required, description, codelist)
            if not item_shared and "properties" in item and depth < 8:
                yield from _walk(item, item_resolver, f"{path}[].", depth + 1)
            continue
        if shared:
            kind = f"`{shared}`"
        yield Field(path, kind, name in required, description, codelist, bool(shared))
        if not shared and "properties" in sub and depth < 8:
            yield from _walk(sub, sub_resolver, f"{path}.", depth + 1)


def fields(version: str, document: str) -> dict[str, Field]:
    """The fields of one schema document of `version`, by dotted path.

    For the shared definitions, each object definition's fields, under its name.
    """
    loaded = registry.load(version)
    schema = loaded.documents[document]
    resolver = loaded.registry.resolver(base_uri=schema["$id"])
    if document != SHARED:
        return {f.path: f for f in _walk(schema, resolver, "")}
    found: dict[str, Field] = {}
    for name, definition in schema["$defs"].items():
        found[name] = Field(name, kind_of(definition) or "definition", required=False,
                            description=definition.get("description", ""), codelist="")
        found.update((f.path, f) for f in _walk(definition, resolver, f"{name}."))
    return found


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: str) -> str:
    return f"`{value}`"


def _differs(was: Field, now: Field) -> bool:
    """Whether a field changed here (a shared definition's description changes where it is)."""
    return (was.kind, was.required, was.codelist) != (now.kind, now.required, now.codelist) \
        or (was.description != now.description and not now.shared)


def _field_changes(old: str, new: str) -> list[str]:
    lines: list[str] = []
    for title, name in DOCUMENTS:
        before, after = fields(old, name), fields(new, name)
        added = [f for path, f in after.items() if path not in before]
        removed = [f for path, f in before.items() if path not in after]
        changed = [(before[path], f) for path, f in after.items()
                   if path in before and _differs(before[path], f)]
        if not (added or removed or changed):
            continue
        lines += [f"### {title} (`{name}`)", ""]
        if added:
            lines += ["Added fields:", "", "| field | type | required | codelist | description |",
                      "|---|---|---|---|---|"]
            lines += [f"| `{f.path}` | {_escape(f.kind)} | {'yes' if f.required else ''} | "
                      f"{f.codelist} | {_escape(f.description)} |" for f in added]
            lines.append("")
        if removed:
            lines += ["Removed fields: " + ", ".join(_code(f.path) for f in removed) + ".", ""]
        if changed:
            lines += ["Changed fields:", "", "| field | what changed |", "|---|---|"]
            for was, now in changed:
                what = []
                if was.kind != now.kind:
                    what.append(f"type {_escape(was.kind)} -> {_escape(now.kind)}")
                if was.required != now.required:
                    what.append("now required" if now.required else "no longer required")
                if was.codelist != now.codelist:
                    what.append(f"codelist {was.codelist or 'none'} -> {now.codelist or 'none'}")
                if was.description != now.description and not now.shared:
                    what.append(f"description: {_escape(now.description)}")
                lines.append(f"| `{now.path}` | {'; '.join(what)} |")
            lines.append("")
    return lines


def _codelist_changes(old: dict[str, Codelist], new: dict[str, Codelist]) -> list[str]:
    lines: list[str] = []
    added_lists = sorted(set(new) - set(old))
    if added_lists:
        lines += ["New codelists:", ""]
        lines += [f"- `{name}` ({new[name].title}; {'closed' if new[name].closed else 'open'}): "
                  f"{', '.join(_code(c) for c in new[name].codes)}" for name in added_lists]
        lines.append("")
    removed_lists = sorted(set(old) - set(new))
    if removed_lists:
        lines += ["Removed codelists: " + ", ".join(_code(n) for n in removed_lists) + ".", ""]
    rows = []
    for name in sorted(set(old) & set(new)):
        was, now = old[name], new[name]
        for code in now.codes:
            row = now.lookup(code) or {}
            if code not in was.code_set:
                rows.append(f"| `{name}` | added | `{code}` | "
                            f"{_escape(row.get('description', ''))} |")
            elif was.lookup(code) != row:
                rows.append(f"| `{name}` | changed | `{code}` | "
                            f"{_escape(row.get('description', ''))} |")
        rows += [f"| `{name}` | removed | `{code}` | |" for code in was.codes
                 if code not in now.code_set]
        if was.closed != now.closed:
            rows.append(f"| `{name}` | now {'closed' if now.closed else 'open'} | | |")
    if rows:
        lines += ["Codes of existing codelists:", "", "| codelist | change | code | description |",
                  "|---|---|---|---|", *rows, ""]
    return lines


def _table_changes(old: str, new: str) -> list[str]:
    lines: list[str] = []
    before_tables, after_tables = registry.load(old).tables, registry.load(new).tables
    for table in (t for t in after_tables if t not in before_tables):
        fields_ = registry.load(new).table_schema(table)["fields"]
        columns = ", ".join(f"`{f['name']}`" for f in fields_)
        lines.append(f"- Table `{table}` added (optional: a dataset without it stays valid), "
                     f"columns {columns}.")
    lines += [f"- Table `{table}` removed." for table in before_tables
              if table not in after_tables]
    for table in (t for t in before_tables if t in after_tables):
        before = {f["name"]: f for f in registry.load(old).table_schema(table)["fields"]}
        after = {f["name"]: f for f in registry.load(new).table_schema(table)["fields"]}
        notes = [f"column `{name}` added" for name in after if name not in before]
        notes += [f"column `{name}` removed" for name in before if name not in after]
        for name in after.keys() & before.keys():
            was = before[name].get("constraints", {}).get("enum")
            now = after[name].get("constraints", {}).get("enum")
            if was != now and was is not None and now is not None:
                added = [v for v in now if v not in was]
                gone = [v for v in was if v not in now]
                notes += [f"column `{name}` takes {', '.join(_code(v) for v in added)}"] \
                    if added else []
                notes += [f"column `{name}` no longer takes {', '.join(_code(v) for v in gone)}"] \
                    if gone else []
        if notes:
            lines.append(f"- Table `{table}`: {'; '.join(sorted(notes))}.")
    return [*lines, ""] if lines else []


def breaking(old: str, new: str) -> list[str]:
    """What `new` removes or tightens against `old`, as far as fields and codelists show."""
    found = []
    for _, name in DOCUMENTS:
        before, after = fields(old, name), fields(new, name)
        for path, was in before.items():
            now = after.get(path)
            if now is None:
                found.append(f"{name}: field {path} removed")
            elif now.required and not was.required:
                found.append(f"{name}: field {path} now required")
            elif now.kind != was.kind and not was.kind.startswith("const"):
                found.append(f"{name}: field {path} type {was.kind} -> {now.kind}")
    lists_old, lists_new = registry.load(old).codelists, registry.load(new).codelists
    for name, was_list in lists_old.items():
        now_list = lists_new.get(name)
        if now_list is None:
            found.append(f"codelist {name} removed")
            continue
        found += [f"codelist {name}: code {code} removed" for code in was_list.codes
                  if code not in now_list.code_set]
        if now_list.closed and not was_list.closed:
            found.append(f"codelist {name} now closed")
    after_tables = registry.load(new).tables
    found += [f"table {table} removed" for table in registry.load(old).tables
              if table not in after_tables]
    # A table the new version adds is optional (registry.OPTIONAL_TABLES): not breaking.
    for table in (t for t in registry.load(old).tables if t in after_tables):
        columns = [[f["name"] for f in registry.load(v).table_schema(table)["fields"]]
                   for v in (old, new)]
        if columns[0] != columns[1]:
            found.append(f"table {table}: columns {columns[0]} -> {columns[1]}")
    return found


def changes(old: str, new: str) -> str:
    """The Markdown list of changes from version `old` to version `new`."""
    lines = [f"# Changes from textevents {old} to {new}", "",
             ("Generated by `python -m validator.codegen` from `schema/"
              f"{old}/` and `schema/{new}/`; do not edit by hand. "
              "Why each change was made, with the article sentence behind it: "
              f"[changes-{new}-notes.md](changes-{new}-notes.md)."), ""]
    broken = breaking(old, new)
    if broken:
        lines += [("**Breaking** (a valid record or dataset of the older version may not be "
                  "valid in this one):"), "", *[f"- {item}" for item in broken], ""]
    else:
        lines += [(f"Backward compatible: nothing is removed, no field becomes required and no "
                  f"type changes, so a valid {old} record is a valid {new} record once its "
                  f"`schema_version` says {new} (`python -m validator.upgrade` does that for a "
                  "dataset)."), ""]
    lines += ["## Fields", "", *_field_changes(old, new),
              "## Codelists", "",
              *_codelist_changes(registry.load(old).codelists, registry.load(new).codelists)]
    tables = _table_changes(old, new)
    if tables:
        lines += ["## Tables", "", *tables]
    return "\n".join(lines).rstrip("\n") + "\n"
