"""The input layer: files read safely, decoded strictly and parsed as strict JSON, located to the character.

Rules: path-unsafe, file-too-large, too-many-findings, findings-capped, encoding-invalid,
encoding-bom, json-syntax, json-duplicate-key, json-number-invalid, json-too-deep,
json-lone-surrogate, record-blank-line, record-not-object, file-changed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.escaping import escape
from validator.findings import Problem, UsageError
from validator.reading import paths
from validator.reading.discovery import discover, in_no_dataset
from validator.reading.limits import MAX_DEPTH, MAX_INT_DIGITS
from validator.reading.paths import (
    open_regular_file,
    read_regular_file,
    refusal,
    unsafe_path_reason,
)
from validator.reading.strict_json import parse_json
from validator.reading.text import position

if TYPE_CHECKING:
    from collections.abc import Callable


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
    # Text that only looks like a surrogate escape: an escaped backslash, then "ud800".
    assert parse_json('["\\\\ud800", "\\\\\\ud83d\\ude80"]') == ["\\ud800", "\\\U0001f680"]


@pytest.mark.parametrize("text", [
    "[" * MAX_DEPTH + "]" * MAX_DEPTH,  # at the limit
    "[" + ",".join(["[]"] * (MAX_DEPTH * 2)) + "]",  # many brackets, two levels
    '["' + "[{" * MAX_DEPTH + '"]',  # brackets inside a string
])
def test_nesting_up_to_the_limit_is_accepted(text: str) -> None:
    assert parse_json(text) == json.loads(text)


def test_a_decoder_that_fails_in_another_way_gives_a_syntax_problem(monkeypatch) -> None:
    """The barrier for any other ValueError or a RecursionError: a finding, not a crash."""
    from validator.reading import strict_json

    class Failing:
        def decode(self, _text: str) -> None:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(strict_json, "_DECODER", Failing())
    problem = parse_json("[1]")
    assert problem == Problem("json-syntax", "maximum recursion depth exceeded", 1, 1)


def test_a_repeated_key_is_found_in_its_own_object_on_its_own_line() -> None:
    problem = parse_json('{"x": {"a": 1},\n "a": 2,\n "a": 3}')
    assert isinstance(problem, Problem)
    assert (problem.code, problem.line, problem.column) == ("json-duplicate-key", 3, 2)


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": 1e400}', "number '1e400' overflows a double"),
    ("1" * 40 + "e400", f"number '{'1' * 29}…' overflows a double"),
    ("-" + "9" * (MAX_INT_DIGITS + 1),
     f"integer with {MAX_INT_DIGITS + 1} digits exceeds the limit of {MAX_INT_DIGITS}"),
    ('{"a": NaN}', "NaN is not a JSON number"),
    ('{"\u00e9": 1, "\u00e9": 2}', "key '\u00e9' appears twice"),
])
def test_refused_numbers_and_keys_say_why(text: str, message: str) -> None:
    problem = parse_json(text)
    assert isinstance(problem, Problem)
    assert problem.message == message


@pytest.mark.parametrize(("path", "reason"), [
    ("../x", "has a '..' segment"),
    ("a/./b", "has a '.' segment"),
    ("a//b", "has an empty segment"),
    ("a/", "has an empty segment"),
    ("/etc/passwd", "is absolute"),
    ("https://example.com/x", "is a URL or has a scheme"),
    ("C:/x", "is a URL or has a scheme"),
    ("a\\b", "contains a backslash"),
    ("a\x00b", "contains a NUL character"),
    ("", "is not a non-empty string"),
    (None, "is not a non-empty string"),
    (["a"], "is not a non-empty string"),
    ("a/ b", "has characters outside A-Z a-z 0-9 . _ -"),
    ("a/b:c", "has characters outside A-Z a-z 0-9 . _ -"),  # a colon, but no scheme
])
def test_unsafe_paths_are_refused_with_their_reason(path: object, reason: str) -> None:
    assert unsafe_path_reason(path) == reason


@pytest.mark.parametrize("path", ["events.jsonl", "articles/voa-1.txt", "a/b_c/d-e.txt",
                                  ".hidden", "..x", "a/...", "x.."])
def test_safe_paths_are_accepted(path: str) -> None:
    assert unsafe_path_reason(path) is None


SEGMENTS = st.one_of(st.sampled_from(["", ".", "..", "...", ".x", "x.", "..x", "a-b_c.txt",
                                       "http:", "C:", "a b", "é", "a\\b", "a\x00", "x\n"]),
                     st.text(alphabet="a.-_:\\\x00\né ", max_size=4))


@given(st.lists(SEGMENTS, min_size=1, max_size=4).map("/".join))
def test_the_one_match_for_a_safe_path_agrees_with_the_policy_rule_by_rule(path: str) -> None:
    assert unsafe_path_reason(path) == (refusal(path) if path else "is not a non-empty string")


# --- Opening files and finding datasets ---------------------------------------

def _file(root: Path) -> None:
    (root / "a.txt").write_text("text", "utf-8")


def _folder_in_the_way(root: Path) -> None:  # a/b where a is a file
    (root / "a").write_text("not a folder", "utf-8")


@pytest.mark.parametrize(("setup", "relative", "code", "message"), [
    (_file, "../a.txt", "path-unsafe", "path '../a.txt' has a '..' segment"),
    (_file, "b.txt", "resource-missing", "'b.txt' does not exist"),
    (lambda root: (root / "d").mkdir(), "d", "path-unsafe", "'d' is not a regular file"),
    (lambda root: os.mkfifo(root / "f"), "f", "path-unsafe", "'f' is not a regular file"),
    (lambda root: (_file(root), (root / "l").symlink_to(root / "a.txt")), "l",
     "path-unsafe", "'l' is or passes through a symlink"),
    (lambda root: ((root / "d").mkdir(), (root / "d" / "a.txt").write_text("x"),
                   (root / "ld").symlink_to(root / "d")), "ld/a.txt",
     "path-unsafe", "'ld/a.txt' is or passes through a symlink"),
    (_folder_in_the_way, "a/b", "path-unsafe", "'a/b' cannot be inspected: 'Not a directory'"),
], ids=["unsafe", "missing", "folder", "fifo", "link", "linked-folder", "not-a-folder"])
def test_only_a_regular_file_inside_the_dataset_is_opened(
        setup: Callable[[Path], object], relative: str, code: str, message: str,
        tmp_path: Path) -> None:
    setup(tmp_path)
    assert open_regular_file(tmp_path, relative) == Problem(code, message)
    with paths.folder_opened(tmp_path) as at:  # from the folder open already: the same
        assert open_regular_file(tmp_path, relative, at) == Problem(code, message)


def test_a_folder_opened_once_is_the_one_read_and_stays_open(tmp_path: Path) -> None:
    """Every file from the one descriptor: a folder renamed meanwhile is still the one read."""
    (tmp_path / "d" / "articles").mkdir(parents=True)
    (tmp_path / "d" / "articles" / "a.txt").write_text("first", "utf-8")
    with paths.folder_opened(tmp_path / "d") as at:
        assert at is not None
        (tmp_path / "d").rename(tmp_path / "moved")
        (tmp_path / "d").mkdir()  # another folder under the name
        assert read_regular_file(tmp_path / "d", "articles/a.txt", at=at) == b"first"
        assert list(paths.dataset_files(tmp_path / "d", print, at)) == ["articles/a.txt"]
        os.fstat(at)  # still open
    with paths.folder_opened(tmp_path / "gone") as missing:
        assert missing is None  # each open then says why


def test_a_file_is_read_up_to_its_limit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 10)
    assert read_regular_file(tmp_path, "a.txt", limit=10) == b"x" * 10
    assert read_regular_file(tmp_path, "a.txt", limit=9) == Problem(
        "file-too-large", "'a.txt' is larger than 9 bytes")


@pytest.mark.parametrize("short_reads", [False, True], ids=["whole", "three-bytes-a-read"])
@pytest.mark.parametrize(("size", "told", "limit", "expected"), [
    (0, 0, 10, b""),
    (10, 10, 10, b"x" * 10),
    (10, 4, 10, b"x" * 10),  # grown since its status was taken: read on, to the limit
    (12, 4, 10, None),
    (11, 11, 10, None),
], ids=["empty", "at-the-limit", "grown", "grown-past-the-limit", "past-the-limit"])
def test_a_file_is_read_to_its_end_or_past_its_limit_and_closed(
        size: int, told: int, limit: int, expected: bytes | None, short_reads: bool,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bytes a file holds however its status and reads fall; no descriptor is left open."""
    (tmp_path / "a.txt").write_bytes(b"x" * size)
    status, read = os.fstat, os.read

    def stale(fd: int) -> os.stat_result:
        info = status(fd)
        return os.stat_result((*info[:6], told, *info[7:])) if fd != at else info

    def short(fd: int, wanted: int) -> bytes:
        return read(fd, min(wanted, 3) if short_reads else wanted)

    with paths.folder_opened(tmp_path) as at:
        before = len(list(Path("/proc/self/fd").iterdir())) if sys.platform == "linux" else 0
        with monkeypatch.context() as patched:  # os itself: for this read only
            patched.setattr(paths.os, "fstat", stale)
            patched.setattr(paths.os, "read", short)
            got = read_regular_file(tmp_path, "a.txt", limit=limit, at=at)
        if sys.platform == "linux":
            assert len(list(Path("/proc/self/fd").iterdir())) == before
    assert got == (expected if expected is not None else Problem(
        "file-too-large", f"'a.txt' is larger than {limit} bytes"))


