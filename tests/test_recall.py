"""The recall aid: sentences of news text, the words that make one a candidate, what spans cite."""

from __future__ import annotations

import itertools
import json
import pickle
import random
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import articles, datasets
from writing import write_dataset

from validator import validate
from validator.checks.walk import spans
from validator.reading.limits import Sizes
from validator.recall import (
    Coverage,
    Sentence,
    by_article,
    letter_runs,
    merged,
    sentences,
    uncovered,
    word_lists,
)

BASE = Path(__file__).parent / "cases" / "valid" / "base"
REPO = Path(__file__).parent.parent


def _split(text: str) -> list[str]:
    return [text[start:end] for start, end in sentences(text)]


@pytest.mark.parametrize(("text", "expected"), [
    (("The U.S. Secretary met Mr. Smith on Dec. 5 in Washington, D.C. He said the talks "
      "went well."), ["The U.S. Secretary met Mr. Smith on Dec. 5 in Washington, D.C.",
                      "He said the talks went well."]),
    ("It has been home to a joint U.K.-U.S. military base since the 1970s. Then it ended.",
     ["It has been home to a joint U.K.-U.S. military base since the 1970s.", "Then it ended."]),
    ("Sen. Marco Rubio met Gen. Smith on Sept. 3 at 10 a.m. on Friday. It was fine.",
     ["Sen. Marco Rubio met Gen. Smith on Sept. 3 at 10 a.m. on Friday.", "It was fine."]),
    ("He arrived at 10 a.m. He left at noon.", ["He arrived at 10 a.m.", "He left at noon."]),
    ("The U.S. will deliver 3.5 million rounds. The U.N. said no.",
     ["The U.S. will deliver 3.5 million rounds.", "The U.N. said no."]),
    ("She met Mr. Kim in St. Petersburg, Russia. They talked.",
     ["She met Mr. Kim in St. Petersburg, Russia.", "They talked."]),
    ('Zelenskyy wrote on X. He added that "Ukraine was ready." The U.S. agreed.',
     ["Zelenskyy wrote on X.", 'He added that "Ukraine was ready."', "The U.S. agreed."]),
    ("including the U.N. In addition, women may not travel.",
     ["including the U.N.", "In addition, women may not travel."]),
])
def test_news_sentences_do_not_split_at_abbreviations(text: str, expected: list[str]) -> None:
    """Initialisms, titles, months and times end a sentence only where one ends."""
    assert _split(text) == expected


def test_a_line_break_ends_a_sentence_and_spaces_are_trimmed() -> None:
    """A headline has no full stop; blank lines and surrounding spaces belong to no sentence."""
    text = " Russia seeking North Korean weapons: US\n\nWritten by A. Writer  \nShoigu met Kim. "
    assert _split(text) == ["Russia seeking North Korean weapons: US", "Written by A. Writer",
                            "Shoigu met Kim."]
    assert sentences("") == []
    assert sentences(" \n\n ") == []


def test_a_line_is_split_whatever_stands_on_the_line_before() -> None:
    """sentencex, given the whole text, cut a quote's closing mark off the next line."""
    text = "Officials said: \u201cThey left!\n\u201d Then the talks ended."
    assert _split(text) == ["Officials said: \u201cThey left!", "\u201d Then the talks ended."]


@given(articles(), articles())
def test_each_line_is_split_on_its_own(first: str, second: str) -> None:
    """So `uncovered` may split only the lines that hold a word no span cites."""
    shift = len(first) + 1
    assert sentences(f"{first}\n{second}") == [
        *sentences(first), *((start + shift, end + shift) for start, end in sentences(second))]


@given(articles())
def test_sentences_are_ordered_disjoint_trimmed_and_hold_every_word(text: str) -> None:
    found = sentences(text)
    assert all(0 <= start < end <= len(text) for start, end in found)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(found))
    assert all(not text[start].isspace() and not text[end - 1].isspace() for start, end in found)
    inside = {i for start, end in found for i in range(start, end)}
    assert all(i in inside for i, char in enumerate(text) if not char.isspace())


