"""Named mutations of a valid dataset folder, each declaring the rule code it must trigger.

A case mutation takes a dataset folder (a copy of a valid dataset) and breaks
one rule on purpose.  `tests/cases/invalid/<code>/<name>/` are these applied
to `tests/cases/valid/base/`, written by `python tests/make_cases.py`.  Those
that break one record are record mutations (`mutations.py`) applied to it:
the certain ones of the shared vocabulary, and a few edits only the cases make.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mutations import MUTATIONS, Mutation, no_draw
from writing import shift_dates

from validator.pointers import pointer

EVENTS = "events.jsonl"


def _records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / EVENTS).read_text("utf-8").splitlines()]


def _write_records(folder: Path, records: list[dict]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (folder / EVENTS).write_text(text, "utf-8")


def _dataset(folder: Path) -> dict:
    """What record mutations know of a dataset: its first article, its actors, its records."""
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as handle:
        source = next(csv.DictReader(handle))
    with (folder / "actors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"source": source["id"], "text": (folder / source["path"]).read_text("utf-8"),
            "published": dt.date.fromisoformat(source["published"][:10]),
            "actors": [row["id"] for row in rows], "names": {row["id"]: row["name"] for row in rows},
            "kinds": {row["id"]: row["kind"] for row in rows},
            "affiliations": {row["id"]: row["affiliation"] for row in rows if row["affiliation"]},
            "records": [json.loads(line) for line in
                        (folder / "events.jsonl").read_text("utf-8").splitlines() if line.strip()]}


def on_record(index: int, mutation: Mutation, name: str | None = None) -> CaseMutation:
    """A case that applies a certain record mutation to one record of the dataset."""
    assert mutation.certain, mutation.name

    def mutate(folder: Path) -> None:
        records = _records(folder)
        assert mutation.apply(records[index], _dataset(folder), no_draw) is not None, (
            mutation.name, index)
        _write_records(folder, records)
    return CaseMutation(mutation.code, name or mutation.name, mutate)


def setting(path: list, value: object) -> Callable[[dict, dict, object], str]:
    """A record mutation's apply that sets the value at `path` (only the cases use these)."""
    def edit(record: dict, data: dict, draw: object) -> str:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return pointer(*path)
    return edit


def renaming(path: list, old: str, new: str) -> Callable[[dict, dict, object], str]:
    """Rename a field in place, keeping its value (and the keys' order but for it)."""
    def edit(record: dict, data: dict, draw: object) -> str:
        target = record
        for key in path:
            target = target[key]
        target[new] = target.pop(old)
        return pointer(*path, new)
    return edit


def _case(code: str, name: str, index: int, apply: Callable[[dict, dict, object], str],
          ) -> CaseMutation:
    return on_record(index, Mutation(code, name, apply))


SHARED = {mutation.name: mutation for mutation in MUTATIONS if mutation.certain}


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


def _beside(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    """A second dataset beside the case's, a copy with its own record ids, then edited.

    Its records are a week earlier, so that they code other events than the
    case's (else each would be a possible duplicate, codebook K2).
    """
    def mutate(folder: Path) -> None:
        other = folder.parent / "other"
        shutil.copytree(folder, other)
        events = other / EVENTS
        records = [shift_dates(json.loads(line), -1)
                   for line in events.read_text("utf-8").splitlines()]
        events.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n"
                                  for record in records).replace('"id": "newsbytes-',
                                                                 '"id": "other-'), "utf-8")
        edit(other)
    return mutate


def _repeat_first(folder: Path) -> None:
    """The first record again under a new id: the same visit, on the same days (K1)."""
    records = _records(folder)
    _write_records(folder, [*records, {**records[0], "id": "newsbytes-2023-07-29-005"}])


def _repeat_beside(folder: Path) -> None:
    """A dataset beside the case's whose one record is the case's first under a new id (K2)."""
    other = folder.parent / "other"
    shutil.copytree(folder, other)
    _write_records(other, [{**_records(folder)[0], "id": "other-001"}])


