"""The meaning layer: dates, parties, classifications, countries and open codelists make sense.

Rules: date-range-reversed, date-precision-mismatch, date-text-mismatch, date-weekday-mismatch,
date-inference-unmarked, stage-after-claim, date-after-publication, visitor-is-host,
status-modality-mismatch, host-not-state, counterpart-missing, mode-not-multilateral,
stage-inconsistent, verification-inconsistent, supplier-is-recipient, classification-mismatch,
alias-ambiguous,
country-code-unknown, wikidata-id-malformed.
"""

from __future__ import annotations

import copy

import pytest
from samples import CONTEXT, RECORDS, found, visit

from validator.checks.aliases import ambiguous
from validator.checks.context import DatasetContext
from validator.checks.dating import inferences, stage_dates, weekdays
from validator.checks.meaning import countries, date_ranges, date_texts, open_codelists
from validator.checks.tables import Table, actor_problems
from validator.checks.transfers import Transfers, transfer_problems
from validator.checks.visiting import CHECKS as VISITING
from validator.checks.visiting import counterparts, host_kinds, multilateral_modes, visit_status
from validator.checks.walk import view as walk_view
from validator.escaping import escape


def allegation() -> dict:
    return copy.deepcopy(RECORDS[2])


@pytest.mark.parametrize(("text", "precision", "expected"), [
    ("on Wednesday", "month", [("date-text-mismatch", "/date/precision")]),
    ("July 26", "year", [("date-text-mismatch", "/date/precision")]),
    ("in July", "day", [("date-text-mismatch", "/date/precision")]),
    ("in 2023", "day", [("date-text-mismatch", "/date/precision")]),
    ("on Wednesday", "day", []),
    ("in July", "month", []),
    ("last week", "day", []),
])
def test_date_text_against_precision(text, precision, expected) -> None:
    record = visit()
    record["date"] = {"start": "2023-07-01", "end": "2023-07-31" if precision == "month" else
                      "2023-07-01", "precision": precision, "text": text}
    if precision == "year":
        record["date"].update(start="2023-01-01", end="2023-12-31")
    assert found(date_texts, record) == expected


@pytest.mark.parametrize(("start", "end", "precision", "fits"), [
    ("2023-07-01", "2023-07-08", "week", True),
    ("2023-07-01", "2023-07-09", "week", False),
    ("2023-07-01", "2023-07-31", "month", True),
    ("2023-07-02", "2023-07-31", "month", False),
    ("2023-07-01", "2023-08-31", "month", False),
    ("2023-01-01", "2023-12-31", "year", True),
    ("2023-01-01", "2024-12-31", "year", False),
    ("2023-07-01", "2023-07-09", "day", True),
    ("2023-07-01", "2023-09-09", "window", True),
])
def test_date_precision(start, end, precision, fits) -> None:
    record = visit()
    record["date"] = {"start": start, "end": end, "precision": precision}
    expected = [] if fits else [("date-precision-mismatch", "/date/precision")]
    assert found(date_ranges, record) == expected


def test_every_date_of_a_record_is_checked() -> None:
    record = visit()
    record["date"] = {"start": "2023-07-26", "end": "2023-07-20", "precision": "window"}
    record["diplomatic_visit"]["meetings"][0]["date"] = {
        "start": "2023-07-26", "end": "2023-07-01", "precision": "window"}
    assert found(date_ranges, record) == [
        ("date-range-reversed", "/date/end"),
        ("date-range-reversed", "/diplomatic_visit/meetings/0/date/end")]


def test_meeting_places_are_checked_too() -> None:
    record = visit()
    record["diplomatic_visit"]["meetings"][0]["location"] = {
        "name": "Nowhere", "country": "XXA", "precision": "country"}
    assert found(countries, record) == [
        ("country-code-unknown", "/diplomatic_visit/meetings/0/location/country")]


def test_open_codelists_in_responses() -> None:
    record = copy.deepcopy(RECORDS[2])
    record["arms_allegation"]["responses"] = [
        {"actor": "russia", "kind": "denial", "evidence": record["evidence"][:1]},
        {"actor": "russia", "kind": "shrug", "evidence": record["evidence"][:1]}]
    record["classification"]["plover_context"] = ["military", "maritime"]
    assert found(open_codelists, record) == [
        ("codelist-open-value", "/classification/plover_context/1"),
        ("codelist-open-value", "/arms_allegation/responses/1/kind")]


