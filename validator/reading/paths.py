"""Open files inside a dataset safely: the path policy and checked handles.

Everything that opens a file of a dataset goes through here, so that no path
a dataset names can reach outside it, block on a FIFO or follow a link.
Failures are values (`Problem`s), not exceptions.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from typing import TYPE_CHECKING

from validator.escaping import escape
from validator.findings import Problem
from validator.reading.limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    import io
    from collections.abc import Callable, Iterator
    from pathlib import Path

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A path the policy accepts, in one match: plain segments, none '.' or '..' (a colon is
# not among their characters, so no scheme either).  Only a path it refuses is asked why.
_PLAIN_SEGMENT = r"(?!\.\.?(?:/|$))[A-Za-z0-9._-]+"
_PLAIN_PATH = re.compile(f"{_PLAIN_SEGMENT}(?:/{_PLAIN_SEGMENT})*")


def unsafe_path_reason(path: object) -> str | None:
    """Why a path named by a dataset may not be opened, or None if it is safe.

    The policy: a relative POSIX path of plain segments inside the dataset;
    no URL or scheme, no absolute path, no '.' or '..' segment, no backslash,
    no NUL, no characters outside [A-Za-z0-9._-] in a segment.
    """
    if not isinstance(path, str) or not path:
        return "is not a non-empty string"
    return None if _PLAIN_PATH.fullmatch(path) else refusal(path)


def refusal(path: str) -> str | None:
    """`unsafe_path_reason` of a non-empty string, rule by rule (None: it is safe)."""
    if "\x00" in path:
        return "contains a NUL character"
    if "\\" in path:
        return "contains a backslash"
    if _SCHEME.match(path):
        return "is a URL or has a scheme"
    if path.startswith("/"):
        return "is absolute"
    for segment in path.split("/"):
        if segment in {"", ".", ".."}:
            return f"has a {segment!r} segment" if segment else "has an empty segment"
        if not _SAFE_SEGMENT.fullmatch(segment):
            return "has characters outside A-Z a-z 0-9 . _ -"
    return None


def _strerror(error: OSError) -> str:
    return escape(error.strerror or str(error))


# Every open of a dataset's file or folder: no link followed, no terminal taken,
# nothing inherited by a child process.  A FIFO or device is opened non-blocking.
_FOLDER_FLAGS = (os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_CLOEXEC", 0))
_FILE_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))

# The dataset folders of this process's run, by absolute name: the (device, inode) each
# was when it was found.  A folder opened later under the same name must be the same
# folder, so that one swapped (for a link, say) between the run and the evidence page,
# or between the run's layers, is not read.
_PINNED: dict[str, tuple[int, int]] = {}


def pin_folder(root: Path) -> None:
    """Remember which folder `root` names now: later opens refuse another one there."""
    with contextlib.suppress(OSError):  # an unreadable folder is reported when opened
        info = root.stat()
        _PINNED[os.path.abspath(root)] = (info.st_dev, info.st_ino)  # noqa: PTH100 - by name


def open_folder(root: Path | str) -> int:
    """A descriptor of the dataset folder `root`, as its PATH names it.

    Links in the PATH itself are the user's, and followed; an OSError is
    raised if the folder is not the one pinned under that name.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    pinned = _PINNED.get(os.path.abspath(root))  # noqa: PTH100 - by name, as pinned
    info = os.fstat(fd)
    if pinned is not None and pinned != (info.st_dev, info.st_ino):
        os.close(fd)
        raise OSError(errno.ESTALE, "the dataset folder was replaced during the run")
    return fd


@contextlib.contextmanager
def folder_opened(root: Path) -> Iterator[int | None]:
    """`root` opened once (`open_folder`), for the opens below it to start from.

    None if it cannot be opened: each open then reports what it meets.  One
    descriptor for all of a dataset's files saved a folder's open and status
    for each (some 5 µs), and its files are all read from the one folder.
    """
    try:
        folder = open_folder(root)
    except OSError:
        yield None
        return
    try:
        yield folder
    finally:
        os.close(folder)