def _dataset(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "datapackage.json").write_text("{}", "utf-8")
    return folder


def test_datasets_are_found_by_folder_and_by_descriptor(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _dataset(tmp_path / "all" / "b")
    _dataset(tmp_path / "all" / "group" / "c")
    (tmp_path / "all" / "group" / "README.md").write_text("a folder of datasets", "utf-8")
    (tmp_path / "all" / "loose").mkdir()
    (tmp_path / "all" / "loose" / "events.jsonl").write_text("{}", "utf-8")
    (tmp_path / "all" / "README.md").write_text("the root is no orphan", "utf-8")
    _dataset(tmp_path / "other")
    _dataset(tmp_path / "third")
    (tmp_path / "all" / "linked").symlink_to(_dataset(tmp_path / "hidden"))  # not followed
    locations, orphans = discover(["other/datapackage.json", "all", "third/datapackage.json",
                                   "all/b/datapackage.json"])  # named twice, found once
    assert [(d.display, d.root) for d in locations] == [
        ("all/b", Path("all/b")), ("all/group/c", Path("all/group/c")),
        ("other", Path("other")), ("third", Path("third"))]
    assert orphans == ["all/loose"]
    monkeypatch.chdir(tmp_path / "all")  # a named folder with files of its own is no orphan
    assert discover(["."])[1] == ["loose"]



@pytest.mark.parametrize("named", ["corpus", "corpus/", "./corpus", "link", "link/",
                                   "elsewhere/../corpus", "corpus/group/.."])
def test_a_searched_folder_names_its_datasets_by_where_they_are(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str) -> None:
    """Found below a PATH, a dataset is known by its resolved folder, however the PATH is spelt.

    The walk does not resolve each dataset it finds: it joins the names it walked
    to the PATH's resolved folder.  A link as PATH is followed (the user's own).
    """
    monkeypatch.chdir(tmp_path)
    _dataset(tmp_path / "corpus" / "a")
    _dataset(tmp_path / "corpus" / "group" / "b")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "corpus")
    locations, _ = discover([named, "corpus/a", "corpus/group/b/datapackage.json"])
    assert [d.display for d in locations] == ["corpus/a", "corpus/group/b"]  # each once
    assert [d.root for d in locations] == [Path(named) / "a", Path(named) / "group" / "b"]

