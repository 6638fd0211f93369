"""The benchmark's corpus, and the stage profile's loop.

If a clean record gave a finding (say, a new dataset whose records the
corpus generator copies wrongly), the benchmark would time the slow path of
every copy and call it the fast one.  If the stage profile's loop let a
record through that the hot loop stops (or stopped one it lets through), its
rows would time another path than the one they name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from validator import validate

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from bench import make_corpus  # a script: its folder is put on the path above
from stages import STAGES, staged, tasks_of


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


def test_the_stage_profile_times_the_hot_path_of_exactly_the_clean_records(
        tmp_path: Path) -> None:
    _, broken = make_corpus(tmp_path, records=600, datasets=4, seed=12)
    tasks = tasks_of(tmp_path)
    assert len(tasks) == 4
    passed = [staged(tasks, stages)() for stages in range(len(STAGES))]
    assert passed[:2] == [600, 600]  # reading and parsing stop nothing
    assert passed[-1] == 600 - len(broken)
    # The generator's breaks stop at the engine's verdict (a missing field, an
    # unknown actor) and at the screens (a shifted span, a reversed date range).
    assert passed[1] > passed[2] == passed[3] == passed[4] > passed[5] == passed[6]


def test_the_floor_checks_the_records_against_their_own_version(tmp_path: Path) -> None:
    """A floor that refused every record at its schema_version would cost next to nothing."""
    import orjson
    from bench import VERSION, floor

    from validator import registry
    from validator.engine.engines import compiled

    sample, broken = make_corpus(tmp_path, records=200, datasets=4, seed=3)
    engine = compiled(VERSION, registry.RECORD_SCHEMA)
    clean = [record for record in sample if record["id"] not in broken]
    assert clean
    assert all(record["schema_version"] == VERSION and engine.is_valid(record)
               for record in clean)
    assert floor([orjson.dumps(record) for record in clean]) > 0


def test_the_small_stage_account_times_every_stage_of_a_run(tmp_path: Path) -> None:
    """benchmarks/small.py's account wraps the run's own functions: one renamed breaks it."""
    from small import make_small_corpus, stages

    make_small_corpus(tmp_path, datasets=6, seed=1)
    rows = dict(stages(tmp_path, repeat=1))
    assert rows["records: hot path set-up and records"] > 0
    assert rows["descriptor: read and parse"] > 0
    parts = [ms for label, ms in rows.items()
             if label not in {"total", "(of which discovery, timed alone)"}]
    assert rows["total"] == pytest.approx(sum(parts))  # one run: its parts make it up
