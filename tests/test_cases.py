"""Every rule has a dataset that breaks it, and each gives exactly its expected findings."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from make_cases import flatten

from validator import RULES, registry, validate
from validator.checks import records
from validator.findings import Finding, Layer

CASES = Path(__file__).parent / "cases"
INVALID = sorted(p for p in (CASES / "invalid").glob("*/*") if p.is_dir())
REPO = Path(__file__).parent.parent


@pytest.mark.parametrize("case", INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_case_gives_exactly_its_findings(case: Path, tmp_path: Path) -> None:
    """A broken dataset gives exactly the findings listed in its expected.json."""
    work = tmp_path / "case"
    shutil.copytree(case, work, symlinks=True)
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    report = validate([str(work)])
    assert flatten(report, work) == expected
    assert case.parent.name in {finding[0] for finding in expected}
    assert [(f.code, f.line, f.record) for f in report.findings] == [
        (f.code, f.line, _record_at(f)) for f in report.findings]


# Findings about a file (or a line too long to read), at the line where reading stopped.
_ABOUT_THE_FILE = frozenset({"too-many-findings", "file-changed", "file-too-large"})


def _record_at(finding: Finding) -> str:
    """The record a finding should name: the id of the record on its line of an events file.

    A line that is no record (not JSON, with a byte order mark, a repeated key or
    a lone surrogate anywhere) names none, nor does a note about a file.
    """
    path = Path(finding.file)
    if finding.code in _ABOUT_THE_FILE or path.suffix != ".jsonl" or finding.line < 1 \
            or not path.is_file() or (finding.code == "findings-capped"
                                      and "in this record" not in finding.message):
        return ""
    line = path.read_bytes().split(b"\n")[finding.line - 1]
    try:
        record = json.loads(line.decode("utf-8"), object_pairs_hook=_no_repeated_key)
        json.dumps(record, ensure_ascii=False).encode("utf-8")  # a lone surrogate raises
    except ValueError:  # UnicodeError too
        return ""
    found = record.get("id") if isinstance(record, dict) else None
    # Only an id the schema's identifier accepts (a hostile one could be a megabyte long).
    return found if isinstance(found, str) and _IDENTIFIER.search(found) else ""


_IDENTIFIER = re.compile(registry.load(registry.versions()[-1]).documents[
    "common.schema.json"]["$defs"]["identifier"]["pattern"].replace("$", r"\Z"))


def _no_repeated_key(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({key for key, _ in pairs}) < len(pairs):
        raise ValueError("repeated key")
    return dict(pairs)


def test_valid_case_gives_no_findings() -> None:
    """The base dataset of the cases is valid."""
    assert validate([str(CASES / "valid" / "base")]).findings == ()


def test_repository_datasets_are_valid() -> None:
    """Every dataset in datasets/ passes, warnings included."""
    report = validate([str(REPO / "datasets")])
    assert report.findings == ()
    assert report.datasets >= 4


def test_every_rule_has_a_case() -> None:
    """The catalogue is honest: no rule code goes without a case that breaks it."""
    covered = {p.parent.name for p in INVALID}
    # Neither can be built as files: a crash of a check (tests/test_cli.py), and a file
    # that changes while the run reads it (tests/test_hostile_files.py).
    missing = set(RULES) - covered - {"internal-error", "file-changed"}
    assert not missing, f"rules without a case in tests/cases/invalid: {sorted(missing)}"
    assert covered <= set(RULES), f"cases for unknown rules: {sorted(covered - set(RULES))}"


def test_every_rule_is_named_by_the_tests_of_its_layer() -> None:
    """A rule's unit tests are found from its code: `tests/layers/test_<layer>.py` names it."""
    for code, rule in RULES.items():
        if rule.layer is not Layer.TOOL:
            module = Path(__file__).parent / "layers" / f"test_{rule.layer.value}.py"
            assert code in module.read_text("utf-8"), f"{module.name} does not name {code}"


def test_cases_are_current() -> None:
    """Every case mutation in tests/case_mutations.py has its case folder, and no folder is stale."""
    from case_mutations import CASE_MUTATIONS

    assert {(m.code, m.name) for m in CASE_MUTATIONS} == {(p.parent.name, p.name) for p in INVALID}


def _case_results() -> dict[Path, list]:
    return {case: flatten(validate([str(case)]), case) for case in INVALID
            if case.parent.name != "path-unsafe"}  # the symlink case is not copied here


@pytest.mark.parametrize("check", records.RECORD_CHECKS, ids=lambda c: c.name)
def test_removing_any_record_check_breaks_a_case(check, monkeypatch) -> None:
    """Every record check is guarded: without it, some case no longer gives its findings."""
    monkeypatch.setattr(records, "RECORD_CHECKS",
                        tuple(c for c in records.RECORD_CHECKS if c is not check))
    changed = [case for case, found in _case_results().items()
               if found != json.loads((case / "expected.json").read_text("utf-8"))]
    assert changed, f"no case notices that {check.name} is gone"
