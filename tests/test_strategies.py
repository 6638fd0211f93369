"""The strategies draw every optional field of the record schema, and nothing it lacks.

A screen that reads a field no generated record has is never tested; so the
optional paths are read from the schema (through its `$ref`s), not listed here.
"""

from __future__ import annotations

import pytest
from record_strategies import VERSIONS
from sample import generated
from schema_paths import ITEMS, property_paths, shapes

from validator import registry


def test_the_schema_walk_finds_optional_fields_at_every_level() -> None:
    """The walk follows `$ref`s into every file: a few paths it must give, as it gives them."""
    paths = property_paths()
    assert paths[("diplomatic_visit", "meetings", ITEMS, "date")] is True
    assert paths[("arms_allegation", "responses", ITEMS, "evidence", ITEMS, "supports")] is True
    assert paths[("arms_allegation", "weapons", ITEMS, "quantity", "unit")] is True
    assert paths[("date", "start")] is False
    assert paths[("diplomatic_visit", "meetings", ITEMS, "participants")] is False
    assert sum(paths.values()) >= 40


def test_records_are_drawn_at_the_first_and_the_newest_version() -> None:
    """The first version is frozen (its records must stay valid); the newest has all."""
    assert (registry.versions()[0], registry.versions()[-1]) == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_generated_records_draw_every_optional_property_of_the_schema(version: str) -> None:
    """Over the sample, the records of each version have every optional path of its schema."""
    paths = property_paths(version)
    drawn: set[tuple[str, ...]] = set()
    for record, _ in generated():
        if record["schema_version"] == version:
            drawn |= shapes(record)
    never = sorted("/".join(path) for path, optional in paths.items()
                   if optional and path not in drawn)
    assert never == [], f"optional fields no generated record has: {never}"
    assert drawn - {()} <= set(paths), "the strategies draw fields the schema does not have"
    assert len(drawn) > 1, f"no generated record at {version}"

