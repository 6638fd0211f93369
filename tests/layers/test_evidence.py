"""The evidence layer: every span quotes its article exactly, its pointer resolves, the text is unambiguous.

Rules: span-out-of-range, span-text-mismatch, span-pointer-unresolved, date-text-uncited,
purpose-uncited, field-uncited, span-actor-unnamed, text-not-nfc, text-line-ending.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from samples import ARTICLE_TEXT, BASE, CONTEXT, found, visit

from validator.checks.citing import CHECKS as CITING
from validator.checks.citing import field_citations
from validator.checks.context import Article, DatasetContext
from validator.checks.evidence import (
    CHECKS,
    date_citations,
    span_problems,
    supports_pointers,
)
from validator.checks.evidence import _closest_pointer as closest_pointer
from validator.checks.naming import _FEW, _Names, _names_in, actor_names, named_actors, words
from validator.checks.naming import CHECKS as EVIDENCE_NAMES
from validator.checks.walk import view
from validator.escaping import escape

SHORT_TEXT = "Intro 🚀 — café\nSecond line with the quote here.\n"


def mismatch(start: int, end: int, quote: str, field: str = "start") -> str:
    """The message of the one mismatch of a span; it points at `field` (the one to fix)."""
    record = {"evidence": [{"source": "s", "start": start, "end": end, "text": quote}]}
    context = DatasetContext("1.0.0", frozenset(), {"s": Article("s", "a.txt", SHORT_TEXT, None)})
    (problem,) = span_problems(record, context)
    assert problem.code == "span-text-mismatch"
    assert problem.pointer == f"/evidence/0/{field}"
    return problem.message


def record() -> dict:
    return json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[0])


@pytest.mark.parametrize(("start", "end", "expected"), [
    (len(ARTICLE_TEXT) - 5, len(ARTICLE_TEXT), []),
    (len(ARTICLE_TEXT) - 5, len(ARTICLE_TEXT) + 1, [("span-out-of-range", "/evidence/0/end")]),
    (3, 3, [("span-out-of-range", "/evidence/0/start")]),
    (0, 1, []),
])
def test_span_bounds(start, end, expected) -> None:
    record = visit()
    record["evidence"] = [{"source": "newsbytes-2023-07-29", "start": start, "end": end,
                           "text": ARTICLE_TEXT[start:end] or "x"}]
    assert found(span_problems, record) == expected


def test_every_span_is_checked() -> None:
    record = visit()
    for span in record["evidence"][1:3]:
        span["start"] += 1
        span["end"] += 1
    assert found(span_problems, record) == [
        ("span-text-mismatch", "/evidence/1/start"), ("span-text-mismatch", "/evidence/2/start")]


def test_span_checks_go_on_past_a_span_out_of_range() -> None:
    record = visit()
    record["evidence"][0]["end"] = len(ARTICLE_TEXT) + 1
    record["evidence"][1]["text"] = "zzz"  # found nowhere and NFC: no hint to give
    problems = list(span_problems(record, CONTEXT))
    assert [(p.code, p.pointer) for p in problems] == [  # a quote found nowhere: its text
        ("span-out-of-range", "/evidence/0/end"), ("span-text-mismatch", "/evidence/1/text")]
    from validator.escaping import escape
    from validator.reading.text import position

    span = record["evidence"][1]
    line, column = position(ARTICLE_TEXT, span["start"])
    actual = ARTICLE_TEXT[span["start"]:span["end"]]
    assert problems[1].message == (f"quote differs from a.txt:{line}:{column} at its character 1: "
                                   f"the quote has 'zzz', the text {escape(actual[:40] + '…')}")


def test_supports_checks_go_on_past_a_span_without_one() -> None:
    from validator.checks.evidence import supports_pointers

    record = visit()
    del record["evidence"][0]["supports"]
    record["evidence"][1]["supports"] = "/nowhere"
    assert found(supports_pointers, record) == [("span-pointer-unresolved",
                                                 "/evidence/1/supports")]


def test_span_checks_go_on_past_an_unknown_source() -> None:
    record = visit()
    record["evidence"][0]["source"] = "elsewhere"  # reported by the references layer
    record["evidence"][1]["start"] += 1
    record["evidence"][1]["end"] += 1
    assert found(span_problems, record) == [("span-text-mismatch", "/evidence/1/start")]


def test_a_span_ending_at_the_end_of_the_text_but_empty_points_at_start() -> None:
    record = visit()
    record["evidence"] = [{"source": "newsbytes-2023-07-29", "start": len(ARTICLE_TEXT),
                           "end": len(ARTICLE_TEXT), "text": "x"}]
    assert found(span_problems, record) == [("span-out-of-range", "/evidence/0/start")]


def test_integral_float_offsets_are_offsets() -> None:
    """JSON Schema's integer admits 636.0: the span is checked, not crashed on."""
    from validator.checks.evidence import CHECKS
    from validator.checks.walk import view

    record = visit()
    span = record["evidence"][0]
    span["start"], span["end"] = float(span["start"]), float(span["end"])
    screen = CHECKS[0].passes
    assert screen(view(record), CONTEXT) is False  # the full check decides
    assert found(span_problems, record) == []
    span["start"] += 1
    assert found(span_problems, record) == [("span-text-mismatch", "/evidence/0/start")]


