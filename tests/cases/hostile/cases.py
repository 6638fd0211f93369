"""Hostile and malformed contributions: each case, its exit code and its finding codes.

Every case is the valid base dataset (`tests/cases/valid/base`) with one trap
built into it at test time: symlinks, FIFOs and huge files cannot live in git,
and building all cases the same way keeps them in one table.  `tests/test_hostile.py`
runs them all and checks the contract: the stated exit code and codes, no
traceback, the canary never printed, every input byte and mtime unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CANARY = "TEXTEVENTS_CANARY_7f3a9c"  # set in the environment of every hostile run


@dataclass(frozen=True)
class Hostile:
    """One trap: a name, a category, how to build it, and what the validator must say."""

    name: str
    category: str
    build: Callable[[Path], None]
    exit: int
    codes: frozenset[str]


def _append(relative: str, data: bytes) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        with (folder / relative).open("ab") as handle:
            handle.write(data)
    return build


def _replace_file(relative: str, data: bytes) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        (folder / relative).write_bytes(data)
    return build


def _edit_bytes(relative: str, old: bytes, new: bytes) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        data = (folder / relative).read_bytes()
        assert old in data, (relative, old)
        (folder / relative).write_bytes(data.replace(old, new, 1))
    return build


def _descriptor_text(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        path = folder / "datapackage.json"
        path.write_text(edit(path.read_text("utf-8")), "utf-8")
    return build


def _add_resource(resource: dict[str, object]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        path = folder / "datapackage.json"
        descriptor = json.loads(path.read_text("utf-8"))
        descriptor["resources"].append(resource)
        path.write_text(json.dumps(descriptor, indent=2), "utf-8")
    return build


def _set_resource(index: int, **changes: object) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        path = folder / "datapackage.json"
        descriptor = json.loads(path.read_text("utf-8"))
        descriptor["resources"][index].update(changes)
        path.write_text(json.dumps(descriptor, indent=2), "utf-8")
    return build


def _article_name(folder: Path) -> str:
    return "articles/" + next((folder / "articles").iterdir()).name


def _link_article_to(target: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        article = folder / _article_name(folder)
        article.unlink()
        article.symlink_to(target)
    return build


def _link_events_to(target: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        (folder / "events.jsonl").unlink()
        (folder / "events.jsonl").symlink_to(target)
    return build


def _link_articles_folder(folder: Path) -> None:
    outside = folder.parent / "outside-articles"
    (folder / "articles").rename(outside)
    (folder / "articles").symlink_to(outside, target_is_directory=True)


def _link_descriptor(folder: Path) -> None:
    outside = folder.parent / "outside-datapackage.json"
    (folder / "datapackage.json").rename(outside)
    (folder / "datapackage.json").symlink_to(outside)


def _fifo(relative: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        name = _article_name(folder) if relative == "<article>" else relative
        (folder / name).unlink()
        os.mkfifo(folder / name)
    return build


def _article_bytes(transform: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        article = folder / _article_name(folder)
        article.write_bytes(transform(article.read_bytes()))
    return build


def _huge_article(folder: Path) -> None:
    article = folder / _article_name(folder)
    with article.open("ab") as handle:
        chunk = b"word " * (1024 * 1024 // 5)
        for _ in range(65):  # just over the 64 MiB limit
            handle.write(chunk)


def _codes(*codes: str) -> frozenset[str]:
    return frozenset(codes)


def weeks_earlier(record: dict[str, object], weeks: int) -> dict[str, object]:
    """Move a copied record's dates `weeks` weeks back (weekdays kept), in place.

    A copy on the same days as its original would be a possible duplicate of
    it (codebook K1): a trap that copies records moves each copy, so that it
    gives only the findings it is about.
    """
    import datetime as dt

    from validator.checks.walk import dates

    for _, date in dates(record):
        for key in ("start", "end"):
            if key in date:
                date[key] = (dt.date.fromisoformat(date[key])
                             - dt.timedelta(weeks=weeks)).isoformat()
    return record


def _record_line(text: str) -> Callable[[Path], None]:
    return _append("events.jsonl", text.encode("utf-8") + b"\n")


def _base_record(change: Callable[[str], str]) -> Callable[[Path], None]:
    """Append a changed copy of the dataset's first record (a new id, so no repeat)."""
    def build(folder: Path) -> None:
        first = (folder / "events.jsonl").read_text("utf-8").splitlines()[0]
        record = json.loads(first)
        line = change(first.replace(json.dumps(record["id"]), '"hostile-copy"', 1))
        with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    return build


