"""Many small datasets: batched to processes or a cluster, findings as one process gives them.

A corpus of one article a dataset has thousands of datasets of a few
records; each is sent to a worker in a batch (`validator.engine.run.batches`),
and results merge in input order whatever ran them.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_parallel import _far_map

from validator import validate
from validator.engine import run as run_module
from validator.engine.pool import worker_map
from validator.engine.run import batches
from validator.reading.discovery import DatasetLocation
from validator.reading.limits import Sizes

if TYPE_CHECKING:
    from collections.abc import Iterator

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from small import make_small_corpus  # a script: its folder is put on the path above


@given(weights=st.lists(st.integers(0, 10_000), max_size=300), jobs=st.integers(1, 8),
       batch_bytes=st.integers(1, 50_000), batch_datasets=st.integers(1, 70))
def test_batches_keep_every_dataset_once_in_order_within_their_limits(
        weights: list[int], jobs: int, batch_bytes: int, batch_datasets: int) -> None:
    locations = [DatasetLocation(Path(f"/d/{index}"), f"d/{index}")
                 for index in range(len(weights))]
    sizes = Sizes(batch_bytes=batch_bytes, batch_datasets=batch_datasets)
    parts = batches(locations, weights, jobs, sizes)
    assert [location for part in parts for location in part] == locations
    assert all(parts)
    if jobs == 1:  # one at a time, each merged before the next is checked
        assert all(len(part) == 1 for part in parts)
        return
    weight = dict(zip(locations, weights, strict=True))
    for part in parts:
        if len(part) > 1:  # a dataset larger than a batch is a batch of its own
            assert sum(weight[location] for location in part) <= batch_bytes
            assert len(part) <= batch_datasets
    if len(locations) >= 4 * jobs * batch_datasets:
        assert len(parts) >= 4 * jobs  # several batches a worker


def test_many_small_datasets_give_one_process_s_findings_on_processes_and_a_cluster(
        tmp_path: Path) -> None:
    records, broken = make_small_corpus(tmp_path, datasets=57, seed=3, broken_share=0.1)
    serial = validate([str(tmp_path)], jobs=1)
    assert serial.records == records
    assert serial.datasets == 57
    assert broken
    assert len({f.file for f in serial.findings}) >= 3
    sizes = Sizes(parallel_bytes=0, batch_bytes=64 * 1024, batch_datasets=5)
    ran: list[int] = []

    def cluster(function, items):
        items = list(items)
        ran.append(len(items))
        return _far_map(function, items)

    assert validate([str(tmp_path)], jobs=2, sizes=sizes) == serial
    assert validate([str(tmp_path)], jobs=2, mapper=cluster, sizes=sizes) == serial
    assert ran[0] > 10  # batches, not one task a dataset, nor one for all
    with ThreadPoolExecutor(2) as pool:
        assert validate([str(tmp_path)], jobs=2, mapper=pool.map, sizes=sizes) == serial


def test_one_process_without_progress_weighs_no_dataset(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The datasets' weights decide processes, batches and progress: one process needs none."""
    make_small_corpus(tmp_path, datasets=6, seed=5, broken_share=0.5)
    weighed: list[Path] = []
    weigh = run_module._weight  # noqa: SLF001

    def counted(location: DatasetLocation, sizes: Sizes) -> int:
        weighed.append(location.root)
        return weigh(location, sizes)

    monkeypatch.setattr(run_module, "_weight", counted)
    alone = validate([str(tmp_path)], jobs=1)
    assert weighed == []
    moved: list[int] = []
    assert validate([str(tmp_path)], jobs=1, progress=lambda done, *_: moved.append(done)) \
        == alone
    assert len(weighed) == 6
    assert moved[-1] > 0
    assert validate([str(tmp_path)], jobs=2) == alone
    assert len(weighed) == 12


