"""`--ignore`: which rules may be ignored, what a run leaves out, and how each report says so."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import NoReturn

import jsonschema
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from make_cases import flatten
from mutations import CERTAIN, no_draw
from running import sarif_errors
from strategies import datasets
from writing import shift_dates, write_dataset

from validator import RULES, UsageError, validate
from validator.checks import records as record_rules
from validator.checks.base import RecordCheck
from validator.checks.records import RECORD_CHECKS
from validator.cli import main
from validator.findings import Layer, Severity
from validator.ignoring import ignored_codes
from validator.reading import lines as line_reader
from validator.reading.limits import MAX_FINDINGS_PER_FILE, Sizes

CASES = Path(__file__).parent / "cases"
BASE = CASES / "valid" / "base"
INVALID = sorted(p for p in (CASES / "invalid").glob("*/*") if p.is_dir()
                 and p.parent.name != "path-unsafe")  # the symlink case is not copied here
REPO = Path(__file__).parent.parent
IGNORABLE = sorted(code for code, rule in RULES.items() if rule.ignorable)
NOT_IGNORABLE = sorted(code for code, rule in RULES.items() if not rule.ignorable)


def _copy(case: Path, tmp_path: Path) -> Path:
    work = tmp_path / "case"
    shutil.copytree(case, work, symlinks=True)
    return work


def test_what_may_be_ignored_follows_from_severity_and_layer() -> None:
    """Warnings and three layers' errors, nothing that means data went unchecked."""
    leaf_layers = {Layer.REFERENCES, Layer.EVIDENCE, Layer.MEANING}
    for rule in RULES.values():
        assert rule.ignorable == (rule.severity is Severity.WARNING or rule.layer in leaf_layers)
    assert {"internal-error", "too-many-findings", "file-too-large", "json-syntax",
            "json-duplicate-key", "schema-missing-field", "table-format",
            "descriptor-missing"} <= set(NOT_IGNORABLE)
    assert {"codelist-open-value", "date-text-mismatch", "record-id-duplicate",
            "span-text-mismatch"} <= set(IGNORABLE)


def test_names_are_codes_or_layers() -> None:
    assert ignored_codes([]) == frozenset()
    assert ignored_codes("date-text-mismatch") == {"date-text-mismatch"}  # one name, not letters
    assert ignored_codes(["codelist-open-value", "codelist-open-value"]) == {
        "codelist-open-value"}
    assert ignored_codes(["evidence"]) == {
        code for code, rule in RULES.items() if rule.layer is Layer.EVIDENCE}


