"""What record checks know about the rest of their dataset: small and read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple


class Article(NamedTuple):
    """One row of the sources table, with its stored text when it could be read.

    A named tuple: each dataset's are pickled (see `DatasetContext.articles_only`).
    """

    source_id: str
    path: str
    text: str | None
    published: dt.date | None

    @staticmethod
    def publication(value: str) -> dt.date | None:
        """The date a sources table's `published` cell begins with, if it is one."""
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class DatasetContext:
    """The tables and texts of one dataset, as record checks need them."""

    version: str
    actors: frozenset[str] | None = None  # None: the actors table could not be read
    sources: dict[str, Article] | None = None  # None: the sources table could not be read
    # The ways each actor may be named (validator.checks.naming.actor_names), by actor id;
    # None: not known (the actors table could not be read, or only ids were given).
    names: dict[str, tuple[str, ...]] | None = None
    # Each actor's kind and affiliation (the actors table's columns), by actor id; None: not
    # known, as for `names`.
    kinds: dict[str, str] | None = None
    affiliations: dict[str, str] | None = None

    def __reduce__(self) -> tuple[type[DatasetContext], tuple[object, ...]]:
        """Pickled as its fields: a dataclass's own state took twice as long."""
        return DatasetContext, (self.version, self.actors, self.sources, self.names,
                                self.kinds, self.affiliations)

    def articles_only(self, *, texts: bool = True) -> DatasetContext:
        """This context with its articles alone: what a run keeps once the records are checked.

        A worker sends its results back pickled, and the actors' ids, names, kinds
        and affiliations were half of a small dataset's pickling time.  Without
        `texts`, the articles keep no text either (`text` None).
        """
        if texts or self.sources is None:
            return DatasetContext(self.version, sources=self.sources)
        return DatasetContext(self.version, sources={
            source: Article(article.source_id, article.path, None, article.published)
            for source, article in self.sources.items()})

