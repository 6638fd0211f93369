"""What is worked out from a Table Schema, kept for each schema object.

A released Table Schema is one object for the whole run, so its identity
names it: hashing it would mean serialising it, which outlasted a small table.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

R = TypeVar("R")
MOST_KEPT = 64  # released schemas are few; a caller's own beyond these are not kept


def by_identity(function: Callable[[Any], R]) -> Callable[[Any], R]:
    """`function` of a Table Schema, worked out once for each schema object.

    The schema is kept alive beside its value, so that its id is not reused.
    """
    kept: dict[int, tuple[Any, R]] = {}

    @functools.wraps(function)
    def once(table_schema: Any) -> R:  # noqa: ANN401 - any JSON value
        known = kept.get(id(table_schema))
        if known is not None and known[0] is table_schema:
            return known[1]
        value = function(table_schema)
        if len(kept) < MOST_KEPT:
            kept[id(table_schema)] = (table_schema, value)
        return value

    return once