@pytest.mark.parametrize("at", ["", "corpus", "corpus/a", "corpus/group/b", "elsewhere"])
def test_the_walk_shows_each_dataset_as_resolving_it_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: str) -> None:
    """The walk names each dataset from the current folder by its names alone: as
    `_display` does by resolving it, wherever the run starts (inside, above, beside)."""
    from validator.reading.discovery import _display

    _dataset(tmp_path / "corpus" / "a")
    _dataset(tmp_path / "corpus" / "group" / "b")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / at)
    for named in (str(tmp_path / "corpus"), os.path.relpath(tmp_path / "corpus")):
        locations, _ = discover([named])
        assert len(locations) == 2
        assert [d.display for d in locations] == [_display(d.root) for d in locations]


def test_a_dataset_named_from_inside_names_its_files_plainly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_dataset(tmp_path / "a"))
    [location] = discover(["."])[0]
    assert (location.display, location.name("events.jsonl")) == (".", "events.jsonl")
    [outside] = discover([str(_dataset(tmp_path.parent / f"{tmp_path.name}-b"))])[0]
    assert outside.name("x.csv") == f"{tmp_path.parent.as_posix()}/{tmp_path.name}-b/x.csv"


def test_a_file_or_folder_inside_a_dataset_names_that_dataset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (_dataset(tmp_path / "a" / "b") / "articles").mkdir()
    (tmp_path / "a" / "b" / "articles" / "one.txt").write_text("text", "utf-8")
    (tmp_path / "a" / "b" / "events.jsonl").write_text("{}", "utf-8")
    (tmp_path / "a" / "b" / "dangling").symlink_to(tmp_path / "nowhere")
    # A pre-commit hook passes the files that changed: each dataset is checked once.
    locations, orphans = discover(["a/b/events.jsonl", "a/b/articles/one.txt",
                                   "a/b/articles", "a/b/../b/events.jsonl", "a/b/dangling"])
    assert [(d.display, d.root) for d in locations] == [("a/b", Path("a/b"))]
    assert orphans == []
    assert discover(["a/b/articles"])[0] == locations  # a folder inside, named alone
    [outside] = discover([str(tmp_path / "a" / "b" / "articles" / "one.txt")])[0]
    assert outside.display == "a/b"  # an absolute path, shown from the current folder


