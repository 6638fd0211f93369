"""The evidence page: spans drawn where they stand, findings where they belong, nothing injected."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import articles, datasets, json_values
from values import paths
from writing import read_records, shift_dates, write_dataset

from validator import validate
from validator.reading.discovery import discover
from validator.render.html import LISTED, DatasetPage, dataset_page, html_page, pieces

REPO = Path(__file__).resolve().parent.parent
BASE = Path(__file__).parent / "cases" / "valid" / "base"


@st.composite
def texts_and_ranges(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """An article, then ranges in it (some empty or reaching outside it)."""
    text = draw(articles())
    bound = st.integers(-2, len(text) + 2)
    return text, draw(st.lists(st.tuples(bound, bound), max_size=12))


@given(texts_and_ranges(), st.integers(0, 4))
def test_pieces_make_up_the_text_count_the_ranges_over_them_and_name_the_first(
        case: tuple[str, list[tuple[int, int]]], keep: int) -> None:
    text, ranges = case
    cut = list(pieces(text, ranges, keep))
    assert "".join(text[start:end] for start, end, _, _ in cut) == text
    assert all(start < end for start, end, _, _ in cut)
    inside = [(i, a, b) for i, (a, b) in enumerate(ranges) if 0 <= a < b <= len(text)]
    for start, end, count, lowest in cut:
        assert all(b <= start or end <= a or a <= start < end <= b for _, a, b in inside)
        covering = [i for i, a, b in inside if a <= start and end <= b]
        assert (count, lowest) == (len(covering), covering[:keep])


def test_pieces_of_an_empty_text() -> None:
    assert list(pieces("", [(0, 0), (0, 1)])) == []


def _drawn(page: DatasetPage) -> dict[int, str]:
    """The text each span number is drawn over: from its anchor to its end, highlighted.

    Each piece of it names the span, unless more than LISTED spans cover the
    piece, which then names the LISTED of lowest number.
    """
    ends = {span.number: span.end for card in page.cards for span in card.spans}
    covered: dict[int, str] = {}
    for article in page.articles:
        cut = article.pieces or ()
        offsets = [0]
        for piece in cut:
            offsets.append(offsets[-1] + len(piece.text))
        for index, opening in enumerate(cut):
            for number in opening.opens:
                end = ends[number]
                assert end is not None
                over = [p for at, p in zip(offsets[index:], cut[index:], strict=False)
                        if at < end]
                assert all(p.covering and (number in p.spans or number > p.spans[-1])
                           for p in over)
                assert all(len(p.spans) == min(p.covering, LISTED) for p in over)
                covered[number] = "".join(p.text for p in over)
    return covered


def _page(folder: Path) -> DatasetPage:
    report = validate([str(folder)])
    return dataset_page(report.seen[0], report.findings)


@given(datasets())
def test_every_span_of_a_valid_dataset_is_drawn_over_its_quote(data: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = _page(write_dataset(Path(tmp) / "ds", data))
    assert not page.findings
    assert page.records == len(data["records"]) == len(page.cards)
    drawn = _drawn(page)
    spans = [span for card in page.cards for span in card.spans]
    assert spans
    for span in spans:
        assert drawn[span.number] == span.quote
        assert span.number in page.anchored
        assert not span.findings


def test_the_real_datasets_draw_every_span_over_its_quote() -> None:
    for seen in validate([str(REPO / "datasets")]).seen:
        page = dataset_page(seen, [])
        drawn = _drawn(page)
        for span in (span for card in page.cards for span in card.spans):
            assert drawn[span.number] == span.quote, (page.name, span.pointer)
            assert span.supported is not None or span.supports is None


def _copy_base(tmp_path: Path) -> Path:
    folder = tmp_path / "ds"
    shutil.copytree(BASE, folder)
    return folder


def test_a_piece_under_many_spans_names_a_few_and_counts_the_rest(tmp_path: Path) -> None:
    """Spans nested over one article: the page grows with spans and pieces, not their product."""
    folder = _copy_base(tmp_path)
    text = next((folder / "articles").iterdir()).read_text("utf-8")
    nested = 300

    def nest(records: list[dict]) -> None:
        source = records[0]["evidence"][0]["source"]
        records[0]["evidence"] += [{"source": source, "start": 3 * i, "end": len(text) - 3 * i,
                                    "text": text[3 * i:len(text) - 3 * i]} for i in range(nested)]

    _rewrite(folder, nest)
    page = _page(folder)
    assert not page.findings
    assert not any(card.findings for card in page.cards)
    (article,) = page.articles
    cut = article.pieces or ()
    spans = [span for card in page.cards for span in card.spans]
    drawn = _drawn(page)
    for span in spans:  # each still anchored where it starts, and highlighted to its end
        assert span.number in page.anchored
        assert drawn[span.number] == span.quote
    deepest = max(piece.covering for piece in cut)
    assert deepest > nested
    assert all(len(piece.labels) == len(piece.spans) == min(piece.covering, LISTED)
               for piece in cut)
    html = html_page(validate([str(folder)]), tool_version="test")
    _well_formed(html)
    assert all(f'<span id="s{span.number}"></span>' in html for span in spans)
    assert f'\nand {deepest - LISTED} more"><a href=' in html
    titles = re.findall(r'<mark class="d[123]" title="([^"]*)">', html)
    assert len(titles) == sum(1 for piece in cut if piece.covering)
    assert all(len(title.splitlines()) <= LISTED + 1 for title in titles)
    # The record's id: on at most LISTED labels a piece, and a few times on its card.
    assert html.count(page.cards[0].record_id) <= LISTED * len(cut) + 5 * len(spans)


def _write_records(folder: Path, records: list[object]) -> None:
    (folder / "events.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def _rewrite(folder: Path, change: Callable[[list[dict]], object]) -> None:
    records = read_records(folder)
    change(records)
    _write_records(folder, records)


def test_a_shifted_span_is_flagged_on_its_card_its_item_and_its_text(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)

    def shift(records: list[dict]) -> None:
        records[0]["evidence"][0]["start"] += 1
        records[0]["evidence"][0]["end"] += 1

    _rewrite(folder, shift)
    page = _page(folder)
    card = page.cards[0]
    assert [f.code for f in card.findings] == ["span-text-mismatch"]
    first, *others = card.spans
    assert [f.code for f in first.findings] == ["span-text-mismatch"]
    assert not any(span.findings for span in others)
    flagged = {n for a in page.articles for p in a.pieces or () if p.flagged for n in p.spans}
    assert first.number in flagged
    assert not page.findings  # the finding is on the card, not repeated with the files


def test_a_span_outside_the_text_is_not_drawn(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)

    def push_out(records: list[dict]) -> None:
        records[0]["evidence"][0]["start"] = 10**6
        records[0]["evidence"][0]["end"] = 10**6 + 5

    _rewrite(folder, push_out)
    page = _page(folder)
    span = page.cards[0].spans[0]
    assert span.findings
    assert span.number not in page.anchored
    assert span.number not in _drawn(page)


def test_findings_of_files_and_unparsable_lines_are_listed_with_the_dataset(
        tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    (folder / "notes.txt").write_text("undeclared\n", "utf-8")
    page = _page(folder)
    assert {f.code for f in page.findings} == {"json-syntax", "resource-undeclared"}
    assert page.records == len(page.cards) == 4  # as the run counts: the broken line is none


def test_clean_records_are_drawn_up_to_the_limit_and_every_flagged_one(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)

    def repeat(records: list[dict]) -> None:
        template = records[0]
        records[:] = [{**shift_dates(template, -i), "id": f"r-{i}"}  # a week apart: 12 events
                      for i in range(12)]
        records[9]["modality"] = "rumoured"  # not in the schema: a finding on line 10

    _rewrite(folder, repeat)
    report = validate([str(folder)])
    page = dataset_page(report.seen[0], report.findings, limit=3)
    assert page.records == 12
    assert [card.line for card in page.cards] == [1, 2, 3, 10]
    assert page.cards[-1].findings


def test_the_page_draws_at_most_max_findings_and_counts_them_all(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)

    def repeat(records: list[dict]) -> None:
        template = records[0]
        records[:] = [{**shift_dates(template, -i), "id": f"r-{i}"} for i in range(6)]
        for index in (1, 3, 4):
            records[index]["modality"] = "rumoured"  # a finding on lines 2, 4 and 5

    _rewrite(folder, repeat)
    report = validate([str(folder)])
    assert [f.line for f in report.findings] == [2, 4, 5]
    page = dataset_page(report.seen[0], report.findings, limit=10,
                        shown=frozenset(report.findings[:1]))
    # Lines 4 and 5 have findings the page leaves out: they are not drawn as clean.
    assert [(card.line, len(card.findings)) for card in page.cards] == [
        (1, 0), (2, 1), (3, 0), (6, 0)]
    assert (page.errors, page.warnings) == (3, 0)
    result = subprocess.run([sys.executable, "-m", "validator", "--format", "html",
                             "--max-findings", "1", str(folder)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    _well_formed(result.stdout)
    assert result.stdout.count('class="code"') == 1
    assert "2 more findings not shown (--max-findings); the counts are of them all." \
        in result.stdout
    assert "<strong>3 errors</strong>" in result.stdout


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4",
             "p", "span", "strong", "table", "tr", "th", "td", "a", "ul", "ol", "li", "code",
             "bdi", "main", "section", "div", "mark", "details", "summary", "pre", "br"}
PAGE_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class", "id", "href",
                   "title", "dir"}
MARKUP = '<script>alert(1)</script><img src=x onerror="alert(2)">" onclick="alert(3)'


def test_markup_in_a_dataset_is_shown_as_text_never_as_markup(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)

    def inject(records: list[dict]) -> None:
        records[0]["summary"] = MARKUP
        records[0]["coding"]["note"] = MARKUP
        records[0]["evidence"][0]["text"] = MARKUP  # a quote that is not in the text

    _rewrite(folder, inject)
    (folder / "articles" / "evil.txt").write_text(MARKUP + "\n", "utf-8")
    report = validate([str(folder)])
    page = html_page(report, tool_version=MARKUP)
    _well_formed(page)
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= PAGE_TAGS
    assert parser.attributes <= PAGE_ATTRIBUTES
    assert MARKUP in "".join(parser.text)  # shown, as text
    assert "<script" not in page.lower()


def test_characters_that_reorder_or_hide_text_are_shown_as_escapes(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    disguised = "evil\u202egnp.exe\u2066x\u2069\x07"

    def disguise(records: list[dict]) -> None:
        records[0]["summary"] = disguised
        records[0]["id"] = "a\u202eb"

    _rewrite(folder, disguise)
    page = html_page(validate([str(folder)]), tool_version="test")
    assert not any(character in page for character in "\u202e\u2066\u2069\x07")
    assert "evil\\u202egnp.exe\\u2066x\\u2069\\u0007" in page
    assert "a\\u202eb" in page
    assert "Kim Jong-un" in page  # text around them is left alone


def _well_formed(page: str) -> None:
    """Parse as a browser does (html5lib, strict): any parse error raises."""
    html5lib.HTMLParser(strict=True).parse(page)


def _check_whole_page(folder: Path) -> None:
    """The run's page of `folder` is well formed and shows every finding exactly once."""
    report = validate([str(folder)])
    page = html_page(report, tool_version="test")
    _well_formed(page)
    assert page.count('class="code"') == len(report.findings)


