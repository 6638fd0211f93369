"""docs/changes-1.1.0-notes.md quotes the articles exactly and names records that exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).parent.parent
NOTES = REPO / "docs" / "changes-1.1.0-notes.md"


def test_every_quoted_sentence_is_in_an_article() -> None:
    texts = [p.read_text("utf-8") for p in (REPO / "datasets").glob("*/articles/*.txt")]
    quotes = [line[2:] for line in NOTES.read_text("utf-8").splitlines() if line.startswith("> ")]
    assert len(quotes) >= 15
    missing = [quote for quote in quotes if not any(quote in text for text in texts)]
    assert not missing


def test_every_record_named_exists() -> None:
    ids = {json.loads(line)["id"] for path in (REPO / "datasets").glob("*/events.jsonl")
           for line in path.read_text("utf-8").splitlines()}
    named = set(re.findall(r"`((?:voa|newsbytes)-[0-9-]+)`", NOTES.read_text("utf-8")))
    assert len(named) >= 20
    assert named <= ids, sorted(named - ids)
