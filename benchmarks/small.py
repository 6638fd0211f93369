"""The shape real corpora have: thousands of small datasets, one article or story each.

`make_small_corpus` copies the repository's datasets as they are (1 to 8
records, one or two articles, their tables and links), group after group,
with ids and source ids of each group's own (links renamed with them), and
breaks a share of the records on purpose.  `small_floor` is what any
validator of such a corpus must do at least, in this process: read every
file of every dataset, check the descriptor against the profile and each
record against the record schema with jsonschema-rs, read both CSV tables
and hash every file.  `stages` says where a small dataset's time goes in
`validate`, stage by stage.

Run it alone for a quick look (`python benchmarks/small.py --datasets 500`);
`bench.py` measures this shape beside the large one and prints one table.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import hashlib
import io
import json
import random
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from validator import registry
from validator.checks.walk import actor_refs, spans
from validator.engine.engines import compiled

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parent.parent


def _break(record: dict[str, Any], rng: random.Random) -> None:
    """One of the mistakes contributors make (as bench.py's, on the datasets' own shape)."""
    kind = rng.randrange(4)
    if kind == 0:
        _, span = next(spans(record))
        span["start"] += 1
        span["end"] += 1
    elif kind == 1:
        record["id"] = record["id"].upper()  # not the id pattern
    elif kind == 2:
        record["summary"] = ""
    else:
        record.pop("reporting")


def _renamed(record: dict[str, Any], suffix: str) -> dict[str, Any]:
    """`record` with its id, its links' ids, its source ids and its actor ids suffixed."""
    record = copy.deepcopy(record)
    record["id"] += suffix
    rename_actors(record, suffix)
    for link in record.get("links", []):
        link["record"] += suffix
    reporting = record["reporting"]
    reporting["sources"] = [source + suffix for source in reporting["sources"]]
    for _, span in spans(record):
        span["source"] += suffix
    return record


def rename_actors(record: dict[str, Any], suffix: str) -> None:
    """Suffix every actor id a record cites, so that a copy codes events of its own.

    Copies of one record with the same actors on the same day are possible
    duplicates (codebook K1, K2); with actors of its own, each copy is another
    event.  `copy_actors` writes the rows the suffixed ids name.
    """
    for path, actor in list(actor_refs(record)):
        holder: Any = record
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = actor + suffix


