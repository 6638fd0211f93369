"""Findings as GitHub Actions workflow commands (annotations on a pull request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator.findings import RULES, Finding, ignored_names
from validator.render.documents import level

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


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
        severity = level(finding.severity)
        title = RULES[finding.code].title if finding.code in RULES else finding.code
        props = [f"file={_github_property(finding.file)}"]
        if finding.line:
            props += [f"line={finding.line}", f"col={max(finding.column, 1)}"]
        props.append(f"title={_github_property(f'{finding.code}: {title}')}")
        pointer = f" ({finding.pointer})" if finding.pointer else ""
        yield f"::{severity} {','.join(props)}::{_github_data(finding.message + pointer)}"
