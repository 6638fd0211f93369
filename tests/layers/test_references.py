"""The references layer: every actor and source a record names is in its dataset's tables, and listed.

Rules: record-id-duplicate, actor-unknown, source-unknown, actor-not-listed, source-not-listed,
source-uncited, link-dangling, wikidata-inconsistent, actor-wikidata-conflict.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from samples import BASE, CONTEXT, RECORDS, found, visit

from validator.checks.context import Article, DatasetContext
from validator.checks.evidence import span_problems
from validator.checks.references import CHECKS as REFERENCES
from validator.checks.references import uncited_sources, unknown_actors
from validator.checks.suggest import did_you_mean
from validator.checks.walk import view
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



# --- wikidata-inconsistent, actor-wikidata-conflict (codebook AC1 to AC4) ----------------

def _entry(file: str, line: int, actor: str, name: str, kind: str, wikidata: str):
    from validator.checks.identities import ActorEntry

    return ActorEntry(file, line, line - 2, actor, name, kind, wikidata, (1, 2, 3, 6))


def _identities(*entries, ignore=frozenset()) -> list[tuple[str, str, int, int, str]]:
    from validator.checks.identities import identity_findings

    return [(f.code, f.file, f.line, f.column, f.pointer)
            for f in identity_findings(entries, ignore)]


def test_one_wikidata_id_has_one_actor_id_name_and_kind() -> None:
    kim = _entry("a/actors.csv", 3, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    assert _identities(kim, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong Un", "person",
                                   "Q56226")) == []
    assert _identities(kim, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong-un", "person",
                                   "Q56226")) == [
        ("wikidata-inconsistent", "b/actors.csv", 4, 2, "/2/name")]
    assert _identities(kim, _entry("b/actors.csv", 5, "kim", "Kim Jong Un", "person",
                                   "Q56226")) == [
        ("wikidata-inconsistent", "b/actors.csv", 5, 1, "/3/id")]
    taiwan = _entry("a/actors.csv", 3, "taiwan", "Taiwan", "state", "Q865")
    assert _identities(taiwan, _entry("b/actors.csv", 6, "taiwan", "Taiwan", "organisation",
                                      "Q865")) == [
        ("wikidata-inconsistent", "b/actors.csv", 6, 3, "/4/kind")]


def test_one_actor_id_is_one_wikidata_id() -> None:
    first = _entry("a/actors.csv", 3, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    other = _entry("b/actors.csv", 7, "kim-jong-un", "Kim Jong Un", "person", "Q1")
    assert _identities(first, other) == [
        ("actor-wikidata-conflict", "b/actors.csv", 7, 6, "/5/wikidata")]
    assert _identities(first, other, ignore=frozenset({"actor-wikidata-conflict"})) == []
    # Each later row is held to the run's first row of its id, not to the one before it.
    third = _entry("c/actors.csv", 2, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    assert _identities(first, other, third) == [
        ("actor-wikidata-conflict", "b/actors.csv", 7, 6, "/5/wikidata")]


def test_the_identity_messages_name_both_rows() -> None:
    from validator.checks.identities import identity_findings

    first = _entry("a/actors.csv", 3, "kim-jong-un", "Kim Jong Un", "person", "Q56226")
    (named,) = identity_findings([first, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong-un",
                                                "person", "Q56226")])
    assert named.message == (
        "Wikidata 'Q56226' is 'kim-jong-un' at a/actors.csv:3, but here its name 'Kim Jong-un' "
        "(not 'Kim Jong Un'); one actor has one id, name and kind in every dataset")
    (twice,) = identity_findings([first, _entry("b/actors.csv", 4, "kim-jong-un", "Kim Jong Un",
                                                "person", "Q1")])
    assert twice.message == ("actor 'kim-jong-un' is Wikidata 'Q1' here but 'Q56226' at "
                             "a/actors.csv:3; one actor id names one actor in every dataset")


def _far_map(function, items):
    """A map as a cluster runs one: each task and its result pickled, the last task first."""
    import pickle

    function, items = pickle.loads(pickle.dumps((function, list(items))))  # noqa: S301
    results = {index: pickle.dumps(function(items[index]))
               for index in reversed(range(len(items)))}
    return [pickle.loads(results[index]) for index in range(len(items))]  # noqa: S301


def test_identities_across_datasets_are_the_same_in_any_process(tmp_path) -> None:
    """The actors of each dataset travel with its result: two processes, or a cluster's
    map that runs the datasets last first, find what one process finds."""
    import shutil
    from pathlib import Path

    from validator import validate
    from validator.reading.limits import Sizes

    case = Path(__file__).parent.parent / "cases" / "invalid" / "actor-wikidata-conflict"
    work = tmp_path / "run"
    shutil.copytree(case / "two-datasets", work)
    shutil.copytree(BASE, work / "third")  # its records repeat the first dataset's ids
    serial = validate([str(work)], jobs=1)
    assert {f.code for f in serial.findings} == {"actor-wikidata-conflict",
                                                 "record-id-duplicate"}
    sizes = Sizes(parallel_bytes=0)
    assert validate([str(work)], jobs=2, sizes=sizes) == serial
    assert validate([str(work)], jobs=2, mapper=_far_map, sizes=sizes) == serial


# --- source-uncited (codebook E5) ---------------------------------------------------

TWO_ARTICLES = DatasetContext("1.0.0", frozenset(), {
    source: Article(source, f"articles/{source}.txt", None, None)
    for source in ("newsbytes-2023-07-29", "voa-1")})


@pytest.mark.parametrize(("listed", "context", "expected"), [
    (["newsbytes-2023-07-29"], TWO_ARTICLES, []),
    (["newsbytes-2023-07-29", "voa-1"], TWO_ARTICLES, [("source-uncited", "/reporting/sources/1")]),
    (["voa-1", "newsbytes-2023-07-29"], TWO_ARTICLES, [("source-uncited", "/reporting/sources/0")]),
    (["voa-1", "voa-1"], TWO_ARTICLES, [("source-uncited", "/reporting/sources/0")]),  # once
    (["newsbytes-2023-07-29", "zz-other"], TWO_ARTICLES, []),  # source-unknown's to report
    (["newsbytes-2023-07-29", "zz-other"], DatasetContext("1.0.0"),  # no table: every one
     [("source-uncited", "/reporting/sources/1")]),
])
def test_every_listed_article_is_cited(listed, context, expected) -> None:
    record = visit()
    record["reporting"]["sources"] = listed
    assert [(p.code, p.pointer) for p in uncited_sources(record, context)] == expected
    assert REFERENCES[-1].passes(view(record), context) is (expected == [])


def test_a_span_of_a_meeting_or_a_response_cites_its_article_too() -> None:
    record = visit()
    record["reporting"]["sources"].append("voa-1")
    record["diplomatic_visit"]["meetings"][0]["evidence"][0]["source"] = "voa-1"
    assert list(uncited_sources(record, TWO_ARTICLES)) == []
    claim = denied_from_elsewhere()
    claim["reporting"]["sources"].append(claim["arms_allegation"]["responses"][0]["evidence"][0]
                                         ["source"])
    assert list(uncited_sources(claim, DatasetContext("1.0.0"))) == []


def test_the_uncited_source_message_says_what_to_do() -> None:
    record = visit()
    record["reporting"]["sources"].append("voa-1")
    (problem,) = uncited_sources(record, TWO_ARTICLES)
    assert problem.message == (f"source {escape('voa-1')} is in the record's reporting sources, "
                               "but no span cites it: cite the words in which it reports the "
                               "event, or leave it out")
