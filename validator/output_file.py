"""The report file of `validate --output`: where it may go, and a write that is all or nothing.

The output path is the caller's, but the folders around it may hold a
contribution: a symlink planted at the output path, or a hard link of a
dataset's file there, must not make the report land outside the checkout or
overwrite the data.  The report is written to a new temporary file beside the
target and renamed over it: the previous file stays as it was until the whole
report is on disk, and the temporary file is removed on any failure or signal
(SIGINT and SIGTERM unwind as exceptions, see `validator.cli`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from validator.findings import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True, slots=True)
class OutputTarget:
    """A checked output path: its folder (resolved, and which folder it was) and its name."""

    folder: Path
    name: str
    folder_id: tuple[int, int]  # (device, inode) of the folder when it was checked


def _by_name(path: str | Path) -> Path:
    """The absolute path, '..' removed by name: links are not followed."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - by name, on purpose


def _refusal(output: str, info: os.stat_result) -> str | None:
    """Why an existing entry at the output path may not be replaced, or None."""
    if stat.S_ISLNK(info.st_mode):
        return (f"--output {output} is a symlink: the report is not written through a link "
                "(remove it, or name another file)")
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        return (f"--output {output} is a hard link (one of {info.st_nlink} names of a file, "
                "perhaps a dataset's): name another file")
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        return f"--output {output} is not a regular file (a FIFO or device, say)"
    return None  # a folder is refused when written, as ever: "Is a directory"


def lies_inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path` (which may not exist) lies inside the folder `root`, by name or through links.

    Both are taken by name and resolved (the path's folder, the path itself may
    be new), so a link to the folder, or one in the path, does not hide it.
    """
    named = _by_name(path)
    places = (named, named.parent.resolve() / named.name)
    return any(place.is_relative_to(inside) for place in places
               for inside in (_by_name(root), Path(root).resolve()))


def output_target(output: str, checked: Iterable[tuple[str, str | Path]]) -> OutputTarget:
    """Check the output path against what a run checks; raises `UsageError` if refused.

    `checked` gives (name, folder) of each folder the run reads: the report
    may not lie inside one, named directly or through links.  A symlink at
    the output path, or a file there with other names (a hard link), is
    refused.  The folder the report goes into is resolved once, here; the
    write checks that it is still the same folder.
    """
    named = _by_name(output)
    if not named.name or output.endswith(os.sep):
        raise UsageError(f"--output {output} names a folder, not a file")
    folder = named.parent.resolve()
    target = folder / named.name
    for name, root in checked:
        if lies_inside(named, root):
            raise UsageError(f"--output {output} lies inside {name}, which is being checked; "
                             "write the report elsewhere")
    try:
        info = folder.stat()
    except OSError:
        info = None
    if info is None or not stat.S_ISDIR(info.st_mode):
        raise UsageError(f"--output {output}: folder {folder} does not exist")
    with contextlib.suppress(FileNotFoundError):
        refusal = _refusal(output, target.lstat())
        if refusal:
            raise UsageError(refusal)
    return OutputTarget(folder, named.name, (info.st_dev, info.st_ino))


def write_atomically(target: OutputTarget, data: bytes) -> None:
    """Put `data` at the target whole, or leave what was there; raises OSError.

    Every step is relative to the folder's descriptor, opened once and
    checked to be the folder that `output_target` saw.  The entry at the
    target is checked again (it may have changed during the run); the data
    goes to a new file created beside it (O_EXCL, no link followed), synced,
    and renamed over the target.  The new file is removed on any failure,
    KeyboardInterrupt or other exception.
    """
    folder = os.open(target.folder, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    try:
        here = os.fstat(folder)
        if (here.st_dev, here.st_ino) != target.folder_id:
            raise OSError(errno.ESTALE, f"folder {target.folder} was replaced during the run")
        mode = None
        try:
            info = os.stat(target.name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            pass
        else:
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
            if _refusal(target.name, info):
                raise OSError(errno.EEXIST, "a symlink, a hard link or a special file took "
                              "its place during the run; not replaced")
            mode = stat.S_IMODE(info.st_mode)
        temporary = f".{target.name}.{secrets.token_hex(8)}.tmp"  # new: O_EXCL below
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                         0o666, dir_fd=folder)
            with os.fdopen(fd, "wb") as handle:
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)  # the report keeps its permissions
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target.name, src_dir_fd=folder, dst_dir_fd=folder)
        finally:  # after the rename there is nothing left to remove
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=folder)
    finally:
        os.close(folder)
