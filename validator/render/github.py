"""Findings as GitHub Actions workflow commands (annotations on a pull request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator.escaping import workflow_data, workflow_property
from validator.findings import RULES, Finding
from validator.ignoring import ignored_names
from validator.render.documents import level

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


def github_lines(findings: Sequence[Finding], ignored: Sequence[str] = (),
                 hidden: int = 0) -> Iterator[str]:
    """GitHub Actions workflow commands, one per finding, and notices of what is left out.

    The notices say the rules ignored, and how many findings are `hidden`
    (--max-findings).  Values are escaped as the runner specifies (%, CR, LF;
    and ':' ',' in properties), and their other controls, bidi characters and
    lone surrogates as `one_line` writes them (see `validator.escaping`), so no
    dataset value can end the command, start another, or garble the log.
    """
    if ignored:
        yield (f"::notice title={workflow_property('textevents --ignore')}::"
               f"{workflow_data('not checked: ' + ', '.join(ignored_names(ignored)))}")
    for finding in findings:
        severity = level(finding.severity)
        title = RULES[finding.code].title if finding.code in RULES else finding.code
        props = [f"file={workflow_property(finding.file)}"]
        if finding.line:
            props += [f"line={finding.line}", f"col={max(finding.column, 1)}"]
        props.append(f"title={workflow_property(f'{finding.code}: {title}')}")
        pointer = f" ({finding.pointer})" if finding.pointer else ""
        yield f"::{severity} {','.join(props)}::{workflow_data(finding.message + pointer)}"
    if hidden:
        yield (f"::notice title={workflow_property('textevents --max-findings')}::"
               f"{hidden} more finding{'s' * (hidden != 1)} not shown")