def copy_actors(dataset: Path, copies: list[tuple[str, str]]) -> None:
    """Rewrite a copied dataset's actors table: its rows once for each (suffix, tag) of `copies`.

    Each copy's rows have their ids and affiliations suffixed, and each Wikidata
    id followed by the copy's `tag` (digits of one width for every copy), so
    that one Wikidata id still names one actor across a corpus
    (`wikidata-inconsistent`, `actor-wikidata-conflict`).
    """
    with (dataset / "actors.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    with (dataset / "actors.csv").open("w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for suffix, tag in copies:
            writer.writerows({**row, "id": row["id"] + suffix,
                              "affiliation": row["affiliation"] and row["affiliation"] + suffix,
                              "wikidata": row["wikidata"] and row["wikidata"] + tag}
                             for row in rows)
    _copy_aliases(dataset, copies)


def _copy_aliases(dataset: Path, copies: list[tuple[str, str]]) -> None:
    """The aliases table (schema 1.3.0) of a dataset whose actors were copied.

    One copy: its rows name the suffixed ids.  Several copies of one actor
    would share its aliases, which `alias-ambiguous` refuses: the table and
    its resource are left out (the spans name their actors in full).
    """
    aliases = dataset / "aliases.csv"
    if not aliases.exists():
        return
    if len(copies) == 1:
        with aliases.open(encoding="utf-8", newline="") as table:
            rows = list(csv.DictReader(table))
        with aliases.open("w", encoding="utf-8", newline="") as table:
            writer = csv.DictWriter(table, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({**row, "actor": row["actor"] + copies[0][0]} for row in rows)
        return
    aliases.unlink()
    descriptor = json.loads((dataset / "datapackage.json").read_text("utf-8"))
    descriptor["resources"] = [resource for resource in descriptor["resources"]
                               if resource.get("path") != "aliases.csv"]
    (dataset / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")


def suffix_source_ids(dataset: Path, suffix: str) -> None:
    """Give a copied dataset's sources table ids of its own: each id with `suffix`."""
    with (dataset / "sources.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    with (dataset / "sources.csv").open("w", encoding="utf-8", newline="") as table:
        writer = csv.DictWriter(table, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "id": row["id"] + suffix} for row in rows)


def make_small_corpus(folder: Path, datasets: int, seed: int,
                      broken_share: float = 0.02) -> tuple[int, set[str]]:
    """Write `datasets` small datasets under `folder`; (records written, ids broken).

    Group g copies every dataset of the repository once, its record, source
    and actor ids suffixed with `-gG` (links and spans renamed with them, and
    Wikidata ids followed by G's digits), so ids are unique across the corpus,
    every link still resolves, and no copy repeats another's events.
    """
    rng = random.Random(seed)
    templates = sorted(p for p in (REPO / "datasets").iterdir() if p.is_dir())
    folder.mkdir(parents=True, exist_ok=True)
    records = 0
    broken: set[str] = set()
    for index in range(datasets):
        group, which = divmod(index, len(templates))
        template = templates[which]
        suffix = f"-g{group}"
        target = folder / f"{template.name}-g{group:04d}"
        shutil.copytree(template, target)
        suffix_source_ids(target, suffix)
        copy_actors(target, [(suffix, f"{group:05d}")])
        descriptor = json.loads((target / "datapackage.json").read_text("utf-8"))
        descriptor["name"] = f"{descriptor['name']}-g{group:04d}"
        lines = []
        for line in (template / "events.jsonl").read_text("utf-8").splitlines():
            record = _renamed(json.loads(line), suffix)
            if rng.random() < broken_share:
                _break(record, rng)
                broken.add(record["id"])
            lines.append(json.dumps(record, ensure_ascii=False))
            records += 1
        events = ("\n".join(lines) + "\n").encode("utf-8")
        (target / "events.jsonl").write_bytes(events)
        for resource in descriptor["resources"]:
            if resource["path"] == "events.jsonl" and "hash" in resource:
                resource["hash"] = "sha256:" + hashlib.sha256(events).hexdigest()
                resource["bytes"] = len(events)
        (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    return records, broken


def small_floor(corpus: Path) -> tuple[float, float, int]:
    """(seconds over the corpus, seconds of set-up, records) of the least any validator does.

    Set-up is compiling the profile and record schema engines, once.
    """
    start = time.perf_counter()
    engines: dict[str, tuple[Any, Any]] = {}
    for version in registry.versions():
        engines[version] = (compiled(version, registry.PROFILE_SCHEMA),
                            compiled(version, registry.RECORD_SCHEMA))
    setup = time.perf_counter() - start
    records = 0
    start = time.perf_counter()
    for dataset in sorted(corpus.iterdir()):
        descriptor_bytes = (dataset / "datapackage.json").read_bytes()
        hashlib.sha256(descriptor_bytes).hexdigest()
        descriptor = orjson.loads(descriptor_bytes)
        profile, record_schema = engines[descriptor["textevents_version"]]
        profile.is_valid(descriptor)
        for resource in descriptor["resources"]:
            data = (dataset / resource["path"]).read_bytes()
            hashlib.sha256(data).hexdigest()
            if resource["path"].endswith(".csv"):
                list(csv.reader(io.StringIO(data.decode("utf-8"))))
            elif resource["path"].endswith(".jsonl"):
                for line in data.splitlines():
                    record_schema.is_valid(orjson.loads(line))
                    records += 1
    return time.perf_counter() - start, setup, records


# The stages of one dataset's layers, by the method of `_Layers` that does each
# (`dataset.py`), and the rest of the run.  Each is a generator: the time is
# that of driving it, which on a clean dataset (no findings to yield) is its own.
STAGES = (
    ("descriptor: read and parse", "_read_descriptor"),
    ("files: resources and the folder's listing", "_resources"),
    ("read and hash tables and articles", "_read"),
    ("tables: read and screen", "_table"),
    ("articles: decode, NFC, hash row", "_context"),
    ("events file: open and hash", "_events"),
)


@contextlib.contextmanager
def _timed_layers(spent: dict[str, float]) -> Iterator[None]:
    """While inside, each stage of `dataset.py` adds its seconds to `spent`."""
    from validator.engine import dataset as dataset_module

    layers = dataset_module._Layers  # noqa: SLF001 - the benchmark times its parts
    originals = {name: getattr(layers, name) for _, name in STAGES}
    # A dataset's one record task: check_whole_file (check_records before its transfers
    # were judged in the worker), timed as "check_records".
    whole = "check_whole_file" if hasattr(dataset_module, "check_whole_file") \
        else "check_records"
    functions = {name: getattr(dataset_module, attribute) for name, attribute in
                 (("check_records", whole), ("dataset_layers", "dataset_layers"))}
    attributes = {"check_records": whole, "dataset_layers": "dataset_layers"}

    def generator(name: str, method: Any) -> Any:  # noqa: ANN401 - any generator method
        def run(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
            start = time.perf_counter()
            value = yield from method(*args, **kwargs)
            spent[name] += time.perf_counter() - start
            return value
        return run

    def function(name: str, called: Any) -> Any:  # noqa: ANN401
        def run(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
            start = time.perf_counter()
            value = called(*args, **kwargs)
            spent[name] += time.perf_counter() - start
            return value
        return run

    for name, method in originals.items():
        setattr(layers, name, generator(name, method))
    for name, called in functions.items():
        setattr(dataset_module, attributes[name], function(name, called))
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(layers, name, method)
        for name, called in functions.items():
            setattr(dataset_module, attributes[name], called)


def stages(corpus: Path, repeat: int = 3) -> list[tuple[str, float]]:
    """Milliseconds a dataset in each stage of `validate --jobs 1` over `corpus` (best of `repeat`).

    The dataset stages are timed inside one run (their generators wrapped);
    discovery is timed alone, and the run's own part is the rest of its time
    (discovery, merging, the id index, the report).
    """
    from validator.engine.run import validate
    from validator.reading.discovery import discover

    count = len(list(corpus.iterdir()))
    best: dict[str, float] = {}
    for _ in range(repeat):
        spent: dict[str, float] = defaultdict(float)
        start = time.perf_counter()
        discover([str(corpus)], onerror=lambda *_: None)
        spent["discovery"] = time.perf_counter() - start
        with _timed_layers(spent):
            start = time.perf_counter()
            try:  # as `validate` in the text format: no recall aid to keep
                validate([str(corpus)], jobs=1, recall=False)
            except TypeError:  # a validator from before the recall aid
                validate([str(corpus)], jobs=1)
            spent["total"] = time.perf_counter() - start
        spent["other"] = spent["dataset_layers"] - sum(spent[name] for _, name in STAGES)
        spent["run"] = spent["total"] - spent["dataset_layers"] - spent["check_records"]
        for key, value in spent.items():
            best[key] = min(best.get(key, value), value)
    rows = [(label, best[name]) for label, name in STAGES]
    rows += [("versions, profile, path policy, tasks", best["other"]),
             ("records: hot path set-up and records", best["check_records"]),
             ("the run's own: discovery, merging, report", best["run"]),
             ("(of which discovery, timed alone)", best["discovery"]),
             ("total", best["total"])]
    return [(label, seconds * 1000 / count) for label, seconds in rows]


def print_stages(rows: list[tuple[str, float]]) -> None:
    """The stage account as a Markdown table (ms a dataset)."""
    print(f"| {'stage of a small dataset':<44} | {'ms':>6} |")
    print(f"|{'-' * 46}|{'-' * 8}|")
    for label, ms in rows:
        print(f"| {label:<44} | {ms:>6.3f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the corpus in this folder")
    parser.add_argument("--floor-of", type=Path, metavar="CORPUS",
                        help="only do the floor's work on CORPUS (bench.py times this command, "
                             "start-up included, as it times validate)")
    args = parser.parse_args()
    if args.floor_of:
        small_floor(args.floor_of)
        return 0
    work = Path(tempfile.mkdtemp(prefix="textevents-small-"))
    corpus = args.keep or work / "corpus"
    if not corpus.exists() or not any(corpus.iterdir()):
        records, broken = make_small_corpus(corpus, args.datasets, args.seed)
        print(f"{args.datasets} datasets, {records} records, {len(broken)} broken on purpose")
    floor_s, setup_s, records = small_floor(corpus)
    count = len(list(corpus.iterdir()))
    print(f"floor: {floor_s * 1000 / count:.3f} ms a dataset ({records} records), "
          f"set-up {setup_s:.2f} s")
    print_stages(stages(corpus))
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
