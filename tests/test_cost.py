"""Bounded cost: the linear replacements agree with what they replace, and stay linear.

Each quadratic loop of issue 25 was replaced by a linear one; these hold each
new function to the old one's results (on the inputs where the old one was
right) and run it at a size the old one took seconds to minutes on.  The
whole-run cases are in `tests/cases/hostile/cases_cost.py`; `nox -s
hostile-cost` measures their growth.
"""

from __future__ import annotations

import json
import re
import time
import tracemalloc
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import json_values
from values import paths

from validator.capping import capped, capped_by_code, capped_by_code_tagged
from validator.checks.suggest import MAX_CHOICES, MAX_NAME, closest, did_you_mean
from validator.checks.tables import (
    MAX_EXTRA_CELLS,
    MAX_EXTRA_LABELS,
    MAX_MISSHAPEN_ROWS,
    read_table,
    shape_problems,
)
from validator.checks.texts import first_pair_not_nfc, text_problems
from validator.findings import RULES, Finding, Problem, Severity
from validator.pointers import pointer
from validator.reading.discovery import _not_around
from validator.reading.limits import MAX_DEPTH
from validator.reading.positions import Locator, locate
from validator.reading.strict_json import _deepest, _depth, _repeated_key, parse_json, too_deep

COLUMNS = ("id", "name", "kind")


def _old_depth(text: str) -> tuple[int, int]:
    """The depth scan as it was: a string must close, or its quote is skipped alone."""
    depth = deepest = 0
    at = -1
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > MAX_DEPTH and at < 0:
                    at = match.start()
        elif char in "]}":
            depth -= 1
    return deepest, at


def _old_first_pair(text: str) -> int:
    """The search for the first pair that is not NFC as it was: a character at a time."""
    return next((i for i in range(len(text))
                 if not unicodedata.is_normalized("NFC", text[max(i - 1, 0):i + 1])), 0)


def _deep(value: object, levels: int) -> object:
    for _ in range(levels):
        value = [value]
    return value


@given(value=json_values(max_leaves=30), levels=st.integers(0, 80),
       indent=st.sampled_from([None, 0, 1]), ascii_only=st.booleans())
def test_the_depth_scan_agrees_with_the_old_one_on_json(value, levels, indent,
                                                         ascii_only) -> None:
    text = json.dumps(_deep(value, levels), indent=indent, ensure_ascii=ascii_only)
    assert _depth(text) == _old_depth(text)
    assert _deepest(text) == _depth(text)[0]


def _reference_depth(text: str) -> tuple[int, int]:
    """The depth scan meant, a character at a time: a string runs to its close or the end."""
    depth = deepest = 0
    at, i = -1, 0
    while i < len(text):
        char = text[i]
        if char == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > MAX_DEPTH and at < 0:
                    at = i
        elif char in "]}":
            depth -= 1
        i += 1
    return deepest, at


@given(st.text(alphabet='[]{}"\\ax\n', max_size=200), st.integers(0, 70))
def test_the_depth_scan_on_any_text(text, levels) -> None:
    """On any text, well-formed or not: a string that never closes holds the rest."""
    text = "[" * levels + text
    assert _depth(text) == _reference_depth(text)
    assert _deepest(text) == _reference_depth(text)[0]  # the screen too_deep asks first


def test_an_unclosed_string_is_scanned_once() -> None:
    """200 KB of escaped quotes after 65 brackets: 209 s before, a few ms now."""
    line = "[" * 65 + '"' + '\\"' * 100_000
    began = time.perf_counter()
    problem = too_deep(line)
    assert time.perf_counter() - began < 10  # quadratic: minutes
    assert problem is not None
    assert (problem.code, problem.line, problem.column) == ("json-too-deep", 1, 65)


def test_the_literal_and_key_scans_read_an_unclosed_string_once() -> None:
    tail = '"' + '\\"' * 100_000
    began = time.perf_counter()
    problem = parse_json("[1e99999x, " + tail)  # a literal the token scan cannot match
    assert _repeated_key('{"a": ' + tail, "b") == 0  # a key it does not find
    assert time.perf_counter() - began < 10  # quadratic: minutes
    assert problem == Problem("json-number-invalid", "number '1e99999' overflows a double",
                              1, 1)


@given(value=json_values(max_leaves=20), indent=st.sampled_from([None, 0, 2]),
       key=st.booleans(), data=st.data())
