"""The repository's datasets as they were at schema 1.0.0, rebuilt for tests.

`datasets/` moved to 1.1.0 (and was recoded with its new fields); the records
as they were at 1.0.0 are kept in `tests/fixtures/records-1.0.0.jsonl`.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

REPO = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "records-1.0.0.jsonl"
KINDS_1_0_0 = {"person", "state", "organisation", "delegation"}
# Rules that judge the coding against the codebook, newer than these records: they judge how
# the records were coded then, which the tests of versions, upgrades and links leave alone.
CODING = ("date-text-uncited", "date-inference-unmarked", "span-actor-unnamed",
          "wikidata-inconsistent", "actor-wikidata-conflict", "status-modality-mismatch",
          "purpose-uncited", "host-not-state", "event-possible-duplicate",
          "event-possible-duplicate-elsewhere", "visit-part-of-multilateral", "field-uncited",
          "source-uncited", "mode-not-multilateral", "stage-inconsistent",
          "verification-inconsistent")


def records_1_0_0() -> dict[str, list[dict[str, Any]]]:
    """Each dataset's records at 1.0.0, by dataset folder name, in file order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for line in FIXTURE.read_text("utf-8").splitlines():
        entry = json.loads(line)
        found.setdefault(entry["dataset"], []).append(entry["record"])
    return found


def actor_ids(folder: Path) -> list[str]:
    """The ids of a dataset's actors table."""
    text = (folder / "actors.csv").read_text("utf-8")
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


def dataset_1_0_0(name: str, destination: Path) -> Path:
    """A copy of `datasets/<name>` with its 1.0.0 records, declaring 1.0.0.

    Actor rows of kinds 1.0.0 does not have (groups, added when the dataset
    was recoded) are left out; the 1.0.0 records never name them.
    """
    shutil.copytree(REPO / "datasets" / name, destination)
    lines = (destination / "actors.csv").read_text("utf-8").splitlines(keepends=True)
    kept = [lines[0], *(line for line in lines[1:]
                        if next(csv.reader([line]))[2] in KINDS_1_0_0)]
    (destination / "actors.csv").write_text("".join(kept), "utf-8")
    descriptor = json.loads((destination / "datapackage.json").read_text("utf-8"))
    descriptor["textevents_version"] = "1.0.0"
    for resource in descriptor["resources"]:  # 1.2.0's Table Schemas on the resources
        resource.pop("schema", None)
    (destination / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    events = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records_1_0_0()[name])
    (destination / "events.jsonl").write_text(events, "utf-8")
    return destination
