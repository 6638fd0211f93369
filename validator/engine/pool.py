"""Where tasks run: this process, or a pool of worker processes."""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """What `worker_map` gives: `map` over one argument, results in input order."""

    def __call__(self, function: Callable[[T], R], items: Iterable[T], /) -> Iterator[R]:
        """Apply `function` to each item."""
        ...



@contextlib.contextmanager
def worker_map(jobs: int) -> Iterator[Mapper]:
    """A `map` that runs in `jobs` processes (1: this one), results in input order."""
    if jobs <= 1:
        yield map
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    # fork, where there is one: workers inherit the loaded modules and schemas.
    method = "fork" if "fork" in get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context(method)) as pool:
        yield functools.partial(pool.map, chunksize=1)
