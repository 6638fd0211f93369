"""Hostile files, round two (issue 25): what a case folder cannot express.

Races (a folder swapped for a link between a check and an open, a file deleted while
it is read), folders that cannot be read (as a user that is not root), the report
file of `--output`, signals to a run with worker processes, and the pre-commit
hook's file names.  The hard-link cases are in `tests/cases/hostile/cases_files.py`.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from writing import shift_dates

from validator import validate
from validator.cli import main
from validator.engine import dataset as dataset_layers
from validator.findings import Problem
from validator.reading import paths
from validator.reading.limits import Sizes
from validator.reading.paths import open_regular_file
from validator.render.html import html_page

sys.path.insert(0, str(Path(__file__).parent / "cases" / "hostile"))
from cases import HOSTILE
from cases_files import FILES, OUTSIDE

REPO = Path(__file__).parent.parent
BASE = Path(__file__).parent / "cases" / "valid" / "base"
SECRET = "secret-outside-the-dataset-8d2f"  # noqa: S105 - a marker, not a password


def _dataset(folder: Path) -> Path:
    shutil.copytree(BASE, folder)
    return folder


def _cli(*args: str, cwd: Path | None = None, timeout: float = 120,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "validator", *args], capture_output=True,
                          text=True, timeout=timeout, check=False, cwd=cwd)


def _outside_copy(folder: Path, outside: Path, events: str = "events.jsonl") -> Path:
    """A copy of the dataset with the secret in each file a report would print."""
    shutil.copytree(folder, outside)
    records = outside / events
    records.write_text(records.read_text("utf-8").replace('"summary": "',
                                                          f'"summary": "{SECRET} ', 1), "utf-8")
    article = next((outside / "articles").iterdir())
    article.write_text(SECRET + "\n", "utf-8")
    return outside


# 1. Reads outside the dataset ------------------------------------------------------


def test_hard_link_cases_never_print_the_file_they_reach(tmp_path: Path) -> None:
    """Text, JSON and the evidence page of each hard-link case: the marker of the linked
    file outside the dataset is in none of them."""
    for case in FILES:
        folder = tmp_path / case.name / "dataset"
        shutil.copytree(BASE, folder)
        case.build(folder)
        for report in ("text", "json", "html"):
            result = _cli(str(folder), "--format", report)
            assert result.returncode == 1, (case.name, result.stderr)
            assert OUTSIDE not in result.stdout + result.stderr, (case.name, report)
        assert "is a hard link" in _cli(str(folder)).stdout


def test_a_folder_swapped_for_a_link_between_check_and_open_is_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race: `articles` is a folder when it is looked at, a link to outside files
    when it is opened.  The open (relative to the dataset folder, O_NOFOLLOW) refuses."""
    folder = _dataset(tmp_path / "dataset")
    outside = _outside_copy(folder, tmp_path / "outside")
    article = next((folder / "articles").iterdir()).name
    real_stat = paths._stat_at  # noqa: SLF001 - the check the race slips between

    def swapped_after_the_check(name: str, fd: int) -> os.stat_result:
        info = real_stat(name, fd)
        if name == "articles" and not (folder / "articles").is_symlink():
            (folder / "articles").rename(tmp_path / "moved")
            (folder / "articles").symlink_to(outside / "articles", target_is_directory=True)
        return info

    monkeypatch.setattr(paths, "_stat_at", swapped_after_the_check)
    problem = open_regular_file(folder, f"articles/{article}")
    assert isinstance(problem, Problem)
    assert problem.code == "path-unsafe"
    assert problem.message.startswith(f"'articles/{article}' cannot be opened")


def test_the_evidence_page_does_not_read_a_dataset_folder_swapped_after_the_run(
        tmp_path: Path) -> None:
    """The page reads the events file again after the run: a dataset folder replaced by
    a link to other files by then is refused (the folder was pinned when found), and the
    page prints none of them."""
    folder = _dataset(tmp_path / "dataset")
    outside = _outside_copy(folder, tmp_path / "outside")
    report = validate([str(folder)], alone=True)  # the copy beside it repeats its ids
    assert report.findings == ()
    folder.rename(tmp_path / "moved")
    folder.symlink_to(outside, target_is_directory=True)
    assert SECRET not in html_page(report, tool_version="test")
    paths._PINNED.clear()  # noqa: SLF001 - without the pin, the page would draw them
    assert SECRET in html_page(report, tool_version="test")


def test_a_subfolder_swapped_after_the_run_is_not_followed_by_the_page(tmp_path: Path) -> None:
    """The events file in a subfolder, which becomes a link to outside files after the
    run: the page's open of it, folder by folder with O_NOFOLLOW, refuses the link."""
    folder = _dataset(tmp_path / "dataset")
    (folder / "data").mkdir()
    (folder / "events.jsonl").rename(folder / "data" / "events.jsonl")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["resources"][0]["path"] = "data/events.jsonl"
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    outside = _outside_copy(folder, tmp_path / "outside", "data/events.jsonl")
    report = validate([str(folder)], alone=True)  # the copy beside it repeats its ids
    assert report.findings == ()
    (folder / "data").rename(tmp_path / "moved")
    (folder / "data").symlink_to(outside / "data", target_is_directory=True)
    assert SECRET not in html_page(report, tool_version="test")