@pytest.mark.parametrize(("codes", "mode", "expected"), [
    ({"cameo": "112"}, None, [("classification-mismatch", "/classification/plover_event")]),
    ({"plover_mode": "third-party"}, None, [
        ("classification-mismatch", "/classification/plover_mode"),
        ("classification-mismatch", "/diplomatic_visit/mode")]),
    ({"cameo": "040", "plover_mode": "allege"}, None, [
        ("classification-mismatch", "/classification/plover_mode"),
        ("classification-mismatch", "/diplomatic_visit/mode")]),
    ({"cameo": "040", "plover_mode": "multilateral"}, "visit", [
        ("classification-mismatch", "/diplomatic_visit/mode")]),
    ({}, None, []),
])
def test_classification_agreement(codes, mode, expected) -> None:
    from validator.checks.meaning import classification

    record = visit()
    record["classification"].update(codes)
    if mode:
        record["diplomatic_visit"]["mode"] = mode
    assert found(classification, record) == expected


def test_allegation_dates_are_located() -> None:
    record = allegation()
    reversed_range = {"start": "2023-07-26", "end": "2023-07-01", "precision": "window"}
    record["arms_allegation"]["transfer_date"] = dict(reversed_range)
    record["arms_allegation"]["responses"] = [
        {"actor": "russia", "kind": "denial", "date": dict(reversed_range),
         "evidence": record["evidence"][:1]}]
    assert found(date_ranges, record) == [
        ("date-range-reversed", "/arms_allegation/transfer_date/end"),
        ("date-range-reversed", "/arms_allegation/responses/0/date/end")]


def test_after_publication_with_an_unknown_source_beside_a_dated_one() -> None:
    from validator.checks.meaning import after_publication

    record = visit()
    record["reporting"]["sources"] = ["elsewhere", "newsbytes-2023-07-29"]
    record["date"] = {"start": "2023-08-15", "precision": "day"}
    assert found(after_publication, record) == [("date-after-publication", "/date/start")]
    record["modality"] = "planned"
    assert found(after_publication, record) == []


@pytest.mark.parametrize(("country", "hint"), [
    ("YUG", "; it was withdrawn on 2003-07-23 (Yugoslavia, (Socialist) Federal Republic of)"),
    ("XXA", ""),  # never assigned
])
def test_a_withdrawn_country_code_says_when(country: str, hint: str) -> None:
    table = Table(("id", "country"), ((2, {"id": "tito", "country": country}),))
    (problem,) = actor_problems(table)
    assert problem.message == f"{escape(country)} is not an ISO 3166-1 alpha-3 country code{hint}"



# --- date-weekday-mismatch (codebook D2) ----------------------------------------------

@pytest.mark.parametrize(("text", "start", "precision", "expected"), [
    ("on Wednesday", "2023-07-26", "day", []),
    ("On WEDNESDAY", "2023-07-26", "day", []),
    ("Wednesday and Thursday", "2023-07-26", "day", []),  # the first weekday is the start's
    ("on Wednesday", "2023-07-27", "day", [("date-weekday-mismatch", "/date/start")]),
    ("Thursday and Wednesday", "2023-07-26", "day", [("date-weekday-mismatch", "/date/start")]),
    ("on Wednesday", "2023-07-27", "window", []),  # only a date known to the day
    ("Wednesdays", "2023-07-27", "day", []),  # not a weekday's name
    ("July 27", "2023-07-27", "day", []),
])
def test_a_weekday_in_the_text_is_the_weekday_of_the_start(text, start, precision,
                                                           expected) -> None:
    record = visit()
    record["date"] = {"start": start, "end": "2023-07-29", "precision": precision, "text": text,
                      "inferred_from_publication": True}
    assert found(weekdays, record) == expected


def test_the_weekday_message_names_both_days() -> None:
    record = allegation()
    record["arms_allegation"]["responses"] = [{
        "actor": "russia", "kind": "denial", "evidence": record["evidence"][:1],
        "date": {"start": "2023-07-29", "precision": "day", "text": "on Friday"}}]
    (problem,) = weekdays(record, CONTEXT)
    assert (problem.pointer, problem.message) == (
        "/arms_allegation/responses/0/date/start",
        "date text 'on Friday' names a Friday, but start 2023-07-29 is a Saturday")


# --- date-inference-unmarked (codebook D10) -------------------------------------------

@pytest.mark.parametrize(("text", "flag", "expected"), [
    ("on Wednesday", True, []),
    ("in July 2023", None, []),
    ("2023-07-26", False, []),
    ("on Wednesday", None, [("date-inference-unmarked", "/date/text")]),
    ("on Wednesday", False, [("date-inference-unmarked", "/date/text")]),
    ("in 20233", None, [("date-inference-unmarked", "/date/text")]),  # no four-digit year
    ("", None, []),  # no text: nothing to tell
])
def test_a_text_without_a_year_marks_the_date_inferred(text, flag, expected) -> None:
    record = visit()
    record["date"] = {"start": "2023-07-26", "precision": "day", "text": text}
    if flag is not None:
        record["date"]["inferred_from_publication"] = flag
    assert found(inferences, record) == expected