def test_shift_hint_says_when_the_quote_is_also_elsewhere() -> None:
    from validator.checks.evidence import _hints

    text = "aaab"
    assert _hints(text, "aa", 2, 4) == (  # the nearest of its places
        ["the quote is at start=1, end=3 (shifted by -1) and elsewhere too"], "start")
    assert _hints("the cat sat. the cat ran.", "the cat", 13, 19) == (  # at its start: end
        [("the quote is at start=13, end=20: the span ends 1 character early, or the quote "
         "runs on")], "end")
    assert _hints("the cat sat. the cat ran.", "the", 13, 19) == (
        [("the quote is at start=13, end=16: the span ends 3 characters late, or the quote "
         "is cut short")], "end")
    assert _hints("xaab", "aa", 0, 2) == (
        ["the quote is at start=1, end=3 (shifted by +1)"], "start")


@pytest.mark.parametrize(("text", "expected"), [
    ("\rfirst\r\n", [("text-line-ending", 1, 1)]),
    ("one\ntwo\r\nthree\r\n", [("text-line-ending", 2, 4)]),
    ("Cafe\u0301\n", [("text-not-nfc", 1, 4)]),
    ("e\u0301 first\n", [("text-not-nfc", 1, 1)]),
])
def test_text_problems_are_located_at_the_first(text, expected) -> None:
    from validator.checks.texts import text_problems

    assert [(p.code, p.line, p.column) for p in text_problems(text)] == expected


def test_the_nfc_finding_names_the_offset_near_the_change() -> None:
    from validator.checks.texts import text_problems

    assert [p.message for p in text_problems("e\u0301 first\n")] == [
        "text is not NFC (near offset 0); normalise it and recount offsets"]
    assert [p.message for p in text_problems("Cafe\u0301\n")] == [
        "text is not NFC (near offset 3); normalise it and recount offsets"]


def test_a_shifted_quote_says_where_it_is() -> None:
    start = SHORT_TEXT.index("the quote")
    assert mismatch(start + 2, start + 11, "the quote") == (
        "quote differs from a.txt:2:20 at its character 1: the quote has 'the quote', "
        f"the text 'e quote h'; the quote is at start={start}, end={start + 9} (shifted by -2)")


def test_utf16_offsets_are_recognised() -> None:
    start = SHORT_TEXT.index("the quote")
    units = len(SHORT_TEXT[:start].encode("utf-16-le")) // 2
    assert mismatch(units, units + 9, "the quote") == (
        "quote differs from a.txt:2:19 at its character 1: the quote has 'the quote', the text "
        "'he quote '; the offsets match if counted in UTF-16 code units; "
        f"the quote is at start={start}, end={start + 9} (shifted by -1)")


def test_utf8_byte_offsets_are_recognised() -> None:
    start = SHORT_TEXT.index("the quote")
    offset = len(SHORT_TEXT[:start].encode())
    assert mismatch(offset, offset + len(b"the quote"), "the quote") == (
        "quote differs from a.txt:2:24 at its character 1: the quote has 'the quote', the text "
        "'ote here.'; the offsets match if counted in UTF-8 bytes; "
        f"the quote is at start={start}, end={start + 9} (shifted by -6)")


def test_a_repeated_quote_is_flagged() -> None:
    assert mismatch(0, 4, "e") == ("quote differs from a.txt:1:1 at its character 1: the quote "
                                   "has 'e', the text 'Intr'; the quote is at "
                                   "start=16, end=17 (shifted by +16) and elsewhere too")


def test_a_quote_that_differs_late_shows_where_and_both_sides_around_it() -> None:
    """Excerpts from the start of two long passages would read the same: show the difference."""
    quote = "Second line with the quote here!"
    start = SHORT_TEXT.index("Second")
    assert mismatch(start, start + len(quote), quote, "text") == (  # a typo: the quote's
        "quote differs from a.txt:2:1 at its character 32: the quote has "
        "'…quote here!', the text '…quote here.'")


def test_an_nfd_quote_is_named() -> None:
    assert mismatch(0, 5, "cafe\u0301x", "text").endswith("'Intro'; the quote is not NFC")


def test_text_problems_are_located_at_the_offending_character() -> None:
    from validator.checks.texts import text_problems

    problems = list(text_problems("ok\nline two\r\nnfd: cafe\u0301\n"))
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("text-line-ending", 2, 9, "carriage return at offset 11; use LF line ends only"),
        ("text-not-nfc", 3, 9,
         "text is not NFC (near offset 21); normalise it and recount offsets"),
    ]
    assert list(text_problems("clean\ntext\n")) == []


def test_a_quote_at_the_very_start_is_found() -> None:
    assert mismatch(1, 6, "Intro") == ("quote differs from a.txt:1:2 at its character 1: the "
                                       "quote has 'Intro', the text 'ntro '; "
                                       "the quote is at start=0, end=5 (shifted by -1)")


@pytest.mark.parametrize(("target", "hint"), [
    ("/diplomatic_visit/visitor/0", "; did you mean '/diplomatic_visit/visitors/0'?"),
    ("/dat", "; did you mean '/date'?"),
    ("/evidence/0/sorce", "; did you mean '/evidence/0/source'?"),  # past an array index
    ("/diplomatic_visit/visitors/1", ""),  # just past the end (one visitor): no key is near it
    ("/diplomatic_visit/visitor/7", ""),  # the near key's pointer would not resolve either
    ("/nothing-like-it", ""),
    ("date", ""),  # not a JSON Pointer
])
def test_an_unresolved_pointer_names_a_near_one_that_resolves(target: str, hint: str) -> None:
    value = record()
    assert len(value["diplomatic_visit"]["visitors"]) == 1
    assert closest_pointer(value, "/diplomatic_visit/visitors/0") == ""  # it resolves
    value["evidence"][0]["supports"] = target
    (problem,) = supports_pointers(value, DatasetContext("1.0.0"))
    assert problem.message == f"supports {escape(target)} does not resolve in the record{hint}"



# --- date-text-uncited (codebook D11) ------------------------------------------------

