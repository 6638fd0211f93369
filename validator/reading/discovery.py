"""Find the datasets that the command line's PATHs name."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from validator.findings import UsageError
from validator.reading.limits import DESCRIPTOR

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

@dataclass(frozen=True, slots=True)
class DatasetLocation:
    """A dataset folder, and how to name its files in findings."""

    root: Path
    display: str  # the folder as the user will read it, e.g. "datasets/voa"

    def name(self, relative: str) -> str:
        """A file of this dataset as findings name it."""
        return f"{self.display}/{relative}" if self.display not in {"", "."} else relative


def _display(path: Path, cwd: Path | None = None, resolved: Path | None = None) -> str:
    """`path` from the current folder `cwd` if it lies under it, else as given.

    `cwd` and `resolved` (the path resolved) may be passed when already known:
    resolving is most of discovering a dataset among thousands.
    """
    try:
        return (resolved or path.resolve()).relative_to(cwd or _cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[str], onerror: Callable[[str, OSError], None] | None = None,
             ) -> tuple[list[DatasetLocation], list[str]]:
    """The datasets the PATHs name, and folders that hold files but no descriptor.

    A PATH is a `datapackage.json`, a dataset folder, a folder searched
    recursively (links not followed), or a file or folder inside a dataset,
    which names that dataset (see `enclosing_dataset`): a pre-commit hook
    passes the files that changed.  Raises `UsageError` for a PATH that does
    not exist or lies in no dataset, or when no dataset is found at all.
    A folder that cannot be read (listed, or looked into) is passed to
    `onerror` with its error, as `os.walk` does, and its name as findings
    give it (a run reports it); then finding no dataset is no usage error.
    """
    found: dict[str, DatasetLocation] = {}  # by the folder resolved
    orphans: list[str] = []
    cwd = _cwd().resolve()
    under = os.path.join(cwd, "")  # noqa: PTH118 - the folders below it start so
    failed: list[OSError] = []

    def unreadable(error: OSError) -> None:
        failed.append(error)
        if onerror is not None:
            where = error.filename
            onerror(_display(Path(os.fsdecode(where))) if where is not None else "", error)

    for raw in paths:
        path = Path(raw)
        try:
            _readable(path)
        except OSError as error:
            unreadable(error)
            continue
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{raw}: no such file or folder")
        if path.is_file() and path.name == DESCRIPTOR:
            path = path.parent
        owner = enclosing_dataset(path)
        # A PATH inside a dataset names it, a dataset inside one too (one below the current
        # folder only: outside it, or at it, a descriptor above a dataset may be anything's).
        if owner is not None and (not (path / DESCRIPTOR).is_file()
                                  or (_under_cwd(path) and owner != Path())):
            path = owner
        elif not path.is_dir():
            searched = " (looked no higher than the current folder)" if _under_cwd(path) else ""
            raise UsageError(f"{raw}: not a folder, a {DESCRIPTOR} "
                             f"or a file inside a dataset{searched}")
        if (path / DESCRIPTOR).is_file():
            folder_resolved = path.resolve()
            found.setdefault(str(folder_resolved),
                             DatasetLocation(path, _display(path, cwd, folder_resolved)))
            continue
        # Resolving each dataset folder (a readlink a part) was most of discovering
        # thousands: below a resolved PATH, the walk meets no link it follows, so a
        # folder's resolved path is the PATH's and the names the walk joined to it.
        # And names, not Paths, for each folder: Path's joins and relative_to() took as
        # long again as the walk.  As `_display`: from the current folder, if under it.
        top, base = os.fspath(path), os.path.join(path.resolve(), "")  # noqa: PTH118
        for folder, dataset in datasets_below(top, unreadable):
            if dataset:
                resolved = base + folder[len(top):].strip(os.sep) if folder != top \
                    else str(path.resolve())
                display = "." if resolved == str(cwd) else resolved[len(under):] \
                    if resolved.startswith(under) else Path(folder).as_posix()
                found.setdefault(resolved, DatasetLocation(Path(folder), display))
            elif folder != top:
                orphans.append(_display(Path(folder), cwd))
    if not found and not failed:
        raise UsageError("no dataset found (no datapackage.json under "
                         + ", ".join(repr(p) for p in paths) + ")")
    # A folder that holds a dataset, or lies inside one, is not an orphan.
    orphans = _not_around(orphans, {d.display for d in found.values()})
    return sorted(found.values(), key=lambda d: d.display), sorted(orphans)


def datasets_below(top: str, onerror: Callable[[OSError], None],
                   ) -> Iterator[tuple[str, bool]]:
    """(folder, True) for each dataset below `top`; (folder, False) for other folders with files.

    What `os.walk(top, onerror=onerror, followlinks=False)` finds, a dataset's
    subfolders left out, but a subfolder that holds a descriptor is known by
    one status of it instead of a listing: listing each dataset folder was
    two thirds of discovering thousands (29 of 43 ms for 2,000), and the
    dataset's own layers list it.  So a dataset folder that can be looked
    into but not listed is found, and its layers report it (os.walk would
    have reported it here).  `top` itself is listed, as os.walk does.
    """
    stack = [top]  # the folders left, the next last
    while stack:
        folder = stack.pop()
        if folder != top and _holds(folder):
            yield folder, True
            continue
        try:  # listed: its descriptor would be one of its entries that is no folder
            with os.scandir(folder) as listing:
                entries = [(entry.name, _kind(entry)) for entry in listing]
        except OSError as error:
            onerror(error)
            continue
        files = {name for name, kind in entries if kind is _FILE}
        if DESCRIPTOR in files:
            yield folder, True
            continue
        if files:
            yield folder, False
        names = sorted((name for name, kind in entries if kind is _FOLDER), reverse=True)
        stack.extend(os.path.join(folder, name) for name in names)  # noqa: PTH118 - as os.walk


_FOLDER, _LINKED_FOLDER, _FILE = "folder", "linked folder", "file"


def _kind(entry: os.DirEntry[str]) -> str:
    """As os.walk sorts an entry: a folder it walks into, one it does not (a link), or a file."""
    try:
        is_folder = entry.is_dir()
    except OSError:
        return _FILE
    return (_LINKED_FOLDER if entry.is_symlink() else _FOLDER) if is_folder else _FILE


def _holds(folder: str) -> bool | None:
    """Whether a listing of `folder` would show a descriptor that is no folder; None: list it.

    None where its status cannot say: the folder cannot be looked into (it may
    still be listed, as os.walk does), or some other error, which the listing
    then reports.
    """
    descriptor = os.path.join(folder, DESCRIPTOR)  # noqa: PTH118 - names
    try:
        info = os.lstat(descriptor)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):  # os.walk follows it to decide
        return not os.path.isdir(descriptor)  # noqa: PTH112 - names
    return not stat.S_ISDIR(info.st_mode)


def _cwd() -> Path:
    """The current folder; a `UsageError` if it was deleted (not an internal error)."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        raise UsageError("the current folder no longer exists: run validate from one that "
                         "does") from None


