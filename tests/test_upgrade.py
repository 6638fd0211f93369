"""The upgrade command: 1.0.0 datasets to 1.1.0, and on to 1.2.0 (their tables' schemas in the
descriptor), without losing a fact, all or nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from legacy import CODING, dataset_1_0_0, records_1_0_0
from strategies import datasets
from writing import write_dataset

from validator import check_record, registry, upgrade, upgrade_steps, validate

if TYPE_CHECKING:
    from validator.results import Report

REPO = Path(__file__).parent.parent
CASES = Path(__file__).parent / "cases"
PAYNE = "voa-2021-05-15-payne-washington"
EMPTY_SUMMARY = CASES / "invalid" / "schema-value" / "empty-summary" / "dataset"


def _bytes_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _records(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "events.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture
def payne(tmp_path: Path) -> Path:
    """The Payne dataset as it was at 1.0.0."""
    return dataset_1_0_0(PAYNE, tmp_path / "payne")


def test_an_upgrade_changes_only_the_version_fields(payne: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Only the descriptor's and each record's version change, byte for byte elsewhere."""
    before = _bytes_of(payne)
    old_records = _records(payne)
    assert upgrade.main([str(payne), "--to", "1.1.0"]) == 0
    after = _bytes_of(payne)
    assert sorted(after) == sorted(before)  # no file added, none left behind
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"datapackage.json", "events.jsonl"}
    assert after["datapackage.json"] == before["datapackage.json"].replace(
        b'"textevents_version": "1.0.0"', b'"textevents_version": "1.1.0"')
    assert after["events.jsonl"] == before["events.jsonl"].replace(
        b'"schema_version": "1.0.0"', b'"schema_version": "1.1.0"')
    assert [{**r, "schema_version": "1.0.0"} for r in _records(payne)] == old_records
    assert validate([str(payne)], ignore=CODING).findings == ()
    assert "upgraded from 1.0.0 to 1.1.0" in capsys.readouterr().out


