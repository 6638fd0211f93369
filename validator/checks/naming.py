"""Evidence that names its actor: a span cited for a role names the actor in it (codebook E4).

A span pointed at a visitor, a host, a meeting's participant, an actor in a
role (a counterpart, say), the claimant, the supplier, the recipient or a
response's actor must name that actor, in one of the ways the
actors table gives: its name; for a person, the surname (the last word of
the name); for a state or a delegation, its country's names from ISO 3166
(pycountry) and the demonyms and capitals of `validator/data/country_words.csv`
(the article may say "Russian" or "Pyongyang"); for a delegation, also the
names of the actor it acts for; and each of its aliases in the dataset's
aliases table (schema 1.3.0; `validator.checks.aliases`), or in an `aliases`
key of a row given to `validator.check_record` (values separated by `|`).
Words are compared whole and without case or punctuation: "U.S." is named by
"U.S." or "US", and "Kim Jong-un" by "Kim Jong Un".  A Korean or Chinese name
puts the family name first, so "Kim" names Kim Jong Un only as an alias.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.checks.countries import country_entry
from validator.checks.walk import spans
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join, resolve

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any

# The pointers of role references: a visitor, a host, a participant, an actor in a role
# (a counterpart, a convener) of the visit or a meeting; the claimant, the supplier, the
# recipient and a response's actor.
_INDEX = r"(?:0|[1-9][0-9]*)"
_ROLE = re.compile(rf"/diplomatic_visit/(?:visitors|hosts)/{_INDEX}"
                   rf"|/diplomatic_visit/meetings/{_INDEX}/participants/{_INDEX}"
                   rf"|/diplomatic_visit/(?:meetings/{_INDEX}/)?roles/{_INDEX}(?:/actor)?"
                   rf"|/arms_allegation/(?:claimant(?:/actor)?|supplier|recipient)"
                   rf"|/arms_allegation/responses/{_INDEX}(?:/actor)?")
_NOT_A_WORD = re.compile(r"[\W_]+")
_INITIAL = re.compile(r"\b(\w)\.")  # a letter and its full stop: "U.S." is "US"
MOST_SHOWN = 3  # names a message lists


@functools.lru_cache(maxsize=8192)
def words(text: str) -> str:
    """`text` as whole words for comparison (" kim jong un " is in " met kim jong un on ").

    Case folded; a letter's full stop dropped ("U.S." is "us"); other punctuation
    and spaces one space; a space at each end.
    """
    joined = _INITIAL.sub(r"\1", text.casefold())
    return f" {_NOT_A_WORD.sub(' ', joined).strip()} "


@functools.cache
def _country_words() -> dict[str, tuple[str, ...]]:
    """The demonyms, capitals and short names of countries, by alpha-3 code (the data file)."""
    text = (resources.files("validator") / "data" / "country_words.csv").read_text("utf-8")
    return {row["country"]: tuple(row["words"].split("|"))
            for row in csv.DictReader(io.StringIO(text))}


@functools.lru_cache(maxsize=512)  # asked again for each dataset's states
def _country_names(code: str) -> tuple[str, ...]:
    """What an article may call the country of alpha-3 `code`."""
    found: list[str] = list(_country_words().get(code, ()))
    country = country_entry(code) if code else None
    if country is not None:
        found += [country[key] for key in ("name", "common_name", "official_name")
                  if key in country]
    return tuple(found)


def _own_names(row: Mapping[str, str], aliases: Mapping[str, Sequence[str]]) -> list[str]:
    """An actor's names from its own row and its aliases (see the module)."""
    name = row.get("name") or ""
    found = [name]
    kind = row.get("kind")
    if kind == "person" and name.split():
        found.append(name.split()[-1])
    if kind in {"state", "delegation"}:
        found += _country_names(row.get("country") or "")
    return [*found, *(row.get("aliases") or "").split("|"), *aliases.get(row.get("id", ""), ())]


def actor_names(rows: Iterable[Mapping[str, str]],
                aliases: Mapping[str, Sequence[str]] | None = None,
                ) -> dict[str, tuple[str, ...]]:
    """The ways each actor of an actors table may be named, by actor id (see the module).

    `aliases` gives each actor's aliases (the aliases table's, by actor id).
    A delegation is also named by every name of the actor it acts for (its
    `affiliation`): "U.S. officials" name the US delegation.
    """
    table = {row.get("id", ""): row for row in rows}
    given = aliases or {}
    names: dict[str, tuple[str, ...]] = {}
    for actor, row in table.items():
        found = _own_names(row, given)
        side = table.get(row.get("affiliation") or "")
        if row.get("kind") == "delegation" and side is not None:
            found += _own_names(side, given)
        names[actor] = tuple(dict.fromkeys(name for name in found if words(name).strip()))
    return names


def actor_column(rows: Iterable[Mapping[str, str]], column: str) -> dict[str, str]:
    """One column of an actors table (`kind`, `affiliation`), by actor id; empty cells left out."""
    return {row.get("id", ""): value for row in rows if (value := row.get(column) or "")}


