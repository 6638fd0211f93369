"""What a visit's parts agree on: status and modality (S3), hosts (H1, H2), mode (M1).

A planned visit is planned in both its modality and its status (or its status
is cancelled): a visit with status planned or cancelled is one the text plans.
`hosts` is the state or organisation whose territory or seat the visitors
come to, never a person: the people who receive them are counterparts in
`roles`.  A meeting of three or more states or organisations as parties is
multilateral: the parties are the sides of its visitors (a state or
organisation, or a person's or delegation's affiliation), of its conveners and
participants, and its host when it has one; several hosts are a tour (V3),
one stop each, and a call (P4) is mode phone whoever takes part.  The actors
table says what kind each actor is; an actor it lacks, or a kind its codelist
lacks, is left to `actor-unknown` and `table-value`.

H2 as a check: a *host-side meeting participant* is a participant of one of
the visit's meetings whose `affiliation` in the actors table is one of the
visit's hosts, and who is not a visitor, a host or a member of the visitors'
`delegation`.  They meet the visitors for the host, so in a visit that codes
roles (in the visit or a meeting), a role of the visit or of that meeting
says so: `counterpart` with `side` that host, or `convener` with that side
for one who chairs the meeting (M3).  A visit with no roles at all is not
judged: a 1.0.0 record could not give them, and `upgrade` refuses a new
finding in an upgraded dataset; nor is a dataset whose actors table gives no
affiliations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any

# The kinds of the actors table's codelist that are not a state or an organisation.
NOT_HOSTS = frozenset({"person", "delegation", "group"})
PLANNED_STATUSES = ("planned", "cancelled")  # the statuses of a visit still to come (S3)
# The roles of a host's person who receives the visitors: counterpart (H2), or convener for
# one who chairs the meeting (M3).
RECEIVING_ROLES = ("counterpart", "convener")


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


PARTY_KINDS = frozenset({"state", "organisation"})
_PARTY_ROLES = frozenset({"convener", "participant"})
_IN_ONE_PLACE = frozenset({"visit", "third_location"})  # the modes M1 asks about (not phone)


def _side(actor: str, kinds: dict[str, str], affiliations: dict[str, str]) -> str | None:
    """The state or organisation an actor is, or is affiliated with, or None."""
    if kinds.get(actor) in PARTY_KINDS:
        return actor
    affiliation = affiliations.get(actor)
    return affiliation if affiliation and kinds.get(affiliation) in PARTY_KINDS else None


def _parties(visit: JSON, context: DatasetContext) -> set[str | None]:
    """The states and organisations that take part in a visit as parties (codebook M1).

    None among them stands for actors with no state or organisation to stand for.
    """
    kinds, affiliations = context.kinds or {}, context.affiliations or {}
    parties = {_side(visitor, kinds, affiliations) for visitor in visit["visitors"]}
    for role in visit.get("roles") or ():
        if role["role"] in _PARTY_ROLES:
            parties.add(_side(role["actor"], kinds, affiliations)
                        or (_side(role["side"], kinds, affiliations) if "side" in role else None))
    if len(visit["hosts"]) == 1:  # several hosts: a tour, a visit to each (V3)
        parties.add(_side(visit["hosts"][0], kinds, affiliations))
    return parties


def _may_be_multilateral(visit: JSON) -> bool:
    """Whether a visit is in one place and has room for three parties (most have not)."""
    if visit["mode"] not in _IN_ONE_PLACE:
        return False
    room = len(visit["visitors"]) + (len(visit["hosts"]) == 1)
    if room < 3 and "roles" in visit:
        room += sum(role["role"] in _PARTY_ROLES for role in visit["roles"])
    return room >= 3


def _too_many(visit: JSON, context: DatasetContext) -> list[str] | None:
    """The parties of a visit in one place, sorted, when there are three or more, else None."""
    if not _may_be_multilateral(visit):
        return None
    parties = _parties(visit, context)
    parties.discard(None)
    return sorted(parties) if len(parties) >= 3 else None  # type: ignore[arg-type]


def multilateral_modes(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Three or more states or organisations as parties of a meeting in one place: multilateral."""
    visit = record.get("diplomatic_visit")
    parties = None if visit is None else _too_many(visit, context)
    if parties is not None:
        named = ", ".join(escape(party) for party in parties)
        yield Problem("mode-not-multilateral",
                      f"{len(parties)} states or organisations take part as parties ({named}) "
                      f"but the mode is {visit['mode']}: a meeting of three or more parties is "
                      "multilateral (CAMEO 040); a tour with one host a stop is a visit to "
                      "each, a remote meeting a call", pointer="/diplomatic_visit/mode")