HOSTILE: tuple[Hostile, ...] = (
    # JSON syntax in records
    Hostile("truncated-record", "json", _record_line('{"id": "x"'), 1, _codes("json-syntax")),
    Hostile("trailing-comma", "json", _record_line('{"id": "x",}'), 1, _codes("json-syntax")),
    Hostile("single-quotes", "json", _record_line("{'id': 'x'}"), 1, _codes("json-syntax")),
    Hostile("comment", "json", _record_line('{"id": "x"} // note'), 1, _codes("json-syntax")),
    Hostile("two-records-one-line", "json", _record_line('{"a": 1} {"b": 2}'), 1,
            _codes("json-syntax")),
    Hostile("top-level-string", "json", _record_line('"just a string"'), 1,
            _codes("record-not-object")),
    Hostile("u2028-in-string", "json", _record_line('{"id": "a\u2028b"}'), 1,
            _codes("schema-missing-field", "schema-value")),
    Hostile("blank-lines", "json", _append("events.jsonl", b"\n\n"), 1,
            _codes("record-blank-line")),
    # Encoding
    Hostile("record-invalid-utf8", "encoding", _append("events.jsonl", b'{"id": "\xff"}\n'), 1,
            _codes("encoding-invalid")),
    Hostile("record-overlong-utf8", "encoding", _append("events.jsonl", b'{"id": "\xc0\x80"}\n'),
            1, _codes("encoding-invalid")),
    Hostile("events-bom", "encoding", lambda f: (f / "events.jsonl").write_bytes(
        b"\xef\xbb\xbf" + (f / "events.jsonl").read_bytes()), 1, _codes("encoding-bom")),
    Hostile("descriptor-utf16", "encoding", lambda f: (f / "datapackage.json").write_bytes(
        (f / "datapackage.json").read_text("utf-8").encode("utf-16")), 1,
        _codes("encoding-invalid")),
    Hostile("descriptor-latin1", "encoding", _edit_bytes(
        "datapackage.json", b'"title": "', b'"title": "Caf\xe9 '), 1, _codes("encoding-invalid")),
    # Numbers
    Hostile("nan", "numbers", _record_line('{"id": NaN}'), 1, _codes("json-number-invalid")),
    Hostile("infinity", "numbers", _record_line('{"x": -Infinity}'), 1,
            _codes("json-number-invalid")),
    Hostile("huge-integer", "numbers", _record_line('{"x": ' + "9" * 5000 + "}"), 1,
            _codes("json-number-invalid")),
    Hostile("float-overflow", "numbers", _record_line('{"x": 1e99999}'), 1,
            _codes("json-number-invalid")),
    Hostile("descriptor-huge-bytes", "numbers", _set_resource(0, bytes=10**30), 1,
            _codes("json-number-invalid")),
    # Nesting
    Hostile("deep-record", "nesting", _record_line("[" * 100_000 + "]" * 100_000), 1,
            _codes("json-too-deep")),
    Hostile("deep-object", "nesting", _record_line('{"a":' * 5000 + "1" + "}" * 5000), 1,
            _codes("json-too-deep")),
    Hostile("deep-descriptor", "nesting", _descriptor_text(
        lambda t: t.replace('"title": ', '"deep": ' + "[" * 1000 + "]" * 1000 + ', "title": ',
                            1)), 1, _codes("json-too-deep")),
    Hostile("deep-in-a-valid-record", "nesting", _base_record(
        lambda line: line.replace('"summary": ', '"summary": ' + "[" * 100 + "]" * 100
                                  + ', "unused": ', 1)), 1, _codes("json-too-deep")),
    # Fast-path traps: each would slip past a parser that only counts keys or digits
    Hostile("duplicate-key-hidden-by-escaped-colon", "fast-path", _base_record(
        lambda line: line.replace('"summary": "', '"modality": "asserted", "summary": '
                                  '"\\u003a ', 1)), 1, _codes("json-duplicate-key")),
    Hostile("duplicate-key-after-space", "fast-path", _base_record(
        lambda line: line.replace('"modality"', '"modality" : "planned", "modality"', 1)), 1,
        _codes("json-duplicate-key")),
    Hostile("long-integer-in-a-span", "fast-path", _base_record(
        lambda line: line.replace('"start": ', '"start": 1234567890123456789012', 1)), 1,
        _codes("json-number-invalid")),
    # Descriptor tricks
    Hostile("duplicate-resources-key", "descriptor", _descriptor_text(
        lambda t: t.replace('"resources": [', '"resources": [], "resources": [', 1)), 1,
        _codes("json-duplicate-key")),
    Hostile("duplicate-version-key", "descriptor", _descriptor_text(
        lambda t: t.replace('"textevents_version"', '"textevents_version": "1.0.0", '
                            '"textevents_version"', 1)), 1, _codes("json-duplicate-key")),
    Hostile("absolute-path", "descriptor", _add_resource({"name": "x", "path": "/etc/passwd"}),
            1, _codes("path-unsafe")),
    Hostile("traversal-path", "descriptor", _add_resource(
        {"name": "x", "path": "articles/../../../../etc/passwd"}), 1, _codes("path-unsafe")),
    Hostile("url-path", "descriptor", _add_resource(
        {"name": "x", "path": "http://127.0.0.1:9/x.txt"}), 1, _codes("path-unsafe")),
    Hostile("backslash-path", "descriptor", _add_resource({"name": "x", "path": "..\\x.txt"}),
            1, _codes("path-unsafe")),
    Hostile("nul-path", "descriptor", _add_resource({"name": "x", "path": "a\u0000.txt"}), 1,
            _codes("path-unsafe")),
    Hostile("remote-profile", "descriptor", _descriptor_text(lambda t: t.replace(
        '"name": ', '"profile": "https://example.com/profile.json", "name": ', 1)), 1,
        _codes("descriptor-invalid")),
    # 1.2.0 lets a table carry its Table Schema by path: a URL is an unsafe path, never fetched.
    Hostile("remote-table-schema", "descriptor", _set_resource(
        1, schema="https://example.com/schema.json"), 1, _codes("path-unsafe")),
    Hostile("remote-dialect", "descriptor", _set_resource(
        1, dialect="https://example.com/dialect.json"), 1, _codes("descriptor-invalid")),
    Hostile("descriptor-array", "descriptor", _replace_file("datapackage.json", b"[]"), 1,
            _codes("descriptor-invalid")),
    Hostile("descriptor-empty", "descriptor", _replace_file("datapackage.json", b""), 1,
            _codes("json-syntax")),
    # Symlinks and special files
    Hostile("article-to-environ", "symlink", _link_article_to("/proc/self/environ"), 1,
            _codes("path-unsafe")),
    Hostile("events-to-passwd", "symlink", _link_events_to("/etc/passwd"), 1,
            _codes("path-unsafe")),
    Hostile("articles-folder-link", "symlink", _link_articles_folder, 1, _codes("path-unsafe")),
    Hostile("descriptor-link", "symlink", _link_descriptor, 1, _codes("path-unsafe")),
    Hostile("events-fifo", "fifo", _fifo("events.jsonl"), 1, _codes("path-unsafe")),
    Hostile("article-fifo", "fifo", _fifo("<article>"), 1, _codes("path-unsafe")),
    # CSV traps
    Hostile("csv-unterminated-quote", "csv", _append("actors.csv", b'x,"unterminated,person\n'),
            1, _codes("table-format")),
    Hostile("csv-semicolons", "csv", lambda f: (f / "actors.csv").write_bytes(
        (f / "actors.csv").read_bytes().replace(b",", b";")), 1,
        _codes("table-header", "table-value")),
    Hostile("csv-invalid-utf8", "csv", _append("sources.csv", b"\xff\xfe\n"), 1,
            _codes("encoding-invalid")),
    Hostile("csv-nul", "csv", _append("actors.csv", b"x,Name\x00,person,,,,\n"), 1,
            _codes("table-format")),
    # Article texts
    Hostile("article-crlf", "article", _article_bytes(lambda b: b.replace(b"\n", b"\r\n")),
            1, _codes("text-line-ending", "span-text-mismatch", "resource-hash-mismatch")),
    Hostile("article-bom", "article", _article_bytes(lambda b: b"\xef\xbb\xbf" + b), 1,
            _codes("encoding-bom", "resource-hash-mismatch")),
    Hostile("article-nfd", "article", _article_bytes(
        lambda b: b + "e\u0301\n".encode()), 1, _codes("text-not-nfc", "resource-hash-mismatch")),
    Hostile("article-invalid-bytes", "article", _article_bytes(lambda b: b + b"\x80\n"), 1,
            _codes("encoding-invalid", "resource-hash-mismatch")),
    # Huge inputs, made at test time
    Hostile("huge-line", "huge", _append("events.jsonl", b'{"x": "' + b"a" * (2 << 20) + b'"}\n'),
            1, _codes("file-too-large")),
    Hostile("huge-article", "huge", _huge_article, 1,
            _codes("file-too-large")),
    Hostile("many-findings", "huge", _append("events.jsonl", b"[]\n" * 50_000), 1,
            _codes("record-not-object", "too-many-findings")),
)