def _readable(path: Path) -> None:
    """Raise the OSError of a PATH that cannot be looked into (a folder without x).

    `Path.is_file` and the like raise it too, with no word of which PATH;
    `os.walk` below a PATH reports what it cannot list itself.
    """
    try:
        (path / DESCRIPTOR).lstat()
    except PermissionError as error:
        raise PermissionError(error.errno, error.strerror, str(path)) from None
    except OSError:
        pass  # no such PATH, a file, a loop of links: refused below, as ever


def _ancestors(path: str) -> Iterator[str]:
    """Each `p` such that `path` starts with `p + "/"`: its folders above, by name."""
    return (path[:at] for at, char in enumerate(path) if char == "/")


def _not_around(orphans: list[str], datasets: set[str]) -> list[str]:
    """The orphans that neither hold a dataset nor lie inside one (display paths).

    Linear in the length of the paths: the folders above each dataset are
    gathered once in a set, where comparing each orphan with each dataset
    was quadratic (8,000 of each: minutes).
    """
    holders = {above for dataset in datasets for above in _ancestors(dataset)}
    return [orphan for orphan in orphans if orphan not in holders
            and not any(above in datasets for above in _ancestors(orphan))]


def in_no_dataset(raw: str) -> bool:
    """Whether `discover` refuses PATH `raw` as lying in no dataset.

    That is an existing file (or link, or other entry) that is neither a
    folder nor a datapackage.json and that no dataset holds: what a hook
    that passes every changed file may skip (`validate --skip-outside`).
    """
    path = Path(raw)
    try:
        return (path.exists() or path.is_symlink()) and not path.is_dir() \
            and not (path.is_file() and path.name == DESCRIPTOR) \
            and enclosing_dataset(path) is None
    except PermissionError:
        return False  # in a folder that cannot be read: `discover` reports it


def _absolute(path: Path) -> Path:
    # ".." removed by name, as the user means it; resolve() would follow links
    return Path(os.path.abspath(path))  # noqa: PTH100


def _under_cwd(path: Path) -> bool:
    return _absolute(path).is_relative_to(_cwd())


def enclosing_dataset(path: Path, *, nearest: bool = False) -> Path | None:
    """The dataset folder above `path`: one that holds a datapackage.json, if any.

    When `path` lies inside the current folder, the search goes no higher,
    so that a stray descriptor above a checkout (in a home folder, say) never
    turns a file of the checkout into part of a huge "dataset".  There, the
    outermost such folder below the current folder is the dataset, since a
    dataset's subfolders are its own (a descriptor in one is a file of it, as
    a run over its folder finds); the current folder itself only if none is
    below it (a stray descriptor where the command runs takes nothing over).
    Outside the current folder, with nothing to bound the search, and with
    `nearest`, the nearest.  Only names are looked up; nothing outside the
    dataset is read.
    """
    here, absolute = _cwd(), _absolute(path)
    inside = absolute.is_relative_to(here)
    found = None
    for parent in absolute.parents:
        if inside and not parent.is_relative_to(here):
            break
        if (parent / DESCRIPTOR).is_file() and (found is None or parent != here):
            found = parent
            if nearest or not inside:
                break
    return None if found is None else found.relative_to(here) if inside else found


