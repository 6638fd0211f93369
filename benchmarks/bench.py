"""Benchmark `validate` against the floor and the usual alternatives, in one run.

Generates a seeded corpus from the repository's datasets (their real article
texts, records re-identified, 1% broken on purpose), then measures:

- `validate` end to end (the installed command, its default format), every check
  on, with 1 process and with all cores, and with `--format json`, which adds the
  recall aid (each article's uncovered sentences);
- the floor: orjson parse + jsonschema-rs `is_valid` of the same records;
- the naive baseline: stdlib json + python-jsonschema `iter_errors` (a sample, scaled);
- check-jsonschema on a sample of the records as one JSON array file, its start-up
  taken out: over the released schema files (as a user would point it at them)
  and over the schema bundled into one file (`$ref`s replaced), its faster form;
- frictionless validate on the tables;
- start-up: `validate --version` and one small dataset.

Ratios are the figures that count; absolute times vary with the machine.
Run it with `nox -s bench` (or `python benchmarks/bench.py --records 20000` for a quick look).
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import orjson

from validator import registry
from validator.checks.walk import actor_refs, spans
from validator.engine.engines import compiled

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script, beside small.py
from small import copy_actors, make_small_corpus, suffix_source_ids

REPO = Path(__file__).resolve().parent.parent
# The version the corpus is made at: that of the repository's datasets, its templates.
# Every baseline checks the records against it (against another, a record would be
# refused at its schema_version, and cost a baseline next to nothing).
def _datasets_version() -> str:
    """The one version the repository's datasets declare (not always the newest shipped)."""
    declared = {json.loads((p / "datapackage.json").read_text("utf-8"))["textevents_version"]
                for p in (REPO / "datasets").iterdir() if (p / "datapackage.json").is_file()}
    if len(declared) != 1:
        raise SystemExit(f"the datasets declare {sorted(declared)}: upgrade them to one "
                         "version (textevents upgrade)")
    return str(declared.pop())


VERSION = _datasets_version()


def _validate_command() -> list[str]:
    """`validate` as a user runs it: the installed command beside this interpreter.

    Not `python -m validator` from the repository, which imports the source
    tree in the current folder instead of the installed, byte-compiled package
    (and where bytecode is not written, compiles it again in every run).
    """
    installed = Path(sys.executable).with_name("validate")
    return [str(installed)] if installed.is_file() else [sys.executable, "-m", "validator"]


VALIDATE = _validate_command()
# The format that shows the recall aid (each article's uncovered sentences), which costs
# more than the default text format; timed in a row of its own.
WITH_RECALL_AID = ("--format", "json")

# Runs a command and prints (seconds, peak memory of its process tree in KB).  The
# tree's memory is sampled every 5 ms: the proportional set size of each process
# (shared pages split between the processes that share them, as a fork's are),
# summed over the command and every process below it, workers included.
MEASURE = (
    "import os, subprocess, sys, threading, time\n"
    "def tree(pid):\n"
    "    found, todo = [], [pid]\n"
    "    while todo:\n"
    "        p = todo.pop(); found.append(p)\n"
    "        try:\n"
    "            for task in os.listdir(f'/proc/{p}/task'):\n"
    "                with open(f'/proc/{p}/task/{task}/children') as f:\n"
    "                    todo += map(int, f.read().split())\n"
    "        except OSError: pass\n"
    "    return found\n"
    "def kb(pid):\n"
    "    try:\n"
    "        with open(f'/proc/{pid}/smaps_rollup') as f:\n"
    "            return next(int(line.split()[1]) for line in f if line.startswith('Pss:'))\n"
    "    except (OSError, StopIteration): return 0\n"
    "peak = [0]\n"
    "t = time.perf_counter()\n"
    "child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)\n"
    "def sample():\n"
    "    while child.poll() is None:\n"
    "        peak[0] = max(peak[0], sum(map(kb, tree(child.pid)))); time.sleep(0.005)\n"
    "watch = threading.Thread(target=sample)\n"
    "if sys.argv[1] == 'memory': watch.start()\n"
    "child.wait(); seconds = time.perf_counter() - t\n"
    "if sys.argv[1] == 'memory': watch.join()\n"
    "print(seconds, peak[0])\n"
)