def _words(text: str) -> tuple[str, ...]:
    """The words that make the text (one sentence) a candidate, with nothing cited."""
    listed = uncovered(text, [])
    return tuple(word for sentence in listed for word in sentence.words)


@pytest.mark.parametrize(("text", "words"), [
    ("Shoigu arrived in Pyongyang.", ("arrived",)),
    ("Russia shipped shells.", ("shipped", "shells")),
    ("Iran supplies DRONES and Supplied more.", ("supplies", "DRONES", "Supplied")),
    ("They met at the Summit for talks.", ("met", "Summit", "talks")),
    ("He is hosting a visitor who travelled far.", ("hosting", "visitor", "travelled")),
    ("The transfer of fighter  jets was transferred.", ("transfer", "fighter  jets",
                                                         "transferred")),
    ("Its air defenses and arms-for-oil deals.", ("air defenses", "arms")),
    ("Metal workers armed the relationship; shipping-lanes aside.", ("shipping",)),
    ("A visitation, armament-free, transferable.", ("armament",)),
    ("İzmir hosted TALKS.", ("hosted", "TALKS")),  # "İ" lowers to two characters
])
def test_words_match_whole_in_any_case_with_their_regular_forms(text: str,
                                                                 words: tuple[str, ...]) -> None:
    """"met" is not "Metal", "ship" not "relationship", "arms" not "armed"."""
    assert _words(text) == words


def test_each_sentence_says_which_word_lists_it_matched_in_the_file_s_order() -> None:
    assert list(word_lists()) == ["visit", "arms"]
    text = "Russia sold drones. Blinken visited Kyiv to buy shells. The weather was fine."
    assert uncovered(text, []) == (
        Sentence(0, 19, ("arms",), ("sold", "drones"), ((7, 11), (12, 18))),
        Sentence(20, 55, ("visit", "arms"), ("visited", "buy", "shells"),
                 ((28, 35), (44, 47), (48, 54))))


TEXT = "Shoigu met Kim on Wednesday. It rained. Russia sold drones to Iran."
MET, RAINED, SOLD = (0, 28), (29, 39), (40, 67)


@pytest.mark.parametrize(("covered", "listed"), [
    ([], [MET, SOLD]),
    ([(0, 1)], [SOLD]),  # one character of a sentence is enough
    ([(27, 45)], []),  # a span across two sentences covers both
    ([(28, 40)], [MET, SOLD]),  # the spaces between touch neither
    ([(29, 39)], [MET, SOLD]),  # a sentence without a listed word is never listed anyway
    ([(66, 67)], [MET]),
])
def test_a_sentence_that_any_range_overlaps_is_not_listed(covered: list[tuple[int, int]],
                                                          listed: list[tuple[int, int]]) -> None:
    assert [(s.start, s.end) for s in uncovered(TEXT, merged(covered))] == listed
    assert _split(TEXT) == [TEXT[slice(*MET)], TEXT[slice(*RAINED)], TEXT[slice(*SOLD)]]


def test_empty_and_wordless_texts_list_nothing() -> None:
    assert uncovered("", []) == ()
    assert uncovered("It rained on Wednesday.", []) == ()


@given(st.text() | st.text(alphabet="aZz {-\u0130\u212a\ud800\u00e9"))
def test_letter_runs_are_the_runs_a_regular_expression_finds(text: str) -> None:
    """Lower-case ASCII runs only: "é", "İ" (two characters lowered) and surrogates split them."""
    assert letter_runs(text) == set(re.findall("[a-z]+", text))
    assert letter_runs(text.lower()) == set(re.findall("[a-z]+", text.lower()))


@st.composite
def texts_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """An article, then span ranges inside it (drawn after the text, as spans are)."""
    text = draw(articles())
    starts = draw(st.lists(st.integers(0, len(text) - 1), max_size=8))
    return text, [(begin, draw(st.integers(begin + 1, len(text)))) for begin in starts]


