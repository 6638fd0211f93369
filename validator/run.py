"""One run over datasets: read each layer, apply the checks, locate the findings.

This is the only module that connects loading, the registry and the checks.
Per dataset it goes descriptor -> tables -> article texts -> records; the
only state shared across datasets is the index of record ids, which is small
(one entry per id) and mergeable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks import evidence, tables
from validator.checks.context import Article, DatasetContext
from validator.checks.schema import schema_problems
from validator.engines import compiled
from validator.findings import Finding, ignored_codes, make
from validator.loading import (
    DESCRIPTOR,
    MAX_FINDINGS_PER_FILE,
    DatasetLocation,
    Problem,
    UsageError,
    dataset_files,
    decode_utf8,
    discover,
    escape,
    open_regular_file,
    parse_json,
    read_regular_file,
    unsafe_path_reason,
)
from validator.pointers import join, resolve
from validator.positions import locate
from validator.records import (
    Mapper,
    RecordIds,
    RecordResult,
    RecordTask,
    check_records,
    id_findings,
    split,
    worker_map,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator

JSON = Any


@dataclass(frozen=True)
class Report:
    """The outcome of a run: every finding, sorted, and what was checked."""

    findings: tuple[Finding, ...]
    datasets: int
    records: int
    ignored: tuple[str, ...] = ()  # the rule codes the run did not check (--ignore), sorted

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.severity.value == "error")

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return len(self.findings) - self.errors

    def ok(self, *, strict: bool = False) -> bool:
        """Whether the run passes: no errors, and with `strict` no warnings."""
        return not (self.findings if strict else self.errors)


def validate(paths: Iterable[str] = ("datasets",),
             progress: Callable[[int, int, str], None] | None = None,
             jobs: int = 1, mapper: Mapper | None = None, ignore: Iterable[str] = ()) -> Report:
    """Check every dataset that `paths` name and return the report.

    Raises `validator.loading.UsageError` when a path does not exist, no
    dataset is found, or `ignore` names what cannot be ignored; bad data never
    raises, it becomes findings.  `jobs` processes check the datasets, and
    chunks of large events files; the findings are the same for any `jobs`.
    `progress`, if given, is called as (tasks done, tasks known so far, the
    file of the task just done).

    `ignore` takes rule codes and layer names (see
    `validator.findings.ignored_codes`): those rules are not checked (or their
    findings are dropped before the limit of findings a file), and the
    report's `ignored` lists them.

    `mapper`, if given, runs the tasks instead of this machine's processes:
    any `map(function, items)` that gives the results in input order, such
    as `concurrent.futures.Executor.map`, or a Dask client's `map` followed
    by `gather` where every worker sees the files at the same paths.  Tasks
    and results are picklable, and results merge in input order, so the
    findings are the same as one process's; `jobs` then says how many parts
    a large events file is split into.
    """
    codes = rules_to_ignore(ignore)
    locations, orphans = discover(list(paths))
    findings: list[Finding] = [
        make("descriptor-missing", "folder holds files but no datapackage.json", orphan)
        for orphan in orphans
    ]
    # Processes pay off only when there is enough to share out.
    if sum(map(_folder_bytes, locations)) < PARALLEL_BYTES:
        jobs = 1
    with contextlib.nullcontext(mapper) if mapper else worker_map(jobs) as run_map:
        datasets = []
        for done, result in enumerate(run_map(functools.partial(check_dataset, jobs=jobs,
                                                                ignore=codes),
                                              locations), start=1):
            datasets.append(result)
            if progress:
                progress(done, len(locations), result.name)
        # The chunks of large events files, from every dataset at once.
        pending = [task for result in datasets if len(result.tasks) > 1 for task in result.tasks]
        chunks = iter(run_map(check_records, pending))
        done = len(locations)
        for result in datasets:
            findings.extend(result.findings)
            if len(result.tasks) > 1:
                result.checked.extend(next(chunks) for _ in result.tasks)
                done += len(result.tasks)
                if progress:
                    progress(done, len(locations) + len(pending), result.name)
    ids = RecordIds()
    records = 0
    for result in datasets:
        checked = result.checked
        if len(checked) > 1 and sum(len(r.findings) for r in checked) >= MAX_FINDINGS_PER_FILE:
            # Too broken to merge chunk by chunk like a single pass: do the single pass.
            whole = result.tasks[0]
            checked = [check_records(replace(whole, start=0, end=None, first_line=1))]
        for chunk in checked:
            findings.extend(chunk.findings)
            ids.merge(chunk.ids)
            records += chunk.records
    roots = {t.display: (t.root, t.path) for result in datasets for t in result.tasks}
    if "record-id-duplicate" not in codes:
        findings.extend(id_findings(ids, roots))
    return Report(tuple(sorted(findings)), len(locations), records, tuple(sorted(codes)))


def rules_to_ignore(names: Iterable[str]) -> frozenset[str]:
    """The rule codes that `names` (codes and layers) ask a run to leave unchecked.

    Raises `UsageError`, saying why, where `validator.findings.ignored_codes`
    refuses a name.
    """
    try:
        return ignored_codes(names)
    except ValueError as error:
        raise UsageError(f"--ignore: {error}") from None


@dataclass
class DatasetResult:
    """What the layers of one dataset found, and its records' results."""

    name: str  # the dataset's descriptor, as findings name it
    findings: list[Finding]
    tasks: list[RecordTask]  # the record tasks of its events file
    checked: list[RecordResult]  # their results, in task order; empty until chunks have run


