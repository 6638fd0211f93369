"""Recompute a dataset's hashes after an edit: the descriptor's and the sources table's."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from validator.authoring.files import replace_file
from validator.checks.tables import read_table
from validator.findings import Problem, UsageError
from validator.reading.fast_json import document
from validator.reading.limits import DESCRIPTOR
from validator.reading.paths import read_regular_file
from validator.reading.text import decode_utf8

if TYPE_CHECKING:
    from pathlib import Path

_HASH = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Change:
    """One hash that no longer matches its file: where it is written, and its new value."""

    file: str  # the descriptor, or the sources table
    path: str  # the file it hashes
    old: str
    new: str


def _read(root: Path, relative: str) -> bytes:
    data = read_regular_file(root, relative)
    if isinstance(data, Problem):
        raise UsageError(f"{relative}: {data.message}")
    return data


def _text(root: Path, relative: str) -> str:
    """A file's text, as `_read` reads it; not UTF-8 is a `UsageError` (validate says where)."""
    text = decode_utf8(_read(root, relative))
    if isinstance(text, Problem):
        raise UsageError(f"{relative}: {text.message}; run validate on the dataset")
    return text


def changes(root: Path) -> list[Change]:
    """The hashes of the dataset at `root` that its files no longer match.

    Only hashes already written are recomputed (`sha256:` in a resource, the
    `sha256` column of the sources table); files are read as the validator
    reads them, so no link is followed.  Raises `UsageError` for a dataset
    whose descriptor or tables cannot be read.
    """
    parsed = document(_read(root, DESCRIPTOR))  # as the validator parses it: depth, keys
    if isinstance(parsed, Problem):
        raise UsageError(f"{DESCRIPTOR}:{parsed.line}:{parsed.column}: {parsed.code} "
                         f"{parsed.message}; run validate on the dataset")
    descriptor = parsed[1]
    found = []
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else ():
        if isinstance(resource, dict) and isinstance(resource.get("hash"), str) \
                and _HASH.fullmatch(resource["hash"]) and isinstance(resource.get("path"), str):
            digest = hashlib.sha256(_read(root, resource["path"])).hexdigest()
            if resource["hash"][7:] != digest:
                found.append(Change(DESCRIPTOR, resource["path"], resource["hash"][7:], digest))
    tables = [r["path"] for r in resources if isinstance(r, dict) and r.get("name") == "sources"
              and isinstance(r.get("path"), str)] if isinstance(resources, list) else []
    table = tables[0] if tables else None
    if table is None:
        return found
    read = read_table(_text(root, table))  # as validate reads it: an unclosed quote, say
    if isinstance(read, Problem):
        raise UsageError(f"{table}:{read.line}:{read.column}: {read.code} {read.message}; "
                         "run validate on the dataset")
    for _, row in read.rows:
        if row.get("sha256") and row.get("path"):
            digest = hashlib.sha256(_read(root, row["path"])).hexdigest()
            if row["sha256"] != digest:
                found.append(Change(table, row["path"], row["sha256"], digest))
    return found


def apply(root: Path, found: list[Change]) -> None:
    """Write the new hashes in place of the old, each file written whole."""
    for name in sorted({change.file for change in found}):
        text = _text(root, name)
        for change in (c for c in found if c.file == name):
            if text.count(change.old) != 1:
                raise UsageError(f"{name}: the hash of {change.path} is written "
                                 f"{text.count(change.old)} times; edit it by hand")
            text = text.replace(change.old, change.new)
        replace_file(root / name, text.encode("utf-8"))
