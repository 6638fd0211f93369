"""Schema 1.3.0: an optional aliases table, which accepts what it is for and refuses what it must.

The change is for span-actor-unnamed (codebook E4, AC5): an article that calls
Kim Jong Un "Kim" names him (docs/changes-1.3.0-notes.md).  A dataset without
the table stays valid (an addition: `changes.breaking` is empty); a dataset
with one gets located findings for each bad row, never a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from samples import ARTICLE_TEXT, aliased, visit

from validator import changes, check_record, registry, validate

NEW = registry.load("1.3.0")
PARADE = "Kim oversaw a military parade"


def _findings(folder: Path) -> list[tuple[str, str, int, int, str]]:
    return [(f.code, f.file.rsplit("/", 1)[-1], f.line, f.column, f.pointer)
            for f in validate([str(folder)]).findings]


def _cite_kim(folder: Path) -> None:
    """The first record cites "Kim oversaw a military parade" for its meeting's Kim Jong-un."""
    path = folder / "events.jsonl"
    lines = path.read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    start = ARTICLE_TEXT.index(PARADE)
    record["evidence"].append({"source": "newsbytes-2023-07-29", "start": start,
                               "end": start + len(PARADE), "text": PARADE,
                               "supports": "/diplomatic_visit/meetings/0/participants/1"})
    lines[0] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_1_3_0_breaks_nothing_of_1_2_0() -> None:
    assert changes.breaking("1.2.0", "1.3.0") == []
    assert "Table `aliases` added (optional" in changes.changes("1.2.0", "1.3.0")


def test_only_1_3_0_has_the_aliases_table() -> None:
    assert NEW.tables == ("sources", "actors", "aliases")
    assert registry.load("1.2.0").tables == registry.TABLES
    assert [f["name"] for f in NEW.table_schema("aliases")["fields"]] == [
        "actor", "alias", "language"]


def test_a_dataset_without_aliases_is_valid_at_1_3_0(tmp_path: Path) -> None:
    assert _findings(aliased(tmp_path / "ds", None)) == []


def test_an_alias_names_its_actor_for_a_span(tmp_path: Path) -> None:
    """"Kim" names Kim Jong-un only as an alias: the last word of his name is not his surname."""
    without = aliased(tmp_path / "without" / "ds", None)
    _cite_kim(without)
    [(code, file, line, _, pointer)] = _findings(without)
    cited = len(json.loads((without / "events.jsonl").read_text("utf-8").splitlines()[0])
                ["evidence"]) - 1  # the span _cite_kim added, the record's last
    assert (code, file, line, pointer) == (
        "span-actor-unnamed", "events.jsonl", 1, f"/evidence/{cited}/text")
    with_alias = aliased(tmp_path / "with" / "ds", "kim-jong-un,Kim,\n")
    _cite_kim(with_alias)
    assert _findings(with_alias) == []


def test_check_record_takes_alias_rows() -> None:
    record = visit()
    start = ARTICLE_TEXT.index(PARADE)
    record["evidence"].append({"source": "newsbytes-2023-07-29", "start": start,
                               "end": start + len(PARADE), "text": PARADE,
                               "supports": "/diplomatic_visit/meetings/0/participants/1"})
    rows = [{"id": "sergei-shoigu", "name": "Sergei Shoigu", "kind": "person"},
            {"id": "kim-jong-un", "name": "Kim Jong-un", "kind": "person"},
            {"id": "north-korea", "name": "North Korea", "kind": "state", "country": "PRK"}]
    texts = {"newsbytes-2023-07-29": ARTICLE_TEXT}
    unnamed = [f.code for f in check_record(record, texts=texts, actor_rows=rows)]
    assert unnamed == ["span-actor-unnamed"]
    assert check_record(record, texts=texts, actor_rows=rows,
                        alias_rows=[{"actor": "kim-jong-un", "alias": "Kim"}]) == []