def test_the_page_fetches_nothing_and_runs_nothing() -> None:
    page = html_page(validate([str(REPO / "datasets")]),
                     tool_version="test")
    _well_formed(page)
    assert "default-src 'none'" in page
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= PAGE_TAGS
    assert parser.attributes <= PAGE_ATTRIBUTES
    assert parser.hrefs
    assert all(href.startswith("#") for href in parser.hrefs)


@pytest.mark.parametrize(("change", "code"), [(False, 0), (True, 1)])
def test_cli_writes_the_page_with_the_run_s_exit_code(tmp_path: Path, change: bool,
                                                        code: int) -> None:
    folder = _copy_base(tmp_path)
    if change:
        _rewrite(folder, lambda records: records[0].update(modality="rumoured"))
    result = subprocess.run([sys.executable, "-m", "validator", "--format", "html", str(folder)],
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == code, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    _well_formed(result.stdout)
    assert result.stdout.rstrip().endswith("</html>")
    assert ('Records with findings: <a href="#r1"><bdi>newsbytes-2023-07-29-001</bdi></a></p>'
            in result.stdout) is change
    assert ('<span class="code" title="Not in closed codelist">schema-not-in-codelist</span>'
            in result.stdout) is change


def test_findings_outside_any_dataset_have_their_own_list(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "ds")
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "events.jsonl").write_text("{}\n", "utf-8")
    report = validate([str(tmp_path)])
    assert [f.code for f in report.findings] == ["descriptor-missing"]
    page = html_page(report, tool_version="test")
    outside = page.split("<h2>Findings outside any dataset</h2>")[1].split("</ul>")[0]
    assert "descriptor-missing" in outside
    assert page.count('class="code"') == 1


