"""One run over datasets: read each layer, apply the checks, locate the findings.

This is the only module that connects loading, the registry and the checks.
Per dataset it goes descriptor -> tables -> article texts -> records; the
only state shared across datasets is the index of record ids, which is small
(one entry per id) and mergeable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.checks import evidence, meaning, references, tables
from validator.checks.context import Article, DatasetContext
from validator.checks.schema import schema_problems
from validator.findings import Finding, make
from validator.loading import (
    DESCRIPTOR,
    MAX_FINDINGS_PER_FILE,
    MAX_LINE_BYTES,
    DatasetLocation,
    Problem,
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

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator

JSON = Any
RECORD_CHECKS = references.CHECKS + evidence.CHECKS + meaning.CHECKS


@dataclass
class RecordIds:
    """Where each record id was first seen: the cross-record state of a run.

    One small entry per id, so it stays compact at corpus scale, and two
    indexes merge by keeping the earlier occurrence.
    """

    first: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, record_id: str, file: str, line: int) -> tuple[str, int] | None:
        """Record an id; return where it was seen before, if it was."""
        seen = self.first.setdefault(record_id, (file, line))
        return None if seen == (file, line) else seen


@dataclass(frozen=True)
class Report:
    """The outcome of a run: every finding, sorted, and what was checked."""

    findings: tuple[Finding, ...]
    datasets: int
    records: int

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
             progress: Callable[[int, int, str], None] | None = None) -> Report:
    """Check every dataset that `paths` name and return the report.

    Raises `validator.loading.UsageError` when a path does not exist or no
    dataset is found; bad data never raises, it becomes findings.  `progress`,
    if given, is called as (datasets done, datasets in all, next dataset).
    """
    locations, orphans = discover(list(paths))
    ids = RecordIds()
    findings: list[Finding] = [
        make("descriptor-missing", "folder holds files but no datapackage.json", orphan)
        for orphan in orphans
    ]
    records = 0
    for done, location in enumerate(locations):
        if progress:
            progress(done, len(locations), location.display)
        checker = DatasetRun(location, ids)
        try:
            findings.extend(checker.findings())
        except Exception as error:  # noqa: BLE001 - the crash barrier: one dataset, not the run
            findings.append(make("internal-error", f"{type(error).__name__}: "
                                 f"{escape(str(error), 120)}", location.name(DESCRIPTOR)))
        records += checker.records
    return Report(tuple(sorted(findings)), len(locations), records)


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

    def __init__(self, location: DatasetLocation, ids: RecordIds) -> None:
        """Prepare to check the dataset at `location`, sharing the run's id index."""
        self.location = location
        self.ids = ids
        self.records = 0
        self.descriptor_text = ""
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
        profile = _validator(version.version, registry.PROFILE_SCHEMA)
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
            yield from self._records(paths["events"], context)

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
        problems = list(tables.schema_problems(data, table, table_schema))
        columns = tuple(column["name"] for column in table_schema["fields"])
        if table.header != columns and not any(p.code == "table-header" for p in problems):
            problems.append(Problem("table-header", f"header is not {','.join(columns)}", 1, 1))
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
        return DatasetContext(version, actor_ids, articles if sources else None)

    def _records(self, path: str, context: DatasetContext) -> Iterator[Finding]:
        handle = open_regular_file(self.location.root, path)
        if isinstance(handle, Problem):
            yield self._descriptor(Problem(handle.code, f"resource 'events': {handle.message}",
                                           pointer=self._pointers[path]))
            return
        hasher: Any = hashlib.sha256()  # None once an over-long line was skipped
        record_validator = _validator(context.version.version, registry.RECORD_SCHEMA)
        name = self.location.name(path)
        found = 0
        with handle:
            for number, raw in enumerate(_lines(handle), start=1):
                if found >= MAX_FINDINGS_PER_FILE:
                    yield make("too-many-findings", f"more than {MAX_FINDINGS_PER_FILE} "
                               "findings; the rest of the file is not checked", name, number, 1)
                    return
                if raw is None:
                    found += 1
                    yield make("file-too-large", f"line is longer than {MAX_LINE_BYTES} bytes",
                               name, number, 1)
                    hasher = None  # the skipped bytes cannot be hashed any more
                    continue
                if hasher is not None:
                    hasher.update(raw)
                for finding in self._record(raw, number, name, path, context, record_validator):
                    found += 1
                    yield finding
        expected, hash_pointer = self._hashes[path]
        if hasher is not None and isinstance(expected, str) and expected.startswith("sha256:") \
                and expected[7:] != hasher.hexdigest():
            yield self._descriptor(Problem(
                "resource-hash-mismatch", f"{escape(path)} has SHA-256 "
                f"{hasher.hexdigest()[:12]}…, not {expected[7:19]}…", pointer=hash_pointer))

    def _record(self, raw: bytes, number: int, name: str, path: str,
                context: DatasetContext, record_validator: Any) -> Iterator[Finding]:  # noqa: ANN401
        line = raw.removesuffix(b"\n")
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            yield make("encoding-bom", "starts with a UTF-8 byte order mark", name, 1, 1)
            return
        text = decode_utf8(line)
        if isinstance(text, Problem):
            yield make(text.code, text.message, name, number, text.column)
            return
        if not text.strip():
            if raw.endswith(b"\n") or line:
                yield make("record-blank-line", "blank line; each line holds one record",
                           name, number, 1)
            return
        record = parse_json(text)
        if isinstance(record, Problem):
            yield make(record.code, record.message, name, number, record.column)
            return
        if not isinstance(record, dict):
            yield make("record-not-object", f"a record is a JSON object, not {escape(record)}",
                       name, number, 1)
            return
        self.records += 1
        problems = list(schema_problems(record_validator, record))
        record_id = record.get("id")
        if isinstance(record_id, str):
            seen = self.ids.add(record_id, name, number)
            if seen:
                problems.append(Problem("record-id-duplicate", f"id {escape(record_id)} is "
                                        f"already used at {seen[0]}:{seen[1]}", pointer="/id"))
        if not any(p.code.startswith("schema-") for p in problems):
            # Later layers assume the record's shape, so they run on valid records only.
            for check in RECORD_CHECKS:
                try:
                    problems.extend(check(record, context))
                except Exception as error:  # noqa: BLE001 - the crash barrier: one record
                    problems.append(Problem("internal-error", f"{check.__name__} failed: "
                                            f"{type(error).__name__}: {escape(str(error), 80)}"))
        for problem in problems:
            yield self._in_json(path, text, problem, number)


