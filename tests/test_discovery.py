"""Discovery's walk: what os.walk finds, without listing the dataset folders.

A folder that holds a descriptor is known by one status of it
(`validator.reading.discovery.datasets_below`); every other folder is listed, as
os.walk lists it.  The reference below is the walk discovery did before: the
two must agree on every tree of folders, files and links.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import given
from hypothesis import strategies as st

from validator.reading import discovery
from validator.reading.limits import DESCRIPTOR

if TYPE_CHECKING:
    import pytest
    from hypothesis.strategies import SearchStrategy

# What an entry of a folder is: a file, a folder (with its own entries), or a link.
FILE, LINK_TO_FILE, LINK_TO_FOLDER, BROKEN_LINK = "file", "link to a file", "link to a folder", \
    "broken link"
NAMES = st.sampled_from([DESCRIPTOR, DESCRIPTOR, "a", "a-b", "a.b", "b", "notes.txt"])
Tree = dict[str, object]


def trees(depth: int = 3) -> SearchStrategy[Tree]:
    """Folders of files, links and folders, `depth` deep at most; descriptors are common."""
    leaves = st.sampled_from([FILE, FILE, LINK_TO_FILE, LINK_TO_FOLDER, BROKEN_LINK])
    entries = leaves if depth == 0 else st.one_of(leaves, st.deferred(lambda: trees(depth - 1)))
    return st.dictionaries(NAMES, entries, max_size=4)


def build(folder: Path, tree: Tree, outside: Path) -> None:
    """Make `tree` in `folder`; links point to `outside` (a file and a folder there)."""
    folder.mkdir(exist_ok=True)
    for name, entry in tree.items():
        path = folder / name
        if isinstance(entry, dict):
            build(path, entry, outside)
        elif entry == FILE:
            path.write_text("{}\n", "utf-8")
        elif entry == LINK_TO_FILE:
            path.symlink_to(outside / "file.txt")
        elif entry == LINK_TO_FOLDER:
            path.symlink_to(outside / "folder", target_is_directory=True)
        else:
            path.symlink_to(outside / "gone")


def walked(top: str) -> tuple[set[str], set[str]]:
    """(datasets, other folders with files) below `top`, as os.walk found them (the reference)."""
    datasets, others = set(), set()
    for folder, dirs, files in os.walk(top, followlinks=False):
        if DESCRIPTOR in files:
            datasets.add(folder)
            dirs[:] = []
            continue
        if files:
            others.add(folder)
    return datasets, others


def folders(top: str) -> tuple[set[str], set[str]]:
    """The same, as discovery's walk finds them."""
    found = list(discovery.datasets_below(top, lambda _: None))
    assert len(found) == len({folder for folder, _ in found})  # each folder once
    return {f for f, dataset in found if dataset}, {f for f, dataset in found if not dataset}


@given(tree=trees())
def test_the_walk_finds_what_os_walk_finds(tree: Tree) -> None:
    with tempfile.TemporaryDirectory(prefix="textevents-walk-") as scratch:
        outside = Path(scratch) / "outside"
        (outside / "folder").mkdir(parents=True)
        (outside / "folder" / DESCRIPTOR).write_text("{}\n", "utf-8")  # never followed
        (outside / "file.txt").write_text("{}\n", "utf-8")
        top = Path(scratch) / "top"
        build(top, tree, outside)
        assert folders(str(top)) == walked(str(top))


def test_a_dataset_folder_is_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        ) -> None:
    """Three datasets in a folder, one in a subfolder: two listings (the folders without
    a descriptor), where os.walk made six."""
    for name in ("a", "b", "c", "more/d"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / DESCRIPTOR).write_text("{}\n", "utf-8")
    listed: list[str] = []
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        listed.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    datasets, others = folders(str(tmp_path))
    assert datasets == {str(tmp_path / name) for name in ("a", "b", "c", "more/d")}
    assert others == set()
    assert listed == [str(tmp_path), str(tmp_path / "more")]
