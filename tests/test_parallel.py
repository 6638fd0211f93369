"""Speed must not change answers: the fast parser and --jobs give the same findings."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from values import paths
from writing import shift_dates

from validator import validate
from validator.cli import main
from validator.engine import engines, records
from validator.engine import ids as id_index
from validator.engine.pool import worker_map
from validator.findings import Problem
from validator.reading import fast_json
from validator.reading import lines as line_reader
from validator.reading.fast_json import parse_record, unfinished
from validator.reading.limits import MAX_DEPTH, Sizes
from validator.reading.strict_json import parse_json
from validator.reading.text import decode_utf8

BASE = Path(__file__).parent / "cases" / "valid" / "base"

JSON_BYTES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**25), 10**25) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(st.tuples(st.sampled_from(["a", "b", "id", 'q"', "x:"]), inner), max_size=4)
    .map(lambda pairs: "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}"
                                       for k, v in pairs) + "}"),
    max_leaves=12,
).map(lambda v: v if isinstance(v, str) and v.startswith("{") else json.dumps(v))


def _strict(raw: bytes) -> object:
    text = decode_utf8(raw)
    return text if isinstance(text, Problem) else parse_json(text)


def _strict_line(raw: bytes) -> object:
    """`_strict`, and a line's parse says when the line ended inside its record."""
    text = decode_utf8(raw)
    return text if isinstance(text, Problem) else unfinished(parse_json(text), text)


@given(st.one_of(JSON_BYTES.map(str.encode), st.binary(max_size=200)))
def test_fast_record_parser_agrees_with_the_strict_parser(raw: bytes) -> None:
    """Same value, or the same located problem, for any bytes (repeated keys included)."""
    fast, strict = parse_record(raw), _strict_line(raw)
    assert (fast, repr(fast)) == (strict, repr(strict))


@pytest.mark.parametrize("raw", [
    b'{"a": "x\\u003a", "a": 1}',  # an escaped colon makes up for the dropped key's
    b'{"a": 1, "a": 2, "c": "\\u003a", "b": "\\n"}',  # the same, and a later backslash
    b'{"a\\u003A": 1, "a\\u003A": 2}',
    b'{"a" : 1, "a"\t: 2}',  # space before a colon
    b'{"q\\"": 1, "q\\"": 2}',  # an escaped quote in the key
    b'{"n": 123456789012345678901}',  # too many digits; orjson would give a float
    b'{"n": 18446744073709551616}',  # 20 digits, beyond 64 bits
    b'{"n": 99999999999999999999}',  # 20 digits: orjson gives 1e+20
    b'{"n": -9999999999999999999}',  # 19 digits, below -2**63
    b'{"n": 999999999999999999}',  # 18 digits: exact either way
])
def test_fast_record_parser_edges(raw: bytes) -> None:
    # repr too: 1e+20 == 10**20, and a float must not stand in for an integer.
    fast, strict = parse_record(raw), _strict_line(raw)
    assert (fast, repr(fast)) == (strict, repr(strict))


def _nested(levels: int, inner: str) -> str:
    """`inner` inside `levels` arrays and objects, in turn: `levels` more levels deep."""
    return "".join('{"k": ' if level % 2 else "[" for level in range(levels)) + inner + "".join(
        "}" if level % 2 else "]" for level in reversed(range(levels)))


@given(st.one_of(JSON_BYTES, st.builds(_nested, st.integers(0, 70), JSON_BYTES),
                 st.text(max_size=60)))
def test_the_document_parser_agrees_with_the_strict_parser(text: str) -> None:
    """Same value, or the same located problem, for any text, depth limit included."""
    raw = text.encode("utf-8", "surrogatepass")
    strict = _strict(raw)
    if isinstance(decode_utf8(raw), Problem):  # the caller reports text that does not decode
        return
    fast = fast_json.parse_document(raw, text)
    assert (fast, repr(fast)) == (strict, repr(strict))


@pytest.mark.parametrize(("inner", "more"), [
    ("1", 0), ('"x]"', 0), ("[]", 1), ("{}", 1), ('{"a": []}', 2), ("[1, {}]", 2), ("[[], 1]", 2)])
@pytest.mark.parametrize("levels", [61, 62, 63, 64, 65, 200, 300])
def test_the_document_parser_keeps_the_depth_limit(levels: int, inner: str, more: int) -> None:
    """Up to the limit and one past it, whether the deepest level is empty, or holds a value."""
    text = _nested(levels, inner)
    parsed = fast_json.parse_document(text.encode(), text)
    assert isinstance(parsed, Problem) == (levels + more > MAX_DEPTH)
    assert parsed == parse_json(text)


