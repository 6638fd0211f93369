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
import copy
import hashlib
import json
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
from validator.escaping import one_line
from validator.findings import Problem
from validator.reading.fast_json import document, parse_record
from validator.reading.paths import read_regular_file
from validator.upgrade_steps import STEPS, describe_versions, upgrade_descriptor

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from validator.findings import Finding

JSON = Any
DESCRIPTOR = "datapackage.json"
_SHOWN = 5  # findings quoted when a dataset is refused


class UpgradeError(Exception):
    """An upgrade that cannot be made; the message says why (the command exits 2)."""


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def path_between(source: str, target: str) -> list[str]:
    """The versions an upgrade from `source` to `target` passes through, `target` last.

    Raises `UpgradeError` for an unknown version, a downgrade, or a pair that
    no chain of steps joins.
    """
    shipped = registry.versions()
    for version in (source, target):
        if version not in shipped:
            raise UpgradeError(f"unknown schema version {version!r}; this validator ships "
                               f"{', '.join(shipped)}")
    if _key(target) < _key(source):
        raise UpgradeError(f"cannot downgrade from {source} to {target}: an older version "
                           "may not say what the newer one does")
    chain: list[str] = []
    current = source
    while current != target:
        if current not in STEPS:
            raise UpgradeError(f"no upgrade from {current} toward {target}")
        current = STEPS[current][0]
        chain.append(current)
    return chain


def upgrade_record(record: JSON, target: str) -> JSON:
    """The record rewritten to `target` from its own `schema_version` (the input is not changed)."""
    if not isinstance(record, dict) or not isinstance(record.get("schema_version"), str):
        raise UpgradeError("a record without a schema_version cannot be upgraded")
    upgraded = copy.deepcopy(record)
    current = record["schema_version"]
    for version in path_between(current, target):
        upgraded = STEPS[current][1](upgraded)
        current = version
    return upgraded


_VERSION_FIELD = {  # the field that names the version, in records and in the descriptor
    "record": re.compile(r'("schema_version"\s*:\s*)"([^"\\]*)"'),
    "descriptor": re.compile(r'("textevents_version"\s*:\s*)"([^"\\]*)"'),
}


def _rewrite(text: str, original: JSON, upgraded: JSON, kind: str, target: str) -> str:
    """`text` (one JSON value) edited to parse as `upgraded`, keeping its formatting if it can."""
    pattern = _VERSION_FIELD[kind]
    if len(pattern.findall(text)) == 1:
        edited = pattern.sub(lambda m: f'{m.group(1)}"{target}"', text)
        with contextlib.suppress(ValueError):
            if json.loads(edited) == upgraded and original != upgraded:
                return edited
    if kind == "descriptor":
        return json.dumps(upgraded, indent=2, ensure_ascii=False) + "\n"
    return json.dumps(upgraded, ensure_ascii=False)


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


def _errors(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity.value == "error"]


def _quoted(findings: Sequence[Finding]) -> str:
    shown = "; ".join(f"{f.file}:{f.line}:{f.column}: {f.code} {f.message}"
                      for f in findings[:_SHOWN])
    more = f" (and {len(findings) - _SHOWN} more)" if len(findings) > _SHOWN else ""
    return shown + more


def _check(folder: Path, *, alone: bool = False) -> list[Finding]:
    from validator import UsageError, validate

    try:
        return list(validate([str(folder)], jobs=1, alone=alone).findings)
    except UsageError as error:
        raise UpgradeError(f"{folder}: {error}") from error


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


def plan(folder: Path, target: str) -> Plan:
    """What upgrading the dataset in `folder` to `target` would write; nothing is written.

    Raises `UpgradeError` when the dataset cannot be upgraded: unreadable, not
    valid under its own version, or a version with no way to `target`.
    """
    text, descriptor = _read_descriptor(folder)
    source = descriptor.get("textevents_version")
    if not isinstance(source, str):
        raise UpgradeError(f"{folder}: {DESCRIPTOR} declares no textevents_version")
    path_between(source, target)
    result = Plan(folder, source, target)
    if not result.needed:
        return result
    errors = _errors(_check(folder))
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
        rewritten.append(_rewrite(line, record, upgraded, "record", target))
        count += 1
    new_events = "\n".join(rewritten).encode("utf-8")
    upgraded_descriptor = upgrade_descriptor(descriptor, source, path_between(source, target))
    tables = [r["name"] for r in upgraded_descriptor["resources"]
              if isinstance(r, dict) and "schema" in r
              and r not in (descriptor.get("resources") or ())]
    described = []
    for resource in upgraded_descriptor["resources"]:
        if isinstance(resource, dict) and resource.get("name") == "events":
            if "bytes" in resource:
                resource["bytes"] = len(new_events)
                described.append("bytes")
            if "hash" in resource:
                resource["hash"] = f"sha256:{hashlib.sha256(new_events).hexdigest()}"
                described.append("hash")
    if described:  # several fields change: the descriptor is written out whole
        new_descriptor = json.dumps(upgraded_descriptor, indent=2, ensure_ascii=False) + "\n"
    else:
        new_descriptor = _rewrite(text, descriptor, upgraded_descriptor, "descriptor", target)
    result.files[DESCRIPTOR] = new_descriptor.encode("utf-8")
    result.files[events_path] = new_events
    extra = f", and the events resource's {' and '.join(described)}" if described else ""
    if tables:
        extra += f"; the {' and '.join(tables)} resources carry their Table Schemas"
    result.changes = [f"{DESCRIPTOR}: textevents_version {source} -> {target}{extra}",
                      f"{events_path}: schema_version {source} -> {target} in {count} records"]
    return result


def verify(upgrade: Plan) -> None:
    """Check the upgraded dataset in a temporary copy; raise `UpgradeError` unless it is valid.

    The copy must give no finding that the original does not give (the same
    code at the same place): an upgrade says what the data said.  Both are
    checked alone (`--alone`), since the copy has no datasets beside it: a link
    to a record of another dataset dangles in both, and `plan` has already
    checked the original among its neighbours.
    """
    before = {(f.code, Path(f.file).name, f.line, f.pointer)
              for f in _check(upgrade.folder, alone=True)}
    with tempfile.TemporaryDirectory(prefix="textevents-upgrade-") as scratch:
        copy_ = Path(scratch) / upgrade.folder.name
        shutil.copytree(upgrade.folder, copy_, symlinks=True)
        for relative, data in upgrade.files.items():
            (copy_ / relative).write_bytes(data)
        after = _check(copy_, alone=True)
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


def main(argv: Sequence[str] | None = None, prog: str = "python -m validator.upgrade") -> int:
    """Run the upgrade command; returns the exit code (0 done, 1 --check found work, 2 refused)."""
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
    for folder in folders:
        try:
            upgrade = plan(folder, target)
            if not upgrade.needed:
                say(out, f"{folder}: already {target}")
                continue
            verify(upgrade)
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
