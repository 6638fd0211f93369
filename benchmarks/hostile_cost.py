"""Each slow input of issue 25 at two sizes: time grows at most linearly (nox -s hostile-cost).

For every input of `tests/cases/hostile/cases_cost.py`, this builds the
base dataset with the trap at both of its benchmark sizes in a temporary
folder, runs the installed `validate` on each (`--format json`, output
discarded), and prints the two times and their ratio beside the ratio of the
sizes.  It fails if an input grows clearly faster than linearly (the ratio
of times above 1.5 times the ratio of sizes, once a start-up allowance is
taken off both times), takes more than MAX_SECONDS at the larger size, or
exits otherwise than its case states (a run that fails at once is no
measure of its cost).

    python benchmarks/hostile_cost.py [--only NAME ...] [--timeout S] [--sizes test]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cases" / "hostile"))
from cases_cost import COSTLY, Costly, copy_base  # type: ignore[import-not-found]

MAX_SECONDS = 5.0  # at the larger size
GROWTH = 1.5  # the ratio of times may exceed the ratio of sizes by this factor
START_UP = 0.25  # seconds: Python, imports and the schemas, whatever the input


def _run(validate: str, folder: Path, timeout: float) -> tuple[float, int | None]:
    """Seconds one run of `validate` takes on `folder`, and its exit code (None: timed out)."""
    began = time.perf_counter()
    try:
        done = subprocess.run([validate, str(folder), "--format", "json"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return timeout, None
    return time.perf_counter() - began, done.returncode


def measure(costly: Costly, validate: str, sizes: tuple[int, int], work: Path,
            timeout: float) -> tuple[float, float, bool]:
    """The times of `validate` on the trap at both sizes, and whether both exit as stated."""
    times, exits = [], []
    for size in sizes:
        folder = copy_base(work / f"{costly.name}-{size}" / "dataset")
        costly.build(folder, size)
        seconds, code = _run(validate, folder, timeout)
        times.append(seconds)
        exits.append(code)
        shutil.rmtree(folder.parent)
    return times[0], times[1], all(code in {None, costly.exit} for code in exits)


def main() -> int:
    """Measure every input (or those named), print the table, and judge the growth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="names of inputs to run")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a run may take")
    parser.add_argument("--sizes", choices=["bench", "test"], default="bench",
                        help="test: half the test size and the test size")
    beside = Path(sys.executable).with_name("validate")  # this environment's command
    parser.add_argument("--validate", default=str(beside) if beside.exists()
                        else shutil.which("validate") or "validate")
    args = parser.parse_args()
    failed = []
    print(f"{'input':26} {'small':>11} {'large':>11} {'t small':>8} {'t large':>8} "
          f"{'sizes':>6} {'times':>6}  verdict")
    with tempfile.TemporaryDirectory(prefix="hostile-cost-") as temporary:
        for costly in COSTLY:
            if args.only and costly.name not in args.only:
                continue
            sizes = costly.bench_sizes if args.sizes == "bench" else \
                (costly.test_size // 2, costly.test_size)
            small, large, exits = measure(costly, args.validate, sizes, Path(temporary),
                                          args.timeout)
            size_ratio = sizes[1] / sizes[0]
            time_ratio = large / small if small else float("inf")
            # The start-up allowance off both times: what is left is the input's own cost.
            own_ratio = max(large - START_UP, 0.01) / max(small - START_UP, 0.01)
            verdict = "ok"
            if not exits:  # a run that fails fast proves nothing about its cost
                verdict = f"WRONG EXIT (not {costly.exit})"
            elif large >= args.timeout:
                verdict = "TIMEOUT"
            elif large > MAX_SECONDS:
                verdict = f"SLOW (> {MAX_SECONDS:g} s)"
            elif own_ratio > GROWTH * size_ratio and large - small > START_UP:
                verdict = "SUPERLINEAR"
            if verdict != "ok":
                failed.append(costly.name)
            print(f"{costly.name:26} {sizes[0]:>11,} {sizes[1]:>11,} {small:>7.2f}s "
                  f"{large:>7.2f}s {size_ratio:>5.1f}x {time_ratio:>5.1f}x  {verdict}"
                  f"  ({costly.unit})", flush=True)
    if failed:
        print(f"grew faster than linearly or too slow: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