def _span(text: str, supports: str | None = None) -> dict:
    span = {"source": "s", "start": 0, "end": len(text), "text": text}
    if supports is not None:
        span["supports"] = supports
    return span


def dated_visit(evidence: list[dict], meeting_evidence: list[dict] | None = None) -> dict:
    """A visit dated "on Wednesday", whose meeting is dated "Thursday"."""
    record = visit()
    record["date"] = {"start": "2023-07-26", "precision": "day", "text": "on Wednesday",
                      "inferred_from_publication": True}
    record["evidence"] = evidence
    record["diplomatic_visit"]["meetings"] = [{
        "participants": ["sergei-shoigu", "kim-jong-un"],
        "date": {"start": "2023-07-27", "precision": "day", "text": "Thursday",
                 "inferred_from_publication": True},
        "evidence": meeting_evidence or [_span("they met")]}]
    return record


WEDNESDAY = "Shoigu met Kim on Wednesday"
THURSDAY = "and again on Thursday"
MEETING = "/diplomatic_visit/meetings/0/date/text"


@pytest.mark.parametrize(("evidence", "meeting_evidence", "expected"), [
    # For the record (no pointer, or the empty pointer) quotes both dates.
    ([_span(f"{WEDNESDAY} {THURSDAY}")], None, []),
    ([_span(f"{WEDNESDAY} {THURSDAY}", "")], None, []),
    # For the date, or a part of it; the meeting's date in its own evidence, unpointed.
    ([_span(WEDNESDAY, "/date"), _span(THURSDAY, "/diplomatic_visit")], None, []),
    ([_span(WEDNESDAY, "/date/start")], [_span(THURSDAY)], []),
    ([_span(WEDNESDAY, "/date")], [_span(THURSDAY, "/diplomatic_visit/meetings/0")], []),
    # A pointer is absolute: a meeting's span may be cited for the record's date, or the record.
    ([_span("nothing", "/actors/0")], [_span(WEDNESDAY, "/date"), _span(THURSDAY)], []),
    ([_span("nothing", "/actors/0")], [_span(f"{WEDNESDAY} {THURSDAY}", "")], []),
    # Unpointed in a meeting's evidence: cited for the meeting, not for the record's date.
    ([_span("nothing", "/actors/0")], [_span(f"{WEDNESDAY} {THURSDAY}")],
     [("date-text-uncited", "/date/text")]),
    # For something else: the visitor, the visit (not the record's date), another meeting.
    ([_span(WEDNESDAY, "/diplomatic_visit/visitors/0"), _span(THURSDAY, "/date")], None,
     [("date-text-uncited", "/date/text"), ("date-text-uncited", MEETING)]),
    ([_span(WEDNESDAY, "/diplomatic_visit")],
     [_span(THURSDAY, "/diplomatic_visit/meetings/1")],
     [("date-text-uncited", "/date/text"), ("date-text-uncited", MEETING)]),
    # Quoted in part only, or by a pointer that is not one.
    ([_span("Shoigu met Kim on Wed"), _span(THURSDAY, "diplomatic_visit")], None,
     [("date-text-uncited", "/date/text"), ("date-text-uncited", MEETING)]),
    # A pointer that escapes a token (the screen compares pointers as strings): below the
    # date it is cited for the date; in the date's own place it names another key.
    ([_span(f"{WEDNESDAY} {THURSDAY}", "/date/a~1b")], None,
     [("date-text-uncited", MEETING)]),
    ([_span(WEDNESDAY, "/da~0te"), _span(THURSDAY, "/diplomatic_visit/meetings/0/date/~0")],
     None, [("date-text-uncited", "/date/text")]),
])
def test_a_date_text_stands_in_a_span_cited_for_it(evidence, meeting_evidence,
                                                   expected) -> None:
    record = dated_visit(evidence, meeting_evidence)
    assert found(date_citations, record) == expected
    (check,) = [check for check in CHECKS if check.problems is date_citations]
    assert check.passes(view(record), CONTEXT) is not expected  # its screen agrees


def test_allegation_dates_are_cited_for_the_allegation_or_their_response() -> None:
    record = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])
    record["arms_allegation"]["transfer_date"] = {
        "start": "2023-07-01", "end": "2023-07-31", "precision": "month", "text": "in July",
        "inferred_from_publication": True}
    record["arms_allegation"]["responses"] = [{
        "actor": "russia", "kind": "denial", "evidence": [_span("denied it on Friday")],
        "date": {"start": "2023-07-28", "precision": "day", "text": "on Friday",
                 "inferred_from_publication": True}}]
    assert found(date_citations, record) == [
        ("date-text-uncited", "/arms_allegation/transfer_date/text")]
    record["evidence"].append(_span("shipped in July", "/arms_allegation"))
    assert found(date_citations, record) == []


class _Counted(dict):
    """A span that counts how often its pointer is asked for."""

    asked = 0

    def get(self, key, default=None):
        if key == "supports":
            _Counted.asked += 1
        return super().get(key, default)


def test_many_dated_meetings_each_read_the_spans_once() -> None:
    """Each of 400 meetings dated "Monday" cites its own span: each span's pointer is read
    once (every date read every span: 4,000 meetings took seconds), and an uncited one is
    still found."""
    meetings = 400
    record = dated_visit([_span(f"{WEDNESDAY} {THURSDAY}")])
    record["diplomatic_visit"]["meetings"] = [{
        "participants": ["sergei-shoigu", "kim-jong-un"],
        "date": {"start": "2023-07-24", "precision": "day", "text": "Monday",
                 "inferred_from_publication": True},
        "evidence": [_Counted(_span(f"met on Monday ({index})"))]} for index in range(meetings)]
    _Counted.asked = 0
    assert found(date_citations, record) == []
    assert _Counted.asked == meetings
    (check,) = [check for check in CHECKS if check.problems is date_citations]
    assert not check.passes(view(record), CONTEXT)  # too many for the screen: the check decides
    record["diplomatic_visit"]["meetings"][300]["evidence"][0]["supports"] = "/actors/0"
    assert found(date_citations, record) == [
        ("date-text-uncited", "/diplomatic_visit/meetings/300/date/text")]


