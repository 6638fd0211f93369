"""Strict JSON parsing and safe paths, located to the character."""

from __future__ import annotations

import pytest

from validator.loading import MAX_DEPTH, Problem, parse_json, unsafe_path_reason


@pytest.mark.parametrize(("text", "code", "column"), [
    ('{"a": "id", "id": 1, "id": 2}', "json-duplicate-key", 22),
    ('{"a": NaN}', "json-number-invalid", 7),
    ('{"a": 1, "b": -Infinity}', "json-number-invalid", 15),
    ('{"a": 123456789012345678901}', "json-number-invalid", 7),
    ('{"a": 1e400}', "json-number-invalid", 7),
    ('{"a": "\\ud800"}', "json-lone-surrogate", 8),  # at the escape
    ('{"a": 1', "json-syntax", 8),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "json-too-deep", MAX_DEPTH + 1),
])
def test_refused_json_is_located(text: str, code: str, column: int) -> None:
    """A repeated key is found at its second use as a key, not at an equal string value."""
    problem = parse_json(text)
    assert isinstance(problem, Problem)
    assert (problem.code, problem.line, problem.column) == (code, 1, column)


def test_accepted_json_keeps_values() -> None:
    assert parse_json('{"a": [1, 2.5, "\\ud83d\\ude80", "\u2028"]}') == {
        "a": [1, 2.5, "\U0001f680", "\u2028"]}
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "https://example.com/x", "a\\b",
                                  "a/./b", "a//b", "a\x00b", "", "a/ b", "C:/x"])
def test_unsafe_paths_are_refused(path: str) -> None:
    assert unsafe_path_reason(path) is not None


@pytest.mark.parametrize("path", ["events.jsonl", "articles/voa-1.txt", "a/b_c/d-e.txt"])
def test_safe_paths_are_accepted(path: str) -> None:
    assert unsafe_path_reason(path) is None
