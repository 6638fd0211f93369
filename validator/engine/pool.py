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
    from concurrent.futures import ProcessPoolExecutor

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
    """A `map` that runs in `jobs` processes (1: this one), results in input order.

    If the run is left by an exception (KeyboardInterrupt, SIGTERM's
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
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context(method),
                               initializer=_worker_started, initargs=(os.getpid(),))
    try:
        yield functools.partial(pool.map, chunksize=1)
    except BaseException:
        _end_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
