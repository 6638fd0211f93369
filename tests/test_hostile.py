"""Hostile input: a located finding and exit 1, never a traceback, hang, fetch, escape or edit."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import html5lib
import pytest

from validator import validate
from validator.render.html import html_page

sys.path.insert(0, str(Path(__file__).parent / "cases" / "hostile"))
from cases import CANARY, Hostile
from cases import HOSTILE as ROUND_ONE
from cases_cost import COST
from cases_files import FILES
from cases_output import OUTPUT_CASES

HOSTILE = ROUND_ONE + FILES + OUTPUT_CASES  # round two's cases (issue 25), the same contract

BASE = Path(__file__).parent / "cases" / "valid" / "base"
CANARY_VALUE = "canary-value-never-printed-31337"


def build(case: Hostile, root: Path) -> Path:
    folder = root / case.name / "dataset"
    shutil.copytree(BASE, folder)
    case.build(folder)
    return folder


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry below root: kind, size, mtime and content hash (FIFOs are not opened)."""
    state = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            info = path.lstat()
            entry: tuple = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
            if stat.S_ISLNK(info.st_mode):
                entry += (str(path.readlink()),)
            elif stat.S_ISREG(info.st_mode):
                entry += (hashlib.sha256(path.read_bytes()).hexdigest(),)
            state[str(path)] = entry
    return state


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, CANARY: CANARY_VALUE}
    return subprocess.run([sys.executable, "-m", "validator", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_there_are_at_least_forty_cases_in_every_category() -> None:
    assert len(HOSTILE) >= 40
    assert {c.category for c in HOSTILE} >= {"json", "encoding", "numbers", "nesting",
                                            "descriptor", "symlink", "fifo", "csv", "article",
                                            "huge"}


@pytest.mark.parametrize("case", HOSTILE + COST, ids=lambda c: f"{c.category}/{c.name}")
def test_hostile_case_keeps_the_contract(case: Hostile, tmp_path: Path) -> None:
    """The stated exit code and codes; no traceback; no canary; inputs untouched."""
    folder = build(case, tmp_path)
    before = snapshot(tmp_path)
    result = run_cli(str(folder), "--format", "json")
    assert snapshot(tmp_path) == before
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert CANARY_VALUE not in output
    assert result.returncode == case.exit, output[-2000:]
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert codes == case.codes


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: f"{c.category}/{c.name}")
def test_hostile_case_gives_an_evidence_page(case: Hostile, tmp_path: Path) -> None:
    """The evidence page reads the dataset again: still no crash, no canary, no edit."""
    folder = build(case, tmp_path)
    before = snapshot(tmp_path)
    os.environ[CANARY] = CANARY_VALUE
    try:
        report = validate([str(folder)])
        page = html_page(report, tool_version="test")
    finally:
        del os.environ[CANARY]
    assert snapshot(tmp_path) == before
    assert CANARY_VALUE not in page
    html5lib.HTMLParser(strict=True).parse(page)  # well formed, whatever the input
    assert page.count('class="code"') == len(report.findings)  # each finding, once


AUDIT_SCRIPT = textwrap.dedent("""
    import itertools, json, os, sys
    from pathlib import Path

    roots = [os.path.realpath(p) for p in sys.argv[2:]]
    allowed = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    allowed |= {os.path.realpath(p) for p in sys.path if p}
    allowed.add(os.path.realpath(sys.argv[1]))  # the checkout, for its schema/ folder
    events = []

    def hook(event, args):
        if event.startswith("socket."):
            events.append([event, repr(args)[:200]])
        elif event == "open" and isinstance(args[0], (str, bytes)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if not any(path == r or path.startswith(r + os.sep) for r in roots) and not any(
                    path.startswith(a + os.sep) for a in allowed):
                events.append([event, path])

    # Imported before the hook: the package's own files are fine.
    from validator import check_record, validate
    from validator.render.html import _template, html_page
    _template()  # the page's template, one of the package's own files
    sys.addaudithook(hook)
    for root in roots:
        html_page(validate([root]), tool_version="audit")
        for events_file in sorted(Path(root).rglob("events.jsonl")):
            if events_file.is_symlink() or not events_file.is_file():
                continue  # the hostile links and FIFOs: this script must not follow them
            with open(events_file, "rb") as lines:  # a record in memory: it reads nothing
                for line in itertools.islice(lines, 20):
                    check_record(line[:100_000].rstrip(b"\\n"), texts={}, actors=())
    print(json.dumps(events))
""")


def test_no_socket_and_no_read_outside_the_datasets(tmp_path: Path) -> None:
    """An audit hook around full runs over every hostile case, each with its evidence
    page and its first records checked in memory, sees no socket and no file opened
    outside the case folders (Python's and the package's own files aside)."""
    roots = [str(build(case, tmp_path / "all").parent) for case in HOSTILE]
    result = subprocess.run([sys.executable, "-c", AUDIT_SCRIPT,
                             str(Path(__file__).parent.parent), *roots],
                            capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, CANARY: CANARY_VALUE})
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_output_survives_lc_all_c_and_a_closed_pipe(tmp_path: Path) -> None:
    """Non-ASCII findings print under LC_ALL=C, and `| head -1` ends without a traceback."""
    case = next(c for c in HOSTILE if c.name == "many-findings")
    folder = build(case, tmp_path)
    (folder / "événements-ÿ.txt").write_text("undeclared\n", "utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": ""}
    plain = subprocess.run([sys.executable, "-m", "validator", str(folder)], env=env,
                           capture_output=True, timeout=120, check=False)
    assert plain.returncode == 1
    assert b"Traceback" not in plain.stderr
    assert b"resource-undeclared" in plain.stdout
    piped = subprocess.run(f"{sys.executable} -m validator {folder} | head -1", shell=True,  # noqa: S602 - a fixed pipeline
                           capture_output=True, timeout=120, check=False, env=env)
    assert len(piped.stdout.splitlines()) == 1
    assert b"Traceback" not in piped.stderr
    assert b"BrokenPipe" not in piped.stderr


def test_non_utf8_file_name(tmp_path: Path) -> None:
    """A file whose name is not UTF-8 is reported with an escaped name."""
    folder = build(HOSTILE[0], tmp_path)
    with open(os.path.join(os.fsencode(folder), b"bad-\xff.txt"), "wb") as handle:  # noqa: PTH118, PTH123 - a bytes path
        handle.write(b"x")
    result = run_cli(str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "dataset/bad-\\xff.txt:0:0: error resource-undeclared" in result.stdout