def check_dataset(location: DatasetLocation, jobs: int = 1,
                  ignore: frozenset[str] = frozenset()) -> DatasetResult:
    """Every layer of one dataset, and its records unless its events file is split.

    A pure function of the dataset's files, so a pool can run one per process.
    The rules whose codes are in `ignore` are not checked.
    """
    dataset = DatasetRun(location)
    findings: list[Finding] = []
    try:
        findings.extend(dataset.findings())
    except Exception as error:  # noqa: BLE001 - the crash barrier: one dataset, not the run
        findings.append(make("internal-error", f"{type(error).__name__}: "
                             f"{escape(str(error), 120)}", location.name(DESCRIPTOR)))
    tasks = dataset.record_tasks(jobs, ignore)
    name = location.name(DESCRIPTOR)
    # One task is run here; the chunks of a split file are left for the pool.
    checked = [check_records(tasks[0])] if len(tasks) == 1 else []
    # The layers' checks run whatever `ignore` says (they are cheap); their findings do not.
    return DatasetResult(name, [f for f in findings if f.code not in ignore], tasks, checked)


def _folder_bytes(location: DatasetLocation) -> int:
    """The size of the files directly in a dataset folder (to judge the work)."""
    try:
        return sum(entry.stat(follow_symlinks=False).st_size
                   for entry in os.scandir(location.root)
                   if entry.is_file(follow_symlinks=False))
    except OSError:
        return 0


PARALLEL_BYTES = 4 * 1024 * 1024


