"""The steps between schema versions: what each does to a record and to a descriptor.

Each step takes a copy and returns it changed; `upgrade_record` chains them
and `validator.upgrade` checks the result.  A minor version's record step only sets
`schema_version`; a step that changes a descriptor says what in its docstring.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

from validator import registry

if TYPE_CHECKING:
    from collections.abc import Callable

JSON = Any


def _record_1_0_0_to_1_1_0(record: JSON) -> JSON:
    """1.1.0 only adds to 1.0.0 (a minor version): a 1.0.0 record says the same in 1.1.0."""
    record["schema_version"] = "1.1.0"
    return record


def _record_1_1_0_to_1_2_0(record: JSON) -> JSON:
    """1.2.0 only adds to 1.1.0 (a minor version): a 1.1.0 record says the same in 1.2.0."""
    record["schema_version"] = "1.2.0"
    return record


def _record_1_2_0_to_1_3_0(record: JSON) -> JSON:
    """1.3.0 only adds to 1.2.0 (a minor version): a 1.2.0 record says the same in 1.3.0."""
    record["schema_version"] = "1.3.0"
    return record


def _table_schemas(descriptor: JSON, version: str) -> JSON:
    """Each table resource (sources, actors, aliases) carries `version`'s Table Schema, inline.

    A resource of a table with no `type` becomes a `table` (what it is);
    one typed otherwise is left without a schema, which 1.2.0 allows.
    """
    released = registry.load(version)
    for resource in descriptor.get("resources") or ():
        if isinstance(resource, dict) and resource.get("name") in released.tables:
            resource.setdefault("type", "table")
            if resource["type"] == "table":
                resource["schema"] = copy.deepcopy(released.table_schema(resource["name"]))
    return descriptor


def _descriptor_1_1_0_to_1_2_0(descriptor: JSON) -> JSON:
    """Each table resource carries its released Table Schema, inline, for frictionless."""
    return _table_schemas(descriptor, "1.2.0")


def _descriptor_1_2_0_to_1_3_0(descriptor: JSON) -> JSON:
    """Each table resource's Table Schema becomes 1.3.0's (only its title and comment differ).

    1.3.0 adds an optional aliases table; a dataset gets one when a contributor
    writes it, so the step adds none.
    """
    return _table_schemas(descriptor, "1.3.0")


# Each step: from a version to the next, and what it does to a record (given a copy).
STEPS: dict[str, tuple[str, Callable[[JSON], JSON]]] = {
    "1.0.0": ("1.1.0", _record_1_0_0_to_1_1_0),
    "1.1.0": ("1.2.0", _record_1_1_0_to_1_2_0),
    "1.2.0": ("1.3.0", _record_1_2_0_to_1_3_0),
}
# What a step does to the descriptor beyond its textevents_version (given a copy), if anything.
DESCRIPTOR_STEPS: dict[str, Callable[[JSON], JSON]] = {
    "1.1.0": _descriptor_1_1_0_to_1_2_0,
    "1.2.0": _descriptor_1_2_0_to_1_3_0,
}


class UpgradeError(Exception):
    """An upgrade that cannot be made; the message says why (the command exits 2)."""


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def path_between(source: str, target: str) -> list[str]:
    """The versions an upgrade from `source` to `target` passes through, `target` last.

    Raises `UpgradeError` for an unknown version, a downgrade, or a pair that
    no chain of steps joins.
    """
    shipped = registry.versions()
    for version in (source, target):
        if version not in shipped:
            raise UpgradeError(f"unknown schema version {version!r}; this validator ships "
                               f"{', '.join(shipped)}")
    if _key(target) < _key(source):
        raise UpgradeError(f"cannot downgrade from {source} to {target}: an older version "
                           "may not say what the newer one does")
    chain: list[str] = []
    current = source
    while current != target:
        if current not in STEPS:
            raise UpgradeError(f"no upgrade from {current} toward {target}")
        current = STEPS[current][0]
        chain.append(current)
    return chain


def upgrade_record(record: JSON, target: str) -> JSON:
    """The record rewritten to `target` from its own `schema_version` (the input is not changed)."""
    if not isinstance(record, dict) or not isinstance(record.get("schema_version"), str):
        raise UpgradeError("a record without a schema_version cannot be upgraded")
    upgraded = copy.deepcopy(record)
    current = record["schema_version"]
    for version in path_between(current, target):
        upgraded = STEPS[current][1](upgraded)
        current = version
    return upgraded


def upgrade_descriptor(descriptor: JSON, source: str, chain: list[str]) -> JSON:
    """A copy of `descriptor` moved from `source` through the versions of `chain`."""
    upgraded = copy.deepcopy(descriptor)
    current = source
    for version in chain:
        if current in DESCRIPTOR_STEPS:
            upgraded = DESCRIPTOR_STEPS[current](upgraded)
        current = version
    upgraded["textevents_version"] = current
    return upgraded


_VERSION_FIELD = {  # the field that names the version, in records and in the descriptor
    "record": re.compile(r'("schema_version"\s*:\s*)"([^"\\]*)"'),
    "descriptor": re.compile(r'("textevents_version"\s*:\s*)"([^"\\]*)"'),
}


def rewrite(text: str, original: JSON, upgraded: JSON, kind: str, target: str) -> str:
    """`text` (one JSON value) edited to parse as `upgraded`, keeping its formatting if it can."""
    pattern = _VERSION_FIELD[kind]
    if len(pattern.findall(text)) == 1:
        edited = pattern.sub(lambda m: f'{m.group(1)}"{target}"', text)
        with contextlib.suppress(ValueError):
            if json.loads(edited) == upgraded and original != upgraded:
                return edited
    if kind == "descriptor":
        return json.dumps(upgraded, indent=2, ensure_ascii=False) + "\n"
    return json.dumps(upgraded, ensure_ascii=False)


def upgrade_descriptor_text(text: str, descriptor: JSON, target: str,
                            events: bytes) -> tuple[str, str]:
    """The descriptor's `text` moved to `target`, and what changed besides its version, for people.

    The events resource's `bytes` and `hash`, where it gives them, become those
    of `events`, the new events file.
    """
    source = descriptor["textevents_version"]
    upgraded_descriptor = upgrade_descriptor(descriptor, source, path_between(source, target))
    tables = [r["name"] for r in upgraded_descriptor["resources"]
              if isinstance(r, dict) and "schema" in r
              and r not in (descriptor.get("resources") or ())]
    described = []
    for resource in upgraded_descriptor["resources"]:
        if isinstance(resource, dict) and resource.get("name") == "events":
            if "bytes" in resource:
                resource["bytes"] = len(events)
                described.append("bytes")
            if "hash" in resource:
                resource["hash"] = f"sha256:{hashlib.sha256(events).hexdigest()}"
                described.append("hash")
    if described:  # several fields change: the descriptor is written out whole
        new_descriptor = json.dumps(upgraded_descriptor, indent=2, ensure_ascii=False) + "\n"
    else:
        new_descriptor = rewrite(text, descriptor, upgraded_descriptor, "descriptor", target)
    extra = f", and the events resource's {' and '.join(described)}" if described else ""
    if tables:
        extra += f"; the {' and '.join(tables)} resources carry their Table Schemas"
    return new_descriptor, extra


def describe_versions() -> str:
    """One line a shipped version, oldest first: the version and where it upgrades to."""
    shipped = registry.versions()
    lines = []
    for version in shipped:
        step = STEPS.get(version)
        where = f"upgrades to {step[0]}" if step else "newest" if version == shipped[-1] \
            else "no upgrade"
        lines.append(f"{version}  {where}\n")
    return "".join(lines)
