"""References from a record to its dataset's actors and sources tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.checks.base import RecordCheck
from validator.checks.suggest import did_you_mean
from validator.checks.walk import actor_refs, detail_actor_refs, source_refs, spans
from validator.escaping import escape
from validator.findings import Problem
from validator.pointers import join

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.checks.context import DatasetContext
    from validator.checks.walk import RecordView

JSON = Any


def unknown_actors(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Every actor reference must name a row of the actors table (when it could be read)."""
    if context.actors is None:
        return
    for ptr, actor in actor_refs(record):
        if actor not in context.actors:
            yield Problem("actor-unknown", f"actor {escape(actor)} is not in the actors table"
                          f"{did_you_mean(actor, context.actors)}", pointer=join(ptr))


def unknown_sources(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Every source reference must name a row of the sources table (when it could be read)."""
    if context.sources is None:
        return
    for ptr, source in source_refs(record):
        if source not in context.sources:
            yield Problem("source-unknown", f"source {escape(source)} is not in the sources table"
                          f"{did_you_mean(source, context.sources.keys())}", pointer=join(ptr))


def unlisted_actors(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """An actor in the record's details should also be in its top-level actors list."""
    listed = set(record["actors"])
    for ptr, actor in detail_actor_refs(record):
        if actor not in listed:
            yield Problem("actor-not-listed",
                          f"actor {escape(actor)} is not in the record's actors list",
                          pointer=join(ptr))
            listed.add(actor)  # once per actor is enough


def unlisted_sources(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """A span should cite an article the record's reporting lists: it reports the event."""
    listed = set(record["reporting"]["sources"])
    for ptr, span in spans(record):
        source = span["source"]
        if source not in listed:
            yield Problem("source-not-listed",
                          f"source {escape(source)} is not in the record's reporting sources",
                          pointer=join(ptr, "source"))
            listed.add(source)  # once per source is enough


def _uncited(record: JSON, cited: list[JSON], known: JSON) -> Iterator[tuple[int, str]]:
    """(index, source) of each listed source that no span cites and the table has.

    `known` is the sources table (None: not read).  A listed source is nearly
    always one, cited by the record's first span: each is looked for only until found.
    """
    seen: set[str] = set()
    for index, source in enumerate(record["reporting"]["sources"]):
        if source in seen:
            continue
        seen.add(source)
        for span in cited:
            if span["source"] == source:
                break
        else:
            if known is None or source in known:
                yield index, source


def uncited_sources(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """An article the record's reporting lists is cited by one of its spans (codebook E5).

    A source the sources table lacks is source-unknown's to report.
    """
    for index, source in _uncited(record, [span for _, span in spans(record)], context.sources):
        yield Problem("source-uncited",
                      f"source {escape(source)} is in the record's reporting sources, but no "
                      "span cites it: cite the words in which it reports the event, or leave "
                      "it out", pointer=join(("reporting", "sources", index)))


def _actors_known(view: RecordView, context: DatasetContext) -> bool:
    known = context.actors
    return known is None or (known.issuperset(view.record["actors"])
                             and known.issuperset(view.detail_actors))


def _sources_known(view: RecordView, context: DatasetContext) -> bool:
    sources = context.sources
    if sources is None:
        return True
    for span in view.spans:
        if span["source"] not in sources:
            return False
    return sources.keys() >= set(view.record["reporting"]["sources"])


def _actors_listed(view: RecordView, context: DatasetContext) -> bool:
    return set(view.record["actors"]).issuperset(view.detail_actors)


def _sources_listed(view: RecordView, context: DatasetContext) -> bool:
    listed = view.record["reporting"]["sources"]  # a short list: no set needed
    for span in view.spans:  # noqa: SIM110 - all() over a generator is slower, per record
        if span["source"] not in listed:
            return False
    return True


def listed_sources(record: JSON, context: DatasetContext) -> Iterator[Problem]:
    """Codebook E5, both halves: spans cite only listed articles, and every listed one."""
    yield from unlisted_sources(record, context)
    yield from uncited_sources(record, context)


def _sources_listed_and_cited(view: RecordView, context: DatasetContext) -> bool:
    listed, spans = view.record["reporting"]["sources"], view.spans
    if len(listed) == 1:  # nearly every record: every span cites it, so it is cited
        only = listed[0]
        for span in spans:  # noqa: SIM110 - all() over a generator is slower, per record
            if span["source"] != only:
                return False
        return True
    return _sources_listed(view, context) and next(
        _uncited(view.record, spans, context.sources), None) is None


# Where the record schema keeps references (every one the walk yields is one of these).
_ACTOR_REF, _PARTY = "common.schema.json#/$defs/actor_ref", "common.schema.json#/$defs/party"
_SOURCE_REF = "common.schema.json#/$defs/source_ref"


def _actor_rows(context: DatasetContext) -> dict[str, JSON]:
    if context.actors is None:
        return {}
    known = sorted(context.actors)
    return {_ACTOR_REF: {"enum": known}, _PARTY: {"enum": [*known, None]}}


def _source_rows(context: DatasetContext) -> dict[str, JSON]:
    return {} if context.sources is None else {_SOURCE_REF: {"enum": sorted(context.sources)}}


CHECKS = (RecordCheck(unknown_actors, _actors_known, _actor_rows,
                      codes=frozenset({"actor-unknown"})),
          RecordCheck(unknown_sources, _sources_known, _source_rows,
                      codes=frozenset({"source-unknown"})),
          RecordCheck(unlisted_actors, _actors_listed, codes=frozenset({"actor-not-listed"})),
          RecordCheck(listed_sources, _sources_listed_and_cited,
                      codes=frozenset({"source-not-listed", "source-uncited"})))
