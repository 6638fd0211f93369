"""'Did you mean …?': the known name closest to a misspelt one, for a finding's message."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from validator.escaping import escape

if TYPE_CHECKING:
    from collections.abc import Collection

# rapidfuzz's ratio (difflib's, from 0 to 100): 'ukriane' is 86 from 'ukraine',
# a changed date in a source id about 90; unrelated ids score far lower.
CUTOFF = 80


# The bound of the search: no hint among more choices than this.  rapidfuzz
# takes about 0.15 µs a choice (16 ms a query over 100,000 actors, 0.7 ms over
# 5,000), and a file gives at most some 1,100 findings (MAX_FINDINGS_PER_FILE,
# then MAX_FINDINGS_PER_RECORD for its last record), so hints cost at most
# about a second a file however large its tables: 3,000 unknown actors against
# a table of 100,000 took minutes.  Real tables hold dozens of rows.
MAX_CHOICES = 5_000
# And no hint for a value, or of a choice, longer than this: rapidfuzz's ratio takes
# time as the product of the two lengths, so ten actors rows of 100,000-character
# ids and affiliations took 14 s.  A name this long is no misspelt name, and no id
# of the schemas (at most 128 characters) nor code comes near it.
MAX_NAME = 256


def did_you_mean(value: str, choices: Collection[str]) -> str:
    """'; did you mean X?' naming the choice closest to `value`, or '' if none is close.

    No hint if there are more than MAX_CHOICES choices (checked before anything
    else, so that a caller may pass a dict's keys without copying them).
    """
    if len(choices) > MAX_CHOICES:
        return ""
    best = closest(value, choices if isinstance(choices, frozenset) else frozenset(choices))
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

    if len(choices) > MAX_CHOICES or len(value) > MAX_NAME:  # see MAX_CHOICES, MAX_NAME
        return None
    best = process.extractOne(value, _ordered(choices - {value}), scorer=fuzz.ratio,
                              score_cutoff=CUTOFF)
    return None if best is None else str(best[0])


@functools.lru_cache(maxsize=64)
def _ordered(choices: frozenset[str]) -> tuple[str, ...]:
    """The choices that may be hinted (see MAX_NAME), in sorted order."""
    return tuple(sorted(choice for choice in choices if len(choice) <= MAX_NAME))
