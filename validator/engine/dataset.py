"""One dataset's layers in order: descriptor, files, tables, article texts, then its records.

Reading the layers gives a value, `DatasetResult`: the findings, the record
tasks of its events file (with the tables and texts the record checks need)
and, once they ran, their results.  The rules are in `validator.checks`; this
module reads the files, asks the checks, and locates what they find.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.capping import capped_by_code
from validator.checks import aliases as alias_rules
from validator.checks import descriptor as descriptor_rules
from validator.checks import identities, naming, table_dates, tables
from validator.checks.context import Article, DatasetContext
from validator.checks.schema import schema_problems
from validator.checks.texts import text_problems
from validator.engine.engines import compiled
from validator.engine.records import RecordResult, RecordTask
from validator.engine.whole_file import check_whole_file
from validator.escaping import escape
from validator.findings import Finding, Problem, make
from validator.pointers import resolve_or_none
from validator.reading.fast_json import document
from validator.reading.limits import DESCRIPTOR, MAX_FINDINGS_PER_RULE, SIZES, Sizes
from validator.reading.lines import split
from validator.reading.paths import (
    dataset_files,
    folder_denied,
    folder_opened,
    open_regular_file,
    read_regular_file,
    unreadable_folder,
)
from validator.reading.positions import Locator
from validator.reading.text import decode_utf8
from validator.recall import uncovered_by_source

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from validator.reading.discovery import DatasetLocation
    from validator.results import Sentence

JSON = Any


@dataclass
class DatasetResult:
    """What the layers of one dataset found, and its records' results."""

    name: str  # the dataset's descriptor, as findings name it
    findings: list[Finding]
    tasks: list[RecordTask]  # the record tasks of its events file
    checked: list[RecordResult]  # their results, in task order; empty until chunks have run
    title: str | None = None  # the descriptor's title, if it has one
    context: DatasetContext | None = field(default=None)  # its tables, texts: see check_dataset
    version: str | None = None  # the schema version it declares, if one that is released
    # Its actors with a Wikidata id, for the run's checks across datasets (checks.identities).
    actors: tuple[identities.ActorEntry, ...] = ()
    uncovered: dict[str, tuple[Sentence, ...]] | None = None  # the recall aid's, by source
    events_data: bytes | None = None  # an events file of one block, read by the layers


def check_dataset(location: DatasetLocation, jobs: int = 1,
                  ignore: frozenset[str] = frozenset(), sizes: Sizes = SIZES, *,
                  recall: bool = True) -> DatasetResult:
    """Every layer of one dataset, and its records unless its events file is split.

    A pure function of the dataset's files (a pool runs one a process); the rules of
    `ignore` are not checked.  Without `recall`, the record tasks keep nothing of what
    the spans cite (see RecordTask), and no sentence is looked for; with it, the
    sentences are found here.  Then the context keeps only the articles.
    """
    with folder_opened(location.root) as at:  # the records' file too: one open a dataset
        result = dataset_layers(location, jobs, ignore, sizes, at, recall=recall)
        data, result.events_data = result.events_data, None  # read once; never sent back
        if len(result.tasks) != 1:  # a split file's chunks are run by the pool
            return result
        result.checked.append(checked := check_whole_file(result.tasks[0], at, data))
    if recall and result.context and result.context.sources:
        result.uncovered = uncovered_by_source(result.context.sources, checked.covered)
    if result.context is not None:  # what the run keeps of it (see articles_only)
        result.context = result.context.articles_only(texts=recall)
        result.tasks[:] = [replace(task, context=result.context) for task in result.tasks]
    return result


def dataset_layers(location: DatasetLocation, jobs: int = 1,
                   ignore: frozenset[str] = frozenset(), sizes: Sizes = SIZES,
                   at: int | None = None, *, recall: bool = True) -> DatasetResult:
    """The layers before the records, and the record tasks of the events file (not run).

    `at`, if given, is the dataset folder open already (`folder_opened`), and stays
    open; `recall`: whether the tasks keep what the spans cite (see RecordTask).
    """
    layers = _Layers(location, sizes.block_bytes)
    findings: list[Finding] = []
    tasks: list[RecordTask] = []
    try:
        opened = contextlib.nullcontext(at) if at is not None else folder_opened(location.root)
        with opened as folder:
            findings.extend(layers.run(folder))
        tasks = layers.record_tasks(jobs, ignore, sizes, recall=recall)
    except Exception as error:  # noqa: BLE001 - the crash barrier: one dataset, not the run
        findings.append(make("internal-error", f"{type(error).__name__}: "
                             f"{escape(str(error), 120)}", location.name(DESCRIPTOR)))
    # The layers' checks run whatever `ignore` says (they are cheap); their findings do not.
    return DatasetResult(location.name(DESCRIPTOR), [f for f in findings if f.code not in ignore],
                         tasks, [], layers.title, layers.context, layers.version, layers.actors,
                         events_data=layers.events_data if len(tasks) == 1 else None)


