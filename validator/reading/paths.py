"""Open files inside a dataset safely: the path policy and checked handles.

Everything that opens a file of a dataset goes through here, so that no path
a dataset names can reach outside it, block on a FIFO or follow a link.
Failures are values (`Problem`s), not exceptions.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from validator.escaping import escape
from validator.findings import Problem
from validator.reading.limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    import io
    from collections.abc import Iterator

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


def unsafe_path_reason(path: object) -> str | None:
    """Why a path named by a dataset may not be opened, or None if it is safe.

    The policy: a relative POSIX path of plain segments inside the dataset;
    no URL or scheme, no absolute path, no '.' or '..' segment, no backslash,
    no NUL, no characters outside [A-Za-z0-9._-] in a segment.
    """
    if not isinstance(path, str) or not path:
        return "is not a non-empty string"
    if "\x00" in path:
        return "contains a NUL character"
    if "\\" in path:
        return "contains a backslash"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path):
        return "is a URL or has a scheme"
    if path.startswith("/"):
        return "is absolute"
    for segment in path.split("/"):
        if segment in {"", ".", ".."}:
            return f"has a {segment!r} segment" if segment else "has an empty segment"
        if not _SAFE_SEGMENT.fullmatch(segment):
            return "has characters outside A-Z a-z 0-9 . _ -"
    return None


def open_regular_file(root: Path, relative: str) -> io.BufferedReader | Problem:
    """Open a file inside `root` for reading through one checked handle.

    Refuses anything but a regular file reached without symlinks: a FIFO or
    device is not opened blocking, a link (anywhere on the path) is not followed.
    """
    reason = unsafe_path_reason(relative)
    if reason:
        return Problem("path-unsafe", f"path {escape(relative)} {reason}")
    current = root
    info = None
    for segment in PurePosixPath(relative).parts:
        current = current / segment
        try:
            info = current.lstat()
        except FileNotFoundError:
            return Problem("resource-missing", f"{escape(relative)} does not exist")
        except OSError as error:
            return Problem("path-unsafe", f"{escape(relative)} cannot be inspected: "
                           f"{escape(error.strerror or str(error))}")
        if stat.S_ISLNK(info.st_mode):
            return Problem("path-unsafe", f"{escape(relative)} is or passes through a symlink")
    if info is None or not stat.S_ISREG(info.st_mode):
        return Problem("path-unsafe", f"{escape(relative)} is not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(current, flags)
    except OSError as error:
        return Problem("path-unsafe", f"{escape(relative)} cannot be opened: "
                       f"{escape(error.strerror or str(error))}")
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since lstat
        handle.close()
        return Problem("path-unsafe", f"{escape(relative)} is not a regular file")
    return handle


def read_regular_file(root: Path, relative: str, limit: int = MAX_FILE_BYTES) -> bytes | Problem:
    """The bytes of a file inside `root`, read once through a checked handle."""
    handle = open_regular_file(root, relative)
    if isinstance(handle, Problem):
        return handle
    with handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return Problem("file-too-large", f"{escape(relative)} is larger than {limit} bytes")
    return data


def dataset_files(root: Path) -> Iterator[str]:
    """Every entry below a dataset folder, as relative POSIX paths; links not followed."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder).relative_to(root)
        for name in sorted(files) + [d for d in sorted(dirs) if (Path(folder) / d).is_symlink()]:
            yield (base / name).as_posix()
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())


