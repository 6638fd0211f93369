"""Hostile inputs that cost: each slow input of issue 25, built at a size chosen at run time.

Each `Costly` input is the valid base dataset with one trap whose size is a
parameter.  `COST` holds each at the size `tests/test_hostile.py` runs: fast
once every per-file and per-record loop is linear, and slow (seconds to
minutes) when one was quadratic.  `benchmarks/hostile_cost.py` (`nox -s
hostile-cost`) builds each at two larger sizes and checks that time grows at
most linearly.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cases import Hostile, _codes, weeks_earlier


@dataclass(frozen=True)
class Costly:
    """A trap whose size is given: how to build it, and what the validator must say."""

    name: str
    build: Callable[[Path, int], None]
    test_size: int  # fast after the fix, slow before it
    bench_sizes: tuple[int, int]  # for nox -s hostile-cost: the larger near the issue's
    exit: int
    codes: frozenset[str]
    unit: str = "items"  # what the size counts, for the benchmark's table

    def hostile(self, size: int | None = None) -> Hostile:
        """The trap at `size` (its test size by default) as a hostile case."""
        size = self.test_size if size is None else size

        def build(folder: Path) -> None:
            self.build(folder, size)

        return Hostile(self.name, "cost", build, self.exit, self.codes)


def _append_line(folder: Path, line: str) -> None:
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _first_record(folder: Path) -> dict[str, object]:
    record: dict[str, object] = json.loads(
        (folder / "events.jsonl").read_text("utf-8").splitlines()[0])
    return record


def _descriptor(folder: Path, edit: Callable[[dict[str, list[object]]], None]) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), "utf-8")


def unclosed_string_deep(folder: Path, size: int) -> None:
    """A line orjson refuses, 65 brackets deep, then a string that never closes: `"\\"\\"…`.

    A scan for strings that restarts at every later quote reads the rest of
    the line once a quote: quadratic in the line.
    """
    _append_line(folder, "[" * 65 + '"' + '\\"' * size)


def unclosed_string_descriptor(folder: Path, size: int) -> None:
    """A descriptor cut short: 65 brackets deep, then a string that never closes."""
    path = folder / "datapackage.json"
    text = path.read_text("utf-8")
    path.write_text(text[:text.index('"title": ')] + '"deep": ' + "[" * 65 + '"'
                    + '\\"' * size, "utf-8")


def unclosed_string_literal(folder: Path, size: int) -> None:
    """A refused number the token scan cannot match (`1e99999x`), then an unclosed string."""
    _append_line(folder, '[1e99999x, "' + '\\"' * size)


def many_span_findings(folder: Path, size: int) -> None:
    """One record whose `size` evidence spans each quote the wrong text."""
    record = weeks_earlier(_first_record(folder), 1)
    record["id"] = "hostile-many-spans"
    source = record["reporting"]["sources"][0]  # type: ignore[index]
    record["evidence"] = [{"source": source, "start": 0, "end": 1, "text": "\u2603"}] * size
    _append_line(folder, json.dumps(record))


def many_schema_findings(folder: Path, size: int) -> None:
    """One record whose `size` evidence spans each have the wrong type."""
    record = _first_record(folder)
    record["id"] = "hostile-many-types"
    record["evidence"] = [7] * size
    _append_line(folder, json.dumps(record))


def many_unsafe_paths(folder: Path, size: int) -> None:
    """A descriptor declaring `size` resources at absolute paths."""
    _descriptor(folder, lambda d: d["resources"].extend(
        {"name": f"unsafe-{i}", "path": f"/unsafe/{i}.txt"} for i in range(size)))


def many_missing_files(folder: Path, size: int) -> None:
    """A descriptor declaring `size` files that the dataset does not have."""
    _descriptor(folder, lambda d: d["resources"].extend(
        {"name": f"missing-{i}", "path": f"missing/{i}.txt"} for i in range(size)))


def many_declared_files(folder: Path, size: int) -> None:
    """A descriptor declaring `size` files, each there, two folders deep."""
    for i in range(size):
        path = folder / "extra" / str(i % 100) / f"{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x\n")
    _descriptor(folder, lambda d: d["resources"].extend(
        {"name": f"extra-{i}", "path": f"extra/{i % 100}/{i}.txt"} for i in range(size)))


def duplicate_resources(folder: Path, size: int) -> None:
    """A descriptor declaring one name `size` times."""
    _descriptor(folder, lambda d: d["resources"].extend(
        {"name": "events", "path": "events.jsonl"} for _ in range(size)))


def datasets_beside_orphans(folder: Path, size: int) -> None:
    """`size` datasets (descriptor only) beside `size` orphan folders, one level down.

    The folder itself becomes a folder of datasets: the base dataset moves
    into `base/`, so the run finds it and every other one.
    """
    base = folder / "base"
    base.mkdir()
    for entry in list(folder.iterdir()):
        if entry != base:
            entry.rename(base / entry.name)
    for i in range(size):
        dataset = folder / f"d{i:05d}"
        dataset.mkdir()
        (dataset / "datapackage.json").write_bytes(b"[]")
        orphan = folder / f"o{i:05d}"
        orphan.mkdir()
        (orphan / "notes.txt").write_bytes(b"x\n")


def csv_wide_header(folder: Path, size: int) -> None:
    """The actors table's header with `size` labels more than its schema."""
    path = folder / "actors.csv"
    lines = path.read_text("utf-8").splitlines()
    lines[0] += "".join(f",extra{i}" for i in range(size))
    path.write_text("\n".join(lines) + "\n", "utf-8")