@pytest.mark.parametrize(("rows", "expected"), [
    ("kim-jong-un,Kim,\nkim-jong-un,Chairman Kim,en\n", []),
    (",Kim,\n", [("table-value", "aliases.csv", 2, 1, "/0/actor")]),
    ("kim-jong-un,,\n", [("table-value", "aliases.csv", 2, 2, "/0/alias")]),
    ("kim-jong-un,   ,\n", [("table-value", "aliases.csv", 2, 2, "/0/alias")]),
    ("kim-jong-un,Kim ,\n", [("table-value", "aliases.csv", 2, 2, "/0/alias")]),
    ('kim-jong-un,"Kim\nJong",\n', [("table-value", "aliases.csv", 2, 2, "/0/alias")]),
    ("kim-jong-un,Kim,Korean\n", [("table-value", "aliases.csv", 2, 3, "/0/language")]),
    ("kim-jong-un,Kim,\nkim-jong-un,Kim,\n", [("table-unique", "aliases.csv", 3, 1, "/1/actor")]),
    ("kim-jong-un,Kim\n", [("table-row", "aliases.csv", 2, 3, "/0/language")]),
    ("kim-jong-on,Kim,\n", [("table-foreign-key", "aliases.csv", 2, 1, "/0/actor")]),
    ("kim-jong-un,Kim,\nrussia,kim,\n", [("alias-ambiguous", "aliases.csv", 3, 2, "/1/alias")]),
    ("ukraine,north korea,\n", [("alias-ambiguous", "aliases.csv", 2, 2, "/0/alias")]),
])
def test_each_bad_alias_row_is_a_located_finding(tmp_path: Path, rows: str,
                                                 expected: list[tuple]) -> None:
    assert _findings(aliased(tmp_path / "ds", rows)) == expected


def test_an_aliases_table_with_another_header_is_refused_and_not_read(tmp_path: Path) -> None:
    folder = aliased(tmp_path / "ds", "kim-jong-un,Kim,\n")
    (folder / "aliases.csv").write_text("actor,name\nrussia,North Korea\n", "utf-8")
    assert {code for code, *_ in _findings(folder)} == {"table-header"}


def test_the_aliases_resource_is_a_csv_table(tmp_path: Path) -> None:
    folder = aliased(tmp_path / "ds", "kim-jong-un,Kim,\n")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    del descriptor["resources"][3]["type"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    assert [(code, pointer) for code, _, _, _, pointer in _findings(folder)] == [
        ("descriptor-invalid", "/resources/3")]


def test_at_1_2_0_an_aliases_resource_is_a_file_like_any_other(tmp_path: Path) -> None:
    """1.2.0 has no aliases table: a resource of that name is not read as one."""
    folder = aliased(tmp_path / "ds", "nobody,North Korea,\n")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["textevents_version"] = "1.2.0"
    for resource in descriptor["resources"]:
        if resource["name"] in registry.TABLES:
            resource["schema"] = registry.load("1.2.0").table_schema(resource["name"])
    del descriptor["resources"][3]["schema"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    events = (folder / "events.jsonl").read_text("utf-8").replace('"1.3.0"', '"1.2.0"')
    (folder / "events.jsonl").write_text(events, "utf-8")
    assert _findings(folder) == []


def _back_to_1_2_0(folder: Path) -> None:
    """A dataset of datasets/ as it was at 1.2.0: its aliases table declared without a schema."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor["textevents_version"] = "1.2.0"
    for resource in descriptor["resources"]:
        if resource["name"] in registry.TABLES:
            resource["schema"] = registry.load("1.2.0").table_schema(resource["name"])
        if resource["name"] == "aliases":
            del resource["schema"]
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    events = folder / "events.jsonl"
    events.write_text(events.read_text("utf-8").replace('"schema_version": "1.3.0"',
                                                        '"schema_version": "1.2.0"'), "utf-8")


def test_the_upgrade_moves_datasets_at_1_2_0_to_1_3_0_and_can_run_again(tmp_path: Path) -> None:
    """datasets/ back at 1.2.0 (an aliases table there is a plain file) upgrades to the same
    1.3.0 datasets: records, tables and descriptors as datasets/ holds them; a second run
    changes nothing (the lead re-runs it after merging records edited at 1.2.0)."""
    from validator import upgrade

    repo = Path(__file__).parent.parent / "datasets"
    work = tmp_path / "datasets"
    shutil.copytree(repo, work)
    for folder in work.iterdir():
        _back_to_1_2_0(folder)
    assert validate([str(work)]).findings == ()
    assert upgrade.main([str(work), "--to", "1.3.0"]) == 0
    for folder in sorted(work.iterdir()):
        for name in ("events.jsonl", "sources.csv", "actors.csv"):
            assert (folder / name).read_bytes() == (repo / folder.name / name).read_bytes()
        assert json.loads((folder / "datapackage.json").read_text("utf-8")) == \
            json.loads((repo / folder.name / "datapackage.json").read_text("utf-8"))
    assert validate([str(work)]).findings == ()
    assert upgrade.main([str(work), "--check"]) == 0  # nothing left to do
    assert upgrade.main([str(work), "--to", "1.3.0"]) == 0
