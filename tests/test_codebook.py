"""The codebook's worked examples stay true to the datasets they cite.

Each example names a dataset and a record and quotes the article sentence
that the record was coded from: the quote must stand, character for
character, in one of that dataset's articles, and the record must be there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).parent.parent
CODEBOOK = REPO / "docs" / "codebook.md"
# "*Example* — `datasets/<name>`, record `<id>`", then the quoted sentences ("> …").
EXAMPLE = re.compile(r"^\*(?:Example|Counter-example)\* — `datasets/([^`]+)`, records? `([^`]+)`",
                     re.MULTILINE)


def _examples() -> list[tuple[str, str, list[str]]]:
    text = CODEBOOK.read_text("utf-8")
    found = []
    for match in EXAMPLE.finditer(text):
        rest = text[match.end():].split("\n\n", 2)
        quotes = [line[2:] for block in rest[:2] for line in block.splitlines()
                  if line.startswith("> ")]
        found.append((match.group(1), match.group(2), quotes))
    return found


def test_every_example_quotes_its_dataset_and_names_a_record_of_it() -> None:
    examples = _examples()
    assert len(examples) >= 100
    assert sum(len(quotes) for _, _, quotes in examples) >= 100
    for dataset, record_id, quotes in examples:
        folder = REPO / "datasets" / dataset
        texts = [path.read_text("utf-8") for path in sorted((folder / "articles").glob("*.txt"))]
        ids = {json.loads(line)["id"]
               for line in (folder / "events.jsonl").read_text("utf-8").splitlines()}
        assert record_id in ids, (dataset, record_id)
        for quote in quotes:
            assert any(quote in text for text in texts), (dataset, record_id, quote)


def test_the_codebook_names_only_rules_that_exist() -> None:
    from validator import RULES

    named = set(re.findall(r"Checked[^.]*?`([a-z]+(?:-[a-z0-9]+)+)`", CODEBOOK.read_text("utf-8")))
    named.discard("rule-code")  # the placeholder where the manual explains its tags
    assert len(named) >= 10
    assert named <= set(RULES), sorted(named - set(RULES))
