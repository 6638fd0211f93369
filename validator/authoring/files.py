"""Read a file the user names; write a file whole or not at all, never through a link."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from validator.findings import UsageError
from validator.reading.limits import MAX_FILE_BYTES


def read_named(path: Path) -> bytes:
    """The bytes of a file named on the command line (an article to copy or to cite).

    A regular file of at most MAX_FILE_BYTES, as the validator reads a dataset's
    files: a FIFO or a device (/dev/zero) is refused, never waited on or read
    without end.  A link the user names is theirs, and followed.
    """
    try:  # without blocking: opening a FIFO would wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{path}: not a regular file")
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"{path}: larger than {MAX_FILE_BYTES} bytes, the limit of a text")
    return data


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
