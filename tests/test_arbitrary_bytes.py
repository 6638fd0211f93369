"""Any bytes in any file of a dataset give exit 0 or 1 and findings, never a crash."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from strategies import contents

from validator.cli import main

BASE = Path(__file__).parent / "cases" / "valid" / "base"
KINDS = ["events.jsonl", "datapackage.json", "sources.csv", "actors.csv",
         "articles/newsbytes-2023-07-29.txt"]


@pytest.mark.parametrize("kind", KINDS)
@given(data=contents())
@example(data=b"\n{\n{")  # once crashed: a header-less sources table
def test_arbitrary_bytes_give_a_verdict(kind: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dataset"
        shutil.copytree(BASE, folder)
        (folder / kind).write_bytes(data)
        before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(folder), "--format", "json"])
        assert code in {0, 1}, err.getvalue()
        assert "Traceback" not in out.getvalue() + err.getvalue()
        assert '"internal-error"' not in out.getvalue()  # the crash barrier hid a crash
        assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