def test_a_dataset_inside_a_dataset_is_the_outer_one_s_whatever_path_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run over the outer dataset finds the inner one's files undeclared: naming the
    inner one, or a file of it (as a pre-commit hook does), checks the outer one too,
    so that a hook never passes what the whole run fails.  From outside the current
    folder, where nothing bounds the search upwards, the nearest dataset is named."""
    monkeypatch.chdir(tmp_path)
    _dataset(tmp_path / "ds")
    (_dataset(tmp_path / "ds" / "data" / "inner") / "events.jsonl").write_text("{}\n", "utf-8")
    for path in ("ds", "ds/data/inner", "ds/data/inner/events.jsonl",
                 "ds/data/inner/datapackage.json", "ds/data"):
        assert [d.display for d in discover([path])[0]] == ["ds"], path
    monkeypatch.chdir(tmp_path / "ds" / "data")
    inner = tmp_path / "ds" / "data" / "inner"
    assert [d.root for d in discover([str(inner / "events.jsonl")])[0]] == [Path("inner")]
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert [d.root for d in discover([str(inner / "events.jsonl")])[0]] == [inner]
    assert [d.root for d in discover([str(inner)])[0]] == [inner]


def test_a_descriptor_where_the_command_runs_takes_no_dataset_below_it_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stray datapackage.json in the current folder (a home folder, say): a dataset below
    it, or a file of one, names that dataset, not the current folder; a file of the
    current folder's own dataset still names it."""
    monkeypatch.chdir(_dataset(tmp_path / "home"))
    (_dataset(tmp_path / "home" / "proj" / "x") / "events.jsonl").write_text("{}\n", "utf-8")
    (tmp_path / "home" / "notes.txt").write_text("text", "utf-8")
    for path in ("proj/x", "proj/x/events.jsonl", "proj/x/datapackage.json"):
        assert [d.display for d in discover([path])[0]] == ["proj/x"], path
    assert [d.display for d in discover(["notes.txt"])[0]] == ["."]


def test_the_search_for_a_files_dataset_stops_at_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dataset(tmp_path / "home")  # a stray descriptor above the checkout
    (tmp_path / "home" / "checkout" / "docs").mkdir(parents=True)
    (tmp_path / "home" / "checkout" / "docs" / "a.md").write_text("text", "utf-8")
    monkeypatch.chdir(tmp_path / "home" / "checkout")
    with pytest.raises(UsageError, match="a file inside a dataset"):
        discover(["docs/a.md"])
    # From outside the checkout, the same file does lie in that dataset.
    monkeypatch.chdir(tmp_path)
    [location] = discover(["home/checkout/docs/a.md"])[0]
    assert location.display == "home"


@pytest.mark.parametrize(("paths", "message"), [
    (["nowhere"], "nowhere: no such file or folder"),
    (["a.txt"], ("a.txt: not a folder, a datapackage.json or a file inside a dataset "
                 "(looked no higher than the current folder)")),
    (["/dev/null"], "/dev/null: not a folder, a datapackage.json or a file inside a dataset"),
    (["empty", "."], "no dataset found (no datapackage.json under 'empty', '.')"),
])
def test_what_names_no_dataset_is_a_usage_error(paths: list[str], message: str,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("text", "utf-8")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError) as raised:
        discover(paths)
    assert str(raised.value) == message


