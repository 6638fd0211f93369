"""The references layer: every actor and source a record names is in its dataset's tables, and listed.

Rules: record-id-duplicate, actor-unknown, source-unknown, actor-not-listed, source-not-listed,
link-dangling.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from samples import BASE, CONTEXT, RECORDS, found, visit

from validator.checks.context import DatasetContext
from validator.checks.evidence import span_problems
from validator.checks.references import unknown_actors
from validator.checks.suggest import did_you_mean
from validator.escaping import escape


def allegation() -> dict:
    return copy.deepcopy(RECORDS[2])


def denied_from_elsewhere() -> dict:
    """An allegation with a denial whose one span cites a source named nowhere else."""
    claim = allegation()
    span = {**claim["evidence"][0], "source": "elsewhere"}
    claim["arms_allegation"]["responses"] = [{"actor": "russia", "kind": "denial",
                                              "evidence": [span]}]
    return claim


ANY_TEXT = st.text(st.characters(exclude_categories=()))  # lone surrogates too


def record() -> dict:
    return json.loads((BASE / "events.jsonl").read_text("utf-8").splitlines()[0])


def test_detail_actor_references_are_located() -> None:
    from validator.checks.references import unlisted_actors

    record = allegation()
    record["arms_allegation"]["claimant"]["actor"] = "nobody"
    record["arms_allegation"]["responses"] = [
        {"actor": "nobody-else", "kind": "denial", "evidence": record["evidence"][:1]}]
    meeting_record = visit()
    meeting_record["diplomatic_visit"]["meetings"][0]["participants"][0] = "nobody"
    assert found(unlisted_actors, record) == [
        ("actor-not-listed", "/arms_allegation/claimant/actor"),
        ("actor-not-listed", "/arms_allegation/responses/0/actor")]
    assert found(unlisted_actors, meeting_record) == [
        ("actor-not-listed", "/diplomatic_visit/meetings/0/participants/0")]


def test_nested_spans_and_sources_are_located() -> None:
    from validator.checks.references import unknown_sources

    record = visit()
    meeting_span = record["diplomatic_visit"]["meetings"][0]["evidence"][0]
    meeting_span["start"] += 1
    meeting_span["end"] += 1
    assert found(span_problems, record) == [
        ("span-text-mismatch", "/diplomatic_visit/meetings/0/evidence/0/start")]
    claim = denied_from_elsewhere()
    assert found(unknown_sources, claim) == [
        ("source-unknown", "/arms_allegation/responses/0/evidence/0/source")]


def test_an_unlisted_actor_is_reported_once() -> None:
    from validator.checks.references import unlisted_actors

    record = visit()
    record["diplomatic_visit"]["hosts"] = ["nobody"]
    record["diplomatic_visit"]["meetings"][0]["participants"] = ["nobody"]
    assert found(unlisted_actors, record) == [("actor-not-listed", "/diplomatic_visit/hosts/0")]


def test_an_unlisted_source_is_reported_once_wherever_its_spans_are() -> None:
    from validator.checks.references import unlisted_sources

    record = visit()
    assert list(unlisted_sources(record, CONTEXT)) == []
    for span in (record["evidence"][0], record["diplomatic_visit"]["meetings"][0]["evidence"][0]):
        span["source"] = "elsewhere"
    assert found(unlisted_sources, record) == [("source-not-listed", "/evidence/0/source")]
    record["reporting"]["sources"].append("elsewhere")
    assert found(unlisted_sources, record) == []
    claim = denied_from_elsewhere()
    assert found(unlisted_sources, claim) == [
        ("source-not-listed", "/arms_allegation/responses/0/evidence/0/source")]


@pytest.mark.parametrize(("choices", "value", "hint"), [
    ({"ukraine", "russia"}, "ukriane", "; did you mean 'ukraine'?"),
    ({"ukraine", "russia"}, "nobody-north-korea", ""),  # nothing close
    ({"ukraine"}, "ukraine", ""),  # itself is no suggestion
    (set(), "ukraine", ""),
    ({"actor-2", "actor-1"}, "actor-3", "; did you mean 'actor-1'?"),  # a tie: the first in order
    ({"a\nb\u202ec"}, "a\nb\u202ed", "; did you mean 'a\\u000ab\\u202ec'?"),  # escaped
])
def test_did_you_mean(choices: set[str], value: str, hint: str) -> None:
    assert did_you_mean(value, frozenset(choices)) == hint


@given(ANY_TEXT, st.frozensets(ANY_TEXT, max_size=20))
def test_a_hint_names_one_of_the_choices_or_nothing(value: str, choices: frozenset[str]) -> None:
    hint = did_you_mean(value, choices)
    assert hint == "" or hint in {f"; did you mean {escape(c)}?" for c in choices - {value}}


def test_an_unknown_id_gets_the_closest_row() -> None:
    value = record()
    value["actors"][0] = value["actors"][0][:-2] + value["actors"][0][:-3:-1]  # last two swapped
    context = DatasetContext("1.0.0", frozenset(record()["actors"]), None)
    (problem,) = unknown_actors(value, context)
    assert problem.message.endswith(f"; did you mean {escape(record()['actors'][0])}?")

