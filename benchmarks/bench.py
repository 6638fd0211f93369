"""Benchmark `validate` against the floor and the usual alternatives, in one run.

Generates a seeded corpus from the repository's datasets (their real article
texts, records re-identified, 1% broken on purpose), then measures:

- `validate` end to end, every check on, with 1 process and with all cores;
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
from validator.checks.walk import spans
from validator.engine.engines import compiled

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
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], check=False, stdout=subprocess.DEVNULL).returncode\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
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
        with (target / "sources.csv").open(encoding="utf-8", newline="") as table:
            rows = list(csv.DictReader(table))
        with (target / "sources.csv").open("w", encoding="utf-8", newline="") as table:
            writer = csv.DictWriter(table, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({**row, "id": row["id"] + suffix} for row in rows)
        originals = [json.loads(line) for line in
                     (template / "events.jsonl").read_text("utf-8").splitlines()]
        for original in originals:
            reporting = original["reporting"]
            reporting["sources"] = [source + suffix for source in reporting["sources"]]
            for _, span in spans(original):
                span["source"] += suffix
            original.pop("links", None)  # they name the real records' ids, renamed here
        with (target / "events.jsonl").open("w", encoding="utf-8") as handle:
            for number in range(per_dataset):
                record = copy.deepcopy(originals[number % len(originals)])
                record["id"] = f"bench-{index:04d}-{number:07d}"
                if rng.random() < 0.01:
                    _break(record, rng)
                    broken.add(record["id"])
                if len(sample) < 5000 and rng.random() < 0.05:
                    sample.append(record)
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return sample, broken


def measure(*command: str, repeat: int = 1) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a command run in fresh processes, `repeat` times.

    The time is the best run's, the one least disturbed by the rest of the
    machine (as `timeit` reports; the floor is timed the same way); the peak
    is the highest.
    """
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                             text=True, check=True).stdout.split()
        runs.append((float(out[0]), int(out[1]) / 1024))
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


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


def print_table(results: list[tuple[str, float, float | None]], floor_rate: float,
                megabytes_per_record: float, cores: int) -> None:
    """The table: each configuration against the floor and against validate (rows 0 and 1)."""
    one, all_cores = results[0][1], results[1][1]
    print(f"| {'configuration':<46} | {'records/s':>10} | {'MB/s':>6} | {'peak MB':>7} | "
          f"{'vs floor':>8} | {'validate -j1 is':>16} | {f'validate -j{cores} is':>16} |")
    print(f"|{'-' * 48}|{'-' * 12}|{'-' * 8}|{'-' * 9}|{'-' * 10}|{'-' * 18}|{'-' * 18}|")
    for name, rate, rss in results:
        print(f"| {name:<46} | {rate:>10,.0f} | {rate * megabytes_per_record:>6.1f} | "
              f"{'' if rss is None else f'{rss:.0f}':>7} | {rate / floor_rate:>7.0%} | "
              f"{one / rate:>15.1f}x | {all_cores / rate:>15.1f}x |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each configuration this many times and keep the best")
    parser.add_argument("--keep", type=Path, help="keep the corpus in this folder")
    parser.add_argument("--large", type=int, default=0, metavar="N",
                        help="also measure peak RSS of validate on a corpus of N records")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="textevents-bench-"))
    corpus = args.keep or work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.records} records in {args.datasets} datasets …", flush=True)
    sample, _ = make_corpus(corpus, args.records, args.datasets, args.seed)
    lines = [line for path in sorted(corpus.glob("*/events.jsonl"))
             for line in path.read_bytes().splitlines()]
    count, megabytes = len(lines), sum(len(line) + 1 for line in lines) / 1e6
    cores = os.cpu_count() or 1
    validate = [sys.executable, "-m", "validator", "--format", "json"]

    results: list[tuple[str, float, float | None]] = []  # name, records/s, peak MB
    timed, floor_runs = take_turns(validate, corpus, lines, (1, cores), args.repeat)
    for jobs, runs in zip((1, cores), timed, strict=True):
        results.append((f"validate --jobs {jobs} (every check)",
                        count / min(seconds for seconds, _ in runs),
                        max(peak for _, peak in runs)))
    floor_seconds = min(floor_runs)
    outputs = [subprocess.run([*validate, "--jobs", str(j), str(corpus)], capture_output=True,
                              check=False).stdout for j in (1, cores)]
    same = outputs[0] == outputs[1]
    findings = len(json.loads(outputs[0])["findings"])
    floor_rate = count / floor_seconds
    results.append(("floor: orjson + jsonschema-rs is_valid", floor_rate, None))
    results.append(("naive: json + python-jsonschema iter_errors",
                    1 / naive(lines, min(2000, count)), None))
    # Over the released files, python-jsonschema looks each $ref up again
    # through `referencing` (some 30 registry crawls a record, profiled here):
    # a fifth of the sample is plenty.
    results.append(("check-jsonschema, released schema files",
                    1 / check_jsonschema(sample[: max(1, len(sample) // 5)], work,
                                         args.repeat, bundled=False), None))
    results.append(("check-jsonschema, bundled schema (one file)",
                    1 / check_jsonschema(sample, work, args.repeat, bundled=True), None))
    rows, table_seconds = frictionless_tables(corpus)
    version_s, _ = measure(sys.executable, "-m", "validator", "--version", repeat=args.repeat)
    small_s, _ = measure(sys.executable, "-m", "validator", "--jobs", "1",
                         str(REPO / "datasets" / "newsbytes-2023-07-29-shoigu-pyongyang"),
                         repeat=args.repeat)

    one, all_cores = results[0][1], results[1][1]
    print(f"\ncorpus: {count} records, {megabytes:.0f} MB, {args.datasets} datasets, "
          f"{findings} findings; findings identical for --jobs 1 and {cores}: {same}\n")
    print_table(results, floor_rate, megabytes / count, cores)
    print(f"\nall cores vs one process: {all_cores / one:.2f}x on {cores} cores")
    print_turns(floor_runs, timed, cores)
    print(f"frictionless validate, tables: {rows / table_seconds:,.0f} rows/s "
          f"({rows} rows in {table_seconds:.1f} s)")
    print(f"start-up: validate --version {version_s:.2f} s; one small dataset {small_s:.2f} s")
    if args.large:
        large = work / "large"
        print(f"\ngenerating {args.large} records in {args.large // 10_000} datasets …",
              flush=True)
        make_corpus(large, args.large, max(1, args.large // 10_000), args.seed + 1)
        print(f"| {'large corpus':<30} | {'records/s':>10} | {'peak MB':>7} |")
        print(f"|{'-' * 32}|{'-' * 12}|{'-' * 9}|")
        for jobs in (1, cores):
            seconds, peak = measure(*validate, "--jobs", str(jobs), str(large))
            print(f"| {f'validate --jobs {jobs}':<30} | {args.large / seconds:>10,.0f} | "
                  f"{peak:>7.0f} |")
        shutil.rmtree(large)
    if not args.keep:
        shutil.rmtree(work)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