def test_the_uncited_message_names_the_text_and_the_date() -> None:
    (problem,) = date_citations(dated_visit([_span(WEDNESDAY, "/location")],
                                            [_span(THURSDAY)]), CONTEXT)
    assert problem.message == (
        "date text 'on Wednesday' is in no span cited for /date, the part of the record "
        "holding it, or the record; cite the words that give the date")


def test_a_record_without_date_texts_needs_no_citation() -> None:
    record = visit()
    for date in (record["date"], *(m.get("date", {}) for m in
                                   record["diplomatic_visit"].get("meetings", []))):
        date.pop("text", None)
    record["evidence"] = [_span("nothing of dates", "/actors/0")]
    assert found(date_citations, record) == []


# --- span-actor-unnamed (codebook E4) -------------------------------------------------

ROWS = [
    {"id": "sergei-shoigu", "name": "Sergei Shoigu", "kind": "person", "country": "RUS"},
    {"id": "kim-jong-un", "name": "Kim Jong Un", "kind": "person", "country": "PRK",
     "aliases": "Kim|Chairman Kim"},
    {"id": "north-korea", "name": "North Korea", "kind": "state", "country": "PRK"},
    {"id": "united-states", "name": "United States", "kind": "state", "country": "USA"},
    {"id": "us-delegation", "name": "US delegation to the talks", "kind": "delegation",
     "country": "", "affiliation": "united-states"},
    {"id": "nato", "name": "NATO", "kind": "organisation", "aliases": ""},
]
NAMES = DatasetContext("1.0.0", frozenset(row["id"] for row in ROWS), None, actor_names(ROWS))


def test_the_ways_an_actor_is_named() -> None:
    names = actor_names(ROWS)
    assert names["sergei-shoigu"] == ("Sergei Shoigu", "Shoigu")
    assert names["kim-jong-un"] == ("Kim Jong Un", "Un", "Kim", "Chairman Kim")
    assert {"North Korea", "North Korean", "Pyongyang", "DPRK",
            "Democratic People's Republic of Korea"} <= set(names["north-korea"])
    assert "Russian" not in names["sergei-shoigu"]  # a person is not named by a demonym
    assert {"US delegation to the talks", "United States"} <= set(names["us-delegation"])
    assert names["nato"] == ("NATO",)  # an empty aliases column adds nothing


def test_the_aliases_table_adds_names() -> None:
    """Aliases of the aliases table (schema 1.3.0) name their actor, and a delegation's side."""
    names = actor_names(ROWS, {"kim-jong-un": ("Marshal Kim",), "united-states": ("Uncle Sam",),
                               "nato": ("the alliance",), "nobody": ("Nobody",)})
    assert names["kim-jong-un"] == ("Kim Jong Un", "Un", "Kim", "Chairman Kim", "Marshal Kim")
    assert names["nato"] == ("NATO", "the alliance")
    assert "Uncle Sam" in names["us-delegation"]
    assert "Uncle Sam" in names["united-states"]
    assert "nobody" not in names  # an alias of no actor of the table names nothing
    assert actor_names(ROWS, {}) == actor_names(ROWS)
    assert actor_names([{"id": "x", "name": "", "kind": "person"}]) == {"x": ()}


def cited(text: str, target: str, record: dict | None = None) -> list[tuple[str, str]]:
    record = record or visit()
    record["diplomatic_visit"].update(visitors=["sergei-shoigu", "us-delegation"],
                                      hosts=["north-korea"])
    record["evidence"] = [_span(text, target)]
    return [(p.code, p.pointer) for p in named_actors(record, NAMES)]


UNNAMED = [("span-actor-unnamed", "/evidence/0/text")]


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("Russian Defence Minister Sergei Shoigu arrived", "/diplomatic_visit/visitors/0", []),
    ("Shoigu arrived", "/diplomatic_visit/visitors/0", []),  # the surname
    ("SHOIGU, in Pyongyang", "/diplomatic_visit/visitors/0", []),  # any case
    ("The minister arrived", "/diplomatic_visit/visitors/0", UNNAMED),
    ("Shoiguev arrived", "/diplomatic_visit/visitors/0", UNNAMED),  # whole words only
    ("He reached Pyongyang", "/diplomatic_visit/hosts/0", []),  # a capital
    ("North Korean leaders", "/diplomatic_visit/hosts/0", []),  # a demonym
    ("He reached the isolated country", "/diplomatic_visit/hosts/0", UNNAMED),
    ("U.S. officials came too", "/diplomatic_visit/visitors/1", []),  # its side, as "US"
    ("Officials came too", "/diplomatic_visit/visitors/1", UNNAMED),
    ("The minister arrived", "/diplomatic_visit/visitors/9", []),  # unresolved: not this rule's
    ("The minister arrived", "/diplomatic_visit", []),  # not a role
    ("The minister arrived", "/diplomatic_visit/visitors", []),  # the list, not an actor
])
def test_a_span_cited_for_a_role_names_its_actor(text, target, expected) -> None:
    assert cited(text, target) == expected


