"""`textevents export`: the datasets as tidy tables whose counts and joins hold.

The CSV export is checked here with the standard library (and frictionless,
which reads its datapackage.json); `nox -s export` loads the CSV and
Parquet exports in DuckDB and pandas.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from validator import validate
from validator.authoring.cli import main
from validator.checks.walk import actor_refs, dates, spans
from validator.export.tables import TABLES
from validator.pointers import resolve

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _records() -> list[dict]:
    return [json.loads(line) for path in sorted(DATASETS.glob("*/events.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export") / "tables"
    assert main(["export", str(DATASETS), "--to", str(target)]) == 0
    return target


def test_every_table_has_its_columns_and_a_row_for_each_thing(exported: Path) -> None:
    records = _records()
    for table, columns in TABLES.items():
        with (exported / f"{table}.csv").open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == [column.name for column in columns]
    assert len(_rows(exported, "events")) == len(records)
    assert len(_rows(exported, "participants")) == sum(len(list(actor_refs(r))) for r in records)
    assert len(_rows(exported, "evidence")) == sum(len(list(spans(r))) for r in records)
    assert len(_rows(exported, "dates")) == sum(len(list(dates(r))) for r in records)
    assert len(_rows(exported, "links")) == sum(len(r.get("links", [])) for r in records)
    assert len(_rows(exported, "responses")) == sum(
        len(r.get("arms_allegation", {}).get("responses", [])) for r in records)
    assert len(_rows(exported, "meetings")) == sum(
        len(r.get("diplomatic_visit", {}).get("meetings", [])) for r in records)
    actors = sum(len(_rows(folder, "actors")) for folder in DATASETS.iterdir())
    assert len(_rows(exported, "actors")) == actors
    aliases = sum(len(_rows(folder, "aliases")) for folder in DATASETS.iterdir()
                  if (folder / "aliases.csv").exists())
    assert aliases > 0
    assert len(_rows(exported, "aliases")) == aliases
    assert {r["record_id"] for r in _rows(exported, "events")} == {r["id"] for r in records}


def test_the_tables_join(exported: Path) -> None:
    events = {row["record_id"]: row for row in _rows(exported, "events")}
    actors = {(row["dataset"], row["actor_id"]): row for row in _rows(exported, "actors")}
    sources = {row["source_key"] for row in _rows(exported, "sources")}
    for row in _rows(exported, "participants"):
        assert row["record_id"] in events
        assert actors[row["dataset"], row["actor_id"]]["actor_key"] == row["actor_key"]
    for row in _rows(exported, "evidence"):
        assert row["source_key"] in sources
    for row in _rows(exported, "links"):
        assert row["target_record_id"] in events
    for row in _rows(exported, "weapons"):
        assert events[row["record_id"]]["event_type"] == "arms_allegation"
    for row in _rows(exported, "aliases"):  # schema 1.3.0: each alias's actor has its row
        assert actors[row["dataset"], row["actor_id"]]["actor_key"] == row["actor_key"]
        assert row["alias"]


def test_an_actor_with_a_wikidata_id_has_one_key_across_datasets(exported: Path) -> None:
    by_wikidata: dict[str, set[str]] = {}
    for row in _rows(exported, "actors"):
        if row["wikidata"]:
            by_wikidata.setdefault(row["wikidata"], set()).add(row["actor_key"])
    assert by_wikidata
    assert all(keys == {f"wikidata:{q}"} for q, keys in by_wikidata.items())
    datasets = {row["dataset"] for row in _rows(exported, "actors")
                if row["actor_key"] == "wikidata:Q423"}  # North Korea
    assert len(datasets) > 1


def test_a_visit_s_roles_come_out_by_name(exported: Path) -> None:
    roles = {row["role"] for row in _rows(exported, "participants")}
    assert {"visitor", "host", "listed", "supplier", "recipient", "claimant",
            "responder"} <= roles


def test_what_an_analyst_asks_is_in_the_tables(exported: Path) -> None:
    """Who denied an allegation, a date's bounds, who the claim is from, where a span points."""
    records = {r["id"]: r for r in _records()}
    responses = _rows(exported, "responses")
    assert {"denial", "confirmation"} <= {row["kind"] for row in responses}
    for row in responses:
        response = resolve(records[row["record_id"]], row["pointer"])
        assert (row["actor_id"], row["kind"]) == (response["actor"], response["kind"])
    for row in _rows(exported, "meetings"):
        meeting = resolve(records[row["record_id"]], row["pointer"])
        assert row["description"] == meeting.get("description", "")
    events = {row["record_id"]: row for row in _rows(exported, "events")}
    bounded = [i for i, r in records.items() if "start_bound" in r["date"]]
    assert bounded
    assert all(events[i]["date_start_bound"] == records[i]["date"]["start_bound"]
               for i in bounded)
    described = [i for i, r in records.items()
                 if "description" in r.get("arms_allegation", {}).get("claimant", {})]
    assert described
    assert all(events[i]["claimant_description"] for i in described)
    for row in _rows(exported, "evidence"):  # every span supports some place of its record
        resolve(records[row["record_id"]], row["supports"])
        if not resolve(records[row["record_id"]], row["pointer"]).get("supports"):
            assert row["pointer"].startswith(row["supports"] + "/evidence/")