def _overlaps(sentence: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    return any(start < sentence[1] and sentence[0] < end for start, end in ranges)


@given(texts_and_spans())
def test_listed_are_exactly_the_sentences_with_a_word_that_no_span_overlaps(
        case: tuple[str, list[tuple[int, int]]]) -> None:
    text, ranges = case
    listed = {(s.start, s.end): s for s in uncovered(text, merged(ranges))}
    for sentence in sentences(text):
        candidate = bool(uncovered(text[slice(*sentence)], []))
        assert (sentence in listed) == (candidate and not _overlaps(sentence, ranges))
    for (start, end), sentence in listed.items():
        assert all(start <= a < b <= end and text[a:b] == word
                   for (a, b), word in zip(sentence.marks, sentence.words, strict=True))


@given(texts_and_spans(), st.data())
def test_a_sentence_a_span_covers_whole_is_never_listed(
        case: tuple[str, list[tuple[int, int]]], data: st.DataObject) -> None:
    text, ranges = case
    found = sentences(text)
    chosen = data.draw(st.sampled_from(found))
    listed = uncovered(text, merged([*ranges, chosen]))
    assert chosen not in [(s.start, s.end) for s in listed]


@given(texts_and_spans(), st.randoms(use_true_random=False), st.integers(1, 4))
def test_the_listing_does_not_depend_on_the_order_or_grouping_of_records(
        case: tuple[str, list[tuple[int, int]]], rng: random.Random, parts: int) -> None:
    """However spans are split among records, chunks and processes, the same ranges result."""
    text, ranges = case
    cited = [{"source": "a", "start": start, "end": end} for start, end in ranges]
    whole = Coverage()
    for span in cited:
        whole.add(span)
    rng.shuffle(cited)
    chunks = [Coverage() for _ in range(parts)]
    for index, span in enumerate(cited):
        chunks[index % parts].add(span)
    rng.shuffle(chunks)
    together = Coverage()
    for chunk in chunks:
        sent = pickle.dumps(chunk)  # as a worker sends it back
        together.merge(pickle.loads(sent))  # noqa: S301 - bytes this test made
    assert together.of("a") == whole.of("a") == tuple(merged(ranges))
    assert uncovered(text, together.of("a")) == uncovered(text, merged(ranges))


def test_a_coverage_keeps_only_spans_with_a_source_and_integer_offsets() -> None:
    coverage = Coverage()
    for span in [{"source": "a", "start": 3, "end": 9}, {"source": "a", "start": 8, "end": 12},
                 {"source": "a", "start": 20, "end": 20}, {"source": "b", "start": 1, "end": 2},
                 {"source": "a", "start": True, "end": 30}, {"source": 7, "start": 0, "end": 1},
                 {"start": 0, "end": 5}, {"source": "a", "start": 0.0, "end": 2}, "a span", None,
                 {"source": "a", "start": 30, "end": 25}, {"source": "a", "start": -4, "end": 2},
                 {"source": "a", "start": 0, "end": 1 << 40}]:
        coverage.add(span)
    assert coverage.of("a") == ((3, 12),)
    assert coverage.of("b") == ((1, 2),)
    assert coverage.of("c") == ()
    sent = pickle.dumps(coverage)
    assert pickle.loads(sent).ranges == {"a": [(3, 12)], "b": [(1, 2)]}  # noqa: S301 - ours
    assert merged([(5, 7), (0, 5), (6, 9), (12, 11)]) == [(0, 5), (5, 9)]
    unchecked = Coverage()  # as the hot path keeps them, where no check vouched for the offsets
    unchecked.pending.extend([("a", 0, 1 << 40), ("a", 5, 9), ("a", -3, 2), ("a", 9, 12)])
    assert unchecked.of("a") == ((5, 9), (9, 12))


def _covered(report_seen: tuple) -> list[tuple[tuple[int, int], ...]]:
    return [article.covered for seen in report_seen for article in seen.articles]


@given(datasets(), st.randoms(use_true_random=False))
def test_a_run_keeps_what_every_record_cites_whatever_their_order(data: dict,
                                                                  rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = validate([str(write_dataset(Path(tmp) / "a", data))])
        rng.shuffle(data["records"])
        second = validate([str(write_dataset(Path(tmp) / "b", data))])
    ranges = [(span["start"], span["end"]) for record in data["records"]
              for _, span in spans(record)]
    assert _covered(first.seen) == _covered(second.seen) == [tuple(merged(ranges))]


def test_chunks_and_processes_cite_what_one_process_does(tmp_path: Path) -> None:
    """A large events file is checked in chunks by workers; their ranges merge to one's."""
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
        for copy in range(300):
            for record in records:
                handle.write(json.dumps({**record, "id": f"{record['id']}-{copy}"}) + "\n")
    serial = validate([str(folder)])
    chunked = validate([str(folder)], jobs=2, mapper=map,
                       sizes=Sizes(chunk_bytes=16 * 1024, parallel_bytes=0, block_bytes=4096))
    assert chunked == serial
    assert _covered(chunked.seen) == _covered(serial.seen)
    assert by_article(chunked.seen) == by_article(serial.seen)
    assert serial.seen[0].articles[0].covered  # the base records cite something


def test_a_dataset_checked_whole_finds_its_sentences_where_it_is_checked() -> None:
    """The worker that checks a whole dataset lists its uncovered sentences (in parallel);
    they are those that its merged ranges give, as the parent finds them for a split file."""
    report = validate([str(REPO / "datasets")], jobs=2, mapper=map,
                      sizes=Sizes(parallel_bytes=0))
    articles = [article for seen in report.seen for article in seen.articles
                if article.text is not None]
    assert len(articles) > 20
    assert all(article.uncovered == uncovered(article.text, article.covered)
               for article in articles if article.text is not None)
    assert any(article.uncovered for article in articles)
    assert validate([str(REPO / "datasets")], recall=False).seen[0].articles[0].uncovered \
        is None


def test_spans_of_a_record_with_findings_count_too(tmp_path: Path) -> None:
    """A record that fails a check still cites its spans: its sentences are not listed."""
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    clean = validate([str(folder)])
    lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
    broken = [json.loads(line) for line in lines]
    for record in broken:
        record["actors"].append("nobody-known")  # actor-unknown: the full path, every record
    (folder / "events.jsonl").write_text(
        "".join(json.dumps(record) + "\n" for record in broken), "utf-8")
    report = validate([str(folder)])
    assert {f.code for f in report.findings} == {"actor-unknown"}
    assert _covered(report.seen) == _covered(clean.seen)


def test_the_recall_aid_gives_no_finding(tmp_path: Path) -> None:
    """Sentences no span cites are information: the same run without them finds the same."""
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    full = validate([str(folder)])
    first, *_ = (folder / "events.jsonl").read_text("utf-8").splitlines(keepends=True)
    (folder / "events.jsonl").write_text(first, "utf-8")  # fewer records, more uncited
    fewer = validate([str(folder)])
    counted = [len(article.sentences) for article in by_article(full.seen)]
    uncited = [len(article.sentences) for article in by_article(fewer.seen)]
    assert uncited[0] > counted[0] > 0
    assert full.findings == fewer.findings == ()


def test_a_run_without_the_recall_aid_keeps_nothing_and_finds_the_same(tmp_path: Path) -> None:
    """The text, GitHub and SARIF formats show no recall aid: their runs keep no range."""
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    kept = validate([str(folder)])
    spared = validate([str(folder)], recall=False)
    assert spared == kept
    assert _covered(spared.seen) == [()]
    assert _covered(kept.seen) != [()]
    # Nor the articles' texts (a worker need not send them back), in chunks as whole.
    split = validate([str(folder)], jobs=2, mapper=map, recall=False,
                     sizes=Sizes(chunk_bytes=1024, parallel_bytes=0, block_bytes=512))
    assert len(split.seen[0].articles) == len(kept.seen[0].articles) > 0
    assert [a.text for a in (*spared.seen[0].articles, *split.seen[0].articles)] == [None] * (
        2 * len(kept.seen[0].articles))
    assert all(article.text for article in kept.seen[0].articles)