def folder_denied(root: Path) -> PermissionError | None:
    """The error of a dataset folder that may not be opened (listed), or None.

    Discovery finds a dataset by one status of its descriptor, without listing
    its folder: one that can be looked into but not listed is found, and then
    its layers report it as the walk would have.
    """
    try:
        os.close(open_folder(root))
    except PermissionError as error:
        return error
    except OSError:
        pass  # gone, replaced: each open reports what it meets
    return None


def _stat_at(name: str, folder: int) -> os.stat_result:
    """The status of `name` in the open `folder`, a link not followed (lstat)."""
    return os.stat(name, dir_fd=folder, follow_symlinks=False)


def open_regular_file(root: Path | str, relative: str, at: int | None = None,
                      ) -> io.BufferedReader | Problem:
    """Open a file inside `root` for reading through one checked handle.

    Refuses anything but a regular file reached without symlinks: a FIFO or
    device is not opened blocking, a link (anywhere on the path) is not
    followed, and a file with other names (a hard link, which may be a file
    from outside the dataset) is not read.  Each folder on the path is opened
    relative to the one before it, without following a link, and the file
    relative to the last: no folder can be swapped between a check and an open.

    `at`, if given, is a descriptor of `root` open already (`open_folder`):
    the path is followed from it, and it stays open.
    """
    opened = _checked_open(root, relative, at)
    return opened if isinstance(opened, Problem) else os.fdopen(opened[0], "rb")


def _checked_open(root: Path | str, relative: str, at: int | None,
                  ) -> tuple[int, os.stat_result] | Problem:
    """`open_regular_file`'s descriptor, and its status (the caller closes it)."""
    reason = unsafe_path_reason(relative)
    if reason:
        return Problem("path-unsafe", f"path {escape(relative)} {reason}")
    *folders, last = relative.split("/")  # a safe path: plain segments, one '/' apart
    try:
        folder = open_folder(root) if at is None else at  # `at` is left open
    except FileNotFoundError:
        return Problem("resource-missing", f"{escape(relative)} does not exist")
    except OSError as error:
        return Problem("path-unsafe", f"{escape(relative)} cannot be inspected: "
                       f"{_strerror(error)}")
    try:
        fd = _open_below(folder, folders, last, relative)
    finally:
        if folder != at:
            os.close(folder)
    if isinstance(fd, Problem):
        return fd
    opened = os.fstat(fd)  # what was opened, whatever the checks above saw
    if not stat.S_ISREG(opened.st_mode):
        os.close(fd)
        return Problem("path-unsafe", f"{escape(relative)} is not a regular file")
    if opened.st_nlink > 1:
        os.close(fd)
        return Problem("path-unsafe", f"{escape(relative)} is a hard link (one of "
                       f"{opened.st_nlink} names of a file, which may lie outside the "
                       "dataset): it is not read")
    return fd, opened


def _open_below(folder: int, folders: list[str], last: str, relative: str) -> int | Problem:
    """The file `last` below `folders` of the open `folder`, each step checked (see above).

    Each folder on the way is closed once the next is open, but `folder` itself,
    which the caller closes.
    """
    name = escape(relative)
    start = folder
    try:  # each lstat below: a FileNotFoundError or OSError is caught after the loop
        for segment in folders:
            info = _stat_at(segment, folder)
            if stat.S_ISLNK(info.st_mode):
                return Problem("path-unsafe", f"{name} is or passes through a symlink")
            if not stat.S_ISDIR(info.st_mode):
                return Problem("path-unsafe", f"{name} cannot be inspected: "
                               f"{escape(os.strerror(errno.ENOTDIR))}")
            try:
                inner = os.open(segment, _FOLDER_FLAGS, dir_fd=folder)
            except OSError as error:
                return Problem("path-unsafe", f"{name} cannot be opened: {_strerror(error)}")
            if folder != start:
                os.close(folder)
            folder = inner
        info = _stat_at(last, folder)
        if stat.S_ISLNK(info.st_mode):
            return Problem("path-unsafe", f"{name} is or passes through a symlink")
        if not stat.S_ISREG(info.st_mode):
            return Problem("path-unsafe", f"{name} is not a regular file")
        try:
            return os.open(last, _FILE_FLAGS, dir_fd=folder)
        except OSError as error:
            return Problem("path-unsafe", f"{name} cannot be opened: {_strerror(error)}")
    except FileNotFoundError:
        return Problem("resource-missing", f"{name} does not exist")
    except OSError as error:
        return Problem("path-unsafe", f"{name} cannot be inspected: {_strerror(error)}")
    finally:
        if folder != start:
            os.close(folder)


