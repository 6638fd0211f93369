"""The command line: formats, exit codes, and the three-mistake acceptance case."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from running import run

from validator import RULES, Report, registry, validate
from validator.cli import main

REPO = Path(__file__).parent.parent
NEWEST = registry.versions()[-1]  # the version of the repository's datasets
NEWSBYTES = REPO / "datasets" / "newsbytes-2023-07-29-shoigu-pyongyang"
# The repository's datasets, counted apart from the validator: folders and lines.
DATASETS = [folder for folder in (REPO / "datasets").iterdir()
            if (folder / "datapackage.json").is_file()]
RECORDS = sum(len((folder / "events.jsonl").read_bytes().splitlines()) for folder in DATASETS)


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m validator ARGS` in a child process, as a shell or CI runs it."""
    return subprocess.run([sys.executable, "-m", "validator", *args], capture_output=True,
                          text=True, check=False, timeout=120)


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, dict[str, tuple[int, int]]]:
    """The 2023 dataset with an offset moved by one, an actor misspelled, a range reversed.

    Returns the folder and, per rule code, the (line, column) where the
    mutated value stands, found with plain string search on the raw line.
    """
    folder = tmp_path / "newsbytes"
    shutil.copytree(NEWSBYTES, folder)
    lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    records[0]["evidence"][1]["start"] += 1
    records[0]["evidence"][1]["end"] += 1
    records[2]["actors"][4] = "ukriane"
    records[1]["date"]["end"] = "2023-07-20"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    span_start = str(records[0]["evidence"][1]["start"])
    spans = [m.start() for m in re.finditer(r'"start": (\d+)', lines[0])]
    start_col = next(s for s in spans if lines[0][s:].startswith(f'"start": {span_start}'))
    where = {
        "span-text-mismatch": (1, start_col + len('"start": ') + 1),
        "date-range-reversed": (2, lines[1].index('"2023-07-20"') + 1),
        "actor-unknown": (3, lines[2].index('"ukriane"') + 1),
    }
    return folder, where


def test_three_mistakes_give_exactly_three_located_findings(broken) -> None:
    """Each mistake is one finding at the line and column of the mutated value (library)."""
    folder, where = broken
    report = validate([str(folder)])
    got = {f.code: (f.line, f.column) for f in report.findings}
    assert len(report.findings) == 3
    assert got == where


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_three_mistakes_in_every_format(broken, fmt: str) -> None:
    """Text, JSON, GitHub and SARIF outputs carry the same three findings and exit 1."""
    folder, where = broken
    result = run(str(folder), "--format", fmt)
    assert result.returncode == 1, result.stderr
    events = f"{folder.as_posix()}/events.jsonl"
    if fmt == "json":
        findings = json.loads(result.stdout)["findings"]
        got = {f["code"]: (f["file"], f["line"], f["column"]) for f in findings}
        assert got == {code: (events, *pos) for code, pos in where.items()}
    elif fmt == "sarif":
        results = json.loads(result.stdout)["runs"][0]["results"]
        got = {r["ruleId"]: (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                             r["locations"][0]["physicalLocation"]["region"]["startLine"],
                             r["locations"][0]["physicalLocation"]["region"]["startColumn"])
               for r in results}
        assert got == {code: (f"file://{events}", *pos) for code, pos in where.items()}
    elif fmt == "github":
        lines = result.stdout.splitlines()
        assert len(lines) == 3
        for code, (line, col) in where.items():
            assert any(out.startswith(f"::error file={events.replace(':', '%3A')},line={line},"
                                    f"col={col},title={code}%3A") for out in lines), lines
    else:
        for code, (line, col) in where.items():
            assert f"{events}:{line}:{col}: error {code} " in result.stdout
        assert result.stdout.rstrip().endswith("1 dataset, 4 records: 3 errors, 0 warnings")
        assert "not shown" not in result.stdout


