"""frictionless validate alone, on a dataset of the newest version: it passes, then refuses
planted bad cells.

`python frictionless_check.py DATASET WORK` copies the dataset into WORK, moves
it to the newest schema version with `textevents upgrade` (its table resources
then carry their Table Schemas, from 1.2.0), gives it an aliases table (1.3.0)
and runs `frictionless validate` on its descriptor: no error.  Then it plants
an actor of kind `wizard` from country `Australia`, a retrieval date
`not-a-date`, a publication time `2021-13-45T99:99:99Z` and an alias of an
actor the actors table lacks, and `frictionless validate` must fail and name
each of those cells (the alias's actor by its foreign key into actors).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

PLANTED = {("actors.csv", "kind"): "wizard", ("actors.csv", "country"): "Australia",
           ("sources.csv", "retrieved"): "not-a-date",
           ("sources.csv", "published"): "2021-13-45T99:99:99Z",
           ("aliases.csv", "actor"): "no-such-actor"}


def add_aliases(folder: Path) -> None:
    """An aliases table of one row (its first actor, by its name's first word), declared."""
    from validator import registry

    with (folder / "actors.csv").open(encoding="utf-8", newline="") as handle:
        actor = next(csv.DictReader(handle))
    (folder / "aliases.csv").write_text(
        f"actor,alias,language\n{actor['id']},{actor['name'].split()[0]},\n", "utf-8")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["resources"].append({
        "name": "aliases", "type": "table", "path": "aliases.csv", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8",
        "schema": registry.load(descriptor["textevents_version"]).table_schema("aliases")})
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")


def plant(folder: Path) -> None:
    """Write each planted value into the first row of its table."""
    for table in ("actors.csv", "sources.csv", "aliases.csv"):
        with (folder / table).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for (name, column), value in PLANTED.items():
            if name == table:
                rows[0][column] = value
        with (folder / table).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def command(name: str) -> str:
    """The full path of a command of this environment (frictionless, textevents)."""
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed here")
    return found


def frictionless(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([command("frictionless"), "validate", str(folder / "datapackage.json")],
                          capture_output=True, text=True, check=False)


def main(argv: list[str]) -> int:
    source, work = Path(argv[0]), Path(argv[1])
    folder = work / source.name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    subprocess.run([command("textevents"), "upgrade", str(folder)], check=True)
    add_aliases(folder)
    clean = frictionless(folder)
    if clean.returncode != 0:
        print(clean.stdout, clean.stderr)
        print("frictionless validate refused the upgraded dataset")
        return 1
    plant(folder)
    broken = frictionless(folder)
    print(broken.stdout)
    report = json.loads(subprocess.run(
        [command("frictionless"), "validate", "--json", str(folder / "datapackage.json")],
        capture_output=True, text=True, check=False).stdout)
    named = {(error.get("fieldName"), error.get("cell"))
             for task in report["tasks"] for error in task["errors"]}
    named |= {(field, cell) for task in report["tasks"] for error in task["errors"]
              if error.get("type") == "foreign-key"
              for field, cell in zip(error.get("fieldNames", ()), error.get("cells", ()),
                                     strict=False)}
    missing = [value for (_, column), value in PLANTED.items() if (column, value) not in named]
    if broken.returncode == 0 or missing or report["valid"]:
        print(f"frictionless validate exited {broken.returncode}; cells it did not name: "
              f"{missing}")
        return 1
    print(f"frictionless validate alone refused the {len(PLANTED)} planted cells")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
