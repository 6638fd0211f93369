"""Helpers that more than one test module runs: the CLI in this process, and the SARIF check.

Test modules import these from here, never from each other.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path

import jsonschema

from validator.cli import main

HERE = Path(__file__).parent
# The OASIS SARIF 2.1.0 schema: where it comes from is in test_sarif's docstring.
OASIS_SARIF = json.loads((HERE / "consumers" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`validate ARGS` in this process, its output captured (mutation testing sees it)."""
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    try:
        os.chdir(cwd or before)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["validate", *args], code, out.getvalue(), err.getvalue())


def sarif_errors(log: dict) -> list[str]:
    """What the OASIS schema says about a log, its uri and uri-reference formats checked."""
    checker = jsonschema.FormatChecker()
    validator = jsonschema.Draft4Validator(OASIS_SARIF, format_checker=checker)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(log)]