AUDIT = textwrap.dedent("""
    import json, os, sys
    roots = [os.path.realpath(p) for p in sys.argv[1:]]
    opened = []
    real_open = os.open

    def where(fd):
        return os.readlink(f"/proc/self/fd/{fd}")

    def audited_open(path, flags, mode=0o777, *, dir_fd=None):
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        opened.append(where(fd))  # the file actually opened, whatever the path said
        return fd

    os.open = audited_open
    from validator import validate
    from validator.render.html import _template, html_page
    _template()
    for root in roots:
        html_page(validate([root]), tool_version="audit")
    print(json.dumps([p for p in opened if not any(
        p == r or p.startswith(r + os.sep) for r in roots)]))
""")


def test_every_file_the_run_and_the_page_open_lies_in_the_case_folders(tmp_path: Path) -> None:
    """Every `os.open` of a run and its evidence page over every hostile case (both rounds),
    checked by the path of the descriptor it returned (/proc/self/fd): relative opens
    (dir_fd) included, which an audit hook of names cannot place."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc/self/fd")
    roots = []
    for case in (*HOSTILE, *FILES):
        if case.category == "huge":
            continue  # the same opens as any case, and slow
        folder = tmp_path / case.name / "dataset"
        shutil.copytree(BASE, folder)
        case.build(folder)
        roots.append(str(folder.parent))
    result = subprocess.run([sys.executable, "-c", AUDIT, *roots], capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.splitlines()[-1]) == []


# 2. Folders and files that cannot be read -----------------------------------------------


def _as_nobody() -> list[str] | None:
    """A command prefix that runs as the user nobody, if this test runs as root."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        return None
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import validator"],
                           capture_output=True, timeout=60, check=False)
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def shared_tmp() -> object:
    """A folder that the user nobody can reach (pytest's tmp_path is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="textevents-unreadable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:  # so that it can be removed
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o755)
        shutil.rmtree(folder)


def _unreadable_layout(root: Path) -> dict[str, Path]:
    """datasets/good, datasets/locked (mode 000), datasets/partly (articles mode 000),
    datasets/unlisted (mode 111: it can be entered, not listed), datasets/file (its
    article mode 000)."""
    datasets = root / "datasets"
    folders = {name: _dataset(datasets / name)
               for name in ("good", "locked", "partly", "unlisted", "file")}
    (folders["partly"] / "articles" / "undeclared.txt").write_text("hidden\n", "utf-8")
    for path in [root, *root.rglob("*")]:  # readable by anyone, to start with
        path.chmod(0o755 if path.is_dir() else 0o644)
    folders["locked"].chmod(0)
    (folders["partly"] / "articles").chmod(0)
    folders["unlisted"].chmod(0o111)
    next((folders["file"] / "articles").iterdir()).chmod(0)
    return folders


def test_unreadable_folders_are_findings_for_a_user_that_cannot_read_them(
        shared_tmp: Path) -> None:
    """Run as nobody (this test runs as root, who reads anything): a dataset folder of
    mode 000, a subfolder of mode 000 and a folder that can be entered but not listed
    each give a path-unsafe finding and exit 1, never a silent pass; naming the locked
    folder itself is a finding too, not a usage error."""
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("needs root and setpriv, to run as the user nobody")
    _unreadable_layout(shared_tmp)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, sys.executable, "-m", "validator", *args],
                              capture_output=True, text=True, timeout=120, check=False,
                              cwd=shared_tmp)

    whole = run("datasets")
    assert whole.returncode == 1, whole.stdout + whole.stderr
    assert "Traceback" not in whole.stderr
    lines = whole.stdout.splitlines()
    assert ("datasets/locked:0:0: error path-unsafe folder cannot be read: "
            "'Permission denied'; its files are not checked") in lines
    assert ("datasets/partly/articles:0:0: error path-unsafe folder cannot be read: "
            "'Permission denied'; its files are not checked") in lines
    assert ("datasets/unlisted:0:0: error path-unsafe folder cannot be read: "
            "'Permission denied'; its files are not checked") in lines
    assert any(line.startswith("datasets/partly/datapackage.json:") and "path-unsafe" in line
               and "Permission denied" in line for line in lines)  # its article, unread
    article = next((shared_tmp / "datasets" / "file" / "articles").iterdir()).name
    assert any(line.startswith("datasets/file/datapackage.json:") and line.endswith(
        f"error path-unsafe resource 'article-{article.removesuffix('.txt')}': "
        f"'articles/{article}' cannot be opened: 'Permission denied' "
        "(/resources/3/path)") for line in lines), lines
    assert not [line for line in lines if line.startswith("datasets/good/")
                and "record-id-duplicate" not in line], lines  # copies share their ids
    # good, partly, file and unlisted are found (unlisted by its descriptor's status: its
    # layers report it); locked is not, and none but good, partly and file has records.
    assert lines[-1].startswith("4 datasets, 12 records: ")
    named = run("datasets/locked")
    assert (named.returncode, named.stderr) == (1, "")
    assert named.stdout.startswith("datasets/locked:0:0: error path-unsafe folder cannot be "
                                   "read")
    for hook in ((), ("--skip-outside", "--")):  # a file PATH in it, as the hook passes
        inside = run(*hook, "datasets/locked/events.jsonl")
        assert (inside.returncode, inside.stderr) == (1, ""), inside.stdout + inside.stderr
        assert inside.stdout.startswith("datasets/locked/events.jsonl:0:0: error path-unsafe "
                                        "folder cannot be read")


def test_a_folder_that_cannot_be_listed_is_a_finding_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as root, in this process: listing or opening a folder fails as it would
    for a user without read permission on it (os.scandir and os.open raise
    PermissionError for that folder, its descriptor's status still works, as with mode
    111).  Discovery finds the locked dataset by that status and does not list it; its
    layers report the folder, as the walk of discovery did."""
    datasets = tmp_path / "datasets"
    _dataset(datasets / "good")
    _dataset(datasets / "locked")
    (datasets / "good" / "articles" / "undeclared.txt").write_text("hidden\n", "utf-8")
    real_scandir, real_open = os.scandir, os.open
    denied = {str(datasets / "locked"), str(datasets / "good" / "articles")}

    def where(path: object, dir_fd: int | None = None) -> str:
        if isinstance(path, int):
            return str(Path(f"/proc/self/fd/{path}").readlink())
        return str(Path(f"/proc/self/fd/{dir_fd}").readlink() / str(path)) \
            if dir_fd is not None else str(path)

    def scandir(path: object = ".") -> object:
        if where(path) in denied:
            raise PermissionError(13, "Permission denied", where(path))
        return real_scandir(path)

    def open_(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & os.O_DIRECTORY and where(path, dir_fd) in denied:
            raise PermissionError(13, "Permission denied", where(path, dir_fd))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", open_)
    # Alone: the locked dataset, whose descriptor this simulation leaves readable, would
    # otherwise lend its ids (the same as good's) to the run as a dataset beside it.
    report = validate([str(datasets)], alone=True)
    found = {(f.file, f.code, f.message) for f in report.findings}
    assert found == {
        (str(datasets / "locked"), "path-unsafe",
         "folder cannot be read: 'Permission denied'; its files are not checked"),
        (f"{datasets / 'good'}/articles", "path-unsafe",
         "folder cannot be read: 'Permission denied'; its files are not checked"),
        (f"{datasets / 'good'}/datapackage.json", "path-unsafe",  # its article, in it
         ("resource 'article-newsbytes-2023-07-29': 'articles/newsbytes-2023-07-29.txt' "
          "cannot be opened: 'Permission denied'"))}
    assert (report.datasets, report.records) == (2, 4)  # good's records; locked, unread
    assert not report.ok()


# 6. A file deleted while it is read --------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_events_file_deleted_while_it_is_read_is_a_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Deleted once the dataset's layers opened it, before its records are read: a
    finding and exit 1, not `internal error ... please report it` (exit 2).  With two
    jobs the layers run in a worker process (forked: the deletion goes with it).
    The file is larger than a block here, so that the layers do not read it whole."""
    folder = _dataset(tmp_path / "dataset")
    _delete_events_after_the_layers(folder, monkeypatch)
    report = validate([str(folder)], jobs=jobs, sizes=Sizes(parallel_bytes=0, block_bytes=16))
    assert not report.ok()
    assert all(f.code != "internal-error" for f in report.findings)
    first = report.findings[0]
    assert (first.file, first.line, first.code, first.message) == (
        f"{folder}/events.jsonl", 0, "file-changed",
        ("events file changed during the run: 'events.jsonl' does not exist; its records "
         "were not all checked"))


def _big_dataset(folder: Path, copies: int = 60) -> Path:
    """The base dataset with its records copied (ids of their own), each once more at the end
    (a repeated id each), so that its events file is split and its ids read again."""
    _dataset(folder)
    events = folder / "events.jsonl"
    records = [json.loads(line) for line in events.read_text("utf-8").splitlines()]
    lines = [json.dumps({**record, "id": f"{record['id']}-{copy}"})
             for copy in range(copies) for record in records]
    events.write_text("\n".join([*lines, *lines[:len(records)]]) + "\n", "utf-8")
    return folder


CHANGED_AGAIN = ("events file changed during the run: records checked could not be read "
                 "again, so repeated ids, links or possible duplicates may be missing")


@pytest.mark.parametrize("change", ["deleted", "truncated"])
def test_an_events_file_changed_between_its_chunks_is_a_finding(tmp_path: Path,
                                                                change: str) -> None:
    """Deleted, or cut short, once its first chunk is checked: the later chunks say so
    (only the first did, which met no change), and the run fails.  A run that had
    checked half the file passed, records and repeats unchecked."""
    from validator.engine.records import check_records

    folder = _big_dataset(tmp_path / "dataset")
    events = folder / "events.jsonl"
    size = events.stat().st_size

    def changing(function: Any, items: Any) -> Any:  # the chunks, one at a time
        for index, item in enumerate(items):
            yield function(item)
            if function is check_records and index == 0:
                if change == "deleted":
                    events.unlink()
                else:
                    with events.open("r+b") as handle:
                        handle.truncate(size // 2)

    report = validate([str(folder)], jobs=4, mapper=changing,
                      sizes=Sizes(parallel_bytes=0, chunk_bytes=8 * 1024, block_bytes=1024))
    assert not report.ok()
    found = [f for f in report.findings if f.code == "file-changed"]
    assert [f.file for f in found] == [str(events)] * len(found)
    if change == "deleted":
        assert [f.message for f in found] == [
            ("events file changed during the run: 'events.jsonl' does not exist; its records "
             "were not all checked"), CHANGED_AGAIN]
    else:
        assert found[0].message.startswith("events file changed during the run: it ends at "
                                           f"byte {size // 2}, before its lines up to byte ")


@pytest.mark.parametrize("change", ["deleted", "rewritten"])
def test_an_events_file_changed_before_its_ids_are_read_again_is_a_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """Every record checked, then the file goes, or its lines are other records, before
    the run reads the repeated ids again: a finding, not a run without its repeats."""
    from validator.engine import run as run_module

    folder = _big_dataset(tmp_path / "dataset", copies=2)
    events = folder / "events.jsonl"
    clean = validate([str(folder)])
    assert {f.code for f in clean.findings} >= {"record-id-duplicate"}
    across = run_module._across  # noqa: SLF001 - the moment of the race

    def changed_first(*args: Any) -> Any:
        if change == "deleted":
            events.unlink()
        else:  # the same lines, each with another id
            events.write_text(events.read_text("utf-8").replace('"id": "', '"id": "x'),
                              "utf-8")
        return across(*args)

    monkeypatch.setattr(run_module, "_across", changed_first)
    report = validate([str(folder)])
    assert [(f.file, f.code, f.message) for f in report.findings
            if f.code in {"file-changed", "record-id-duplicate"}] == [
        (str(events), "file-changed", CHANGED_AGAIN)]
    assert not report.ok()


@pytest.mark.parametrize(("case", "edit"), [
    ("link-dangling/no-such-record", "unlinked"), ("link-dangling/no-such-record", "renamed"),
    ("visit-part-of-multilateral/trip-as-visit-1-1-0", "unlinked"),
    ("visit-part-of-multilateral/trip-as-visit-1-1-0", "renamed")])
def test_a_link_edited_before_its_record_is_read_again_is_a_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, edit: str) -> None:
    """A link found wrong, then its record's links or id edited before the run reads it
    again to word the finding: the file's change is a finding, not a run that passes."""
    from validator.engine import run as run_module

    folder = tmp_path / "dataset"
    shutil.copytree(REPO / "tests" / "cases" / "invalid" / case / "dataset", folder)
    events = folder / "events.jsonl"
    # The linking records last: their edits move no other line (read again by its offset).
    lines = sorted(events.read_text("utf-8").splitlines(), key=lambda line: '"links"' in line)
    events.write_text("\n".join(lines) + "\n", "utf-8")
    code = case.partition("/")[0]
    found = [f for f in validate([str(folder)], alone=True).findings if f.code == code]
    assert found
    record = json.loads(lines[found[0].line - 1])
    if edit == "unlinked":
        del record["links"]
    else:
        record["id"] += "-renamed"
    lines[found[0].line - 1] = json.dumps(record)
    across = run_module._across  # noqa: SLF001 - the moment of the race

    def edited_first(*args: Any) -> Any:
        events.write_text("\n".join(lines) + "\n", "utf-8")
        return across(*args)

    monkeypatch.setattr(run_module, "_across", edited_first)
    report = validate([str(folder)], alone=True)
    assert [(f.file, f.code, f.message) for f in report.findings
            if f.code in {"file-changed", code}] == [(str(events), "file-changed", CHANGED_AGAIN)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_events_file_of_one_block_is_checked_as_the_layers_read_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """A file no larger than a block is read once, by the layers, which hash it: its
    records are those bytes, whatever happens to the file afterwards."""
    folder = _dataset(tmp_path / "dataset")
    records = (folder / "events.jsonl").read_bytes().count(b"\n")
    _delete_events_after_the_layers(folder, monkeypatch)
    report = validate([str(folder)], jobs=jobs, sizes=Sizes(parallel_bytes=0))
    assert report.findings == ()
    assert report.records == records > 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_events_file_that_grows_past_a_block_after_its_status_is_checked_as_it_then_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """One block when the layers take its status, more when they read it: not read whole,
    but hashed and checked by the large file's path, as it then is (a record more, and the
    findings of a run that met it grown), never as the block it was."""
    folder = _dataset(tmp_path / "dataset")
    events = folder / "events.jsonl"
    text = events.read_text("utf-8")
    block = len(text.encode("utf-8"))
    last = json.loads(text.splitlines()[-1])
    grown = text + json.dumps({**last, "id": last["id"] + "-again"}) + "\n"
    sizes = Sizes(parallel_bytes=0, block_bytes=block)
    done = tmp_path / "grown"  # once, in whichever process runs the layers
    real = os.fstat

    def then_grown(fd: int) -> os.stat_result:
        info = real(fd)
        # The layers' status of the file they opened (the open's own came before it).
        if sys._getframe(1).f_code is dataset_layers._Layers._events.__code__ \
                and not done.exists():  # noqa: SLF001 - the moment of the race
            done.touch()
            events.write_text(grown, "utf-8")
        return info

    monkeypatch.setattr(os, "fstat", then_grown)
    raced = validate([str(folder)], jobs=jobs, sizes=sizes)
    monkeypatch.undo()
    assert done.exists()
    assert raced == validate([str(folder)], jobs=jobs, sizes=sizes)
    assert raced.records == text.count("\n") + 1
    assert any(f.code == "event-possible-duplicate" for f in raced.findings)  # the copy


@pytest.mark.parametrize("jobs", [1, 2])
def test_folders_nested_deeper_than_the_recursion_limit_are_walked(tmp_path: Path,
                                                                   jobs: int) -> None:
    """A dataset's folders are walked with a stack, not recursion: a file 300 folders down,
    with Python's recursion limit below that, is reported as undeclared (not an internal
    error), and a dataset that keeps its events elsewhere is weighed through them."""
    from validator.engine import run as run_module
    from validator.reading.discovery import DatasetLocation

    folder = _dataset(tmp_path / "dataset")
    deepest = folder.joinpath(*["a"] * 300)
    deepest.mkdir(parents=True)
    (deepest / "x.txt").write_text("x", "utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)  # the walk's 300 would pass it
    try:
        report = validate([str(folder)], jobs=jobs, sizes=Sizes(parallel_bytes=0))
        weight = run_module._folder_bytes(DatasetLocation(folder, "d"))  # noqa: SLF001
    finally:
        sys.setrecursionlimit(limit)
    assert [(f.code, f.file) for f in report.findings] == [
        ("resource-undeclared", f"{deepest}/x.txt")]
    assert weight == sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _delete_events_after_the_layers(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layers_events = dataset_layers._Layers._events  # noqa: SLF001 - the moment of the race

    def then_deleted(self: dataset_layers._Layers, path: str) -> object:
        yield from layers_events(self, path)
        (folder / path).unlink()

    monkeypatch.setattr(dataset_layers._Layers, "_events", then_deleted)  # noqa: SLF001


def test_an_events_file_changed_before_its_possible_duplicates_are_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repeated ids read again, then the file goes before the possible duplicates
    (copies of one event) are: the repeats stand, and the file's change is a finding
    where the duplicates were left uncompared."""
    from validator.engine import run as run_module

    folder = _big_dataset(tmp_path / "dataset", copies=2)
    events = folder / "events.jsonl"
    clean = validate([str(folder)])
    assert "event-possible-duplicate" in {f.code for f in clean.findings}
    duplicates = run_module.duplicate_findings

    def deleted_first(*args: Any) -> Any:
        events.unlink()
        return duplicates(*args)

    monkeypatch.setattr(run_module, "duplicate_findings", deleted_first)
    report = validate([str(folder)])
    codes = [f.code for f in report.findings]
    assert "event-possible-duplicate" not in codes
    assert codes.count("record-id-duplicate") == [
        f.code for f in clean.findings].count("record-id-duplicate") > 0
    assert [f.message for f in report.findings if f.code == "file-changed"] == [CHANGED_AGAIN]


def test_a_name_with_a_backslash_is_matched_as_findings_print_it(tmp_path: Path) -> None:
    """Findings name files as printed (a backslash as \\u005c): the run's filters compare
    printed names with printed names.  The repeats of a dataset beside the run are its
    own, and a broken line is no empty events file."""
    checked = _dataset(tmp_path / "a")
    beside = _dataset(tmp_path / "b\\x")
    events = beside / "events.jsonl"
    lines = events.read_text("utf-8").replace('"id": "', '"id": "b-').splitlines()
    events.write_text("\n".join([*lines, lines[0]]) + "\n", "utf-8")  # a repeat of its own
    assert validate([str(checked)]).findings == ()
    [repeat] = validate([str(beside)], alone=True).findings  # named alike in its message
    printed = str(events).replace("\\", "\\u005c")
    repeated = json.loads(lines[0])["id"]
    assert (repeat.file, repeat.message) == (
        printed, f"id '{repeated}' is already used at {printed}:1")
    broken = _dataset(tmp_path / "e\\y")
    (broken / "events.jsonl").write_text("{broken\n", "utf-8")
    assert [f.code for f in validate([str(broken)], alone=True).findings] == ["json-syntax"]


# 3. Writes where they must not ------------------------------------------------------------


PREVIOUS = "the previous report\n"


@pytest.fixture
def report_beside(tmp_path: Path) -> tuple[Path, Path]:
    """A broken dataset, and a previous report in a folder of its own."""
    folder = _dataset(tmp_path / "dataset")
    with (folder / "events.jsonl").open("a", encoding="utf-8") as events:
        events.write("[]\n")
    (tmp_path / "out").mkdir()
    report = tmp_path / "out" / "report.html"
    report.write_text(PREVIOUS, "utf-8")
    report.chmod(0o640)
    return folder, report


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_output_replaces_the_report_whole_and_keeps_its_permissions(report_beside) -> None:
    folder, report = report_beside
    result = _cli(str(folder), "--format", "html", "-o", str(report))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")
    assert report.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert _leftovers(report.parent) == []


def test_output_refuses_a_symlink_planted_at_its_path(report_beside, tmp_path: Path) -> None:
    folder, report = report_beside
    victim = tmp_path / "victim.txt"  # outside the checkout, say ~/.bashrc
    victim.write_text("untouched\n", "utf-8")
    planted = report.parent / "planted.html"
    planted.symlink_to(victim)
    result = _cli(str(folder), "-o", str(planted))
    assert result.returncode == 2
    assert result.stderr == (f"validate: --output {planted} is a symlink: the report is not "
                             "written through a link (remove it, or name another file)\n")
    assert victim.read_text("utf-8") == "untouched\n"
    assert planted.is_symlink()


def test_output_refuses_a_hard_link_of_a_dataset_file(report_beside) -> None:
    folder, report = report_beside
    events = folder / "events.jsonl"
    before = events.read_bytes()
    alias = report.parent / "events-alias.txt"
    os.link(events, alias)
    result = _cli(str(folder), "-o", str(alias))
    assert result.returncode == 2
    assert result.stderr == (f"validate: --output {alias} is a hard link (one of 2 names of a "
                             "file, perhaps a dataset's): name another file\n")
    assert events.read_bytes() == before


def test_output_refuses_a_fifo_without_blocking(report_beside) -> None:
    folder, report = report_beside
    fifo = report.parent / "fifo.html"
    os.mkfifo(fifo)
    result = _cli(str(folder), "-o", str(fifo), timeout=60)  # no reader: an open would block
    assert result.returncode == 2
    assert result.stderr == (f"validate: --output {fifo} is not a regular file (a FIFO or "
                             "device, say)\n")


def test_output_refuses_a_path_inside_a_dataset_by_name_or_through_a_link(
        report_beside, tmp_path: Path) -> None:
    folder, _ = report_beside
    alias = tmp_path / "alias"
    alias.symlink_to(folder, target_is_directory=True)  # resolves into the dataset
    (folder / "to-outside").symlink_to(tmp_path / "out", target_is_directory=True)
    for output in (alias / "r.html", folder / "to-outside" / "r.html"):  # in it by name
        result = _cli(str(folder), "-o", str(output))
        assert result.returncode == 2, output
        assert "which is being checked" in result.stderr
    assert not (tmp_path / "out" / "r.html").exists()


def test_output_refuses_a_path_inside_a_dataset_beside_the_one_checked(tmp_path: Path) -> None:
    """The run reads the ids of the datasets beside the one named: a report written into
    one of them would make it a file it does not declare.  With --alone, none is read."""
    checked, beside = _dataset(tmp_path / "a"), _dataset(tmp_path / "b")
    events = beside / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('"id": "', '"id": "b-'), "utf-8")
    into = beside / "articles" / "report.txt"
    refused = _cli(str(checked), "-o", str(into))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr.startswith(f"validate: --output {into} lies inside {beside}")
    assert not into.exists()
    assert _cli(str(checked), "--alone", "-o", str(into)).returncode == 0
    assert into.exists()


def test_output_refuses_a_link_planted_during_the_run(
        report_beside, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Checked before the run and again at the write: a link put at the path meanwhile
    is neither followed nor replaced."""
    folder, report = report_beside
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n", "utf-8")
    from validator.engine import run as run_module

    real_validate = run_module.validate

    def planting(*args: object, **kwargs: object) -> object:
        report.unlink()
        report.symlink_to(victim)
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(run_module, "validate", planting)
    assert main([str(folder), "-o", str(report)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert victim.read_text("utf-8") == "untouched\n"
    assert report.is_symlink()
    assert _leftovers(report.parent) == []


def test_a_write_that_fails_midway_leaves_the_previous_report(
        report_beside, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder, report = report_beside

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert main([str(folder), "-o", str(report)]) == 2
    assert capsys.readouterr().err == f"validate: cannot write {report}: No space left on device\n"
    assert report.read_text("utf-8") == PREVIOUS
    assert _leftovers(report.parent) == []


def _interruptible() -> None:
    """In the child, before it runs: SIGINT at its default, as a terminal's process has it.

    A process started with SIGINT ignored (by nohup, or as a script's background
    job, as a CI runner may start the tests) keeps it ignored, as POSIX says:
    Python then raises no KeyboardInterrupt, and Ctrl-C is rightly not its to see.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


SIGNAL_DURING_WRITE = textwrap.dedent("""
    import os, signal, sys
    real_fsync = os.fsync

    def fsync(fd):  # the report is written, not yet in place: the signal arrives now
        os.kill(os.getpid(), getattr(signal, sys.argv[1]))
        real_fsync(fd)

    os.fsync = fsync
    from validator.cli import main
    sys.exit(main(sys.argv[2:]))
""")


@pytest.mark.parametrize(("sent", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_during_the_write_leaves_the_previous_report(
        report_beside, sent: str, code: int) -> None:
    folder, report = report_beside
    result = subprocess.run([sys.executable, "-c", SIGNAL_DURING_WRITE, sent, str(folder),
                             "--format", "html", "-o", str(report)], capture_output=True,
                            text=True, timeout=120, check=False,
                            preexec_fn=_interruptible)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert report.read_text("utf-8") == PREVIOUS
    assert _leftovers(report.parent) == []


# 4. Processes: signals end the workers too -----------------------------------------------


def _big_corpus(folder: Path, datasets: int, records: int) -> Path:
    """`datasets` copies of the base dataset with `records` records each, over the 4 MiB
    below which a run uses no worker processes."""
    originals = (BASE / "events.jsonl").read_text("utf-8").splitlines()
    for index in range(datasets):
        target = _dataset(folder / f"ds-{index}")
        lines = []
        for number in range(records):  # each pass over the originals a week before the last
            record = shift_dates(json.loads(originals[number % len(originals)]),
                                 -((index * records + number) // len(originals)))
            record["id"] = f"r-{index}-{number}"
            lines.append(json.dumps(record, ensure_ascii=False))
        (target / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def _group(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(("sent", "to_group", "code", "jobs", "datasets"), [
    ("SIGTERM", False, 143, 2, 3),  # `kill PID`: the workers are busy
    ("SIGINT", True, 130, 4, 1),  # Ctrl-C to the process group: three workers idle
    ("SIGTERM", True, 143, 4, 1),
])
def test_a_signal_ends_the_run_and_its_workers(tmp_path: Path, sent: str, to_group: bool,
                                               code: int, jobs: int, datasets: int) -> None:
    """`validate --jobs N` on a corpus large enough for worker processes: the signal ends
    it with 130 or 143, no traceback (an idle worker's KeyboardInterrupt included), and no
    process of its group outlives it (so a caller reading its output is not left waiting)."""
    corpus = _big_corpus(tmp_path / "corpus", datasets, 36_000 // datasets)
    process = subprocess.Popen([sys.executable, "-m", "validator", "--jobs", str(jobs),
                                str(corpus)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True,  # its own process group, as a shell's
                               preexec_fn=_interruptible)  # noqa: PLW1509 - no thread runs yet
    try:
        deadline = time.monotonic() + 60
        while len(_group(process.pid)) < jobs + 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(_group(process.pid)) == jobs + 1, "the workers never started"
        time.sleep(0.1)  # the workers at work (or idle)
        number = getattr(signal, sent)
        if to_group:
            os.killpg(process.pid, number)
        else:
            process.send_signal(number)
        _, err = process.communicate(timeout=30)  # returns only once no one holds the pipes
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code, err
    assert "Traceback" not in err.decode()
    assert "KeyboardInterrupt" not in err.decode()
    assert _group(process.pid) == []


# 5. The pre-commit hook: file names are paths, never options ----------------------------------


OPTION_NAMES = ("--list-rules", "--ignore=references,evidence,meaning")


def _hook_command(hook_id: str = "textevents-validate") -> list[str]:
    """The hook's exact entry, as pre-commit runs it (validate, from this checkout)."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook = next(h for h in hooks if h["id"] == hook_id)
    entry = shlex.split(hook["entry"])
    assert entry[0] == "validate"
    return [sys.executable, "-m", "validator", *entry[1:], *hook.get("args", [])]


def _commit(repo: Path) -> list[str]:
    """Commit everything; the changed files, as pre-commit passes them."""
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True, timeout=60)
    subprocess.run([*git, "add", "-A"], check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "contribution"], check=True, timeout=60)
    files = subprocess.run([*git, "ls-files", "-z"], check=True, capture_output=True,
                           timeout=60).stdout.decode().split("\0")
    return sorted(name for name in files if name)


def _break_a_quote(folder: Path) -> None:
    """A span one character off: an evidence-layer finding, which --ignore=evidence hides."""
    events = folder / "events.jsonl"
    lines = events.read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    record["evidence"][0]["start"] += 1
    events.write_text("\n".join([json.dumps(record, ensure_ascii=False), *lines[1:]]) + "\n",
                      "utf-8")


def test_the_hooks_entry_ends_options() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    per_file = next(h for h in hooks if h["id"] == "textevents-validate")
    assert shlex.split(per_file["entry"])[-1] == "--"
    assert per_file.get("pass_filenames", True)


def test_files_named_like_options_in_a_dataset_at_the_repository_root_are_checked(
        tmp_path: Path) -> None:
    """A repository that is one dataset: its files are passed by bare name, so a file
    named `--list-rules` reaches the command line as that word.  Checked as files of the
    dataset (undeclared), and the broken quote fails the hook (exit 1)."""
    repo = _dataset(tmp_path / "repo")
    _break_a_quote(repo)
    for name in OPTION_NAMES:
        (repo / name).write_text("a file named like an option\n", "utf-8")
    files = _commit(repo)
    assert set(OPTION_NAMES) <= set(files)
    result = subprocess.run([*_hook_command(), *files], capture_output=True, text=True,
                            cwd=repo, timeout=120, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "span-text-mismatch" in result.stdout
    for name in OPTION_NAMES:
        assert f"{name}:0:0: error resource-undeclared" in result.stdout
    # Without the end of options, the same names were obeyed and the hook passed.
    unmarked = [arg for arg in _hook_command() if arg != "--"]
    obeyed = subprocess.run([*unmarked, *files], capture_output=True, text=True, cwd=repo,
                            timeout=120, check=False)
    assert obeyed.returncode == 0


def test_files_named_like_options_outside_any_dataset_do_not_silence_the_hook(
        tmp_path: Path) -> None:
    """A repository of datasets: option-named files at its root lie in no dataset and are
    skipped (--skip-outside); the broken dataset still fails (exit 1)."""
    repo = tmp_path / "repo"
    _break_a_quote(_dataset(repo / "datasets" / "payne"))
    for name in OPTION_NAMES:
        (repo / name).write_text("a file named like an option\n", "utf-8")
    files = _commit(repo)
    result = subprocess.run([*_hook_command(), *files], capture_output=True, text=True,
                            cwd=repo, timeout=120, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "datasets/payne/events.jsonl:1:" in result.stdout
    assert "span-text-mismatch" in result.stdout


def test_an_option_after_the_end_of_options_that_names_nothing_is_refused(
        tmp_path: Path) -> None:
    """An option put in the hook's `args` lands after `--`: refused, saying where options
    go, rather than taken as a path (or, before the marker, obeyed)."""
    folder = _dataset(tmp_path / "dataset")
    result = _cli("--skip-outside", "--", "--ignore=evidence", str(folder / "events.jsonl"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "validate: --ignore=evidence: after --, every argument is a path, and no such file or "
        "folder exists; options go before -- (in a pre-commit config, in the hook's entry, "
        "not its args)")
    assert result.stdout == ""


def test_a_long_table_field_is_read_alike_whatever_table_was_read_before(
        tmp_path: Path) -> None:
    """csv's limit of a field is the process's, and importing frictionless raises it: a
    field past 131,072 characters gave table-format alone, and its own finding after
    another dataset's table went to frictionless.  Fresh processes, as a user runs them."""
    shutil.copytree(REPO / "datasets" / "voa-2020-01-27-parly-pentagon", tmp_path / "a")
    shutil.copytree(REPO / "datasets" / "voa-2021-05-15-payne-washington", tmp_path / "b")
    with (tmp_path / "a" / "actors.csv").open("a", encoding="utf-8") as handle:
        handle.write("bad row,,,\n")  # a table frictionless is asked about first
    with (tmp_path / "b" / "actors.csv").open("a", encoding="utf-8") as handle:
        handle.write("x" * 200_000 + "\n")

    def findings(*args: str) -> list[tuple[str, str, int]]:
        done = subprocess.run([sys.executable, "-m", "validator", "--format", "json",
                               "--alone", *args], capture_output=True, text=True, check=False,
                              cwd=tmp_path)
        return [(f["file"], f["code"], f["line"]) for f in json.loads(done.stdout)["findings"]
                if f["file"].startswith("b/")]

    alone = findings("b")
    assert alone == [("b/actors.csv", "table-row", 6)]
    assert findings(".") == alone
    assert findings(".", "--jobs", "2") == alone
