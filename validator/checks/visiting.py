"""What a visit's parts agree on: its status and modality (codebook S3), its hosts (H1).

A planned visit is planned in both its modality and its status (or its status
is cancelled): a visit with status planned or cancelled is one the text plans.
`hosts` is the state or organisation whose territory or seat the visitors
come to, never a person: the people who receive them are counterparts in
`roles`.  The actors table says what kind each actor is; an actor it lacks,
or a kind its codelist lacks, is left to `actor-unknown` and `table-value`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any

# The kinds of the actors table's codelist that are not a state or an organisation.
NOT_HOSTS = frozenset({"person", "delegation", "group"})
PLANNED_STATUSES = ("planned", "cancelled")  # the statuses of a visit still to come (S3)


def _status_disagrees(record: JSON) -> bool:
    """Whether a visit is planned in one of modality and status and not in the other."""
    visit = record.get("diplomatic_visit")
    return visit is not None and \
        (record["modality"] == "planned") is not (visit["status"] in PLANNED_STATUSES)


def visit_status(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A planned visit (modality) is planned or cancelled (status), and only a planned one."""
    if not _status_disagrees(record):
        return
    status, modality = record["diplomatic_visit"]["status"], record["modality"]
    if modality == "planned":
        why = "a planned visit has status planned (or cancelled, when it was called off)"
    else:
        why = (f"a visit with status {status} is one the text plans: give it modality "
               "planned, or the status the text reports")
    yield Problem("status-modality-mismatch",
                  f"status {status} with modality {modality}: {why}",  # codelist values
                  pointer="/diplomatic_visit/status")


def _status_agrees(view: RecordView, context: DatasetContext) -> bool:
    return not _status_disagrees(view.record)


def host_kinds(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Every host of a visit is a state or an organisation in the actors table."""
    kinds = context.kinds
    visit = record.get("diplomatic_visit")
    if not kinds or visit is None:
        return
    for index, host in enumerate(visit["hosts"]):
        kind = kinds.get(host)
        if kind in NOT_HOSTS:
            yield Problem("host-not-state",
                          f"host {escape(host)} is a {kind} in the actors table; a host is the "
                          "state or organisation the visitors come to: name that, and give "
                          "whoever receives them a counterpart role",
                          pointer=join("/diplomatic_visit/hosts", index))


def _hosts_are_states(view: RecordView, context: DatasetContext) -> bool:
    kinds = context.kinds
    visit = view.record.get("diplomatic_visit")
    if not kinds or visit is None:
        return True
    for host in visit["hosts"]:  # noqa: SIM110 - all() over a generator costs half again
        if kinds.get(host) in NOT_HOSTS:
            return False
    return True


CHECKS = (RecordCheck(visit_status, _status_agrees, codes=frozenset({"status-modality-mismatch"})),
          RecordCheck(host_kinds, _hosts_are_states, codes=frozenset({"host-not-state"})))
