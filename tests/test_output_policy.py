"""The output policy: no value from a dataset reaches a sink with a character that sink forbids.

Arbitrary text (lone surrogates, C0 and C1 controls, bidi characters, `%`,
`:`, `,`, line breaks, rich markup, escape sequences, workflow commands) and
arbitrary bytes as file names go into every field of a `Finding`, and every
format is checked for its sink's forbidden characters:

- text (finding lines, the summary, statistics, stderr): no C0 or C1 control,
  no bidi or line-breaking character, no lone surrogate, no workflow command;
- GitHub: each line exactly one workflow command, its properties free of raw
  `:` and `,`;
- JSON and SARIF: `json.loads` reads them, they encode as UTF-8, and every
  value without a surrogate reads back exactly;
- HTML: UTF-8, and html5lib parses the page without an error.

`HYPOTHESIS_PROFILE=deep` makes it the issue's deep hunt: 5,000 examples a format.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from unittest import mock

import html5lib
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from validator.cli import _progress, main
from validator.escaping import (
    escape,
    json_text,
    name_of,
    one_line,
    printable,
    visible,
    workflow_data,
)
from validator.findings import RULES, Finding
from validator.render.documents import json_document, sarif_document
from validator.render.github import github_lines
from validator.render.html import html_page
from validator.render.text import statistics_lines, summary, text_lines
from validator.results import ArticleSeen, DatasetSeen, Report

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
hunt = settings(max_examples=5000, suppress_health_check=[HealthCheck.too_slow]) if DEEP \
    else settings()

# What shows as nothing, and could hide text in a value: format characters, fillers, tags.
INVISIBLE = ("\xad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u206a-\u206f\u3164\uffa0"
             "\ufff9-\ufffb\U0001d173-\U0001d17a\U000e0000-\U000e007f")
# What a line of a log must not hold: C0 and C1 controls, the bidi marks, embeddings,
# overrides and isolates, line and paragraph separators, the byte order mark.
LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                            f"\u2028\u2029\ufeff\ud800-\udfff{INVISIBLE}]")
# In a JSON document, the layout's line ends are the only control.
JSON_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                            f"\u2066-\u2069\u2028\u2029\ufeff\ud800-\udfff{INVISIBLE}]")
HTML_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                            "\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::([^\r\n]*)\Z")

NASTY = ["\x1b", "\x1b]0;pwned\x07", "\x1b]8;;https://x.test/\x1b\\link\x1b]8;;\x1b\\",
         "\x1b[2J", "\x9b31m", "\x9d0;t\x9c", "\x07", "\x00", "\r", "\n", "\r\n", "\x0b",
         "\x0c", "\x85", "\u202e", "\u2066", "\u2069", "\u200f", "\u061c", "\u2028", "\u2029",
         "\ufeff", "%", "%0A", "%25", ":", ",", "::", "::error file=README.md::forged",
         "\n::error file=README.md::forged", "##[error]forged", "###[stop-commands]x",
         " ::warning::x", "\u3000::notice::x", "[link=https://x.test/]", "[/link]", "[bold]",
         ":smile:", "\ud800", "\udcff", "\udfff", "\ud83d", "\ufffe", "\U0001fffe", "\ufdd0",
         "<script>", "</pre>", "&amp;", '"', "'", "\t", " ", "é", "Зеленський", "ۍ", "🚀",
         "~0", "~1", "/", "\\", "\\u001b", "{task.description}", "{0}", "\ud800\udc00",
         "\xad", "\u180e", "\u206a", "\ufff9", "\U000e0001\U000e0041", "\U0001d173", "\u034f",
         "\u115f", "\u3164"]
ANY_CHAR = st.one_of(st.integers(0, 0x10FFFF).map(chr), st.characters())
TEXTS = st.lists(st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=6)),
                 max_size=8).map("".join)
NAMES = st.one_of(
    TEXTS,
    st.binary(max_size=24).map(os.fsdecode),  # any bytes, as the file system gives them
    st.lists(st.one_of(st.binary(min_size=1, max_size=8).map(os.fsdecode), TEXTS),
             min_size=1, max_size=4).map("/".join),
)


@st.composite
def findings(draw: st.DrawFn, files: st.SearchStrategy[str] = NAMES) -> Finding:
    code = draw(st.sampled_from(list(RULES)))
    line = draw(st.integers(0, 10**6))
    # Its file as `make` keeps it: printable, every name its own (`name_of` reads it back).
    return Finding(printable(draw(files)), line, draw(st.integers(0, 10**4)) if line else 0,
                   code, draw(TEXTS), draw(TEXTS), RULES[code].severity)


FINDING_LISTS = st.lists(findings(), max_size=12).map(sorted)
IGNORED = st.lists(st.sampled_from([c for c, r in RULES.items() if r.ignorable]),
                   unique=True).map(sorted)


def assert_log_line(line: str) -> None:
    """A line of a log: nothing a terminal or a CI runner would obey, nothing unencodable."""
    assert not LINE_FORBIDDEN.search(line), ascii(line)
    assert "##[" not in line, line
    assert not line.lstrip().startswith("::"), line
    line.encode("utf-8")


def assert_log(text: str, lines: int) -> None:
    assert len(text.splitlines()) == lines  # no line break of any kind inside a line
    for line in text.splitlines():
        assert_log_line(line)


# Examples the issue names, given to each format.
EVIL = [
    Finding("d/events.jsonl", 5, 9, "schema-unknown-field",
            "unknown field 'k\\u001b'", "/k\x1b]0;pwned\x07\x9b31m\x00\r\u202eevil"),
    Finding("x\n::error file=README.md::forged/events.jsonl", 0, 0, "resource-undeclared",
            "::error file=README.md::forged", "##[error]forged"),
    Finding(os.fsdecode(b"d\xff\xfe/a.txt"), 1, 1, "encoding-invalid", "\ud800\udcff", "/\udfff"),
    Finding("[link=https://x.test/]a[/link]", 1, 1, "table-header", "50%, a:b", "/0/x,y:z"),
]


@hunt
@given(FINDING_LISTS)
@example(EVIL)
def test_text_lines_and_statistics_hold_no_control(found: list[Finding]) -> None:
    for colour in (False, True):
        lines = list(text_lines(found, colour=colour))
        if colour:  # the report's own tints, and nothing else
            lines = [re.sub(r"\x1b\[(1|31|33|0)m", "", line) for line in lines]
        assert_log("\n".join(lines), len(lines))
    statistics = list(statistics_lines(found))
    assert_log("\n".join(statistics), len(statistics))


@hunt
@given(FINDING_LISTS, st.integers(0, 10**6), st.integers(0, 10**6), IGNORED)
def test_the_summary_is_one_clean_line(found: list[Finding], datasets: int, records: int,
                                       ignored: list[str]) -> None:
    assert_log(summary(datasets, records, found, ignored), 1)


def _unescape(data: str) -> str:
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":") \
        .replace("%2C", ",").replace("%25", "%")


@hunt
@given(FINDING_LISTS, IGNORED)
@example(EVIL, ["meaning"])
def test_each_github_line_is_exactly_one_workflow_command(found: list[Finding],
                                                          ignored: list[str]) -> None:
    lines = list(github_lines(found, ignored))
    assert len(lines) == len(found) + bool(ignored)
    text = "\n".join(lines)
    assert len(text.splitlines()) == len(lines)
    for line, finding in zip(lines[bool(ignored):], found, strict=True):
        match = COMMAND.match(line)
        assert match, ascii(line)
        assert match[1] == ("error" if finding.severity.value == "error" else "warning")
        properties = [p.split("=", 1) for p in match[2].split(",")]
        keys = ["file", "line", "col", "title"] if finding.line else ["file", "title"]
        assert [key for key, _ in properties] == keys
        values = dict(properties)
        assert _unescape(values["file"]) == _unescape(workflow_data(finding.file))
        for value in [*values.values(), match[3]]:
            # Decoded as the runner decodes it: still no control but the line breaks
            # the data may show, no surrogate, nothing a terminal obeys.
            assert not LINE_FORBIDDEN.search(_unescape(value).replace("\r", "").replace(
                "\n", "")), ascii(value)
            assert "##[" not in value
        line.encode("utf-8")


def _documents(found: list[Finding]) -> list[str]:
    common = {"datasets": 1, "records": 2, "tool_version": "test",
              "schema_versions": ["1.0.0"], "ignored": ["meaning"]}
    return [json_document(found, **common), sarif_document(found, **common)]


def _surrogate_escapes(text: str) -> str:
    return re.sub("[\udc80-\udcff]", lambda m: f"\\x{ord(m[0]) - 0xdc00:02x}",
                  re.sub("[\ud800-\udc7f\udd00-\udfff]", lambda m: f"\\u{ord(m[0]):04x}",
                         text))


def _surrogate_free(text: str) -> bool:
    return not re.search("[\ud800-\udfff]", text)


@hunt
@given(FINDING_LISTS)
@example(EVIL)
def test_json_and_sarif_are_valid_unicode_and_read_back(found: list[Finding]) -> None:
    report, log = _documents(found)
    for document in (report, log):
        document.encode("utf-8")
        assert not JSON_FORBIDDEN.search(document), ascii(document)
        assert "##[" not in document
    listed = json.loads(report)["findings"]
    results = json.loads(log)["runs"][0]["results"]
    assert len(listed) == len(results) == len(found)
    for finding, entry, result in zip(found, listed, results, strict=True):
        assert entry["code"] == result["ruleId"] == finding.code
        for field in ("file", "message", "pointer"):  # exact, but for a lone surrogate
            # The file's name, not as the text report prints it (see the test below).
            value = name_of(finding.file) if field == "file" else getattr(finding, field)
            assert _surrogate_free(entry[field])
            if _surrogate_free(value):
                assert entry[field] == value
            else:  # an undecodable byte as the name prints it
                assert printable(entry[field]) == printable(_surrogate_escapes(value))
        if finding.pointer and _surrogate_free(finding.pointer):
            assert result["properties"]["pointer"] == finding.pointer


@given(st.text(), st.text())
@example("m\n", "m\\u000a")  # a line break, and the six characters of its escape
@example(os.fsdecode(b"\xff"), "\\xff")
def test_names_print_each_their_own_way_and_read_back(name: str, other: str) -> None:
    assert name_of(printable(name)) == name
    assert (printable(name) == printable(other)) == (name == other)
    assert not LINE_FORBIDDEN.search(printable(name))


@given(st.text())
@example("cafe\u0301")
@example("\u212bngstr\u00f6m")  # the Angstrom sign, NFC's Å
@example("\u1100\u1161")  # decomposed Hangul
@example("\uf900")  # a compatibility ideograph
def test_a_name_that_is_not_nfc_shows_its_combining_marks(name: str) -> None:
    """Composed and decomposed "café" are two folders that printed alike on a terminal."""
    printed = printable(name)
    if not unicodedata.is_normalized("NFC", name):  # its NFC twin prints otherwise
        assert printed.isascii()
        assert printable(unicodedata.normalize("NFC", name)) != printed
    assert name_of(printed) == name


def test_composed_and_decomposed_names_print_apart() -> None:
    assert (printable("caf\u00e9"), printable("cafe\u0301"), printable("e\u0301t\u00e9")) \
        == ("caf\u00e9", "cafe\\u0301", "e\\u0301t\\u00e9")


def test_a_sarif_uri_is_the_name_s_own_bytes() -> None:
    from validator.render.documents import artifact_uri

    assert artifact_uri(printable("m\nm/events.jsonl")) == "m%0Am/events.jsonl"
    assert artifact_uri(printable("m\\u000am/e")) == "m%5Cu000am/e"
    assert artifact_uri(printable(os.fsdecode(b"/d\xff/e"))) == "file:///d%FF/e"


def _seen(display: str, title: str | None, articles: list[tuple[str, str, str | None]],
          root: str = "/nonexistent", events: str | None = None) -> DatasetSeen:
    return DatasetSeen(f"{printable(display)}/datapackage.json", display, root, title, events,
                       0, tuple(ArticleSeen(*article) for article in articles))


def assert_page(page: str, findings: int) -> None:
    page.encode("utf-8")
    assert not HTML_FORBIDDEN.search(page), ascii(HTML_FORBIDDEN.search(page))
    assert "##[" not in page
    assert not any(line.lstrip().startswith("::") for line in page.splitlines())
    html5lib.HTMLParser(strict=True).parse(page)  # raises on the first parse error
    assert page.count('class="code"') == findings  # each finding, once


@hunt
@given(st.lists(findings(NAMES | st.builds("{}/{}".format, st.just("d"), NAMES)),
                max_size=8).map(sorted),
       st.sampled_from(["d", os.fsdecode(b"d\xff\xfe"), "x\n::error file=README.md::forged"]),
       st.none() | TEXTS, st.lists(st.tuples(TEXTS, NAMES, st.none() | TEXTS), max_size=3))
@example([*EVIL, Finding("d/a\n:", 5, 3, "json-syntax", "m\n:", ":")], "d", "t\n:",
         [("s\n:", ":\n:", "\n:\n::error::x\n##[error]y")])
def test_the_page_is_utf_8_and_well_formed(found: list[Finding], display: str,
                                           title: str | None,
                                           articles: list[tuple[str, str, str | None]]) -> None:
    report = Report(tuple(found), 1, 0, seen=(_seen(display, title, articles),))
    assert_page(html_page(report, tool_version="test"), len(found))


EVENTS_ROOT = Path(tempfile.mkdtemp(prefix="output-policy-"))


@hunt
@given(st.dictionaries(st.sampled_from(["id", "event_type", "summary", "x"]), TEXTS),
       TEXTS, TEXTS, TEXTS, TEXTS, st.integers(0, 12), st.integers(0, 12))
def test_the_page_draws_any_record_and_span_safely(fields: dict[str, str], source: str,
                                                   quote: str, supports: str, text: str,
                                                   start: int, end: int) -> None:
    """Record ids, summaries, quotes, pointers and article text as the page draws them."""
    record = {**fields, "date": {"start": quote, "end": supports},
              "evidence": [{"source": source, "start": start, "end": end, "text": quote,
                            "supports": supports}, {"source": source, "start": 0,
                                                    "end": len(text), "supports": "/id"}]}
    (EVENTS_ROOT / "events.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    finding = Finding("d/events.jsonl", 1, 1, "span-text-mismatch", quote, "/evidence/0")
    seen = _seen("d", None, [(source, "a.txt", text)], str(EVENTS_ROOT), "events.jsonl")
    page = html_page(Report((finding,), 1, 1, seen=(seen,)), tool_version="test")
    assert_page(page, 1)


@hunt
@given(TEXTS)
@example("x\n::error file=README.md::forged")
@example(os.fsdecode(b"\xff\xfe"))
def test_stderr_gets_one_clean_line_whatever_the_arguments(text: str) -> None:
    """Usage errors (a PATH, an option, an option's value) and internal errors."""
    for argv in (["no-such-folder-" + text], ["no-such-folder", "--" + text],
                 ["--jobs", text, "no-such-folder"], ["--format", text]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        if code == 0:  # an abbreviation of --version, --list-rules or --help
            continue
        assert code == 2
        lines = err.getvalue().splitlines()
        assert err.getvalue().endswith("\n")
        assert lines, argv
        for line in lines:
            assert_log_line(line)
            assert line.startswith(("validate: ", "usage: validate", "  ")), ascii(line)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("name", [
    "[link=https://x.test/]click[/link]", "\x1b]0;pwned\x07", "\x1b]8;;https://x.test/\x1b\\a",
    "\x9b31mred", "x\n::error file=README.md::forged", os.fsdecode(b"d\xff\xfe"),
    "[bold red]loud", "\u202eevil", ":smile:",
])
def test_the_progress_bar_shows_names_as_text(name: str) -> None:
    """No markup, no escape sequence of the name's own, nothing unencodable."""
    terminal = _Terminal()
    with mock.patch.dict(os.environ, {"TERM": "xterm-256color", "COLUMNS": "200"}), \
            contextlib.ExitStack() as stack:
        os.environ.pop("CI", None)
        show = stack.enter_context(_progress(terminal))
        assert show is not None
        show(1, 2, name)
    drawn = terminal.getvalue()
    drawn.encode("utf-8")
    assert one_line(name) in drawn  # literally: "[link=…]" as written, escapes as text
    assert not re.search("\x1b[^[]", drawn)  # rich's own CSI, never an OSC (title, link)
    # Rich moves the cursor with CR and LF: no other control, no bidi character.
    assert not re.search("[\x00-\x09\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\u202a-\u202e]", drawn)


def test_the_escapers_agree_and_change_nothing_twice() -> None:
    nasty = "".join(NASTY)
    assert one_line(one_line(nasty)) == one_line(nasty)
    # A name is printed once (its backslashes escaped: see test_names_print_…), and a log
    # line escapes no more of it than what would start a workflow command.
    assert one_line(printable(nasty)).replace("\\u003a", ":").replace("\\u0023", "#") \
        == printable(nasty)
    assert printable("a\udcffb\ud800") == "a\\xffb\\ud800"  # no UnicodeEncodeError
    assert one_line("::error::x") == "\\u003a:error::x"
    assert one_line(" ##[error]x") == " \\u0023#[error]x"
    assert escape("\udcff") == "'\\udcff'"  # messages keep their own spelling
    assert json.loads(json_text(json.dumps(["\u202e\x9b##[\udcff"], ensure_ascii=False))) == [
        "\u202e\x9b##[\\xff"]
    assert str(visible("<\n::x ##[y\n:")) == "&lt;\n&#58;:x &#35;#[y\n&#58;"


# The command itself, on the attacks of the issue.

REPO = Path(__file__).parent.parent
BASE = Path(__file__).parent / "cases" / "valid" / "base"


def _run(*args: str, cwd: Path | bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "validator", *args], capture_output=True,
                          cwd=cwd, env=env, timeout=120, check=False)


def test_a_folder_name_cannot_forge_a_workflow_command_on_stderr(tmp_path: Path) -> None:
    """A hook passes a changed file outside any dataset: the usage error stays one line."""
    folder = tmp_path / "x\n::error file=README.md::forged"
    folder.mkdir()
    (folder / "a.txt").write_text("x", "utf-8")
    shutil.copytree(BASE, tmp_path / "dataset")
    for fmt in ("text", "github"):
        result = _run("--format", fmt, "dataset/events.jsonl", str(folder.name) + "/a.txt",
                      cwd=tmp_path)
        assert result.returncode == 2
        assert result.stdout == b""
        err = result.stderr.decode("utf-8")
        assert err == ("validate: x\\u000a::error file=README.md::forged/a.txt: not a folder, "
                       "a datapackage.json or a file inside a dataset "
                       "(looked no higher than the current folder)\n")
        assert_log(err, 1)


def test_a_dataset_folder_that_is_not_utf_8_gives_a_utf_8_page(tmp_path: Path) -> None:
    """With -o too: no UnicodeEncodeError, and the page names the folder with escapes."""
    folder = os.path.join(os.fsencode(tmp_path), b"d\xff\xfe")  # noqa: PTH118 - a bytes path
    shutil.copytree(BASE, os.fsdecode(folder))
    out = tmp_path / "page.html"
    result = _run(os.fsdecode(b"d\xff\xfe"), "--format", "html", "-o", str(out), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, b"")
    page = out.read_bytes().decode("utf-8")
    assert "d\\xff\\xfe/datapackage.json" in page
    assert_page(page, 0)
    printed = _run(os.fsdecode(b"d\xff\xfe"), "--format", "html", cwd=tmp_path)
    assert printed.returncode == 0
    assert printed.stdout.decode("utf-8") == page
    for fmt in ("text", "json", "sarif", "github"):
        assert _run(os.fsdecode(b"d\xff\xfe"), "--format", fmt, cwd=tmp_path).returncode == 0


sys.path.insert(0, str(Path(__file__).parent / "cases" / "hostile"))
from cases_output import OUTPUT_CASES, Hostile  # noqa: E402 - found through the path above


def assert_github(text: str, findings: int) -> None:
    lines = text.splitlines()
    assert len(lines) == findings
    for line in lines:
        match = COMMAND.match(line)
        assert match, ascii(line)
        assert all(p.split("=", 1)[0] in {"file", "line", "col", "title"}
                   for p in match[2].split(","))
        assert not LINE_FORBIDDEN.search(line)
        assert "##[" not in line


@pytest.mark.parametrize("case", OUTPUT_CASES, ids=lambda c: c.name)
def test_every_format_of_a_hostile_output_case_is_clean(case: Hostile, tmp_path: Path) -> None:
    """The command's own output, each format: the exit code, and nothing its sink forbids."""
    folder = tmp_path / case.name / "dataset"
    shutil.copytree(BASE, folder)
    case.build(folder)
    outputs = {}
    for fmt in ("json", "text", "github", "sarif", "html"):
        result = _run(str(folder), "--format", fmt, cwd=tmp_path)
        assert (result.returncode, result.stderr) == (case.exit, b""), result.stderr[-2000:]
        outputs[fmt] = result.stdout.decode("utf-8")  # strictly UTF-8
    findings = json.loads(outputs["json"])["findings"]
    assert {f["code"] for f in findings} == case.codes
    assert_json = [json.loads(outputs[fmt]) for fmt in ("json", "sarif")]
    assert len(assert_json[1]["runs"][0]["results"]) == len(findings)
    for fmt in ("json", "sarif"):
        assert not JSON_FORBIDDEN.search(outputs[fmt]), fmt
        assert "##[" not in outputs[fmt]
    text_lines_ = outputs["text"].splitlines()
    assert_log(outputs["text"], len(text_lines_))
    assert text_lines_[-1].startswith("1 dataset, ")
    assert_github(outputs["github"], len(findings))
    assert_page(outputs["html"], len(findings))
