"""The property paths of a record schema, read from the schema itself through its `$ref`s.

A path is a tuple of property names, with "[]" for the items of an array:
("diplomatic_visit", "meetings", "[]", "date") is the date of any meeting.
"""

from __future__ import annotations

from typing import Any

from validator import registry

ITEMS = "[]"


def _walk(schema: Any, resolver: Any, path: tuple[str, ...],
          ) -> list[tuple[tuple[str, ...], bool]]:
    """(path, optional) of every property and items under `schema`, whose path is `path`."""
    if not isinstance(schema, dict):
        return []
    found = []
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        found += _walk(resolved.contents, resolved.resolver, path)
    required = set(schema.get("required", ()))
    for name, subschema in schema.get("properties", {}).items():
        found.append(((*path, name), name not in required))
        found += _walk(subschema, resolver, (*path, name))
    if isinstance(schema.get("items"), dict):  # an item is never optional, only its list
        found.append(((*path, ITEMS), False))
        found += _walk(schema["items"], resolver, (*path, ITEMS))
    return found


def property_paths(version: str = "1.0.0") -> dict[tuple[str, ...], bool]:
    """Every path of the version's record schema (properties and items): is it optional?

    The `allOf` of the record schema only narrows properties declared at the top
    (which codes a record type may carry), so the walk leaves it out.  A path
    declared twice (through two `$ref`s) is optional only if both say so.
    """
    schemas = registry.load(version)
    resolver = schemas.registry.resolver(schemas.uri(registry.RECORD_SCHEMA))
    paths: dict[tuple[str, ...], bool] = {}
    for path, optional in _walk(schemas.record_schema, resolver, ()):
        paths[path] = paths.get(path, True) and optional
    return paths


def shapes(value: Any, path: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """The paths present in a JSON value, in the form `property_paths` gives."""
    found = {path}
    if isinstance(value, dict):
        for key, item in value.items():
            found |= shapes(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            found |= shapes(item, (*path, ITEMS))
    return found
