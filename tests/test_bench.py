"""The benchmark's corpus: clean records but for those it breaks on purpose.

If a clean record gave a finding (say, a new dataset whose records the
corpus generator copies wrongly), the benchmark would time the slow path of
every copy and call it the fast one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from validator import validate

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from bench import make_corpus  # a script: its folder is put on the path above


def test_only_the_records_broken_on_purpose_give_findings(tmp_path: Path) -> None:
    datasets = len([p for p in (Path(__file__).parent.parent / "datasets").iterdir()
                    if p.is_dir()])
    _, broken = make_corpus(tmp_path, records=150 * datasets, datasets=datasets, seed=7)
    report = validate([str(tmp_path)], jobs=1)
    lines = {}  # each events file read once
    flagged = set()
    for finding in report.findings:
        assert finding.file.endswith("/events.jsonl"), finding
        if finding.file not in lines:
            lines[finding.file] = Path(finding.file).read_text("utf-8").splitlines()
        flagged.add(json.loads(lines[finding.file][finding.line - 1])["id"])
    assert report.records == 150 * datasets
    assert broken  # about 1%
    assert flagged == broken