def test_one_locator_agrees_with_locate_for_every_pointer(value, indent, key, data) -> None:
    """Many pointers in one Locator, in any order, repeated: each as `locate` alone."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    every = [pointer(*path) for path in paths(value)]
    extra = [p + "/zz" for p in every] + [p + "/0" for p in every] + ["/nowhere/7"]
    asked = data.draw(st.lists(st.sampled_from(every + extra), max_size=25))
    locator = Locator(text)
    assert [locator.locate(p, key=key) for p in asked] == [locate(text, p, key=key)
                                                           for p in asked]


def test_a_locator_keeps_what_it_found_before_a_break() -> None:
    """A text the walk cannot read past some point: what lies before it is still found."""
    text = '{"a": [1, 2], "b": 3 "c": 4}'
    locator = Locator(text)
    assert locator.locate("/a/1") == locate(text, "/a/1") == (1, 11)
    assert locator.locate("/c") == locate(text, "/c") == (1, 1)
    assert locator.locate("/a/1") == (1, 11)


def test_ten_thousand_pointers_into_one_array_are_located_in_one_walk() -> None:
    """A span each: walking the array from its start for each was quadratic."""
    text = json.dumps({"evidence": [{"start": i, "text": "x" * 20} for i in range(20_000)]},
                      indent=1)
    locator = Locator(text)
    began = time.perf_counter()
    places = [locator.locate(f"/evidence/{i}/start") for i in range(20_000)]
    assert time.perf_counter() - began < 10  # quadratic: minutes
    assert places[0] == locate(text, "/evidence/0/start")
    assert places[-1] == locate(text, "/evidence/19999/start")


def _problems(*codes: str) -> list[Problem]:
    return [Problem(code, f"{code} {i}", pointer=f"/{i}") for i, code in enumerate(codes)]


def test_capped_keeps_the_first_and_notes_the_rest() -> None:
    kept = capped(_problems(*["span-text-mismatch"] * 5), 3, "in this record")
    assert [p.code for p in kept] == ["span-text-mismatch"] * 3 + ["findings-capped"]
    assert kept[-1].message == "more than 3 findings in this record; the rest are not reported"
    assert kept[-1].pointer == "/3"  # where the first left out would have been
    assert capped(_problems(*["span-text-mismatch"] * 3), 3, "here") == _problems(
        *["span-text-mismatch"] * 3)


def test_capped_never_leaves_out_the_only_error() -> None:
    warnings = ["codelist-open-value"] * 4
    kept = capped(_problems(*warnings, "span-text-mismatch", *warnings), 3, "here")
    assert [p.code for p in kept] == ["codelist-open-value"] * 3 + [
        "span-text-mismatch", "findings-capped"]
    assert RULES["findings-capped"].severity is Severity.WARNING


def test_capped_reads_no_further_than_it_needs() -> None:
    def endless():
        while True:
            yield Problem("span-text-mismatch", "x")

    assert len(capped(endless(), 100, "here")) == 101


def test_capped_by_code_counts_each_rule_of_each_file() -> None:
    findings = [Finding("a.json", i, 1, "path-unsafe", "x") for i in range(1, 8)] + [
        Finding("a.json", 9, 1, "resource-missing", "y"),
        Finding("b.json", 1, 1, "path-unsafe", "z")]
    kept = capped_by_code(findings, 5)
    assert [f.code for f in kept].count("path-unsafe") == 6
    (note,) = [f for f in kept if f.code == "findings-capped"]
    assert (note.file, note.line, note.severity) == ("a.json", 6, Severity.WARNING)
    assert note.message == ("2 more path-unsafe findings are not reported in this file "
                            "(the limit is 5)")


def test_capping_tagged_findings_holds_only_those_kept() -> None:
    """A million suspect links of one file: 100 findings and their tags, then a note.

    Read lazily, so that no placeholder of the findings left out is held (they
    were some 200 bytes each, all at once).
    """
    placed = ((entry, Finding("a.jsonl", entry + 1, 1, "link-dangling", ""))
              for entry in range(1_000_000))
    tracemalloc.start()
    try:
        kept = capped_by_code_tagged(placed, 100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [tag for tag, _ in kept] == [*range(100), None]
    assert kept[-1][1].message.startswith("999900 more link-dangling findings are not reported in this file")
    assert peak < 2_000_000  # a list of them all: some 200 MB


def test_orphans_are_matched_to_datasets_in_linear_time() -> None:
    """20,000 datasets beside 20,000 orphans: pairwise, minutes; by ancestors, at once."""
    datasets = {f"data/d{i}" for i in range(20_000)} | {"data/d1/inner/deeper"}
    orphans = [f"data/o{i}" for i in range(20_000)] + [
        "data", "data/d2/x", "data/d1/inner", "data/d10", "data/d1x", "elsewhere/d1"]
    began = time.perf_counter()
    left = _not_around(orphans, datasets)
    assert time.perf_counter() - began < 10  # quadratic: minutes
    # "data" holds datasets and "data/d2/x" lies in one; "data/d10" is one itself
    # (never an orphan in a real run, but kept as the pairwise test kept it).
    assert left == [*orphans[:20_000], "data/d10", "data/d1x", "elsewhere/d1"]


@given(orphans=st.lists(st.sampled_from(["a", "a/b", "a/b/c", "a/bc", "b", "b/a", "/a",
                                         "/a/b", ".", "./a", "a/b/c/d"]), max_size=6),
       datasets=st.sets(st.sampled_from(["a", "a/b", "a/b/c", "b/a", "/a", ".", "c"]),
                        max_size=4))
def test_orphans_as_before(orphans, datasets) -> None:
    old = [o for o in orphans if not any(o.startswith(d + "/") or d.startswith(o + "/")
                                         for d in datasets)]
    assert _not_around(orphans, datasets) == old


def test_a_wide_header_is_one_finding_without_frictionless() -> None:
    text = ",".join(COLUMNS + tuple(f"x{i}" for i in range(8000))) + "\nr,R,person\n"
    table = read_table(text)
    assert not isinstance(table, Problem)
    (problem,) = shape_problems(table, COLUMNS) or []
    assert (problem.code, problem.line, problem.column) == ("table-header", 1, 4)
    assert problem.message.startswith("the header has 8003 labels, 8000 more than the "
                                      "columns 'id,name,kind'")


def test_a_wide_row_is_one_finding() -> None:
    table = read_table("id,name,kind\na,A,person\nb,B,person" + "," * 12_000 + "\n")
    assert not isinstance(table, Problem)
    (problem,) = shape_problems(table, COLUMNS) or []
    assert (problem.code, problem.line, problem.column, problem.pointer) == (
        "table-row", 3, 4, "/1")
    assert "has 12003 cells where the header has 3" in problem.message


def test_many_short_rows_are_capped() -> None:
    table = read_table("id,name,kind\n" + "a,A\n" * 5000)
    assert not isinstance(table, Problem)
    problems = shape_problems(table, COLUMNS) or []
    assert [p.code for p in problems] == ["table-row"] * MAX_MISSHAPEN_ROWS + ["findings-capped"]
    assert problems[-1].message == (f"{5000 - MAX_MISSHAPEN_ROWS} more rows of another width "
                                    "than the header are not reported")


@pytest.mark.parametrize("text", [
    "id,name,kind\n" + "a,A\n" * MAX_MISSHAPEN_ROWS,
    "id,name,kind\na,A,person" + "," * MAX_EXTRA_CELLS + "\n",
    ",".join(COLUMNS + tuple(f"x{i}" for i in range(MAX_EXTRA_LABELS))) + "\n",
    "id,name,kind\na,A,person\n",
])
def test_a_table_within_the_limits_goes_to_frictionless(text: str) -> None:
    table = read_table(text)
    assert not isinstance(table, Problem)
    assert shape_problems(table, COLUMNS) is None


def test_no_hint_among_too_many_choices() -> None:
    many = frozenset(f"actor-{i:06d}" for i in range(MAX_CHOICES + 1))
    assert closest("actor-00000x", many) is None
    assert did_you_mean("actor-00000x", dict.fromkeys(many).keys()) == ""
    few = frozenset(sorted(many)[:MAX_CHOICES])
    assert did_you_mean("actor-00000x", few) == "; did you mean 'actor-000000'?"
    assert did_you_mean("actor-00000x", dict.fromkeys(few).keys()) == \
        "; did you mean 'actor-000000'?"


def test_the_resources_kept_are_found_in_linear_time() -> None:
    """Each path looked up in a set, not among the values kept: 100,000 resources (a
    descriptor of some 4 MB, within the limits) took minutes when each was searched."""
    from validator.checks.descriptor import resource_paths

    resources = [{"name": f"r{i}", "path": f"p/{i}.txt"} for i in range(100_000)]
    resources += [{"name": "again", "path": "p/7.txt"}, {"name": "r3", "path": "q.txt"},
                  {"name": "unsafe", "path": "../x"}]
    began = time.perf_counter()
    kept = resource_paths({"resources": resources}, {f"/resources/{len(resources) - 1}/path"})
    assert time.perf_counter() - began < 10  # quadratic: minutes
    assert len(kept) == 100_000
    assert (kept["r3"], "again" in kept, "unsafe" in kept) == ("p/3.txt", False, False)


def test_no_hint_for_a_name_or_choice_too_long_to_be_one() -> None:
    # The ratio costs the product of the lengths: a long value is compared with nothing.
    near = "a" * (MAX_NAME - 1)
    assert closest(near + "b", frozenset({near + "c"})) == near + "c"  # at the bound
    assert closest(near + "bb", frozenset({near + "bc"})) is None  # the value is too long
    assert closest(near + "b", frozenset({near + "bc", "x"})) is None  # so is the choice
    assert closest(near[:-1] + "b", frozenset({near + "bc", near + "c"})) == near + "c"


@given(st.text(max_size=300), st.integers(0, 300), st.sampled_from(
    ["e\u0301", "\u212b", "\u1100\u1161", "a\u0308\u0304", "\u0301\u0323"]))
def test_the_first_pair_not_nfc_is_the_old_answer(text, at, change) -> None:
    """NFC text with one change in it: halving finds what trying each pair found."""
    plain = unicodedata.normalize("NFC", text)
    at = min(at, len(plain))
    changed = plain[:at] + change + plain[at:]
    if unicodedata.is_normalized("NFC", changed):
        return
    found, old = first_pair_not_nfc(changed), _old_first_pair(changed)
    # The old answer, or where the text first stops being NFC where no pair shows it.
    assert found == old or (unicodedata.is_normalized("NFC", changed[:found])
                            and not unicodedata.is_normalized("NFC", changed[:found + 1]))


def test_a_change_that_needs_more_than_a_pair_is_found_where_it_is() -> None:
    """`a` + U+0316 + U+0308: no pair is not NFC; the old search said offset 0."""
    text = "x" * 500 + "a\u0316\u0308" + "y" * 500
    assert _old_first_pair(text) == 0
    assert first_pair_not_nfc(text) == 502


def test_a_long_text_not_nfc_at_its_end_is_found_at_once() -> None:
    """48 MB, NFC but for its last characters: 17 s a character at a time."""
    text = "Plain news text, line after line.\n" * 1_400_000 + "cafe\u0301\n"
    began = time.perf_counter()
    (problem,) = text_problems(text)
    assert time.perf_counter() - began < 10  # quadratic: minutes
    assert (problem.code, problem.line, problem.column) == ("text-not-nfc", 1_400_001, 4)


def test_a_wrong_span_in_a_long_article_reads_near_it_only() -> None:
    """Hints look for the quote within SEARCH_WINDOW of the span; the line is bisected."""
    from validator.checks.evidence import SEARCH_WINDOW, _hints, _position
    from validator.reading.text import position

    text = "line of text\n" * (3 * SEARCH_WINDOW // 13) + "needle\n"
    far = len(text) - 7
    assert _hints(text, "needle", far - 5, far + 1) == (
        [f"the quote is at start={far}, end={far + 6} (shifted by +5)"], "start")
    assert _hints(text, "needle", 0, 6) == ([], "text")  # too far to look for
    for offset in (0, 12, 13, far, len(text), len(text) + 5):
        assert _position(text, offset) == position(text, offset)


@given(text=st.text(alphabet="ab\n\r\u2028\u00e9", max_size=200), data=st.data())
def test_a_position_by_line_starts_is_the_position(text: str, data: st.DataObject) -> None:
    from validator.reading.text import position, position_in

    offset = data.draw(st.integers(0, len(text) + 3))
    assert position_in(text, offset) == position(text, offset)


def test_the_recall_aid_places_many_sentences_of_a_long_article_at_once() -> None:
    """80,000 sentences with visit wording, none cited, in a 2.4 MB article: their lines
    were counted from the article's start, sentence by sentence (33 s in the JSON
    report, as long again in the evidence page)."""
    import itertools

    from validator.recall import ArticleRecall, uncovered
    from validator.render.html import _missing

    text = "".join(f"Minister {number} visited Paris.\n" for number in range(80_000))
    sentences = uncovered(text, ())
    assert len(sentences) == 80_000
    article = ArticleRecall("d", "s", "d/a.txt", text, sentences)
    began = time.perf_counter()
    places = [article.where(sentence) for sentence in sentences]
    drawn = _missing(text, sentences, itertools.count(1))
    assert time.perf_counter() - began < 10  # quadratic: a minute
    assert places[::20_000] == [(1, 1), (20_001, 1), (40_001, 1), (60_001, 1)]
    assert [missing.line for missing in drawn[::20_000]] == [1, 20_001, 40_001, 60_001]


def test_many_unknown_fields_of_an_object_are_each_a_problem_at_once() -> None:
    """40,000 unknown fields of one object: the fields it may have meant were gathered
    again for each (from every key of the object), some 20 s for 30,000 in a descriptor."""
    from samples import visit

    from validator import registry
    from validator.checks.schema import schema_problems
    from validator.engine.engines import compiled

    record = visit()
    record.update({f"extra{number}": number for number in range(40_000)})
    began = time.perf_counter()
    problems = list(schema_problems(compiled("1.0.0", registry.RECORD_SCHEMA), record))
    assert time.perf_counter() - began < 10  # quadratic: a minute
    assert len(problems) == 40_000
    assert {p.code for p in problems} == {"schema-unknown-field"}
