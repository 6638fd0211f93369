"""Upgrade a dataset to a newer schema version, without losing a fact.

`python -m validator.upgrade DATASET... --to 1.1.0` rewrites each dataset's
`datapackage.json` (`textevents_version`, the events resource's `bytes`
and `hash` where it gives them, and whatever a step changes: from 1.1.0 to
1.2.0, each table resource gets its Table Schema) and its events file (every
record's `schema_version`, and whatever the step between two versions changes).
Nothing else is touched: the tables and the article texts stay as they are.

An upgrade is all or nothing, for each dataset:

- a dataset that is not valid under its own version is refused (exit 2), since
  what it means is not settled;
- the upgraded dataset is built and checked in a temporary copy first, and
  refused (exit 2) unless it is valid under the new version with no finding
  the original did not have;
- only then are the two files replaced, each by an atomic rename of a
  temporary file written beside it; if the second rename fails, the first is
  rolled back, so the input is left as it was on any error.

Each record is rewritten with the smallest textual edit that gives the
upgraded value (so a record's formatting, key order and escapes survive), and
the edit is accepted only when the rewritten line parses to exactly the
upgraded record; otherwise the record is written out whole.

`--check` changes nothing: it says what an upgrade would change, and exits 1
when there is something to change (0 when every dataset is at the version).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from validator import registry
from validator.escaping import one_line, printable
from validator.findings import Problem, UsageError
from validator.reading.discovery import discover
from validator.reading.fast_json import document, parse_record
from validator.reading.paths import read_regular_file
from validator.upgrade_steps import (
    UpgradeError,
    describe_versions,
    path_between,
    rewrite,
    upgrade_descriptor_text,
    upgrade_record,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from validator.findings import Finding
    from validator.reading.discovery import DatasetLocation
    from validator.results import Report

    Validate = Callable[..., Report]  # `validator.validate`, or a stand-in that counts its runs

JSON = Any
DESCRIPTOR = "datapackage.json"
_SHOWN = 5  # findings quoted when a dataset is refused


@dataclass
class Plan:
    """What an upgrade of one dataset writes: new bytes for some of its files."""

    folder: Path
    source: str
    target: str
    files: dict[str, bytes] = field(default_factory=dict)  # path in the dataset -> new bytes
    changes: list[str] = field(default_factory=list)  # one line each, for people

    @property
    def needed(self) -> bool:
        """Whether the dataset is not at the target version yet."""
        return self.source != self.target


def _quoted(findings: Sequence[Finding]) -> str:
    shown = "; ".join(f"{f.file}:{f.line}:{f.column}: {f.code} {f.message}"
                      for f in findings[:_SHOWN])
    more = f" (and {len(findings) - _SHOWN} more)" if len(findings) > _SHOWN else ""
    return shown + more


def _check(folder: Path, *, alone: bool = False, run: Validate | None = None) -> list[Finding]:
    from validator import validate

    try:
        return list((run or validate)([str(folder)], jobs=1, alone=alone).findings)
    except UsageError as error:
        raise UpgradeError(f"{folder}: {error}") from error


_FIRST = re.compile(r" is already used at (.*):[0-9]+$")  # a repeated id's first record


class Together:
    """The findings of the datasets an upgrade names, each under its own version, as `_check`'s.

    Checked on its own, each dataset is checked with the record ids of every
    dataset beside it, each read again: a folder of 400 datasets took 35 s.
    So one run checks the datasets of a folder that need an upgrade, the others
    there lending their ids as to any run: each dataset meets the datasets it
    met on its own, and the same links resolve.  A repeated id is reported at
    its later record only; the finding names the first, whose dataset gets it
    too, since on its own it was refused for it.
    """

    def __init__(self, folders: Sequence[Path], target: str, run: Validate | None = None) -> None:
        """Check `folders` (an upgrade's) by `run`, `validator.validate` by default."""
        self.run = run
        self.found: dict[Path, list[Finding]] = {}
        groups: dict[str, list[tuple[Path, DatasetLocation]]] = {}
        for folder in folders:  # a folder not named here (it changed) is checked on its own
            with contextlib.suppress(UpgradeError, UsageError, OSError, ValueError):
                found = discover([str(folder)])[0]
                if len(found) == 1 and _read_descriptor(folder)[1].get(
                        "textevents_version") != target:  # one dataset, to upgrade
                    # The folder whose datasets `datasets_beside` sets beside it.
                    where = os.path.dirname(os.path.abspath(found[0].display))  # noqa: PTH100, PTH120
                    groups.setdefault(where, []).append((folder, found[0]))
        self.groups = {folder: group for group in groups.values() for folder, _ in group}

    def __call__(self, folder: Path) -> list[Finding]:
        """The findings of the dataset in `folder`, one of those given."""
        if folder in self.groups and folder not in self.found:
            self._check(self.groups[folder])
        return self.found[folder] if folder in self.found else _check(folder, run=self.run)

    def _check(self, group: list[tuple[Path, DatasetLocation]]) -> None:
        """One run over `group`, each finding given to the dataset(s) it concerns."""
        from validator import validate

        named: dict[str, list[Path]] = {}  # each dataset as findings name it ("." as "")
        for folder, at in group:
            named.setdefault("" if at.display in {"", "."} else printable(at.display),
                             []).append(folder)
        try:
            report = (self.run or validate)([str(at.root) for _, at in group], jobs=1)
        except UsageError:  # a dataset gone, say: each is checked on its own, and says why
            self.groups = {f: g for f, g in self.groups.items() if g is not group}
            return
        found: dict[Path, list[Finding]] = {f: [] for f, _ in group}
        for finding in report.findings:
            first = _FIRST.search(finding.message) if finding.code == "record-id-duplicate" \
                else None
            # One of no dataset of the run (none is expected) is every dataset's.
            for folder in {*(_owners(finding.file, named) or list(found)),
                           *(_owners(first.group(1), named) if first else ())}:
                found[folder].append(finding)
        self.found.update(found)


def _owners(file: str, named: dict[str, list[Path]]) -> list[Path]:
    """The folders of the dataset that holds `file` (as findings name it), if any."""
    parts = file.split("/")
    for end in range(len(parts), -1, -1):
        if (name := "/".join(parts[:end])) in named:
            return named[name]
    return []


def _read(folder: Path, relative: str) -> bytes:
    """A file of the dataset, as validate reads it: no link, FIFO or device; within limits."""
    data = read_regular_file(folder, relative)
    if isinstance(data, Problem):
        raise UpgradeError(f"{folder}: cannot read {relative}: {data.message}")
    return data


def _read_descriptor(folder: Path) -> tuple[str, JSON]:
    """The descriptor's text and value, parsed as validate parses it (depth, repeated keys)."""
    read = document(_read(folder, DESCRIPTOR))
    if isinstance(read, Problem):
        raise UpgradeError(f"{folder}: cannot read {DESCRIPTOR}: {read.line}:{read.column}: "
                           f"{read.code} {read.message}")
    if not isinstance(read[1], dict):
        raise UpgradeError(f"{folder}: {DESCRIPTOR} is not a JSON object")
    return read


def _events_resource(descriptor: JSON) -> JSON:
    for resource in descriptor.get("resources") or ():
        if isinstance(resource, dict) and resource.get("name") == "events":
            return resource
    raise UpgradeError("the descriptor declares no events resource")


def plan(folder: Path, target: str,
         check: Callable[[Path], list[Finding]] | None = None) -> Plan:
    """What upgrading the dataset in `folder` to `target` would write; nothing is written.

    Raises `UpgradeError` when the dataset cannot be upgraded: unreadable, not
    valid under its own version (its findings are `check`'s, a `Together` of
    an upgrade's folders, or of this one checked on its own), or a version
    with no way to `target`.
    """
    text, descriptor = _read_descriptor(folder)
    source = descriptor.get("textevents_version")
    if not isinstance(source, str):
        raise UpgradeError(f"{folder}: {DESCRIPTOR} declares no textevents_version")
    path_between(source, target)
    result = Plan(folder, source, target)
    if not result.needed:
        return result
    errors = [f for f in (check or _check)(folder) if f.severity.value == "error"]
    if errors:
        raise UpgradeError(f"{folder} is not valid under {source}, so it is not upgraded "
                           f"({len(errors)} errors; fix them first): {_quoted(errors)}")
    events = _events_resource(descriptor)
    events_path = str(events["path"])
    old_events = _read(folder, events_path)
    lines = old_events.decode("utf-8").split("\n")
    rewritten: list[str] = []
    count = 0
    for line in lines:
        if not line:
            rewritten.append(line)
            continue
        record = parse_record(line.encode("utf-8"))  # changed since it was checked: refused
        if isinstance(record, Problem):
            raise UpgradeError(f"{folder}: {events_path} changed during the upgrade")
        upgraded = upgrade_record(record, target)
        rewritten.append(rewrite(line, record, upgraded, "record", target))
        count += 1
    new_events = "\n".join(rewritten).encode("utf-8")
    new_descriptor, extra = upgrade_descriptor_text(text, descriptor, target, new_events)
    result.files[DESCRIPTOR] = new_descriptor.encode("utf-8")
    result.files[events_path] = new_events
    result.changes = [f"{DESCRIPTOR}: textevents_version {source} -> {target}{extra}",
                      f"{events_path}: schema_version {source} -> {target} in {count} records"]
    return result


def verify(upgrade: Plan, run: Validate | None = None) -> None:
    """Check the upgraded dataset in a temporary copy; raise `UpgradeError` unless it is valid.

    The copy must give no finding that the original does not give (the same
    code at the same place): an upgrade says what the data said.  Both are
    checked alone (`--alone`), since the copy has no datasets beside it: a link
    to a record of another dataset dangles in both, and `plan` has already
    checked the original among its neighbours.  `run` checks (`validator.validate`).
    """
    before = {(f.code, Path(f.file).name, f.line, f.pointer)
              for f in _check(upgrade.folder, alone=True, run=run)}
    with tempfile.TemporaryDirectory(prefix="textevents-upgrade-") as scratch:
        copy_ = Path(scratch) / upgrade.folder.name
        shutil.copytree(upgrade.folder, copy_, symlinks=True)
        for relative, data in upgrade.files.items():
            (copy_ / relative).write_bytes(data)
        after = _check(copy_, alone=True, run=run)
    new = [f for f in after if (f.code, Path(f.file).name, f.line, f.pointer) not in before]
    if new:
        raise UpgradeError(f"{upgrade.folder}: the upgrade to {upgrade.target} would not be "
                           f"valid, so nothing was written: {_quoted(new)}")


def _temporary_beside(path: Path, data: bytes) -> Path:
    """`data` in a new hidden file in `path`'s folder, with `path`'s permissions.

    The same file system makes the renames atomic; mkstemp makes a file that
    only its owner may read, so the mode is copied.
    """
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".upgrade", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(name).chmod(stat.S_IMODE(path.stat().st_mode))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write(upgrade: Plan) -> None:
    """Replace the dataset's files with the plan's, all or none of them.

    Every new file is written beside its target first; each target is then
    moved aside and replaced by rename; on any failure the files already
    replaced get their originals back and the temporary files are removed.
    """
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path]] = []  # (target, its original moved aside)
    try:
        for relative, data in upgrade.files.items():
            target = upgrade.folder / relative
            staged.append((target, _temporary_beside(target, data)))
        for target, temporary in staged:
            aside = target.with_name(f".{target.name}.before-upgrade")
            target.replace(aside)
            done.append((target, aside))
            temporary.replace(target)
    except BaseException:
        for target, aside in reversed(done):
            aside.replace(target)
        raise
    finally:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
    for _, aside in done:
        aside.unlink(missing_ok=True)


