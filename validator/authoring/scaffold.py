"""Start a dataset from an article: folder, descriptor, tables with their headers, the text."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from validator import registry
from validator.authoring.files import folder_mode
from validator.findings import UsageError

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """What the sources table says of the article (the columns of its Table Schema)."""

    id: str
    title: str
    publisher: str
    published: str  # ISO 8601 date or date-time, as the article gives it
    url: str = ""
    author: str = ""
    language: str = "en"
    license: str = ""


def article_text(data: bytes) -> str:
    """An article's bytes as text a span can cite, or `UsageError` saying what to fix."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"the article is not UTF-8 (byte {error.start}); convert it "
                         "first") from None
    if text.startswith("\ufeff"):
        raise UsageError("the article starts with a byte order mark; remove it")
    if "\r" in text:
        raise UsageError("the article has carriage returns; use LF line ends only")
    if not unicodedata.is_normalized("NFC", text):
        raise UsageError("the article is not NFC; normalise it "
                         "(unicodedata.normalize('NFC', text)) before citing spans")
    return text


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _table_schema(version: registry.SchemaVersion, table: str) -> dict[str, Any]:
    """The table resource's `schema`, inline, where the version lets it carry one (1.2.0).

    So that `frictionless validate` checks the table's cells too.
    """
    if "schema" not in version.profile["$defs"]["resource"]["properties"]:
        return {}
    return {"schema": version.table_schema(table)}


# The option that gave each place of the new files that validate may refuse.
_OPTIONS = {"sources.csv": {"id": "--source-id", "url": "--url", "title": "--title",
                            "publisher": "--publisher", "author": "--author",
                            "published": "--published", "language": "--language",
                            "license": "--license"},
            "datapackage.json": {"title": "--dataset-title (default: --title)",
                                 "contributors": "--contributor", "name": "the folder's name",
                                 "resources": "--title or --source-id"}}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain_text(option: str, value: str) -> None:
    """`UsageError` for an option's value that is not UTF-8 or holds a control character.

    A line break in a title would break its CSV row (the csv module quotes no
    lone CR with LF line ends); no title or name needs one.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes the shell gave that are not UTF-8 (surrogate escapes)
        raise UsageError(f"{option}: not UTF-8; give the value in UTF-8") from None
    if (found := _CONTROL.search(value)) is not None:
        raise UsageError(f"{option}: holds a control character (U+{ord(found.group()):04X}); "
                         "give plain text on one line")


def dataset_files(name: str, title: str, article: bytes, source: Source,
                  contributor: str) -> dict[str, bytes]:
    """The files of a new dataset (relative path -> bytes), for the newest schema version."""
    if not _NAME.fullmatch(name):
        raise UsageError(f"dataset name {name!r}: use lowercase letters, digits, '.', '_' "
                         "and '-', starting with a letter or digit")
    if not _SOURCE_ID.fullmatch(source.id):
        raise UsageError(f"source id {source.id!r}: use letters, digits, '.', '_', ':' and '-'")
    for field, value in [*dataclasses.asdict(source).items(), ("dataset title", title),
                         ("contributor", contributor)]:
        _plain_text(_OPTIONS["sources.csv"].get(field, f"--{field.replace(' ', '-')}"), value)
    article_text(article)
    version = registry.load(registry.versions()[-1])
    path = f"articles/{source.id.replace(':', '-')}.txt"
    digest = hashlib.sha256(article).hexdigest()
    values = {**dataclasses.asdict(source), "path": path, "sha256": digest, "retrieved": ""}
    sources = [field["name"] for field in version.table_schema("sources")["fields"]]
    actors = [field["name"] for field in version.table_schema("actors")["fields"]]
    table = {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
    descriptor = {
        "name": name, "title": title, "textevents_version": version.version,
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                      "title": "Creative Commons Attribution 4.0 (the records and tables)"}],
        "contributors": [{"title": contributor, "role": "author"}],
        "resources": [
            {"name": "events", "type": "file", "path": "events.jsonl", "format": "jsonl",
             "mediatype": "application/jsonl", "encoding": "utf-8"},
            {"name": "sources", "type": "table", "path": "sources.csv", **table,
             **_table_schema(version, "sources")},
            {"name": "actors", "type": "table", "path": "actors.csv", **table,
             **_table_schema(version, "actors")},
            {"name": f"article-{source.id.replace(':', '-').lower()}", "type": "text",
             "path": path, "format": "txt", "mediatype": "text/plain", "encoding": "utf-8",
             "title": source.title, "hash": f"sha256:{digest}"},
        ],
    }
    return {
        "datapackage.json": (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        .encode("utf-8"),
        "sources.csv": _csv([sources, [str(values.get(column, "")) for column in sources]]),
        "actors.csv": _csv([actors]),
        "events.jsonl": b"",
        path: article,
    }


def _refuse(built: Path) -> None:
    """`UsageError` saying, by option, what `validate` refuses in a dataset just built.

    The whole validator, so that `new` never creates a dataset that fails at
    once (a date such as '2025-03-14 05:05:35Z', a URL with no scheme, a title
    longer than the profile allows), and refuses nothing validate accepts.
    """
    from validator import validate
    from validator.findings import Severity

    report = validate([str(built)], alone=True)
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    if not errors:
        return
    first = errors[0]
    file = Path(first.file).name
    place = first.pointer.split("/")[-1 if file == "sources.csv" else 1] if first.pointer \
        else ""
    option = _OPTIONS.get(file, {}).get(place, file)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise UsageError(f"{option}: {first.message}{more} (nothing was written)")


def create(folder: Path, files: dict[str, bytes]) -> None:
    """Write a new dataset folder whole: built beside it, then renamed into place.

    Refuses (`UsageError`) a folder that exists, so nothing is overwritten.
    """
    if folder.exists() or folder.is_symlink():
        raise UsageError(f"{folder} exists; choose a new folder (nothing was written)")
    if not folder.parent.is_dir():
        raise UsageError(f"{folder.parent} is not a folder")
    building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for relative, data in files.items():
            target = building / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _refuse(building)
        for made in [building, *(p for p in building.rglob("*") if p.is_dir())]:
            made.chmod(folder_mode())
        building.rename(folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