def test_meeting_participants_and_allegation_roles_are_named_too() -> None:
    record = visit()
    record["diplomatic_visit"]["meetings"] = [{
        "participants": ["sergei-shoigu", "kim-jong-un"],
        "evidence": [_span("Chairman Kim met him", "/diplomatic_visit/meetings/0/participants/1"),
                     _span("They met", "/diplomatic_visit/meetings/0/participants/0")]}]
    assert [(p.code, p.pointer) for p in named_actors(record, NAMES)] == [
        ("span-actor-unnamed", "/diplomatic_visit/meetings/0/evidence/1/text")]
    claim = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])
    claim["arms_allegation"].update(claimant={"actor": "united-states"}, supplier=None,
                                    recipient="north-korea")
    claim["evidence"] = [_span("Washington said", "/arms_allegation/claimant"),
                         _span("Washington said", "/arms_allegation/claimant/actor"),
                         _span("The weapons went", "/arms_allegation/supplier"),
                         _span("The weapons went", "/arms_allegation/recipient")]
    assert [(p.code, p.pointer) for p in named_actors(claim, NAMES)] == [
        ("span-actor-unnamed", "/evidence/3/text")]  # no supplier to name; no recipient named


def test_an_actor_in_a_role_and_a_responses_actor_are_named_too() -> None:
    record = visit()
    held = record["diplomatic_visit"]
    held["roles"] = [{"actor": "kim-jong-un", "role": "counterpart", "side": "north-korea"}]
    held["meetings"][0]["roles"] = [{"actor": "sergei-shoigu", "role": "convener"}]
    record["evidence"] = [_span("Kim met him", "/diplomatic_visit/roles/0"),
                          _span("The leader met him", "/diplomatic_visit/roles/0/actor"),
                          _span("The leader met him", "/diplomatic_visit/roles/0/side"),
                          _span("They met", "/diplomatic_visit/meetings/0/roles/0"),
                          _span("They met", "/diplomatic_visit/roles")]  # the list: no actor
    assert [(p.code, p.pointer) for p in named_actors(record, NAMES)] == [
        ("span-actor-unnamed", "/evidence/1/text"), ("span-actor-unnamed", "/evidence/3/text")]
    assert not EVIDENCE_NAMES[0].passes(view(record), NAMES)
    claim = json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])
    claim["arms_allegation"]["responses"] = [{"actor": "north-korea", "kind": "denial",
                                              "evidence": [_span("Pyongyang denied it", "")]}]
    claim["evidence"] = [_span("Pyongyang denied it", "/arms_allegation/responses/0"),
                         _span("A denial came", "/arms_allegation/responses/0/actor")]
    assert [(p.code, p.pointer) for p in named_actors(claim, NAMES)] == [
        ("span-actor-unnamed", "/evidence/1/text")]


def test_without_the_actors_names_nothing_is_said() -> None:
    record = visit()
    record["evidence"] = [_span("nobody", "/diplomatic_visit/visitors/0")]
    assert list(named_actors(record, CONTEXT)) == []  # the context gives ids only
    assert cited("nobody", "/diplomatic_visit/visitors/0") == UNNAMED


def test_an_actor_the_table_lacks_is_left_to_actor_unknown() -> None:
    record = visit()
    record["diplomatic_visit"]["visitors"] = ["zz-nobody"]
    record["evidence"] = [_span("nobody", "/diplomatic_visit/visitors/0")]
    assert list(named_actors(record, NAMES)) == []


def test_the_unnamed_message_names_the_actor_and_its_names() -> None:
    record = visit()
    record["diplomatic_visit"]["hosts"] = ["north-korea"]
    record["evidence"] = [_span("the isolated country", "/diplomatic_visit/hosts/0")]
    (problem,) = named_actors(record, NAMES)
    assert problem.message == (
        "span cited for '/diplomatic_visit/hosts/0' does not name 'north-korea' (as "
        "'North Korea' or 'North Korean' or 'Pyongyang', or another of its names); cite "
        "words that name it, or give the actors table the name the article uses")


def _named_before(quote: str, names: tuple[str, ...]) -> bool:
    """The rule as it was first written: each name's words looked for in the quote's, in turn."""
    quote = words(quote)
    return any(words(name) in quote for name in names)


# Pieces that meet often: case, initials, hyphens, underscores, text that casefolds or
# is no word at all; and any text now and then.
_PIECE = st.sampled_from(["kim", "Kim", "KIM", "jong", "Jong-un", "un", "U.S.", "US", "us", "u",
                          "Straße", "STRASSE", "é", "e\u0301", "İ", "i", "x_y", "1", "", "..."])
_GLUE = st.sampled_from([" ", "  ", "-", ". ", ", ", "_", "\n", "'"])


def _texts(most: int) -> st.SearchStrategy[str]:
    pieces = st.lists(st.one_of(_PIECE, _GLUE), max_size=most).map("".join)
    return st.one_of(pieces, pieces, st.text(max_size=most))


@given(st.lists(_texts(6), max_size=6).map(tuple), _texts(16))
@example(("",), "")  # a name without words is in a quote without words only
@example(("",), "Kim")
@example(("kim kim un",), "Kim kim kim un")  # found after falling back a word
@example(("kim jong x", "jong"), "kim jong un")  # a name inside another's start
@example(("us us", "kim us us u"), "kim us us")
def test_names_are_found_as_by_each_name_in_turn(names: tuple[str, ...], quote: str) -> None:
    """Many names are looked for in one pass over the quote's words: the same answer."""
    expected = _named_before(quote, names)
    assert _Names(tuple(words(name) for name in names)).within(words(quote)) is expected
    assert _names_in(words(quote), names) is expected
    many = (*names, *(f"another name {number}" for number in range(_FEW)))
    assert _names_in(words(quote), many) is _named_before(quote, many)


