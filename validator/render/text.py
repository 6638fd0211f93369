"""Findings as text for people: one line each, a summary, statistics, the rule list.

Renderers are pure: findings in, lines of text out.  Every value from a
dataset in a line (file, message, pointer) is written by `one_line`, so no
line holds a control, bidi or line-breaking character, or a workflow command
of a CI runner (`log_line`: a line a file name begins).
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Final

from validator.escaping import log_line, one_line
from validator.findings import RULES, Finding, Severity
from validator.ignoring import ignored_names

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

SHOWN_PER_RULE: Final = 5  # per file, before "… and N more"


def summary(datasets: int, records: int, findings: Sequence[Finding],
            ignored: Sequence[str] = (), beside: int = 0) -> str:
    """The closing line of a text report, naming the rules the run did not check.

    `beside` datasets, next to those checked, lent their record ids to the run.
    """
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    line = (f"{datasets} dataset{'s' * (datasets != 1)}, {records} record"
            f"{'s' * (records != 1)}: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")
    if beside:
        line += (f" (ids and links also against {beside} dataset{'s' * (beside != 1)} "
                 "beside; --alone to skip)")
    if ignored:
        line += f"; not checked (--ignore): {', '.join(ignored_names(ignored))}"
    return line


def versions_line(versions: Mapping[str, int]) -> str | None:
    """'checked against schema 1.0.0 (1 dataset), 1.1.0 (19 datasets)', or None if none."""
    if not versions:
        return None
    return "checked against schema " + ", ".join(
        f"{version} ({count} dataset{'s' * (count != 1)})" for version, count in versions.items())


def text_lines(findings: Sequence[Finding], *, colour: bool = False,
               per_rule: int | None = SHOWN_PER_RULE) -> Iterator[str]:
    """`file:line:col: severity code message (pointer)`, grouped per file.

    After `per_rule` findings of one rule in one file (`validate --max-per-rule`;
    None: no limit), the rest are collapsed into one "… and N more" line.
    """
    for file, group in groupby(findings, key=lambda f: f.file):
        shown: dict[str, int] = {}
        hidden: dict[str, int] = {}
        for finding in group:
            count = shown.get(finding.code, 0)
            if per_rule is not None and count >= per_rule:
                hidden[finding.code] = hidden.get(finding.code, 0) + 1
                continue
            shown[finding.code] = count + 1
            yield _text_line(finding, colour=colour)
        for code, count in hidden.items():
            yield log_line(f"{one_line(file)}: … and {count} more {one_line(code)} "
                           "(--max-per-rule)")


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
        yield (f"{counts[code]:>{count_width}}  {severities[code].value:<7}  "
               f"{one_line(code):<{code_width}}  "
               f"{one_line(title)} (in {spread} file{'s' * (spread != 1)})")


def _text_line(finding: Finding, *, colour: bool) -> str:
    where = log_line(f"{one_line(finding.file)}:{finding.line}:{finding.column}")
    severity = finding.severity.value
    if colour:
        tint = "31" if finding.severity is Severity.ERROR else "33"
        severity = f"\x1b[{tint}m{severity}\x1b[0m"
        where = f"\x1b[1m{where}\x1b[0m"
    pointer = f" ({one_line(finding.pointer)})" if finding.pointer else ""
    return f"{where}: {severity} {one_line(finding.code)} {one_line(finding.message)}{pointer}"


def rules_text() -> Iterator[str]:
    """The rule catalogue for `--list-rules`: code, severity, layer, whether --ignore takes it."""
    width = max(len(code) for code in RULES)
    for rule in RULES.values():
        ignorable = "ignorable" if rule.ignorable else ""
        yield (f"{rule.code:<{width}}  {rule.severity.value:<7}  {rule.layer.value:<10}  "
               f"{ignorable:<9}  {rule.title}: {rule.description}")


