"""The steps between schema versions: what each does to a record and to a descriptor.

Each step takes a copy and returns it changed; `validator.upgrade` chains them
and checks the result.  A minor version's record step only sets
`schema_version`; a step that changes a descriptor says what in its docstring.
"""

from __future__ import annotations

import copy
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
