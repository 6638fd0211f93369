"""`nox -s export`: the export in DuckDB and pandas, Parquet and CSV, in bounded memory.

Exports `datasets/` as Parquet and as CSV, loads both in DuckDB (and the
Parquet tables in pandas), checks that counts agree with each other and with
the records, that the tables join, and prints a three-line analysis.  Then
exports two generated corpora ten times apart in size and prints the peak
memory of each: an export streams, so it must not grow with the corpus.
Exits 1 on any disagreement.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench import make_corpus  # the benchmark's seeded corpus (a script: its folder, above)

from validator.export.tables import TABLES as EXPORTED

REPO = Path(__file__).resolve().parents[2]
TEXTEVENTS = str(Path(sys.executable).parent / "textevents")  # the session's own command

TABLES = tuple(EXPORTED)  # every table the export writes
PEAK = ("import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def export(paths: list[str], target: Path, form: str) -> None:
    subprocess.run([TEXTEVENTS, "export", *paths, "--to",
                    str(target), "--format", form], check=True)


def counts(db: duckdb.DuckDBPyConnection, folder: Path, form: str) -> dict[str, int]:
    reader = "read_parquet" if form == "parquet" else "read_csv_auto"
    found = {}
    for table in TABLES:
        db.execute(f"CREATE OR REPLACE VIEW {table}_{form} AS "  # noqa: S608 - our own names
                   f"SELECT * FROM {reader}('{folder / f'{table}.{form}'}')")
        found[table] = db.execute(f"SELECT count(*) FROM {table}_{form}").fetchone()[0]  # noqa: S608
    return found


def _kind(db: duckdb.DuckDBPyConnection, view: str, column: str) -> str:
    """The type DuckDB gives a column of a view."""
    described = db.execute(f"DESCRIBE {view}").fetchall()
    return next(str(row[1]) for row in described if row[0] == column)


def main() -> int:
    records = [json.loads(line) for path in sorted((REPO / "datasets").glob("*/events.jsonl"))
               for line in path.read_text("utf-8").splitlines() if line.strip()]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = duckdb.connect()
        found = {}
        for form in ("parquet", "csv"):
            export([str(REPO / "datasets")], work / form, form)
            found[form] = counts(db, work / form, form)
        print(f"export: rows a table (Parquet): {found['parquet']}")
        if found["parquet"] != found["csv"]:
            failures.append(f"Parquet and CSV counts differ: {found}")
        if found["parquet"]["events"] != len(records):
            failures.append(f"{found['parquet']['events']} events rows for {len(records)} records")
        orphans = db.execute(
            "SELECT count(*) FROM participants_parquet p LEFT JOIN actors_parquet a "
            "ON p.dataset = a.dataset AND p.actor_id = a.actor_id WHERE a.actor_id IS NULL"
        ).fetchone()[0]
        unsourced = db.execute(
            "SELECT count(*) FROM evidence_parquet e LEFT JOIN sources_parquet s "
            "USING (source_key) WHERE s.source_key IS NULL").fetchone()[0]
        if orphans or unsourced:
            failures.append(f"{orphans} participants without an actor row, "
                            f"{unsourced} spans without a source row")
        frames = {table: pd.read_parquet(work / "parquet" / f"{table}.parquet")
                  for table in TABLES}
        if {table: len(frame) for table, frame in frames.items()} != found["parquet"]:
            failures.append("pandas reads other counts than DuckDB")
        # Calendar dates load as dates: Parquet's are typed so; DuckDB guesses a CSV's
        # types by itself, so there the descriptor must say so (frictionless reads it).
        failures += [f"{table}.{column.name} (Parquet) is {kind}, not DATE"
                     for table, columns in EXPORTED.items() for column in columns
                     if column.type == "date"
                     and (kind := _kind(db, f"{table}_parquet", column.name)) != "DATE"]
        described = {(resource["name"], field["name"]): field["type"] for resource in json.loads(
            (work / "csv" / "datapackage.json").read_text("utf-8"))["resources"]
            for field in resource["schema"]["fields"]}
        failures += [f"{table}.{column.name} (CSV) is described as {described[table, column.name]}"
                     for table, columns in EXPORTED.items() for column in columns
                     if column.type == "date" and described[table, column.name] != "date"]
        if str(frames["weapons"]["quantity_value"].dtype) != "Int64" \
                and frames["weapons"]["quantity_value"].dtype.kind not in "if":
            failures.append(f"quantity_value is {frames['weapons']['quantity_value'].dtype}")
        print("export: visits by host country and year (DuckDB, three lines):")
        print("  SELECT a.country, year(e.date_start) AS year, count(*) AS visits")
        print("  FROM events_parquet e JOIN participants_parquet p USING (record_id) JOIN "
              "actors_parquet a ON a.dataset = p.dataset AND a.actor_id = p.actor_id")
        print("  WHERE e.event_type = 'diplomatic_visit' AND p.role = 'host' GROUP BY ALL "
              "ORDER BY year, visits DESC")
        for row in db.execute(
                "SELECT a.country, year(e.date_start) AS year, count(*) AS visits "
                "FROM events_parquet e JOIN participants_parquet p USING (record_id) "
                "JOIN actors_parquet a ON a.dataset = p.dataset AND a.actor_id = p.actor_id "
                "WHERE e.event_type = 'diplomatic_visit' AND p.role = 'host' "
                "GROUP BY ALL ORDER BY year, visits DESC").fetchall():
            print(f"    {row}")
        peaks = {}
        for size in (20_000, 200_000):
            corpus = work / f"corpus-{size}"
            make_corpus(corpus, size, max(2, size // 10_000), seed=5)
            out = subprocess.run(
                [sys.executable, "-c", PEAK, TEXTEVENTS, "export", str(corpus), "--to", str(work / f"out-{size}"), "--format",
                 "parquet", "--with-findings"], capture_output=True, text=True, check=True)
            peaks[size] = int(out.stdout.split()[-1]) / 1024
            written = work / f"out-{size}" / "events.parquet"
            rows = db.execute(f"SELECT count(*) FROM read_parquet('{written}')").fetchone()[0]  # noqa: S608
            print(f"export: {size} records ({rows} exported, the broken 1% left out): "
                  f"peak {peaks[size]:.0f} MB")
            # Each record left out has a finding that names it: true of these corpora, whose
            # broken records keep their ids (a line with a repeated key, or one past
            # too-many-findings, has no finding with its record).
            named = db.execute(
                "SELECT count(DISTINCT record_id) FROM read_parquet(?) WHERE record_id NOT IN "
                "(SELECT record_id FROM read_parquet(?))",
                [str(written.with_name("findings.parquet")), str(written)]).fetchone()[0]
            print(f"export: {named} records left out, each named by a finding")
            if named != size - rows:
                failures.append(f"{size - rows} records left out, {named} named by findings")
        if peaks[200_000] > 1.5 * peaks[20_000] + 30:
            failures.append(f"memory grows with the corpus: {peaks}")
    for failure in failures:
        print(f"export: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