def read_regular_file(root: Path, relative: str, limit: int = MAX_FILE_BYTES,
                      at: int | None = None) -> bytes | Problem:
    """The bytes of a file inside `root`, read once through a checked handle (`at`: as there).

    Read from the descriptor itself: a file object cost each small file more
    than its read.
    """
    opened = _checked_open(root, relative, at)
    if isinstance(opened, Problem):
        return opened
    fd, info = opened
    # Ask for what the file holds and one more (a read of n bytes allocates n first,
    # so not for the limit), then to the limit and one more if it grew since.
    target = min(info.st_size, limit) + 1
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit and (chunk := os.read(fd, target - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size == target:
                target = limit + 1
    finally:
        os.close(fd)
    if size > limit:
        return Problem("file-too-large", f"{escape(relative)} is larger than {limit} bytes")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def unreadable_folder(error: OSError) -> str:
    """The message of a finding for a folder that cannot be listed (never a silent skip)."""
    return f"folder cannot be read: {_strerror(error)}; its files are not checked"


def dataset_files(root: Path, unreadable: Callable[[str, OSError], None],
                  at: int | None = None) -> Iterator[str]:
    """Every entry below a dataset folder, as relative POSIX paths; links not followed.

    Each folder is opened relative to its parent without following a link, as
    files are.  A folder that cannot be opened or listed is passed, with its
    error, to `unreadable` (its relative path, "" for the dataset folder): what
    it holds goes unchecked, which the caller reports.  `at`: as `open_regular_file`'s.
    """
    try:
        top = open_folder(root) if at is None else os.dup(at)
    except OSError as error:
        unreadable("", error)
        return
    yield from _entries(top, "", unreadable)


def _entries(folder: int, base: str, unreadable: Callable[[str, OSError], None],
             ) -> Iterator[str]:
    """The entries below the open `folder` (closed here), named from `base`.

    Depth first, each folder's files before its subfolders, in name order; a
    stack rather than recursion, so that folders nested deeper than Python's
    recursion limit are walked like any others.  A folder's descriptor stays
    open while its subfolders are walked, each opened relative to it.
    """
    stack: list[tuple[int, str, Iterator[str]]] = []  # open folders, their subfolders left
    opened: int | None = folder
    try:
        while True:
            if opened is not None:
                listed = _listing(opened, base, unreadable)
                if listed is not None:
                    files, subfolders = listed
                    stack.append((opened, base, iter(subfolders)))
                    for name in files:
                        yield f"{base}{name}"
                opened = None
            if not stack:
                return
            parent, above, left = stack[-1]
            subfolder = next(left, None)
            if subfolder is None:
                stack.pop()
                os.close(parent)
                continue
            try:
                opened = os.open(subfolder, _FOLDER_FLAGS, dir_fd=parent)
                base = f"{above}{subfolder}/"
            except OSError as error:
                unreadable(f"{above}{subfolder}", error)
    finally:  # left early (the caller stopped): close what is still open
        for parent, _, _ in stack:
            os.close(parent)


def _listing(folder: int, base: str, unreadable: Callable[[str, OSError], None],
             ) -> tuple[list[str], list[str]] | None:
    """(files, subfolders) of the open `folder` by name, or None (it is closed) if unlistable.

    Files are any entry but a folder: a link (to a folder too), a FIFO, ...
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry.name, entry.is_dir(follow_symlinks=False))
                             for entry in listing)
    except OSError as error:
        os.close(folder)
        unreadable(base.removesuffix("/"), error)
        return None
    files: list[str] = []
    subfolders: list[str] = []
    for name, is_folder in entries:
        (subfolders if is_folder else files).append(name)
    return files, subfolders
