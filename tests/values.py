"""Helpers over JSON values shared by the tests."""

from __future__ import annotations


def paths(value: object, path: tuple = ()) -> list[tuple]:
    """The path (keys and indexes) of every value in a JSON value, the root first."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*path, index))
    return found
