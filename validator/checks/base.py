"""A record check: a cheap screen in front of a detailed generator of problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView
    from validator.findings import Problem

JSON = Any


# Compared and hashed by identity (eq=False): a check is one rule, and the hot path's
# caches are keyed by the run's checks (hashing each by its fields cost 8 µs a dataset).
@dataclass(frozen=True, slots=True, eq=False)
class RecordCheck:
    """One rule's check of a record that passed the JSON Schema.

    `passes(view, context)` must be True only when `problems(record, context)`
    yields nothing.  Like jsonschema-rs' `is_valid` in front of `iter_errors`,
    it decides the common case (a clean record) over values gathered once per
    record, without building paths; `problems` walks the record again, with
    paths, only when the screen does not pass.  A property test holds every
    screen to that promise on generated and mutated records.

    A check whose rule JSON Schema can state for one dataset (a reference
    names a row of its table) may also give `narrowing(context)`: schema
    locations (`file#pointer`) mapped to subschemas the values there must
    also match.  Every record the released schema with these additions
    accepts must be one `problems` reports nothing in; the hot path then
    asks the compiled engine instead of the screen (see `validator.engines`).

    `codes` are the rule codes `problems` may yield: a run that ignores them
    all (`--ignore`) skips the check, its screen and its narrowing.
    """

    problems: Callable[[JSON, DatasetContext], Iterator[Problem]]
    passes: Callable[[RecordView, DatasetContext], bool]
    narrowing: Callable[[DatasetContext], Mapping[str, JSON]] | None = None
    codes: frozenset[str] = field(kw_only=True)

    def __post_init__(self) -> None:
        """Refuse a check that names no code: `--ignore` could never tell it apart."""
        if not self.codes:
            raise ValueError(f"the record check {self.name} names no rule code")

    @property
    def name(self) -> str:
        """The name of the detailed check (for messages and test ids)."""
        return self.problems.__name__