def _trip_as_visit(folder: Path) -> None:
    """The second visit made a multilateral meeting, and the first a `visit` part of it (M7)."""
    records = _records(folder)
    meeting = records[1]
    meeting["diplomatic_visit"]["mode"] = "multilateral"
    meeting["classification"].update(cameo="040", plover_mode="multilateral")
    records[0]["links"] = [{"relation": "part_of", "record": meeting["id"]}]
    _write_records(folder, records)


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
    on_record(0, Mutation("source-not-listed", "second-article-cited",
                          setting(["evidence", 0, "source"], "second-article"))).apply(folder)


PARTY_KINDS = {"state", "organisation"}


def _parties_of(visit, data):
    """The states and organisations among a visit's visitors, and its host if it has one."""
    parties = {actor for actor in visit["visitors"] if data["kinds"].get(actor) in PARTY_KINDS}
    if len(visit["hosts"]) == 1 and data["kinds"].get(visit["hosts"][0]) in PARTY_KINDS:
        parties.add(visit["hosts"][0])
    return parties


def _three_parties(record, data, draw):
    """A visit of three states or organisations, coded as a visit (mode, CAMEO 042)."""
    visit = record.get("diplomatic_visit")
    if not visit:
        return None
    spare = [actor for actor in data["actors"] if data["kinds"].get(actor) in PARTY_KINDS
             and actor not in visit["hosts"] and actor not in visit["visitors"]]
    while len(_parties_of(visit, data)) < 3 and spare:
        actor = spare.pop(0)
        if actor not in record["actors"]:
            record["actors"].append(actor)
        visit["visitors"].append(actor)
    if len(_parties_of(visit, data)) < 3:
        return None
    record["classification"].update(cameo="042", plover_mode="visit")
    visit["mode"] = "visit"
    # The visitors added are cited, as a list (no actor to name): field-uncited is not this.
    record["evidence"].append({**record["evidence"][0], "supports": "/diplomatic_visit/visitors"})
    return "/diplomatic_visit/mode"


@dataclass(frozen=True)
class CaseMutation:
    """One way to break one rule in a dataset folder: the code it must trigger and how."""

    code: str
    name: str
    apply: Callable[[Path], None]


def _list_second_article(folder: Path) -> None:
    """A second article, declared and in the sources table, that a record lists but no span cites."""
    _cite_second_article(folder)
    records = _records(folder)
    records[0]["evidence"][0]["source"] = records[0]["reporting"]["sources"][0]  # cited again
    records[0]["reporting"]["sources"].append("second-article")
    _write_records(folder, records)


