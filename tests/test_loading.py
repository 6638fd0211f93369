"""Strict JSON parsing and safe paths, located to the character."""

from __future__ import annotations

import json

import pytest

from validator.loading import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    Problem,
    parse_json,
    unsafe_path_reason,
)


@pytest.mark.parametrize(("text", "code", "column"), [
    ('{"a": "id", "id": 1, "id": 2}', "json-duplicate-key", 22),
    ('{"a": NaN}', "json-number-invalid", 7),
    ('{"a": 1, "b": -Infinity}', "json-number-invalid", 15),
    ('{"a": 123456789012345678901}', "json-number-invalid", 7),
    ('{"a": 1e400}', "json-number-invalid", 7),
    ('{"a": "\\ud800"}', "json-lone-surrogate", 8),  # at the escape
    ('{"\\udbff": 1}', "json-lone-surrogate", 3),  # in a key
    ('[1, "\\udfff"]', "json-lone-surrogate", 6),  # in an array
    ('["\\ud83d\\ude80", "\\udc00"]', "json-lone-surrogate", 19),  # past a pair
    ('["\\\\ud800", "\\ud800"]', "json-lone-surrogate", 14),  # past an escaped backslash
    ('{"\u00e9": 1, "\u00e9": 2}', "json-duplicate-key", 10),  # a key beyond ASCII
    ('{"a": 1, "\\u0061": 2}', "json-duplicate-key", 10),  # a key spelt as an escape
    ('[{"a": 1}, {"a": 1, "a": 2}]', "json-duplicate-key", 21),  # not the sibling's key
    ('{"a": 1, "a": 2, "c": "\\u003a", "b": "\\n"}', "json-duplicate-key", 10),
    ('{"a": 1', "json-syntax", 8),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "json-too-deep", MAX_DEPTH + 1),
    # Closed brackets no longer count: the limit is passed only in the second list.
    ("[[[]," + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "]]", "json-too-deep",
     MAX_DEPTH + 4),
])
def test_refused_json_is_located(text: str, code: str, column: int) -> None:
    """A repeated key is found at its second use as a key, not at an equal string value."""
    problem = parse_json(text)
    assert isinstance(problem, Problem)
    assert (problem.code, problem.line, problem.column) == (code, 1, column)


def test_accepted_json_keeps_values() -> None:
    assert parse_json('{"a": [1, 2.5, "\\ud83d\\ude80", "\u2028"]}') == {
        "a": [1, 2.5, "\U0001f680", "\u2028"]}


@pytest.mark.parametrize("text", [
    "[" * MAX_DEPTH + "]" * MAX_DEPTH,  # at the limit
    "[" + ",".join(["[]"] * (MAX_DEPTH * 2)) + "]",  # many brackets, two levels
    '["' + "[{" * MAX_DEPTH + '"]',  # brackets inside a string
])
def test_nesting_up_to_the_limit_is_accepted(text: str) -> None:
    assert parse_json(text) == json.loads(text)


def test_a_decoder_that_fails_in_another_way_gives_a_syntax_problem(monkeypatch) -> None:
    """The barrier for any other ValueError or a RecursionError: a finding, not a crash."""
    from validator import loading

    class Failing:
        def decode(self, text: str) -> None:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(loading, "_DECODER", Failing())
    problem = parse_json("[1]")
    assert problem == Problem("json-syntax", "maximum recursion depth exceeded", 1, 1)


def test_a_repeated_key_is_found_in_its_own_object_on_its_own_line() -> None:
    problem = parse_json('{"x": {"a": 1},\n "a": 2,\n "a": 3}')
    assert isinstance(problem, Problem)
    assert (problem.code, problem.line, problem.column) == ("json-duplicate-key", 3, 2)


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": 1e400}', "number '1e400' overflows a double"),
    ("-" + "9" * (MAX_INT_DIGITS + 1),
     f"integer with {MAX_INT_DIGITS + 1} digits exceeds the limit of {MAX_INT_DIGITS}"),
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('{"\u00e9": 1, "\u00e9": 2}', "key '\u00e9' appears twice"),
])
def test_refused_numbers_and_keys_say_why(text: str, message: str) -> None:
    problem = parse_json(text)
    assert isinstance(problem, Problem)
    assert problem.message == message


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "https://example.com/x", "a\\b",
                                  "a/./b", "a//b", "a\x00b", "", "a/ b", "C:/x"])
def test_unsafe_paths_are_refused(path: str) -> None:
    assert unsafe_path_reason(path) is not None


@pytest.mark.parametrize("path", ["events.jsonl", "articles/voa-1.txt", "a/b_c/d-e.txt"])
def test_safe_paths_are_accepted(path: str) -> None:
    assert unsafe_path_reason(path) is None
