"""The descriptor layer: datapackage.json names a released version and declares every file.

Pure functions over the parsed descriptor and the list of the dataset's
files; the run reads the files and locates what these yield.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.escaping import escape
from validator.findings import Problem
from validator.reading.paths import unsafe_path_reason

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Iterator

JSON = Any


EXPORT_NAME = "textevents-export"  # the name the CSV export gives its descriptor


def version_problems(descriptor: JSON, shipped: tuple[str, ...]) -> Iterator[Problem]:
    """The descriptor must declare one of the released schema versions."""
    declared = descriptor.get("textevents_version")
    if declared in shipped:
        return
    if "textevents_version" not in descriptor:
        # The CSV export's own descriptor (validator.export.dictionary), met by a run over
        # the folder that holds the tables: say what it is.
        export = ("; this is the descriptor of a textevents export (its tables), not a "
                  "dataset: keep exports out of the folders you validate") \
            if descriptor.get("name") == EXPORT_NAME else ""
        yield Problem("descriptor-invalid", "missing required field 'textevents_version' "
                      f"(one of {', '.join(shipped)}){export}")
    elif declared is None:  # there, but no version: located where it stands
        yield Problem("descriptor-invalid", "textevents_version is null, not a version "
                      f"(one of {', '.join(shipped)})", pointer="/textevents_version")
    else:
        yield Problem("schema-version-unknown", f"textevents_version {escape(declared)} is not "
                      f"one of {', '.join(shipped)}", pointer="/textevents_version")


def declared(descriptor: JSON) -> Iterator[tuple[str, str, str]]:
    """(pointer, name, path) of each resource with a string name and path."""
    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else ()):
        if isinstance(resource, dict) and isinstance(resource.get("name"), str) \
                and isinstance(resource.get("path"), str):
            # An index and fixed keys need no escape: a join was some 1 µs a pointer.
            yield f"/resources/{index}", resource["name"], resource["path"]


def resource_paths(descriptor: JSON, unsafe: Collection[str]) -> dict[str, str]:
    """Resource names to paths, as a dataset's layers keep them (and report the rest).

    The first resource of a name or a path is kept, none whose path's pointer
    is in `unsafe` (those of `unsafe_paths`).
    """
    paths: dict[str, str] = {}
    kept: set[str] = set()  # the paths kept (a dict's values are a list to search)
    for where, name, path in declared(descriptor):
        if f"{where}/path" not in unsafe and name not in paths and path not in kept:
            paths[name] = path
            kept.add(path)
    return paths


def table_schemas(descriptor: JSON, tables: tuple[str, ...]) -> Iterator[tuple[str, str, JSON]]:
    """(pointer, table, Table Schema or its path) of each of `tables` whose resource carries one.

    Schema 1.2.0 lets a table resource carry its Table Schema (`schema`), inline
    or as the path of a JSON file in the dataset, for `frictionless validate`.
    """
    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else ()):
        if isinstance(resource, dict) and resource.get("name") in tables \
                and "schema" in resource:
            yield f"/resources/{index}/schema", resource["name"], resource["schema"]


def schema_paths(descriptor: JSON, tables: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(pointer, path) of each Table Schema that a table resource gives as a path."""
    for where, _, given in table_schemas(descriptor, tables):
        if isinstance(given, str):
            yield where, given


def unsafe_paths(descriptor: JSON, tables: tuple[str, ...] = ()) -> Iterator[Problem]:
    """Each resource path, and Table Schema path, that the path policy refuses."""
    for where, _, path in declared(descriptor):
        reason = unsafe_path_reason(path)
        if reason:
            yield Problem("path-unsafe", f"path {escape(path)} {reason}",
                          pointer=f"{where}/path")
    for where, path in schema_paths(descriptor, tables):
        reason = unsafe_path_reason(path)
        if reason:
            yield Problem("path-unsafe", f"Table Schema path {escape(path)} {reason}",
                          pointer=where)


def _difference(given: JSON, released: JSON) -> str:
    """Where a Table Schema first differs from the released one, in a few words."""
    if not isinstance(given, dict):
        return "it is not a JSON object"
    for key in sorted(set(given) | set(released)):
        if key not in given:
            return f"it has no {escape(key)}"
        if key not in released:
            return f"it has {escape(key)}, which the released one does not"
        if key == "fields" and isinstance(given[key], list) and given[key] != released[key]:
            names = [f.get("name") if isinstance(f, dict) else f for f in given[key]]
            ours = [f["name"] for f in released[key]]
            if names != ours:
                return f"its fields are {escape(names, 80)}, not {escape(ours, 80)}"
            index = next(i for i, (a, b) in enumerate(zip(given[key], released[key],
                                                          strict=True)) if a != b)
            return f"its field {escape(ours[index])} differs"
        if given[key] != released[key]:
            return f"its {escape(key)} differs"
    return "it differs"  # pragma: no cover - equal keys and values are equal


def table_schema_problem(table: str, given: JSON, released: JSON, version: str,
                         where: str) -> Problem | None:
    """A table resource's Table Schema that is not the one its version ships, or None."""
    if given == released:
        return None
    return Problem("table-schema-mismatch", f"the {escape(table)} table's Table Schema is not "
                   f"schema {version}'s tables/{table}.json: {_difference(given, released)} "
                   f"(validate checks the table against the released one; frictionless "
                   f"validate would use this one)", pointer=where)


def duplicate_resource(name: str, path: str, where: str) -> Problem:
    """A resource whose name or path an earlier resource already has."""
    return Problem("resource-duplicate", f"resource {escape(name)} or its path "
                   f"{escape(path)} is declared twice", pointer=where)


def undeclared(files: Iterable[str], paths: set[str]) -> Iterator[str]:
    """The files of a dataset (relative paths) that no resource declares.

    The descriptor itself is declared by being there, and a folder that holds a
    declared file is not a file of its own (a symlinked folder is listed as
    one).  Folders of declared paths are gathered once, so the cost is linear
    in files and paths.
    """
    folders = {path.rsplit("/", depth)[0] for path in paths
               for depth in range(1, path.count("/") + 1)}
    for relative in files:
        if relative != "datapackage.json" and relative not in paths and relative not in folders:
            yield relative


_HEX_DIGITS = 64  # of a SHA-256


def hash_problem(path: str, digest: str, expected: object, where: str) -> Problem | None:
    """A declared `sha256:` hash that the file's digest does not match, or None."""
    if isinstance(expected, str) and expected.startswith("sha256:") \
            and expected[7:] != digest:
        return Problem("resource-hash-mismatch", hash_message(path, digest, expected[7:]),
                       pointer=where)
    return None


def hash_message(path: str, digest: str, expected: str) -> str:
    """What a hash mismatch says: both hashes whole, and how to update them.

    Whole: two hashes that differ late looked the same cut to their first digits.
    A declared value longer than a SHA-256 is cut (it is the dataset's text).
    """
    return (f"{escape(path)} has SHA-256 {digest}, not the declared "
            f"{escape(expected, _HEX_DIGITS + 1)}; if the file was edited on purpose, "
            "`textevents rehash` updates the hashes")
