"""Write a generated dataset (see strategies.datasets) to a folder, as a contributor would."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any


def write_dataset(folder: Path, data: dict[str, Any]) -> Path:
    """Write `data` as a complete dataset folder and return it."""
    (folder / "articles").mkdir(parents=True)
    raw = data["text"].encode("utf-8")
    (folder / "articles" / "a.txt").write_bytes(raw)
    digest = hashlib.sha256(raw).hexdigest()
    with (folder / "sources.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "url", "title", "publisher", "author", "published", "language",
                         "retrieved", "path", "sha256", "license"])
        writer.writerow([data["source"], "https://example.org/a", "A title", "Publisher", "",
                         data["published"].isoformat(), "en", "", "articles/a.txt", digest,
                         "test"])
    with (folder / "actors.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "name", "kind", "country", "office", "wikidata", "affiliation"])
        for actor in data["actors"]:
            writer.writerow([actor, data["names"][actor], data["kinds"][actor], "", "", "",
                             data["affiliations"].get(actor, "")])
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data["records"])
    (folder / "events.jsonl").write_text(lines, encoding="utf-8")
    descriptor = {
        "name": "generated", "title": "Generated", "textevents_version": data["version"],
        "licenses": [{"name": "CC0-1.0"}], "contributors": [{"title": "hypothesis"}],
        "resources": [
            {"name": "events", "type": "file", "path": "events.jsonl"},
            {"name": "sources", "type": "table", "path": "sources.csv"},
            {"name": "actors", "type": "table", "path": "actors.csv"},
            {"name": "article", "type": "text", "path": "articles/a.txt",
             "hash": f"sha256:{digest}"},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    return folder


def read_records(folder: Path) -> list[dict[str, Any]]:
    """The records of a written dataset."""
    text = (folder / "events.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def shift_dates(record: dict[str, Any], weeks: int) -> dict[str, Any]:
    """`record` with each of its dates moved by whole weeks (weekdays kept), as another event.

    Copies of a record on the same days are possible duplicates (codebook K1,
    K2): tests that copy records give each copy its own days this way.  The
    start and end of each date move; a date's precision is kept, so this suits
    day and window dates only.
    """
    import copy
    import datetime as dt

    from validator.checks.walk import dates

    moved = copy.deepcopy(record)
    for _, date in dates(moved):
        for key in ("start", "end"):
            if key in date:
                date[key] = (dt.date.fromisoformat(date[key])
                             + dt.timedelta(weeks=weeks)).isoformat()
    return moved