def csv_wide_row(folder: Path, size: int) -> None:
    """One row of the actors table with `size` cells more than the header."""
    with (folder / "actors.csv").open("a", encoding="utf-8") as handle:
        handle.write("wide-row,Wide Row,person,,,," + "," * size + "\n")


def csv_bad_rows(folder: Path, size: int) -> None:
    """`size` bytes of short rows appended to the actors table."""
    row = b"short-row,Short\n"
    with (folder / "actors.csv").open("ab") as handle:
        handle.write(row * (size // len(row)))


def unknown_actors(folder: Path, size: int) -> None:
    """An actors table of `size` rows, and `size // 25` unknown actor ids in records.

    Ten unknown actors a record, each asking "did you mean" over every row,
    until the file's limit of findings.
    """
    with (folder / "actors.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"actor-{i:06d},Actor {i},person,,,,\n" for i in range(size))
    first = json.dumps(_first_record(folder))
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        for i in range(size // 250):  # each a week before the last: no two one event
            record = weeks_earlier(json.loads(first), i + 1)
            record["id"] = f"hostile-unknown-{i}"
            record["actors"] = [*record["actors"],  # type: ignore[misc]
                                *(f"nobody-{i:04d}-{j}" for j in range(10))]
            handle.write(json.dumps(record) + "\n")


def long_hinted_values(folder: Path, size: int) -> None:
    """Twenty actors rows whose id and affiliation are each `size` letters long.

    Each id breaks its pattern and each affiliation names no actor: the hint for
    each dangling affiliation compared it with every id, in time as the product
    of their lengths (ten rows of 100,000 letters took 14 s).
    """
    letters = "abcdefghijklmnopqrstuvwxyz"
    with (folder / "actors.csv").open("a", encoding="utf-8") as handle:
        for i in range(20):
            name, affiliation = (letters[i % 26] + letters[j % 26] for j in (i, i + 7))
            handle.write(f"{name * (size // 2)},Actor {i},person,,,,{affiliation * (size // 2)}\n")


def article_not_nfc_at_end(folder: Path, size: int) -> None:
    """An article of about `size` bytes of NFC text, then one decomposed character."""
    article = next((folder / "articles").iterdir())
    chunk = "Plain news text, line after line.\n" * 1000
    with article.open("a", encoding="utf-8") as handle:
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write("cafe\u0301\n")


def wrong_spans_in_a_long_article(folder: Path, size: int) -> None:
    """An article of about `size` bytes, and 110 records of ten spans that quote it wrong.

    Each wrong span's hints encoded the whole article twice and counted its
    lines: the file's 1,000 findings read it thousands of times.
    """
    article_not_nfc_at_end(folder, size)
    first = json.dumps(_first_record(folder))
    source = json.loads(first)["reporting"]["sources"][0]
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        for i in range(110):  # each a week before the last: no two one event
            record = weeks_earlier(json.loads(first), i + 1)
            record["id"] = f"hostile-wrong-spans-{i}"
            record["evidence"] = [{"source": source, "start": 0, "end": 5, "text": "Zzzzz"}] * 10
            handle.write(json.dumps(record) + "\n")


def overlapping_windows(folder: Path, size: int) -> None:
    """`size` copies of a visit, each dated by a window from its own day to the visit's end.

    Windows of one event key that all differ and all overlap: the sweep for
    possible duplicates (K1) paired each with every window before it.
    """
    import datetime as dt

    lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
    record = json.loads(lines[1])  # a visit dated by a window, its date quoting no text
    end = dt.date.fromisoformat(record["date"]["end"])
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        for i in range(size):
            record["id"] = f"hostile-window-{i}"
            record["date"]["start"] = (end - dt.timedelta(days=4 + i)).isoformat()
            handle.write(json.dumps(record) + "\n")


_CAPPED = "findings-capped"

COSTLY: tuple[Costly, ...] = (
    Costly("unclosed-string-deep", unclosed_string_deep, 20_000, (100_000, 200_000), 1,
           _codes("json-too-deep"), "escaped quotes"),
    Costly("unclosed-string-descriptor", unclosed_string_descriptor, 20_000,
           (200_000, 400_000), 1, _codes("json-too-deep"), "escaped quotes"),
    Costly("unclosed-string-literal", unclosed_string_literal, 20_000, (100_000, 200_000), 1,
           _codes("json-number-invalid"), "escaped quotes"),
    Costly("many-span-findings", many_span_findings, 10_000, (5_000, 10_000), 1,
           _codes("span-text-mismatch", _CAPPED), "spans"),
    Costly("many-schema-findings", many_schema_findings, 10_000, (10_000, 20_000), 1,
           _codes("schema-wrong-type", _CAPPED), "spans"),
    Costly("many-unsafe-paths", many_unsafe_paths, 10_000, (10_000, 20_000), 1,
           _codes("path-unsafe", _CAPPED), "resources"),
    Costly("many-missing-files", many_missing_files, 10_000, (12_000, 24_000), 1,
           _codes("resource-missing", _CAPPED), "resources"),
    Costly("many-declared-files", many_declared_files, 3_000, (12_000, 24_000), 0,
           _codes(), "files"),
    Costly("duplicate-resources", duplicate_resources, 10_000, (10_000, 20_000), 1,
           _codes("resource-duplicate", _CAPPED), "resources"),
    Costly("datasets-beside-orphans", datasets_beside_orphans, 2_000, (4_000, 8_000), 1,
           _codes("descriptor-invalid", "descriptor-missing"), "datasets"),
    Costly("csv-wide-header", csv_wide_header, 8_000, (8_000, 16_000), 1,
           _codes("table-header"), "labels"),
    Costly("csv-wide-row", csv_wide_row, 12_000, (12_000, 24_000), 1,
           _codes("table-row"), "cells"),
    Costly("csv-bad-rows", csv_bad_rows, 2_000_000, (6_000_000, 12_000_000), 1,
           _codes("table-row", _CAPPED), "bytes"),
    Costly("unknown-actors", unknown_actors, 30_000, (50_000, 100_000), 1,
           _codes("actor-unknown", "too-many-findings"), "actors"),
    Costly("long-hinted-values", long_hinted_values, 40_000, (40_000, 80_000), 1,
           _codes("table-value", "table-foreign-key"), "letters"),
    Costly("wrong-spans-long-article", wrong_spans_in_a_long_article, 4_000_000,
           (8_000_000, 16_000_000), 1, _codes("span-text-mismatch", "too-many-findings",
                                             "text-not-nfc", "resource-hash-mismatch",
                                             "date-text-uncited"),  # its spans quote no date
           "bytes"),
    Costly("overlapping-windows", overlapping_windows, 4_000, (10_000, 20_000), 0,
           _codes("event-possible-duplicate", _CAPPED), "records"),
    Costly("article-not-nfc-at-end", article_not_nfc_at_end, 8_000_000,
           (24_000_000, 48_000_000), 1, _codes("text-not-nfc", "resource-hash-mismatch"),
           "bytes"),
)

COST: tuple[Hostile, ...] = tuple(costly.hostile() for costly in COSTLY)


def copy_base(target: Path) -> Path:
    """A copy of the valid base dataset at `target` (for the benchmark)."""
    shutil.copytree(Path(__file__).parents[1] / "valid" / "base", target)
    return target