def test_a_card_shows_what_its_record_says(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    record = read_records(folder)[0]
    page = _page(folder)
    card = page.cards[0]
    assert (card.number, card.line, card.record_id, card.event_type, card.summary) == (
        1, 1, record["id"], "diplomatic_visit", record["summary"])
    assert card.date == "2023-07-26 to 2023-07-29 (window)"
    assert card.source_text == json.dumps(record, ensure_ascii=False, indent=2)
    first = card.spans[0]
    evidence = record["evidence"][0]
    assert (first.number, first.record_id, first.pointer, first.source, first.start, first.end,
            first.quote, first.supports, first.supported) == (
        1, record["id"], "/evidence/0", evidence["source"], evidence["start"], evidence["end"],
        evidence["text"], "/diplomatic_visit/visitors/0", "sergei-shoigu")
    meeting = card.spans[-1]
    assert meeting.pointer == "/diplomatic_visit/meetings/0/evidence/1"
    assert "supports" not in record["diplomatic_visit"]["meetings"][0]["evidence"][1]
    assert (meeting.supports, meeting.supported) == (None, None)
    (article,) = page.articles
    assert (article.source, article.path) == (evidence["source"], "articles/newsbytes-2023-07-29.txt")
    labels = {label for piece in article.pieces or () for label in piece.labels}
    assert f"{record['id']} /diplomatic_visit/visitors/0" in labels
    assert record["id"] in labels  # a span that supports nothing in particular
    assert page.title == json.loads((folder / "datapackage.json").read_text("utf-8"))["title"]
    assert (page.errors, page.warnings) == (0, 0)


def test_numbers_run_on_across_datasets(tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copytree(BASE, tmp_path / name)
        _rewrite(tmp_path / name, lambda records, name=name: [
            r.update(id=f"{name}-{r['id']}") for r in records])
    page = html_page(validate([str(tmp_path)]), tool_version="9.9-test")
    cards = page.count('<div class="card')
    assert cards == 8
    assert ['id="r1"' in page, 'id="r8"' in page, 'id="r9"' in page] == [True, True, False]
    assert '<meta name="generator" content="textevents 9.9-test">' in page
    spans = sum(len(r["evidence"]) + sum(len(m.get("evidence", [])) for m in
                (r.get("diplomatic_visit") or {}).get("meetings", []))
                + sum(len(x.get("evidence", [])) for x in
                      (r.get("arms_allegation") or {}).get("responses", []))
                for r in read_records(tmp_path / "a")) * 2
    assert [f'id="e{spans}"' in page, f'id="e{spans + 1}"' in page] == [True, False]
    assert f'id="s{spans}"' in page  # every span drawn: each has its anchor in the text


@pytest.mark.parametrize(("date", "said"), [
    ({"start": "2024-08-01", "precision": "month"}, "2024-08-01 (month)"),
    ({"start": "2024-08-01", "end": "2024-08-01", "precision": "day"}, "2024-08-01 (day)"),
    ({"start": "2024-08-01", "end": "2024-08-03"}, "2024-08-01 to 2024-08-03 (?)"),
    ({"start": "2024-08-01", "end": ["not", "a", "date"]}, "2024-08-01 to ['not', 'a', 'date'] (?)"),
    ({"end": "2024-08-03"}, ""),
    ("2024-08-01", ""),
])
def test_a_card_says_its_date_as_a_reader_would(date: object, said: str) -> None:
    from validator.render.html import _date

    assert _date(date) == said


def test_long_supported_values_are_cut_short() -> None:
    from validator.render.html import VALUE_CHARS, _short

    assert _short("x" * VALUE_CHARS) == "x" * VALUE_CHARS
    assert _short("x" * (VALUE_CHARS + 1)) == "x" * (VALUE_CHARS - 1) + "…"
    assert _short({"name": "Zürich"}) == '{"name": "Zürich"}'


def test_table_findings_stay_with_their_table_whatever_their_line(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    table = folder / "actors.csv"
    table.write_text(table.read_text("utf-8").replace(",person,RUS,", ",wizard,RUS,", 1), "utf-8")
    page = _page(folder)
    (finding,) = page.findings
    assert (finding.file.rsplit("/", 1)[-1], finding.line) == ("actors.csv", 2)
    assert not any(card.findings for card in page.cards)  # not on the record of line 2
    assert (page.errors, page.warnings) == (1, 0)


def test_a_dataset_without_a_title_is_named_by_its_folder(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    del descriptor["title"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    (location,), _ = discover([str(folder)])
    assert _page(folder).title == location.display


def test_an_offset_that_is_not_an_integer_is_not_drawn(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    _rewrite(folder, lambda records: records[0]["evidence"][0].update(
        start=float(records[0]["evidence"][0]["start"])))
    page = _page(folder)
    span = page.cards[0].spans[0]
    assert span.start is None
    assert span.end is not None
    assert span.number not in page.anchored
    assert span.number not in _drawn(page)


def test_an_unreadable_article_is_said_to_be_so(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    next((folder / "articles").iterdir()).unlink()
    page = _page(folder)
    (article,) = page.articles
    assert (article.source, article.path, article.pieces) == (
        "newsbytes-2023-07-29", "articles/newsbytes-2023-07-29.txt", None)
    html = html_page(validate([str(folder)]), tool_version="test")
    assert "The text of this article could not be read." in html


def test_findings_of_a_dataset_are_shown_with_it_not_outside(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    (folder / "notes.txt").write_text("undeclared\n", "utf-8")
    html = html_page(validate([str(folder)]), tool_version="test")
    assert "Findings outside any dataset" not in html
    assert "<h3>Findings on the dataset's files</h3>" in html


@given(st.data())
def test_any_value_anywhere_in_a_record_still_gives_a_page(data: st.DataObject) -> None:
    records = read_records(BASE)
    index = data.draw(st.integers(0, len(records) - 1))
    path = data.draw(st.sampled_from(paths(records[index])))
    value = data.draw(json_values())
    if path:
        *parents, last = path
        holder = records[index]
        for key in parents:
            holder = holder[key]
        holder[last] = value
    else:
        records[index] = value
    with tempfile.TemporaryDirectory() as tmp:
        folder = _copy_base(Path(tmp))
        _write_records(folder, records)
        _check_whole_page(folder)


def test_a_record_too_malformed_to_walk_still_shows_its_top_level_spans(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
    record = json.loads(lines[0])
    span = record["evidence"][0]
    malformed = {"diplomatic_visit": "not an object", "summary": "Zürich — ok",
                 "evidence": [5, {**span, "supports": "/nowhere"}]}
    lines[1:1] = ["{broken", json.dumps(malformed, ensure_ascii=False)]
    (folder / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    page = _page(folder)
    assert [card.line for card in page.cards] == [1, 3, 4, 5, 6]  # on past the broken line
    card = page.cards[1]
    assert (card.record_id, card.event_type, card.date) == ("", "", "")
    assert '"summary": "Zürich — ok"' in card.source_text
    (only,) = card.spans
    assert (only.pointer, only.source, only.quote) == ("/evidence/1", span["source"], span["text"])
    assert (only.supports, only.supported) == ("/nowhere", None)
    page_html = html_page(validate([str(folder)]), tool_version="test")
    assert "(does not resolve)" in page_html


# The first, true, was found by the deep profile's hunt: the page crashed on it.
@pytest.mark.parametrize("evidence", [True, 7, "a quote", {"start": 0}, None])
def test_evidence_that_is_not_a_list_gives_a_card_without_its_spans(tmp_path: Path,
                                                                     evidence: object) -> None:
    folder = _copy_base(tmp_path)

    def replace(records: list[dict]) -> None:
        records[0]["evidence"] = evidence

    _rewrite(folder, replace)
    assert not [span for span in _page(folder).cards[0].spans
                if span.pointer.startswith("/evidence/")]
    _check_whole_page(folder)


def test_a_span_without_source_text_or_pointer_shows_them_empty(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)

    def strip(records: list[dict]) -> None:
        del records[0]["evidence"][0]["source"]
        del records[0]["evidence"][0]["text"]
        records[0]["evidence"][0]["supports"] = 5
        del records[0]["summary"]

    _rewrite(folder, strip)
    card = _page(folder).cards[0]
    assert card.summary == ""
    span = card.spans[0]
    assert (span.source, span.quote, span.supports, span.supported) == ("", "", None, None)


def test_a_dataset_whose_records_cannot_be_reached_has_no_cards(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    (folder / "datapackage.json").write_text("{not json", "utf-8")
    (location,), _ = discover([str(folder)])
    page = _page(folder)
    assert (page.cards, page.articles, page.records) == ((), (), 0)
    assert page.name == location.name("datapackage.json")
    assert page.title == location.display


def test_an_overlong_line_is_counted_out_not_read(tmp_path: Path) -> None:
    from validator.reading.limits import MAX_LINE_BYTES

    folder = _copy_base(tmp_path)
    with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"summary": "' + "x" * MAX_LINE_BYTES + '"}\n')
    page = _page(folder)
    assert (page.records, len(page.cards)) == (4, 4)
    assert [f.code for f in page.findings] == ["file-too-large"]


def test_a_right_to_left_article_and_summary_take_their_direction_from_their_text(
        tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    _rewrite(folder, lambda records: records[0].update(summary="زار وزير الدفاع بيونغ يانغ"))
    page = html_page(validate([str(folder)]), tool_version="test")
    assert '<p class="value" dir="auto">زار وزير الدفاع بيونغ يانغ</p>' in page
    assert page.count('<div class="text" dir="auto">') == 1


def test_sentences_no_span_cites_are_marked_in_the_text_and_listed(tmp_path: Path) -> None:
    """The recall aid: each uncited sentence with visit or arms wording, under its article."""
    folder = _copy_base(tmp_path)
    page = _page(folder)
    [article] = page.articles
    text = (folder / "articles" / "newsbytes-2023-07-29.txt").read_text("utf-8")
    listed = [(m.start, m.end) for m in article.missing]
    assert listed == [(1, 72), (1798, 1901)]  # the headline, and the parade's drones
    assert page.missing == 2
    parade = article.missing[1]
    assert parade.line == 19
    assert parade.kinds == ("arms transfer",)
    assert "".join(part for part, _ in parade.parts) == text[1798:1901]
    assert [part for part, word in parade.parts if word] == ["drones", "missiles"]
    marked: dict[int, str] = {}
    for piece in article.pieces or ():
        assert not (piece.missing and piece.spans)
        if piece.missing is not None:
            marked[piece.missing] = marked.get(piece.missing, "") + piece.text
    assert marked == {m.number: text[m.start:m.end] for m in article.missing}
    html = html_page(validate([str(folder)]), tool_version="test")
    _well_formed(html)
    for sentence in article.missing:  # numbered as on the page, which draws this one dataset
        assert f'<span id="u{sentence.number}"></span>' in html
        assert f'<a href="#u{sentence.number}">line {sentence.line}</a>' in html
    assert "2 sentences with visit or arms-transfer wording that no span cites" in html
    assert "<strong>drones</strong>" in html


def test_a_sentence_a_span_cites_is_no_longer_listed(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    text = (folder / "articles" / "newsbytes-2023-07-29.txt").read_text("utf-8")

    def cite_the_parade(records: list[dict]) -> None:
        cited = {key: value for key, value in records[0]["evidence"][0].items()
                 if key != "supports"}  # a span for the record: it need name no actor
        span = {**cited, "start": 1850, "end": 1860, "text": text[1850:1860]}
        records[0]["evidence"].append(span)

    _rewrite(folder, cite_the_parade)
    page = _page(folder)
    assert not page.findings
    assert not any(card.findings for card in page.cards)
    assert [(m.start, m.end) for a in page.articles for m in a.missing] == [(1, 72)]
    html = html_page(validate([str(folder)]), tool_version="test")
    assert "1 sentence with visit or arms-transfer wording that no span cites" in html


def test_an_article_whose_candidates_are_all_cited_says_so(tmp_path: Path) -> None:
    folder = _copy_base(tmp_path)
    text = (folder / "articles" / "newsbytes-2023-07-29.txt").read_text("utf-8")

    def cite_everything(records: list[dict]) -> None:
        span = {**records[0]["evidence"][0], "start": 0, "end": len(text), "text": text}
        records[0]["evidence"].append(span)

    _rewrite(folder, cite_everything)
    page = _page(folder)
    assert page.missing == 0
    html = html_page(validate([str(folder)]), tool_version="test")
    assert "Every sentence with visit or arms-transfer wording is cited by a span." in html
    assert 'class="uncovered"' not in html