def test_a_date_not_given_needs_no_inference_flag() -> None:
    """Schema 1.1.0 forbids the flag on a date the text does not give."""
    record = visit()
    record["date"] = {"precision": "not_given", "reason": "not_stated", "text": "recently"}
    assert found(inferences, record) == []


def test_the_inference_message_says_what_to_set() -> None:
    record = visit()
    record["diplomatic_visit"]["meetings"][0]["date"] = {
        "start": "2023-07-26", "precision": "day", "text": "on Wednesday"}
    assert [p.message for p in inferences(record, CONTEXT)] == [
        ("date text 'on Wednesday' gives no year, so the date was worked out from the "
         "publication date: set inferred_from_publication to true")]


# --- stage-after-claim (codebook D12) -------------------------------------------------

def claim(stage: str, transfer: str | None = None, use: str | None = None,
          modality: str = "asserted") -> dict:
    """An allegation claimed on 2023-07-29 (the base case's) of a stage, with its dates."""
    record = allegation()
    record["modality"] = modality
    record["arms_allegation"]["stage"] = stage
    for key, start in (("transfer_date", transfer), ("use_date", use)):
        if start is not None:
            record["arms_allegation"][key] = {"start": start, "precision": "day"}
    return record


@pytest.mark.parametrize(("record", "expected"), [
    (claim("delivered", "2023-07-29"), []),
    (claim("delivered", "2023-07-30"), [("stage-after-claim", "/arms_allegation/transfer_date/start")]),
    (claim("used", use="2023-08-01"), [("stage-after-claim", "/arms_allegation/use_date/start")]),
    (claim("tested", "2023-07-30", "2023-07-31"), [
        ("stage-after-claim", "/arms_allegation/transfer_date/start"),
        ("stage-after-claim", "/arms_allegation/use_date/start")]),
    (claim("shipped", "2023-08-30"), []),  # not yet delivered: may come later
    (claim("agreed", "2024-01-01"), []),
    (claim("delivered", "2023-08-30", modality="planned"), []),  # not reported as past
    (claim("delivered", "2023-08-30", modality="hypothetical"), []),
])
def test_a_past_stage_does_not_start_after_its_claim(record, expected) -> None:
    assert found(stage_dates, record) == expected


def test_the_claim_ends_at_its_latest_day() -> None:
    record = claim("delivered", "2023-07-30")
    record["date"] = {"start": "2023-07-29", "end": "2023-07-31", "precision": "window"}
    assert found(stage_dates, record) == []
    record["date"] = {"start": "2023-07-01", "precision": "month", "end_bound": "open"}
    assert found(stage_dates, record) == []  # schema 1.1.0: July, open-ended
    record["date"] = {"precision": "not_given", "reason": "not_stated"}  # schema 1.1.0
    assert found(stage_dates, record) == []
    record["date"] = {"start": "2023-07-29", "precision": "day"}
    record["arms_allegation"]["transfer_modality"] = "threatened"  # schema 1.1.0
    assert found(stage_dates, record) == []


def test_the_stage_message_names_both_dates_and_the_stage() -> None:
    (problem,) = stage_dates(claim("used", "2023-08-02"), CONTEXT)
    assert problem.message == ("transfer_date starts 2023-08-02, after the claim of "
                               "2023-07-29 that reports the stage used as past")


@pytest.mark.parametrize(("modality", "status", "expected"), [
    ("planned", "planned", []),
    ("planned", "cancelled", []),
    ("planned", "completed", [("status-modality-mismatch", "/diplomatic_visit/status")]),
    ("planned", "unknown", [("status-modality-mismatch", "/diplomatic_visit/status")]),
    ("asserted", "ongoing", []),
    ("asserted", "completed", []),
    ("asserted", "unknown", []),
    ("asserted", "planned", [("status-modality-mismatch", "/diplomatic_visit/status")]),
    ("asserted", "cancelled", [("status-modality-mismatch", "/diplomatic_visit/status")]),
    ("hypothetical", "planned", [("status-modality-mismatch", "/diplomatic_visit/status")]),
    ("negated", "unknown", []),
])
def test_a_planned_visit_is_planned_in_both_modality_and_status(modality, status,
                                                                 expected) -> None:
    record = visit()
    record["modality"] = modality
    record["diplomatic_visit"]["status"] = status
    assert found(visit_status, record) == expected


def test_an_allegation_has_no_visit_status() -> None:
    record = allegation()
    record["modality"] = "planned"
    assert found(visit_status, record) == []


