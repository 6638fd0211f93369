"""Limits on how many findings are reported: per record, and per rule in a file.

Capping never turns a failing run into a passing one: a limit keeps an error
past it, and leaves a `findings-capped` note where findings were left out.
"""

from __future__ import annotations

import collections
import itertools
from typing import TYPE_CHECKING, TypeVar

from validator.findings import RULES, Finding, Problem, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

T = TypeVar("T")


def capped(problems: Iterable[Problem], limit: int, where: str) -> list[Problem]:
    """The first `limit` of `problems`, then one `findings-capped` note if there are more.

    `problems` is read lazily and no further than the note needs: what is left
    out is never computed.  If none of the first `limit` is an error, the
    first error after them is kept too, so that leaving findings out never
    turns a failing run into a passing one.  `where` ends the note's message
    ("in this record").
    """
    kept: list[Problem] = []
    rest = iter(problems)
    for problem in rest:
        if len(kept) < limit:
            kept.append(problem)
            continue
        if all(RULES[p.code].severity is not Severity.ERROR for p in kept):
            error = next((p for p in itertools.chain([problem], rest)
                          if RULES[p.code].severity is Severity.ERROR), None)
            if error is not None:
                kept.append(error)
        kept.append(Problem("findings-capped", f"more than {limit} findings {where}; "
                            "the rest are not reported", problem.line, problem.column,
                            problem.pointer))
        break
    return kept


def capped_by_code(findings: Iterable[Finding], limit: int) -> list[Finding]:
    """At most `limit` findings of each code in each file, and a note for each cut.

    The note (`findings-capped`, a warning) stands where the first finding left
    out would have, and counts them.  Errors stay errors: each code keeps `limit`.
    """
    return [finding for _, finding in capped_by_code_tagged(
        ((None, finding) for finding in findings), limit)]


def capped_by_code_tagged(tagged: Iterable[tuple[T, Finding]],
                          limit: int) -> list[tuple[T | None, Finding]]:
    """`capped_by_code` of findings that each come with a tag, kept beside it (a note: None).

    Read lazily: only the findings kept, and the first left out of each file
    and code, are held, however many there are.
    """
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    kept: list[tuple[T | None, Finding]] = []
    first_left: dict[tuple[str, str], Finding] = {}
    for tag, finding in tagged:
        key = (finding.file, finding.code)
        counts[key] += 1
        if counts[key] <= limit:
            kept.append((tag, finding))
        else:
            first_left.setdefault(key, finding)
    for (file, code), left in first_left.items():
        kept.append((None, Finding(file, left.line, left.column, "findings-capped",
                                   f"{(more := counts[(file, code)] - limit)} more {code} "
                                   f"finding{'s are' if more != 1 else ' is'} not reported "
                                   f"in this file (the limit is {limit})",
                                   left.pointer, RULES["findings-capped"].severity)))
    return kept
