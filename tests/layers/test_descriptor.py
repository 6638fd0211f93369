"""The descriptor layer: datapackage.json names a released version and declares every file.

Rules: descriptor-missing, descriptor-invalid, schema-version-unknown, resource-missing,
resource-undeclared, resource-duplicate, resource-hash-mismatch.
"""

from __future__ import annotations

import pytest

from validator.checks import descriptor

SHIPPED = ("1.0.0",)


@pytest.mark.parametrize(("declared", "expected"), [
    ({"textevents_version": "1.0.0"}, []),
    ({}, [("descriptor-invalid", "")]),
    ({"textevents_version": "0.9"}, [("schema-version-unknown", "/textevents_version")]),
    ({"textevents_version": 1}, [("schema-version-unknown", "/textevents_version")]),
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
        assert problem.message == "'events.jsonl' has SHA-256 aaaaaaaaaaaa…, not 000000000000…"