def test_a_run_over_clean_datasets_imports_no_slow_library() -> None:
    """frictionless, rfc3986 and dateutil only for a cell or table their screens leave over.

    Their imports were 0.2 s and 22 ms of each run's start: more than checking
    a small dataset.  pycountry is read from its database file, not imported
    (some 30 ms of each worker's first actors table).
    """
    repository = Path(__file__).parent.parent
    code = ("import sys\nfrom validator import validate\n"
            f"report = validate([{str(repository / 'datasets')!r}], jobs=1)\n"
            "print(report.ok(strict=True), sorted(m for m in ('frictionless', 'rfc3986', 'dateutil', "
            "'pycountry') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["True", "[]"]


def test_a_cell_with_a_scheme_is_a_uri_by_rfc3986_s_own_pattern() -> None:
    """The scheme screen of `uri` cells is RFC 3986's, as rfc3986 writes it."""
    from rfc3986 import abnf_regexp

    from validator.checks import cells

    assert cells._HAS_SCHEME.__self__.pattern == abnf_regexp.SCHEME_RE + ":"  # noqa: SLF001


def test_a_dataset_s_layers_open_its_folder_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file of the descriptor, tables and texts is opened from the one folder descriptor."""
    from validator.engine.dataset import dataset_layers
    from validator.reading import discovery, paths

    opened: list[Path] = []
    real = paths.open_folder
    monkeypatch.setattr(paths, "open_folder", lambda root: opened.append(root) or real(root))
    repository = Path(__file__).parent.parent
    [location], _ = discovery.discover([str(repository / "datasets" / "voa-2020-01-27-parly-pentagon")])
    layers = dataset_layers(location)
    assert (layers.findings, len(layers.context.sources or {}), opened) == ([], 1, [location.root])


def test_a_dataset_checked_whole_opens_its_folder_and_events_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its records are read from the folder its layers were read from, not by name again;
    its events file, of one block, is opened once (by the layers) and comes back as none."""
    from validator.engine.dataset import check_dataset
    from validator.reading import discovery, paths

    repository = Path(__file__).parent.parent
    [location], _ = discovery.discover([str(repository / "datasets" / "voa-2020-01-27-parly-pentagon")])
    opened: list[Path] = []
    files: list[str] = []
    real, real_file = paths.open_folder, paths._checked_open  # noqa: SLF001 - each file's open
    monkeypatch.setattr(paths, "open_folder", lambda root: opened.append(root) or real(root))
    monkeypatch.setattr(paths, "_checked_open", lambda root, relative, at: files.append(
        relative) or real_file(root, relative, at))
    before = len(list(Path("/proc/self/fd").iterdir())) if sys.platform == "linux" else 0
    result = check_dataset(location)
    assert (result.findings, [len(c.findings) for c in result.checked]) == ([], [0])
    assert result.checked[0].records > 0
    assert opened == [location.root]
    assert files.count("events.jsonl") == 1
    assert result.events_data is None  # not pickled back to the run
    if sys.platform == "linux":  # and closed it
        assert len(list(Path("/proc/self/fd").iterdir())) == before


def test_a_dataset_s_context_and_actors_come_back_from_a_worker_whole() -> None:
    """Pickled as their fields (`DatasetContext.__reduce__`, named tuples): every field kept."""
    import dataclasses
    import datetime as dt
    import pickle

    from validator.checks.context import Article, DatasetContext
    from validator.checks.identities import ActorEntry

    given = {"version": "1.3.0", "actors": frozenset({"a"}),
             "sources": {"s": Article("s", "articles/s.txt", "text", dt.date(2023, 7, 29))},
             "names": {"a": ("A", "Aye")}, "kinds": {"a": "person"}, "affiliations": {"a": "b"}}
    assert {field.name for field in dataclasses.fields(DatasetContext)} == set(given)
    context = DatasetContext(**given)
    back = pickle.loads(pickle.dumps(context))  # noqa: S301 - its own bytes
    assert (type(back), back) == (DatasetContext, context)
    assert {name: getattr(back, name) for name in given} == given
    entry = ActorEntry("d/actors.csv", 3, 1, "a", "A", "person", "Q1", (1, 2, 3, 6))
    assert pickle.loads(pickle.dumps(entry)) == entry  # noqa: S301


def test_a_dataset_weighs_its_events_file_and_its_layers(tmp_path: Path) -> None:
    """One status of events.jsonl, plus what its layers weigh; without it, every file below
    its folder (an events file in a subfolder among them), links not followed."""
    make_small_corpus(tmp_path, datasets=2, seed=5, broken_share=0.0)
    first, second = sorted(path for path in tmp_path.iterdir() if path.is_dir())
    sizes = Sizes(layers_bytes=1000)
    assert run_module._weight(DatasetLocation(first, "a"), sizes) == \
        (first / "events.jsonl").stat().st_size + 1000  # noqa: SLF001
    (second / "data").mkdir()
    (second / "events.jsonl").rename(second / "data" / "records.jsonl")
    (second / "linked.txt").symlink_to(second / "data" / "records.jsonl")
    below = sum(path.stat().st_size for path in second.rglob("*")
                if path.is_file() and not path.is_symlink())
    assert below > (second / "data" / "records.jsonl").stat().st_size
    assert run_module._weight(DatasetLocation(second, "b"), sizes) == below + 1000  # noqa: SLF001


def test_a_large_events_file_in_a_subfolder_is_checked_by_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its dataset weighs what it holds, so a run of it alone is large enough for processes
    (and the report is one process's)."""
    make_small_corpus(tmp_path, datasets=1, seed=5, broken_share=0.2)
    (folder,) = (path for path in tmp_path.iterdir() if path.is_dir())
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    (resource,) = (r for r in descriptor["resources"] if r["path"] == "events.jsonl")
    resource["path"] = "data/events.jsonl"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    (folder / "data").mkdir()
    (folder / "events.jsonl").rename(folder / "data" / "events.jsonl")
    events = (folder / "data" / "events.jsonl").stat().st_size
    # Processes pay off past its folder's own files: the events file below tips it.
    beside = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
    sizes = Sizes(parallel_bytes=beside + 2, chunk_bytes=events // 3, layers_bytes=1)
    one = validate([str(folder)], jobs=1, sizes=sizes, alone=True)
    maps: list[int] = []

    @contextlib.contextmanager
    def counted(jobs: int) -> Iterator[Any]:
        maps.append(jobs)
        with worker_map(jobs) as run_map:
            yield run_map

    monkeypatch.setattr(run_module, "worker_map", counted)
    two = validate([str(folder)], jobs=2, sizes=sizes, alone=True)
    assert maps == [2]  # before: weighed as 1 byte of layers and its root files, one process
    assert two == one
    assert one.records > 1


@pytest.mark.parametrize("protocol", range(2, 6))
def test_sizes_travel_by_name_when_they_are_the_defaults(protocol: int) -> None:
    """Every task carries its sizes: the defaults go to a worker and back as a name."""
    import pickle

    from validator.reading.limits import SIZES

    assert pickle.loads(pickle.dumps(SIZES, protocol)) is SIZES  # noqa: S301 - our own bytes
    assert len(pickle.dumps(SIZES, protocol)) < 60
    other = Sizes(block_bytes=16, layers_bytes=1)
    assert pickle.loads(pickle.dumps(other, protocol)) == other  # noqa: S301
