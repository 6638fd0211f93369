"""Run `validate` on a Dask cluster and compare with one process (`nox -s dask`).

`validate(paths, mapper=...)` takes any ordered map; this runs its tasks on a
local Dask cluster of worker processes, as a run beyond this machine would
(every worker sees the files at the same paths).  The corpus is the
benchmark's, with events files large enough to be split into chunks, so
both kinds of task (whole datasets, then chunks) go through the cluster.
Then the command line: `validate --scheduler ADDRESS` on that corpus and on
500 small datasets (benchmarks/small.py) prints exactly what `--jobs 1`
prints, and an unreachable scheduler is an exit-2 message within its timeout.
Exits 1 if the findings, or the counts, differ from a one-process run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench import make_corpus  # the benchmark's seeded corpus, broken records included
from small import make_small_corpus  # the small-dataset shape, broken records included

from validator import validate
from validator.reading.limits import SIZES


def command_line(address: str, corpora: list[Path]) -> bool:
    """`validate --scheduler ADDRESS` prints what `validate --jobs 1` prints, on each corpus.

    And a scheduler that does not answer is an exit-2 message within its timeout.
    """
    validate_command = [sys.executable, "-m", "validator", "--format", "json"]
    for corpus in corpora:
        timed = []
        outputs = []
        for options in (["--jobs", "1"], ["--scheduler", address]):
            start = time.perf_counter()
            done = subprocess.run([*validate_command, *options, str(corpus)], capture_output=True,
                                  check=False)
            timed.append(time.perf_counter() - start)
            outputs.append((done.returncode, done.stdout))
            if done.returncode not in {0, 1}:
                print(f"dask: validate {' '.join(options)} exited {done.returncode}: "
                      f"{done.stderr.decode()[-500:]}")
                return False
        if outputs[0] != outputs[1]:
            print(f"dask: validate --scheduler differs from --jobs 1 on {corpus.name}")
            return False
        print(f"dask: validate --scheduler on {corpus.name}: the same output and exit code "
              f"({outputs[0][0]}) as --jobs 1; {timed[0]:.1f} s with one process, "
              f"{timed[1]:.1f} s on the cluster")
    start = time.perf_counter()
    done = subprocess.run([*validate_command, "--scheduler", "tcp://127.0.0.1:9",
                           "--scheduler-timeout", "3", str(corpora[-1])],
                          capture_output=True, text=True, check=False)
    waited = time.perf_counter() - start
    if done.returncode != 2 or "no Dask scheduler answered" not in done.stderr or waited > 20:
        print(f"dask: an unreachable scheduler gave exit {done.returncode} after {waited:.1f} s: "
              f"{done.stderr[-300:]}")
        return False
    print(f"dask: an unreachable scheduler: exit 2 after {waited:.1f} s: {done.stderr.strip()}")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus(corpus, 20_000, 2, seed=7)  # two events files of some 23 MB
        # A repeated id names where it was first used: a finding that tells whether
        # results merged in task order, within a file and across datasets.
        first = (corpus / "ds-0000" / "events.jsonl").open("rb").readline()
        for name in ("ds-0000", "ds-0001"):
            with (corpus / name / "events.jsonl").open("ab") as handle:
                handle.write(first)
        size = (corpus / "ds-0000" / "events.jsonl").stat().st_size
        if size <= SIZES.chunk_bytes:
            print(f"dask: the events file ({size} bytes) would not be split")
            return 1
        start = time.perf_counter()
        serial = validate([str(corpus)], jobs=1)
        serial_seconds = time.perf_counter() - start
        small = Path(tmp) / "small"
        make_small_corpus(small, 500, seed=11)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            if not command_line(cluster.scheduler_address, [corpus, small]):
                return 1
            calls: list[int] = []

            def mapper(function, items):  # validate's Mapper: results in input order
                items = list(items)
                calls.append(len(items))
                return iter(client.gather(client.map(function, items, pure=False)))

            start = time.perf_counter()
            spread = validate([str(corpus)], jobs=args.workers, mapper=mapper)
            spread_seconds = time.perf_counter() - start
    print(f"dask: {spread.datasets} datasets, {spread.records} records, "
          f"{len(spread.findings)} findings; tasks sent: {calls} "
          f"(datasets, then chunks); one process {serial_seconds:.1f} s, "
          f"{args.workers} Dask workers {spread_seconds:.1f} s")
    if len(calls) != 2 or calls[1] < 2:
        print("dask: the large files' chunks did not go through the cluster")
        return 1
    repeats = [f for f in serial.findings if f.code == "record-id-duplicate"]
    if len(repeats) != 2:
        print(f"dask: expected 2 repeated ids, found {len(repeats)}")
        return 1
    if spread != serial:
        print("dask: the findings differ from one process's")
        return 1
    print("dask: the same findings, in the same order, as one process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