def test_only_depth_is_left_to_the_schema() -> None:
    """The one guarantee the fast parser leaves out: depth, for the records layer to check."""
    deep = b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}"
    assert isinstance(_strict(deep), Problem)
    assert _strict(deep).code == "json-too-deep"
    assert parse_record(deep) == json.loads(deep)


def test_no_slot_of_the_record_schema_admits_deep_nesting() -> None:
    """Why parse_record may leave depth out: no record nested past MAX_DEPTH is schema-valid.

    Every value of every repository record (and a new key at every object)
    is replaced in turn by nesting one level past the limit; none passes.
    """
    from validator import registry
    from validator.reading.limits import MAX_DEPTH

    validator = engines.compiled("1.0.0", registry.RECORD_SCHEMA)
    nested: object = []
    for _ in range(MAX_DEPTH - 1):
        nested = [nested]
    lines = [line for path in sorted((BASE.parent.parent.parent.parent / "datasets")
                                     .glob("*/events.jsonl"))
             for line in path.read_text("utf-8").splitlines()]
    tried = 0
    for line in lines:
        for path in paths(json.loads(line)):
            for into_new_key in (False, True):
                probe = json.loads(line)
                parent, key = (probe, path[-1]) if path else (None, None)
                for step in path[:-1]:
                    parent = parent[step]
                if into_new_key:
                    target = parent[key] if path else probe
                    if not isinstance(target, dict):
                        continue
                    target["new"] = nested
                elif path:
                    parent[key] = nested
                else:
                    continue
                assert not validator.is_valid(probe), (path, into_new_key)
                tried += 1
    assert tried > 500