def test_the_status_message_says_which_way_to_agree() -> None:
    record = visit()
    record["modality"] = "planned"
    (problem,) = visit_status(record, CONTEXT)
    assert problem.message == ("status ongoing with modality planned: a planned visit has "
                               "status planned (or cancelled, when it was called off)")
    record["modality"] = "asserted"
    record["diplomatic_visit"]["status"] = "cancelled"
    (problem,) = visit_status(record, CONTEXT)
    assert problem.message == ("status cancelled with modality asserted: a visit with status "
                               "cancelled is one the text plans: give it modality planned, or "
                               "the status the text reports")


KINDS = DatasetContext("1.0.0", frozenset(), None, None,
                       {"north-korea": "state", "kim-jong-un": "person", "un": "organisation",
                        "china-delegation": "delegation", "g7": "group", "odd": "country"})


@pytest.mark.parametrize(("hosts", "expected"), [
    (["north-korea"], []),
    (["north-korea", "un"], []),
    ([], []),
    (["kim-jong-un"], [("host-not-state", "/diplomatic_visit/hosts/0")]),
    (["north-korea", "china-delegation", "g7"], [("host-not-state", "/diplomatic_visit/hosts/1"),
                                                 ("host-not-state", "/diplomatic_visit/hosts/2")]),
    (["nobody"], []),  # an actor the table lacks: actor-unknown's
    (["odd"], []),  # a kind the codelist lacks: table-value's
])
def test_a_host_is_a_state_or_an_organisation(hosts, expected) -> None:
    record = visit()
    record["diplomatic_visit"]["hosts"] = hosts
    assert [(p.code, p.pointer) for p in host_kinds(record, KINDS)] == expected
    assert VISITING[1].passes(walk_view(record), KINDS) is (expected == [])


def test_without_the_actors_kinds_no_host_is_judged() -> None:
    record = visit()
    record["diplomatic_visit"]["hosts"] = ["kim-jong-un"]
    assert found(host_kinds, record) == []
    assert found(host_kinds, allegation()) == []


def test_the_host_message_names_the_kind_and_what_to_do() -> None:
    record = visit()
    record["diplomatic_visit"]["hosts"] = ["kim-jong-un"]
    (problem,) = host_kinds(record, KINDS)
    assert problem.message == (f"host {escape('kim-jong-un')} is a person in the actors table; "
                               "a host is the "
                               "state or organisation the visitors come to: name that, and give "
                               "whoever receives them a counterpart role")


# Codebook H2: the people of the base case, and the states they are of.
SIDES = DatasetContext("1.2.0", frozenset(), None, None, None,
                       {"kim-jong-un": "north-korea", "sergei-shoigu": "russia",
                        "li-hongzhong": "china"})
KIM = "/diplomatic_visit/meetings/0/participants/1"
UNRECEIVED = [("counterpart-missing", KIM)]


def _at_1_2_0(roles: list | None = None, **visit_parts: object) -> dict:
    """The base visit (Shoigu meets Kim, North Korea hosts) at 1.2.0, with `roles`."""
    record = visit()
    record["schema_version"] = "1.2.0"
    if roles is not None:
        record["diplomatic_visit"]["roles"] = roles
    record["diplomatic_visit"].update(visit_parts)
    return record


def _role(role: str, side: str | None = "north-korea", actor: str = "kim-jong-un") -> dict:
    return {"actor": actor, "role": role} | ({} if side is None else {"side": side})


SHOIGU = _role("visiting_delegation", "russia", "sergei-shoigu")  # roles coded, not Kim's


@pytest.mark.parametrize(("record", "expected"), [
    (_at_1_2_0([SHOIGU]), UNRECEIVED),
    (_at_1_2_0(), []),  # no roles coded: not judged (an upgraded 1.0.0 record)
    (_at_1_2_0([_role("counterpart")]), []),
    (_at_1_2_0([_role("convener")]), []),  # who chairs the meeting receives them (M3)
    (_at_1_2_0([_role("host_delegation")]), UNRECEIVED),
    (_at_1_2_0([_role("counterpart", "russia")]), UNRECEIVED),  # the visitors' side
    (_at_1_2_0([_role("counterpart", None)]), UNRECEIVED),  # no side
    (_at_1_2_0([_role("counterpart", actor="sergei-shoigu")]), UNRECEIVED),
    (_at_1_2_0([SHOIGU], delegation=["kim-jong-un"]), []),  # of the visitors' side, as coded
    (_at_1_2_0([SHOIGU], hosts=[]), []),  # a third place: no host side
    (_at_1_2_0([SHOIGU], hosts=["china"]), []),  # Kim is not of the host
    (_at_1_2_0([SHOIGU], hosts=["north-korea", "kim-jong-un"]), []),  # a host (H1's)
    (_at_1_2_0([SHOIGU], visitors=["sergei-shoigu", "kim-jong-un"]), []),  # a visitor
], ids=["no-role", "no-roles-coded", "counterpart", "convener", "host-delegation", "other-side", "no-side",
        "other-actor", "delegation", "no-host", "not-of-the-host", "host", "visitor"])