@pytest.mark.parametrize(("text", "expected"), [
    ("Secretary Number 1999 Alias arrived", []),  # the last alias
    ("secretary number 0 alias", []),  # the first
    ("He reached SHOIGU's car", []),  # the surname still
    ("Secretary Number 2000 Alias arrived", UNNAMED),
    ("Secretary Number 1999 arrived", UNNAMED),  # whole names only
    ("Number 1999 Alias arrived", UNNAMED),
    ("", UNNAMED),
])
def test_an_actor_of_many_aliases_is_named_by_any(text, expected) -> None:
    """2,000 aliases of one actor: a span names it by any, the last too (as with a few)."""
    aliases = {"sergei-shoigu": tuple(f"Secretary Number {n} Alias" for n in range(2000))}
    context = DatasetContext("1.0.0", NAMES.actors, None, actor_names(ROWS, aliases))
    record = visit()
    record["diplomatic_visit"]["visitors"] = ["sergei-shoigu"]
    record["evidence"] = [_span(text, "/diplomatic_visit/visitors/0")]
    assert [(p.code, p.pointer) for p in named_actors(record, context)] == expected
    assert EVIDENCE_NAMES[0].passes(view(record), context) is not expected


UNCITED_PURPOSE = [("purpose-uncited", "/diplomatic_visit/purpose")]


@pytest.mark.parametrize(("supports", "in_meeting", "expected"), [
    ("/diplomatic_visit/purpose", False, []),
    ("/diplomatic_visit", False, []),
    ("", False, []),
    (None, False, []),  # one of the record's own spans, cited for the record
    ("/diplomatic_visit/purpose", True, []),  # a meeting's span pointed at the purpose
    (None, True, UNCITED_PURPOSE),  # cited for its meeting only
    ("/diplomatic_visit/meetings/0", True, UNCITED_PURPOSE),
    ("/diplomatic_visit/status", False, UNCITED_PURPOSE),
    ("/diplomatic_visit/purposes", False, UNCITED_PURPOSE),
    ("/summary", False, UNCITED_PURPOSE),
    ("diplomatic_visit", False, UNCITED_PURPOSE),  # not a pointer: cites nothing
    ("/diplomatic_visit/purpose/0", False, []),  # inside it (resolves nowhere: E2 says so)
])
def test_a_purpose_has_a_span_cited_for_it(supports, in_meeting, expected) -> None:
    record = visit()
    span = {"source": "newsbytes-2023-07-29", "start": 845, "end": 907,
            "text": "to celebrate the 70th anniversary of the end of the Korean War"}
    if supports is not None:
        span["supports"] = supports
    for other in record["evidence"]:
        if other.get("supports") == "/diplomatic_visit/purpose":
            other["supports"] = "/summary"
    holder = record["diplomatic_visit"]["meetings"][0] if in_meeting else record
    holder["evidence"].append(span)
    assert found(field_citations, record) == expected
    assert CITING[0].passes(view(record), CONTEXT) is (expected == [])


def test_a_visit_without_a_purpose_needs_no_span_for_one() -> None:
    record = visit()
    del record["diplomatic_visit"]["purpose"]
    record["evidence"] = [span for span in record["evidence"]
                          if span.get("supports") != "/diplomatic_visit/purpose"]
    assert found(field_citations, record) == []


def test_the_purpose_message_says_where_to_point_a_span() -> None:
    record = visit()
    record["evidence"] = [span for span in record["evidence"]
                          if span.get("supports") != "/diplomatic_visit/purpose"]
    (problem,) = field_citations(record, CONTEXT)
    assert problem.message == ("purpose is cited by no span: point the span that gives it at "
                               "/diplomatic_visit/purpose, or leave the purpose out when the "
                               "text gives none")


# --- field-uncited (codebook E3) ----------------------------------------------------

HOST_SPAN = {"source": "newsbytes-2023-07-29", "start": 137, "end": 208,
             "text": "Russian Defence Minister Sergei Shoigu (R) is on a visit to North Korea"}
UNCITED_HOST = [("field-uncited", "/diplomatic_visit/hosts/0")]


@pytest.mark.parametrize(("supports", "in_meeting", "expected"), [
    ("/diplomatic_visit/hosts/0", False, []),
    ("/diplomatic_visit/hosts", False, []),  # the list holds each host
    ("/diplomatic_visit", False, []),
    ("", False, []),
    (None, False, []),  # one of the record's own spans, cited for the record
    ("/diplomatic_visit/hosts/0", True, []),  # a meeting's span pointed at the host
    (None, True, UNCITED_HOST),  # cited for its meeting only
    ("/diplomatic_visit/meetings/0", True, UNCITED_HOST),
    ("/diplomatic_visit/hosts/1", False, UNCITED_HOST),
    ("/diplomatic_visit/host", False, UNCITED_HOST),
    ("/diplomatic_visit/", False, UNCITED_HOST),  # the member "" of the visit
    ("/location", False, UNCITED_HOST),
    ("/diplomatic_visit/hosts/0/name", False, []),  # inside it (resolves nowhere: E2 says so)
])
def test_a_host_has_a_span_cited_for_it(supports, in_meeting, expected) -> None:
    record = visit()
    record["evidence"] = [span for span in record["evidence"]
                          if span.get("supports") != "/diplomatic_visit/hosts/0"]
    span = dict(HOST_SPAN)
    if supports is not None:
        span["supports"] = supports
    holder = record["diplomatic_visit"]["meetings"][0] if in_meeting else record
    holder["evidence"].append(span)
    assert found(field_citations, record) == expected
    assert CITING[0].passes(view(record), CONTEXT) is (expected == [])


def allegation() -> dict:
    return json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[2])


def _cited_elsewhere(record: dict, covers: set[str]) -> dict:
    for span in record["evidence"]:
        if span.get("supports", "") in covers:
            span["supports"] = "/summary"
    return record


