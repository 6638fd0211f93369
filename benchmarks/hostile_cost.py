"""Each slow input of issue 25 at two sizes: time grows at most linearly (nox -s hostile-cost).

For every input of `tests/cases/hostile/cases_cost.py`, this builds the
base dataset with the trap at both of its benchmark sizes in a temporary
folder, runs the installed `validate` on each (`--format json`, output
discarded), and prints the two times and their ratio beside the ratio of the
sizes.  It fails if an input grows clearly faster than linearly (the ratio
of times above 1.5 times the ratio of sizes, once the time of a run on the
base dataset is taken off both, unless what is left is too short to judge),
takes more than MAX_SECONDS at the larger size, or exits otherwise than its
case states (a run that fails at once is no measure of its cost).  Each
time is the best of RUNS runs.

    python benchmarks/hostile_cost.py [--only NAME ...] [--timeout S] [--sizes test]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cases" / "hostile"))
from cases_cost import COSTLY, Costly, copy_base  # type: ignore[import-not-found]

MAX_SECONDS = 5.0  # at the larger size
GROWTH = 1.5  # the ratio of times may exceed the ratio of sizes by this factor
TOO_SHORT = 0.3  # seconds of an input's own cost at the larger size: too short to judge
RUNS = 2  # each time is the best of this many runs


def _run(validate: str, folder: Path, timeout: float) -> tuple[float, int | None]:
    """Seconds one run of `validate` takes on `folder`, and its exit code (None: timed out)."""
    # A blocking wait, with a timer to end a run past its time: a wait with a
    # timeout polls, and would round every time up to some 50 ms.
    began = time.perf_counter()
    with subprocess.Popen([validate, str(folder), "--format", "json"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        code = process.wait()
        timer.cancel()
    seconds = time.perf_counter() - began
    return (timeout, None) if seconds >= timeout else (seconds, code)


def measure(costly: Costly, validate: str, sizes: tuple[int, int], work: Path,
            timeout: float) -> tuple[float, float, bool]:
    """The times of `validate` on the trap at both sizes, and whether both exit as stated."""
    times, exits = [], []
    for size in sizes:
        folder = copy_base(work / f"{costly.name}-{size}" / "dataset")
        costly.build(folder, size)
        runs = [_run(validate, folder, timeout)]
        if runs[0][1] is not None:  # one that timed out is not run again
            runs += [_run(validate, folder, timeout) for _ in range(RUNS - 1)]
        seconds, code = min(runs)
        times.append(seconds)
        exits.append(code)
        shutil.rmtree(folder.parent)
    return times[0], times[1], all(code in {None, costly.exit} for code in exits)


def start_up(validate: str, work: Path, timeout: float) -> float:
    """Seconds `validate` takes on the base dataset: what every run costs, whatever the input."""
    folder = copy_base(work / "base" / "dataset")
    seconds = min(_run(validate, folder, timeout)[0] for _ in range(3))
    shutil.rmtree(folder.parent)
    return seconds


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
        base = start_up(args.validate, Path(temporary), args.timeout)
        print(f"{'(the base dataset)':26} {'':>11} {'':>11} {base:>7.2f}s")
        for costly in COSTLY:
            if args.only and costly.name not in args.only:
                continue
            sizes = costly.bench_sizes if args.sizes == "bench" else \
                (costly.test_size // 2, costly.test_size)
            small, large, exits = measure(costly, args.validate, sizes, Path(temporary),
                                          args.timeout)
            size_ratio = sizes[1] / sizes[0]
            time_ratio = large / small if small else float("inf")
            # The base dataset's time off both: what is left is the input's own cost.
            own_small, own_large = max(small - base, 0.01), max(large - base, 0.01)
            verdict = "ok"
            if not exits:  # a run that fails fast proves nothing about its cost
                verdict = f"WRONG EXIT (not {costly.exit})"
            elif large >= args.timeout:
                verdict = "TIMEOUT"
            elif large > MAX_SECONDS:
                verdict = f"SLOW (> {MAX_SECONDS:g} s)"
            elif own_large / own_small > GROWTH * size_ratio and own_large > TOO_SHORT:
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