def test_a_host_side_participant_has_a_counterpart_role(record, expected) -> None:
    """A meeting participant of a host (by affiliation) has a role receiving the visitors for
    it, and the screen agrees."""
    (check,) = [c for c in VISITING if c.problems is counterparts]
    assert [(p.code, p.pointer) for p in counterparts(record, SIDES)] == expected
    assert check.passes(walk_view(record), SIDES) is (expected == [])


def test_a_meeting_s_own_role_receives_only_in_that_meeting() -> None:
    """A role of one meeting covers that meeting only; each meeting where Kim has none is
    reported at his place in it."""
    record = _at_1_2_0()
    meeting = record["diplomatic_visit"]["meetings"][0]
    record["diplomatic_visit"]["meetings"] = [
        {**meeting, "roles": [_role("counterpart")]}, copy.deepcopy(meeting)]
    assert [(p.code, p.pointer) for p in counterparts(record, SIDES)] == [
        ("counterpart-missing", "/diplomatic_visit/meetings/1/participants/1")]
    record["diplomatic_visit"]["meetings"][0].pop("roles")
    record["diplomatic_visit"]["roles"] = [SHOIGU]
    assert [(p.code, p.pointer) for p in counterparts(record, SIDES)] == [
        ("counterpart-missing", KIM),
        ("counterpart-missing", "/diplomatic_visit/meetings/1/participants/1")]
    record["diplomatic_visit"]["meetings"][1]["roles"] = [_role("counterpart")]
    assert [(p.code, p.pointer) for p in counterparts(record, SIDES)] == [
        ("counterpart-missing", KIM)]


def test_host_side_participants_by_the_thousand_are_looked_up_once() -> None:
    """20,000 host-side participants of one meeting, each a counterpart in the visit's roles,
    and 20,000 visitors: each participant is looked up in sets (scanning the roles and the
    visitors for each took minutes)."""
    people = [f"official-{number}" for number in range(20_000)]
    sides = DatasetContext("1.2.0", frozenset(), None, None, None,
                           dict.fromkeys(people, "north-korea"))
    record = _at_1_2_0([_role("counterpart", actor=person) for person in people],
                       visitors=[f"guest-{number}" for number in range(20_000)])
    record["diplomatic_visit"]["meetings"][0]["participants"] = people
    (check,) = [c for c in VISITING if c.problems is counterparts]
    assert list(counterparts(record, sides)) == []
    assert check.passes(walk_view(record), sides)
    record["diplomatic_visit"]["roles"][-1]["side"] = "russia"
    assert [(p.code, p.pointer) for p in counterparts(record, sides)] == [
        ("counterpart-missing", "/diplomatic_visit/meetings/0/participants/19999")]


def test_without_roles_or_affiliations_no_counterpart_is_asked_for() -> None:
    """1.0.0 has no roles to give; a table without affiliations names no host's people."""
    old = visit()
    assert list(counterparts(old, DatasetContext("1.0.0", frozenset(), None, None, None,
                                                  SIDES.affiliations))) == []
    assert list(counterparts(_at_1_2_0([SHOIGU]), DatasetContext("1.2.0", frozenset()))) == []
    assert list(counterparts(allegation() | {"schema_version": "1.2.0"}, SIDES)) == []


def test_the_counterpart_message_names_the_host_and_the_role_to_add() -> None:
    (problem,) = counterparts(_at_1_2_0([SHOIGU]), SIDES)
    assert problem.message == (
        f"participant {escape('kim-jong-un')} is of the host {escape('north-korea')} (its "
        "affiliation in the actors table) and meets the visitors, but has no role receiving "
        f"them for it: add a role counterpart of {escape('kim-jong-un')} with side "
        f"{escape('north-korea')} to the visit's roles")


# --- mode-not-multilateral (codebook M1, with V3 and P4) -----------------------------

PARTIES = DatasetContext("1.2.0", frozenset(), None, None,
                         {"china": "state", "iran": "state", "russia": "state", "un": "organisation",
                          "ma-zhaoxu": "person", "ryabkov": "person", "gharibabadi": "person",
                          "iran-delegation": "delegation", "loner": "person"},
                         {"ma-zhaoxu": "china", "ryabkov": "russia", "gharibabadi": "iran",
                          "iran-delegation": "iran", "loner": "nowhere"})
M1 = [("mode-not-multilateral", "/diplomatic_visit/mode")]