def _break(record: dict[str, Any], rng: random.Random) -> None:
    """One of the mistakes contributors make."""
    kind = rng.randrange(5)
    if kind == 0:
        record["evidence"][0]["start"] += 1
        record["evidence"][0]["end"] += 1
    elif kind == 1:
        record["actors"][0] = "nobody-" + record["actors"][0]
    elif kind == 2:
        record["date"] = {"start": "2023-07-26", "end": "2023-07-01", "precision": "window"}
    elif kind == 3:
        record["modality"] = "rumoured"
    else:
        del record["summary"]


def _relink(record: dict[str, Any], order: dict[str, int], index: int, first: int,
            records: int) -> None:
    """Point a copy's links at the copies of the same pass (`first` is its first number).

    A link to a record of another dataset, or to one the last pass leaves out,
    is dropped: it would dangle.
    """
    links = [{**link, "record": f"bench-{index:04d}-{first + order[link['record']]:07d}"}
             for link in record.pop("links", ())
             if link["record"] in order and first + order[link["record"]] < records]
    if links:
        record["links"] = links


def _host_side(record: dict[str, Any], affiliations: dict[str, str]) -> set[str] | None:
    """The actor ids of a record renamed apart from the rest; None if it has no such split.

    The hosts (or the recipient; with none, the last visitor or the supplier),
    and every actor linked to one of them through the actors table's
    affiliations, either way, so that a participant keeps its affiliation.
    The split must leave actors of the record's event key (codebook K1) on
    both sides, or two passes renaming one side alike would code one event.
    """
    visit, allegation = record.get("diplomatic_visit"), record.get("arms_allegation")
    if visit:
        parties = [*visit["visitors"], *visit["hosts"]]
        side = set(visit["hosts"]) or set(visit["visitors"][-1:])
    elif allegation and allegation["supplier"] and allegation["recipient"]:
        parties = [allegation["supplier"], allegation["recipient"]]
        side = {allegation["recipient"]}
    else:
        return set()  # no event key: every copy is an event of its own
    cited = {actor for _, actor in actor_refs(record)}
    grown = True
    while grown:
        linked = {affiliations[actor] for actor in side if affiliations.get(actor)}
        linked |= {actor for actor in cited if affiliations.get(actor) in side}
        grown = not linked <= side
        side |= linked
    return side if side & set(parties) and set(parties) - side else None


def _rename_sides(record: dict[str, Any], side: set[str], others: str, hosts: str) -> None:
    """Suffix the actor ids of `side` with `hosts`, every other actor id with `others`."""
    for path, actor in list(actor_refs(record)):
        holder: Any = record
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = actor + (hosts if actor in side else others)


def _copied(template: Path) -> tuple[list[dict[str, Any]], list[set[str]]]:
    """The records of a template dataset that the corpus copies, with their host sides.

    A record whose event names one party only (a lone visitor, or visitors and
    hosts on one side) is left out: only an actor row for each copy would make
    its copies distinct events, and the actors tables would grow with the corpus.
    """
    with (template / "actors.csv").open(encoding="utf-8", newline="") as table:
        affiliations = {row["id"]: row["affiliation"] for row in csv.DictReader(table)}
    originals, sides = [], []
    for line in (template / "events.jsonl").read_text("utf-8").splitlines():
        original = json.loads(line)
        side = _host_side(original, affiliations)
        if side is not None:
            originals.append(original)
            sides.append(side)
    return originals, sides


