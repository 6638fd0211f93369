"""Write tests/cases/invalid/<code>/<name>/dataset/ from tests/cases/valid/base and CASE_MUTATIONS.

Each case gets `expected.json` beside its dataset: the exact findings (code, file,
line, column, message) the validator gives.  The script refuses to write a case
whose findings do not include the mutation's declared code, and names any other
code it gives.
Review the diff of expected.json files before committing.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from case_mutations import CASE_MUTATIONS

from validator import validate

CASES = Path(__file__).parent / "cases"


def flatten(report, root: Path) -> list[list]:
    """(code, file, line, column, message, pointer) of each finding, paths relative to the case."""
    prefixes = (f"{root.resolve().as_posix()}/", f"{os.path.relpath(root)}/")

    def relative(message: str) -> str:
        for prefix in prefixes:
            message = message.replace(prefix, "")
        return message

    return [[f.code, os.path.relpath(f.file, root), f.line, f.column, relative(f.message),
             f.pointer] for f in report.findings]


def main() -> int:
    base = CASES / "valid" / "base"
    shutil.rmtree(CASES / "invalid", ignore_errors=True)
    for mutation in CASE_MUTATIONS:
        case = CASES / "invalid" / mutation.code / mutation.name
        folder = case / "dataset"
        shutil.copytree(base, folder, symlinks=True)
        mutation.apply(folder)
        found = flatten(validate([str(case)]), case)
        codes = {finding[0] for finding in found}
        if mutation.code not in codes:
            print(f"{mutation.code}/{mutation.name}: gives {found}", file=sys.stderr)
            return 1
        if codes != {mutation.code}:  # allowed, but shown for review
            print(f"note {mutation.code}/{mutation.name}: also {sorted(codes)}", file=sys.stderr)
        (case / "expected.json").write_text(json.dumps(found, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
