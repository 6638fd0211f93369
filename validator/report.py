"""Render findings as text, JSON, SARIF or GitHub Actions annotations.

Renderers are pure: findings in, lines of text out.  Only `findings` is
imported, so a report can be rendered from findings of any origin.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from validator.findings import RULES, Finding, Severity, ignored_names

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

REPORT_VERSION: Final = "1.1"
SARIF_SCHEMA: Final = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                       "sarif-schema-2.1.0.json")
SHOWN_PER_RULE: Final = 5  # per file, before "… and N more"


def summary(datasets: int, records: int, findings: Sequence[Finding],
            ignored: Sequence[str] = ()) -> str:
    """The closing line of a text report, naming the rules the run did not check."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    line = (f"{datasets} dataset{'s' * (datasets != 1)}, {records} record"
            f"{'s' * (records != 1)}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")
    if ignored:
        line += f"; not checked (--ignore): {', '.join(ignored_names(ignored))}"
    return line


def text_lines(findings: Sequence[Finding], *, colour: bool = False) -> Iterator[str]:
    """`file:line:col: severity code message (pointer)`, grouped per file.

    After SHOWN_PER_RULE findings of one rule in one file, the rest are
    collapsed into one "… and N more" line.
    """
    for file, group in groupby(findings, key=lambda f: f.file):
        shown: dict[str, int] = {}
        hidden: dict[str, int] = {}
        for finding in group:
            count = shown.get(finding.code, 0)
            if count >= SHOWN_PER_RULE:
                hidden[finding.code] = hidden.get(finding.code, 0) + 1
                continue
            shown[finding.code] = count + 1
            yield _text_line(finding, colour=colour)
        for code, count in hidden.items():
            yield f"{file}: … and {count} more {code}"


def statistics_lines(findings: Sequence[Finding]) -> Iterator[str]:
    """One line per rule that gave findings: how many, and in how many files.

    Most first, ties in catalogue order: the overview of a corpus whose
    findings are too many to read one by one (as `ruff --statistics`).
    """
    counts: dict[str, int] = {}
    files: dict[str, set[str]] = {}
    severities: dict[str, Severity] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
        files.setdefault(finding.code, set()).add(finding.file)
        severities.setdefault(finding.code, finding.severity)
    if not counts:
        return
    order = {code: index for index, code in enumerate(RULES)}  # uncatalogued codes last
    ranked = sorted(counts, key=lambda code: (-counts[code], order.get(code, len(order)), code))
    count_width = max(len(str(count)) for count in counts.values())
    code_width = max(len(code) for code in counts)
    for code in ranked:
        title = RULES[code].title if code in RULES else code
        spread = len(files[code])
        yield (f"{counts[code]:>{count_width}}  {severities[code].value:<7}  {code:<{code_width}}  "
               f"{title} (in {spread} file{'s' * (spread != 1)})")


def _text_line(finding: Finding, *, colour: bool) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}"
    severity = finding.severity.value
    if colour:
        tint = "31" if finding.severity is Severity.ERROR else "33"
        severity = f"\x1b[{tint}m{severity}\x1b[0m"
        where = f"\x1b[1m{where}\x1b[0m"
    pointer = f" ({finding.pointer})" if finding.pointer else ""
    return f"{where}: {severity} {finding.code} {finding.message}{pointer}"


