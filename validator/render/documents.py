"""Findings as documents for programs: the versioned JSON report and a SARIF 2.1.0 log.

Both are written by `validator.escaping.json_text`: valid Unicode (no lone
surrogate, whatever a file name or key held), and no character that a
terminal or a CI log would obey; every other value reads back as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from validator.escaping import json_text, name_of
from validator.findings import RULES, Finding, Severity

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from validator.recall import ArticleRecall

REPORT_VERSION: Final = "1.4"
SARIF_SCHEMA: Final = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                       "sarif-schema-2.1.0.json")


def json_document(findings: Sequence[Finding], *, datasets: int, records: int,
                  tool_version: str, schema_versions: Sequence[str],
                  limit: int | None = None, ignored: Sequence[str] = (),
                  versions: Mapping[str, int] | None = None,
                  uncovered: Sequence[ArticleRecall] = ()) -> str:
    """The versioned JSON report; its schema is `validator/report.schema.json`.

    With `limit`, only the first `limit` findings are listed; the summary
    still counts them all, so that `valid` never depends on the limit.
    `ignored` are the rule codes the run did not check; `versions` counts the
    datasets checked against each schema version.  `uncovered` lists, for each
    article read, its sentences with visit or arms wording that no span cites
    (`validator.recall.by_article`): information for a reviewer, not findings.
    """
    document = {
        "report_version": REPORT_VERSION,
        "validator": {"name": "textevents", "version": tool_version,
                      "schema_versions": list(schema_versions)},
        "summary": _summary(findings, datasets, records, ignored, versions),
        "findings": [{**f.as_dict(), "file": name_of(f.file)} for f in findings[:limit]],
        "uncovered": [_article(article) for article in uncovered],
    }
    return json_text(indented_json(document))


def indented_json(document: object) -> str:
    """`json.dumps(document, ensure_ascii=False, indent=2)`, in C where it can be.

    orjson writes the same text (same indents, separators and escapes) some ten
    times as fast as the standard library, whose indented encoder is pure
    Python: a report of thousands of small datasets lists thousands of
    sentences.  orjson refuses lone surrogates (a file name's undecodable
    bytes), which `json_text` then writes as escapes: those take the old way.
    """
    import orjson

    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate
        return json.dumps(document, ensure_ascii=False, indent=2)


def _article(article: ArticleRecall) -> dict[str, object]:
    """One article's entry of the JSON report's `uncovered`."""
    sentences = []
    for sentence in article.sentences:
        line, column = article.where(sentence)
        sentences.append({"start": sentence.start, "end": sentence.end, "line": line,
                          "column": column, "text": article.text[sentence.start:sentence.end],
                          "kinds": list(sentence.kinds), "words": list(sentence.words)})
    return {"dataset": name_of(article.dataset), "source": article.source,
            "file": name_of(article.file),
            "sentences": sentences}


def _summary(findings: Sequence[Finding], datasets: int, records: int,
             ignored: Sequence[str], versions: Mapping[str, int] | None = None,
             ) -> dict[str, object]:
    """What a run found, counted over every finding (the JSON report's and SARIF log's)."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return {"datasets": datasets, "records": records, "errors": errors,
            "warnings": len(findings) - errors, "valid": errors == 0,
            "ignored": list(ignored), "versions": dict(versions or {})}


def sarif_document(findings: Sequence[Finding], *, datasets: int, records: int,
                   tool_version: str, schema_versions: Sequence[str],
                   limit: int | None = None, ignored: Sequence[str] = (),
                   versions: Mapping[str, int] | None = None) -> str:
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
              "defaultConfiguration": {"level": level(rule.severity)},
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
        "results": _sarif_results(findings[:limit], index),
        "properties": {"schemaVersions": list(schema_versions),
                       **_summary(findings, datasets, records, ignored, versions)},
    }
    return json_text(indented_json({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}))


def level(severity: Severity) -> str:
    """The level of a finding's severity, in SARIF and in GitHub's workflow commands."""
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
        "level": level(finding.severity),
        "message": {"text": finding.message + pointer},
        "locations": [{"physicalLocation": location}],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    properties = {key: value for key, value in (("pointer", finding.pointer),
                                                 ("record", finding.record)) if value}
    if properties:
        result["properties"] = properties
    return result


def _sarif_results(findings: Sequence[Finding], index: dict[str, int]) -> list[dict[str, object]]:
    """Each finding's result; one about a record with its fingerprint (`record_fingerprint`)."""
    results = []
    seen: dict[tuple[str, str, str, str], int] = {}  # how many results had a finding's place
    for finding in findings:
        result = _sarif_result(finding, index)
        if finding.record:
            place = (finding.code, finding.file, finding.record, finding.pointer)
            seen[place] = seen.get(place, -1) + 1
            result["partialFingerprints"] = {FINGERPRINT: record_fingerprint(*place,
                                                                             seen[place])}
        results.append(result)
    return results


# A record's finding is the same alert wherever its line moves: GitHub code scanning
# otherwise hashes the line, which an edit anywhere in the record (a line) changes.
FINGERPRINT: Final = "textevents/recordFinding/v1"


def record_fingerprint(code: str, file: str, record: str, pointer: str, nth: int = 0) -> str:
    """What identifies a finding about a record across commits: never a line or column.

    Nor its message, which may name other records' lines (a repeated id's first
    use, say); `nth` tells apart findings of one rule at one place of a record
    (an empty summary breaks two constraints), in the order of their messages.
    """
    digest = hashlib.sha256()
    for part in (code, file, record, pointer, str(nth)):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:%b" % (len(data), data))  # each part's length first: unambiguous
    return digest.hexdigest()


def artifact_uri(file: str) -> str:
    """A finding's file as a URI reference: relative as named, or `file:` when absolute.

    Percent-encoded (RFC 3986), so that a space, `%`, `#` or `:` in a name
    cannot change what the reference means: each byte of the name as the
    file system holds it (`file` as findings print it: `validator.escaping.name_of`).
    """
    # As named: no path normalisation, so it reads back exactly.  A lone surrogate
    # that is no undecodable byte (no file system's name) is encoded as it prints.
    name = name_of(file)
    try:
        encoded = quote(os.fsencode(name), safe="/")
    except UnicodeEncodeError:
        encoded = quote(name.encode("utf-8", "backslashreplace"), safe="/")
    return f"file://{encoded}" if file.startswith("/") else encoded


def rules_json() -> str:
    """The rule catalogue as JSON, for `--list-rules --format json`."""
    return json.dumps([{"code": r.code, "title": r.title, "severity": r.severity.value,
                        "layer": r.layer.value, "description": r.description,
                        "ignorable": r.ignorable}
                       for r in RULES.values()], indent=2)