def test_files_named_as_a_hook_names_them_check_their_dataset_once(broken) -> None:
    """A pre-commit hook passes the changed files: their dataset's findings, in full, once."""
    folder, where = broken
    result = run(f"{folder}/events.jsonl", f"{folder}/articles", f"{folder}/datapackage.json",
                 "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert {f["code"]: (f["line"], f["column"]) for f in report["findings"]} == where
    assert report["summary"]["datasets"] == 1


def test_valid_datasets_exit_zero() -> None:
    result = run("datasets", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_no_dataset_is_a_usage_error(tmp_path: Path) -> None:
    """Finding no dataset is exit 2 with a message, never a silent pass."""
    result = run(str(tmp_path))
    assert result.returncode == 2
    assert "no dataset found" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_and_bad_option_are_usage_errors(tmp_path: Path) -> None:
    assert run(str(tmp_path / "absent")).returncode == 2
    assert run("--format", "xml").returncode == 2
    assert run("--max-findings", "-1", str(NEWSBYTES)).returncode == 2


def test_default_path_is_datasets(capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    assert main([]) == 0
    assert f"{len(DATASETS)} datasets, {RECORDS} records: 0 errors" in capsys.readouterr().out


def test_list_rules_names_every_rule() -> None:
    text = run("--list-rules").stdout
    assert all(re.search(rf"^{re.escape(code)}\s", text, re.MULTILINE) for code in RULES)
    listed = json.loads(run("--list-rules", "--format", "json").stdout)
    assert [r["code"] for r in listed] == list(RULES)


def test_version_names_package_and_schema() -> None:
    from importlib.metadata import version

    out = run("--version").stdout
    assert out == f"textevents {version('textevents')} (schema 1.0.0, 1.1.0, 1.2.0, 1.3.0)\n"


def test_version_is_unknown_outside_an_installed_package(monkeypatch) -> None:
    import importlib.metadata

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert run("--version").stdout == "textevents unknown (schema 1.0.0, 1.1.0, 1.2.0, 1.3.0)\n"


def test_the_library_declares_its_types() -> None:
    """PEP 561: type checkers of code that imports `validator` use its annotations."""
    assert (resources.files("validator") / "py.typed").is_file()


def test_json_report_follows_its_schema(broken) -> None:
    import jsonschema

    folder, _ = broken
    document = json.loads(run(str(folder), "--format", "json").stdout)
    schema = json.loads((REPO / "validator" / "report.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["summary"] == {"datasets": 1, "records": 4, "errors": 3, "warnings": 0,
                                   "valid": False, "ignored": [], "versions": {NEWEST: 1}}
    [article] = document["uncovered"]
    assert article["file"] == f"{folder}/articles/newsbytes-2023-07-29.txt"
    text = (folder / "articles" / "newsbytes-2023-07-29.txt").read_text("utf-8")
    for sentence in article["sentences"]:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    case = REPO / "tests" / "cases" / "invalid" / "codelist-open-value" / "context"
    shutil.copytree(case, tmp_path / "case")
    assert run(str(tmp_path / "case")).returncode == 0
    assert run(str(tmp_path / "case"), "--strict").returncode == 1


def test_repeated_findings_collapse_and_max_findings(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    shutil.copytree(NEWSBYTES, folder)
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("[1]\n" * 12)
    out = run(str(folder)).stdout
    assert out.count("record-not-object") == 6  # five shown, then the collapsed line
    assert "… and 7 more record-not-object" in out
    limited = run(str(folder), "--max-findings", "2").stdout
    assert "… 10 more findings not shown" in limited
    assert "12 errors" in limited


def test_statistics_replace_the_findings_with_a_count_per_rule(broken) -> None:
    folder, where = broken
    result = run(str(folder), "--statistics")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert sorted(line.split()[2] for line in lines[:-2]) == sorted(where)
    assert all(line.split()[0] == "1" and line.endswith("(in 1 file)") for line in lines[:-2])
    assert lines[-2] == f"checked against schema {NEWEST} (1 dataset)"  # as every report
    assert lines[-1] == "1 dataset, 4 records: 3 errors, 0 warnings"
    assert run(str(folder), "--statistics", "--quiet").stdout == lines[-1] + "\n"


@pytest.mark.parametrize("fmt", ["json", "github", "sarif", "html"])
def test_statistics_in_another_format_is_a_usage_error(broken, fmt: str) -> None:
    result = run(str(broken[0]), "--statistics", "--format", fmt)
    assert result.returncode == 2
    assert result.stderr.endswith(f"validate: --statistics is for the text format, not {fmt}\n")
    assert result.stdout == ""


def test_github_output_cannot_start_a_command(tmp_path: Path) -> None:
    """A dataset value with newlines and '::' stays inside one annotation line."""
    folder = tmp_path / "evil"
    shutil.copytree(NEWSBYTES, folder)
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps("x\n::error::pwned\r\n%0A") + "\n")
    lines = run(str(folder), "--format", "github").stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error file=")
    assert "\n::error::pwned" not in lines[0]


def test_internal_error_is_a_finding_and_the_run_goes_on(monkeypatch) -> None:
    """A check that crashes gives an internal-error finding for that record only."""
    from validator.checks import records as records_module
    from validator.checks.base import RecordCheck

    def explode(record, context):
        raise RuntimeError("boom")

    def never(view, context):
        return False

    monkeypatch.setattr(records_module, "RECORD_CHECKS", (RecordCheck(explode, never, codes=frozenset({"visitor-is-host"})),))
    report = validate([str(NEWSBYTES)])
    assert [(f.code, f.line) for f in report.findings] == [("internal-error", n)
                                                           for n in range(1, 5)]
    assert report.findings[0].message == "explode failed: RuntimeError: 'boom'"
    assert report.records == 4


def test_a_dataset_that_crashes_the_validator_is_one_finding(monkeypatch) -> None:
    """The crash barrier of a dataset's layers: one finding, and the other datasets go on."""
    from validator.engine.dataset import _Layers

    layers = _Layers.run

    def explode(self: _Layers, at: int | None) -> object:
        if self.location.root.name == NEWSBYTES.name:
            raise RuntimeError("boom\nin a layer")
        return layers(self, at)

    monkeypatch.setattr(_Layers, "run", explode)
    report = validate([str(REPO / "datasets")])
    [finding] = report.findings
    assert (finding.code, finding.message) == ("internal-error",
                                               "RuntimeError: 'boom\\u000ain a layer'")
    assert finding.file.endswith(f"{NEWSBYTES.name}/datapackage.json")
    unchecked = len((NEWSBYTES / "events.jsonl").read_bytes().splitlines())
    assert (report.datasets, report.records) == (len(DATASETS), RECORDS - unchecked)


def test_ctrl_c_exits_130(monkeypatch, capsys) -> None:
    from validator.engine import run as run_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "validate", interrupted)
    assert main([str(NEWSBYTES)]) == 130
    assert capsys.readouterr().err == "validate: interrupted\n"


class _Terminal(io.StringIO):
    """A stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "coloured"), [(False, True), (True, False)])
def test_colour_only_on_a_terminal_without_no_color(broken, monkeypatch, no_color,
                                                    coloured) -> None:
    folder, _ = broken
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    assert main([str(folder)]) == 1
    assert ("\x1b[31merror" in terminal.getvalue()) is coloured


def test_piped_output_has_no_colour_and_no_progress(broken) -> None:
    folder, _ = broken
    result = run_process(str(folder))
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal stderr the bar is drawn and then cleared; the summary still prints."""
    pty = pytest.importorskip("pty")

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    out = tmp_path / "out.txt"
    code = (f"import sys; sys.stdout = open({str(out)!r}, 'w'); "
            "from validator.cli import main; sys.exit(main(['datasets']))")
    pid, fd = pty.fork()
    if pid == 0:  # the child: stderr is the pty
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-c", code], env)  # noqa: S606 - fixed argv
    drawn = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"checking datasets/" in drawn
    assert out.read_text().endswith(f"{len(DATASETS)} datasets, {RECORDS} records: "
                                    "0 errors, 0 warnings\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--jobs", "0"], "validate: --jobs must be 1 or more\n"),
    (["--max-findings", "-1"], "validate: --max-findings must be 0 or more\n"),
    (["no-such-folder"], "validate: no-such-folder: no such file or folder\n"),
])
def test_usage_errors_exit_2_with_one_clear_line(args: list[str], message: str,
                                                 tmp_path: Path) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith(message)
    assert result.stdout == ""