def json_document(findings: Sequence[Finding], *, datasets: int, records: int,
                  tool_version: str, schema_versions: Sequence[str],
                  limit: int | None = None, ignored: Sequence[str] = ()) -> str:
    """The versioned JSON report; its schema is `validator/report.schema.json`.

    With `limit`, only the first `limit` findings are listed; the summary
    still counts them all, so that `valid` never depends on the limit.
    `ignored` are the rule codes the run did not check.
    """
    document = {
        "report_version": REPORT_VERSION,
        "validator": {"name": "textevents", "version": tool_version,
                      "schema_versions": list(schema_versions)},
        "summary": _summary(findings, datasets, records, ignored),
        "findings": [f.as_dict() for f in findings[:limit]],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _summary(findings: Sequence[Finding], datasets: int, records: int,
             ignored: Sequence[str]) -> dict[str, object]:
    """What a run found, counted over every finding (the JSON report's and SARIF log's)."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return {"datasets": datasets, "records": records, "errors": errors,
            "warnings": len(findings) - errors, "valid": errors == 0,
            "ignored": list(ignored)}


def sarif_document(findings: Sequence[Finding], *, datasets: int, records: int,
                   tool_version: str, schema_versions: Sequence[str],
                   limit: int | None = None, ignored: Sequence[str] = ()) -> str:
    """The findings as a SARIF 2.1.0 log (OASIS), for code-scanning services and viewers.

    The rule catalogue is the driver's `rules`, so each result names its rule by
    id and index.  Columns count Unicode code points, as every column of a
    finding does (`columnKind`).  A finding about a whole file stands on its
    first line: GitHub code scanning shows no result without a line.  The
    run's `properties` carry the summary, which counts every finding even when
    `limit` lists fewer, as in the JSON report.  The rules the run did not
    check are turned off in the invocation's `ruleConfigurationOverrides`.  The log meets
    GitHub's requirements as the SARIF Multitool checks them (`nox -s sarif`).
    """
    index = {code: position for position, code in enumerate(RULES)}
    rules = [{"id": rule.code,
              "shortDescription": {"text": rule.title},
              "fullDescription": {"text": rule.description},
              "help": {"text": f"{rule.title}: {rule.description}",
                       "markdown": f"**{rule.title}** (`{rule.code}`, {rule.severity.value}): "
                                   f"{rule.description}"},
              "defaultConfiguration": {"level": _level(rule.severity)},
              "properties": {"tags": ["textevents", rule.layer.value]}}
             for rule in RULES.values()]
    invocation: dict[str, object] = {"executionSuccessful": True}  # findings are not failures
    if ignored:
        invocation["ruleConfigurationOverrides"] = [
            {"descriptor": {"id": code, "index": index[code]},
             "configuration": {"enabled": False}} for code in ignored if code in index]
    run = {
        "tool": {"driver": {"name": "textevents", "version": tool_version, "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": [_sarif_result(f, index) for f in findings[:limit]],
        "properties": {"schemaVersions": list(schema_versions),
                       **_summary(findings, datasets, records, ignored)},
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      ensure_ascii=False, indent=2)


def _level(severity: Severity) -> str:
    # GitHub's workflow commands and SARIF name these two levels alike (not their third).
    return "error" if severity is Severity.ERROR else "warning"


def _sarif_result(finding: Finding, index: dict[str, int]) -> dict[str, object]:
    region = {"startLine": max(finding.line, 1)}
    if finding.line and finding.column:
        region["startColumn"] = finding.column
    location = {"artifactLocation": {"uri": artifact_uri(finding.file)}, "region": region}
    pointer = f" ({finding.pointer})" if finding.pointer else ""
    result: dict[str, object] = {
        "ruleId": finding.code,
        "level": _level(finding.severity),
        "message": {"text": finding.message + pointer},
        "locations": [{"physicalLocation": location}],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if finding.pointer:
        result["properties"] = {"pointer": finding.pointer}
    return result


def artifact_uri(file: str) -> str:
    """A finding's file as a URI reference: relative as named, or `file:` when absolute.

    Percent-encoded (RFC 3986), so that a space, `%`, `#` or `:` in a name
    cannot change what the reference means.
    """
    encoded = quote(file, safe="/")  # as named: no path normalisation, so it reads back exactly
    return f"file://{encoded}" if file.startswith("/") else encoded


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(findings: Sequence[Finding], ignored: Sequence[str] = ()) -> Iterator[str]:
    """GitHub Actions workflow commands, one per finding, and a notice of the rules ignored.

    Values are escaped as the runner specifies (%, CR, LF; and ':' ',' in
    properties), so no dataset value can end the command or start another.
    """
    if ignored:
        yield (f"::notice title={_github_property('textevents --ignore')}::"
               f"{_github_data('not checked: ' + ', '.join(ignored_names(ignored)))}")
    for finding in findings:
        level = _level(finding.severity)
        title = RULES[finding.code].title if finding.code in RULES else finding.code
        props = [f"file={_github_property(finding.file)}"]
        if finding.line:
            props += [f"line={finding.line}", f"col={max(finding.column, 1)}"]
        props.append(f"title={_github_property(f'{finding.code}: {title}')}")
        pointer = f" ({finding.pointer})" if finding.pointer else ""
        yield f"::{level} {','.join(props)}::{_github_data(finding.message + pointer)}"


def rules_text() -> Iterator[str]:
    """The rule catalogue for `--list-rules`: code, severity, layer, whether --ignore takes it."""
    width = max(len(code) for code in RULES)
    for rule in RULES.values():
        ignorable = "ignorable" if rule.ignorable else ""
        yield (f"{rule.code:<{width}}  {rule.severity.value:<7}  {rule.layer.value:<10}  "
               f"{ignorable:<9}  {rule.title}: {rule.description}")


def rules_json() -> str:
    """The rule catalogue as JSON, for `--list-rules --format json`."""
    return json.dumps([{"code": r.code, "title": r.title, "severity": r.severity.value,
                        "layer": r.layer.value, "description": r.description,
                        "ignorable": r.ignorable}
                       for r in RULES.values()], indent=2)
