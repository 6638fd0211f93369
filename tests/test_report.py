"""The renderers and the finding constructor: findings in, exact text out."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import findings as finding_lists

from validator.escaping import printable as printable_path
from validator.findings import RULES, Finding, Severity, make
from validator.recall import by_article
from validator.render.documents import REPORT_VERSION, indented_json, json_document, rules_json
from validator.render.github import github_lines
from validator.render.text import SHOWN_PER_RULE, rules_text, statistics_lines, summary, text_lines
from validator.results import ArticleSeen, DatasetSeen

ERROR = make("actor-unknown", "actor 'x' is not in actors.csv", "d/events.jsonl", 3, 7,
             "/actors/0", record="d-001")
WARNING = make("codelist-open-value", "value 'y' is not listed", "d/events.jsonl", 4, 1)
WHOLE_FILE = make("encoding-invalid", "not UTF-8", "d/actors.csv")


@pytest.mark.parametrize(("datasets", "records", "findings", "line"), [
    (1, 1, [ERROR], "1 dataset, 1 record: 1 error, 0 warnings"),
    (2, 0, [WARNING, ERROR, WARNING], "2 datasets, 0 records: 1 error, 2 warnings"),
    (0, 2, [WARNING], "0 datasets, 2 records: 0 errors, 1 warning"),
])
def test_the_summary_counts_and_agrees_in_number(datasets: int, records: int,
                                                 findings: list, line: str) -> None:
    assert summary(datasets, records, findings) == line


def test_text_lines_are_located_and_name_their_pointer() -> None:
    assert list(text_lines([ERROR, WARNING, WHOLE_FILE])) == [
        "d/events.jsonl:3:7: error actor-unknown actor 'x' is not in actors.csv (/actors/0)",
        "d/events.jsonl:4:1: warning codelist-open-value value 'y' is not listed",
        "d/actors.csv:0:0: error encoding-invalid not UTF-8",
    ]


def test_colour_tints_errors_red_and_warnings_yellow() -> None:
    red, yellow = text_lines([ERROR, WARNING], colour=True)
    assert red.startswith("\x1b[1md/events.jsonl:3:7\x1b[0m: \x1b[31merror\x1b[0m actor-unknown")
    assert yellow.startswith("\x1b[1md/events.jsonl:4:1\x1b[0m: \x1b[33mwarning\x1b[0m ")


def test_repeats_of_a_rule_collapse_per_file() -> None:
    """After SHOWN_PER_RULE of one rule in one file, one line counts the rest."""
    def repeated(file: str, count: int) -> list:
        return [make("record-not-object", f"record {n}", file, n, 1) for n in range(1, count + 1)]

    findings = [*repeated("a.jsonl", SHOWN_PER_RULE + 3), ERROR, *repeated("b.jsonl", 2)]
    lines = list(text_lines(findings))
    assert lines == [
        *(f"a.jsonl:{n}:1: error record-not-object record {n}"
          for n in range(1, SHOWN_PER_RULE + 1)),
        "a.jsonl: … and 3 more record-not-object (--max-per-rule)",
        "d/events.jsonl:3:7: error actor-unknown actor 'x' is not in actors.csv (/actors/0)",
        "b.jsonl:1:1: error record-not-object record 1",
        "b.jsonl:2:1: error record-not-object record 2",
    ]


def test_statistics_count_each_rule_and_its_files_most_first() -> None:
    other_file = make("actor-unknown", "actor 'z' is not in actors.csv", "e/events.jsonl", 1, 1)
    findings = [WARNING, ERROR, WHOLE_FILE, other_file, ERROR, WARNING]
    assert list(statistics_lines(findings)) == [
        "3  error    actor-unknown        Unknown actor (in 2 files)",
        "2  warning  codelist-open-value  Not in open codelist (in 1 file)",
        "1  error    encoding-invalid     Invalid UTF-8 (in 1 file)",
    ]


def test_statistics_break_ties_in_catalogue_order_and_show_nothing_for_no_findings() -> None:
    # encoding-invalid comes before actor-unknown in the catalogue.
    assert [line.split()[2] for line in statistics_lines([ERROR, WHOLE_FILE])] == [
        "encoding-invalid", "actor-unknown"]
    assert list(statistics_lines([])) == []


def test_statistics_put_an_uncatalogued_code_last_under_its_own_name() -> None:
    odd = Finding("d/x.csv", 1, 1, "a-plugin-rule", "odd", severity=Severity.WARNING)
    assert list(statistics_lines([odd, WHOLE_FILE, ERROR, odd]))[1:] == [
        "1  error    encoding-invalid  Invalid UTF-8 (in 1 file)",
        "1  error    actor-unknown     Unknown actor (in 1 file)",
    ]
    assert list(statistics_lines([WHOLE_FILE, odd])) == [
        "1  error    encoding-invalid  Invalid UTF-8 (in 1 file)",
        "1  warning  a-plugin-rule     a-plugin-rule (in 1 file)",
    ]


def test_github_annotations_escape_what_could_end_a_command() -> None:
    evil = make("json-syntax", "bad\r\n::error::pwned 100%", "a:b,c.jsonl", 2, 0, "/x")
    assert list(github_lines([evil, WARNING, WHOLE_FILE])) == [
        ("::error file=a%3Ab%2Cc.jsonl,line=2,col=1,title=json-syntax%3A Invalid JSON"
         "::bad%0D%0A::error::pwned 100%25 (/x)"),
        ("::warning file=d/events.jsonl,line=4,col=1,"
         f"title=codelist-open-value%3A {RULES['codelist-open-value'].title}"
         "::value 'y' is not listed"),
        "::error file=d/actors.csv,title=encoding-invalid%3A Invalid UTF-8::not UTF-8",
    ]
    odd = Finding("d/x.csv", 1, 1, "a-plugin-rule", "odd")
    assert list(github_lines([odd])) == [
        "::error file=d/x.csv,line=1,col=1,title=a-plugin-rule%3A a-plugin-rule::odd"]


def test_a_finding_s_record_takes_part_in_equality() -> None:
    """Runs of one and of many processes (and Dask) must agree on it: reports compare."""
    assert dataclasses.replace(ERROR, record="d-002") != ERROR
    assert len({ERROR, dataclasses.replace(ERROR, record="")}) == 2


def test_the_json_report_is_indented_utf_8() -> None:
    text = json_document([make("actor-unknown", "actor 'Zelensky' ≠ 'Зеленський'", "d/e.jsonl")],
                         datasets=1, records=1, tool_version="9.9", schema_versions=["1.0.0"])
    assert text.startswith('{\n  "report_version": ')
    assert "'Зеленський'" in text


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@given(JSON_VALUES)
def test_the_documents_are_written_as_the_standard_library_writes_them(value: object) -> None:
    """orjson writes the reports (it is fast); the text is the standard library's, byte for
    byte, lone surrogates included (`st.text()` draws them: they take the old way)."""
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_the_json_report_carries_everything() -> None:
    document = json.loads(json_document([ERROR, WARNING], datasets=1, records=4,
                                        tool_version="9.9", schema_versions=["1.0.0"]))
    assert document == {
        "report_version": REPORT_VERSION,
        "validator": {"name": "textevents", "version": "9.9", "schema_versions": ["1.0.0"]},
        "summary": {"datasets": 1, "records": 4, "errors": 1, "warnings": 1, "valid": False,
                    "ignored": [], "versions": {}},
        "findings": [
            {"code": "actor-unknown", "severity": "error",
             "message": "actor 'x' is not in actors.csv", "file": "d/events.jsonl",
             "line": 3, "column": 7, "pointer": "/actors/0", "record": "d-001"},
            {"code": "codelist-open-value", "severity": "warning",
             "message": "value 'y' is not listed", "file": "d/events.jsonl",
             "line": 4, "column": 1, "pointer": "", "record": ""},
        ],
        "uncovered": [],
    }
    assert json.loads(json_document([WARNING], datasets=1, records=1, tool_version="9.9",
                                    schema_versions=[]))["summary"]["valid"] is True
    limited = json.loads(json_document([WARNING, ERROR], datasets=1, records=1,
                                       tool_version="9.9", schema_versions=[], limit=1))
    assert limited["findings"] == [WARNING.as_dict()]  # the summary still counts both:
    assert limited["summary"] == {"datasets": 1, "records": 1, "errors": 1, "warnings": 1,
                                  "valid": False, "ignored": [], "versions": {}}
    counted = json.loads(json_document([], datasets=2, records=0, tool_version="9.9",
                                       schema_versions=["1.0.0", "1.1.0"],
                                       versions={"1.0.0": 1, "1.1.0": 1}))
    assert counted["summary"]["versions"] == {"1.0.0": 1, "1.1.0": 1}


def test_the_json_report_lists_each_article_s_uncited_sentences() -> None:
    """Where each sentence stands (offsets, line and column), its text and its words."""
    text = "Headline\nShoigu met Kim. It rained.\nRussia sold drones.\n"
    seen = DatasetSeen("d", "data/d", "data/d", None, "events.jsonl", 1,
                       (ArticleSeen("a-1", "articles/a.txt", text, ((9, 12),)),
                        ArticleSeen("a-2", "articles/b.txt", None),
                        ArticleSeen("a-3", "articles/c.txt", "It rained.")))
    document = json.loads(json_document([], datasets=1, records=1, tool_version="9.9",
                                        schema_versions=[], uncovered=by_article([seen])))
    assert document["uncovered"] == [
        {"dataset": "data/d", "source": "a-1", "file": "data/d/articles/a.txt",
         "sentences": [{"start": 36, "end": 55, "line": 3, "column": 1,
                        "text": "Russia sold drones.", "kinds": ["arms"],
                        "words": ["sold", "drones"]}]},
        {"dataset": "data/d", "source": "a-3", "file": "data/d/articles/c.txt",
         "sentences": []},
    ]
    assert document["summary"]["valid"] is True  # information, not findings


def test_the_rule_catalogue_lists_each_rule_once_in_both_forms() -> None:
    lines = list(rules_text())
    assert len(lines) == len(RULES)
    rule = RULES["codelist-open-value"]
    line = next(x for x in lines if x.startswith(rule.code + " "))
    assert line.split()[1:4] == ["warning", "records", "ignorable"]
    assert next(x for x in lines if x.startswith("json-syntax ")).split()[1:4] == [
        "error", "input", "Invalid"]
    assert line.endswith(f"{rule.title}: {rule.description}")
    assert json.loads(rules_json())[0] == {
        "code": "path-unsafe", "title": RULES["path-unsafe"].title, "severity": "error",
        "layer": "input", "description": RULES["path-unsafe"].description,
        "ignorable": False}
    assert json.loads(rules_json())[-2]["ignorable"] is True  # wikidata-id-malformed
    assert rules_json().startswith('[\n  {\n    "code": "path-unsafe",')


def test_a_finding_takes_its_severity_from_the_catalogue() -> None:
    assert (ERROR.severity, WARNING.severity) == (Severity.ERROR, Severity.WARNING)
    with pytest.raises(KeyError):
        make("no-such-rule", "a bug in the validator", "f")


@pytest.mark.parametrize(("path", "shown"), [
    ("plain/events.jsonl", "plain/events.jsonl"),
    ("line\nbreak.csv", "line\\u000abreak.csv"),
    ("bidi\u202eexe.txt", "bidi\\u202eexe.txt"),
    ("bytes\udcff.txt", "bytes\\xff.txt"),  # an undecodable byte, as Python keeps it
])
def test_file_names_are_printable(path: str, shown: str) -> None:
    assert printable_path(path) == shown
    assert make("json-syntax", "m", path).file == shown


@given(st.lists(finding_lists(), max_size=20))
def test_statistics_account_for_every_finding_once(findings: list) -> None:
    lines = [line.split() for line in statistics_lines(findings)]
    counts = [int(line[0]) for line in lines]
    assert sum(counts) == len(findings)
    assert counts == sorted(counts, reverse=True)
    assert sorted(line[2] for line in lines) == sorted({f.code for f in findings})
    for line in lines:
        code, spread = line[2], int(line[-2])
        assert spread == len({f.file for f in findings if f.code == code}) <= int(line[0])


def test_the_versions_line_names_each_version_and_its_datasets() -> None:
    from validator.render.text import versions_line

    assert versions_line({}) is None
    assert versions_line({"1.0.0": 1}) == "checked against schema 1.0.0 (1 dataset)"
    assert versions_line({"1.0.0": 1, "1.1.0": 19}) == (
        "checked against schema 1.0.0 (1 dataset), 1.1.0 (19 datasets)")