ACCOUNT = [("field-uncited", "/arms_allegation/claimant"),
           ("field-uncited", "/arms_allegation/stage"),
           ("field-uncited", "/arms_allegation/weapons/0"),
           ("field-uncited", "/arms_allegation/verification")]
UNSTAGED = [ACCOUNT[0], *ACCOUNT[2:]]  # the base allegation's stage has its own span


def test_every_visitor_and_host_and_both_parties_of_a_transfer_are_cited() -> None:
    record = _cited_elsewhere(visit(), {"", "/diplomatic_visit", "/diplomatic_visit/visitors/0",
                                        "/diplomatic_visit/hosts/0"})
    record["diplomatic_visit"]["visitors"].append("kim-jong-un")
    assert found(field_citations, record) == [
        ("field-uncited", "/diplomatic_visit/visitors/0"),
        ("field-uncited", "/diplomatic_visit/visitors/1"),
        ("field-uncited", "/diplomatic_visit/hosts/0")]
    claim = allegation()
    assert found(field_citations, claim) == []
    _cited_elsewhere(claim, {"", "/arms_allegation", "/arms_allegation/supplier",
                             "/arms_allegation/recipient"})
    assert found(field_citations, claim) == [("field-uncited", "/arms_allegation/supplier"),
                                             ("field-uncited", "/arms_allegation/recipient"),
                                             *UNSTAGED]
    claim["arms_allegation"]["recipient"] = None  # an unknown party: nothing to cite
    assert found(field_citations, claim) == [("field-uncited", "/arms_allegation/supplier"),
                                             *UNSTAGED]
    claim["evidence"].append({**claim["evidence"][0], "supports": "/arms_allegation"})
    assert found(field_citations, claim) == []
    assert CITING[0].passes(view(claim), CONTEXT)
    claim["evidence"][-1]["supports"] = "/arms_allegation/supplier/id"  # inside it: E2's
    assert found(field_citations, claim) == UNSTAGED
    assert CITING[0].passes(view(claim), CONTEXT) is False
    claim["arms_allegation"]["verification"] = "not_assessed"
    claim["evidence"].append({**claim["evidence"][0], "supports": "/arms_allegation/claimant"})
    claim["evidence"].append({**claim["evidence"][0], "supports": "/arms_allegation/weapons"})
    assert found(field_citations, claim) == []
    assert CITING[0].passes(view(claim), CONTEXT)


# A span cited for a field, for a part holding it, or for a part inside it, shows the
# field; the values that say the text gives nothing need no span.
@pytest.mark.parametrize(("change", "supports", "expected"), [
    ({}, None, ACCOUNT),
    ({}, "/arms_allegation/claimant", ACCOUNT[1:]),
    ({}, "/arms_allegation/claimant/on_behalf_of", ACCOUNT[1:]),  # inside the claimant
    ({}, "/arms_allegation/claiman", ACCOUNT),  # not a token of the pointer
    ({}, "/arms_allegation/weapons", [*ACCOUNT[:2], ACCOUNT[3]]),
    ({}, "/arms_allegation/weapons/0/description", [*ACCOUNT[:2], ACCOUNT[3]]),
    ({}, "/arms_allegation/weapons/1", ACCOUNT),
    ({"verification": "not_assessed"}, None, ACCOUNT[:3]),
    ({"verification": "corroborated"}, "/arms_allegation/verification", ACCOUNT[:3]),
    ({"weapons": [{"category": "unspecified"}] * 2}, "/arms_allegation/weapons/0",
     [*ACCOUNT[:2], ("field-uncited", "/arms_allegation/weapons/1"), ACCOUNT[3]]),
])
def test_an_allegations_account_is_cited(change, supports, expected) -> None:
    claim = _cited_elsewhere(allegation(), {"", "/arms_allegation", "/arms_allegation/claimant",
                                            "/arms_allegation/stage"})
    claim["arms_allegation"].update(change)
    for party in ("supplier", "recipient"):  # cited alone, so that only the account is asked
        claim["evidence"].append({**claim["evidence"][0],
                                  "supports": f"/arms_allegation/{party}"})
    if supports is not None:
        claim["evidence"].append({**claim["evidence"][0], "supports": supports})
    assert found(field_citations, claim) == expected
    assert CITING[0].passes(view(claim), CONTEXT) is (expected == [])


def test_fields_and_spans_by_the_thousand_are_matched_in_linear_time() -> None:
    """A visit of 20,000 visitors and an allegation of 20,000 weapons, each cited by a span
    of its own: check and screen look each pointer up (one comparison a pair took minutes)."""
    record = visit()
    span = record["evidence"][0]
    record["diplomatic_visit"]["visitors"] = ["sergei-shoigu"] * 20_000
    record["evidence"] = [*record["evidence"], *(
        {**span, "supports": f"/diplomatic_visit/visitors/{index}"} for index in range(20_000))]
    assert found(field_citations, record) == []
    assert CITING[0].passes(view(record), CONTEXT)
    claim = allegation()
    span = claim["evidence"][0]
    claim["arms_allegation"]["weapons"] = [{"category": "unspecified"}] * 20_000
    claim["evidence"] = [*claim["evidence"], *(
        {**span, "supports": f"/arms_allegation/weapons/{index}/category"}
        for index in range(20_000))]
    assert found(field_citations, claim) == []
    assert CITING[0].passes(view(claim), CONTEXT)


PLACE, STATUS = ("field-uncited", "/location"), ("field-uncited", "/diplomatic_visit/status")
COUNTERPART = ("field-uncited", "/diplomatic_visit/roles/1")
IN_MEETING = ("field-uncited", "/diplomatic_visit/meetings/0/roles/0")


