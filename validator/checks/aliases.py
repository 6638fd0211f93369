"""The aliases table (schema 1.3.0): other names of the actors, each naming one actor.

Its Table Schema says the cells' shape (an actor id, a non-empty alias on one
line, an optional language tag) and that an actor and alias stand once; its
foreign key into the actors table, which frictionless checks only within a
whole package, is checked here (`table-foreign-key`), and so is what no Table
Schema can say: an alias names one actor of the dataset only.  An alias that is
another actor's name or alias (`alias-ambiguous`) would let a span that names
one actor pass for the other (`span-actor-unnamed`, codebook E4, AC8).  Names are
compared as that rule compares them: whole words, without case or punctuation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.checks.naming import words
from validator.checks.schema_kept import by_identity
from validator.checks.suggest import did_you_mean
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import pointer
from validator.reading.limits import MAX_FINDINGS_PER_RULE

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from validator.checks.tables import Table

JSON = Any


@by_identity  # the same object back for the same schema: the screen's plan is kept by it
def within(table_schema: JSON) -> JSON:
    """The Table Schema without its foreign keys into other tables (the aliases' actor).

    frictionless checks those only in a whole package; `unknown_actors` checks
    the aliases' against the actors table.
    """
    keys = table_schema.get("foreignKeys", [])
    own = [key for key in keys if key["reference"].get("resource", "") == ""]
    return table_schema if len(own) == len(keys) else {**table_schema, "foreignKeys": own}


def _column(table: Table, name: str) -> int:
    return table.header.index(name) + 1 if name in table.header else 1


def unknown_actors(table: Table, actor_ids: frozenset[str]) -> Iterator[Problem]:
    """Each row whose actor is not an id of the actors table (an empty one is the schema's).

    Only the first MAX_FINDINGS_PER_RULE, which a file shows, name the closest
    id: the others are only counted.
    """
    column = _column(table, "actor")
    hints = MAX_FINDINGS_PER_RULE
    for index, (line, row) in enumerate(table.rows):
        actor = row.get("actor", "")
        if actor and actor not in actor_ids:
            hint = did_you_mean(actor, actor_ids) if hints > 0 else ""
            hints -= 1
            yield Problem("table-foreign-key",
                          f"actor {escape(actor)} is not an id of the actors table{hint}",
                          line, column, pointer(index, "actor"))


def ambiguous(table: Table, actor_rows: Iterable[Mapping[str, str]]) -> Iterator[Problem]:
    """Each alias that is another actor's name, or an alias of another actor on an earlier row.

    An alias is reported once, at its row, naming the first actor it also names.
    """
    named: dict[str, tuple[str, str]] = {}  # words of a name -> (actor, where it stands)
    for row in actor_rows:
        key = words(row.get("name") or "")
        if key.strip():
            named.setdefault(key, (row.get("id", ""), "the name"))
    column = _column(table, "alias")
    for index, (line, row) in enumerate(table.rows):
        actor, alias = row.get("actor", ""), row.get("alias", "")
        key = words(alias)
        if not actor or not key.strip():
            continue
        other, where = named.get(key, (actor, ""))
        if other != actor:
            yield Problem("alias-ambiguous",
                          f"alias {escape(alias)} of {escape(actor)} is also {where} of "
                          f"{escape(other)}, so a span that names one would pass for the other; "
                          "drop the alias (cite the fuller name), or keep it for one actor",
                          line, column, pointer(index, "alias"))
            continue
        named.setdefault(key, (actor, f"an alias (line {line})"))


def aliases_by_actor(table: Table, actor_ids: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Each known actor's aliases, in table order (rows with no alias or actor left out)."""
    found: dict[str, list[str]] = {}
    for _, row in table.rows:
        actor, alias = row.get("actor", ""), row.get("alias", "")
        if actor in actor_ids and alias.strip():
            found.setdefault(actor, []).append(alias)
    return {actor: tuple(aliases) for actor, aliases in found.items()}