@functools.lru_cache(maxsize=4096)
def _is_role(target: str) -> bool:
    return _ROLE.fullmatch(target) is not None


def _unnamed(record: JSON, span: JSON, names: dict[str, tuple[str, ...]]) -> str | None:
    """The actor a span is cited for in a role and does not name, or None."""
    target = span.get("supports")
    if target is None or not _is_role(target):
        return None
    try:
        actor = resolve(record, target)
    except LookupError:
        return None  # span-pointer-unresolved says so
    if isinstance(actor, dict):  # the claimant, a role, a response
        actor = actor.get("actor")
    known = names.get(actor) if isinstance(actor, str) else None
    if not known:  # no actor (an unknown supplier), or one the table lacks: actor-unknown's
        return None
    return None if _names_in(words(span["text"]), known) else actor


def named_actors(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A span cited for a role names the actor that fills it."""
    names = context.names
    if not names:
        return
    for ptr, span in spans(record):
        actor = _unnamed(record, span, names)
        if actor is not None:
            shown = " or ".join(escape(name) for name in names[actor][:MOST_SHOWN])
            more = ", or another of its names" if len(names[actor]) > MOST_SHOWN else ""
            yield Problem("span-actor-unnamed",
                          f"span cited for {escape(span['supports'])} does not name "
                          f"{escape(actor)} (as {shown}{more}); cite words that name it, or "
                          "give the actors table the name the article uses",
                          pointer=join(ptr, "text"))


def _actors_named(view: RecordView, context: DatasetContext) -> bool:
    # `_unnamed` written out, with the words of an actor's names looked up at once.
    names = context.names
    if not names:
        return True
    record = view.record
    for span in view.spans:
        target = span.get("supports")
        if target is None or not _is_role(target):
            continue
        try:
            actor = resolve(record, target)
        except LookupError:
            continue
        if isinstance(actor, dict):  # the claimant, a role, a response
            actor = actor.get("actor")
        known = names.get(actor) if isinstance(actor, str) else None
        if not known:
            continue
        quote = words(span["text"])
        kept = _FORMS.get(id(known))  # `_forms_of` written out
        forms = _forms_of(known) if kept is None else kept[1]
        if isinstance(forms, _Names):
            if not forms.within(quote):
                return False
            continue
        for form in forms:  # `_names_in` written out for the few names most actors have
            if form in quote:
                break
        else:
            return False
    return True


# Names up to which `in` over each is as quick as the automaton: on a 20-word quote, 4 names
# took 0.39 µs and the automaton 0.44 at any count; 8 names 0.60 (measured with ahocorasick-rs).
_FEW = 6


class _Names:
    """Many names of one actor, looked for in a quote at once.

    `form in quote` over each name cost a span time in the number of names (16,000
    aliases: 23 s for 16,000 records); an Aho-Corasick automaton (ahocorasick-rs)
    finds whether any is a part of the quote, as `in` does, in one pass over it.
    A name without words (`words` gives two spaces) is in a quote without words
    only, as `in` has it.
    """

    __slots__ = ("_automaton", "_blank")

    def __init__(self, forms: tuple[str, ...]) -> None:
        from ahocorasick_rs import AhoCorasick

        worded = [form for form in forms if len(form) > 2]
        self._blank = len(worded) < len(forms)
        self._automaton = AhoCorasick(worded) if worded else None

    def within(self, quote: str) -> bool:
        """Whether a name is in `quote` (a `words` text) as a run of its whole words."""
        if len(quote) <= 2:  # no words
            return self._blank
        return self._automaton is not None \
            and bool(self._automaton.find_matches_as_indexes(quote))


@functools.lru_cache(maxsize=4096)
def _words_of(names: tuple[str, ...]) -> tuple[str, ...] | _Names:
    """`words` of an actor's names, or a `_Names` of many: one lookup a span, not one a name."""
    forms = tuple(words(name) for name in names)
    return forms if len(forms) <= _FEW else _Names(forms)


# `_words_of` by the identity of the tuple of names, which a dataset's context keeps for its
# actor: hashing the tuple for `lru_cache` takes time in its length (16,000 names: 64 µs a
# span).  An entry keeps its tuple alive, so no other object takes its id.
_FORMS: dict[int, tuple[tuple[str, ...], tuple[str, ...] | _Names]] = {}
_MOST_KEPT = 4096


def _forms_of(names: tuple[str, ...]) -> tuple[str, ...] | _Names:
    """`_words_of(names)`, found in time independent of how many names there are."""
    kept = _FORMS.get(id(names))
    if kept is None:
        if len(_FORMS) >= _MOST_KEPT:
            _FORMS.clear()
        kept = _FORMS[id(names)] = (names, _words_of(names))
    return kept[1]


def _names_in(quote: str, names: tuple[str, ...]) -> bool:
    """Whether one of `names` is in `quote` (a `words` text), as whole words."""
    forms = _forms_of(names)
    if isinstance(forms, _Names):
        return forms.within(quote)
    return any(form in quote for form in forms)


CHECKS = (RecordCheck(named_actors, _actors_named, codes=frozenset({"span-actor-unnamed"})),)