class _Layers:
    """The layers of one dataset, read in order; `run` gives their findings."""

    def __init__(self, location: DatasetLocation, read_whole: int = SIZES.block_bytes) -> None:
        self.location, self.read_whole, self.descriptor_text = location, read_whole, ""
        self.title: str | None = None
        self.version: str | None = None  # the released version it declares, once known
        self.context: DatasetContext | None = None  # once the tables and texts are read
        self.actors: tuple[identities.ActorEntry, ...] = ()  # once the actors table is read
        self.events: str | None = None  # the events file, once it opened
        self.events_size = 0  # its size, from the handle that opened it
        self.events_data: bytes | None = None  # its bytes, if at most `read_whole` of them
        self._hashes: dict[str, tuple[Any, str]] = {}  # path -> (declared hash, its pointer)
        self._pointers: dict[str, str] = {}  # path -> pointer of its resource's path
        self._digests: dict[str, str] = {}  # path -> SHA-256 of each resource read (_read)
        self._locator: Locator | None = None  # of the descriptor's text
        self._at: int | None = None  # the dataset folder, open while the layers run

    # Locating problems -----------------------------------------------------

    def _file(self, relative: str, problem: Problem) -> Finding:
        return make(problem.code, problem.message, self.location.name(relative),
                    problem.line, problem.column, problem.pointer)

    def _descriptor(self, problem: Problem) -> Finding:
        if self._locator is None or self._locator.text is not self.descriptor_text:
            self._locator = Locator(self.descriptor_text)  # one walk for all its findings
        return self._locator.located(problem, self.location.name(DESCRIPTOR))

    # Layers ------------------------------------------------------------------

    def run(self, at: int | None) -> list[Finding]:
        """Every finding of the layers, in order, read from the folder `at` (open, or None).

        At most MAX_FINDINGS_PER_RULE of a rule in a file: 10,000 unsafe paths give 100.
        """
        self._at = at
        try:
            return capped_by_code(self._findings(), MAX_FINDINGS_PER_RULE)
        finally:
            self._at = None  # the caller's to close

    def _findings(self) -> Iterator[Finding]:
        descriptor = yield from self._read_descriptor()
        if descriptor is None:
            return
        self.title = title if isinstance(title := descriptor.get("title"), str) else None
        problems = list(descriptor_rules.version_problems(descriptor, registry.versions()))
        yield from map(self._descriptor, problems)
        if problems:
            return
        version = registry.load(descriptor["textevents_version"])
        self.version = version.version
        profile = compiled(version.version, registry.PROFILE_SCHEMA)
        unsafe_problems = list(descriptor_rules.unsafe_paths(descriptor, version.tables))
        yield from map(self._descriptor, unsafe_problems)
        unsafe = {p.pointer for p in unsafe_problems}
        # The profile's path pattern says the same as the path policy; report it once.
        # Its verdict first: each error is sought only for a descriptor it refuses.
        yield from () if profile.is_valid(descriptor) else (self._descriptor(p) for p in (
            schema_problems(profile, descriptor, codes={}, default_code="descriptor-invalid"))
            if p.pointer not in unsafe)
        paths = yield from self._resources(descriptor, unsafe, version.tables)
        yield from self._table_schemas(descriptor, version, unsafe)
        contents: dict[str, bytes] = {}
        for name, path in [(name, path) for name, path in paths.items() if name != "events"]:
            data = yield from self._read(path, name)
            if data is not None:
                contents[path] = data
        actors = yield from self._table("actors", paths, contents, version)
        if actors is not None:
            self.actors = identities.actor_entries(actors, self.location.name(paths["actors"]))
        aliases = yield from self._aliases(paths, contents, version, actors)
        sources = yield from self._table("sources", paths, contents, version)
        self.context = yield from self._context(version, actors, sources, contents, paths,
                                                aliases)
        if "events" in paths:
            yield from self._events(paths["events"])

    def record_tasks(self, jobs: int, ignore: frozenset[str] = frozenset(),
                     sizes: Sizes = SIZES, *, recall: bool = True) -> list[RecordTask]:
        """The record-checking tasks of this dataset: its events file, split for `jobs`."""
        if self.events is None or self.context is None:
            return []
        path, context, size = self.events, self.context, self.events_size
        return [RecordTask(str(self.location.root), path, self.location.name(path), context,
                           start, end, first_line, ignore, sizes, recall)
                for start, end, first_line in split(self.location.root, path, size, jobs,
                                                    chunk_bytes=sizes.chunk_bytes)]

    def _read_descriptor(self) -> Generator[Finding, None, JSON]:
        if self._at is None and (denied := folder_denied(self.location.root)) is not None:
            yield make("path-unsafe", unreadable_folder(denied), self.location.display)
            return None
        data = read_regular_file(self.location.root, DESCRIPTOR, at=self._at)
        read = data if isinstance(data, Problem) else document(data)
        if not isinstance(read, Problem) and not isinstance(read[1], dict):
            read = Problem("descriptor-invalid", "datapackage.json is not a JSON object", 1, 1)
        if isinstance(read, Problem):
            yield self._file(DESCRIPTOR, read)
            return None
        self.descriptor_text, value = read
        return value

    def _resources(self, descriptor: JSON, unsafe: set[str],
                   table_names: tuple[str, ...]) -> Generator[Finding, None, dict[str, str]]:
        """Resource names to paths; declared files exist, undeclared files do not."""
        paths = descriptor_rules.resource_paths(descriptor, unsafe)  # the datasets beside too
        seen_paths = set(paths.values())
        for where, name, path in descriptor_rules.declared(descriptor):
            if f"{where}/path" in unsafe:
                continue
            if paths.get(name) != path or f"{where}/path" != self._pointers.setdefault(
                    path, f"{where}/path"):  # not the one kept: a duplicate
                yield self._descriptor(descriptor_rules.duplicate_resource(name, path, where))
                continue
            self._hashes[path] = (resolve_or_none(descriptor, f"{where}/hash"), f"{where}/hash")
        # A Table Schema given as a path is a file of the dataset's, declared by its resource.
        seen_paths |= {path for where, path in descriptor_rules.schema_paths(
            descriptor, table_names) if where not in unsafe and path not in seen_paths}
        unreadable: list[tuple[str, OSError]] = []
        files = dataset_files(self.location.root, lambda *f: unreadable.append(f), self._at)
        for relative in descriptor_rules.undeclared(files, seen_paths):
            yield make("resource-undeclared", "file is not declared in datapackage.json",
                       self.location.name(relative))
        for relative, error in unreadable:  # not a silent skip: its files go unchecked
            yield make("path-unsafe", unreadable_folder(error),
                       self.location.name(relative) if relative else self.location.display)
        return paths

    def _table_schemas(self, descriptor: JSON, version: registry.SchemaVersion,
                       unsafe: set[str]) -> Iterator[Finding]:
        """Each Table Schema a table resource carries must be its version's own (1.2.0)."""
        for where, table, given in descriptor_rules.table_schemas(descriptor, version.tables):
            if where in unsafe:
                continue
            if isinstance(given, str):
                data = read_regular_file(self.location.root, given, at=self._at)
                if isinstance(data, Problem):
                    yield self._descriptor(Problem(data.code, f"the {table} table's Table Schema: "
                                                   f"{data.message}", pointer=where))
                    continue
                parsed = document(data)
                if isinstance(parsed, Problem):
                    yield self._file(given, parsed)
                    continue
                given = parsed[1]  # noqa: PLW2901 - the schema the path names
            problem = descriptor_rules.table_schema_problem(
                table, given, version.table_schema(table), version.version, where)
            if problem:
                yield self._descriptor(problem)

    def _read(self, path: str, name: str) -> Generator[Finding, None, bytes | None]:
        data = read_regular_file(self.location.root, path, at=self._at)
        if isinstance(data, Problem):
            yield self._descriptor(Problem(data.code, f"resource {escape(name)}: {data.message}",
                                           pointer=self._pointers[path]))
            return None
        expected, hash_pointer = self._hashes[path]
        digest = self._digests[path] = hashlib.sha256(data).hexdigest()
        problem = descriptor_rules.hash_problem(path, digest, expected, hash_pointer)
        if problem:
            yield self._descriptor(problem)
        return data

    def _table(self, name: str, paths: dict[str, str], contents: dict[str, bytes],
               version: registry.SchemaVersion,
               ) -> Generator[Finding, None, tables.Table | None]:
        path = paths.get(name)
        if path is None or path not in contents:
            return None
        data = contents[path]
        text = decode_utf8(data)
        if isinstance(text, Problem):
            yield self._file(path, text)
            return None
        table = tables.read_table(text)
        if isinstance(table, Problem):
            yield self._file(path, table)
            return None
        table_schema = version.table_schema(name)
        local = alias_rules.within(table_schema)  # keys into other tables: see _aliases
        problems = [] if tables.passes(table, local) else \
            list(tables.schema_problems(data, table, local))
        columns = tuple(column["name"] for column in table_schema["fields"])
        header = tables.header_problem(table.header, columns)
        if header and not any(p.code == "table-header" for p in problems):
            problems.append(header)
        if name == "actors":
            problems += tables.actor_problems(table)
        problems += table_dates.iso_problems(table, table_schema)
        yield from (self._file(path, p) for p in problems)
        # Rows are only used by later checks when their columns are the expected ones.
        return table if table.header == columns else None

    def _aliases(self, paths: dict[str, str], contents: dict[str, bytes],
                 version: registry.SchemaVersion, actors: tables.Table | None,
                 ) -> Generator[Finding, None, dict[str, tuple[str, ...]]]:
        """The aliases table, if the version has one and the dataset declares it (1.3.0).

        Its rows name actors of the actors table, each alias one actor only;
        each known actor's aliases, for the names of the record checks.
        """
        if "aliases" not in version.tables:
            return {}  # an earlier version: a resource of that name is a file like any other
        table = yield from self._table("aliases", paths, contents, version)
        if table is None or actors is None:
            return {}
        rows = [row for _, row in actors.rows]
        ids = frozenset(row.get("id", "") for row in rows)
        yield from (self._file(paths["aliases"], p) for p in (
            *alias_rules.unknown_actors(table, ids), *alias_rules.ambiguous(table, rows)))
        return alias_rules.aliases_by_actor(table, ids)

    def _context(self, version: registry.SchemaVersion, actors: tables.Table | None,
                 sources: tables.Table | None, contents: dict[str, bytes],
                 paths: dict[str, str], aliases: dict[str, tuple[str, ...]],
                 ) -> Generator[Finding, None, DatasetContext]:
        articles: dict[str, Article] = {}
        for index, (line, row) in enumerate(sources.rows if sources else ()):
            text = None
            path = row.get("path", "")
            data = contents.get(path)
            where = self.location.name(paths["sources"])
            if data is None and path not in paths.values():
                # Not a declared resource: the file walk reports it if it exists;
                # its text is still read so that its spans are checked.
                loaded = read_regular_file(self.location.root, path, at=self._at)
                if isinstance(loaded, Problem):
                    column = sources.header.index("path") + 1 if sources else 1
                    yield make(loaded.code, f"article text: {loaded.message}", where, line,
                               column, f"/{index}/path")
                else:
                    data = loaded
            if data is not None:  # a declared article's digest is its resource's
                digest = self._digests.get(path) or hashlib.sha256(data).hexdigest()
                mismatch = tables.article_hash_problem(path, digest, row.get("sha256", ""))
                if mismatch:
                    column = sources.header.index("sha256") + 1 if sources else 1
                    yield make(mismatch.code, mismatch.message, where, line, column,
                               f"/{index}/sha256")
                decoded = decode_utf8(data)
                if isinstance(decoded, Problem):
                    yield self._file(path, decoded)
                else:
                    text = decoded
                    yield from (self._file(path, p) for p in text_problems(text))
            articles[row.get("id", "")] = Article(row.get("id", ""), path, text,
                                                  Article.publication(row.get("published", "")))
        actor_ids = frozenset(row.get("id", "") for _, row in actors.rows) if actors else None
        rows = [row for _, row in actors.rows] if actors else None
        return DatasetContext(version.version, actor_ids, articles if sources else None,
                              None if rows is None else naming.actor_names(rows, aliases),
                              None if rows is None else naming.actor_column(rows, "kind"),
                              None if rows is None else naming.actor_column(rows, "affiliation"))

    def _events(self, path: str) -> Iterator[Finding]:
        """Open the events file once to check it, and its hash if one is declared."""
        handle = open_regular_file(self.location.root, path, self._at)
        if isinstance(handle, Problem):
            yield self._descriptor(Problem(handle.code, f"resource 'events': {handle.message}",
                                           pointer=self._pointers[path]))
            return
        expected, hash_pointer = self._hashes[path]
        with handle:
            self.events_size = os.fstat(handle.fileno()).st_size  # not by name: it may go
            if self.events_size <= self.read_whole:  # hashed and checked as read here, once
                data = handle.read(self.read_whole + 1)
                if len(data) <= self.read_whole:
                    self.events_data, self.events_size = data, len(data)
                handle.seek(0)
            if isinstance(expected, str) and expected.startswith("sha256:"):
                digest = hashlib.sha256(self.events_data).hexdigest() if self.events_data \
                    is not None else hashlib.file_digest(handle, "sha256").hexdigest()
                problem = descriptor_rules.hash_problem(path, digest, expected, hash_pointer)
                if problem:
                    yield self._descriptor(problem)
        self.events = path
