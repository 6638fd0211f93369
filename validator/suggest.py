"""'Did you mean …?': the known name closest to a misspelt one, for a finding's message."""

from __future__ import annotations

import functools

from validator.loading import escape

# rapidfuzz's ratio (difflib's, from 0 to 100): 'ukriane' is 86 from 'ukraine',
# a changed date in a source id about 90; unrelated ids score far lower.
CUTOFF = 80


def did_you_mean(value: str, choices: frozenset[str]) -> str:
    """'; did you mean X?' naming the choice closest to `value`, or '' if none is close.

    For a finding's message, on the slow path only: rapidfuzz compares in C,
    so an actors table of 10,000 ids costs about a millisecond a name, where
    difflib's `get_close_matches` takes some 20 (measured).
    """
    return _closest(value, choices)


@functools.lru_cache(maxsize=4096)  # a file often misspells the same name many times
def _closest(value: str, choices: frozenset[str]) -> str:
    from rapidfuzz import fuzz, process

    best = process.extractOne(value, _ordered(choices), scorer=fuzz.ratio,
                              score_cutoff=CUTOFF)
    return f"; did you mean {escape(best[0])}?" if best and best[0] != value else ""


@functools.lru_cache(maxsize=64)
def _ordered(choices: frozenset[str]) -> tuple[str, ...]:
    # Sorted, so that a tie goes to the same choice in every run and process.
    return tuple(sorted(choices))