@pytest.mark.parametrize(("visitors", "hosts", "roles", "mode", "expected"), [
    (["iran", "russia"], ["china"], [], "visit", M1),  # Beijing, with Iran and Russia
    (["iran", "russia"], ["china"], [], "third_location", M1),
    (["iran", "russia"], ["china"], [], "multilateral", []),
    (["iran", "russia"], ["china"], [], "phone", []),  # a remote meeting is a call (P4)
    (["ryabkov", "gharibabadi"], ["china"], [], "visit", M1),  # persons stand for their states
    (["ryabkov", "iran-delegation"], ["china"], [], "visit", M1),
    (["ryabkov", "ryabkov-2"], ["china"], [], "visit", []),  # one unknown to the table
    (["ryabkov", "russia"], ["china"], [], "visit", []),  # two of one side: two parties
    (["loner", "ryabkov"], ["china"], [], "visit", []),  # an affiliation the table lacks
    (["ryabkov"], ["china", "iran", "un"], [], "visit", []),  # a tour: one stop a host (V3)
    (["ryabkov"], [], [{"actor": "china", "role": "convener"},
                       {"actor": "gharibabadi", "role": "participant", "side": "iran"}],
     "third_location", M1),
    (["ryabkov"], [], [{"actor": "loner", "role": "participant", "side": "iran"},
                       {"actor": "un", "role": "convener"}], "visit", M1),
    (["ryabkov"], ["china"], [{"actor": "iran", "role": "observer"}], "visit", []),
    (["ryabkov"], ["china"], [{"actor": "ma-zhaoxu", "role": "counterpart", "side": "china"}],
     "visit", []),
])
def test_three_parties_meet_multilaterally(visitors, hosts, roles, mode, expected) -> None:
    record = visit()
    details = record["diplomatic_visit"]
    details.update(visitors=visitors, hosts=hosts, mode=mode)
    if roles:
        details["roles"] = roles
    assert [(p.code, p.pointer) for p in multilateral_modes(record, PARTIES)] == expected
    assert VISITING[1].passes(walk_view(record), PARTIES) is (expected == [])


def test_without_the_actors_kinds_no_party_is_counted() -> None:
    record = visit()
    record["diplomatic_visit"].update(visitors=["iran", "russia"], hosts=["china"])
    assert found(multilateral_modes, record) == []
    assert found(multilateral_modes, allegation()) == []


def test_the_multilateral_message_names_the_parties() -> None:
    record = visit()
    record["diplomatic_visit"].update(visitors=["ryabkov", "iran"], hosts=["china"])
    (problem,) = multilateral_modes(record, PARTIES)
    assert problem.message == (
        f"3 states or organisations take part as parties ({escape('china')}, {escape('iran')}, "
        f"{escape('russia')}) but the mode is visit: a meeting of three or more parties is "
        "multilateral (CAMEO 040); a tour with one host a stop is a visit to each, a remote "
        "meeting a call")


# --- stage-inconsistent, verification-inconsistent (codebook G3, F3) -----------------

def _claim(record_id: str, stage: str = "delivered", verification: str = "confirmed", *,
           categories: tuple[str, ...] = ("missiles",), parties: tuple = ("russia", "iran"),
           note: str = "", links: tuple[str, ...] = ()) -> dict:
    record = allegation()
    record["id"] = record_id
    details = record["arms_allegation"]
    details.update(supplier=parties[0], recipient=parties[1], stage=stage,
                   verification=verification,
                   weapons=[{"category": category} for category in categories])
    record["coding"].pop("note", None)
    if note:
        record["coding"]["note"] = note
    if links:
        record["links"] = [{"relation": "same_event", "record": link} for link in links]
    return record


def transfers_of(*records: dict, ignore: frozenset[str] = frozenset()) -> list[tuple]:
    gathered = Transfers()
    for line, record in enumerate(records, 1):
        gathered.add(record, line, 0)
    return [(one.record, problem.code, problem.pointer)
            for one, problem in transfer_problems(gathered.found, ignore)]


STAGE = "/arms_allegation/stage"
VERIFICATION = "/arms_allegation/verification"


def test_one_transfer_at_two_stages_unlinked_is_reported_on_the_later() -> None:
    assert transfers_of(_claim("a", "shipped", "corroborated"),
                        _claim("b", "delivered", "corroborated")) == [
        ("b", "stage-inconsistent", STAGE)]
    # A link either way, of any relation, says the records know of each other.
    assert transfers_of(_claim("a", "shipped", "corroborated"),
                        _claim("b", "delivered", "corroborated", links=("a",))) == []
    assert transfers_of(_claim("a", "shipped", "corroborated", links=("b",)),
                        _claim("b", "delivered", "corroborated")) == []


