"""Hostile files, round two: hard links that reach outside the dataset (issue 25).

Each case is the valid base dataset with one file replaced by a hard link, built at
test time (git stores no hard links).  The linked file outside the dataset holds a
marker (`OUTSIDE`) that no report may print: a hard link is refused as `path-unsafe`
before a byte of it is read, whether it names a file outside the dataset or
another of its own files.  The races, unreadable folders, output files, signals and
the pre-commit hook, which a case folder cannot express, are tested in
`tests/test_hostile_files.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cases import Hostile, _article_name, _codes

OUTSIDE = "outside-the-dataset-never-printed-5e1b"  # in every file that a hard link reaches


def _hard_link_to_outside(relative: str, content: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    """Replace a file of the dataset by a hard link to a file beside the dataset."""
    def build(folder: Path) -> None:
        name = _article_name(folder) if relative == "<article>" else relative
        outside = folder.parent / f"outside-{Path(name).name}"
        outside.write_bytes(content((folder / name).read_bytes()))
        (folder / name).unlink()
        os.link(outside, folder / name)
    return build


def _with_marker(data: bytes) -> bytes:
    """The file as it was, and a line holding the marker (a broken record, if read)."""
    return data + OUTSIDE.encode() + b"\n"


def _marker_only(_data: bytes) -> bytes:
    return f'{{"secret": "{OUTSIDE}"}}\n'.encode()


def _hard_link_inside(folder: Path) -> None:
    """A second name, inside the dataset, for its own article: refused all the same."""
    article = folder / _article_name(folder)
    os.link(article, article.with_name("copy.txt"))


FILES: tuple[Hostile, ...] = (
    Hostile("events-hard-link-outside", "hard-link",
            _hard_link_to_outside("events.jsonl", _with_marker), 1, _codes("path-unsafe")),
    Hostile("article-hard-link-outside", "hard-link",
            _hard_link_to_outside("<article>", _with_marker), 1, _codes("path-unsafe")),
    Hostile("descriptor-hard-link-outside", "hard-link",
            _hard_link_to_outside("datapackage.json", _marker_only), 1, _codes("path-unsafe")),
    Hostile("table-hard-link-outside", "hard-link",
            _hard_link_to_outside("actors.csv", _with_marker), 1, _codes("path-unsafe")),
    Hostile("article-hard-link-inside", "hard-link", _hard_link_inside, 1,
            _codes("path-unsafe", "resource-undeclared")),
)
