"""A second schema version beside the first, made as CONTRIBUTING says.

The validator keeps every released version, and a dataset chooses its own
with `textevents_version`.  This makes a 1.1.0 in a copy of `schema/` (a new
record field, a new code in a closed codelist), regenerates its codelist
schema with `validator.codegen`, and checks one dataset of each version in
one run: each is held to its own version's rules, and 1.0.0 is unchanged.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from legacy import CODING, dataset_1_0_0

from validator import codegen, registry, validate

REPO = Path(__file__).parent.parent
PAYNE = REPO / "datasets" / "voa-2021-05-15-payne-washington"


@pytest.fixture
def two_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 clear_validator_caches: Callable[[], None]) -> Iterator[Path]:
    """A schema root holding 1.0.0 as released and a 1.1.0 made from it."""
    root = tmp_path / "schema"
    shutil.copytree(REPO / "schema" / "1.0.0", root / "1.0.0")
    new = root / "1.1.0"
    shutil.copytree(REPO / "schema" / "1.0.0", new)
    # Replace the version in every $id and in the two constants.
    for path in new.rglob("*.json"):
        text = path.read_text("utf-8")
        text = text.replace("https://schema.textevents.org/1.0.0/",
                            "https://schema.textevents.org/1.1.0/")
        text = text.replace('"const": "1.0.0"', '"const": "1.1.0"')
        path.write_text(text, "utf-8")
    # The change: a record field, and a visit status.
    event = json.loads((new / "event.schema.json").read_text("utf-8"))
    event["properties"]["language"] = {
        "description": "The language of the record's summary (ISO 639-1).",
        "type": "string", "pattern": "^[a-z]{2}$"}
    (new / "event.schema.json").write_text(json.dumps(event, indent=2), "utf-8")
    with (new / "codelists" / "visit_status.csv").open("a", encoding="utf-8") as table:
        table.write("postponed,Postponed,The visit was put off to a later date.\n")
    monkeypatch.setattr(registry, "schema_root", lambda: root)
    clear_validator_caches()
    assert codegen.main(["--repo", str(tmp_path)]) == 0  # regenerates the enums
    clear_validator_caches()  # what codegen read is stale now; a contributor's next command reads anew
    yield tmp_path
    clear_validator_caches()


def _dataset(folder: Path, version: str, *, record_version: str | None = None,
             language: str | None = None, status: str | None = None) -> None:
    """The Payne dataset declaring `version`, its record of `record_version` (the same if None)."""
    dataset_1_0_0(PAYNE.name, folder)  # as the dataset was at 1.0.0, before it was recoded
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["textevents_version"] = version
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    record = json.loads((folder / "events.jsonl").read_text("utf-8"))
    record["schema_version"] = record_version or version
    record["id"] = f"{folder.name}-001"  # ids are unique across the run
    if language is not None:
        record["language"] = language
    if status is not None:
        record["diplomatic_visit"]["status"] = status
    (folder / "events.jsonl").write_text(json.dumps(record) + "\n", "utf-8")


def test_the_codegen_step_puts_the_new_code_in_the_new_version_only(two_versions: Path) -> None:
    def statuses(version: str) -> list[str]:
        document = json.loads((two_versions / "schema" / version / "codelists.schema.json")
                              .read_text("utf-8"))
        return list(document["$defs"]["visit_status"]["enum"])

    assert registry.versions() == ("1.0.0", "1.1.0")
    assert "postponed" in statuses("1.1.0")
    assert "postponed" not in statuses("1.0.0")
    assert (two_versions / "docs" / "reference-1.1.0.md").is_file()


def test_each_dataset_is_held_to_its_own_version(two_versions: Path) -> None:
    work = two_versions / "datasets"
    _dataset(work / "a-old-clean", "1.0.0")
    _dataset(work / "b-old-new-field", "1.0.0", language="en")
    _dataset(work / "c-old-new-status", "1.0.0", status="postponed")
    _dataset(work / "d-new-clean", "1.1.0", language="en", status="postponed")
    _dataset(work / "e-new-bad-field", "1.1.0", language="english")
    _dataset(work / "f-new-record-old", "1.1.0", record_version="1.0.0")
    report = validate([str(work)], jobs=1, ignore=CODING)
    found = {(Path(f.file).parent.name, f.code, f.pointer) for f in report.findings}
    assert found == {
        ("b-old-new-field", "schema-unknown-field", "/language"),
        ("c-old-new-status", "schema-not-in-codelist", "/diplomatic_visit/status"),
        ("e-new-bad-field", "schema-value", "/language"),
        ("f-new-record-old", "schema-not-in-codelist", "/schema_version"),
    }
    assert report.records == 6


def test_the_report_names_the_version_each_dataset_was_checked_against() -> None:
    base = Path(__file__).parent / "cases" / "valid" / "base"
    payne = Path(__file__).parent.parent / "datasets" / "voa-2021-05-15-payne-washington"
    report = validate([str(base), str(payne)], alone=True)
    assert report.findings == ()
    newest = registry.versions()[-1]  # the repository's datasets are at the newest version
    assert report.versions == {"1.0.0": 1, newest: report.datasets - 1}
    assert {seen.version for seen in report.seen} == {"1.0.0", newest}