@pytest.mark.parametrize(("other", "expected"), [
    ({"categories": ("missiles", "uav")}, [("b", "stage-inconsistent", STAGE)]),  # one in common
    ({"categories": ("uav",)}, []),  # another weapon: another transfer
    ({"parties": ("iran", "russia")}, []),  # the other way round
    ({"parties": (None, "iran")}, []),  # a supplier not known: not known to be the same
    ({"categories": ()}, []),  # no weapon named
])
def test_the_same_transfer_is_the_same_parties_and_a_weapon_category(other, expected) -> None:
    assert transfers_of(_claim("a", "shipped"), _claim("b", "delivered", **other)) == expected


def test_one_transfer_verified_twice_without_a_note_is_reported() -> None:
    assert transfers_of(_claim("a", verification="confirmed"),
                        _claim("b", verification="unverified")) == [
        ("b", "verification-inconsistent", VERIFICATION)]
    for noted in ("a", "b"):  # either record's note may say why
        assert transfers_of(_claim("a", verification="confirmed", note="why" * (noted == "a")),
                            _claim("b", verification="unverified",
                                   note="why" * (noted == "b"))) == []
    assert transfers_of(_claim("a", verification="confirmed", note=" "),
                        _claim("b", verification="unverified")) != []  # a blank note says nothing
    # A link does not explain another verification.
    assert transfers_of(_claim("a", "shipped", "confirmed"),
                        _claim("b", "delivered", "unverified", links=("a",))) == [
        ("b", "verification-inconsistent", VERIFICATION)]


def test_each_record_is_reported_once_against_an_unlinked_earlier_one() -> None:
    records = [_claim("a", "shipped"), _claim("b", "delivered", links=("a",)),
               _claim("c", "shipped", links=("b",)), _claim("d", "used", links=("a", "b"))]
    assert transfers_of(*records) == [("d", "stage-inconsistent", STAGE)]  # d is not linked to c
    assert transfers_of(*records, ignore=frozenset({"stage-inconsistent"})) == []


def test_the_transfer_messages_name_the_other_record() -> None:
    gathered = Transfers()
    gathered.add(_claim("a", "shipped", "confirmed"), 3, 0)
    gathered.add(_claim("b", "delivered", "unverified"), 7, 0)
    assert [problem.message for _, problem in transfer_problems(gathered.found)] == [
        (f"stage delivered, but record {escape('a')} (line 3) gives the same transfer "
        f"({escape('russia')} to {escape('iran')}) stage shipped: link the two records, or code "
        "the stage both reports support"),
        (f"verification unverified, but record {escape('a')} (line 3) gives the same transfer "
        f"({escape('russia')} to {escape('iran')}) verification confirmed: give both the same, "
        "or say in coding.note why they differ")]


def test_the_stage_message_names_the_earliest_record_it_is_not_linked_to() -> None:
    """Not the first of the stage that came first: 'c' is shipped, 'b' (line 2) delivered,
    and 'd', used and linked to 'a' only, names 'b' rather than the shipped 'c' (line 3)."""
    gathered = Transfers()
    for line, record in enumerate([_claim("a", "shipped"), _claim("b", "delivered"),
                                   _claim("c", "shipped"), _claim("d", "used", links=("a",))], 1):
        gathered.add(record, line, 0)
    named = {one.record: problem.message.split(" gives")[0]
             for one, problem in transfer_problems(gathered.found)
             if problem.code == "stage-inconsistent"}
    assert named == {"b": f"stage delivered, but record {escape('a')} (line 1)",
                     "c": f"stage shipped, but record {escape('b')} (line 2)",
                     "d": f"stage used, but record {escape('b')} (line 2)"}


def test_a_chain_of_links_covers_only_the_records_it_joins() -> None:
    """Alternating stages, each record linked to the one before: from the fourth on, each
    has an earlier record of the other stage that it is not linked to."""
    records = [_claim(f"r{index}", ("shipped", "delivered")[index % 2],
                      links=(f"r{index - 1}",) if index else ()) for index in range(2000)]
    reported = transfers_of(*records)
    assert [record for record, _, _ in reported] == [f"r{index}" for index in range(3, 2000)]


def test_records_of_one_id_pass_over_the_records_linked_to_it_once() -> None:
    """20,000 records linked to the id 'x', one that is not, then 20,000 records of that id
    (record-id-duplicate's) at another stage: each names the unlinked one, and the linked
    are passed over once for the id, not once for each of its records (minutes)."""
    records = [*(_claim(f"r{index}", "shipped", links=("x",)) for index in range(20_000)),
               _claim("free", "shipped"),
               *(_claim("x", "delivered") for _ in range(20_000))]
    gathered = Transfers()
    for line, record in enumerate(records, 1):
        gathered.add(record, line, 0)
    reported = list(transfer_problems(gathered.found))
    assert [(one.line, problem.code) for one, problem in reported] == [
        (line, "stage-inconsistent") for line in range(20_002, 40_002)]
    assert all("record 'free' (line 20001)" in problem.message for _, problem in reported)


