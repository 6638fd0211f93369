"""Where tasks run: this process, or a pool of worker processes."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """What `worker_map` gives: `map` over one argument, results in input order."""

    def __call__(self, function: Callable[[T], R], items: Iterable[T], /) -> Iterator[R]:
        """Apply `function` to each item."""
        ...


def _worker_started(parent: int) -> None:
    """Each worker: the parent alone answers signals, and the worker dies with it.

    Ctrl-C reaches the whole process group: an idle worker would print a
    KeyboardInterrupt traceback, so workers ignore SIGINT and the parent,
    interrupted, ends them.  SIGTERM is the default again (the parent's
    handler raises, which a worker must not do), and on Linux a worker gets
    SIGTERM when its parent dies, even by SIGKILL: no orphan holds the
    parent's stdout and stderr.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that
        os._exit(1)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, running tasks or not (the run is abandoned)."""
    processes = list((pool._processes or {}).values())  # noqa: SLF001 - no public way before 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()


@contextlib.contextmanager
def worker_map(jobs: int) -> Iterator[Mapper]:
    """A `map` that runs in `jobs` processes, this one among them, results in input order.

    `jobs - 1` worker processes, and this one (see `_sharing_map`).  If the run
    is left by an exception (KeyboardInterrupt, SIGTERM's
    `validator.cli.Terminated`, a failure), the workers are ended before it
    goes on: none outlives the command.
    """
    if jobs <= 1:
        yield map
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    # fork, where there is one: workers inherit the loaded modules and schemas.
    method = "fork" if "fork" in get_all_start_methods() else None
    pool = ProcessPoolExecutor(max_workers=jobs - 1, mp_context=get_context(method),
                               initializer=_worker_started, initargs=(os.getpid(),))
    try:
        yield functools.partial(_sharing_map, pool, jobs - 1)
    except BaseException:
        _end_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _sharing_map(pool: ProcessPoolExecutor, workers: int, function: Callable[[T], R],
                 items: Iterable[T]) -> Iterator[R]:
    """`pool.map` in input order, with this process running items too.

    Whenever the next result in order is not back yet, this process runs the
    next item no one has, instead of waiting: on two cores, one worker and
    this process share the work.  With two workers and this process waiting,
    the results' unpickling here took a share of a core beside them, every
    item was pickled both ways, and the tree held a process more.  The
    workers are kept two items ahead, but the last item is always this
    process's: two chunks of a file go one to a worker and one here.  Items are
    given out in order, so this process's results never wait long for their turn.
    """
    items = list(items)
    futures: dict[int, Future[R]] = {}
    ready: dict[int, R] = {}  # run here, ahead of their turn
    given = 0  # the items before it are given out: to a worker, or to this process

    def feed() -> None:
        nonlocal given
        while given < len(items) - 1 and len(futures) < 2 * workers:
            futures[given] = pool.submit(function, items[given])
            given += 1

    for index in range(len(items)):
        feed()
        if index == given:  # given to no one (the last item, or the only one): this process's
            given += 1
            yield function(items[index])
            continue
        if index in ready:
            yield ready.pop(index)
            continue
        future = futures.pop(index)
        feed()  # before running one here: a worker must not wait for this process to feed it
        while not future.done() and given < len(items):
            ready[given] = function(items[given])
            given += 1
            feed()
        yield future.result()