def datasets(paths: Sequence[str]) -> Iterator[Path]:
    """The dataset folders that `paths` name: a dataset, or a folder of datasets below it."""
    for raw in paths:
        path = Path(raw)
        if path.name == DESCRIPTOR and path.is_file():
            yield path.parent
        elif (path / DESCRIPTOR).is_file():
            yield path
        elif path.is_dir():
            found = sorted(p.parent for p in path.rglob(DESCRIPTOR)
                           if not any(part.startswith(".") for part in p.parts[len(path.parts):]))
            if not found:
                raise UpgradeError(f"{raw}: no dataset (no {DESCRIPTOR}) in this folder")
            yield from found
        else:
            raise UpgradeError(f"{raw}: no such dataset")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Upgrade datasets to a newer textevents schema version, without losing "
                    "a fact; a dataset that is invalid, or would be, is refused (exit 2).")
    parser.add_argument("paths", nargs="*", metavar="DATASET",
                        help="a dataset folder, its datapackage.json, or a folder of datasets")
    parser.add_argument("--list-versions", action="store_true",
                        help="list the schema versions shipped and the upgrades between them")
    parser.add_argument("--to", default=None, metavar="VERSION",
                        help="the version to upgrade to (default: the newest shipped)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: say what would change, exit 1 if anything would")
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "python -m validator.upgrade", *,
         run: Validate | None = None) -> int:
    """Run the upgrade command; returns the exit code (0 done, 1 --check found work, 2 refused).

    `run` checks the datasets (`validator.validate` by default).
    """
    parser = _parser(prog)
    args = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    if args.list_versions:
        out.write(describe_versions())
        return 0
    if not args.paths:
        parser.error("name a dataset, or give --list-versions")
    target = args.to or registry.versions()[-1]
    pending = refused = 0

    def say(stream: TextIO, line: object) -> None:  # names and values: a dataset's, any text
        stream.write(f"{one_line(str(line))}\n")
    try:
        folders = list(datasets(args.paths))
    except UpgradeError as error:
        say(err, f"upgrade: {error}")
        return 2
    check = Together(folders, target, run)
    for folder in folders:
        try:
            upgrade = plan(folder, target, check)
            if not upgrade.needed:
                say(out, f"{folder}: already {target}")
                continue
            verify(upgrade, run)
            if args.check:
                pending += 1
                say(out, f"{folder}: would upgrade from {upgrade.source} to {target}")
            else:
                write(upgrade)
                say(out, f"{folder}: upgraded from {upgrade.source} to {target}")
            for change in upgrade.changes:
                say(out, f"  {change}")
        except (UpgradeError, OSError, UnicodeDecodeError, ValueError) as error:
            refused += 1
            say(err, f"upgrade: {error}")
    if refused:
        return 2
    return 1 if args.check and pending else 0


if __name__ == "__main__":
    raise SystemExit(main())