def test_help_exits_0_and_a_bad_option_exits_2() -> None:
    assert run("--help").returncode == 0
    assert "usage: validate" in run("--help").stdout
    bad = run("--format", "xml")
    assert bad.returncode == 2
    assert "invalid choice: 'xml'" in bad.stderr


def test_a_failure_of_the_tool_is_exit_2_and_debug_shows_it(monkeypatch) -> None:
    from validator.engine import run as run_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(run_module, "validate", broken)
    result = run(str(NEWSBYTES))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("validate: internal error: RuntimeError: boom\n"
                             "validate: run with --debug for a traceback, and please report it\n")
    with pytest.raises(RuntimeError, match="boom"):
        main([str(NEWSBYTES), "--debug"])


def test_quiet_leaves_the_summary_in_text_and_nothing_in_github(broken) -> None:
    folder, _ = broken
    text = run(str(folder), "--quiet")
    assert (text.returncode, text.stdout) == (1, "1 dataset, 4 records: 3 errors, 0 warnings\n")
    github = run(str(folder), "--quiet", "--format", "github")
    assert (github.returncode, github.stdout) == (1, "")


def test_max_findings_limits_every_format(broken) -> None:
    folder, _ = broken
    text = run(str(folder), "--max-findings", "0").stdout
    assert text == ("… 3 more findings not shown (--max-findings)\n"
                    f"checked against schema {NEWEST} (1 dataset)\n"
                    "1 dataset, 4 records: 3 errors, 0 warnings\n")
    github = run(str(folder), "--max-findings", "1", "--format", "github").stdout.splitlines()
    assert len(github) == 2
    assert github[1] == "::notice title=textevents --max-findings::2 more findings not shown"
    assert "\n… 1 more finding not shown (--max-findings)\n" in run(  # one: no plural
        str(folder), "--max-findings", "2").stdout
    assert run(str(folder), "--max-findings", "2", "--format", "github").stdout.splitlines()[
        -1] == "::notice title=textevents --max-findings::1 more finding not shown"
    assert len(run(str(folder), "--max-findings", "3", "--format", "github")
               .stdout.splitlines()) == 3  # all shown: no notice
    document = json.loads(run(str(folder), "--max-findings", "2", "--format", "json").stdout)
    assert (len(document["findings"]), document["summary"]["errors"]) == (2, 3)


