"""Fields with a span that shows them: each decided field is cited (codebook E3, V5).

A span is cited for a field when its `supports` points at the field, at a
part of the record that holds it, or at a part inside it (`/location/name`
shows the place); or when it cites the whole record (a span of the record's
own evidence with no pointer).  A meeting's span with no pointer cites its
meeting.  The decided fields: each visitor, host and counterpart, the place,
the purpose and a known status; the supplier and recipient when known, the
claimant, the stage, each weapon and an assessed verification.  The purpose
keeps its own code (`purpose-uncited`, V5); a date's text has its own rule
(`date-text-uncited`, D11, in `validator.checks.evidence`).
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
_STATUS = "/diplomatic_visit/status"


def _decided(record: JSON) -> Iterator[tuple[str, str]]:
    """(rule code, pointer) of each field a coder decided that needs a span (codebook E3).

    The purpose (V5) keeps the code it had before the rest; a date's text has its own
    rule (D11, date-text-uncited).  A status `unknown` and a verification `not_assessed`
    say the text gives nothing to cite; an unknown party has nothing to cite either.
    """
    if "location" in record:
        yield "field-uncited", "/location"
    visit = record.get("diplomatic_visit")
    if visit is not None:
        if "purpose" in visit:
            yield "purpose-uncited", _PURPOSE
        for key in ("visitors", "hosts"):
            for index in range(len(visit[key])):
                yield "field-uncited", f"/diplomatic_visit/{key}/{index}"
        if visit.get("status", "unknown") != "unknown":
            yield "field-uncited", _STATUS
        for index, role in enumerate(visit.get("roles", ())):
            if role["role"] == "counterpart":
                yield "field-uncited", f"/diplomatic_visit/roles/{index}"
        for meeting, held in enumerate(visit.get("meetings", ())):
            for index, role in enumerate(held.get("roles", ())):
                if role["role"] == "counterpart":
                    yield "field-uncited", f"/diplomatic_visit/meetings/{meeting}/roles/{index}"
    allegation = record.get("arms_allegation")
    if allegation is not None:
        for key in ("supplier", "recipient"):
            if allegation.get(key) is not None:
                yield "field-uncited", f"/arms_allegation/{key}"
        yield "field-uncited", "/arms_allegation/claimant"
        yield "field-uncited", "/arms_allegation/stage"
        for index in range(len(allegation.get("weapons") or ())):
            yield "field-uncited", f"/arms_allegation/weapons/{index}"
        if allegation.get("verification", "not_assessed") != "not_assessed":
            yield "field-uncited", "/arms_allegation/verification"


class _Cited:
    """The pointers spans are cited for, and the parts that hold them, as sets to look up.

    `inside` holds each pointer's first tokens (up to the depth of the deepest
    decided field): a field in it has a span cited for a part inside it.
    """

    DEPTH = 5  # tokens of the deepest decided field: /diplomatic_visit/meetings/0/roles/0

    def __init__(self, targets: list[str]) -> None:
        self.targets = set(targets)
        self.inside: set[str] = set()
        for target in self.targets:
            cut = 0
            for _ in range(self.DEPTH):
                cut = target.find("/", cut + 1)
                if cut < 0:
                    break
                self.inside.add(target[:cut])

    def __contains__(self, target: str) -> bool:
        return target in self.targets


def _cited_targets(record: JSON, cited: list[JSON]) -> _Cited | None:
    """The pointers the record's spans are cited for; None when one cites the whole record.

    `cited` is every span of the record, the record's own evidence first (as
    `walk.spans` and `walk.view` give them).  A span pointed at "", or one of
    the record's own with no pointer, cites the whole record; a meeting's span
    with no pointer cites its meeting (`_cites_itself`), a response's the
    response, which holds no decided field.
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
    return _Cited(targets)


def _covered(field: str, cited: _Cited) -> bool:
    """Whether a span is cited for the field, a part that holds it, or a part inside it.

    The decided fields' pointers have no escaped characters, so comparing the
    pointers as strings is comparing their reference tokens (a pointer that
    is not one resolves nowhere: span-pointer-unresolved says so).
    """
    if _shown(field, cited):
        return True
    cut = field.rfind("/")
    while cut > 0:  # the parts that hold it
        if field[:cut] in cited.targets:
            return True
        cut = field.rfind("/", 0, cut)
    return False


def _cites_itself(record: JSON, field: str) -> bool:
    """Whether a meeting's field is shown by a span of that meeting with no pointer."""
    parts = field.split("/")  # "", "diplomatic_visit", "meetings", index, ...
    if len(parts) < 4 or parts[2] != "meetings":
        return False
    meeting = record["diplomatic_visit"]["meetings"][int(parts[3])]
    return any("supports" not in span for span in meeting["evidence"])


