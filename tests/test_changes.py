"""The generated change list between schema versions, and the minor-version policy."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from validator import changes, codegen, registry

REPO = Path(__file__).parent.parent


def test_the_change_list_is_current() -> None:
    """docs/changes-<version>.md is what the schemas generate (a stale file fails)."""
    for old, new in itertools.pairwise(registry.versions()):
        path = REPO / "docs" / f"changes-{new}.md"
        assert path.read_text("utf-8") == changes.changes(old, new), \
            "run python -m validator.codegen"


def test_1_1_0_breaks_nothing_of_1_0_0() -> None:
    """A minor version: no field or code removed, none newly required, no type changed."""
    assert changes.breaking("1.0.0", "1.1.0") == []
    assert "Backward compatible" in changes.changes("1.0.0", "1.1.0")


def test_every_new_code_and_field_is_listed() -> None:
    text = changes.changes("1.0.0", "1.1.0")
    old, new = registry.load("1.0.0").codelists, registry.load("1.1.0").codelists
    for name, codelist in new.items():
        for code in codelist.codes:
            if name not in old or code not in old[name].code_set:
                assert f"`{code}`" in text, (name, code)
    for _, document in changes.DOCUMENTS:
        before, after = changes.fields("1.0.0", document), changes.fields("1.1.0", document)
        for path in after.keys() - before.keys():
            assert f"`{path}`" in text, (document, path)


@pytest.fixture
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           clear_validator_caches: Callable[[], None]) -> Iterator[Path]:
    """A schema root holding both versions as shipped, for a test to break 1.1.0."""
    root = tmp_path / "schema"
    for version in registry.versions():
        shutil.copytree(REPO / "schema" / version, root / version)
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    monkeypatch.setattr(registry, "schema_root", lambda: root)
    clear_validator_caches()
    yield root / "1.1.0"
    clear_validator_caches()


def test_a_removed_code_is_breaking_and_the_list_goes_stale(
        edited: Path, clear_validator_caches: Callable[[], None]) -> None:
    statuses = edited / "codelists" / "visit_status.csv"
    statuses.write_text(statuses.read_text("utf-8").replace(
        "cancelled,Cancelled,The visit was called off or postponed without a date.\n", ""),
        "utf-8")
    assert codegen.main(["--check", "--repo", str(edited.parent.parent)]) == 1
    clear_validator_caches()
    assert changes.breaking("1.0.0", "1.1.0") == ["codelist visit_status: code cancelled removed"]
    assert "**Breaking**" in changes.changes("1.0.0", "1.1.0")


def test_a_newly_required_field_and_a_new_column_are_breaking(edited: Path) -> None:
    event = json.loads((edited / "event.schema.json").read_text("utf-8"))
    event["required"].append("location")
    (edited / "event.schema.json").write_text(json.dumps(event), "utf-8")
    actors = json.loads((edited / "tables" / "actors.json").read_text("utf-8"))
    actors["fields"].append({"name": "members", "type": "string", "description": "Members."})
    (edited / "tables" / "actors.json").write_text(json.dumps(actors), "utf-8")
    found = changes.breaking("1.0.0", "1.1.0")
    assert "event.schema.json: field location now required" in found
    assert any(item.startswith("table actors: columns") for item in found)
    assert "column `members` added" in changes.changes("1.0.0", "1.1.0")
