"""A dataset of 1.2.0 or later is Frictionless-native: `frictionless validate` alone checks its
cells."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
CHECK = REPO / "tests" / "consumers" / "frictionless_check.py"
PAYNE = REPO / "datasets" / "voa-2021-05-15-payne-washington"


@pytest.mark.slow
def test_frictionless_validate_alone_refuses_planted_cells_in_an_upgraded_copy(
        tmp_path: Path) -> None:
    """Upgraded to the newest version, with an aliases table, a real dataset passes
    `frictionless validate`; with kind `wizard`, country `Australia`, a date `not-a-date`, a
    publication time `2021-13-45T99:99:99Z` and an alias of no actor it fails, and names each
    of them (what `nox -s frictionless` runs)."""
    bin_dir = str(Path(sys.executable).parent)  # this environment's frictionless, textevents
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    done = subprocess.run([sys.executable, str(CHECK), str(PAYNE), str(tmp_path)], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "refused the 5 planted cells" in done.stdout
