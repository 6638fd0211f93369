"""'Did you mean …?': the known name closest to a misspelt one, for a finding's message."""

from __future__ import annotations

import functools

from validator.escaping import escape

# rapidfuzz's ratio (difflib's, from 0 to 100): 'ukriane' is 86 from 'ukraine',
# a changed date in a source id about 90; unrelated ids score far lower.
CUTOFF = 80


def did_you_mean(value: str, choices: frozenset[str]) -> str:
    """'; did you mean X?' naming the choice closest to `value`, or '' if none is close."""
    best = closest(value, choices)
    return "" if best is None else f"; did you mean {escape(best)}?"


@functools.lru_cache(maxsize=4096)  # a file often misspells the same name many times
def closest(value: str, choices: frozenset[str]) -> str | None:
    """The choice closest to `value` (not `value` itself), if one is close enough.

    For findings, on the slow path only: rapidfuzz compares in C, so an
    actors table of 10,000 ids costs about a millisecond a name, where
    difflib's `get_close_matches` takes some 20 (measured).  A tie goes to the
    first choice in sorted order, so every run and process words it alike.
    """
    from rapidfuzz import fuzz, process

    best = process.extractOne(value, _ordered(choices - {value}), scorer=fuzz.ratio,
                              score_cutoff=CUTOFF)
    return None if best is None else str(best[0])


@functools.lru_cache(maxsize=64)
def _ordered(choices: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(choices))
