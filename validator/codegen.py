"""Generate the files derived from a schema version, or check they are current.

`codelists.schema.json` (the enums of the JSON Schema) is generated from the
codelist CSVs, `docs/reference-<version>.md` from the schemas and codelists,
and `docs/changes-<version>.md` from each version and the one before it
(`validator.changes`), so that none can drift from its source.  Run
`python -m validator.codegen` after changing a codelist of an unreleased
version; `--check` fails on drift.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.bundling import BUNDLES, CATALOG, bundle_name, bundle_text, catalog_text
from validator.changes import kind_of
from validator.codelists import load_codelists

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.codelists import Codelist

JSON = Any


def codelist_schema(version: str, codelists: dict[str, Codelist]) -> JSON:
    """The JSON Schema `$defs` of every codelist, and of the codes each record type allows."""
    defs: dict[str, JSON] = {}
    for name, codelist in sorted(codelists.items()):
        if codelist.closed:
            defs[name] = {"title": codelist.title,
                          "description": f"{codelist.description} Closed codelist {name}.csv.",
                          "enum": list(codelist.codes)}
        else:
            defs[name] = {"title": codelist.title,
                          "description": f"{codelist.description} Open codelist {name}.csv: "
                                         "values outside it are warnings, not errors.",
                          "type": "string", "minLength": 1}
    for event_type in codelists["event_type"].codes:
        events = codelists["plover_event"].where("event_type", event_type)
        modes = [row["code"] for row in codelists["plover_mode"].rows
                 if row["plover_event"] in events]
        subsets = {
            "cameo": list(codelists["cameo"].where("event_type", event_type)),
            "plover_event": list(events),
            "plover_mode": modes,
        }
        for name, codes in subsets.items():
            defs[f"{name}_for_{event_type}"] = {
                "description": f"The {codelists[name].title} a {event_type} record may carry.",
                "enum": codes,
            }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://schema.textevents.org/{version}/codelists.schema.json",
        "title": f"textevents {version}: codelists",
        "description": "Generated from codelists/*.csv by python -m validator.codegen; "
                       "do not edit by hand.",
        "$defs": defs,
    }


def _dump(document: JSON) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _fields(schema: JSON, resolver: Any, prefix: str,  # noqa: ANN401 - a referencing.Resolver
            depth: int = 0) -> Iterator[tuple[str, str, bool, str, str]]:
    """Yield (path, type, required, description, codelist) for each property."""
    required = set(schema.get("required", ()))
    for name, raw in schema.get("properties", {}).items():
        sub, sub_resolver, codelist = raw, resolver, ""
        description = raw.get("description", "")
        while "$ref" in sub:
            ref = sub["$ref"]
            if "codelists.schema.json" in ref:
                codelist = ref.rsplit("/", 1)[-1]
            resolved = sub_resolver.lookup(ref)
            extra = {k: v for k, v in sub.items() if k != "$ref"}
            sub, sub_resolver = {**resolved.contents, **extra}, resolved.resolver
            description = description or sub.get("description", "")
        path = f"{prefix}{name}"
        items = sub.get("items")
        if sub.get("type") == "array" and isinstance(items, dict):
            item, item_resolver = items, sub_resolver
            while "$ref" in item:
                ref = item["$ref"]
                if "codelists.schema.json" in ref:
                    codelist = ref.rsplit("/", 1)[-1]
                resolved = item_resolver.lookup(ref)
                item, item_resolver = resolved.contents, resolved.resolver
            yield path, f"array of {kind_of(item) or 'object'}", name in required, \
                description, codelist
            if "properties" in item and depth < 6:
                yield from _fields(item, item_resolver, f"{path}[].", depth + 1)
            continue
        yield path, kind_of(sub), name in required, description, codelist
        if "properties" in sub and depth < 6:
            yield from _fields(sub, sub_resolver, f"{path}.", depth + 1)


def field_rows(version: str, name: str) -> list[tuple[str, str, bool, str, str]]:
    """(path, type, required, description, codelist) of each field of one schema document."""
    loaded = registry.load(version)
    document = loaded.documents[name]
    return list(_fields(document, loaded.registry.resolver(base_uri=document["$id"]), ""))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference(version: str) -> str:
    """The Markdown reference of one version: every field, then every codelist."""
    loaded = registry.load(version)
    lines = [f"# textevents {version} reference", "",
             (f"Generated by `python -m validator.codegen` from `schema/{version}/`; "
              "do not edit by hand."), "",
             ("What each field means is here; how to decide what to code from an article "
              "(who hosts, which date, which stage, which span) is in the "
              "[codebook](codebook.md)."), ""]
    documents = [
        ("Event record", registry.RECORD_SCHEMA),
        ("Diplomatic visit details (`diplomatic_visit`)", "diplomatic-visit.schema.json"),
        ("Arms allegation details (`arms_allegation`)", "arms-allegation.schema.json"),
        ("Dataset descriptor (`datapackage.json`)", registry.PROFILE_SCHEMA),
    ]
    for title, name in documents:
        document = loaded.documents[name]
        resolver = loaded.registry.resolver(base_uri=document["$id"])
        lines += [f"## {title}", "", _escape(document.get("description", "")), "",
                  "| field | type | required | codelist | description |",
                  "|---|---|---|---|---|"]
        for path, kind, required, description, listed in _fields(document, resolver, ""):
            link = f"[{listed}](#codelist-{listed.replace('_', '-')})" if listed else ""
            lines.append(f"| `{path}` | {_escape(kind)} | {'yes' if required else ''} | "
                         f"{link} | {_escape(description)} |")
        lines.append("")
    for table in loaded.tables:
        table_schema = loaded.table_schema(table)
        lines += [f"## Table `{table}`", "", _escape(table_schema["description"]), "",
                  "| column | type | required | description |", "|---|---|---|---|"]
        for column in table_schema["fields"]:
            required = column.get("constraints", {}).get("required", False)
            lines.append(f"| `{column['name']}` | {column['type']} | "
                         f"{'yes' if required else ''} | {_escape(column['description'])} |")
        lines.append("")
    lines += ["## Codelists", ""]
    for name, codelist in sorted(loaded.codelists.items()):
        columns = list(codelist.rows[0])
        kind = ("closed: other values are errors" if codelist.closed
                else "open: other values are warnings")
        lines += [f"### Codelist {name}", "", f"{_escape(codelist.description)} ({kind})",
                  "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(_escape(row[c]) for c in columns) + " |"
                  for row in codelist.rows]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def rules_reference() -> str:
    """The Markdown catalogue of rule codes, as `validate --list-rules` gives it."""
    from validator.findings import RULES

    lines = ["# Rules", "",
             ("Generated by `python -m validator.codegen` from `validator/findings.py`; "
              "do not edit by hand."), "",
             ("`validate --ignore RULE` leaves a rule marked *ignorable* unchecked: "
              "warnings, and the errors of the references, evidence and meaning layers. "
              "The other errors mean that data could not be read or lacks the shape later "
              "checks rely on, so they cannot be ignored."), "",
             ("The [codebook](codebook.md) tags each of its coding rules with the rule "
              "code that checks it, and names those only a reviewer can check."), "",
             "| code | severity | layer | title | description | ignorable |",
             "|---|---|---|---|---|---|"]
    lines += [f"| `{r.code}` | {r.severity.value} | {r.layer.value} | {r.title} | "
              f"{_escape(r.description)} | {'yes' if r.ignorable else 'no'} |"
              for r in RULES.values()]
    return "\n".join(lines) + "\n"


def outputs(repo: Path) -> dict[Path, str]:
    """Every generated file under `repo`, with the text it must hold."""
    files: dict[Path, str] = {}
    for version in registry.versions():
        folder = repo / "schema" / version
        files[folder / registry.CODELIST_SCHEMA] = _dump(
            codelist_schema(version, load_codelists(folder / "codelists")))
        files[repo / "docs" / f"reference-{version}.md"] = reference(version)
        files[repo / "schema" / BUNDLES / bundle_name(version)] = bundle_text(version)
    files[repo / "schema" / CATALOG] = catalog_text()
    files[repo / "docs" / "rules.md"] = rules_reference()
    from validator.export.dictionary import dictionary_markdown

    files[repo / "docs" / "export.md"] = dictionary_markdown() + "\n"
    from validator.changes import changes

    for old, new in itertools.pairwise(registry.versions()):
        files[repo / "docs" / f"changes-{new}.md"] = changes(old, new)
    return files


def main(argv: list[str] | None = None) -> int:
    """Write the generated files, or with --check report those that are stale."""
    parser = argparse.ArgumentParser(prog="python -m validator.codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs(args.repo).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    for path in stale:
        sys.stdout.write(f"{'stale' if args.check else 'wrote'}: {path}\n")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