def make_corpus(folder: Path, records: int, datasets: int,
                seed: int) -> tuple[list[dict[str, Any]], set[str]]:
    """Write `datasets` datasets with `records` records in all.

    Returns a sample of the records, and the ids of those broken on purpose
    (every other record is clean: `tests/test_bench.py` holds it to that).
    """
    rng = random.Random(seed)
    templates = sorted(p for p in (REPO / "datasets").iterdir() if p.is_dir())
    for template in templates:  # the baselines check every record against VERSION
        declared = json.loads((template / "datapackage.json").read_text("utf-8"))
        if declared["textevents_version"] != VERSION:
            raise SystemExit(f"{template.name} is at {declared['textevents_version']}, "
                             f"not {VERSION}: upgrade it (textevents upgrade)")
    copied = {template: _copied(template) for template in templates}
    templates = [template for template in templates if copied[template][0]]
    per_dataset = records // datasets
    sample: list[dict[str, Any]] = []
    broken: set[str] = set()
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(datasets):
        template = templates[index % len(templates)]
        target = folder / f"ds-{index:04d}"
        shutil.copytree(template, target)
        descriptor = json.loads((target / "datapackage.json").read_text("utf-8"))
        descriptor["name"] = f"bench-{index:04d}"
        (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
        # Source ids of its own, as real datasets have: no two datasets share tables.
        suffix = f"-bench{index:04d}"
        suffix_source_ids(target, suffix)
        originals, sides = copied[template]
        originals = copy.deepcopy(originals)
        for original in originals:
            reporting = original["reporting"]
            reporting["sources"] = [source + suffix for source in reporting["sources"]]
            for _, span in spans(original):
                span["source"] += suffix
        # Each pass over the template's records codes events of its own, or its copies
        # would be possible duplicates of each other (codebook K1, K2): its hosts' (or
        # recipient's) side takes one of `width` copies of the actors, the other side
        # another, a pair of its own each pass.  The actors table holds `width` copies
        # (Wikidata ids followed by the digits of dataset and copy): it grows with the
        # root of a dataset's records, not with them, as a real one would not.
        passes = -(-per_dataset // len(originals))
        width = math.isqrt(passes - 1) + 1 if passes > 1 else 1
        copy_actors(target, [(f"-b{index:04d}c{which}", f"{index:04d}{which:05d}")
                             for which in range(width)])
        order = {original["id"]: which for which, original in enumerate(originals)}
        with (target / "events.jsonl").open("w", encoding="utf-8") as handle:
            for number in range(per_dataset):
                turn, which = divmod(number, len(originals))
                record = copy.deepcopy(originals[which])
                others, hosts = divmod(turn, width)
                _rename_sides(record, sides[which], f"-b{index:04d}c{others}",
                              f"-b{index:04d}c{hosts}")
                record["id"] = f"bench-{index:04d}-{number:07d}"
                _relink(record, order, index, turn * len(originals), per_dataset)
                if rng.random() < 0.01:
                    _break(record, rng)
                    broken.add(record["id"])
                if len(sample) < 5000 and rng.random() < 0.05:
                    sample.append(record)
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return sample, broken


def measure(*command: str, repeat: int = 1) -> tuple[float, float]:
    """(seconds, peak MB of the process tree) of a command run in fresh processes.

    The time is the best of `repeat` runs, the one least disturbed by the rest
    of the machine (as `timeit` reports; the floor is timed the same way).
    Memory is from one more run, sampled, so that sampling never slows a timed
    run: the whole tree's (parent and workers together), not its largest process.
    """
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", MEASURE, "time", *command],
                             capture_output=True, text=True, check=True).stdout.split()
        runs.append(float(out[0]))
    out = subprocess.run([sys.executable, "-c", MEASURE, "memory", *command],
                         capture_output=True, text=True, check=True).stdout.split()
    return min(runs), int(out[1]) / 1024


def floor(lines: list[bytes]) -> float:
    """Seconds for orjson + jsonschema-rs is_valid of the lines, nothing else."""
    validator = compiled(VERSION, registry.RECORD_SCHEMA)
    start = time.perf_counter()
    for line in lines:
        validator.is_valid(orjson.loads(line))
    return time.perf_counter() - start


def take_turns(command: list[str], corpus: Path, lines: list[bytes], jobs: tuple[int, ...],
               repeat: int) -> tuple[list[list[tuple[float, float]]], list[float]]:
    """(seconds, peak MB) of each turn of `command` for each of `jobs`, and the floor's seconds.

    They take turns, `repeat` times, so that a slow spell of the machine falls
    on both sides of their ratios rather than on one: the caller keeps each
    one's best time, and shows the ratios turn by turn for their spread.
    """
    timed: list[list[tuple[float, float]]] = [[] for _ in jobs]
    floor_runs = []
    for _ in range(repeat):
        for processes, runs in zip(jobs, timed, strict=True):
            runs.append(measure(*command, "--jobs", str(processes), str(corpus)))
        floor_runs.append(floor(lines))
    return timed, floor_runs


def print_turns(floor_runs: list[float], timed: list[list[tuple[float, float]]],
                cores: int) -> None:
    """Each turn's own ratios, with their median: how far one run can be trusted.

    The table's best times can come from different turns; these cannot.
    """
    one_vs_floor = [floor_s / one_s for floor_s, (one_s, _) in zip(floor_runs, timed[0],
                                                                   strict=True)]
    cores_vs_one = [one_s / all_s for (one_s, _), (all_s, _) in zip(*timed, strict=True)]
    print(f"turn by turn, one process vs floor: median "
          f"{statistics.median(one_vs_floor):.0%} ({', '.join(f'{r:.0%}' for r in one_vs_floor)})")
    print(f"turn by turn, {cores} cores vs one process: median "
          f"{statistics.median(cores_vs_one):.2f}x "
          f"({', '.join(f'{r:.2f}x' for r in cores_vs_one)})")


def naive(lines: list[bytes], sample: int) -> float:
    """Seconds per record for stdlib json + python-jsonschema iter_errors (a sample)."""
    loaded = registry.load(VERSION)
    validator = jsonschema.Draft202012Validator(
        loaded.record_schema, registry=loaded.registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    chosen = lines[:: max(1, len(lines) // sample)][:sample]
    start = time.perf_counter()
    for line in chosen:
        list(validator.iter_errors(json.loads(line)))
    return (time.perf_counter() - start) / len(chosen)


def _schema_files(work: Path, *, bundled: bool) -> tuple[Path, list[str]]:
    """(schema file, extra options) for check-jsonschema over an array of records.

    Bundled: the record schema with every `$ref` replaced by its target, one
    document.  Released: the schema's own files, which is how a user would
    point check-jsonschema at it; each file's `$id` is dropped and the files
    resolve each other from disk through `--base-uri` (with the `$id`s they
    would be fetched from schema.textevents.org, and this machine is offline).
    """
    loaded = registry.load(VERSION)
    array = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array"}
    if bundled:
        resources = [(d["$id"], d) for d in loaded.documents.values() if "$id" in d]
        flat = jsonschema_rs.dereference(loaded.record_schema,
                                         registry=jsonschema_rs.Registry(resources))
        flat.pop("$id", None)
        (work / "bundled.schema.json").write_text(json.dumps({**array, "items": flat}), "utf-8")
        return work / "bundled.schema.json", []
    folder = work / "released"
    folder.mkdir(exist_ok=True)
    for name, document in loaded.documents.items():
        if name.endswith(".schema.json"):
            own = {key: value for key, value in document.items() if key != "$id"}
            (folder / name).write_text(json.dumps(own), "utf-8")
    (folder / "array.schema.json").write_text(
        json.dumps({**array, "items": {"$ref": "event.schema.json"}}), "utf-8")
    return folder / "array.schema.json", ["--base-uri", folder.as_uri() + "/"]


def check_jsonschema(sample: list[dict[str, Any]], work: Path, repeat: int, *,
                     bundled: bool) -> float:
    """Seconds per record for check-jsonschema on the sample as one JSON array file.

    Its start-up (imports, reading and compiling the schema), timed on an
    empty array, is taken out: on the whole corpus it would be as negligible
    as validate's.  Each run is the best of `repeat`.
    """
    schema, options = _schema_files(work, bundled=bundled)
    (work / "records.json").write_text(json.dumps(sample), "utf-8")
    (work / "empty.json").write_text("[]", "utf-8")
    beside = Path(sys.executable).parent / "check-jsonschema"
    exe = str(beside) if beside.exists() else shutil.which("check-jsonschema") or "false"

    def best(instance: str) -> tuple[float, subprocess.CompletedProcess[str]]:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            done = subprocess.run([exe, *options, "--schemafile", str(schema),
                                   str(work / instance)], capture_output=True, text=True,
                                  check=False)
            runs.append(time.perf_counter() - start)
        return min(runs), done

    start_up, _ = best("empty.json")
    seconds, done = best("records.json")
    said = (done.stdout + done.stderr).strip().splitlines()
    print(f"check-jsonschema, {'bundled' if bundled else 'released'} schema: exit "
          f"{done.returncode}: {said[0][:100] if said else ''}; "
          f"{len(sample)} records in {seconds:.2f} s, less {start_up:.2f} s of start-up")
    if seconds < 2 * start_up:
        print("  (the sample is too small against the start-up: its ratio is rough; "
              "use more --records)")
    return max(seconds - start_up, seconds / 10) / len(sample)


def frictionless_tables(corpus: Path) -> tuple[int, float]:
    """(rows, seconds) for frictionless validate on every sources and actors table."""
    from frictionless import Resource, Schema

    schemas = {name: Schema.from_descriptor(registry.load(VERSION).table_schema(name))
               for name in registry.TABLES}
    rows = 0
    start = time.perf_counter()
    for dataset in sorted(corpus.iterdir()):
        for name in registry.TABLES:
            path = dataset / f"{name}.csv"
            rows += path.read_text("utf-8").count("\n") - 1
            Resource(path.read_bytes(), format="csv", schema=schemas[name]).validate()
    return rows, time.perf_counter() - start


Row = tuple[str, str, float, "float | None", "float | None"]  # shape, name, records/s,
# ms a dataset (None: not a whole-dataset measure), peak MB of the process tree


def print_table(rows: list[Row], floors: dict[str, float], ones: dict[str, float]) -> None:
    """One table for both shapes: each configuration against its shape's floor and -j1."""
    print(f"| {'shape':<6} | {'configuration':<46} | {'records/s':>10} | {'ms/dataset':>10} | "
          f"{'peak MB':>7} | {'vs floor':>8} | {'validate -j1 is':>16} |")
    print(f"|{'-' * 8}|{'-' * 48}|{'-' * 12}|{'-' * 12}|{'-' * 9}|{'-' * 10}|{'-' * 18}|")
    for shape, name, rate, per_dataset, peak in rows:
        print(f"| {shape:<6} | {name:<46} | {rate:>10,.0f} | "
              f"{'' if per_dataset is None else f'{per_dataset:.3f}':>10} | "
              f"{'' if peak is None else f'{peak:.0f}':>7} | {rate / floors[shape]:>7.0%} | "
              f"{ones[shape] / rate:>15.2f}x |")


def small_shape(work: Path, datasets: int, seed: int, repeat: int,
                cores: int) -> tuple[list[Row], bool, list[str]]:
    """The small-dataset shape's rows, whether -j1 and -jN print the same, and the turns."""
    corpus = work / "small"
    records, broken = make_small_corpus(corpus, datasets, seed)
    print(f"small shape: {datasets} datasets, {records} records, {len(broken)} broken",
          flush=True)
    timed: list[list[tuple[float, float]]] = [[], [], []]
    floors = []  # each a fresh process, as validate's runs: start-up on both sides
    for _ in range(repeat):  # turns, as take_turns: a slow spell falls on every side
        for (jobs, options), runs in zip(((1, ()), (cores, ()), (1, WITH_RECALL_AID)), timed,
                                         strict=True):
            runs.append(measure(*VALIDATE, *options, "--jobs", str(jobs), str(corpus)))
        floors.append(measure(sys.executable, str(REPO / "benchmarks" / "small.py"),
                              "--floor-of", str(corpus))[0])
    rows: list[Row] = []
    for name, runs in zip(("validate --jobs 1", f"validate --jobs {cores}",
                           "validate --jobs 1 --format json (recall aid)"), timed, strict=True):
        best = min(seconds for seconds, _ in runs)
        rows.append(("small", name, records / best, best * 1000 / datasets,
                     max(peak for _, peak in runs)))
    best_floor = min(floors)
    rows.insert(2, ("small", "floor: read, hash, csv, is_valid", records / best_floor,
                    best_floor * 1000 / datasets, None))
    outputs = [subprocess.run([*VALIDATE, *WITH_RECALL_AID, "--jobs", str(j), str(corpus)],
                              capture_output=True, check=False).stdout for j in (1, cores)]
    turns = ["small, one process vs floor: "
             + ", ".join(f"{f / one:.0%}" for f, (one, _) in zip(floors, timed[0], strict=True)),
             f"small, {cores} cores vs one process: "
             + ", ".join(f"{one / many:.2f}x" for (one, _), (many, _)
                         in zip(timed[0], timed[1], strict=True))]
    shutil.rmtree(corpus)
    return rows, outputs[0] == outputs[1], turns


def large_memory(large: Path, records: int, seed: int, cores: int) -> None:
    """Speed and peak memory (process tree) of validate on a corpus of `records` records."""
    print(f"\ngenerating {records} records in {records // 10_000} datasets …", flush=True)
    make_corpus(large, records, max(1, records // 10_000), seed)
    validate = [*VALIDATE, *WITH_RECALL_AID]  # the recall aid keeps the most
    print(f"| {'large corpus':<30} | {'records/s':>10} | {'peak MB (tree)':>14} |")
    print(f"|{'-' * 32}|{'-' * 12}|{'-' * 16}|")
    for jobs in (1, cores):
        seconds, peak = measure(*validate, "--jobs", str(jobs), str(large))
        print(f"| {f'validate --jobs {jobs}':<30} | {records / seconds:>10,.0f} | "
              f"{peak:>14.0f} |")
    shutil.rmtree(large)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--small", type=int, default=2000, metavar="N",
                        help="datasets of the small-dataset shape (benchmarks/small.py)")
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each configuration this many times and keep the best")
    parser.add_argument("--keep", type=Path, help="keep the corpus in this folder")
    parser.add_argument("--large", type=int, default=0, metavar="N",
                        help="also measure peak memory of validate on a corpus of N records")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="textevents-bench-"))
    corpus = args.keep or work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.records} records in {args.datasets} datasets …", flush=True)
    sample, _ = make_corpus(corpus, args.records, args.datasets, args.seed)
    lines = [line for path in sorted(corpus.glob("*/events.jsonl"))
             for line in path.read_bytes().splitlines()]
    count = len(lines)
    cores = os.cpu_count() or 1
    rows: list[Row] = []
    timed, floor_runs = take_turns(VALIDATE, corpus, lines, (1, cores), args.repeat)
    for jobs, runs in zip((1, cores), timed, strict=True):
        best = min(seconds for seconds, _ in runs)
        rows.append(("large", f"validate --jobs {jobs} (every check)", count / best,
                     best * 1000 / args.datasets, max(peak for _, peak in runs)))
    aid_s, aid_peak = measure(*VALIDATE, *WITH_RECALL_AID, "--jobs", "1", str(corpus),
                              repeat=args.repeat)
    rows.append(("large", "validate --jobs 1 --format json (recall aid)", count / aid_s,
                 aid_s * 1000 / args.datasets, aid_peak))
    floor_rate = count / min(floor_runs)
    outputs = [subprocess.run([*VALIDATE, *WITH_RECALL_AID, "--jobs", str(j), str(corpus)],
                              capture_output=True, check=False).stdout for j in (1, cores)]
    same = outputs[0] == outputs[1]
    findings = len(json.loads(outputs[0])["findings"])
    rows.append(("large", "floor: orjson + jsonschema-rs is_valid", floor_rate, None, None))
    rows.append(("large", "naive: json + python-jsonschema iter_errors",
                 1 / naive(lines, min(2000, count)), None, None))
    # Over the released files, python-jsonschema looks each $ref up again
    # through `referencing` (some 30 registry crawls a record, profiled here):
    # a fifth of the sample is plenty.
    rows.append(("large", "check-jsonschema, released schema files",
                 1 / check_jsonschema(sample[: max(1, len(sample) // 5)], work,
                                      args.repeat, bundled=False), None, None))
    rows.append(("large", "check-jsonschema, bundled schema (one file)",
                 1 / check_jsonschema(sample, work, args.repeat, bundled=True), None, None))
    table_rows, table_seconds = frictionless_tables(corpus)
    small_rows, small_same, small_turns = small_shape(work, args.small, args.seed, args.repeat,
                                                      cores)
    rows += small_rows
    version_s, _ = measure(*VALIDATE, "--version", repeat=args.repeat)
    small_s, _ = measure(*VALIDATE, "--jobs", "1",
                         str(REPO / "datasets" / "newsbytes-2023-07-29-shoigu-pyongyang"),
                         repeat=args.repeat)

    print(f"\nlarge: {count} records, {args.datasets} datasets, {findings} findings; "
          f"findings identical for --jobs 1 and {cores}: {same}")
    print(f"small: findings identical for --jobs 1 and {cores}: {small_same}")
    print("peak MB: the whole process tree's (parent and workers, proportional set size)\n")
    print_table(rows, {"large": floor_rate, "small": small_rows[2][2]},
                {"large": rows[0][2], "small": small_rows[0][2]})
    print()
    print_turns(floor_runs, timed, cores)
    print("turn by turn, " + "; ".join(small_turns))
    print(f"frictionless validate, tables: {table_rows / table_seconds:,.0f} rows/s "
          f"({table_rows} rows in {table_seconds:.1f} s)")
    print(f"start-up: validate --version {version_s:.2f} s; one small dataset {small_s:.2f} s")
    if args.large:
        large_memory(work / "large", args.large, args.seed + 1, cores)
    if not args.keep:
        shutil.rmtree(work)
    return 0 if same and small_same else 1


if __name__ == "__main__":
    raise SystemExit(main())