def test_without_arguments_main_reads_the_command_line(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["validate", "--version"])
    assert main() == 0
    assert capsys.readouterr().out.startswith("textevents ")


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path, monkeypatch) -> None:
    """`validate | head -1`: exit 1, and what is left to write goes to the null device."""
    from validator import cli

    def pipe_closed(argv: list[str]) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "_main", pipe_closed)
    with (tmp_path / "out").open("w") as out:
        monkeypatch.setattr(sys, "stdout", out)
        assert main(["datasets"]) == 1
        os.write(out.fileno(), b"after the reader left")
    assert (tmp_path / "out").read_text() == ""


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell here")
def test_a_closed_standard_output_is_exit_2_with_one_line() -> None:
    """`validate >&-`: said before the run, not an internal error (stdout was None)."""
    shell = shutil.which("sh") or "sh"
    for args in ([str(NEWSBYTES)], ["--version"]):
        # A child with fd 1 closed: the shell closes it, then becomes the command.
        result = subprocess.run([shell, "-c", 'exec "$0" "$@" >&-', sys.executable, "-m",
                                 "validator", *args], stderr=subprocess.PIPE, text=True,
                                check=False, timeout=120)
        assert (result.returncode, result.stderr) == (
            2, "validate: cannot write the report to standard output: it is closed\n"), args


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("args", [
    [str(NEWSBYTES)],  # fails at the final flush, which must not be left to the exit
    ["--format", "html", str(NEWSBYTES)],  # larger than a buffer: fails while writing
    ["--list-rules"],
])
def test_a_full_disk_under_standard_output_is_exit_2_with_one_line(args: list[str]) -> None:
    with Path("/dev/full").open("w") as full:
        result = subprocess.run([sys.executable, "-m", "validator", *args], stdout=full,
                                stderr=subprocess.PIPE, text=True, check=False, timeout=120)
    assert (result.returncode, result.stderr) == (
        2, "validate: cannot write the report to standard output: No space left on device\n")