@pytest.mark.parametrize(("supports", "in_meeting", "expected"), [
    (None, False, []),  # one of the record's own spans, cited for the record
    ("", True, []),  # a meeting's span cited for the whole record
    ("/location", False, [STATUS, COUNTERPART, IN_MEETING]),
    ("/location/name", False, [STATUS, COUNTERPART, IN_MEETING]),
    ("/locations", False, [PLACE, STATUS, COUNTERPART, IN_MEETING]),
    ("/diplomatic_visit", False, [PLACE]),
    ("/diplomatic_visit/status", False, [PLACE, COUNTERPART, IN_MEETING]),
    ("/diplomatic_visit/roles", False, [PLACE, STATUS, IN_MEETING]),
    ("/diplomatic_visit/roles/1", False, [PLACE, STATUS, IN_MEETING]),
    ("/diplomatic_visit/roles/0", False, [PLACE, STATUS, COUNTERPART, IN_MEETING]),
    ("/diplomatic_visit/roles/1/side", False, [PLACE, STATUS, IN_MEETING]),
    (None, True, [PLACE, STATUS, COUNTERPART]),  # a meeting's span cites its meeting
    ("/diplomatic_visit/meetings/0", True, [PLACE, STATUS, COUNTERPART]),
    ("/diplomatic_visit/meetings/0/roles/0", False, [PLACE, STATUS, COUNTERPART]),
    ("/diplomatic_visit/meetings/1", True, [PLACE, STATUS, COUNTERPART, IN_MEETING]),
])
def test_a_visits_place_status_and_counterparts_are_cited(supports, in_meeting,
                                                           expected) -> None:
    record = _cited_elsewhere(visit(), {"", "/location", "/diplomatic_visit/status"})
    held = record["diplomatic_visit"]
    held["roles"] = [{"actor": "kim-jong-un", "role": "host_leader", "side": "north-korea"},
                     {"actor": "kim-jong-un", "role": "counterpart", "side": "north-korea"}]
    meetings = held["meetings"]
    meetings[0]["roles"] = [{"actor": "kim-jong-un", "role": "counterpart"}]
    meetings[0]["evidence"] = [{**span, "supports": "/summary"} for span in meetings[0]["evidence"]]
    span = {**record["evidence"][0]}
    span.pop("supports", None)
    if supports is not None:
        span["supports"] = supports
    (meetings[0] if in_meeting else record)["evidence"].append(span)
    assert found(field_citations, record) == expected
    assert CITING[0].passes(view(record), CONTEXT) is (expected == [])


def test_an_unknown_status_needs_no_span() -> None:
    record = _cited_elsewhere(visit(), {"", "/diplomatic_visit/status"})
    assert found(field_citations, record) == [STATUS]
    record["diplomatic_visit"]["status"] = "unknown"
    assert found(field_citations, record) == []
    assert CITING[0].passes(view(record), CONTEXT)


def test_the_field_message_says_where_to_point_a_span() -> None:
    record = _cited_elsewhere(visit(), {"/diplomatic_visit/hosts/0"})
    (problem,) = field_citations(record, CONTEXT)
    assert problem.message == (
        "/diplomatic_visit/hosts/0 is cited by no span: point the span that shows it at "
        "/diplomatic_visit/hosts/0, or at /diplomatic_visit when one sentence shows several "
        "fields")
    claim = _cited_elsewhere(allegation(), {"", "/arms_allegation", "/arms_allegation/supplier"})
    claim["arms_allegation"]["recipient"] = None
    claim["evidence"].append({**claim["evidence"][0], "supports": "/arms_allegation/stage"})
    problem = next(field_citations(claim, CONTEXT))
    assert problem.message == (
        "/arms_allegation/supplier is cited by no span: point the span that shows it at "
        "/arms_allegation/supplier, or at /arms_allegation when one sentence shows several "
        "fields")
    record = _cited_elsewhere(visit(), {"/location"})
    (problem,) = field_citations(record, CONTEXT)
    assert problem.message == ("/location is cited by no span: point the span that shows it "
                               "at /location, or cite the whole record with a span of no "
                               "pointer")
    record = visit()
    record["diplomatic_visit"]["meetings"][0].update(
        roles=[{"actor": "kim-jong-un", "role": "counterpart"}],
        evidence=[{**span, "supports": "/summary"}
                  for span in record["diplomatic_visit"]["meetings"][0]["evidence"]])
    (problem,) = field_citations(record, CONTEXT)
    assert problem.message == (
        "/diplomatic_visit/meetings/0/roles/0 is cited by no span: point the span that shows "
        "it at /diplomatic_visit/meetings/0/roles/0, or at /diplomatic_visit/meetings/0 (a span "
        "of that meeting with no pointer) when one sentence shows several of its fields")


def test_a_typographic_character_typed_plain_is_named() -> None:
    """'-' for the article's em dash: the finding says which character the text has."""
    start = SHORT_TEXT.index("🚀")
    assert mismatch(start, start + 4, "🚀 - ", "text").endswith(
        "; the text has U+2014 EM DASH where the quote has U+002D: copy the article's character")
    assert "copy the article's character" not in mismatch(start, start + 4, "🚀 x ", "text")
    # Found word for word elsewhere: the quote is right, and no character is to be changed.
    text = "a - b and a — b"
    record = {"evidence": [{"source": "s", "start": 10, "end": 15, "text": "a - b"}]}
    context = DatasetContext("1.0.0", frozenset(), {"s": Article("s", "a.txt", text, None)})
    (problem,) = span_problems(record, context)
    assert problem.pointer == "/evidence/0/start"
    assert problem.message.endswith("; the quote is at start=0, end=5 (shifted by -10)")
