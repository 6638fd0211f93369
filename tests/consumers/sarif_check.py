"""GitHub code scanning as a consumer: the SARIF logs meet its requirements.

`python sarif_check.py MULTITOOL WORK` writes the `--format sarif` log of every
rule case (paths relative, as a repository's CI names them) and of every
hostile case (absolute paths, so `file:` URIs), then runs Microsoft's SARIF
Multitool `validate` on each with the SARIF specification's rules and GitHub
Advanced Security's (`--rule-kind Sarif;Ghas`).  Any objection fails the
check, but one: SARIF2005 (a warning) asks for the tool's `informationUri`,
and this project has no web address to give.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "cases" / "hostile"))

from cases import HOSTILE  # noqa: E402 - the hostile cases' module, found on the path above

from validator import registry, validate  # noqa: E402 - after the path above, for symmetry
from validator.render.documents import sarif_document  # noqa: E402

# SARIF2005 asks for the tool's informationUri: the project has no web address to give.
ALLOWED = {("SARIF2005", "Warning_ProvideToolnformationUri")}


def write_log(paths: list[str], target: Path, ignore: tuple[str, ...] = ()) -> int:
    """Write the SARIF log of `paths` to `target`; return how many results it has."""
    report = validate(paths, ignore=ignore)
    target.write_text(sarif_document(report.findings, datasets=report.datasets,
                                     records=report.records, tool_version=version("textevents"),
                                     schema_versions=registry.versions(),
                                     ignored=report.ignored), "utf-8")
    return len(report.findings)


def main(argv: list[str]) -> int:
    """Write the logs, validate each, print every objection; exit 1 on any not allowed."""
    multitool, work = argv[0], Path(argv[1]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.chdir(ROOT)  # the cases' paths relative to the repository, as in its CI
    cases = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "cases" / "invalid").glob("*/*")
                   if p.is_dir() and p.parent.name != "path-unsafe")  # a symlink case: below
    logs = {work / "cases.sarif": write_log(cases, work / "cases.sarif")}
    # The same with rules turned off in the invocation (--ignore).
    logs[work / "ignored.sarif"] = write_log(cases, work / "ignored.sarif",
                                             ignore=("meaning", "codelist-open-value"))
    hostile = []
    for case in HOSTILE:
        folder = work / "hostile" / case.name / "dataset"
        shutil.copytree(ROOT / "tests" / "cases" / "valid" / "base", folder)
        case.build(folder)
        hostile.append(str(folder))
    logs[work / "hostile.sarif"] = write_log(hostile, work / "hostile.sarif")
    failures = 0
    for log, results in logs.items():
        checked = log.with_suffix(".checked.sarif")
        run = subprocess.run([multitool, "validate", "--rule-kind", "Sarif;Ghas", str(log),
                              "--output", str(checked), "--log", "ForceOverwrite"],
                             capture_output=True, text=True, check=False, timeout=600)
        if run.returncode != 0 or not checked.is_file():
            print(run.stdout, run.stderr)
            failures += 1
            continue
        objections = json.loads(checked.read_text("utf-8"))["runs"][0]["results"]
        kept = [o for o in objections if (o["ruleId"], o["message"].get("id")) not in ALLOWED]
        for objection in kept:
            print(f"{log.name}: {objection['ruleId']} {objection.get('level', 'warning')}: "
                  f"{objection['message']}")
        print(f"{log.name}: {results} results; the Multitool objects to {len(kept)} "
              f"(and {len(objections) - len(kept)} allowed)")
        failures += len(kept)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