def test_a_failing_standard_output_is_not_an_internal_error(monkeypatch, broken) -> None:
    """EIO from standard output is said as such; an OSError of the tool's own stays a bug."""
    import errno

    from validator.render import html as evidence_page

    class Failing(io.StringIO):
        def write(self, _text: str) -> int:
            raise OSError(errno.EIO, "Input/output error\n##[error]")

    folder, _ = broken
    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", Failing())
    monkeypatch.setattr(sys, "stderr", err)
    assert main([str(folder)]) == 2
    said = err.getvalue()
    assert said.startswith("validate: cannot write the report to standard output: "
                           "Input/output error")
    assert said.count("\n") == 1  # one line, escaped
    assert "##[" not in said

    def failing_page(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(evidence_page, "html_page", failing_page)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", err := io.StringIO())
    assert main([str(folder), "--format", "html"]) == 2
    assert err.getvalue().startswith("validate: internal error: FileNotFoundError: ")


@pytest.mark.parametrize(("args", "message"), [
    ([str(NEWSBYTES), ""], "validate: '': an empty path names nothing\n"),
    (["--", ""], "validate: '': an empty path names nothing\n"),
    (["--output", "", str(NEWSBYTES)], "validate: --output '': an empty path names nothing\n"),
])
def test_an_empty_path_is_a_usage_error(args: list[str], message: str) -> None:
    """`validate ''` (an unset variable, say) is refused, not read as the current folder."""
    result = run(*args, cwd=REPO)  # whose datasets would pass
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.endswith(message)


@pytest.mark.parametrize(("args", "paths", "jobs", "ignore", "recall"), [
    ([], ["datasets"], os.cpu_count() or 1, [], False),
    (["a", "b", "--jobs", "1"], ["a", "b"], 1, [], False),
    (["-j", "3", "a", "--ignore", "meaning, x,", "--ignore=y"], ["a"], 3, ["meaning", "x", "y"],
     False),
    # The formats that show the recall aid have the run keep what spans cite.
    (["--format", "json", "a"], ["a"], os.cpu_count() or 1, [], True),
    (["--format", "html", "a"], ["a"], os.cpu_count() or 1, [], True),
    (["--format", "sarif", "a"], ["a"], os.cpu_count() or 1, [], False),
])
def test_paths_jobs_and_ignored_rules_reach_the_run(args: list[str], paths: list[str], jobs: int,
                                                    ignore: list[str], recall: bool,
                                                    monkeypatch) -> None:
    from validator.engine import run as run_module

    asked: list[tuple[list[str], object, int, list[str], bool]] = []

    def recorded(paths: list[str], progress: object = None, jobs: int = 1,
                 ignore: list[str] | None = None, *, alone: bool = False,
                 recall: bool = True) -> object:
        assert not alone
        asked.append((paths, progress, jobs, ignore or [], recall))
        return Report((), 0, 0)

    monkeypatch.setattr(run_module, "validate", recorded)
    assert run(*args).returncode == 0
    assert asked == [(paths, None, jobs, ignore, recall)]  # no progress bar: not a terminal


def test_a_declared_hash_of_the_events_file_is_checked(tmp_path: Path) -> None:
    """The events file is hashed as it is read; the right hash passes (the case has the wrong)."""
    import hashlib

    folder = tmp_path / "hashed"
    shutil.copytree(NEWSBYTES, folder)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    events["hash"] = "sha256:" + hashlib.sha256((folder / "events.jsonl").read_bytes()).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    assert validate([str(folder)]).findings == ()


@pytest.mark.parametrize("report_format", ["text", "json", "github", "sarif", "html"])
def test_output_writes_the_report_to_a_file_in_utf8(broken, tmp_path: Path,
                                                   report_format: str) -> None:
    folder, _ = broken
    printed = run(str(folder), "--format", report_format)
    target = tmp_path / "out" / "report"
    target.parent.mkdir()
    written = run(str(folder), "--format", report_format, "--output", str(target))
    assert (written.returncode, written.stdout, written.stderr) == (1, "", "")
    assert target.read_bytes() == printed.stdout.encode("utf-8")
    if report_format == "html":
        from validator.cli import _tool_version

        assert f'<meta name="generator" content="textevents {_tool_version()}">' in printed.stdout


def test_output_never_lands_in_what_is_checked(broken, tmp_path: Path) -> None:
    folder, _ = broken
    before = sorted(p.name for p in folder.rglob("*"))
    for inside in (folder / "evidence.html", folder / "articles" / "x.html",
                   folder / "events.jsonl"):
        result = run(str(folder), "--output", str(inside))
        assert result.returncode == 2
        assert "which is being checked" in result.stderr
    link = tmp_path / "link.html"
    link.symlink_to(folder / "evidence.html")
    assert run(str(folder), "--output", str(link)).returncode == 2
    # A file names its dataset (as the pre-commit hook passes them): the dataset is checked.
    named = run(str(folder / "articles" / "newsbytes-2023-07-29.txt"),
                "--output", str(folder / "evidence.html"))
    assert named.returncode == 2
    assert "which is being checked" in named.stderr
    # A folder of datasets is checked as a whole: a report beside its datasets is refused too.
    beside = run(str(tmp_path), "--output", str(tmp_path / "evidence.html"))
    assert beside.returncode == 2
    assert beside.stderr == (f"validate: --output {tmp_path / 'evidence.html'} lies inside "
                             f"{tmp_path}, which is being checked; write the report elsewhere\n")
    assert not (tmp_path / "evidence.html").exists()
    assert sorted(p.name for p in folder.rglob("*")) == before


def test_output_to_a_missing_folder_or_a_folder_is_a_usage_error(broken, tmp_path: Path) -> None:
    folder, _ = broken
    missing = run(str(folder), "--output", str(tmp_path / "nowhere" / "r.html"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    (tmp_path / "a-folder").mkdir()
    onto_folder = run(str(folder), "--output", str(tmp_path / "a-folder"))
    assert onto_folder.returncode == 2
    assert onto_folder.stderr == f"validate: cannot write {tmp_path / 'a-folder'}: Is a directory\n"


def test_a_failure_while_writing_the_report_is_exit_2(monkeypatch, broken) -> None:
    from validator.render import html as evidence_page

    def broken_page(*args: object, **kwargs: object) -> str:
        raise RuntimeError("page")

    monkeypatch.setattr(evidence_page, "html_page", broken_page)
    folder, _ = broken
    result = run(str(folder), "--format", "html")
    assert (result.returncode, result.stdout) == (2, "")
    assert "internal error: RuntimeError: page" in result.stderr


def test_skip_outside_skips_files_in_no_dataset_and_checks_the_rest(broken, tmp_path: Path,
                                                                     monkeypatch) -> None:
    folder, _ = broken
    monkeypatch.chdir(tmp_path)
    stray = tmp_path / "docs" / "events.jsonl"  # a dataset's file name, in no dataset
    stray.parent.mkdir()
    stray.write_text("not a record\n", "utf-8")
    refused = run(str(stray), str(folder / "events.jsonl"))
    assert refused.returncode == 2
    assert "not a folder, a datapackage.json or a file inside a dataset" in refused.stderr
    skipped = run("--skip-outside", str(stray), str(folder / "events.jsonl"))
    assert skipped.returncode == 1
    assert skipped.stdout.endswith("1 dataset, 4 records: 3 errors, 0 warnings\n")
    assert "docs/events.jsonl" not in skipped.stdout


@pytest.mark.parametrize(("report_format", "output"), [
    ("text", "0 datasets, 0 records: 0 errors, 0 warnings\n"),
    ("github", ""),
])
def test_skip_outside_with_nothing_left_is_an_empty_run_that_passes(
        tmp_path: Path, monkeypatch, report_format: str, output: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("no dataset here\n", "utf-8")
    assert run("README.md").returncode == 2
    result = run("--skip-outside", "--format", report_format, "README.md")
    assert (result.returncode, result.stdout, result.stderr) == (0, output, "")


def test_skip_outside_with_nothing_left_gives_empty_json_sarif_and_html(
        tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("no dataset here\n", "utf-8")
    document = json.loads(run("--skip-outside", "--format", "json", "README.md").stdout)
    assert document["summary"] == {"datasets": 0, "records": 0, "errors": 0, "warnings": 0,
                                   "valid": True, "ignored": [], "versions": {}}
    log = json.loads(run("--skip-outside", "--format", "sarif", "README.md").stdout)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["properties"]["valid"] is True
    page = run("--skip-outside", "--format", "html", "-o", "page.html", "README.md")
    assert page.returncode == 0
    assert "Evidence of 0 datasets" in (tmp_path / "page.html").read_text("utf-8")
    assert run("--skip-outside", "missing.txt").returncode == 2  # a typo is still an error


def test_max_per_rule_sets_how_many_findings_of_a_rule_a_file_shows(tmp_path: Path) -> None:
    folder = tmp_path / "flood"
    shutil.copytree(Path(__file__).parent / "cases" / "valid" / "base", folder)
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("[1]\n" * 8)
    default = run(str(folder)).stdout.splitlines()
    assert sum("record-not-object" in line for line in default) == 6  # 5, then the count
    assert f"{folder}/events.jsonl: … and 3 more record-not-object (--max-per-rule)" in default
    two = run(str(folder), "--max-per-rule", "2").stdout
    assert "… and 6 more record-not-object (--max-per-rule)" in two
    every = run(str(folder), "--max-per-rule", "0").stdout
    assert every.count("error record-not-object") == 8
    assert "more record-not-object" not in every
    refused = run(str(folder), "--max-per-rule", "-1")
    assert refused.returncode == 2
    assert "--max-per-rule must be 0 or more" in refused.stderr


def test_the_command_s_own_process_freezes_its_modules_objects_then_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The console script and `python -m validator` freeze what the imports made (gc.freeze)
    before the run, which a caller of `main` in its own process does not want."""
    import tomllib

    from validator import cli

    calls: list[str] = []
    monkeypatch.setattr(cli.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(cli, "main", lambda: calls.append("main") or 0)
    assert cli.console() == 0
    assert calls == ["freeze", "main"]
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"]["validate"] == "validator.cli:console"
    assert "console()" in (Path(cli.__file__).parent / "__main__.py").read_text("utf-8")


def test_a_current_folder_deleted_is_a_usage_error(tmp_path: Path) -> None:
    """Run from a folder deleted since (a shell still in it): exit 2 and why, not an
    internal error, whichever PATH is named."""
    gone = tmp_path / "gone"
    gone.mkdir()
    for path in (str(REPO / "datasets"), "datasets"):
        result = subprocess.run(
            [sys.executable, "-c", ("import os, sys; from validator.cli import main; "
             "os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); sys.exit(main(sys.argv[2:]))"),
             str(gone), path], capture_output=True, text=True, timeout=60, check=False)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert result.stderr in {
            "validate: the current folder no longer exists: run validate from one that does\n",
            "validate: datasets: no such file or folder\n"}, result.stderr
        gone.mkdir()
