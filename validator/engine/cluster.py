"""Where tasks run, beyond this machine: a Dask cluster's scheduler.

`validate(paths, mapper=...)` takes any ordered map; this is the one the
command line builds from `--scheduler ADDRESS`.  Every worker must see the
datasets at the same paths as this process (a shared file system) and have
this package installed.  Dask is optional: it is imported only here, and
only when asked for.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, cast

from validator.escaping import escape
from validator.findings import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from validator.engine.pool import Mapper

FROM_CONFIG = "config"  # --scheduler config: Dask's own setting, `scheduler-address`


@contextlib.contextmanager
def dask_map(address: str, timeout: float) -> Iterator[tuple[Mapper, int]]:
    """(an ordered map over the cluster at `address`, its worker threads in all).

    `address` is a scheduler's (`tcp://host:8786`), or `config` for the one
    Dask's configuration names (`DASK_SCHEDULER_ADDRESS`, or
    `scheduler-address` in a Dask config file).  Raises `UsageError` if Dask
    is not installed, no address is configured, or the scheduler does not
    answer within `timeout` seconds: never a local cluster in its place.
    """
    try:
        import dask.config
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs Dask's distributed scheduler: "
                         "pip install 'dask[distributed]'") from None
    if address == FROM_CONFIG:
        configured = dask.config.get("scheduler-address", None)
        if not configured:
            raise UsageError("--scheduler config: Dask's configuration names no scheduler "
                             "(set DASK_SCHEDULER_ADDRESS, or scheduler-address in a Dask "
                             "config file)")
        address = str(configured)
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(f"--scheduler {escape(address)}: no Dask scheduler answered within "
                         f"{timeout:g} s ({escape(str(error), 160)})") from None
    with client:
        threads = sum(worker.get("nthreads", 1)
                      for worker in client.scheduler_info().get("workers", {}).values())

        def run_map(function: Callable[..., object], items: Iterable[object], /,
                    ) -> Iterator[object]:
            # pure=False: two equal tasks (a dataset named twice) both run.
            return iter(client.gather(client.map(function, list(items), pure=False)))

        yield cast("Mapper", run_map), max(1, threads)
