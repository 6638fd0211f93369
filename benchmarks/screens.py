"""What each record check's screen costs a clean record, timed alone.

`stages.py` times all the screens together, in the hot loop; on a machine
that other work shares, its rows move by more than one screen's cost between
runs.  This times each screen of `RECORD_CHECKS` on its own, over the records
of the same corpus with their values gathered once, in CPU time, the screens
interleaved (each round times every screen once) and the best round kept, less
the loop with a screen that does nothing.  The allegations' transfers kept for
the checks across a dataset's records (codebook G3, F3) are timed the same way.

Run it with `python benchmarks/screens.py`; against another commit, with that
commit's package first on the path (`PYTHONPATH=../other python
benchmarks/screens.py`), alternating the two.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from bench import make_corpus  # beside this script, which Python puts on the path

from validator.checks.records import RECORD_CHECKS
from validator.checks.walk import view
from validator.engine.dataset import dataset_layers
from validator.reading.discovery import discover

if TYPE_CHECKING:
    from collections.abc import Callable

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

Item = tuple[Any, "RecordView", "DatasetContext"]


def items_of(corpus: Path) -> list[Item]:
    """(record, its values, its dataset's context) of every record of the corpus."""
    items: list[Item] = []
    for location in discover([str(corpus)])[0]:
        for task in dataset_layers(location).tasks:
            for line in (Path(task.root) / task.path).read_bytes().splitlines():
                record = orjson.loads(line)
                items.append((record, view(record), task.context))
    return items


def _nothing(facts: RecordView, context: DatasetContext) -> bool:  # noqa: ARG001 - a screen's
    return True


def _gatherer() -> Callable[[list[Item]], None] | None:
    """The transfers' gathering as the hot loop does it, if this package has it."""
    try:
        from validator.checks.transfers import Transfers  # newer packages only
    except ImportError:
        return None

    def gather(items: list[Item]) -> None:
        add = Transfers().add
        for number, (record, _, _) in enumerate(items):
            if "arms_allegation" in record:
                add(record, number, 0)
    return gather


def timed(items: list[Item], rounds: int) -> dict[str, float]:
    """µs a record of each screen (and the transfers' gathering), best of `rounds`."""
    screens: dict[str, Callable[[RecordView, DatasetContext], bool]] = {
        "(the loop)": _nothing, **{check.name: check.passes for check in RECORD_CHECKS}}
    best = dict.fromkeys([*screens, "(transfers gathered)", "(the plain loop)"], float("inf"))
    gather = _gatherer()
    for _ in range(rounds):
        for name, screen in screens.items():
            start = time.process_time()
            for _, facts, context in items:
                screen(facts, context)
            best[name] = min(best[name], time.process_time() - start)
        start = time.process_time()
        for _number, _ in enumerate(items):  # as the gathering loops
            pass
        best["(the plain loop)"] = min(best["(the plain loop)"], time.process_time() - start)
        if gather is not None:
            start = time.process_time()
            gather(items)
            best["(transfers gathered)"] = min(best["(transfers gathered)"],
                                               time.process_time() - start)
    count = len(items)
    loop, plain = best.pop("(the loop)"), best.pop("(the plain loop)")
    return {name: (seconds - (plain if name == "(transfers gathered)" else loop)) / count * 1e6
            for name, seconds in best.items() if seconds != float("inf")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as corpus:
        make_corpus(Path(corpus), args.records, args.datasets, args.seed)
        items = items_of(Path(corpus))
    costs = timed(items, args.rounds)
    print(f"{len(items)} records; µs a record, CPU time, best of {args.rounds}\n")
    for name, cost in costs.items():
        print(f"{name:32s} {cost:6.2f}")
    print(f"{'(every screen)':32s} {sum(c for n, c in costs.items() if n[0] != '('):6.2f}")


if __name__ == "__main__":
    main()