def _uncited(record: JSON, cited: list[JSON]) -> Iterator[tuple[str, str]]:
    """(rule code, pointer) of each decided field that no span is cited for."""
    targets = _cited_targets(record, cited)
    if targets is None:
        return
    for code, field in _decided(record):
        if not _covered(field, targets) and not _cites_itself(record, field):
            yield code, field


def field_citations(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Each decided field has a span cited for it, for a part that holds it, or the record."""
    for code, field in _uncited(record, [span for _, span in spans(record)]):
        if code == "purpose-uncited":
            yield Problem(code, "purpose is cited by no span: point the span that gives it at "
                          "/diplomatic_visit/purpose, or leave the purpose out when the text "
                          "gives none", pointer=field)
        else:
            yield Problem(code, f"{field} is cited by no span: point the span that shows it "
                          f"at {field}{_or_part(field)}", pointer=field)


def _or_part(field: str) -> str:
    """Where else a span may point: the part of the record that holds the field."""
    parts = field.split("/")
    if len(parts) == 2:  # the place: a part of its own
        return ", or cite the whole record with a span of no pointer"
    if parts[2] == "meetings":
        return (f", or at {'/'.join(parts[:4])} (a span of that meeting with no pointer) "
                "when one sentence shows several of its fields")
    return f", or at /{parts[1]} when one sentence shows several fields"


_VISIT, _ALLEGATION = "/diplomatic_visit", "/arms_allegation"
_PARTIES = ("/arms_allegation/supplier", "/arms_allegation/recipient")
_ACCOUNT = ("/arms_allegation/claimant", "/arms_allegation/stage")
_WEAPONS, _VERIFICATION = "/arms_allegation/weapons", "/arms_allegation/verification"
_ROLES = "/diplomatic_visit/roles"
_LISTS = tuple((key, f"{_VISIT}/{key}", tuple(f"{_VISIT}/{key}/{index}" for index in range(32)))
               for key in ("visitors", "hosts"))  # a list, its pointer and its first items'


def _shown(field: str, cited: _Cited) -> bool:
    """Whether a span is cited for the field or a part inside it.

    `_covered`, less the parts that hold the field: the screen asks for those first.
    """
    return field in cited.targets or field in cited.inside


def _fields_cited(view: RecordView, context: DatasetContext) -> bool:
    # `_uncited`, written out: the few pointers cited are looked up in their list.  A
    # rare shape (a long list, a counterpart) takes the long way.
    record = view.record
    cited = _cited_targets(record, view.spans)
    if cited is None:
        return True
    if "location" in record and not _shown("/location", cited):
        return False
    visit = record.get("diplomatic_visit")
    if visit is not None and _VISIT not in cited:
        if "purpose" in visit and not _shown(_PURPOSE, cited):
            return False
        if visit.get("status", "unknown") != "unknown" and not _shown(_STATUS, cited):
            return False
        roles = visit.get("roles", ())
        if roles and _ROLES not in cited:
            for index, role in enumerate(roles):
                if role["role"] == "counterpart" and not _shown(f"{_ROLES}/{index}", cited):
                    return False
        if any("roles" in meeting for meeting in visit.get("meetings", ())):
            return next(_uncited(record, view.spans), None) is None
        for key, whole, items in _LISTS:
            count = len(visit[key])
            if count and whole not in cited:
                if count > len(items):  # a list longer than any seen: the long way
                    return next(_uncited(record, view.spans), None) is None
                for index in range(count):
                    if not _shown(items[index], cited):
                        return False
    allegation = record.get("arms_allegation")
    if allegation is not None and _ALLEGATION not in cited:
        if allegation["supplier"] is not None and not _shown(_PARTIES[0], cited):
            return False
        if allegation["recipient"] is not None and not _shown(_PARTIES[1], cited):
            return False
        if not (_shown(_ACCOUNT[0], cited) and _shown(_ACCOUNT[1], cited)):
            return False
        weapons = allegation.get("weapons")
        if weapons and _WEAPONS not in cited:
            for index in range(len(weapons)):
                if not _shown(f"{_WEAPONS}/{index}", cited):
                    return False
        if allegation["verification"] != "not_assessed" and not _shown(_VERIFICATION, cited):
            return False
    return True


CHECKS = (RecordCheck(field_citations, _fields_cited,
                      codes=frozenset({"purpose-uncited", "field-uncited"})),)