def test_the_csv_export_is_a_valid_data_package_with_the_dictionary(exported: Path) -> None:
    from frictionless import validate

    report = validate(str(exported / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    descriptor = json.loads((exported / "datapackage.json").read_text("utf-8"))
    fields = {f["name"]: f for r in descriptor["resources"] if r["name"] == "events"
              for f in r["schema"]["fields"]}
    assert fields["date_start"]["description"].startswith("The earliest possible day")
    # Calendar dates are typed dates (frictionless read every cell as one, above).
    assert (fields["date_start"]["type"], fields["summary"]["type"]) == ("date", "string")
    dictionary = (REPO / "docs" / "export.md").read_text("utf-8")
    for table, columns in TABLES.items():
        assert f"## {table}\n" in dictionary
        assert all(f"| `{column.name}` |" in dictionary for column in columns)


def test_a_column_is_a_date_exactly_where_it_copies_a_calendar_date() -> None:
    from validator.export.dictionary import field_schema

    typed = {(table, column.name): column.type == "date" for table, columns in TABLES.items()
             for column in columns if column.field}
    calendar = {(table, column.name): field_schema(column.field).get("format") == "date"
                for table, columns in TABLES.items() for column in columns if column.field}
    assert typed == calendar
    assert typed["dates", "start"]
    assert not typed["events", "summary"]


def test_an_existing_target_is_refused_and_left_alone(tmp_path: Path, capsys) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "mine.txt").write_text("keep", "utf-8")
    assert main(["export", str(DATASETS), "--to", str(target)]) == 2
    assert "exists" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert main(["export", str(DATASETS), "--to", str(tmp_path / "no" / "out")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["export", str(DATASETS), "--to", str(tmp_path / "x"), "--format", "xlsx"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing half-written


def test_a_target_inside_a_dataset_is_refused_and_the_folder_takes_the_umask(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Tables written into a dataset would be its undeclared files (named through a link
    too); the folder written is as open as the umask makes a folder, not mkdtemp's 0700."""
    dataset = tmp_path / "ds"
    shutil.copytree(DATASETS / "voa-2020-01-27-parly-pentagon", dataset)
    (tmp_path / "link").symlink_to(dataset)
    for target, inside in ((dataset / "tables", dataset),
                           (tmp_path / "link" / "tables", tmp_path / "link")):
        assert main(["export", str(dataset), "--to", str(target)]) == 2
        assert f"--to {target} lies inside the dataset {inside}; write the tables elsewhere" \
            in capsys.readouterr().err
    assert sorted(p.name for p in dataset.iterdir()) == sorted(
        p.name for p in (DATASETS / "voa-2020-01-27-parly-pentagon").iterdir())
    (tmp_path / "exports").mkdir()  # beside the dataset, the CSV tables would be one too
    old = os.umask(0o022)
    try:
        assert main(["export", str(dataset), "--to", str(tmp_path / "exports" / "out")]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "exports" / "out").stat().st_mode & 0o777 == 0o755


def test_a_target_is_refused_before_the_run_and_inside_any_dataset(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A target refused costs no run (the datasets named are not even looked for); one
    inside a dataset the export does not name (beside it, say) is refused too."""
    (tmp_path / "out").mkdir()
    assert main(["export", str(tmp_path / "none"), "--to", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.endswith(
        f"{tmp_path / 'out'}: exists; export writes a new folder (remove it, or choose "
        "another --to)\n")
    exported, beside = tmp_path / "a", tmp_path / "b"
    shutil.copytree(DATASETS / "voa-2020-01-27-parly-pentagon", exported)
    shutil.copytree(DATASETS / "voa-2024-08-21-taliban-doha", beside)
    (beside / "deeper").mkdir()
    before = sorted(p.name for p in beside.iterdir())
    assert main(["export", str(exported), "--to", str(beside / "deeper" / "tables")]) == 2
    assert f"lies inside the dataset {beside}; write the tables elsewhere" in \
        capsys.readouterr().err
    assert sorted(p.name for p in beside.iterdir()) == before
    assert not (beside / "deeper" / "tables").exists()
    # Inside a folder of datasets it exports: the tables' descriptor would be a dataset there.
    assert main(["export", str(tmp_path), "--to", str(tmp_path / "tables")]) == 2
    assert f"--to {tmp_path / 'tables'} lies inside {tmp_path}, which is exported" in \
        capsys.readouterr().err
    # Beside a dataset (exported or not), as CSV: the same; as Parquet, no descriptor.
    assert main(["export", str(exported), "--to", str(tmp_path / "tables")]) == 2
    assert f"--to {tmp_path / 'tables'} lies beside the dataset {tmp_path}/" in \
        capsys.readouterr().err
    assert not (tmp_path / "tables").exists()


def test_a_dataset_with_errors_is_refused_unless_told(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus"
    good = corpus / "good"
    bad = corpus / "bad"
    shutil.copytree(DATASETS / "voa-2020-01-27-parly-pentagon", good)
    shutil.copytree(DATASETS / "voa-2024-08-21-taliban-doha", bad)
    events = bad / "events.jsonl"
    record = json.loads(events.read_text("utf-8").splitlines()[0])
    record["summary"] = ""  # fails the schema
    events.write_text(json.dumps(record) + "\n", "utf-8")
    target = tmp_path / "out"
    assert main(["export", str(corpus), "--to", str(target)]) == 2
    said = capsys.readouterr().err
    assert "1 dataset has errors" in said
    assert "bad" in said
    assert not target.exists()
    assert main(["export", str(corpus), "--to", str(target), "--with-findings"]) == 0
    said = capsys.readouterr().out
    assert said.endswith(f"; 1 record left out, failing its schema: {bad}/events.jsonl:1 "
                         "(links to it are kept)\n")  # named as findings name it
    assert len(_rows(target, "events")) == 1  # the good dataset's record only
    assert {row["dataset"] for row in _rows(target, "actors")} == {
        "voa-2020-01-27-parly-pentagon", "voa-2024-08-21-taliban-doha"}
    # The findings table says why, with the record and the dataset's name.
    # (An empty summary breaks two of its constraints: two findings, one place.)
    assert {(row["record_id"], row["dataset"], row["file"], row["line"], row["code"],
             row["severity"], row["pointer"]) for row in _rows(target, "findings")} == {
        (record["id"], "voa-2024-08-21-taliban-doha", f"{bad}/events.jsonl", "1",
         "schema-value", "error", "/summary")}
    assert [row["message"] for row in _rows(target, "findings")] == [
        f.message for f in validate([str(corpus)]).findings]


def test_a_record_dated_in_year_zero_is_left_out_as_a_schema_error(tmp_path: Path,
                                                                    capsys) -> None:
    """Its schema admits year 0000, no reader of dates does (Parquet's writer raised)."""
    dataset = tmp_path / "corpus" / "zero"
    shutil.copytree(DATASETS / "voa-2024-08-21-taliban-doha", dataset)
    events = dataset / "events.jsonl"
    record = json.loads(events.read_text("utf-8").splitlines()[0])
    record["coding"]["date"] = "0000-01-01"
    events.write_text(json.dumps(record) + "\n", "utf-8")
    target = tmp_path / "out"
    assert main(["export", str(dataset), "--to", str(target)]) == 2
    assert main(["export", str(dataset), "--to", str(target), "--with-findings"]) == 0
    assert "1 record left out" in capsys.readouterr().out
    assert _rows(target, "events") == []
    assert [(row["record_id"], row["code"]) for row in _rows(target, "findings")] == [
        (record["id"], "date-year-zero")]


def test_errors_are_refused_however_the_datasets_are_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A dataset named where the run stands (`.`, or a file of it), or an error in a folder
    of no dataset (a dataset that lost its descriptor), refuses the export as any error."""
    bad = tmp_path / "bad"
    shutil.copytree(DATASETS / "voa-2024-08-21-taliban-doha", bad)
    events = bad / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('"actors": ["', '"actors": ["x-'),
                      "utf-8")  # an unknown actor: an error the schema does not see
    monkeypatch.chdir(bad)
    out = tmp_path / "exports" / "out"  # not beside a dataset, which the CSV tables would be
    out.parent.mkdir()
    for named in (".", "events.jsonl"):
        assert main(["export", named, "--to", str(out)]) == 2
        assert "1 dataset has errors: .;" in capsys.readouterr().err
    assert not out.exists()
    monkeypatch.chdir(tmp_path)
    shutil.copytree(DATASETS / "voa-2020-01-27-parly-pentagon", tmp_path / "corpus" / "good")
    shutil.copytree(DATASETS / "voa-2020-01-27-parly-pentagon", tmp_path / "corpus" / "lost")
    (tmp_path / "corpus" / "lost" / "datapackage.json").unlink()
    assert main(["export", "corpus", "--to", "exports/out"]) == 2
    assert "corpus/lost" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("descriptor", [b'{"name": ', b"[" * 100_000, b'{"name": 1e999}',
                                        b'{"name": "a", "name": "b"}'])
def test_with_findings_exports_a_dataset_whose_descriptor_does_not_parse(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], descriptor: bytes) -> None:
    """Its tables are exported under its folder's name, without a traceback; a record that
    repeats a key, which the run reports, is left out as one that fails its schema."""
    corpus = tmp_path / "corpus"
    shutil.copytree(DATASETS / "voa-2020-01-27-parly-pentagon", corpus / "good")
    odd = corpus / "odd"
    shutil.copytree(DATASETS / "voa-2024-08-21-taliban-doha", odd)
    (odd / "datapackage.json").write_bytes(descriptor)
    events = corpus / "good" / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('{"id": ', '{"summary": "x", "id": ', 1),
                      "utf-8")
    assert main(["export", str(corpus), "--to", str(tmp_path / "out"), "--with-findings"]) == 0
    assert "1 record left out" in capsys.readouterr().out
    assert {row["dataset"] for row in _rows(tmp_path / "out", "actors")} == {
        "voa-2020-01-27-parly-pentagon", str(odd)}  # named by its folder


def test_parquet_without_pyarrow_is_a_usage_error(tmp_path: Path, capsys) -> None:
    if importlib.util.find_spec("pyarrow") is None:
        assert main(["export", str(DATASETS), "--to", str(tmp_path / "p"),
                     "--format", "parquet"]) == 2
        assert "needs pyarrow" in capsys.readouterr().err
        assert not (tmp_path / "p").exists()
    else:  # pragma: no cover - the tests session has no pyarrow
        pytest.skip("pyarrow is installed here; nox -s export writes Parquet")


def test_a_refusal_names_a_dataset_without_its_control_characters(tmp_path: Path,
                                                                   capsys) -> None:
    corpus = tmp_path / "corpus"
    bad = corpus / "bad\x1b]0;pwned\x07"
    shutil.copytree(DATASETS / "voa-2024-08-21-taliban-doha", bad)
    (bad / "events.jsonl").write_text("[1]\n", "utf-8")
    assert main(["export", str(corpus), "--to", str(tmp_path / "out")]) == 2
    said = capsys.readouterr().err
    assert "1 dataset has errors" in said
    assert "\x1b" not in said
    assert "\x07" not in said


def test_a_run_over_an_export_says_it_is_no_dataset(exported: Path) -> None:
    """The CSV tables' descriptor is a Data Package, not a dataset: the finding says so."""
    (finding,) = [f for f in validate([str(exported)]).findings
                  if f.code == "descriptor-invalid"]
    assert finding.message.endswith("; this is the descriptor of a textevents export (its "
                                    "tables), not a dataset: keep exports out of the folders "
                                    "you validate")
