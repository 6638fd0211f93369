"""Fields with a span that shows them: each decided field is cited (codebook E3, V5).

A span is cited for a field when its `supports` points at the field, at a
part of the record that holds it, or at the whole record (a span of the
record's own evidence with no pointer).  The purpose keeps its own code
(`purpose-uncited`, V5); a date's text has its own rule (`date-text-uncited`,
D11, in `validator.checks.evidence`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.checks.walk import spans
from validator.findings import Problem

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any


_PURPOSE = "/diplomatic_visit/purpose"


def _decided(record: JSON) -> Iterator[tuple[str, str]]:
    """(rule code, pointer) of each field a coder decided that needs a span (codebook E3).

    The purpose (V5) keeps the code it had before the rest; a date's text has its own
    rule (D11, date-text-uncited).  None of these is inside a meeting or a response.
    """
    visit = record.get("diplomatic_visit")
    if visit is not None:
        if "purpose" in visit:
            yield "purpose-uncited", _PURPOSE
        for key in ("visitors", "hosts"):
            for index in range(len(visit[key])):
                yield "field-uncited", f"/diplomatic_visit/{key}/{index}"
    allegation = record.get("arms_allegation")
    if allegation is not None:
        for key in ("supplier", "recipient"):
            if allegation.get(key) is not None:
                yield "field-uncited", f"/arms_allegation/{key}"


def _cited_targets(record: JSON, cited: list[JSON]) -> list[str] | None:
    """The pointers the record's spans are cited for; None when one cites the whole record.

    `cited` is every span of the record, the record's own evidence first (as
    `walk.spans` and `walk.view` give them).  A span pointed at "", or one of
    the record's own with no pointer, cites the whole record; a meeting's or a
    response's span with no pointer cites that part, which holds no decided field.
    """
    targets = []
    own = len(record["evidence"])
    for span in cited:
        target = span.get("supports")
        if target:
            targets.append(target)
        elif target == "" or own > 0:
            return None
        own -= 1
    return targets


def _covered(field: str, targets: list[str]) -> bool:
    """Whether a span is cited for the field or a part that holds it.

    The decided fields' pointers have no escaped characters, so comparing the
    pointers as strings is comparing their reference tokens (a pointer that
    is not one resolves nowhere: span-pointer-unresolved says so).
    """
    return any(field == target or field.startswith(target + "/") for target in targets)


def _uncited(record: JSON, cited: list[JSON]) -> Iterator[tuple[str, str]]:
    """(rule code, pointer) of each decided field that no span is cited for."""
    targets = _cited_targets(record, cited)
    if targets is None:
        return
    for code, field in _decided(record):
        if not _covered(field, targets):
            yield code, field


def field_citations(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Each decided field has a span cited for it, for a part that holds it, or the record."""
    for code, field in _uncited(record, [span for _, span in spans(record)]):
        if code == "purpose-uncited":
            yield Problem(code, "purpose is cited by no span: point the span that gives it at "
                          "/diplomatic_visit/purpose, or leave the purpose out when the text "
                          "gives none", pointer=field)
        else:
            part = field.rsplit("/", 2)[0] if field.startswith("/diplomatic_visit/") \
                else "/arms_allegation"
            yield Problem(code, f"{field} is cited by no span: point the span that shows it at "
                          f"{field}, or at {part} when one sentence shows several fields",
                          pointer=field)


_VISIT, _ALLEGATION = "/diplomatic_visit", "/arms_allegation"
_PARTIES = ("/arms_allegation/supplier", "/arms_allegation/recipient")
_LISTS = tuple((key, f"{_VISIT}/{key}", tuple(f"{_VISIT}/{key}/{index}" for index in range(32)))
               for key in ("visitors", "hosts"))  # a list, its pointer and its first items'


def _fields_cited(view: RecordView, context: DatasetContext) -> bool:
    # `_uncited`, written out: the few pointers cited are looked up in their list.
    record = view.record
    cited = _cited_targets(record, view.spans)
    if cited is None:
        return True
    visit = record.get("diplomatic_visit")
    if visit is not None and _VISIT not in cited:
        if "purpose" in visit and _PURPOSE not in cited:
            return False
        for key, whole, items in _LISTS:
            count = len(visit[key])
            if count and whole not in cited:
                if count > len(items):  # a list longer than any seen: the long way
                    return next(_uncited(record, view.spans), None) is None
                for index in range(count):
                    if items[index] not in cited:
                        return False
    allegation = record.get("arms_allegation")
    if allegation is not None and _ALLEGATION not in cited:
        if allegation["supplier"] is not None and _PARTIES[0] not in cited:
            return False
        if allegation["recipient"] is not None and _PARTIES[1] not in cited:
            return False
    return True


CHECKS = (RecordCheck(field_citations, _fields_cited,
                      codes=frozenset({"purpose-uncited", "field-uncited"})),)