def _resolve_or_none(document: JSON, ptr: str) -> JSON:
    try:
        return resolve(document, ptr)
    except LookupError:
        return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _publication(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


class DatasetRun:
    """The checks of one dataset, run in layer order; findings come out lazily."""

    def __init__(self, location: DatasetLocation) -> None:
        """Prepare to check the dataset at `location`."""
        self.location = location
        self.descriptor_text = ""
        self.events: tuple[str, DatasetContext] | None = None  # set once records can be checked
        self._hashes: dict[str, tuple[Any, str]] = {}  # path -> (declared hash, its pointer)
        self._pointers: dict[str, str] = {}  # path -> pointer of its resource's path

    # Locating problems -----------------------------------------------------

    def _file(self, relative: str, problem: Problem) -> Finding:
        return make(problem.code, problem.message, self.location.name(relative),
                    problem.line, problem.column, problem.pointer)

    def _in_json(self, relative: str, text: str, problem: Problem, first_line: int = 1,
                 ) -> Finding:
        line, column = locate(text, problem.pointer, key=problem.code == "schema-unknown-field")
        return make(problem.code, problem.message, self.location.name(relative),
                    first_line + line - 1, column, problem.pointer)

    def _descriptor(self, problem: Problem) -> Finding:
        return self._in_json(DESCRIPTOR, self.descriptor_text, problem)

    # Layers ------------------------------------------------------------------

    def findings(self) -> Iterator[Finding]:
        """Every finding of the dataset, layer by layer."""
        descriptor = yield from self._read_descriptor()
        if descriptor is None:
            return
        version = yield from self._version(descriptor)
        if version is None:
            return
        profile = compiled(version.version, registry.PROFILE_SCHEMA)
        unsafe = yield from self._unsafe_paths(descriptor)
        # The profile's path pattern says the same as the path policy; report it once.
        yield from (self._descriptor(p) for p in schema_problems(
            profile, descriptor, codes={}, default_code="descriptor-invalid")
            if p.pointer not in unsafe)
        paths = yield from self._resources(descriptor, unsafe)
        contents: dict[str, bytes] = {}
        for name, path in paths.items():
            if name == "events":
                continue
            data = yield from self._read(path, name)
            if data is not None:
                contents[path] = data
        actors = yield from self._table("actors", paths, contents, version)
        sources = yield from self._table("sources", paths, contents, version)
        context = yield from self._context(version, actors, sources, contents, paths)
        if "events" in paths:
            yield from self._events(paths["events"], context)

    def record_tasks(self, jobs: int, ignore: frozenset[str] = frozenset()) -> list[RecordTask]:
        """The record-checking tasks of this dataset: its events file, split for `jobs`."""
        if self.events is None:
            return []
        path, context = self.events
        size = (self.location.root / path).stat().st_size
        return [RecordTask(str(self.location.root), path, self.location.name(path), context,
                           start, end, first_line, ignore)
                for start, end, first_line in split(self.location.root, path, size, jobs)]

    def _read_descriptor(self) -> Generator[Finding, None, JSON]:
        data = read_regular_file(self.location.root, DESCRIPTOR)
        if isinstance(data, Problem):
            yield self._file(DESCRIPTOR, data)
            return None
        text = decode_utf8(data)
        if isinstance(text, Problem):
            yield self._file(DESCRIPTOR, text)
            return None
        self.descriptor_text = text
        value = parse_json(text)
        if isinstance(value, Problem):
            yield self._file(DESCRIPTOR, value)
            return None
        if not isinstance(value, dict):
            yield self._file(DESCRIPTOR, Problem("descriptor-invalid",
                                                 "datapackage.json is not a JSON object", 1, 1))
            return None
        return value

    def _version(self, descriptor: JSON,
                 ) -> Generator[Finding, None, registry.SchemaVersion | None]:
        declared = descriptor.get("textevents_version")
        shipped = registry.versions()
        if declared in shipped:
            return registry.load(declared)
        if declared is None:
            yield self._descriptor(Problem(
                "descriptor-invalid", "missing required field 'textevents_version' "
                f"(one of {', '.join(shipped)})"))
        else:
            yield self._descriptor(Problem(
                "schema-version-unknown", f"textevents_version {escape(declared)} is not "
                f"one of {', '.join(shipped)}", pointer="/textevents_version"))
        return None

    def _declared(self, descriptor: JSON) -> Iterator[tuple[str, str, str]]:
        """(pointer, name, path) of each resource with a string name and path."""
        resources = descriptor.get("resources")
        for index, resource in enumerate(resources if isinstance(resources, list) else ()):
            if isinstance(resource, dict) and isinstance(resource.get("name"), str) \
                    and isinstance(resource.get("path"), str):
                yield join("/resources", index), resource["name"], resource["path"]

    def _unsafe_paths(self, descriptor: JSON) -> Generator[Finding, None, set[str]]:
        """Report each resource path the path policy refuses; return their pointers."""
        unsafe = set()
        for where, _, path in self._declared(descriptor):
            reason = unsafe_path_reason(path)
            if reason:
                unsafe.add(join(where, "path"))
                yield self._descriptor(Problem("path-unsafe", f"path {escape(path)} {reason}",
                                               pointer=join(where, "path")))
        return unsafe

    def _resources(self, descriptor: JSON,
                   unsafe: set[str]) -> Generator[Finding, None, dict[str, str]]:
        """Resource names to paths; declared files exist, undeclared files do not."""
        paths: dict[str, str] = {}
        seen_paths: set[str] = set()
        for where, name, path in self._declared(descriptor):
            if join(where, "path") in unsafe:
                continue
            if name in paths or path in seen_paths:
                yield self._descriptor(Problem(
                    "resource-duplicate", f"resource {escape(name)} or its path "
                    f"{escape(path)} is declared twice", pointer=where))
                continue
            paths[name] = path
            seen_paths.add(path)
            self._hashes[path] = (_resolve_or_none(descriptor, join(where, "hash")),
                                  join(where, "hash"))
            self._pointers[path] = join(where, "path")
        for relative in dataset_files(self.location.root):
            inside_declared = any(p.startswith(relative + "/") for p in seen_paths)
            if relative != DESCRIPTOR and relative not in seen_paths and not inside_declared:
                yield make("resource-undeclared", "file is not declared in datapackage.json",
                           self.location.name(relative))
        return paths

    def _read(self, path: str, name: str) -> Generator[Finding, None, bytes | None]:
        data = read_regular_file(self.location.root, path)
        if isinstance(data, Problem):
            yield self._descriptor(Problem(data.code, f"resource {escape(name)}: {data.message}",
                                           pointer=self._pointers[path]))
            return None
        expected, hash_pointer = self._hashes[path]
        if isinstance(expected, str) and expected.startswith("sha256:") \
                and expected[7:] != _sha256(data):
            yield self._descriptor(Problem(
                "resource-hash-mismatch", f"{escape(path)} has SHA-256 {_sha256(data)[:12]}…, "
                f"not {expected[7:19]}…", pointer=hash_pointer))
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
        problems = [] if tables.passes(table, table_schema) else \
            list(tables.schema_problems(data, table, table_schema))
        columns = tuple(column["name"] for column in table_schema["fields"])
        if table.header != columns and not any(p.code == "table-header" for p in problems):
            # What frictionless lets pass, such as a label with a space around it.
            pairs = enumerate(zip(table.header, columns, strict=False))  # lengths may differ
            index = next((i for i, (label, column) in pairs if label != column),
                         min(len(table.header), len(columns)))
            label = table.header[index] if index < len(table.header) else None
            problems.append(Problem("table-header", f"header is not {','.join(columns)}: "
                                    f"label {index + 1} is {escape(label)}", 1, index + 1))
        if name == "actors":
            problems += tables.actor_problems(table)
        yield from (self._file(path, p) for p in problems)
        # Rows are only used by later checks when their columns are the expected ones.
        return table if table.header == columns else None

    def _context(self, version: registry.SchemaVersion, actors: tables.Table | None,
                 sources: tables.Table | None, contents: dict[str, bytes],
                 paths: dict[str, str]) -> Generator[Finding, None, DatasetContext]:
        articles: dict[str, Article] = {}
        for index, (line, row) in enumerate(sources.rows if sources else ()):
            text = None
            path = row.get("path", "")
            data = contents.get(path)
            where = self.location.name(paths["sources"])
            if data is None and path not in paths.values():
                # Not a declared resource: the file walk reports it if it exists;
                # its text is still read so that its spans are checked.
                loaded = read_regular_file(self.location.root, path)
                if isinstance(loaded, Problem):
                    column = sources.header.index("path") + 1 if sources else 1
                    yield make(loaded.code, f"article text: {loaded.message}", where, line,
                               column, f"/{index}/path")
                else:
                    data = loaded
            if data is not None:
                if row.get("sha256") and row["sha256"] != _sha256(data):
                    column = sources.header.index("sha256") + 1 if sources else 1
                    yield make("resource-hash-mismatch",
                               f"{escape(path)} has SHA-256 {_sha256(data)[:12]}…, "
                               f"not {row['sha256'][:12]}…", where, line, column,
                               f"/{index}/sha256")
                decoded = decode_utf8(data)
                if isinstance(decoded, Problem):
                    yield self._file(path, decoded)
                else:
                    text = decoded
                    yield from (self._file(path, p) for p in evidence.text_problems(text))
            articles[row.get("id", "")] = Article(row.get("id", ""), path, text,
                                                  _publication(row.get("published", "")))
        actor_ids = frozenset(row.get("id", "") for _, row in actors.rows) if actors else None
        return DatasetContext(version.version, actor_ids, articles if sources else None)

    def _events(self, path: str, context: DatasetContext) -> Iterator[Finding]:
        """Open the events file once to check it, and its hash if one is declared."""
        handle = open_regular_file(self.location.root, path)
        if isinstance(handle, Problem):
            yield self._descriptor(Problem(handle.code, f"resource 'events': {handle.message}",
                                           pointer=self._pointers[path]))
            return
        expected, hash_pointer = self._hashes[path]
        with handle:
            if isinstance(expected, str) and expected.startswith("sha256:"):
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
                if expected[7:] != digest:
                    yield self._descriptor(Problem(
                        "resource-hash-mismatch", f"{escape(path)} has SHA-256 {digest[:12]}…, "
                        f"not {expected[7:19]}…", pointer=hash_pointer))
        self.events = (path, context)


