"""Records that note which of their values are read: what a screen, or a check, looks at.

`recording(record, reads)` copies a record into dicts and lists that add, to
the set `reads`, the path of every value read from them that is not itself
an object or array (keys, with "[]" for the items of an array; the form of
`schema_paths`).  `recorded_view(record, reads)` is the record's `RecordView`
over such a copy: what it gathered up front is readable in the same way, and
nothing read while gathering it counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from validator.checks.walk import detail_actor_refs, view

Shape = tuple[str, ...]


def _shape(path: tuple[str | int, ...]) -> Shape:
    return tuple("[]" if isinstance(step, int) else step for step in path)


def _leaf(value: object) -> bool:
    return not isinstance(value, (dict, list))


class RecordingDict(dict):
    """A JSON object that notes each value read from it, by key, `get` or `in`."""

    def __init__(self, items: dict[str, Any], path: Shape, reads: set[Shape]) -> None:
        super().__init__(items)
        self.path, self.reads = path, reads

    def _note(self, key: str) -> None:
        if _leaf(dict.__getitem__(self, key)):
            self.reads.add((*self.path, key))

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if super().__contains__(key):
            self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            self._note(key)  # type: ignore[arg-type]
            return True
        return False

    __hash__ = None  # type: ignore[assignment]


class RecordingList(list):
    """A JSON array that notes each item read from it, by index, iteration or `in`."""

    def __init__(self, items: list[Any], shapes: list[Shape], reads: set[Shape]) -> None:
        super().__init__(items)
        self.shapes, self.reads = shapes, reads

    def __iter__(self) -> Iterator[Any]:
        for index, item in enumerate(super().__iter__()):
            if _leaf(item):
                self.reads.add(self.shapes[index])
            yield item

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        if isinstance(index, int) and _leaf(item):
            self.reads.add(self.shapes[index])
        return item

    def __contains__(self, value: object) -> bool:
        self.reads.update(shape for shape, item in zip(self.shapes, super().__iter__(),
                                                       strict=True) if _leaf(item))
        return super().__contains__(value)

    __hash__ = None  # type: ignore[assignment]


def recording(value: Any, reads: set[Shape], path: Shape = ()) -> Any:
    """A copy of `value` that notes in `reads` what is read from it."""
    if isinstance(value, dict):
        return RecordingDict({key: recording(item, reads, (*path, key))
                              for key, item in value.items()}, path, reads)
    if isinstance(value, list):
        shape = (*path, "[]")
        return RecordingList([recording(item, reads, shape) for item in value],
                             [shape] * len(value), reads)
    return value


def recorded_view(record: dict[str, Any], reads: set[Shape]) -> Any:
    """The record's view, over a recording copy; `reads` starts empty."""
    copy = recording(record, reads)
    facts = view(copy)
    refs = list(detail_actor_refs(copy))  # the values of detail_actors, with their paths
    assert [actor for _, actor in refs] == facts.detail_actors
    facts.detail_actors = RecordingList([actor for _, actor in refs],
                                        [_shape(path) for path, _ in refs], reads)
    reads.clear()
    return facts