@pytest.mark.parametrize(("name", "message"), [
    ("json-syntax", "json-syntax cannot be ignored"),
    ("internal-error", "internal-error cannot be ignored"),
    ("tables", "layer tables cannot be ignored"),
    ("records", "layer records cannot be ignored"),  # one of its rules, a warning, could be
    ("meanin", "no rule or layer is named 'meanin'; did you mean meaning?"),
    ("span-txt-mismatch", "did you mean span-text-mismatch?"),
    ("zzz", "no rule or layer is named 'zzz' (see --list-rules)"),
])
def test_names_that_cannot_be_ignored_are_refused_with_a_reason(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        ignored_codes(["codelist-open-value", name])
    with pytest.raises(UsageError, match=r"^--ignore: "):
        validate([str(BASE)], ignore=[name])


@pytest.mark.parametrize("case", [c for c in INVALID if c.parent.name in IGNORABLE],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_ignoring_a_rule_drops_exactly_its_findings(case: Path, tmp_path: Path) -> None:
    """Each case that breaks an ignorable rule: its findings go, the others stay."""
    work = _copy(case, tmp_path)
    code = case.parent.name
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    assert code in {finding[0] for finding in expected}
    report = validate([str(work)], ignore=[code])
    assert flatten(report, work) == [finding for finding in expected if finding[0] != code]
    assert report.ignored == (code,)


@pytest.mark.parametrize("code", NOT_IGNORABLE)
def test_rules_that_mean_data_went_unchecked_cannot_be_ignored(code: str) -> None:
    with pytest.raises(UsageError, match=f"{code} cannot be ignored"):
        validate([str(BASE)], ignore=[code])


def _noisy(folder: Path, count: int) -> Path:
    """A dataset whose every record gives one warning (an open codelist value)."""
    dataset = folder / "noisy"
    shutil.copytree(BASE, dataset)
    originals = (dataset / "events.jsonl").read_text("utf-8").splitlines()
    lines = []
    for number in range(count):  # each pass over the originals a week before the last
        record = shift_dates(json.loads(originals[number % len(originals)]),
                             -(number // len(originals)))
        record["id"] = f"r-{number}"
        record["classification"]["plover_context"] = ["maritime"]
        if number == count - 1:
            record["modality"] = "rumoured"  # one error past the limit, never ignored
        lines.append(json.dumps(record, ensure_ascii=False))
    (dataset / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return dataset


def test_ignored_findings_do_not_count_towards_the_limit_of_a_file(tmp_path: Path) -> None:
    """Ignoring a rule that fires on every record still checks every record."""
    count = MAX_FINDINGS_PER_FILE + 200
    dataset = _noisy(tmp_path, count)
    flooded = validate([str(dataset)])
    assert flooded.findings[-1].code == "too-many-findings"
    report = validate([str(dataset)], ignore=["codelist-open-value"])
    assert [(f.code, f.line) for f in report.findings] == [("schema-not-in-codelist", count)]
    assert report.records == count
    assert report.ignored == ("codelist-open-value",)


def test_ignoring_gives_the_same_report_for_any_number_of_processes(tmp_path: Path) -> None:
    dataset = _noisy(tmp_path, 1500)
    serial = validate([str(dataset)], jobs=1, ignore=["codelist-open-value", "references"])
    sizes = Sizes(chunk_bytes=64 * 1024, parallel_bytes=0)
    size = (dataset / "events.jsonl").stat().st_size
    assert len(line_reader.split(dataset, "events.jsonl", size, 2,
                                 chunk_bytes=sizes.chunk_bytes)) > 10
    parallel = validate([str(dataset)], jobs=2, ignore=["codelist-open-value", "references"],
                        sizes=sizes)
    assert parallel == serial
    assert [f.code for f in serial.findings] == ["schema-not-in-codelist"]
    assert "codelist-open-value" in serial.ignored


def test_repeated_ids_across_datasets_can_be_ignored(tmp_path: Path) -> None:
    """The one check that runs after every dataset: its findings are dropped too."""
    for name in ("a", "b"):
        shutil.copytree(BASE, tmp_path / name)
    assert {f.code for f in validate([str(tmp_path)]).findings} == {"record-id-duplicate"}
    report = validate([str(tmp_path)], ignore=["record-id-duplicate"])
    assert report.findings == ()
    assert report.ignored == ("record-id-duplicate",)


# The command line and its reports ------------------------------------------------


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    return _copy(CASES / "invalid" / "codelist-open-value" / "context", tmp_path)


def test_cli_ignore_takes_commas_and_repeats(warned: Path, capsys: pytest.CaptureFixture[str],
                                             ) -> None:
    assert main(["--strict", str(warned)]) == 1
    capsys.readouterr()
    assert main(["--strict", "--ignore", "codelist-open-value,date-text-mismatch",
                 "--ignore", "meaning", str(warned)]) == 0
    out = capsys.readouterr().out
    assert "warning codelist-open-value" not in out
    assert out.endswith("0 errors, 0 warnings; not checked (--ignore): the meaning layer, "
                        "codelist-open-value\n")  # date-text-mismatch is named twice
    assert main(["--ignore", "span-text-mismatch,actor-not-listed", "--ignore", "text-not-nfc",
                 str(warned)]) == 0
    assert capsys.readouterr().out.endswith(
        "not checked (--ignore): actor-not-listed, span-text-mismatch, text-not-nfc\n")
    assert main(["--ignore", ",".join(code for code, rule in RULES.items()
                                      if rule.layer in {Layer.EVIDENCE, Layer.REFERENCES}),
                 str(warned)]) == 0
    assert capsys.readouterr().out.endswith(
        "1 warning; not checked (--ignore): the references layer, the evidence layer\n")


def test_cli_refuses_what_cannot_be_ignored_with_exit_code_2(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--ignore", "schema-value", str(warned)]) == 2
    assert "validate: --ignore: schema-value cannot be ignored" in capsys.readouterr().err
    assert main(["--skip-outside", "--ignore", "nothing", str(warned / "x")]) == 2


def test_json_report_counts_what_was_ignored(warned: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "json", "--ignore", "codelist-open-value", str(warned)]) == 0
    document = json.loads(capsys.readouterr().out)
    schema = json.loads((REPO / "validator" / "report.schema.json").read_text("utf-8"))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    assert document["summary"]["ignored"] == ["codelist-open-value"]
    assert document["summary"]["warnings"] == 0
    assert document["findings"] == []


def test_sarif_log_turns_the_ignored_rules_off(warned: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "sarif", "--ignore", "codelist-open-value", str(warned)]) == 0
    log = json.loads(capsys.readouterr().out)
    assert sarif_errors(log) == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    [override] = run["invocations"][0]["ruleConfigurationOverrides"]
    assert override["configuration"] == {"enabled": False}
    assert rules[override["descriptor"]["index"]]["id"] == override["descriptor"]["id"] \
        == "codelist-open-value"
    assert run["results"] == []
    assert run["properties"]["ignored"] == ["codelist-open-value"]


def test_evidence_page_says_what_was_ignored(warned: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    assert main(["--format", "html", "-o", str(page), "--ignore", "codelist-open-value",
                 str(warned)]) == 0
    text = page.read_text("utf-8")
    assert "Not checked, as the run was asked (--ignore): codelist-open-value." in text
    assert "is not in the open codelist" not in text
    assert main(["--format", "html", "-o", str(page), str(warned)]) == 0
    text = page.read_text("utf-8")
    assert "is not in the open codelist" in text
    assert "Not checked" not in text
    assert main(["--format", "html", "-o", str(page), "--ignore", "evidence,codelist-open-value",
                 str(warned)]) == 0
    assert ("Not checked, as the run was asked (--ignore): the evidence layer, "
            "codelist-open-value.") in page.read_text("utf-8")


# What a run does not check ------------------------------------------------------

RECORD_CODES = frozenset().union(*(check.codes for check in RECORD_CHECKS))


@pytest.mark.parametrize("check", RECORD_CHECKS, ids=lambda c: c.name)
def test_a_record_check_names_every_code_it_yields(check: RecordCheck,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`codes` is what lets a run skip a check: alone, the check yields exactly those."""
    cases = [case for case in INVALID if case.parent.name in RECORD_CODES]
    monkeypatch.setattr(record_rules, "RECORD_CHECKS", ())
    without = [set(validate([str(case)]).findings) for case in cases]  # other layers' too
    monkeypatch.setattr(record_rules, "RECORD_CHECKS", (check,))
    yielded = {finding.code for case, others in zip(cases, without, strict=True)
               for finding in set(validate([str(case)]).findings) - others}
    assert yielded == check.codes


def test_a_record_check_must_name_its_codes() -> None:
    with pytest.raises(ValueError, match="names no rule code"):
        RecordCheck(lambda _record, _context: iter(()), lambda _view, _context: True,
                    codes=frozenset())


def _exploding(codes: frozenset[str]) -> RecordCheck:
    def explode(record: object, context: object) -> NoReturn:
        raise RuntimeError("checked")

    def fails(view: object, context: object) -> bool:
        return False

    return RecordCheck(explode, fails, codes=codes)


def test_a_check_whose_every_code_is_ignored_does_not_run(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither its screen nor its detail runs: the crash barrier would show either."""
    dataset = _copy(BASE, tmp_path)
    check = _exploding(frozenset({"visitor-is-host", "supplier-is-recipient"}))
    monkeypatch.setattr(record_rules, "RECORD_CHECKS", (check,))
    assert {f.code for f in validate([str(dataset)]).findings} == {"internal-error"}
    assert {f.code for f in validate([str(dataset)], ignore=["visitor-is-host"]).findings} \
        == {"internal-error"}  # one of its codes is still asked for
    assert validate([str(dataset)], ignore=["visitor-is-host", "supplier-is-recipient"]) \
        .findings == ()


def test_records_an_ignored_rule_would_flag_stay_on_the_hot_path(
        tmp_path: Path, left_hot_path: list[int]) -> None:
    """Ignoring a rule that fires on every record costs no speed: no record takes `_record`."""
    dataset = _noisy(tmp_path, 300)
    validate([str(dataset)], jobs=1)
    assert len(left_hot_path) == 300
    left_hot_path.clear()
    report = validate([str(dataset)], jobs=1, ignore=["codelist-open-value"])
    assert left_hot_path == [300]  # the one record with an error no one ignored
    assert report.records == 300


@given(data=datasets(), broken=st.lists(st.tuples(st.sampled_from(CERTAIN), st.integers(0, 3)),
                                         min_size=1, max_size=4,
                                         unique_by=lambda pair: pair[0].name),
       choice=st.data())
def test_ignoring_leaves_every_other_finding_as_it_was(data, broken, choice) -> None:
    """Skipping a check, or dropping its findings, changes nothing else a run reports."""
    for mutation, which in broken:
        mutation.apply(data["records"][which % len(data["records"])], data, no_draw)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "ds", data)
        everything = validate([str(folder)])
        # Mostly rules that fired, so that something is dropped, and some that did not.
        fired = sorted({f.code for f in everything.findings} & set(IGNORABLE))
        ignore = choice.draw(st.sets(st.sampled_from(fired)) if fired else st.just(set())) \
            | choice.draw(st.sets(st.sampled_from(IGNORABLE), max_size=3))
        report = validate([str(folder)], ignore=sorted(ignore))
    event(f"ignored findings: {len(everything.findings) > len(report.findings)}")
    assert report.findings == tuple(f for f in everything.findings if f.code not in ignore)
    assert report.ignored == tuple(sorted(ignore))
    assert report.records == everything.records


def test_github_annotations_give_notice_of_the_rules_not_checked(
        warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "github", "--ignore", "codelist-open-value,date-text-mismatch",
                 str(warned)]) == 0
    assert capsys.readouterr().out == ("::notice title=textevents --ignore::not checked: "
                                       "codelist-open-value, date-text-mismatch\n")
    assert main(["--format", "github", str(warned)]) == 0
    assert capsys.readouterr().out.startswith("::warning file=")
    assert main(["--format", "github", "--ignore", "references", str(warned)]) == 0
    assert capsys.readouterr().out.startswith(
        "::notice title=textevents --ignore::not checked: the references layer\n")
