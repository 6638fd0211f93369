"""The descriptor layer: datapackage.json names a released version and declares every file.

Rules: descriptor-missing, descriptor-invalid, schema-version-unknown, resource-missing,
resource-undeclared, resource-duplicate, resource-hash-mismatch, table-schema-mismatch.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from samples import BASE

from validator import registry, validate
from validator.checks import descriptor

SHIPPED = ("1.0.0",)


@pytest.mark.parametrize(("declared", "expected"), [
    ({"textevents_version": "1.0.0"}, []),
    ({}, [("descriptor-invalid", "")]),
    ({"textevents_version": "0.9"}, [("schema-version-unknown", "/textevents_version")]),
    ({"textevents_version": 1}, [("schema-version-unknown", "/textevents_version")]),
    ({"textevents_version": None}, [("descriptor-invalid", "/textevents_version")]),  # there
])
def test_the_version_must_be_released(declared: dict, expected: list) -> None:
    assert [(p.code, p.pointer) for p in descriptor.version_problems(declared, SHIPPED)] == expected


def test_a_missing_version_names_the_released_ones() -> None:
    [problem] = descriptor.version_problems({}, ("1.0.0", "1.1.0"))
    assert problem.message == "missing required field 'textevents_version' (one of 1.0.0, 1.1.0)"


def test_only_resources_with_a_string_name_and_path_are_declared() -> None:
    value = {"resources": [{"name": "events", "path": "events.jsonl"}, {"name": 1, "path": "x"},
                           "not a resource", {"name": "a", "path": "articles/a.txt"}]}
    assert list(descriptor.declared(value)) == [
        ("/resources/0", "events", "events.jsonl"), ("/resources/3", "a", "articles/a.txt")]
    assert list(descriptor.declared({"resources": "none"})) == []


def test_unsafe_paths_are_located_at_their_path() -> None:
    value = {"resources": [{"name": "a", "path": "../secret"}, {"name": "b", "path": "ok.txt"}]}
    [problem] = descriptor.unsafe_paths(value)
    assert (problem.code, problem.pointer) == ("path-unsafe", "/resources/0/path")
    assert "'..' segment" in problem.message


def test_undeclared_files_are_those_no_resource_names() -> None:
    """The descriptor and the folders of declared files (a symlinked one is listed) are not."""
    files = ["datapackage.json", "events.jsonl", "articles", "articles/a.txt", "notes.txt",
             "deep/er/b.txt", "deep", "deep/er", "art"]
    paths = {"events.jsonl", "articles/a.txt", "deep/er/b.txt"}
    assert list(descriptor.undeclared(files, paths)) == ["notes.txt", "art"]


def test_undeclared_files_take_linear_time() -> None:
    """24,000 declared files against as many present: one pass, not one comparison a pair."""
    paths = {f"articles/a{n}.txt" for n in range(24_000)}
    files = [*sorted(paths), "extra.txt"]
    assert list(descriptor.undeclared(files, paths)) == ["extra.txt"]


@pytest.mark.parametrize(("expected", "mismatch"), [
    ("sha256:" + "0" * 64, True), ("sha256:" + "a" * 64, False), ("md5:00", False), (None, False),
])
def test_a_declared_hash_must_match(expected: object, mismatch: bool) -> None:
    problem = descriptor.hash_problem("events.jsonl", "a" * 64, expected, "/resources/0/hash")
    assert (problem is not None) == mismatch
    if problem:
        assert (problem.code, problem.pointer) == ("resource-hash-mismatch", "/resources/0/hash")
        assert problem.message == (f"'events.jsonl' has SHA-256 {'a' * 64}, not the declared "
                                   f"'{'0' * 64}'; if the file was edited on purpose, "
                                   "`textevents rehash` updates the hashes")


def _at_1_2_0(tmp_path: Path) -> Path:
    """The valid case, moved to 1.2.0 (its table resources carry their schemas inline)."""
    from validator import upgrade

    folder = tmp_path / "base"
    shutil.copytree(BASE, folder)
    upgrade.write(upgrade.plan(folder, "1.2.0"))
    return folder


def _edit(folder: Path, edit: Callable[[dict], object]) -> None:
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    edit(descriptor)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")


def _findings(folder: Path) -> list[tuple[str, str, str]]:
    return [(f.code, Path(f.file).name, f.pointer) for f in validate([str(folder)]).findings]


def test_a_table_schema_equal_to_the_released_one_passes_inline_or_as_a_path(
        tmp_path: Path) -> None:
    folder = _at_1_2_0(tmp_path)
    assert _findings(folder) == []
    released = registry.load("1.2.0").table_schema("actors")
    (folder / "tables").mkdir()
    (folder / "tables" / "actors.json").write_text(json.dumps(released), "utf-8")
    _edit(folder, lambda d: d["resources"][2].update(schema="tables/actors.json"))
    assert _findings(folder) == []  # the schema file is declared by its resource


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda s: s["fields"].pop(), "its fields are"),
    (lambda s: s["fields"][0].update(title="Who"), "its field 'id' differs"),
    (lambda s: s.pop("primaryKey"), "it has no 'primaryKey'"),
    (lambda s: s.update(extra=1), "it has 'extra', which the released one does not"),
    (lambda s: s.update(missingValues=["", "NA"]), "its 'missingValues' differs"),
])
def test_a_table_schema_that_differs_says_where(tmp_path: Path, edit: Callable[[dict], object],
                                                expected: str) -> None:
    folder = _at_1_2_0(tmp_path)
    _edit(folder, lambda d: edit(d["resources"][2]["schema"]))
    [finding] = validate([str(folder)]).findings
    assert (finding.code, finding.pointer) == ("table-schema-mismatch", "/resources/2/schema")
    assert finding.message.startswith("the 'actors' table's Table Schema is not schema 1.2.0's "
                                      f"tables/actors.json: {expected}")


def test_a_table_schema_path_that_is_missing_unsafe_or_not_json_is_a_finding(
        tmp_path: Path) -> None:
    folder = _at_1_2_0(tmp_path)
    _edit(folder, lambda d: d["resources"][2].update(schema="actors.schema.json"))
    assert _findings(folder) == [("resource-missing", "datapackage.json", "/resources/2/schema")]
    (folder / "actors.schema.json").write_text("{", "utf-8")
    assert [code for code, *_ in _findings(folder)] == ["json-syntax"]
    _edit(folder, lambda d: d["resources"][2].update(schema="../outside.json"))
    assert ("path-unsafe", "datapackage.json", "/resources/2/schema") in _findings(folder)


def test_only_a_table_resource_carries_a_schema(tmp_path: Path) -> None:
    """The profile: a resource with a schema is a table."""
    folder = _at_1_2_0(tmp_path)
    _edit(folder, lambda d: d["resources"][0].update(schema={"fields": []}))
    assert [code for code, *_ in _findings(folder)] == ["descriptor-invalid"]