def test_a_run_locates_each_transfer_finding_and_caps_them_a_file(tmp_path) -> None:
    """Found once every record of the dataset is read: at the line and column of the field,
    at most the rule's limit a file, then a note of how many more."""
    import json
    import shutil

    from samples import BASE

    from validator import validate
    from validator.reading.limits import MAX_FINDINGS_PER_RULE

    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    records = [json.loads(line) for line in (folder / "events.jsonl").read_text("utf-8")
               .splitlines()]
    for index in range(MAX_FINDINGS_PER_RULE + 2):
        again = copy.deepcopy(records[2])
        again["id"] = f"copy-{index}"
        again["arms_allegation"]["stage"] = "agreed"
        records.append(again)
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    (folder / "events.jsonl").write_text(text, "utf-8")
    # Copies of one transfer are possible duplicates too (K1): not what this test is about.
    findings = validate([str(folder)], ignore=["event-possible-duplicate"]).findings
    assert [(f.code, f.line) for f in findings] == [
        *(("stage-inconsistent", line) for line in range(5, 5 + MAX_FINDINGS_PER_RULE)),
        ("findings-capped", 5 + MAX_FINDINGS_PER_RULE)]
    first = text.splitlines()[4]
    assert findings[0].column == first.index('"agreed"') + 1
    assert findings[-1].message == ("2 more stage-inconsistent findings are not reported in "
                                    f"this file (the limit is {MAX_FINDINGS_PER_RULE})")
    assert findings[-1].column == 1  # a finding with a line has a column: 0 goes with line 0
    # The one task of a file is judged where it is checked; a file split in chunks, by the
    # run once every chunk is back: the same findings either way.
    from dataclasses import replace

    from validator.reading.limits import SIZES

    split = replace(SIZES, chunk_bytes=4096, parallel_bytes=0)
    assert validate([str(folder)], jobs=2, sizes=split,
                    ignore=["event-possible-duplicate"]).findings == tuple(findings)


# --- alias-ambiguous (codebook AC5) ------------------------------------------------------

ACTORS = [{"id": "kim-jong-un", "name": "Kim Jong Un"}, {"id": "kim-yo-jong", "name": "Kim Yo Jong"},
          {"id": "north-korea", "name": "North Korea"}, {"id": "nameless", "name": "..."}]


def _aliases(*rows: tuple[str, str]) -> Table:
    return Table(("actor", "alias", "language"),
                 tuple((line, {"actor": actor, "alias": alias, "language": ""})
                       for line, (actor, alias) in enumerate(rows, start=2)))


@pytest.mark.parametrize(("rows", "expected"), [
    ([("kim-jong-un", "Kim"), ("kim-yo-jong", "Kim Yo-jong")], []),  # her own name again
    ([("kim-jong-un", "Kim"), ("kim-jong-un", "KIM")], []),  # one actor twice
    ([("kim-jong-un", "Kim"), ("kim-yo-jong", "kim")], [(3, "/1/alias")]),
    ([("kim-yo-jong", "Kim Jong-un")], [(2, "/0/alias")]),  # another's name, as words
    ([("kim-jong-un", "the North"), ("north-korea", "N. Korea"), ("kim-jong-un", "North Korea")],
     [(4, "/2/alias")]),
    ([("kim-jong-un", "..."), ("north-korea", "...")], []),  # no words: names nothing
    ([("", "Kim"), ("kim-yo-jong", "Kim")], []),  # a row without an actor is the schema's
    ([("kim-jong-un", "Kim"), ("kim-yo-jong", "Kim"), ("north-korea", "Kim")],
     [(3, "/1/alias"), (4, "/2/alias")]),  # each, at its row
])
def test_an_alias_names_one_actor_only(rows, expected) -> None:
    assert [(p.line, p.pointer) for p in ambiguous(_aliases(*rows), ACTORS)] == expected
    assert all(p.code == "alias-ambiguous" and p.column == 2
               for p in ambiguous(_aliases(*rows), ACTORS))


def test_the_ambiguous_alias_message_names_both_actors_and_what_to_do() -> None:
    first, second = ambiguous(_aliases(("kim-jong-un", "Kim"), ("kim-yo-jong", "Kim"),
                                       ("north-korea", "kim jong un")), ACTORS)
    assert first.message == (
        "alias 'Kim' of 'kim-yo-jong' is also an alias (line 2) of 'kim-jong-un', so a span "
        "that names one would pass for the other; drop the alias (cite the fuller name), or "
        "keep it for one actor")
    assert second.message.startswith(
        "alias 'kim jong un' of 'north-korea' is also the name of 'kim-jong-un'")