def test_in_no_dataset_says_which_paths_discover_refuses_as_outside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule `validate --skip-outside` skips by is discover's own, path for path."""
    monkeypatch.chdir(tmp_path)
    (_dataset(tmp_path / "ds") / "articles").mkdir()
    (tmp_path / "ds" / "articles" / "a.txt").write_text("text", "utf-8")
    (tmp_path / "ds" / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "events.jsonl").write_text("{}", "utf-8")
    (tmp_path / "docs" / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "docs" / "to-ds").symlink_to(tmp_path / "ds")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "datapackage.json").write_text("{}", "utf-8")
    os.mkfifo(tmp_path / "docs" / "fifo")
    outside = {"docs/events.jsonl", "docs/dangling", "docs/fifo", "/dev/null"}
    paths = [*outside, "ds", "ds/datapackage.json", "ds/articles", "ds/articles/a.txt",
             "ds/dangling", "docs/to-ds", "other/datapackage.json", "docs", "missing"]
    for path in paths:
        try:
            discover([path])
            refused = False
        except UsageError as error:
            refused = "not a folder, a datapackage.json or a file inside a dataset" in str(error)
        assert in_no_dataset(path) is refused is (path in outside), path


@pytest.mark.parametrize(("value", "quoted"), [
    ("a\x1b[31mb\u202ec\nd", "'a\\u001b[31mb\\u202ec\\u000ad'"),  # no escape reaches a terminal
    ("x" * 60, "'" + "x" * 60 + "'"),  # at the limit
    ("x" * 61, "'" + "x" * 59 + "…'"),
    (["é", 1], '["é", 1]'),  # not a string: as JSON, unquoted
])
def test_values_in_messages_are_short_printable_quotations(value: object, quoted: str) -> None:
    assert escape(value) == quoted


def test_positions_count_lines_from_the_first_character() -> None:
    assert position("\nab", 2) == (2, 2)
    assert position("ab\ncd", 4) == (2, 2)
    assert position("ab", 9) == (1, 3)  # past the end: at the end


def _swapped_in_after_lstat(monkeypatch: pytest.MonkeyPatch, regular: Path) -> None:
    """Every lstat sees a regular file, as if the path changed between lstat and open."""
    info = os.lstat(regular)
    monkeypatch.setattr(paths, "_stat_at", lambda _name, _folder: info)  # lstat at a folder


def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """O_NONBLOCK: opening a FIFO with no writer returns at once, and fstat refuses it."""
    import threading

    _file(tmp_path)
    os.mkfifo(tmp_path / "f")
    _swapped_in_after_lstat(monkeypatch, tmp_path / "a.txt")
    result: list[object] = []
    opener = threading.Thread(target=lambda: result.append(open_regular_file(tmp_path, "f")),
                              daemon=True)  # a blocked open() must not keep pytest alive
    opener.start()
    opener.join(timeout=10)
    assert result == [Problem("path-unsafe", "'f' is not a regular file")]


def test_a_link_swapped_in_after_the_check_is_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """O_NOFOLLOW: the open itself refuses a symlink that lstat did not see."""
    _file(tmp_path)
    (tmp_path / "l").symlink_to(tmp_path / "a.txt")
    _swapped_in_after_lstat(monkeypatch, tmp_path / "a.txt")
    problem = open_regular_file(tmp_path, "l")
    assert isinstance(problem, Problem)
    assert (problem.code, problem.message.split(":")[0]) == ("path-unsafe",
                                                             "'l' cannot be opened")


def test_a_chunk_of_an_events_file_gone_since_it_was_split_is_file_changed(
        tmp_path: Path) -> None:
    """Its dataset's layers opened the file and split it; gone when a chunk is checked, the
    chunk says so, whichever it is (the whole run's findings are a set: said once)."""
    from validator.checks.context import DatasetContext
    from validator.engine.records import RecordTask, check_records

    events = tmp_path / "events.jsonl"
    events.write_text('{"id": "a"}\n' * 10, "utf-8")
    later = RecordTask(str(tmp_path), "events.jsonl", "d/events.jsonl",
                       DatasetContext("1.3.0"), start=60, end=120, first_line=6)
    unchanged = check_records(later).findings  # its records' own (they are no events)
    assert unchanged
    assert all(f.code != "file-changed" for f in unchanged)
    events.write_text('{"id": "a"}\n' * 7, "utf-8")  # cut short: 84 bytes of 120
    assert [(f.code, f.message) for f in check_records(later).findings
            if f.code == "file-changed"] == [
        ("file-changed", ("events file changed during the run: it ends at byte 84, before "
         "its lines up to byte 120 were read; its records were not all checked"))]
    events.unlink()
    assert [(f.file, f.code, f.line, f.message) for f in check_records(later).findings] == [
        ("d/events.jsonl", "file-changed", 0, ("events file changed during the run: "
         "'events.jsonl' does not exist; its records were not all checked"))]
