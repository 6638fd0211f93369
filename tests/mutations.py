"""Named mutations of a valid dataset, each declaring the rule code it must trigger.

A mutation takes a dataset folder (a copy of a valid dataset) and breaks one
rule on purpose.  `tests/cases/invalid/<code>/<name>/` are these mutations
applied to `tests/cases/valid/base/`, written by `python tests/make_cases.py`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

EVENTS = "events.jsonl"


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / EVENTS).read_text("utf-8").splitlines()]


def _write_records(folder: Path, records: list[dict]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (folder / EVENTS).write_text(text, "utf-8")


def _edit_record(index: int, edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        records = _records(folder)
        edit(records[index])
        _write_records(folder, records)
    return mutate


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text("utf-8"))


def _edit_descriptor(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        descriptor = _descriptor(folder)
        edit(descriptor)
        (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n", "utf-8")
    return mutate


def _replace(path: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        text = (folder / path).read_text("utf-8")
        assert old in text, (path, old)
        (folder / path).write_text(text.replace(old, new, count), "utf-8")
    return mutate


def _article(folder: Path) -> Path:
    return next((folder / "articles").iterdir())


def _rewrite_article(transform: Callable[[bytes], bytes], *, rehash: bool = True,
                     ) -> Callable[[Path], None]:
    """Change the article bytes and, with `rehash`, update both recorded hashes."""
    def mutate(folder: Path) -> None:
        article = _article(folder)
        old = article.read_bytes()
        new = transform(old)
        article.write_bytes(new)
        if rehash:
            old_hash, new_hash = (hashlib.sha256(b).hexdigest() for b in (old, new))
            for name in ("datapackage.json", "sources.csv"):
                path = folder / name
                path.write_text(path.read_text("utf-8").replace(old_hash, new_hash), "utf-8")
    return mutate


def _cite_second_article(folder: Path) -> None:
    """A second article, declared and in the sources table, that a span cites unlisted."""
    article = _article(folder)
    second = article.with_name("second.txt")
    second.write_bytes(article.read_bytes())  # the same text, so the quote still matches
    with (folder / "sources.csv").open(encoding="utf-8") as table:
        row = table.readlines()[1]
    first = row.split(",", 1)[0]
    with (folder / "sources.csv").open("a", encoding="utf-8") as table:
        table.write(row.replace(first, "second-article", 1)
                    .replace(f"articles/{article.name}", "articles/second.txt"))
    _edit_descriptor(lambda d: d["resources"].append(
        {"name": "second-article", "type": "text", "path": "articles/second.txt",
         "format": "txt", "mediatype": "text/plain", "encoding": "utf-8"}))(folder)
    _edit_record(0, _set(["evidence", 0, "source"], "second-article"))(folder)


def _set(path: list, value: object) -> Callable[[dict], None]:
    def edit(record: dict) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def _delete(path: list) -> Callable[[dict], None]:
    def edit(record: dict) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return edit


def _rename(path: list, old: str, new: str) -> Callable[[dict], None]:
    """Rename a field in place, keeping its value (and the keys' order but for it)."""
    def edit(record: dict) -> None:
        target = record
        for key in path:
            target = target[key]
        target[new] = target.pop(old)
    return edit


def _shift_span(record: dict) -> None:
    record["evidence"][0]["start"] += 1
    record["evidence"][0]["end"] += 1


@dataclass(frozen=True)
class Mutation:
    """One way to break one rule: the code it must trigger and how."""

    code: str
    name: str
    apply: Callable[[Path], None]


def _extra_file(folder: Path) -> None:
    (folder / "notes.txt").write_text("not declared\n", "utf-8")


def _drop_article(folder: Path) -> None:
    _article(folder).unlink()


def _symlink_article(folder: Path) -> None:
    article = _article(folder)
    data = article.read_bytes()
    article.unlink()
    (folder / "outside.txt").write_bytes(data)
    article.symlink_to(folder / "outside.txt")
    _edit_descriptor(lambda d: d["resources"].append(
        {"name": "outside", "path": "outside.txt", "type": "text"}))(folder)


def _no_descriptor(folder: Path) -> None:
    sub = folder.parent / "orphan"
    sub.mkdir()
    (sub / "events.jsonl").write_text("", "utf-8")


def _duplicate_record(folder: Path) -> None:
    records = _records(folder)
    records.append(dict(records[0]))
    _write_records(folder, records)


def _many_wrong_spans(record: dict) -> None:
    """101 spans that each quote the wrong text: one more than a record reports."""
    record["evidence"] = [dict(record["evidence"][0], text="not the text")] * 101


def _append_line(line: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        with (folder / EVENTS).open("a", encoding="utf-8") as handle:
            handle.write(line)
    return mutate


def _source_without_file(folder: Path) -> None:
    """A source whose article is neither declared nor present."""
    with (folder / "sources.csv").open("a", encoding="utf-8") as handle:
        handle.write("extra,,Extra,X,,2023-07-29,en,,articles/nowhere.txt,"
                     + "0" * 64 + ",public domain\n")


def _undeclared_edited_article(folder: Path) -> None:
    """An article that sources.csv names but the descriptor does not: still read and hashed."""
    _edit_descriptor(lambda d: d["resources"].pop(3))(folder)
    _rewrite_article(lambda b: b + b"appended\n", rehash=False)(folder)


def _long_line(folder: Path) -> None:
    with (folder / EVENTS).open("a", encoding="utf-8") as handle:
        handle.write('{"id": "' + "x" * (1024 * 1024 + 10) + '"}\n')


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("path-unsafe", "traversal", _edit_descriptor(
        lambda d: d["resources"].append({"name": "escape", "path": "../outside.txt"}))),
    Mutation("path-unsafe", "symlink", _symlink_article),
    Mutation("file-too-large", "long-line", _long_line),
    Mutation("too-many-findings", "flood", _append_line("[1]\n" * 1001)),
    Mutation("findings-capped", "many-spans", _edit_record(0, _many_wrong_spans)),
    Mutation("encoding-invalid", "actors-latin1", lambda f: (f / "actors.csv").write_bytes(
        (f / "actors.csv").read_bytes().replace(b"Sergei Shoigu", b"Serg\xe9i Shoigu"))),
    Mutation("encoding-bom", "descriptor-bom", lambda f: (f / "datapackage.json").write_bytes(
        b"\xef\xbb\xbf" + (f / "datapackage.json").read_bytes())),
    Mutation("encoding-bom", "events-bom", lambda f: (f / EVENTS).write_bytes(
        b"\xef\xbb\xbf" + (f / EVENTS).read_bytes())),
    Mutation("json-syntax", "truncated-record", _append_line('{"id": "broken"\n')),
    Mutation("json-duplicate-key", "duplicate-id-key", _append_line('{"id": "a", "id": "b"}\n')),
    Mutation("json-number-invalid", "nan", _append_line('{"id": NaN}\n')),
    Mutation("json-too-deep", "deep", _append_line("[" * 100 + "]" * 100 + "\n")),
    Mutation("json-too-deep", "deep-objects", _append_line('{"a": ' * 100 + "1" + "}" * 100
                                                           + "\n")),
    Mutation("json-lone-surrogate", "surrogate", _append_line('{"id": "\\ud800"}\n')),
    Mutation("record-blank-line", "blank", _append_line("\n")),
    Mutation("record-not-object", "array", _append_line("[1, 2]\n")),
    Mutation("descriptor-missing", "orphan-folder", _no_descriptor),
    Mutation("descriptor-invalid", "no-title", _edit_descriptor(lambda d: d.pop("title"))),
    Mutation("descriptor-invalid", "no-version", _edit_descriptor(
        lambda d: d.pop("textevents_version"))),
    Mutation("descriptor-invalid", "resource-not-object", _edit_descriptor(
        lambda d: d["resources"].insert(1, "sources.csv"))),  # the resources after it still count
    Mutation("descriptor-invalid", "not-an-object", lambda f: (f / "datapackage.json").write_text(
        "[]\n", "utf-8")),
    Mutation("schema-version-unknown", "version-9", _edit_descriptor(
        lambda d: d.update(textevents_version="9.9.9"))),
    Mutation("resource-missing", "no-article", _drop_article),
    Mutation("resource-missing", "undeclared-source-path", _source_without_file),
    Mutation("resource-undeclared", "extra-file", _extra_file),
    Mutation("resource-undeclared", "article-not-declared", _undeclared_edited_article),
    Mutation("resource-duplicate", "twice", _edit_descriptor(
        lambda d: d["resources"].append(dict(d["resources"][1])))),
    Mutation("resource-duplicate", "same-path", _edit_descriptor(
        lambda d: d["resources"].append({"name": "events-again", "path": "events.jsonl"}))),
    Mutation("resource-hash-mismatch", "article-edited", _rewrite_article(
        lambda b: b + b"appended\n", rehash=False)),
    Mutation("resource-hash-mismatch", "events-hash", _edit_descriptor(  # of other bytes
        lambda d: d["resources"][0].update(hash="sha256:" + hashlib.sha256(b"x").hexdigest()))),
    Mutation("table-header", "renamed-column", _replace("actors.csv", "wikidata", "wikidata_id")),
    Mutation("table-header", "space-in-label", _replace("actors.csv", "country,", "country ,")),
    Mutation("country-code-unknown", "actors-xxa", _replace("actors.csv", ",state,RUS,", ",state,XXA,")),
    Mutation("table-row", "short-row", _replace("actors.csv", "\nrussia,Russia,state,RUS,,Q159,",
                                                "\nrussia,Russia,state")),
    Mutation("table-value", "bad-kind", _replace("actors.csv", ",state,RUS,,Q159,", ",country,RUS,,Q159,")),
    Mutation("table-unique", "duplicate-actor", lambda f: (f / "actors.csv").write_text(
        (f / "actors.csv").read_text("utf-8") + "russia,Russia again,state,RUS,,Q159,\n", "utf-8")),
    Mutation("table-foreign-key", "unknown-affiliation", _replace(
        "actors.csv", "Defence Minister of Russia,,russia", "Defence Minister of Russia,,rusia")),
    Mutation("table-format", "broken-quote", _replace("actors.csv", "Sergei Shoigu", '"Sergei Shoigu')),
    Mutation("schema-missing-field", "no-summary", _edit_record(0, _delete(["summary"]))),
    Mutation("schema-unknown-field", "extra-field", _edit_record(0, _set(["confidence"], 0.9))),
    Mutation("schema-wrong-type", "summary-number", _edit_record(0, _set(["summary"], 1))),
    Mutation("schema-unknown-field", "misspelt-field", _edit_record(
        0, _rename(["evidence", 0], "source", "sorce"))),  # the message suggests 'source'
    Mutation("schema-not-in-codelist", "modality", _edit_record(0, _set(["modality"], "rumoured"))),
    Mutation("schema-not-in-codelist", "misspelt", _edit_record(  # suggests 'asserted'
        0, _set(["modality"], "asserterd"))),
    Mutation("schema-format", "bad-date", _edit_record(0, _set(["date", "start"], "2023-02-30"))),
    Mutation("schema-value", "empty-summary", _edit_record(0, _set(["summary"], ""))),
    Mutation("codelist-open-value", "context", _edit_record(
        0, _set(["classification", "plover_context"], ["maritime"]))),
    Mutation("record-id-duplicate", "repeated", _duplicate_record),
    Mutation("actor-unknown", "misspelled", _edit_record(2, _set(["actors", 4], "ukriane"))),
    Mutation("source-unknown", "misspelled", _edit_record(
        0, _set(["reporting", "sources", 0], "newsbytes-2023-07-30"))),
    Mutation("actor-not-listed", "host-not-listed", _edit_record(
        0, _set(["diplomatic_visit", "hosts"], ["north-korea", "china"]))),
    Mutation("source-not-listed", "second-article-cited", _cite_second_article),
    Mutation("span-out-of-range", "past-end", _edit_record(0, _set(["evidence", 0, "end"], 99999))),
    Mutation("span-text-mismatch", "shifted", _edit_record(0, _shift_span)),
    Mutation("span-pointer-unresolved", "supports-nothing", _edit_record(
        0, _set(["evidence", 0, "supports"], "/diplomatic_visit/guests/0"))),
    Mutation("text-not-nfc", "nfd", _rewrite_article(lambda b: b + "Café\n".encode()
                                                     .replace(b"\xc3\xa9", b"e\xcc\x81"))),
    Mutation("text-line-ending", "crlf", _rewrite_article(lambda b: b + b"tail\r\n")),
    Mutation("encoding-invalid", "article-latin1", _rewrite_article(lambda b: b + b"caf\xe9\n")),
    Mutation("date-range-reversed", "reversed", _edit_record(
        0, _set(["date", "end"], "2023-07-20"))),
    Mutation("date-precision-mismatch", "month", _edit_record(
        1, _set(["date", "precision"], "month"))),
    Mutation("date-text-mismatch", "weekday-year", _edit_record(
        2, lambda r: r["date"].update(precision="year", start="2023-01-01", end="2023-12-31"))),
    Mutation("date-after-publication", "future", _edit_record(
        2, _set(["date", "start"], "2023-08-29"))),
    Mutation("visitor-is-host", "self-visit", _edit_record(
        0, _set(["diplomatic_visit", "hosts"], ["sergei-shoigu"]))),
    Mutation("supplier-is-recipient", "self-supply", _edit_record(
        2, _set(["arms_allegation", "supplier"], "russia"))),
    Mutation("classification-mismatch", "host-mode", _edit_record(
        0, _set(["classification", "plover_mode"], "third-party"))),
    Mutation("country-code-unknown", "xxa", _edit_record(0, _set(["location", "country"], "XXA"))),
    Mutation("country-code-unknown", "withdrawn", _edit_record(  # the message says when
        0, _set(["location", "country"], "SUN"))),
    Mutation("wikidata-id-malformed", "leading-zero", _replace("actors.csv", ",Q159,", ",Q0159,")),
)
