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
