"""Memory stays bounded: a 1 GiB JSON Lines file is validated in under 300 MB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "cases" / "valid" / "base"
GIB = 1 << 30
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], check=False).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@pytest.mark.slow
def test_one_gib_of_records_in_under_300_mb(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    shutil.copytree(BASE, folder)
    record = json.loads((folder / "events.jsonl").read_text("utf-8").splitlines()[0])
    # About 100 KB a record, its spans kept: the date's (date-text-uncited), the purpose's
    # (purpose-uncited), the host's, the place's and the status's (field-uncited).
    record["evidence"] = record["evidence"][:2] * 350 + record["evidence"][2:]
    template = json.dumps(record, ensure_ascii=False).replace(
        '"newsbytes-2023-07-29-001"', '"big-%d"')
    size = 0
    with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
        number = 0
        while size < GIB:
            line = template % number + "\n"
            handle.write(line)
            size += len(line.encode())
            number += 1
    # A fresh parent whose only child is the validator, so ru_maxrss is that child's peak.
    result = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "validator",
                             str(folder), "--quiet"],
                            capture_output=True, text=True, timeout=1500, check=False)
    *_, summary, peak = ["", "", *result.stdout.splitlines()]
    assert f"{number} records: 0 errors" in summary, result.stdout[-2000:] + result.stderr[-2000:]
    peak_kib = int(peak)
    assert 0 < peak_kib < 300 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"
    print(f"1 GiB, {number} records: peak RSS {peak_kib / 1024:.0f} MB")