def _lines(handle: Any) -> Iterator[bytes | None]:  # noqa: ANN401 - a binary file object
    """Lines split on LF bytes only (U+2028 inside a string is not a line break).

    A line longer than MAX_LINE_BYTES is skipped without being held in memory
    and comes out as None.
    """
    while True:
        chunk = handle.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        if len(chunk) > MAX_LINE_BYTES:
            while chunk and not chunk.endswith(b"\n"):
                chunk = handle.readline(MAX_LINE_BYTES)
            yield None
            continue
        yield chunk


_VALIDATORS: dict[tuple[str, str], Any] = {}


def _validator(version: str, document: str) -> Any:  # noqa: ANN401 - a jsonschema-rs validator
    """A compiled, offline, format-asserting validator, built once per schema."""
    key = (version, document)
    if key not in _VALIDATORS:
        import jsonschema_rs

        loaded = registry.load(version)
        resources = [(doc["$id"], doc) for doc in loaded.documents.values() if "$id" in doc]
        _VALIDATORS[key] = jsonschema_rs.validator_for(
            loaded.documents[document], registry=jsonschema_rs.Registry(resources),
            validate_formats=True, retriever=_refuse)
    return _VALIDATORS[key]


def _refuse(uri: str) -> JSON:
    raise ValueError(f"offline: refusing to retrieve {uri}")
