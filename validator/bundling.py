"""One file per released version: the record schema with every schema it refers to inside.

Tools that cannot resolve `https://schema.textevents.org/…` offline (most
JSON Schema tools fetch a `$ref` they do not hold) take one file.  Each
referenced schema is embedded under `$defs`, keyed by its `$id` and keeping
it (JSON Schema 2020-12's compound document), so every `$ref` means what it
means in the released files and findings name the same schema locations.
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urljoin

from validator import registry

JSON = Any
BUNDLES = "bundled"  # the folder of bundles under schema/, beside the versions


def bundle_name(version: str) -> str:
    """The bundle's file name under schema/bundled/."""
    return f"textevents-{version}.schema.json"


def _refs(value: JSON) -> set[str]:
    """The documents (base URIs, relative) that `$ref`s in `value` name outside it."""
    found: set[str] = set()
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.add(ref.partition("#")[0])
        for item in value.values():
            found |= _refs(item)
    elif isinstance(value, list):
        for item in value:
            found |= _refs(item)
    return found


def bundle(version: str) -> JSON:
    """The record schema of `version` with every document it refers to, embedded by `$id`."""
    released = registry.load(version)
    by_name = released.documents
    root = copy.deepcopy(released.record_schema)
    embedded: dict[str, JSON] = {}
    todo = sorted(_refs(root))
    while todo:
        name = todo.pop(0)
        if name in embedded or name == registry.RECORD_SCHEMA:
            continue
        document = copy.deepcopy(by_name[name])
        document.pop("$schema", None)  # one dialect, declared once at the root
        embedded[name] = document
        todo += sorted(_refs(document) - set(embedded))
    root["$defs"] = {**root.get("$defs", {}),
                     **{by_name[name]["$id"]: embedded[name] for name in sorted(embedded)}}
    return root


def bundle_text(version: str) -> str:
    """The bundle as the file holds it."""
    return json.dumps(bundle(version), indent=2, ensure_ascii=False) + "\n"


CATALOG = "catalog.json"  # under schema/, beside the versions


def catalog() -> JSON:
    """The shipped schemas in SchemaStore's catalogue format (schema-catalog.json).

    One entry for the record schema and one for the dataset profile, each with
    the newest version's `$id` as its `url` and every version's under
    `versions`.  No `fileMatch`: records have no file name of their own, and
    `datapackage.json` names every Data Package, not only textevents datasets;
    a file names its schema with `$schema` (1.2.0) or an editor's settings.
    """
    shipped = registry.versions()
    entries = []
    for name, description, document in (
            ("textevents event record", ("One event reported in news text, grounded in "
                                         "spans of the article"), registry.RECORD_SCHEMA),
            ("textevents dataset descriptor", ("The datapackage.json of a textevents dataset "
                                               "(a Frictionless Data Package)"),
             registry.PROFILE_SCHEMA)):
        versions = {version: registry.load(version).uri(document) for version in shipped}
        entries.append({"name": name, "description": description,
                        "url": versions[shipped[-1]], "versions": versions})
    return {"$schema": "https://json.schemastore.org/schema-catalog.json", "version": 1,
            "schemas": entries}


def catalog_text() -> str:
    """The catalogue as schema/catalog.json holds it."""
    return json.dumps(catalog(), indent=2, ensure_ascii=False) + "\n"


_VALUES = frozenset({"enum", "const", "required", "examples", "default"})  # data, not schemas
_NAMED = frozenset({"properties", "patternProperties", "dependentSchemas", "$defs"})


def _inlined(node: JSON, base: str, documents: dict[str, JSON]) -> JSON:
    """`node` with every `$ref` replaced by what it names; no `$defs` left.

    A `$ref` beside other keywords becomes an `allOf` with them, which is what a
    `$ref` with siblings means in 2020-12.
    """
    if isinstance(node, list):
        return [_inlined(item, base, documents) for item in node]
    if not isinstance(node, dict):
        return node
    base = urljoin(base, node["$id"]) if "$id" in node else base
    out: dict[str, JSON] = {}
    for key, value in node.items():
        if key in {"$ref", "$defs", "$id", "$schema", "$comment"}:
            continue
        if key in _NAMED:
            out[key] = {name: _inlined(sub, base, documents) for name, sub in value.items()}
        else:
            out[key] = value if key in _VALUES else _inlined(value, base, documents)
    if "$ref" not in node:
        return out
    target, _, fragment = urljoin(base, node["$ref"]).partition("#")
    named = documents[target]
    for part in filter(None, fragment.split("/")):
        named = named[part.replace("~1", "/").replace("~0", "~")]
    resolved = _inlined(named, target, documents)
    return {"allOf": [resolved], **out} if out else resolved


def record_type_schema(version: str, event_type: str) -> JSON:
    """The record schema of one record type, with no reference: for generators.

    The record schema chooses each type's details with `if`/`then` on
    `event_type`; a property-based generator (hypothesis-jsonschema) expands
    every `if`/`then` into the cases it joins, over the whole record, which took
    minutes for the bundle.  Here `event_type` is that type's constant and its
    `then` is all that is left, and every `$ref` is inlined: the records this
    schema accepts are exactly the records of that type the record schema
    accepts (tests/test_bundle.py holds it to the bundle).  Raises `KeyError` for
    a type the version does not have.
    """
    released = registry.load(version)
    documents = {document["$id"]: document for document in released.documents.values()
                 if "$id" in document}
    root = copy.deepcopy(released.record_schema)
    branches = [branch["then"] for branch in root.pop("allOf", [])
                if branch["if"]["properties"]["event_type"]["const"] == event_type]
    if not branches:
        raise KeyError(event_type)
    root["allOf"] = branches
    root["properties"]["event_type"] = {"const": event_type}
    title = root.get("title", "Event record")
    inlined = _inlined(root, root["$id"], documents)
    return {"$schema": root["$schema"], "title": f"{title}: {event_type}",
            "$comment": f"textevents {version} record schema for {event_type} records only, "
                        "every $ref inlined (textevents schema --type); generated, for "
                        "generators such as hypothesis-jsonschema.",
            **{k: v for k, v in inlined.items() if k != "title"}}