def _corpus(folder: Path) -> Path:
    dataset = folder / "big"
    shutil.copytree(BASE, dataset)
    originals = (dataset / "events.jsonl").read_text("utf-8").splitlines()
    lines = []
    for number in range(3000):  # each pass over the originals a week before the last
        record = shift_dates(json.loads(originals[number % 4]), -(number // 4))
        record["id"] = f"r-{number % 2900}"  # repeats across chunks
        if number % 97 == 0:
            record["modality"] = "rumoured"
        if number % 101 == 0:
            record["evidence"][0]["start"] += 1
        lines.append(json.dumps(record, ensure_ascii=False))
    (dataset / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return dataset


def test_jobs_give_identical_findings_across_chunks(tmp_path: Path, monkeypatch) -> None:
    dataset = _corpus(tmp_path)
    serial = validate([str(dataset)], jobs=1)
    sizes = Sizes(chunk_bytes=64 * 1024, parallel_bytes=0)
    size = (dataset / "events.jsonl").stat().st_size
    assert len(line_reader.split(dataset, "events.jsonl", size, 2, chunk_bytes=sizes.chunk_bytes)) > 10
    calls: list[tuple[int, int]] = []
    parallel = validate([str(dataset)], jobs=2, progress=lambda d, t, _: calls.append((d, t)),
                        sizes=sizes)
    assert parallel == serial
    assert calls[-1][0] == calls[-1][1] > 10  # the bar ends full, chunks counted
    codes = {f.code for f in serial.findings}
    assert codes == {"record-id-duplicate", "schema-not-in-codelist", "span-text-mismatch"}
    assert serial.records == 3000


def _far_map(function, items):
    """A map as a cluster runs one: each task and result pickled, last task first."""
    # The pickles are the test's own, made a line before.
    function, items = pickle.loads(pickle.dumps((function, list(items))))  # noqa: S301
    results = {index: pickle.dumps(function(items[index]))
               for index in reversed(range(len(items)))}
    return [pickle.loads(results[index]) for index in range(len(items))]  # noqa: S301


def test_any_ordered_map_can_run_the_tasks(tmp_path: Path, monkeypatch) -> None:
    """A Dask client's map and gather, or an executor's map, in place of local processes."""
    dataset = _corpus(tmp_path)
    shutil.copytree(BASE, tmp_path / "small")
    serial = validate([str(tmp_path)], jobs=1)
    sizes = Sizes(chunk_bytes=64 * 1024, parallel_bytes=0)
    assert len(line_reader.split(dataset, "events.jsonl", (dataset / "events.jsonl").stat().st_size,
                                 3, chunk_bytes=sizes.chunk_bytes)) > 10
    ran: list[int] = []

    def counted(function, items):
        items = list(items)
        ran.append(len(items))
        return _far_map(function, items)

    assert validate([str(tmp_path)], jobs=3, mapper=counted, sizes=sizes) == serial
    assert ran[0] == 2  # the datasets,
    assert ran[1] > 10  # then the big file's chunks
    with ThreadPoolExecutor(2) as pool:
        assert validate([str(tmp_path)], jobs=2, mapper=pool.map, sizes=sizes) == serial


def test_a_merged_dataset_s_chunks_keep_no_state_of_the_run(tmp_path: Path,
                                                            monkeypatch) -> None:
    """Once merged into the run, a split file's chunks are let go: kept, their ids, keys,
    links and transfers held the run's state twice, and every allegation to its end."""
    import gc
    import weakref

    from validator.engine import run

    dataset = _corpus(tmp_path)
    merged: list[tuple[int, int, list[Any], list[Any]]] = []
    add = run.RunState.add

    def noted(self: Any, result: Any) -> None:
        before = (sum(len(chunk.ids.digests) for chunk in result.checked),
                  sum(len(chunk.transfers.found) for chunk in result.checked))
        chunks = [weakref.ref(chunk) for chunk in result.checked]
        add(self, result)
        merged.append((*before, chunks, result.checked))

    across = run._across  # noqa: SLF001 - the moment every dataset is merged
    alive: list[int] = []

    def counted(*args: Any) -> Any:
        gc.collect()
        alive.append(sum(chunk() is not None for _, _, chunks, _ in merged for chunk in chunks))
        return across(*args)

    monkeypatch.setattr(run.RunState, "add", noted)
    monkeypatch.setattr(run, "_across", counted)
    report = validate([str(dataset)], jobs=2, sizes=Sizes(chunk_bytes=64 * 1024,
                                                             parallel_bytes=0))
    ((ids, found, chunks, left),) = merged
    assert len(chunks) > 10
    assert ids == report.records
    assert found > 0  # its allegations' transfers were there to drop
    assert (left, alive) == ([], [0])  # while the run goes on, nothing holds one


def test_split_and_whole_datasets_share_one_run(tmp_path: Path, monkeypatch) -> None:
    """A small dataset checked whole and a large one in chunks: each gets its own results."""
    small = tmp_path / "a-small"
    shutil.copytree(BASE, small)
    with (small / "events.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("[1]\n")
    big = _corpus(tmp_path)
    serial = validate([str(tmp_path)], jobs=1)
    sizes = Sizes(chunk_bytes=64 * 1024, parallel_bytes=0)
    chunks = len(line_reader.split(big, "events.jsonl", (big / "events.jsonl").stat().st_size, 2,
                                   chunk_bytes=sizes.chunk_bytes))
    calls: list[tuple[int, int, str]] = []
    parallel = validate([str(tmp_path)], jobs=2, progress=lambda *call: calls.append(call),
                        sizes=sizes)
    assert parallel == serial
    assert any(f.code == "record-not-object" and "a-small" in f.file for f in serial.findings)
    names = [f"{folder.as_posix()}/datapackage.json" for folder in (small, big)]
    # Datasets in order (by their bytes), then each chunk of the big one as it is merged.
    weights = [(folder / "events.jsonl").stat().st_size + sizes.layers_bytes
               for folder in (small, big)]
    total = sum(weights)
    assert [name for _, _, name in calls] == names + [names[1]] * chunks
    assert calls[0] == (weights[0], total, names[0])
    assert calls[1] == (weights[0], total, names[1])  # its events file is left to chunks
    assert all(t == total for _, t, _ in calls)
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)  # never back
    assert calls[-1][0] == total
    assert len({d for d, _, _ in calls[1:]}) == chunks + 1  # each chunk moves it


def test_a_batch_comes_back_folded_around_a_split_dataset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One batch of three datasets, the middle one split: the worker folds the whole ones
    into a segment each, before and after it, and the run merges all three in order, so
    that the last dataset's ids, the first's again, are repeats of the first's records."""
    from validator.engine import run
    from validator.engine.dataset import DatasetResult
    from validator.engine.state import RunState

    shutil.copytree(BASE, tmp_path / "a")
    _corpus(tmp_path)  # "big"
    shutil.copytree(BASE, tmp_path / "c")
    serial = validate([str(tmp_path)], jobs=1)
    sizes = Sizes(chunk_bytes=64 * 1024, parallel_bytes=0)
    monkeypatch.setattr(run, "batches", lambda locations, *_: [locations])  # all in one
    batches: list[list[str]] = []

    def cluster(function: Any, items: Any) -> Any:
        results = _far_map(function, items)
        batches.extend([[type(item).__name__ for item in result] for result in results
                        if result and isinstance(result, list)])
        return results

    assert validate([str(tmp_path)], jobs=2, mapper=cluster, sizes=sizes) == serial
    assert batches[0] == [RunState.__name__, DatasetResult.__name__, RunState.__name__]
    repeats = [f for f in serial.findings if f.code == "record-id-duplicate"
               and f.file.startswith(f"{tmp_path / 'c'}/")]
    assert len(repeats) == 4
    assert all(f"{tmp_path / 'a'}/events.jsonl:" in f.message for f in repeats)


@pytest.mark.parametrize(("chunk", "limit"), [(10_000, None), (1_000, None), (10_000, 64)],
                         ids=["chunks-of-lines", "lines-longer-than-chunks", "long-lines"])
def test_chunks_cover_every_line_once(chunk: int, limit: int | None, tmp_path: Path,
                                      monkeypatch) -> None:
    """Ranges cut at line starts, in order, none empty, each about size / count."""
    dataset = _corpus(tmp_path)
    data = (dataset / "events.jsonl").read_bytes()
    # With a limit, lines are longer than one read of the cutter.
    ranges = line_reader.split(dataset, "events.jsonl", len(data), 2, chunk_bytes=chunk,
                               **({"max_line": limit} if limit else {}))
    assert ranges[0][0] == 0
    assert ranges[-1][1] is None
    assert ranges[-1][0] < len(data)
    for (start, end, line), (next_start, _, next_line) in itertools.pairwise(ranges):
        assert start < end == next_start
        assert data[end - 1:end] == b"\n"
        assert next_line == line + data[start:end].count(b"\n")
    # Each cut is the first line start at or after its target, size * k // count.
    count = len(data) // chunk
    longest = max(len(line) + 1 for line in data.splitlines())
    sizes = [(end or len(data)) - start for start, end, _ in ranges]
    assert max(sizes) <= len(data) / count + 1 + longest
    assert len(ranges) == count if chunk > longest else len(ranges) < count


def test_a_file_is_split_only_past_the_chunk_size_and_for_more_than_one_process(
        tmp_path: Path, monkeypatch) -> None:
    dataset = _corpus(tmp_path)
    size = (dataset / "events.jsonl").stat().st_size
    split = line_reader.split
    assert split(dataset, "events.jsonl", size, 1, chunk_bytes=10_000) == [(0, None, 1)]
    assert split(dataset, "events.jsonl", size, 2, chunk_bytes=size) == [(0, None, 1)]
    # two chunks a process, at least
    assert len(split(dataset, "events.jsonl", size, 2, chunk_bytes=size - 1)) == 4
    # A file that cannot be opened now: one task, whose reader reports nothing more.
    monkeypatch.setattr(line_reader, "open_regular_file", lambda *_: Problem("file-gone", "gone"))
    assert split(dataset, "events.jsonl", size, 2, chunk_bytes=size - 1) == [(0, None, 1)]


def test_a_file_split_in_two_gives_the_single_pass_answer(tmp_path: Path, monkeypatch) -> None:
    """Two chunks, the fewest a split file has: both are checked and merged, once each."""
    dataset = tmp_path / "two"
    shutil.copytree(BASE, dataset)
    events = dataset / "events.jsonl"
    first, second = events.read_text("utf-8").splitlines()[:2]
    events.write_text(f"{first}\n{second.replace('asserted', 'rumoured')}\n", "utf-8")
    serial = validate([str(dataset)], jobs=1)
    sizes = Sizes(chunk_bytes=1, parallel_bytes=0)
    assert len(line_reader.split(dataset, "events.jsonl", events.stat().st_size, 2,
                                 chunk_bytes=sizes.chunk_bytes)) == 2
    assert validate([str(dataset)], jobs=2, sizes=sizes) == serial
    assert [(f.code, f.line) for f in serial.findings] == [("schema-not-in-codelist", 2)]
    assert serial.records == 2


def test_each_chunk_checks_only_its_lines(tmp_path: Path, monkeypatch) -> None:
    """Chunks, checked one by one and merged in order, give the single pass's results.

    `validate` redoes a file in one pass when its chunks find too much, so
    this checks the chunks themselves, without that safety net.
    """
    from validator.engine.dataset import dataset_layers
    from validator.reading.discovery import discover

    dataset = _corpus(tmp_path)
    locations, _ = discover([str(dataset)])
    layers = dataset_layers(locations[0])
    assert layers.findings == []
    whole = layers.tasks
    chunks = dataset_layers(locations[0], jobs=2, sizes=Sizes(chunk_bytes=64 * 1024)).tasks
    assert len(whole) == 1
    assert len(chunks) > 10
    single = records.check_records(whole[0])
    merged = id_index.RecordIds()
    found: list[object] = []
    counted = 0
    for task in chunks:
        result = records.check_records(task)
        found += result.findings
        merged.merge(result.ids)
        counted += result.records
    assert found == single.findings
    assert counted == single.records == 3000
    assert merged == single.ids


def test_a_flooded_file_gives_the_single_pass_answer(tmp_path: Path, monkeypatch) -> None:
    dataset = tmp_path / "flood"
    shutil.copytree(BASE, dataset)
    (dataset / "events.jsonl").write_bytes(b"[]\n" * 5000)
    serial = validate([str(dataset)], jobs=1)
    sizes = Sizes(chunk_bytes=1024, parallel_bytes=0)
    assert validate([str(dataset)], jobs=2, sizes=sizes) == serial
    assert serial.findings[-1].code == "too-many-findings"


def test_id_index_finds_repeats_and_ignores_digest_collisions(monkeypatch) -> None:
    """Repeats are found by digest, in order; equal digests of different ids are not repeats."""
    index = id_index.RecordIds()
    for number, record_id in enumerate(["a", "b", "a", "c", "b", "a"], start=1):
        index.add(record_id, "f", number, number * 10)
    groups = sorted(index.candidates())
    assert groups == [[0, 2, 5], [1, 4]]
    assert index.where(5) == ("f", 6, 60)

    colliding = id_index.RecordIds()
    monkeypatch.setattr(records, "id_digest", lambda _record_id: 7)
    monkeypatch.setattr(id_index, "id_digest", lambda _record_id: 7)
    for number, record_id in enumerate(["a", "b"], start=1):
        colliding.add(record_id, "f", number, 0)
    assert list(colliding.candidates()) == [[0, 1]]  # candidates only; id_findings re-reads


def test_id_index_keeps_each_file_of_merged_chunks() -> None:
    first, second, third = id_index.RecordIds(), id_index.RecordIds(), id_index.RecordIds()
    first.add("a", "one", 1, 0)
    first.add("b", "one", 2, 5)
    second.add("c", "one", 3, 9)  # a later chunk of the same file
    third.add("d", "two", 1, 0)
    third.add("e", "three", 1, 0)
    for later in (second, third):
        first.merge(later)
    assert [first.where(p) for p in range(5)] == [
        ("one", 1, 0), ("one", 2, 5), ("one", 3, 9), ("two", 1, 0), ("three", 1, 0)]
    assert first.files == ["one", "two", "three"]  # as one pass over the three files


def test_id_digests_rarely_collide() -> None:
    """A collision costs a second read of two lines: none among 200,000 ids that look alike.

    Adler-32 alone gives only some 5,800 distinct values for them.  CRC-32 alone
    keeps these apart, but any 32 bits collide by chance from about 100,000 ids.
    """
    ids = [f"bench-{n // 2000:04d}-{n:07d}" for n in range(200_000)]
    assert len({id_index.id_digest(record_id) for record_id in ids}) == len(ids)
    assert id_index.id_digest("a\ud800") != id_index.id_digest("a")  # any str, even unpaired


def test_colliding_digests_are_not_reported_as_repeats(tmp_path: Path, monkeypatch) -> None:
    """Every id sharing one digest: only the ids that really repeat are findings."""
    monkeypatch.setattr(records, "id_digest", lambda _record_id: 7)
    monkeypatch.setattr(id_index, "id_digest", lambda _record_id: 7)
    report = validate([str(_corpus(tmp_path))], jobs=1)
    repeats = [f for f in report.findings if f.code == "record-id-duplicate"]
    assert len(repeats) == 100  # r-0 .. r-99 appear twice in 3000 lines


@given(lines=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=12),
       final_lf=st.booleans(), block=st.integers(1, 40), limit=st.integers(4, 40),
       data=st.data())
def test_block_reader_gives_every_line_once(lines, final_lf, block, limit, data) -> None:
    """Lines, offsets and overlong lines are the same for any block size and any end."""
    raw = b"".join(line + b"\n" for line in lines)
    if lines and lines[-1] and not final_lf:
        raw = raw[:-1]  # the last line without its LF
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    end = data.draw(st.sampled_from([None, *starts[1:]]))  # ranges end at line starts
    expected = [(start, line if len(line) + (start + len(line) < len(raw)) <= limit else None)
                for start, line in zip(starts, lines, strict=True)
                if end is None or start < end]
    assert _read(raw, end, block, limit) == expected


def _read(raw: bytes, end: int | None, block_bytes: int, max_line: int,
          ) -> list[tuple[int, bytes | None]]:
    """(offset, line or None) of every line `blocks` gives, runs flattened."""
    import io

    got = []
    for start, lines, _ in line_reader.blocks(io.BytesIO(raw), end, block_bytes=block_bytes,
                                              max_line=max_line):
        offset = start
        for line in lines:
            got.append((offset, line))
            offset += len(line) + 1 if line is not None else 0
    return got


def test_the_narrowed_engine_changes_no_finding(tmp_path: Path, monkeypatch) -> None:
    """Records the narrowed engine refuses get the released schema's and every check's findings."""
    dataset = tmp_path / "narrowed"
    shutil.copytree(BASE, dataset)
    originals = [json.loads(line) for line in
                 (dataset / "events.jsonl").read_text("utf-8").splitlines()]
    breaks = [
        lambda r: r["actors"].append("zz-nobody"),
        lambda r: r["evidence"][0].update(source="zz-elsewhere"),
        lambda r: r.update(location={"name": "X", "precision": "country", "country": "XXA"}),
        lambda r: r["classification"].update(plover_context=["zz-unlisted"]),
        lambda r: r["evidence"][0].update(end=99999999999999999999),
        lambda r: r["evidence"][0].update(start=10**19),
        lambda r: r.update(modality="rumoured"),
    ]
    lines = []
    for number in range(1500):
        record = json.loads(json.dumps(originals[number % len(originals)]))
        record["id"] = f"n-{number}"
        if number % 50 == 0:
            breaks[number // 50 % len(breaks)](record)
        lines.append(json.dumps(record, ensure_ascii=False))
    (dataset / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    built: list[list[str]] = []  # the locations each engine narrows
    narrowed_engine = engines.narrowed
    monkeypatch.setattr(engines, "narrowed",
                        lambda version, narrowing: built.append(sorted(narrowing))
                        or narrowed_engine(version, narrowing))
    records._shared_hot_path.cache_clear()  # noqa: SLF001 - made once a process: made here
    records._partly_shared.cache_clear()  # noqa: SLF001
    narrowed = validate([str(dataset)], jobs=1, sizes=Sizes(narrow_bytes=0))  # its own engine
    bare = validate([str(dataset)], jobs=1, sizes=Sizes(narrow_bytes=1 << 60))  # small datasets
    shared = ["codelists.schema.json#/$defs/plover_context",
              "codelists.schema.json#/$defs/response_kind",
              "common.schema.json#/$defs/calendar_date",  # no year 0000 (checks.year_zero)
              "common.schema.json#/$defs/country_code"]
    # Its own engine; the one small datasets share; and that of small datasets whose
    # tables differ from it (the same locations: their tables' checks keep their screens).
    assert built == [sorted([*shared, "common.schema.json#/$defs/actor_ref",
                             "common.schema.json#/$defs/party",
                             "common.schema.json#/$defs/source_ref"]), shared, shared]

    monkeypatch.setattr(engines, "narrowed", _no_location)  # the released engine alone
    released = validate([str(dataset)], jobs=1)
    assert narrowed == bare == released
    assert {f.code for f in narrowed.findings} >= {
        "actor-unknown", "source-unknown", "country-code-unknown", "codelist-open-value",
        "span-out-of-range", "schema-not-in-codelist"}
    assert "99999999999999999999" in str(narrowed.findings)  # the number, not 1e+20


@pytest.mark.parametrize("block", [64, 10, 1])
def test_block_reader_goes_on_after_an_overlong_line(block: int) -> None:
    """The lines after an overlong one keep their offsets (a case the property finds rarely)."""
    raw = b"ab\n" + b"x" * 30 + b"\ncd\nef\n" + b"y" * 9 + b"\ngh"
    assert _read(raw, None, block, 8) == [
        (0, b"ab"), (3, None), (34, b"cd"), (37, b"ef"), (40, None), (50, b"gh")]


def _no_location(version: str, narrowing: object) -> None:
    raise LookupError(version)


@pytest.mark.parametrize("engine", ["dataset", "shared", "released"])
def test_only_broken_records_leave_the_hot_path(engine: str, tmp_path: Path,
                                                monkeypatch, left_hot_path: list[int]) -> None:
    """Speed without a timer: clean records are decided inline, the others take `_record`.

    In each mode of the hot path: a dataset's own engine, the shared one, the
    released one and every screen.
    """
    dataset = _corpus(tmp_path)
    lines = (dataset / "events.jsonl").read_text("utf-8").splitlines()
    big = json.loads(lines[1500])
    big["location"]["geonames_id"] = 10**19  # clean, but orjson may not read it exactly
    lines[1500] = json.dumps(big)
    (dataset / "events.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    # A line a block: block guards see one line.
    sizes = Sizes(narrow_bytes=0 if engine == "dataset" else 1 << 60, block_bytes=1)
    if engine == "released":
        monkeypatch.setattr(engines, "narrowed", _no_location)
    report = validate([str(dataset)], jobs=1, sizes=sizes)
    broken = [n + 1 for n in range(3000) if n % 97 == 0 or n % 101 == 0]
    assert left_hot_path == sorted([*broken, 1501])
    assert report.records == 3000
    assert len(report.findings) == len(broken) + 100  # and the 100 repeated ids


@given(st.lists(st.sampled_from([b"\\", b"u", b"003", b"a", b"A", b"c", b"\\\\", b'"',
                                 b"x" * 7, b"\\u003a", b"\\u003A"]), max_size=400).map(b"".join))
@example(b"\\u003a\\n")  # a backslash after the colon: the scan starts at the first one
@example(b"\\x" * 200 + b"\\u003a")  # found by the search past the first 128
@example(b"\\x" * 127 + b"\\u003A")  # the 128th backslash
@example(b"\\x" * 300 + b"\\u003c")  # an escaped '<', not a colon
@example(b"\\u003c\\u003e")
def test_the_escaped_colon_scan_is_a_substring_search(data: bytes) -> None:
    """Backslash by backslash, then a search past the first 128: the same verdict as `in`."""
    assert fast_json.escaped_colon(data) == (b"\\u003a" in data or b"\\u003A" in data)


def test_one_dataset_is_checked_against_the_ids_of_the_datasets_beside_it(tmp_path: Path) -> None:
    """As a pre-commit hook checks the dataset that changed: a repeat of a neighbour's id is
    found, on this dataset's line; the neighbour gets no finding; --alone leaves it out."""
    first, second = tmp_path / "a-first", tmp_path / "b-second"
    shutil.copytree(BASE, first)
    shutil.copytree(BASE, second)  # the same records, so the same ids
    report = validate([str(second)])
    assert report.beside == 1
    repeats = [f for f in report.findings if f.code == "record-id-duplicate"]
    assert repeats
    assert all(f.file.startswith(str(second)) for f in report.findings)
    assert f"is already used at {first}/events.jsonl:1" in repeats[0].message
    assert validate([str(second)], alone=True).findings == ()
    both = validate([str(tmp_path)])
    assert both.beside == 0
    assert {f.file for f in both.findings} == {f"{second}/events.jsonl"}


def test_a_dataset_beside_that_cannot_be_read_lends_no_id(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "checked")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "datapackage.json").write_text("{not json", "utf-8")
    odd = tmp_path / "odd"
    shutil.copytree(BASE, odd)
    (odd / "events.jsonl").write_text('not a record\n[1]\n{"id": 7}\n', "utf-8")
    report = validate([str(tmp_path / "checked")])
    assert (report.findings, report.beside) == ((), 2)


_DATASETS = Path(__file__).parent.parent / "datasets"
_LINKING = "voa-2025-03-10-rubio-saudi-arabia"  # links to a record of _LINKED's
_LINKED = "voa-2025-03-13-g7-charlevoix"


def _pair(folder: Path) -> tuple[Path, Path]:
    """Two real datasets in `folder`, the first linking to a record of the second."""
    linking, linked = folder / _LINKING, folder / _LINKED
    shutil.copytree(_DATASETS / _LINKING, linking)
    shutil.copytree(_DATASETS / _LINKED, linked)
    return linking, linked


@pytest.mark.parametrize("break_linked", ["repeated key", "deep", "version", "events unsafe"])
def test_a_dataset_beside_lends_the_ids_a_run_over_both_would_index(
        tmp_path: Path, break_linked: str) -> None:
    """The linked record's id is lent only if a run over both datasets would index it: a
    line that repeats a key or nests too deep, a descriptor of no released version or an
    events path the policy refuses lend none, so the link dangles alone as in the full run."""
    linking, linked = _pair(tmp_path)
    assert validate([str(linking)]).findings == ()
    if break_linked in {"repeated key", "deep"}:
        events = linked / "events.jsonl"
        lines = events.read_text("utf-8").splitlines()
        tail = ', "x": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH if break_linked == "deep" \
            else ', "summary": "again"'
        lines = [line[:-1] + tail + "}" for line in lines]
        events.write_text("\n".join(lines) + "\n", "utf-8")
    else:
        descriptor = linked / "datapackage.json"
        text = descriptor.read_text("utf-8")
        descriptor.write_text(text.replace('"textevents_version": "1.3.0"',
                                           '"textevents_version": "9.9.9"')
                              if break_linked == "version" else
                              text.replace('"path": "events.jsonl"', '"path": "../events.jsonl"'),
                              "utf-8")
    alone = validate([str(linking)])
    together = validate([str(tmp_path)])
    assert [f.code for f in alone.findings] == ["link-dangling"]
    assert [f for f in together.findings if f.file.startswith(str(linking))] == list(
        alone.findings)


def test_a_dataset_named_where_it_stands_has_its_parent_s_datasets_beside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate .` (or a file of the dataset) in a dataset's folder: its links and ids are
    checked among the datasets of its parent folder, named from where the run stands."""
    linking, linked = _pair(tmp_path)
    monkeypatch.chdir(linking)
    for named in (".", "events.jsonl", str(linking)):
        report = validate([named])
        assert (report.findings, report.beside) == ((), 1), named
    (linked / "events.jsonl").write_text(
        (linking / "events.jsonl").read_text("utf-8"), "utf-8")  # its ids, repeated there
    repeats = [f for f in validate(["."]).findings if f.code == "record-id-duplicate"]
    assert repeats
    assert all(f.file == "events.jsonl" and
               f"already used at ../{_LINKED}/events.jsonl:" in f.message for f in repeats)


def test_a_hidden_dataset_is_beside_and_a_group_s_are_not_looked_for(tmp_path: Path) -> None:
    """A hidden dataset folder is checked by a run over the folder, so it is beside a
    dataset named alone, and --output may not write into it.  Datasets in a folder of
    their own below are not looked for: that walk has no bound (a dataset in a home
    folder, or at the file system's root), so naming the folder checks them."""
    checked = tmp_path / "checked"
    shutil.copytree(BASE, checked)
    shutil.copytree(BASE, tmp_path / ".hidden")  # the same ids
    shutil.copytree(BASE, tmp_path / "group" / "inner")  # the same ids, one folder down
    report = validate([str(checked)])
    alone = [f for f in report.findings if f.code == "record-id-duplicate"]
    assert report.beside == 1
    assert alone
    assert all(f"already used at {tmp_path}/.hidden/events.jsonl:" in f.message for f in alone)
    assert main([str(checked), "--output", str(tmp_path / ".hidden" / "report.txt")]) == 2
    # The run over the folder reports each repeat once a pair, on the later dataset's line.
    together = [f for f in validate([str(tmp_path)]).findings if f.code == "record-id-duplicate"]
    assert len(together) == 2 * len(alone)


def test_the_datasets_beside_are_named_from_where_the_run_stands() -> None:
    from validator.engine.beside import _above

    assert [_above(display) for display in (".", "..", "../..", "a", "a/b", "/x", "/a/b")] \
        == ["../", "../../", "../../../", "", "a/", "/", "/a/"]


def test_a_dataset_named_from_below_it_names_the_datasets_beside_from_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate ..` in a dataset's subfolder: the datasets beside are named `../../x`."""
    shutil.copytree(BASE, tmp_path / "a")
    shutil.copytree(BASE, tmp_path / "b")
    (tmp_path / "b" / "articles" / "deeper").mkdir()
    for where, named, above in (("articles", "..", "../.."),
                                ("articles/deeper", "../..", "../../..")):
        monkeypatch.chdir(tmp_path / "b" / where)
        repeats = [f for f in validate([named]).findings if f.code == "record-id-duplicate"]
        assert repeats
        assert all(f.file == f"{named}/events.jsonl" for f in repeats)
        assert f"already used at {above}/a/events.jsonl:1" in repeats[0].message
        assert Path(f"{above}/a/events.jsonl").is_file()


def test_a_dataset_named_through_a_link_has_its_own_datasets_beside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Named through a link, below the current folder, a dataset is named as its folder,
    and the datasets beside it are those of its folder, not of the link's."""
    linking, _ = _pair(tmp_path / "corpus")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(linking, elsewhere / "copy")  # the same ids, not beside it
    (elsewhere / "link").symlink_to(linking)
    monkeypatch.chdir(tmp_path)
    assert validate(["elsewhere/link"]) == validate([f"corpus/{_LINKING}"])
    assert validate([f"corpus/{_LINKING}"]).findings == ()


def test_progress_moves_within_one_large_file_in_one_process(tmp_path: Path) -> None:
    """With a progress callback, one process checks a large file chunk by chunk: same findings."""
    dataset = _corpus(tmp_path)
    sizes = Sizes(chunk_bytes=64 * 1024)
    quiet = validate([str(dataset)], jobs=1, sizes=sizes)
    calls: list[tuple[int, int]] = []
    shown = validate([str(dataset)], jobs=1, sizes=sizes,
                     progress=lambda done, total, _: calls.append((done, total)))
    assert shown == quiet
    total = calls[0][1]
    assert len({done for done, _ in calls}) > 10  # it moves within the file
    assert calls[-1] == (total, total)


def _whose(item: int) -> tuple[int, int]:
    return item, os.getpid()


def _fails_at_three(item: int) -> int:
    if item == 3:
        raise ValueError(item)
    return item


@pytest.mark.parametrize("count", [0, 1, 2, 5, 40])
@pytest.mark.parametrize("jobs", [2, 3])
def test_the_processes_map_keeps_the_order_of_its_items(count: int, jobs: int) -> None:
    """Workers run the items; the results come back in input order, and a failure is raised."""
    with worker_map(jobs) as run_map:
        results = list(run_map(_whose, range(count)))
    assert [item for item, _ in results] == list(range(count))
    assert os.getpid() not in {pid for _, pid in results}
    with worker_map(jobs) as run_map, pytest.raises(ValueError, match="3"):
        list(run_map(_fails_at_three, range(count + 4)))
