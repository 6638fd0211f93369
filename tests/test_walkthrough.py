"""CONTRIBUTING's walk-through, run exactly as written: the guide cannot drift from the tools."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent
BASH = shutil.which("bash") or "/bin/bash"
STORY = REPO / "datasets" / "voa-2021-05-15-payne-washington" / "articles" / "voa-6205843.txt"


def _section() -> str:
    text = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    start = text.index("## Walk-through: a dataset from an article")
    return text[start:text.index("\n## ", start + 1)]


def test_the_walkthrough_makes_a_dataset_that_passes_strict(tmp_path: Path) -> None:
    section = _section()
    commands = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    [record] = re.findall(r"```json record\.json\n(.*?)```", section, re.DOTALL)
    assert len(commands) == 4
    shutil.copyfile(STORY, tmp_path / "story.txt")
    (tmp_path / "record.json").write_text(record, "utf-8")
    bin_dir = str(Path(sys.executable).parent)  # where this environment's commands are
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    outputs = []
    for command in commands:
        done = subprocess.run([BASH, "-euo", "pipefail", "-c", command], cwd=tmp_path,
                              env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs.append(done.stdout)
    # The span the tool printed is the one the record cites.
    assert json.loads(outputs[2]) == json.loads(record)["evidence"][0]
    assert outputs[-1].splitlines()[-1] == "1 dataset, 1 record: 0 errors, 0 warnings"
