"""Write a file whole or not at all, never through a link."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from validator.findings import UsageError


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in its folder, then rename it there.

    A reader sees the old file or the new one, never half of one; on any
    failure the old file is untouched.  A symlink at `path` is refused, so
    no write goes where the link points.
    """
    if path.is_symlink():
        raise UsageError(f"{path} is a symbolic link; not writing through it")
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, mode)  # mkstemp makes it 0600: keep the file's own mode
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def folder_mode() -> int:
    """The mode a new folder gets under the process's umask (mkdtemp makes 0700)."""
    return 0o777 & ~_umask()