def visit_parties(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """The parties: each host a state or organisation (H1), three or more multilateral (M1)."""
    yield from host_kinds(record, context)
    yield from multilateral_modes(record, context)


def _parties_fit(view: RecordView, context: DatasetContext) -> bool:
    visit = view.record.get("diplomatic_visit")
    if visit is None:
        return True
    kinds = context.kinds
    if kinds:
        for host in visit["hosts"]:  # a loop: all() over a generator costs half again
            if kinds.get(host) in NOT_HOSTS:
                return False
    return _too_many(visit, context) is None


def _receiving(roles: Iterable[JSON]) -> set[tuple[str, str]]:
    """(actor, side) of each role that receives the visitors for a side (see RECEIVING_ROLES)."""
    return {(role["actor"], role["side"]) for role in roles
            if role["role"] in RECEIVING_ROLES and "side" in role}


def _unreceived(record: JSON, affiliations: dict[str, str],
                ) -> Iterator[tuple[int, int, str, str]]:
    """Each host-side participant with no role receiving the visitors for their host.

    As (meeting index, participant index, participant, host); see the module.
    """
    visit = record.get("diplomatic_visit")
    if visit is None or not visit["hosts"] or not visit.get("meetings") or not (
            "roles" in visit or any("roles" in meeting for meeting in visit["meetings"])):
        return  # no host side, no meeting, or no roles coded (see the module)
    hosts = set(visit["hosts"])
    visitors = hosts.union(visit["visitors"], visit.get("delegation", ()))  # none of the host's
    received = _receiving(visit.get("roles", ()))
    for number, meeting in enumerate(visit["meetings"]):
        here = _receiving(meeting["roles"]) if "roles" in meeting else received
        for index, actor in enumerate(meeting["participants"]):
            side = affiliations.get(actor)
            if side is None or side not in hosts or actor in visitors:
                continue
            if (actor, side) not in received and (actor, side) not in here:
                yield number, index, actor, side


def counterparts(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A host's person who meets the visitors has a counterpart role for that host (H2)."""
    affiliations = context.affiliations
    if not affiliations:
        return
    for number, index, actor, side in _unreceived(record, affiliations):
        yield Problem("counterpart-missing",
                      f"participant {escape(actor)} is of the host {escape(side)} (its "
                      "affiliation in the actors table) and meets the visitors, but has no "
                      f"role receiving them for it: add a role counterpart of {escape(actor)} "
                      f"with side {escape(side)} to the visit's roles",
                      pointer=join("/diplomatic_visit/meetings", number, "participants", index))


def _counterparts_given(view: RecordView, context: DatasetContext) -> bool:
    affiliations = context.affiliations
    return not affiliations or next(_unreceived(view.record, affiliations), None) is None


CHECKS = (RecordCheck(visit_status, _status_agrees, codes=frozenset({"status-modality-mismatch"})),
          RecordCheck(visit_parties, _parties_fit,
                      codes=frozenset({"host-not-state", "mode-not-multilateral"})),
          # No narrowing: stated in JSON Schema (for each host's person, "not in a meeting
          # without a role"), it cost the engine 2 to 2.5 µs a real record, the screen 0.6 to
          # 1.4 (benchmarks: docs/coding/h2-2026-12.md).
          RecordCheck(counterparts, _counterparts_given, codes=frozenset({"counterpart-missing"})))
