"""Where a clean record's time goes: the hot loop of `check_records`, one stage at a time.

Each row runs the loop over the same corpus with one more stage than the row
above (read the lines; parse; the engine's verdict; the repeated-key guard; the
walk that gathers values; the screens; the id digest; the spans kept for the
recall aid, merged a block at a time; the digests and windows of the event keys,
for the run's possible duplicates), so that the difference
between two rows is what that stage costs a record where it stands, with the
caches as the real loop leaves them.  A profiler cannot say this: most stages
are single calls into C that it cannot split, and its own cost per call is of
the size of the screens it would measure.  The last rows are `check_records`
itself (the stages above, plus the bookkeeping, the ids kept and the full path
for the records that fail) and the floor of `bench.py`.

It ends with the budget that half the floor's speed leaves: what is left for
the record checks once reading, parsing, the verdict and the strict guard
(which the issue keeps) are paid, against what the checks cost.

Run it with `python benchmarks/stages.py` (nox -s bench runs it after bench.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from bench import make_corpus  # beside this script, which Python puts on the path

from validator import registry
from validator.checks.walk import view
from validator.engine.across import EventKeys
from validator.engine.dataset import dataset_layers
from validator.engine.engines import compiled
from validator.engine.ids import id_digest
from validator.engine.records import RecordTask, check_records, hot_path
from validator.findings import Problem
from validator.reading.discovery import discover
from validator.reading.fast_json import colons_agree
from validator.reading.lines import blocks
from validator.reading.paths import open_regular_file
from validator.recall import SETTLE_AT, Coverage

if TYPE_CHECKING:
    from collections.abc import Callable

STAGES = ("read the lines (blocks)", "+ orjson parse", "+ engine verdict (is_valid)",
          "+ repeated-key guard", "+ gather values (view)", "+ screens", "+ id digest",
          "+ cited ranges (recall aid)", "+ event keys (K1, K2)")
MANDATORY = 3  # the stages up to the guard: what any strict validator here must pay


def tasks_of(corpus: Path) -> list[RecordTask]:
    """One record task per dataset of the corpus, as `validate --jobs 1` makes them."""
    tasks = []
    for location in discover([str(corpus)])[0]:
        tasks += dataset_layers(location).tasks  # the layers before the records: tables, texts
    return tasks


def staged(tasks: list[RecordTask], stages: int) -> Callable[[], int]:
    """The hot loop with its first `stages` stages after reading.

    The loop returns how many records went through every one of them: a
    failing record stops where it fails, as in `check_records`.
    """
    loads, dumps = orjson.loads, orjson.dumps
    paths = [(task, hot_path(task.context, sys.maxsize, task.ignore)) for task in tasks]

    def loop() -> int:
        passed = 0
        for task, hot in paths:
            context, is_valid, screens = task.context, hot.is_valid, hot.screens
            handle = open_regular_file(Path(task.root), task.path)
            if isinstance(handle, Problem):
                continue
            covered = Coverage()
            cite, add_keys = covered.spans.extend, EventKeys().add
            with handle:
                for _, lines, _ in blocks(handle, None, digits=False):
                    covered.settle(past=SETTLE_AT)
                    for raw in lines:
                        if raw is None:
                            continue
                        if stages >= 1:
                            record = loads(raw)
                        if stages >= 2 and not is_valid(record):
                            continue
                        if stages >= 3 and not colons_agree(raw, dumps(record)):
                            continue
                        if stages >= 4:
                            facts = view(record)
                        if stages >= 5:
                            for screen in screens:  # as check_records loops over them
                                if not screen(facts, context):
                                    break
                            else:
                                if stages >= 6:
                                    id_digest(record["id"])
                                if stages >= 7:
                                    cite(facts.spans)
                                if stages >= 8:
                                    add_keys(record, passed)
                                passed += 1
                            continue
                        passed += 1
            covered.settle()
        return passed
    return loop


def best(function: Callable[[], object], repeat: int) -> float:
    """The best of `repeat` timings of `function`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="textevents-stages-") as corpus:
        make_corpus(Path(corpus), args.records, args.datasets, args.seed)
        report(tasks_of(Path(corpus)), args.repeat)
    return 0


def report(tasks: list[RecordTask], repeat: int) -> None:
    """Print the table of stages and the budget for `tasks`, timing each `repeat` times."""
    lines = [line for task in tasks
             for line in (Path(task.root) / task.path).read_bytes().splitlines()]
    per_record = 1e6 / len(lines)
    engine = compiled(tasks[0].context.version, registry.RECORD_SCHEMA)

    def floor() -> None:
        for line in lines:
            engine.is_valid(orjson.loads(line))

    floor_us = best(floor, repeat) * per_record
    print(f"{len(lines)} records in {len(tasks)} datasets; µs a record, best of {repeat}\n")
    print(f"| {'stage':40s} | {'total':>6s} | {'stage':>6s} |")
    print(f"|{'-' * 42}|{'-' * 8}|{'-' * 8}|")
    totals = []
    for stages, name in enumerate(STAGES):
        totals.append(best(staged(tasks, stages), repeat) * per_record)
        print(f"| {name:40s} | {totals[-1]:6.2f} | "
              f"{totals[-1] - (totals[-2] if stages else 0):6.2f} |")
    whole = best(lambda: [check_records(task) for task in tasks], repeat) * per_record
    print(f"| {'check_records (+ bookkeeping, slow path)':40s} | {whole:6.2f} | "
          f"{whole - totals[-1]:6.2f} |")
    print(f"| {'floor: orjson + released is_valid':40s} | {floor_us:6.2f} |        |")
    mandatory = totals[MANDATORY]
    print(f"\ncheck_records runs at {floor_us / whole:.0%} of the floor. Half the floor allows "
          f"{2 * floor_us:.2f} µs a record; reading, parsing, the verdict and the guard take "
          f"{mandatory:.2f}, leaving {2 * floor_us - mandatory:.2f} µs for every record check, "
          f"which take {whole - mandatory:.2f} here.")


if __name__ == "__main__":
    raise SystemExit(main())