def _same_transfer(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    """A copy of the third record (an allegation) under a new id, then edited."""
    def mutate(folder: Path) -> None:
        records = _records(folder)
        again = json.loads(json.dumps(records[2]))
        again["id"] = "newsbytes-2023-07-29-005"
        again["coding"].pop("note", None)
        edit(again["arms_allegation"])
        _write_records(folder, [*records, again])
    return mutate


def _extra_file(folder: Path) -> None:
    (folder / "notes.txt").write_text("not declared\n", "utf-8")


def _drop_article(folder: Path) -> None:
    _article(folder).unlink()


def _symlink_article(folder: Path) -> None:
    article = _article(folder)
    data = article.read_bytes()
    article.unlink()
    (folder / "outside.txt").write_bytes(data)
    # Relative, so the case folder can be copied, packed and built anywhere.
    article.symlink_to(Path("..") / "outside.txt")
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


def _many_wrong_spans(record: dict, data: dict, draw: object) -> str:
    """101 spans that each quote the wrong text: one more than a record reports."""
    record["evidence"] = [dict(record["evidence"][0], text="not the text")] * 101
    return "/evidence"


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


def _at(version: str, case: CaseMutation) -> CaseMutation:
    """The case in a dataset the upgrade command moved to `version` first."""
    def mutate(folder: Path) -> None:
        from validator import upgrade

        upgrade.write(upgrade.plan(folder, version))
        case.apply(folder)
    return CaseMutation(case.code, case.name, mutate)


def _at_1_1_0(case: CaseMutation) -> CaseMutation:
    return _at("1.1.0", case)


def _at_1_2_0(case: CaseMutation) -> CaseMutation:
    return _at("1.2.0", case)


def _actors_schema(edit: Callable[[dict], None]) -> Callable[[Path], None]:
    """Edit the Table Schema that the actors resource carries (schema 1.2.0)."""
    def change(descriptor: dict) -> None:
        [actors] = [r for r in descriptor["resources"] if r["name"] == "actors"]
        edit(actors["schema"])
    return _edit_descriptor(change)


def _schema_as_path(folder: Path) -> None:
    """The sources resource names a copy of its Table Schema, in which a column is retyped."""
    descriptor = _descriptor(folder)
    [sources] = [r for r in descriptor["resources"] if r["name"] == "sources"]
    schema = sources.pop("schema")
    schema["fields"][5]["type"] = "string"
    (folder / "sources.schema.json").write_text(json.dumps(schema, indent=2), "utf-8")
    sources["schema"] = "sources.schema.json"
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")


def _at_1_3_0(case: CaseMutation) -> CaseMutation:
    return _at("1.3.0", case)


def _aliases(rows: str, **resource: str) -> Callable[[Path], None]:
    """An aliases table (schema 1.3.0) of `rows` (its lines after the header), declared."""
    def write(folder: Path) -> None:
        from validator import registry

        (folder / "aliases.csv").write_text(f"actor,alias,language\n{rows}", "utf-8")
        descriptor = _descriptor(folder)
        at = next(i for i, r in enumerate(descriptor["resources"]) if r["name"] == "actors")
        declared = {"name": "aliases", "type": "table", "path": "aliases.csv", "format": "csv",
                    "mediatype": "text/csv", "encoding": "utf-8",
                    "schema": registry.load("1.3.0").table_schema("aliases")}
        descriptor["resources"].insert(at + 1, {**declared, **resource})
        (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    return write


CASE_MUTATIONS: tuple[CaseMutation, ...] = (
    CaseMutation("path-unsafe", "traversal", _edit_descriptor(
        lambda d: d["resources"].append({"name": "escape", "path": "../outside.txt"}))),
    CaseMutation("path-unsafe", "symlink", _symlink_article),
    CaseMutation("file-too-large", "long-line", _long_line),
    CaseMutation("too-many-findings", "flood", _append_line("[1]\n" * 1001)),
    _case("findings-capped", "many-spans", 0, _many_wrong_spans),
    CaseMutation("encoding-invalid", "actors-latin1", lambda f: (f / "actors.csv").write_bytes(
        (f / "actors.csv").read_bytes().replace(b"Sergei Shoigu", b"Serg\xe9i Shoigu"))),
    CaseMutation("encoding-bom", "descriptor-bom", lambda f: (f / "datapackage.json").write_bytes(
        b"\xef\xbb\xbf" + (f / "datapackage.json").read_bytes())),
    CaseMutation("encoding-bom", "events-bom", lambda f: (f / EVENTS).write_bytes(
        b"\xef\xbb\xbf" + (f / EVENTS).read_bytes())),
    CaseMutation("json-syntax", "truncated-record", _append_line('{"id": "broken"\n')),
    CaseMutation("json-duplicate-key", "duplicate-id-key", _append_line('{"id": "a", "id": "b"}\n')),
    CaseMutation("json-number-invalid", "nan", _append_line('{"id": NaN}\n')),
    CaseMutation("json-too-deep", "deep", _append_line("[" * 100 + "]" * 100 + "\n")),
    CaseMutation("json-too-deep", "deep-objects", _append_line('{"a": ' * 100 + "1" + "}" * 100
                                                           + "\n")),
    # A record that names itself: the finding says which (its `record`).
    CaseMutation("json-too-deep", "deep-in-a-record", _append_line(
        '{"id": "deep-record", "extra": ' + "[" * 100 + "]" * 100 + "}\n")),
    CaseMutation("json-lone-surrogate", "surrogate", _append_line('{"id": "\\ud800"}\n')),
    CaseMutation("record-blank-line", "blank", _append_line("\n")),
    CaseMutation("events-empty", "no-records", lambda f: (f / EVENTS).write_bytes(b"")),
    CaseMutation("record-not-object", "array", _append_line("[1, 2]\n")),
    CaseMutation("descriptor-missing", "orphan-folder", _no_descriptor),
    CaseMutation("descriptor-invalid", "no-title", _edit_descriptor(lambda d: d.pop("title"))),
    CaseMutation("descriptor-invalid", "no-version", _edit_descriptor(
        lambda d: d.pop("textevents_version"))),
    CaseMutation("descriptor-invalid", "resource-not-object", _edit_descriptor(
        lambda d: d["resources"].insert(1, "sources.csv"))),  # the resources after it still count
    CaseMutation("descriptor-invalid", "not-an-object", lambda f: (f / "datapackage.json").write_text(
        "[]\n", "utf-8")),
    CaseMutation("schema-version-unknown", "version-9", _edit_descriptor(
        lambda d: d.update(textevents_version="9.9.9"))),
    CaseMutation("resource-missing", "no-article", _drop_article),
    CaseMutation("resource-missing", "undeclared-source-path", _source_without_file),
    CaseMutation("resource-undeclared", "extra-file", _extra_file),
    CaseMutation("resource-undeclared", "article-not-declared", _undeclared_edited_article),
    CaseMutation("resource-duplicate", "twice", _edit_descriptor(
        lambda d: d["resources"].append(dict(d["resources"][1])))),
    CaseMutation("resource-duplicate", "same-path", _edit_descriptor(
        lambda d: d["resources"].append({"name": "events-again", "path": "events.jsonl"}))),
    CaseMutation("resource-hash-mismatch", "article-edited", _rewrite_article(
        lambda b: b + b"appended\n", rehash=False)),
    CaseMutation("resource-hash-mismatch", "events-hash", _edit_descriptor(  # of other bytes
        lambda d: d["resources"][0].update(hash="sha256:" + hashlib.sha256(b"x").hexdigest()))),
    CaseMutation("table-header", "renamed-column", _replace("actors.csv", "wikidata", "wikidata_id")),
    CaseMutation("table-header", "space-in-label", _replace("actors.csv", "country,", "country ,")),
    CaseMutation("country-code-unknown", "actors-xxa", _replace("actors.csv", ",state,RUS,", ",state,XXA,")),
    CaseMutation("table-row", "short-row", _replace("actors.csv", "\nrussia,Russia,state,RUS,,Q159,",
                                                "\nrussia,Russia,state")),
    CaseMutation("table-value", "bad-kind", _replace("actors.csv", ",state,RUS,,Q159,", ",country,RUS,,Q159,")),
    CaseMutation("table-unique", "duplicate-actor", lambda f: (f / "actors.csv").write_text(
        (f / "actors.csv").read_text("utf-8") + "russia,Russia again,state,RUS,,Q159,\n", "utf-8")),
    CaseMutation("table-foreign-key", "unknown-affiliation", _replace(
        "actors.csv", "Defence Minister of Russia,,russia", "Defence Minister of Russia,,rusia")),
    CaseMutation("table-format", "broken-quote", _replace("actors.csv", "Sergei Shoigu", '"Sergei Shoigu')),
    on_record(0, SHARED["drop-summary"], "no-summary"),
    on_record(0, SHARED["unknown-field"], "extra-field"),
    _case("schema-wrong-type", "summary-number", 0, setting(["summary"], 1)),
    _case("schema-unknown-field", "misspelt-field", 0, renaming(
        ["evidence", 0], "source", "sorce")),  # the message suggests 'source'
    on_record(0, SHARED["bad-modality"], "modality"),
    _case("schema-not-in-codelist", "misspelt", 0,  # suggests 'asserted'
          setting(["modality"], "asserterd")),
    _case("schema-format", "bad-date", 0, setting(["date", "start"], "2023-02-30")),
    _case("date-year-zero", "start-in-year-zero", 0, setting(["date", "start"], "0000-07-26")),
    _case("date-year-zero", "coded-in-year-zero", 0, setting(["coding", "date"], "0000-01-01")),
    _case("schema-value", "empty-summary", 0, setting(["summary"], "")),
    on_record(0, SHARED["open-context"], "context"),
    CaseMutation("record-id-duplicate", "repeated", _duplicate_record),
    _case("actor-unknown", "misspelled", 2, setting(["actors", 4], "ukriane")),
    _case("source-unknown", "misspelled", 0, setting(["reporting", "sources", 0],
                                                     "newsbytes-2023-07-30")),
    _case("actor-not-listed", "host-not-listed", 0, setting(["diplomatic_visit", "hosts"],
                                                            ["north-korea", "china"])),
    CaseMutation("source-not-listed", "second-article-cited", _cite_second_article),
    CaseMutation("source-uncited", "second-article-listed", _list_second_article),
    _case("mode-not-multilateral", "three-parties", 0, _three_parties),
    # Across the records of a dataset.
    CaseMutation("stage-inconsistent", "agreed-and-sought", _same_transfer(
        lambda allegation: allegation.update(stage="agreed"))),
    CaseMutation("verification-inconsistent", "corroborated-and-not", _same_transfer(
        lambda allegation: allegation.update(verification="corroborated"))),
    on_record(0, SHARED["past-end"]),
    on_record(0, SHARED["uncited-party"]),
    on_record(0, SHARED["uncited-place"]),  # a field of codebook E3 besides the parties
    on_record(0, SHARED["shift-span"], "shifted"),
    on_record(0, SHARED["supports-nothing"]),
    CaseMutation("text-not-nfc", "nfd", _rewrite_article(lambda b: b + "Café\n".encode()
                                                     .replace(b"\xc3\xa9", b"e\xcc\x81"))),
    CaseMutation("text-line-ending", "crlf", _rewrite_article(lambda b: b + b"tail\r\n")),
    CaseMutation("encoding-invalid", "article-latin1", _rewrite_article(lambda b: b + b"caf\xe9\n")),
    on_record(0, SHARED["end-before-start"], "reversed"),
    on_record(1, SHARED["not-a-month"], "month"),
    on_record(2, SHARED["a-day-in-a-year"], "weekday-year"),
    on_record(2, SHARED["after-publication"], "future"),
    on_record(0, SHARED["visitor-is-host"], "self-visit"),
    on_record(2, SHARED["supplier-is-recipient"], "self-supply"),
    _case("classification-mismatch", "host-mode", 0,
          setting(["classification", "plover_mode"], "third-party")),
    on_record(0, SHARED["not-a-country"], "xxa"),
    _case("country-code-unknown", "withdrawn", 0,  # the message says when
          setting(["location", "country"], "SUN")),
    CaseMutation("wikidata-id-malformed", "leading-zero", _replace("actors.csv", ",Q159,", ",Q0159,")),
    # Across the datasets of a run (here within one, and with one beside it).
    CaseMutation("wikidata-inconsistent", "one-person-two-ids", lambda f: (f / "actors.csv")
                 .write_text((f / "actors.csv").read_text("utf-8")
                             + "kim-jong-un-dprk,Kim Jong Un,person,PRK,,Q56226,north-korea\n",
                             "utf-8")),
    CaseMutation("actor-wikidata-conflict", "two-datasets", _beside(_replace(
        "actors.csv", ",Q56226,", ",Q56227,"))),
    CaseMutation("event-possible-duplicate", "same-visit-twice", _repeat_first),
    CaseMutation("event-possible-duplicate-elsewhere", "same-visit-beside", _repeat_beside),
    # Schema 1.1.0: its new fields broken, in a dataset the upgrade command moved to it.
    _at_1_1_0(_case("link-dangling", "no-such-record", 0, setting(
        ["links"], [{"relation": "same_event", "record": "voa-0000000-001"}]))),
    _at_1_1_0(CaseMutation("visit-part-of-multilateral", "trip-as-visit-1-1-0",
                           _trip_as_visit)),
    _at_1_1_0(_case("date-precision-mismatch", "late-month-1-1-0", 1, setting(
        ["date"], {"start": "2023-07-11", "end": "2023-07-20", "precision": "part_of_month",
                   "month_part": "late"}))),
    _at_1_1_0(_case("schema-missing-field", "unnamed-claimant-1-1-0", 2, setting(
        ["arms_allegation", "claimant"], {"attribution": "unnamed"}))),
    _at_1_1_0(_case("schema-unknown-field", "open-end-with-end-1-1-0", 0, setting(
        ["date", "end_bound"], "open"))),
    _at_1_1_0(_case("actor-unknown", "role-actor-1-1-0", 0, setting(
        ["diplomatic_visit", "roles"], [{"actor": "kim-jong-nu", "role": "counterpart",
                                         "side": "north-korea"}]))),
    _at_1_1_0(_case("date-range-reversed", "use-date-1-1-0", 3, setting(
        ["arms_allegation", "use_date"], {"start": "2023-07-20", "end": "2023-07-10",
                                          "precision": "window"}))),
    # Schema 1.2.0: the tables' schemas in the descriptor, $schema, dates as dates.
    _at_1_2_0(CaseMutation("table-schema-mismatch", "enum-widened-1-2-0", _actors_schema(
        lambda s: s["fields"][2]["constraints"]["enum"].append("wizard")))),
    _at_1_2_0(CaseMutation("table-schema-mismatch", "path-retyped-1-2-0", _schema_as_path)),
    _at_1_2_0(_case("schema-uri-mismatch", "other-version-1-2-0", 0, setting(
        ["$schema"], "https://schema.textevents.org/1.1.0/event.schema.json"))),
    _at_1_2_0(CaseMutation("schema-uri-mismatch", "descriptor-names-record-schema-1-2-0",
                           _edit_descriptor(lambda d: d.update({
                               "$schema": "https://schema.textevents.org/1.2.0/event.schema.json"})))),
    _at_1_2_0(CaseMutation("table-value", "impossible-published-1-2-0", _replace(
        "sources.csv", "2023-07-29T18:25", "2021-13-45T99:99:99Z"))),
    _at_1_2_0(CaseMutation("table-value", "published-not-iso-1-2-0", _replace(
        "sources.csv", "2023-07-29T18:25", "29 July 2023"))),
    # Codebook H2 needs roles (1.1.0): Kim meets Shoigu for North Korea, coded host_delegation.
    _at_1_1_0(on_record(0, SHARED["unreceived-participant"], "host-delegation-1-1-0")),
    # Schema 1.3.0: the aliases table, each bad row located.
    _at_1_3_0(CaseMutation("alias-ambiguous", "delegation-as-its-state-1-3-0", _aliases(
        "kim-jong-un,Kim,\nchina-delegation,China,\n"))),
    _at_1_3_0(CaseMutation("table-foreign-key", "alias-of-unknown-actor-1-3-0", _aliases(
        "kim-jong-nu,Kim,\n"))),
    _at_1_3_0(CaseMutation("table-value", "empty-alias-1-3-0", _aliases("kim-jong-un,,\n"))),
    _at_1_3_0(CaseMutation("table-unique", "alias-twice-1-3-0", _aliases(
        "kim-jong-un,Kim,\nkim-jong-un,Kim,ko-Latn\n"))),
    _at_1_3_0(CaseMutation("descriptor-invalid", "aliases-as-text-1-3-0", _aliases(
        "kim-jong-un,Kim,\n", type="text"))),
    # A record of another version than its dataset's: located at its schema_version.
    _case("schema-not-in-codelist", "record-version", 0, setting(["schema_version"], "1.1.0")),
)


def _on_first_record(mutation: Mutation) -> CaseMutation:
    """A case for a rule that has none yet: its certain mutation, on the first record it fits.

    So a new record rule needs no case written here: its mutation in
    `mutations.py` makes one (`python tests/make_cases.py`).
    """
    def mutate(folder: Path) -> None:
        records = _records(folder)
        for record in records:
            if mutation.apply(record, _dataset(folder), no_draw) is not None:
                _write_records(folder, records)
                return
        raise AssertionError(f"{mutation.name} fits no record of the base case")
    return CaseMutation(mutation.code, mutation.name, mutate)


CASE_MUTATIONS += tuple(_on_first_record(mutation) for mutation in MUTATIONS
                        if mutation.certain
                        and mutation.code not in {case.code for case in CASE_MUTATIONS})