def test_check_says_what_would_change_and_writes_nothing(
        payne: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _bytes_of(payne)
    assert upgrade.main([str(payne), "--check", "--to", "1.1.0"]) == 1
    assert _bytes_of(payne) == before
    out = capsys.readouterr().out
    assert "would upgrade from 1.0.0 to 1.1.0" in out
    assert "events.jsonl: schema_version 1.0.0 -> 1.1.0 in 1 records" in out
    assert "datapackage.json: textevents_version 1.0.0 -> 1.1.0" in out


@pytest.mark.parametrize("check", [True, False])
def test_a_folder_name_is_printed_escaped(tmp_path: Path, check: bool,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A contributed folder's name prints as one line: no forged workflow command, no
    terminal escape, whether it is upgraded or refused."""
    name = "x\n::error title=forged::by a name\n\x1b]0;pwned\x07\x1b[31mred"
    dataset_1_0_0(PAYNE, tmp_path / "contrib" / name)
    broken = dataset_1_0_0(PAYNE, tmp_path / "contrib" / f"{name}-broken")
    (broken / "datapackage.json").write_text("{", "utf-8")
    assert upgrade.main([str(tmp_path / "contrib"), "--to", "1.1.0", *["--check"] * check]) == 2
    printed = capsys.readouterr()
    lines = [*printed.out.splitlines(), *printed.err.splitlines()]
    assert len(lines) >= 3  # the dataset, its changes, the refusal
    assert not any(line.lstrip().startswith("::") or "\x1b" in line or "\x07" in line
                   for line in lines)
    assert any(line.endswith("\\u001b[31mred: would upgrade from 1.0.0 to 1.1.0" if check
                             else "\\u001b[31mred: upgraded from 1.0.0 to 1.1.0")
               for line in lines)


def test_a_dataset_at_the_version_is_left_alone(payne: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert upgrade.main([str(payne), "--to", "1.1.0"]) == 0
    after = _bytes_of(payne)
    assert upgrade.main([str(payne), "--check", "--to", "1.1.0"]) == 0
    assert upgrade.main([str(payne), "--to", "1.1.0"]) == 0
    assert _bytes_of(payne) == after
    assert "already 1.1.0" in capsys.readouterr().out


def test_an_invalid_dataset_is_refused_untouched(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A dataset with errors under its own version: exit 2, the first error quoted, no change."""
    folder = tmp_path / "broken"
    shutil.copytree(EMPTY_SUMMARY, folder)
    before = _bytes_of(folder)
    assert upgrade.main([str(folder)]) == 2
    err = capsys.readouterr().err
    assert "is not valid under 1.0.0, so it is not upgraded" in err
    assert "schema-value" in err
    assert "Traceback" not in err
    assert _bytes_of(folder) == before


@pytest.mark.parametrize(("argv", "message"), [
    (["--to", "9.9.9"], "unknown schema version '9.9.9'; this validator ships 1.0.0, 1.1.0, 1.2.0"),
    (["--to", "0.1.0"], "unknown schema version '0.1.0'"),
])
def test_an_unknown_version_is_a_clear_refusal(payne: Path, argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    before = _bytes_of(payne)
    assert upgrade.main([str(payne), *argv]) == 2
    assert message in capsys.readouterr().err
    assert _bytes_of(payne) == before


def test_a_downgrade_is_refused(payne: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert upgrade.main([str(payne)]) == 0
    upgraded = _bytes_of(payne)
    assert upgrade.main([str(payne), "--to", "1.0.0"]) == 2
    assert f"cannot downgrade from {registry.versions()[-1]} to 1.0.0" in capsys.readouterr().err
    assert _bytes_of(payne) == upgraded


def test_a_missing_path_is_a_clear_refusal(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert upgrade.main([str(tmp_path / "nowhere")]) == 2
    assert "no such dataset" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert upgrade.main([str(tmp_path / "empty")]) == 2
    assert "no dataset" in capsys.readouterr().err


def test_an_unreadable_descriptor_is_a_clear_refusal(payne: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (payne / "datapackage.json").write_text("[1, 2", "utf-8")
    assert upgrade.main([str(payne)]) == 2
    assert "cannot read datapackage.json" in capsys.readouterr().err


@pytest.mark.parametrize(("kind", "said"), [
    ("fifo", "'datapackage.json' is not a regular file"),
    ("link", "'datapackage.json' is or passes through a symlink"),
    ("deep", "1:65: json-too-deep nesting deeper than 64 levels"),
    ("digits", "1:16: json-number-invalid integer with 5000 digits exceeds the limit of 20"),
])
def test_a_descriptor_is_read_as_validate_reads_it(payne: Path, tmp_path: Path, kind: str,
                                                  said: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A FIFO does not hang the upgrade, a link is not read through, deep nesting and a
    number of thousands of digits are located refusals, not a RecursionError or
    Python's own limit of digits."""
    import os

    descriptor = payne / "datapackage.json"
    outside = tmp_path / "outside.json"
    outside.write_bytes(descriptor.read_bytes())
    descriptor.unlink()
    if kind == "fifo":
        os.mkfifo(descriptor)
    elif kind == "link":
        descriptor.symlink_to(outside)
    else:
        descriptor.write_text("[" * 100_000 if kind == "deep" else '{"textevents": ' + "9" * 5000
                              + "}", "utf-8")
    assert upgrade.main([str(payne), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"upgrade: {payne}: cannot read datapackage.json: ")
    assert said in err


def test_an_events_file_changed_after_its_check_is_refused(
        payne: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Checked clean, then a line too deep for Python's json (a RecursionError): refused."""
    events = payne / "events.jsonl"

    def checked_then_changed(paths: list[str], **options: Any) -> Report:
        report = validate(paths, **options)
        events.write_text(events.read_text("utf-8") + "[" * 100_000 + "\n", "utf-8")
        return report

    assert upgrade.main([str(payne), "--to", "1.1.0"], run=checked_then_changed) == 2
    assert capsys.readouterr().err == (
        f"upgrade: {payne}: events.jsonl changed during the upgrade\n")


def test_an_upgrade_that_would_not_validate_writes_nothing(
        payne: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The upgraded copy is checked first: a step that breaks a record is refused."""
    def breaks(record: dict[str, Any]) -> dict[str, Any]:
        record["schema_version"] = "1.1.0"
        record["summary"] = ""
        return record

    monkeypatch.setitem(upgrade_steps.STEPS, "1.0.0", ("1.1.0", breaks))
    before = _bytes_of(payne)
    assert upgrade.main([str(payne)]) == 2
    err = capsys.readouterr().err
    assert "would not be valid, so nothing was written" in err
    assert "schema-value" in err
    assert _bytes_of(payne) == before


def test_a_failed_rename_rolls_back(payne: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """If the second file cannot be replaced, the first gets its original back."""
    before = _bytes_of(payne)
    real_replace = Path.replace
    calls: list[Path] = []

    def failing(self: Path, target: Path) -> Path:
        calls.append(self)
        if self.name.endswith(".upgrade") and len([c for c in calls
                                                   if c.name.endswith(".upgrade")]) == 2:
            raise OSError("disk full")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing)
    assert upgrade.main([str(payne)]) == 2
    assert "disk full" in capsys.readouterr().err
    monkeypatch.undo()
    assert _bytes_of(payne) == before  # the first file restored, no temporary file left


def test_the_events_hash_in_the_descriptor_follows_the_new_bytes(payne: Path) -> None:
    descriptor = json.loads((payne / "datapackage.json").read_text("utf-8"))
    events = (payne / "events.jsonl").read_bytes()
    descriptor["resources"][0].update(bytes=len(events),
                                      hash=f"sha256:{hashlib.sha256(events).hexdigest()}")
    (payne / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    assert validate([str(payne)], ignore=CODING).findings == ()
    assert upgrade.main([str(payne)]) == 0
    new_events = (payne / "events.jsonl").read_bytes()
    upgraded = json.loads((payne / "datapackage.json").read_text("utf-8"))
    assert upgraded["resources"][0]["hash"] == f"sha256:{hashlib.sha256(new_events).hexdigest()}"
    assert upgraded["resources"][0]["bytes"] == len(new_events)
    assert validate([str(payne)], ignore=CODING).findings == ()


def test_a_record_written_unusually_keeps_its_text(payne: Path) -> None:
    """Spacing, key order and escapes survive: only the version's characters change."""
    folder = payne
    record = json.loads((folder / "events.jsonl").read_text("utf-8"))
    text = json.dumps(record, ensure_ascii=True, separators=(",", ":"))  # \u escapes, no spaces
    (folder / "events.jsonl").write_text(text + "\n", "utf-8")
    assert upgrade.main([str(folder), "--to", "1.1.0"]) == 0
    assert (folder / "events.jsonl").read_text("utf-8") == text.replace(
        '"schema_version":"1.0.0"', '"schema_version":"1.1.0"') + "\n"


def test_every_1_0_0_dataset_of_the_repository_and_the_valid_case_upgrades(
        tmp_path: Path) -> None:
    """Every dataset of datasets/ as it was at 1.0.0, and the valid case, upgrade to valid
    1.1.0 datasets whose records say what they said."""
    work = tmp_path / "all"
    old = records_1_0_0()
    for name in old:
        dataset_1_0_0(name, work / name)
    assert validate([str(work)], ignore=CODING).findings == ()
    shutil.copytree(CASES / "valid" / "base", tmp_path / "base")
    assert upgrade.main([str(work), str(tmp_path / "base"), "--to", "1.1.0"]) == 0
    for folder in [*sorted(work.iterdir()), tmp_path / "base"]:
        assert json.loads((folder / "datapackage.json").read_text("utf-8"))[
            "textevents_version"] == "1.1.0"
        assert {r["schema_version"] for r in _records(folder)} == {"1.1.0"}
    for name, records in old.items():
        assert [{**r, "schema_version": "1.0.0"} for r in _records(work / name)] == records
    assert validate([str(work)], ignore=CODING).findings == ()
    assert validate([str(tmp_path / "base")]).findings == ()


INVALID = sorted(p for p in (CASES / "invalid").glob("*/*") if p.is_dir()
                 and p.parent.name != "path-unsafe")  # the symlink case is not copied here


def _declared(folder: Path) -> object:
    """The version a dataset's descriptor declares, if it can be read."""
    try:
        return json.loads((folder / "datapackage.json").read_text("utf-8")).get(
            "textevents_version")
    except (OSError, ValueError, AttributeError):
        return None


@pytest.mark.parametrize("target", ["1.1.0", "1.2.0"])
def test_each_invalid_case_is_refused_untouched_or_upgraded_with_its_warnings(
        tmp_path: Path, target: str) -> None:
    """A case with an error is refused (exit 2) and left byte for byte; a case with
    warnings only upgrades, and gives the same warnings at the new version."""
    refused = upgraded = 0
    for case in INVALID:
        shutil.copytree(case, tmp_path / case.parent.name / case.name, symlinks=True)
        work = tmp_path / case.parent.name / case.name / "dataset"
        before = _bytes_of(work)
        findings_before = validate([str(work)]).findings
        declared = _declared(work)
        code = upgrade.main([str(work), "--to", target])
        if declared == target:  # made at the target: nothing to do
            assert (code, _bytes_of(work)) == (0, before), case
        elif any(f.severity.value == "error" for f in findings_before):
            assert code == 2, case
            assert _bytes_of(work) == before, case
            refused += 1
        else:
            assert code == 0, case
            after = validate([str(work)]).findings
            assert [(f.code, f.line, f.pointer) for f in after] == \
                [(f.code, f.line, f.pointer) for f in findings_before], case
            upgraded += 1
    assert refused >= 60
    assert upgraded >= 3


@given(datasets(versions=("1.0.0",)))  # the records of the first version, frozen
def test_every_valid_1_0_0_record_upgrades_to_a_valid_1_1_0_record(data: dict[str, Any]) -> None:
    """Generated 1.0.0 records upgrade to 1.1.0 records with every other field equal,
    and the upgraded record gives exactly the findings the original gave (none)."""
    context = {"texts": {data["source"]: data["text"]},
               "published": {data["source"]: data["published"]}, "actors": data["actors"]}
    for record in data["records"]:
        assert check_record(record, **context) == []
        upgraded = upgrade.upgrade_record(record, "1.1.0")
        assert upgraded["schema_version"] == "1.1.0"
        assert {k: v for k, v in upgraded.items() if k != "schema_version"} == \
            {k: v for k, v in record.items() if k != "schema_version"}
        assert record["schema_version"] == "1.0.0"  # the input is not changed
        assert check_record(upgraded, **context) == []


@given(datasets(versions=("1.0.0",)))
def test_a_generated_dataset_upgrades_to_a_valid_dataset(data: dict[str, Any]) -> None:
    """The whole command over a generated dataset: valid after, the same records but version."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "ds", data)
        assert upgrade.main([str(folder)]) == 0
        assert validate([str(folder)]).findings == ()
        assert [{**r, "schema_version": "1.0.0"} for r in _records(folder)] == data["records"]


def test_upgrade_record_refuses_what_it_cannot_read() -> None:
    with pytest.raises(upgrade.UpgradeError, match="without a schema_version"):
        upgrade.upgrade_record({"id": "x"}, "1.1.0")
    with pytest.raises(upgrade.UpgradeError, match="unknown schema version"):
        upgrade.upgrade_record({"schema_version": "0.9"}, "1.1.0")



def test_list_versions_names_each_version_and_its_upgrade(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert upgrade.main(["--list-versions"]) == 0
    assert capsys.readouterr().out == (
        "1.0.0  upgrades to 1.1.0\n1.1.0  upgrades to 1.2.0\n1.2.0  upgrades to 1.3.0\n"
        "1.3.0  newest\n")


def test_no_dataset_and_no_list_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        upgrade.main([])
    assert exit_.value.code == 2
    assert "name a dataset" in capsys.readouterr().err


def test_the_files_keep_their_permissions(payne: Path) -> None:
    """The new files take the old ones' mode (a temporary file starts readable by its owner only)."""
    (payne / "events.jsonl").chmod(0o644)
    (payne / "datapackage.json").chmod(0o640)
    assert upgrade.main([str(payne)]) == 0
    assert (payne / "events.jsonl").stat().st_mode & 0o777 == 0o644
    assert (payne / "datapackage.json").stat().st_mode & 0o777 == 0o640


def _table_schemas(folder: Path) -> dict[str, Any]:
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    return {r["name"]: (r.get("type"), r.get("schema")) for r in descriptor["resources"]
            if r["name"] in registry.TABLES}


def test_the_datasets_folder_upgrades_to_the_newest_version_with_its_tables_schemas(
        tmp_path: Path) -> None:
    """`python -m validator.upgrade datasets/` on a copy of datasets/: every dataset moves to
    the newest version, each table resource carries the released Table Schema, every record
    says what it said, and the copy is as valid as datasets/ (links across datasets included).
    Once datasets/ is at the newest version, nothing changes (tests/test_schema_1_3.py moves a
    copy back to 1.2.0 first)."""
    newest = registry.versions()[-1]
    work = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", work)
    old = {folder.name: _records(folder) for folder in sorted(work.iterdir())}
    assert validate([str(work)]).findings == ()
    assert upgrade.main([str(work)]) == 0
    released = registry.load(newest)
    for folder in sorted(work.iterdir()):
        assert json.loads((folder / "datapackage.json").read_text("utf-8"))[
            "textevents_version"] == newest
        assert _table_schemas(folder) == {
            name: ("table", released.table_schema(name)) for name in registry.TABLES}
        assert [{**r, "schema_version": "-"} for r in _records(folder)] == \
            [{**r, "schema_version": "-"} for r in old[folder.name]]
        for table in ("sources.csv", "actors.csv"):  # the tables are not touched
            assert (folder / table).read_bytes() == (REPO / "datasets" / folder.name /
                                                     table).read_bytes()
    assert validate([str(work)]).findings == ()
    assert upgrade.main([str(work), "--check"]) == 0  # nothing left to do


def test_a_1_0_0_dataset_upgrades_through_1_1_0_to_1_2_0(payne: Path) -> None:
    """Two steps in one run: the records' version and the descriptor's tables."""
    assert upgrade.main([str(payne), "--to", "1.2.0"]) == 0
    assert {r["schema_version"] for r in _records(payne)} == {"1.2.0"}
    assert set(_table_schemas(payne)) == set(registry.TABLES)
    assert validate([str(payne)], ignore=CODING).findings == ()


def test_the_1_1_0_step_types_an_untyped_table_and_leaves_another_type_alone() -> None:
    """A table resource with no type becomes a table with its schema; a sources resource
    typed otherwise (1.1.0 allowed it) gets none, which 1.2.0 allows."""
    descriptor = {"resources": [{"name": "sources", "path": "s.csv"},
                                {"name": "actors", "path": "a.csv", "type": "file"},
                                {"name": "events", "path": "e.jsonl", "type": "file"}]}
    upgraded = upgrade_steps.DESCRIPTOR_STEPS["1.1.0"](descriptor)
    assert upgraded["resources"] == [
        {"name": "sources", "path": "s.csv", "type": "table",
         "schema": registry.load("1.2.0").table_schema("sources")},
        {"name": "actors", "path": "a.csv", "type": "file"},
        {"name": "events", "path": "e.jsonl", "type": "file"}]


@given(datasets(versions=("1.0.0",)))
def test_every_valid_1_1_0_record_upgrades_to_a_valid_1_2_0_record(data: dict[str, Any]) -> None:
    """Generated records, at 1.1.0, upgrade to 1.2.0 with every other field equal and no
    finding."""
    context = {"texts": {data["source"]: data["text"]},
               "published": {data["source"]: data["published"]}, "actors": data["actors"]}
    for record in data["records"]:
        at_1_1_0 = upgrade.upgrade_record(record, "1.1.0")
        upgraded = upgrade.upgrade_record(at_1_1_0, "1.2.0")
        assert {**upgraded, "schema_version": "1.1.0"} == at_1_1_0
        assert check_record(upgraded, **context) == []


def _many(folder: Path, names: str, version: str = "1.0.0") -> list[Path]:
    """Copies of the valid case in `folder`, one a name, each with ids of its own (`name-N`)."""
    made = []
    for name in names:
        dataset = folder / name
        shutil.copytree(CASES / "valid" / "base", dataset)
        events = dataset / "events.jsonl"
        events.write_text(events.read_text("utf-8").replace(
            '"id": "newsbytes-2023-07-29-00', f'"id": "{name}-'), "utf-8")
        assert upgrade.main([str(dataset), "--to", version]) == 0
        made.append(dataset)
    return made


def _counting(runs: list[tuple[list[str], bool, Report]]) -> Any:
    def run(paths: list[str], **options: Any) -> Report:
        report = validate(paths, **options)
        runs.append((list(paths), options.get("alone", False), report))
        return report
    return run


def test_a_folder_of_datasets_is_checked_in_one_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each dataset is checked once among the others, not once for each dataset beside it
    (a folder of 400 took 35 s); the upgraded copies are still checked one by one, alone."""
    folder = tmp_path / "many"
    made = _many(folder, "abcde")
    runs: list[tuple[list[str], bool, Report]] = []
    assert upgrade.main([str(folder), "--check"], run=_counting(runs)) == 1
    together = [(paths, report) for paths, alone, report in runs if not alone]
    assert [sorted(paths) for paths, _ in together] == [sorted(str(d) for d in made)]
    assert (together[0][1].datasets, together[0][1].beside) == (5, 0)
    assert sorted(report.datasets for _, alone, report in runs if alone) == [1] * 10
    assert capsys.readouterr().out.count("would upgrade from 1.0.0") == 5


def test_a_folder_checked_together_refuses_what_each_dataset_checked_alone_did(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A link into a dataset beside resolves; a dangling link is refused; two datasets that
    share an id are both refused (the run reports the repeat at the later one only), as
    each dataset checked on its own with the datasets beside it was."""
    folder = tmp_path / "many"
    made = dict(zip("abcdef", _many(folder, "abcdef", "1.1.0"), strict=True))
    _link = {"a": [{"relation": "related", "record": "b-1"}],
             "c": [{"relation": "related", "record": "nowhere-1"}]}
    for name, links in _link.items():
        records = _records(made[name])
        records[0]["links"] = links
        (made[name] / "events.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in records), "utf-8")
    events = made["e"] / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('"id": "e-2"', '"id": "d-2"'), "utf-8")
    alone = {name for name, dataset in made.items() if validate([str(dataset)]).errors}
    assert alone == {"c", "d", "e"}
    before = {name: _bytes_of(dataset) for name, dataset in made.items()}
    runs: list[tuple[list[str], bool, Report]] = []
    assert upgrade.main([str(folder)], run=_counting(runs)) == 2
    assert len([paths for paths, alone, _ in runs if not alone]) == 1
    err = capsys.readouterr().err
    refused = {name for name, dataset in made.items()
               if f"upgrade: {dataset} is not valid under 1.1.0" in err}
    assert refused == alone
    assert "record-id-duplicate id 'd-2' is already used at" in err
    for name, dataset in made.items():
        assert (_bytes_of(dataset) == before[name]) == (name in alone), name
