"""The contributor's tools: cite a span, start a dataset, rehash it (the `textevents` command)."""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator import UsageError, validate
from validator.authoring import span
from validator.authoring.cli import main
from validator.authoring.span import MAX_OCCURRENCES, evidence, nearest, occurrences

REPO = Path(__file__).parent.parent
PAYNE = REPO / "datasets" / "voa-2021-05-15-payne-washington"
ARTICLE = PAYNE / "articles" / "voa-6205843.txt"
TEXT = ARTICLE.read_text("utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_quote_found_once_gives_its_span_with_the_datasets_source_id(capsys) -> None:
    code, out, err = run(capsys, "span", ARTICLE, "Marise Payne")
    assert (code, err) == (0, "")
    span = json.loads(out)
    assert span == {"source": "voa-6205843", "start": 2553, "end": 2565, "text": "Marise Payne"}
    assert TEXT[span["start"]:span["end"]] == span["text"]


def test_an_article_of_a_dataset_inside_another_takes_its_own_dataset_s_source_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The sources table that lists the article is its nearest dataset's."""
    import shutil

    shutil.copytree(PAYNE, tmp_path / "outer")
    inner = tmp_path / "outer" / "inner"
    shutil.copytree(PAYNE, inner)
    (inner / ARTICLE.relative_to(PAYNE)).rename(inner / "articles" / "story.txt")
    table = inner / "sources.csv"
    table.write_text(table.read_text("utf-8").replace(ARTICLE.relative_to(PAYNE).as_posix(),
                                                      "articles/story.txt"), "utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "span", "outer/inner/articles/story.txt", "Marise Payne")
    assert (code, err) == (0, "")
    assert json.loads(out)["source"] == "voa-6205843"


def test_a_repeated_quote_lists_every_occurrence_and_takes_one(capsys) -> None:
    text = "Blinken met Payne. Later Blinken spoke."
    with pytest.raises(UsageError) as raised:
        evidence("s", text, "Blinken")
    assert str(raised.value) == (
        "the quote occurs 2 times; choose one with --occurrence N: "
        "1: start=0 '[Blinken] met Payne. Later Blinken spoke.'; "
        "2: start=25 'Blinken met Payne. Later [Blinken] spoke.'")
    assert evidence("s", text, "Blinken", occurrence=2) == {
        "source": "s", "start": 25, "end": 32, "text": "Blinken"}
    with pytest.raises(UsageError, match="--occurrence 3: the quote occurs 2 times"):
        evidence("s", text, "Blinken", occurrence=3)
    for counted in (0, -1):  # 0 was taken as the first
        with pytest.raises(UsageError, match=f"--occurrence {counted}: occurrences are "
                                             "counted from 1"):
            evidence("s", text, "Blinken", occurrence=counted)


def test_the_command_exits_2_on_an_ambiguous_quote(tmp_path: Path, capsys) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Blinken met Payne. Later Blinken spoke.", "utf-8")
    code, out, err = run(capsys, "span", article, "Blinken", "--source", "s")
    assert (code, out) == (2, "")
    assert err.startswith("textevents span: the quote occurs 2 times")
    code, out, _ = run(capsys, "span", article, "Blinken", "--source", "s", "--occurrence", "2",
                       "--supports", "/diplomatic_visit/visitors/0")
    assert json.loads(out) == {"source": "s", "start": 25, "end": 32, "text": "Blinken",
                               "supports": "/diplomatic_visit/visitors/0"}


def test_a_message_lists_ten_occurrences_and_counts_the_others() -> None:
    with pytest.raises(UsageError) as raised:
        evidence("s", "ab " * 12, "ab")
    message = str(raised.value)
    assert message.startswith("the quote occurs 12 times; choose one with --occurrence N: "
                              "1: start=0 '[ab] ab ab ab ab ab ab ab ab ab ab ab '; ")
    assert message.endswith("; 10: start=27 'ab ab ab ab ab ab ab ab ab [ab] ab ab '; "
                            "and 2 others")


def test_a_quote_that_repeats_with_overlaps_is_counted_to_a_bound_and_listed_briefly(
        tmp_path: Path, capsys) -> None:
    """'a' * 2000 stands at 2001 offsets of 'a' * 4000: every one listed, quote and all, was 4 MB."""
    text, quote = "a" * 4000, "a" * 2000
    with pytest.raises(UsageError) as raised:
        evidence("s", text, quote)
    message = str(raised.value)
    assert message.startswith(f"the quote occurs more than {MAX_OCCURRENCES} times; choose one "
                              f"of the first {MAX_OCCURRENCES} with --occurrence N, or quote "
                              "more of the passage: 1: start=0 "
                              f"'[{'a' * 30}…{'a' * 29}]{'a' * 40}…'; 2: start=1 ")
    assert message.endswith(f"; 10: start=9 '{'a' * 9}[{'a' * 30}…{'a' * 29}]{'a' * 40}…'; "
                            f"and more than {MAX_OCCURRENCES - 10} others")
    assert len(message) < 2000
    assert evidence("s", text, quote, occurrence=MAX_OCCURRENCES)["start"] == MAX_OCCURRENCES - 1
    with pytest.raises(UsageError) as raised:
        evidence("s", text, quote, occurrence=MAX_OCCURRENCES + 1)
    assert str(raised.value) == (f"--occurrence {MAX_OCCURRENCES + 1}: only the first "
                                 f"{MAX_OCCURRENCES} occurrences of a quote are counted; "
                                 "quote more of the passage")
    with pytest.raises(UsageError, match=r"^--occurrence 2000: the quote occurs 2 times$"):
        evidence("s", "ab ab", "ab", occurrence=2000)  # no bound said where it is not reached
    article = tmp_path / "a.txt"
    article.write_text(text, "utf-8")
    code, out, err = run(capsys, "span", article, quote, "--occurrence", "2000")
    assert (code, out) == (2, "")
    assert err.startswith("textevents span: --occurrence 2000: only the first")


@given(st.text("ab", max_size=40), st.text("ab", min_size=1, max_size=6), st.integers(0, 12))
def test_occurrences_are_every_offset_of_the_quote(part: str, quote: str, times: int) -> None:
    """Found by stepping the quote's period where it repeats, as a search at each offset finds."""
    text = part + quote * times + part
    assert [found.start for found in occurrences(text, quote)] == [
        at for at in range(len(text)) if text.startswith(quote, at)]


def test_an_absent_quote_names_the_closest_passage_and_the_first_difference() -> None:
    near = nearest(TEXT, "Australian Foreign Minister Marise Payne said")
    assert near is not None
    assert (near.start, near.end) == (2525, 2570)
    assert near.reason == ("93% alike; they first differ at character 42 of the quote: "
                           "'said' against 'that'")


def test_typed_quote_marks_are_named() -> None:
    near = nearest(TEXT, 'a "megaphone for democracy."')
    assert near is not None
    assert near.passage == "a “megaphone for democracy.”"
    assert near.reason == ("the article writes '“' where the quote has '\"' "
                           "(quote marks, dashes or spaces differ)")


def test_a_quote_that_is_not_nfc_is_named() -> None:
    text = "Le café est fermé."
    near = nearest(text, unicodedata.normalize("NFD", "café"))
    assert near is not None
    assert (near.start, near.end, near.reason) == (
        3, 7, "the quote is not NFC; its NFC form is here")


def test_a_quote_like_nothing_in_the_article_says_so() -> None:
    with pytest.raises(UsageError, match=r"^the quote is not in the article$"):
        evidence("s", TEXT, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")


def test_no_closest_passage_is_looked_for_past_the_bounds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzzy search costs article times quote length and more: 35 s for 1.5 M by 8,000."""
    long = "Allience" + TEXT[8:1200]  # one letter off, but 1,200 characters
    with pytest.raises(UsageError) as raised:
        evidence("s", TEXT, long)
    assert str(raised.value) == (
        "the quote is not in the article; no closest passage was looked for, as the quote "
        f"(1200 characters) or the article ({len(TEXT)}) is long")
    assert nearest(TEXT, long[:span.MAX_HINTED_QUOTE]) is not None
    quote = "Australian Foreign Minister Marise Payne said"
    monkeypatch.setattr(span, "HINT_BUDGET", len(TEXT) - 1)  # a quote of one word of 64
    assert nearest(TEXT, quote) is None
    assert nearest(TEXT, 'a "megaphone for democracy."') is not None  # named in linear time


@pytest.mark.parametrize(("text", "quote", "message"), [
    ("short", "a quote longer than the article", "is longer than the article"),
    ("one\ntwo", "one\ntwo", "holds a line break"),
    ("text", "", "the quote is empty"),
    (unicodedata.normalize("NFD", "café"), "caf", "the article is not NFC"),
])
def test_what_no_span_can_cite_is_refused(text: str, quote: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        evidence("s", text, quote)


def test_an_article_that_is_not_utf8_is_refused(tmp_path: Path, capsys) -> None:
    article = tmp_path / "a.txt"
    article.write_bytes(b"caf\xe9")
    code, _, err = run(capsys, "span", article, "caf")
    assert code == 2
    assert err == "textevents span: the article is not UTF-8 (byte 3); convert it first\n"


def _new(capsys, folder: Path, article: Path) -> tuple[int, str, str]:
    return run(capsys, "new", folder, "--article", article, "--source-id", "voa-6205843",
               "--title", "Former NATO Chief Calls for Common Front",
               "--publisher", "Voice of America", "--published", "2021-05-15T07:42:51Z",
               "--license", "public domain (US government work)")


def test_a_new_dataset_passes_validate_and_cites_its_article(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "payne"
    code, out, err = _new(capsys, folder, ARTICLE)
    assert (code, err) == (0, "")
    assert "add records to events.jsonl" in out
    assert out.splitlines()[1] == (  # what no option gave is said
        "the records' licence is CC-BY-4.0 and their contributor 'textevents contributor' "
        "(give yours with --contributor): edit datapackage.json to change them")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "actors.csv", "articles", "articles/voa-6205843.txt", "datapackage.json",
        "events.jsonl", "sources.csv"]
    assert (folder / "articles" / "voa-6205843.txt").read_bytes() == ARTICLE.read_bytes()
    report = validate([str(folder)])
    assert [(f.code, f.file) for f in report.findings] == [  # a warning: no record yet
        ("events-empty", f"{folder}/events.jsonl")]
    assert report.ok()
    code, out, _ = run(capsys, "span", folder / "articles" / "voa-6205843.txt", "Marise Payne")
    assert json.loads(out)["source"] == "voa-6205843"
    assert oct(folder.stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_new_never_overwrites(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "payne"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", "utf-8")
    code, out, err = _new(capsys, folder, ARTICLE)
    assert (code, out) == (2, "")
    assert "exists; choose a new folder (nothing was written)" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(("data", "message"), [
    (b"caf\xe9", "not UTF-8"), ("e\u0301".encode(), "not NFC"), (b"a\r\nb", "carriage returns"),
])
def test_new_refuses_an_article_no_span_can_cite(tmp_path: Path, capsys, data: bytes,
                                                  message: str) -> None:
    article = tmp_path / "a.txt"
    article.write_bytes(data)
    code, _, err = _new(capsys, tmp_path / "ds", article)
    assert code == 2
    assert message in err
    assert not (tmp_path / "ds").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no half-built folder left


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--published", "2025-03-14 05:05:35Z", ("--published: published '2025-03-14 05:05:35Z' "
                                             "is not an ISO 8601 date or date and time")),
    ("--published", "March 14, 2025", "--published: published 'March 14, 2025' is not an ISO"),
    ("--published", "2025-02-30", "--published: published '2025-02-30' is not a date"),
    ("--url", "not a url", ("--url: url 'not a url' is not a URI with a scheme (such as "
                           "https://…)")),
    ("--language", "english", "--language: language 'english' does not match the pattern"),
    ("--title", "x" * 400, "--dataset-title (default: --title): 'xxxx"),  # the profile's
    ("--contributor", "", '--contributor: "" is shorter than 1 character'),
    ("--title", "a\rb", "--title: holds a control character (U+000D)"),
    ("--author", "caf\udcff", "--author: not UTF-8"),  # bytes the shell gave, not UTF-8
])
def test_new_refuses_a_source_cell_that_validate_would_refuse(
        tmp_path: Path, capsys, option: str, value: str, message: str) -> None:
    """Each value validate would refuse in sources.csv is an exit 2 before anything is written."""
    code, out, err = run(capsys, "new", tmp_path / "ds", "--article", ARTICLE,
                         "--source-id", "voa-6205843", "--title", "A title",
                         "--publisher", "Voice of America", "--published", "2021-05-15",
                         "--license", "public domain", option, value)
    assert (code, out) == (2, "")
    assert err.startswith(f"textevents new: {message}")
    assert err.endswith(("(nothing was written)\n", "one line\n", "in UTF-8\n"))
    assert not (tmp_path / "ds").exists()
    assert list(tmp_path.iterdir()) == []  # no half-built folder left either


def test_rehash_checks_then_updates_both_hashes(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "payne"
    _new(capsys, folder, ARTICLE)
    article = folder / "articles" / "voa-6205843.txt"
    article.write_text(TEXT + "An added line.\n", "utf-8")
    assert {f.code for f in validate([str(folder)]).findings} == {"resource-hash-mismatch",
                                                                  "events-empty"}
    found = validate([str(folder)]).findings
    new_hash = hashlib.sha256(article.read_bytes()).hexdigest()
    assert all(f"has SHA-256 {new_hash}, not the declared '" in f.message
               and f.message.endswith("`textevents rehash` updates the hashes")
               for f in found if f.code == "resource-hash-mismatch")
    code, out, _ = run(capsys, "rehash", folder, "--check")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == [
        f"{folder}/datapackage.json", f"{folder}/sources.csv"]
    assert all(line.endswith(f" -> {new_hash}") for line in out.splitlines())  # whole hashes
    assert {f.code for f in validate([str(folder)]).findings} == {"resource-hash-mismatch",
                                                                  "events-empty"}
    code, out, _ = run(capsys, "rehash", folder)
    assert code == 0
    assert {f.code for f in validate([str(folder)]).findings} == {"events-empty"}
    assert run(capsys, "rehash", folder, "--check")[:2] == (0, "")


def test_rehash_never_writes_through_a_link(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "payne"
    _new(capsys, folder, ARTICLE)
    (folder / "articles" / "voa-6205843.txt").write_text("changed\n", "utf-8")
    elsewhere = tmp_path / "elsewhere.csv"
    (folder / "sources.csv").rename(elsewhere)
    (folder / "sources.csv").symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    code, _, err = run(capsys, "rehash", folder)
    assert code == 2
    assert "symlink" in err
    assert elsewhere.read_bytes() == before


@pytest.mark.parametrize(("file", "data", "message"), [
    ("datapackage.json", b'{"resources": [\n', "datapackage.json:2:1: json-syntax "),
    ("datapackage.json", b"[" * 100_000, "datapackage.json:1:65: json-too-deep "),
    ("sources.csv", b"\xff\n", "sources.csv: invalid UTF-8 byte 0xff"),
    ("sources.csv", b'x,"unclosed\n', "sources.csv:3:1: table-format "),  # csv took it whole
])
def test_rehash_of_a_file_it_cannot_read_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, data: bytes,
        message: str) -> None:
    """Not a traceback: `rehash --check` exits 1 for hashes to update, 2 for this."""
    import shutil

    folder = tmp_path / "payne"
    shutil.copytree(PAYNE, folder)
    with (folder / file).open("ab" if file == "sources.csv" else "wb") as handle:
        handle.write(data)
    for extra in ((), ("--check",)):
        code, out, err = run(capsys, "rehash", folder, *extra)
        assert (code, out) == (2, "")
        assert err.startswith(f"textevents rehash: {message}")
        assert err.endswith("; run validate on the dataset\n")


def test_span_reads_the_sources_table_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Never through a link (to a table outside the dataset), nor a traceback for a table
    that is not UTF-8: a usage error that says to give --source.  An article named through
    a link, or outside its dataset's folder, takes its file's name."""
    import shutil

    folder = tmp_path / "payne"
    shutil.copytree(PAYNE, folder)
    article = folder / ARTICLE.relative_to(PAYNE)
    outside = tmp_path / "outside.csv"
    outside.write_text(f"id,path\nsecret,{ARTICLE.relative_to(PAYNE).as_posix()}\n", "utf-8")
    (folder / "sources.csv").unlink()
    (folder / "sources.csv").symlink_to(outside)
    code, out, err = run(capsys, "span", article, "Marise Payne")
    assert (code, out) == (2, "")
    assert err.startswith(f"textevents span: {folder}/sources.csv: 'sources.csv' is or passes "
                          "through a symlink; give the source id with --source")
    assert json.loads(run(capsys, "span", article, "Marise Payne", "--source", "s")[1]) == {
        "source": "s", "start": 2553, "end": 2565, "text": "Marise Payne"}
    (folder / "sources.csv").unlink()
    (folder / "sources.csv").write_bytes((PAYNE / "sources.csv").read_bytes() + b"\xff\n")
    code, out, err = run(capsys, "span", article, "Marise Payne")
    assert (code, out) == (2, "")
    assert "sources.csv: invalid UTF-8 byte 0xff" in err
    shutil.copy(PAYNE / "sources.csv", folder / "sources.csv")
    story = tmp_path / "story.txt"  # outside any dataset: read as the user names it
    story.write_text(TEXT, "utf-8")
    code, out, err = run(capsys, "span", story, "Marise Payne")
    assert (code, err) == (0, "")
    assert json.loads(out)["source"] == "story"
    article.unlink()  # an article of the dataset that is a link out of it: not read
    article.symlink_to(story)
    code, out, err = run(capsys, "span", article, "Marise Payne")
    assert (code, out) == (2, "")
    assert err == (f"textevents span: {article}: '{ARTICLE.relative_to(PAYNE).as_posix()}' "
                   "is or passes through a symlink\n")


@pytest.mark.parametrize("command", ["span", "new"])
@pytest.mark.parametrize("kind", ["fifo", "device", "too large"])
def test_an_article_that_is_no_regular_file_is_refused_without_waiting(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, kind: str) -> None:
    """A FIFO is not waited on, /dev/zero not read without end, a text past the limit of
    a file not read whole: a usage error, as validate refuses such a file in a dataset."""
    from validator.reading import limits

    article = Path("/dev/zero") if kind == "device" else tmp_path / "story.txt"
    if kind == "fifo":
        os.mkfifo(article)
    elif kind == "too large":
        with article.open("wb") as handle:
            handle.truncate(limits.MAX_FILE_BYTES + 1)
    if command == "span":
        code, out, err = run(capsys, "span", article, "Marise Payne")
    else:
        code, out, err = _new(capsys, tmp_path / "ds", article)
    assert (code, out) == (2, "")
    assert err.startswith(f"textevents {command}: {article}: ")
    assert ("larger than" if kind == "too large" else "not a regular file") in err
    assert not (tmp_path / "ds").exists()


def test_schema_prints_the_bundle_its_path_the_tables_and_the_versions(capsys) -> None:
    from validator import registry

    newest = registry.versions()[-1]
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out)["$id"] == registry.load(newest).uri(registry.RECORD_SCHEMA)
    code, out, _ = run(capsys, "schema", newest, "--path")
    assert Path(out.strip()).read_text("utf-8") == run(capsys, "schema", newest)[1]
    assert run(capsys, "schema", "--list")[1].split() == list(registry.versions())
    tables = json.loads(run(capsys, "schema", "--tables")[1])
    assert sorted(tables) == ["actors", "aliases", "sources"]  # the aliases table from 1.3.0
    assert sorted(json.loads(run(capsys, "schema", "1.2.0", "--tables")[1])) == [
        "actors", "sources"]
    assert json.loads(run(capsys, "schema", "--profile")[1]) == registry.load(newest).profile


def test_schema_refuses_an_unknown_version(capsys) -> None:
    code, out, err = run(capsys, "schema", "0.9.9")
    assert (code, out) == (2, "")
    assert err.startswith("textevents schema: no released version '0.9.9'; released: ")


def test_upgrade_is_a_textevents_command(tmp_path: Path, capsys) -> None:
    import shutil

    from validator import registry

    folder = tmp_path / "base"
    shutil.copytree(REPO / "tests" / "cases" / "valid" / "base", folder)
    assert run(capsys, "upgrade", "--list-versions")[0] == 0
    code, out, _ = run(capsys, "upgrade", folder, "--check")
    assert code == 1
    assert "would upgrade from 1.0.0 to" in out
    code, out, _ = run(capsys, "upgrade", folder)
    assert code == 0
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert descriptor["textevents_version"] == registry.versions()[-1]
    assert validate([str(folder)]).findings == ()
    assert run(capsys, "upgrade", folder, "--to", "9.9")[0] == 2
