"""Check one record held in memory, as a pipeline that extracts records would.

A record is checked exactly as a line of an events file is: strict JSON, the
schema of its `schema_version`, then every record check against the article
texts, publication dates and actor ids given.  Only what needs other records
(repeated ids) or files (descriptor, tables, hashes) is left out.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks.context import Article, DatasetContext
from validator.checks.naming import actor_column, actor_names
from validator.checks.texts import text_problems
from validator.engine.records import check_line
from validator.engine.run import rules_to_ignore
from validator.findings import Problem, make
from validator.reading.fast_json import parse_record

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from validator.findings import Finding

JSON = Any


def _day(source: str, value: object) -> dt.date | None:
    """A publication date as the checks compare it: a day (a datetime's own, as written).

    None is a date not known, as a sources table's empty cell.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    raise TypeError(f"published[{source!r}] is a {type(value).__name__}, not a datetime.date")


def check_record(record: JSON, *, texts: Mapping[str, str] | None = None,
                 published: Mapping[str, dt.date | None] | None = None,
                 actors: Iterable[str] | None = None, ignore: Iterable[str] = (),
                 name: str = "<record>",
                 actor_rows: Iterable[Mapping[str, str]] | None = None,
                 alias_rows: Iterable[Mapping[str, str]] = ()) -> list[Finding]:
    """The findings of one record, sorted; an empty list when it is valid.

    `record` is a parsed value (a dict), or the JSON text of one (`str` or
    `bytes`), parsed as strictly as a line of an events file: repeated keys,
    NaN and lone surrogates are findings.  `texts` maps source ids to article
    texts: evidence spans are checked against them, and a source id that is
    not a key is unknown.  `published` gives the sources' publication dates,
    and `actors` the actor ids the record may name.  `actor_rows`, the rows
    of an actors table (`id`, `name`, `kind`, `country`, `affiliation` and
    `aliases` as far as given), also give the ways each actor is named, and
    their ids stand for `actors` when that is left out; `alias_rows`, the
    rows of an aliases table (`actor`, `alias`), add the aliases of those
    actors (schema 1.3.0; the table's own rules are a dataset's, not checked
    here).  Leave any of them out
    and the checks that need it do not run.

    Findings name the file `name`, at line 1 (and further lines, if the JSON
    text spans several) and the column of their pointer.  A text that is not
    NFC, or holds a carriage return, is a finding about `<source id>`.
    `ignore` is as `validate`'s.

    Raises `UsageError` for an `ignore` that cannot be ignored, and
    `TypeError` for a value that JSON cannot hold or a publication date that
    is no `datetime.date` (a `datetime` counts as the day it gives; None, as
    not known).
    """
    codes = rules_to_ignore(ignore)
    if isinstance(record, (str, bytes)):
        # A lone surrogate is a finding.  The text is parsed once, strictly, for its
        # version and its checks (a text the strict parse refuses reports only that).
        line = record.encode("utf-8", "surrogatepass") if isinstance(record, str) else record
        parsed = parse_record(line)
        version = _version_of(None if isinstance(parsed, Problem) else parsed)
    else:
        # NaN is written as NaN, which the strict parse then reports.
        line = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass")
        parsed, version = None, _version_of(record)
    dates = {source: _day(source, value) for source, value in (published or {}).items()}
    # Messages name an article by its path in a dataset; here, by its source id.
    sources = None if texts is None else {
        source: Article(source, f"<{source}>", text, dates.get(source))
        for source, text in texts.items()}
    rows = None if actor_rows is None else list(actor_rows)
    if actors is None and rows is not None:
        actors = [row.get("id", "") for row in rows]
    context = DatasetContext(version, None if actors is None else frozenset(actors), sources,
                             None if rows is None else actor_names(rows, _aliases(alias_rows)),
                             None if rows is None else actor_column(rows, "kind"),
                             None if rows is None else actor_column(rows, "affiliation"))
    found = check_line(line, context, name, codes, parsed)
    # A text that is not NFC, or has CRs, makes its offsets ambiguous: say so, as a
    # dataset's file would be told, naming the text by its source id.
    found += [finding for source, text in (texts or {}).items()
              for finding in (make(p.code, p.message, f"<{source}>", p.line, p.column)
                              for p in text_problems(text))
              if finding.code not in codes]
    return sorted(set(found))  # the same finding twice says no more


def _aliases(rows: Iterable[Mapping[str, str]]) -> dict[str, tuple[str, ...]]:
    """Each actor's aliases, from rows of an aliases table."""
    found: dict[str, tuple[str, ...]] = {}
    for row in rows:
        actor, alias = row.get("actor") or "", row.get("alias") or ""
        found[actor] = (*found.get(actor, ()), alias)
    return found


def _version_of(record: JSON) -> str:
    """The schema version to check the record against.

    The record's own if it is released, else the newest, whose schema then
    reports the record's `schema_version`.  (A text the strict parse refuses
    is given as None: only that is reported, at any version.)
    """
    claimed = record.get("schema_version") if isinstance(record, dict) else None
    released = registry.versions()
    return claimed if claimed in released else released[-1]
