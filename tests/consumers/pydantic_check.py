"""A code generator as a consumer: Pydantic models generated from each released version.

`python pydantic_check.py SCHEMA_DIR MANIFEST` runs datamodel-code-generator
on each version's `event.schema.json`, with any web access made to fail (a
proxy that refuses), so every `$ref` must resolve from the released files.
It imports the generated package and loads each record of the manifest that
`records_manifest.py` wrote.  (Installed without its `http` extra, as
here, the generator cannot fetch at all.)  Every record that jsonschema-rs accepts must
load: a consumer that generates its types from the schema can read all valid
data.  The models cannot state every rule (`if`/`then`, for one), so of the
records the schema refuses it only counts those the models refuse too.  A
record dated in year 0000 is the one exception (Python's dates have no year 0):
the validator refuses it as well (`date-year-zero`).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REFUSING_PROXY = "http://127.0.0.1:9"  # the discard port: a fetch fails at once


# From 1.2.0 the record types have titles, and the generator names its types after them.
TITLED = {"EventRecord", "DiplomaticVisit", "ArmsAllegation", "DiplomaticVisitClassification",
          "ArmsAllegationClassification"}


def titled(schema: Path) -> bool:
    """Whether the version's record schema titles its types (1.2.0 and later)."""
    return json.loads(schema.read_text("utf-8"))["title"] == "Event record"


def generate(schema: Path, package: Path) -> None:
    """Write Pydantic v2 models of `schema` (and the files it refers to) into `package`.

    A titled version is generated as its README says (`--use-title-as-name`), into one
    module; the others as before, with the record's class named on the command line.
    """
    offline = {**os.environ, "HTTP_PROXY": REFUSING_PROXY, "HTTPS_PROXY": REFUSING_PROXY,
               "http_proxy": REFUSING_PROXY, "https_proxy": REFUSING_PROXY, "NO_PROXY": ""}
    naming = ["--use-title-as-name"] if titled(schema) else ["--class-name", "EventRecord"]
    output = package.with_suffix(".py") if titled(schema) else package
    subprocess.run([sys.executable, "-m", "datamodel_code_generator",
                    "--input", str(schema), "--input-file-type", "jsonschema",
                    "--output", str(output), "--output-model-type", "pydantic_v2.BaseModel",
                    *naming, "--target-python-version", "3.11",
                    "--formatters", "builtin", "--disable-timestamp"],
                   check=True, env=offline)


def misnamed(module: Any) -> list[str]:
    """What is wrong with the names of a titled version's models: a type named after its
    file (Schema, Schema_1) instead of its title, or a titled type missing."""
    classes = {name for name, value in vars(module).items() if isinstance(value, type)}
    return sorted({n for n in classes if n == "Schema" or n.startswith("Schema_")}
                  | {f"no {n}" for n in TITLED - classes})


def main(argv: list[str]) -> int:
    """Generate, load, compare; exit 1 if a valid record does not load."""
    schemas, manifest = Path(argv[0]), Path(argv[1])
    entries = [json.loads(line) for line in manifest.read_text("utf-8").splitlines()]
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        sys.path.insert(0, work)
        for folder in sorted(p for p in schemas.iterdir() if (p / "event.schema.json").is_file()):
            name = "textevents_" + folder.name.replace(".", "_")
            generate(folder / "event.schema.json", Path(work) / name)
            module = importlib.import_module(name)
            model: Any = module.EventRecord
            if titled(folder / "event.schema.json"):
                wrong_names = misnamed(module)
                print(f"{folder.name}: record types named {sorted(TITLED)}"
                      if not wrong_names else f"{folder.name}: misnamed: {wrong_names}")
                failures += len(wrong_names)
            mine = [e for e in entries if e["version"] == folder.name]
            refused = wrong = year_zero = 0
            for entry in mine:
                try:
                    model.model_validate(entry["record"])
                except ValueError as error:  # pydantic's ValidationError
                    refused += 1
                    if entry["valid"] and "year 0 is out of range" in str(error) \
                            and '"0000-' in json.dumps(entry["record"]):
                        # The schema's date format admits year 0000, Python's dates do not:
                        # the validator's date-year-zero refuses such a record.
                        year_zero += 1
                    elif entry["valid"]:
                        wrong += 1
                        print(f"{entry['where']}: valid, but the models refuse it: "
                              f"{str(error).splitlines()[:3]}")
            valid = sum(e["valid"] for e in mine)
            print(f"{folder.name}: {len(mine)} records; of {valid} valid, the models load "
                  f"{valid - wrong - year_zero} (and refuse {year_zero} dated in year 0000, "
                  f"which date-year-zero refuses too); of {len(mine) - valid} invalid, they "
                  f"refuse {refused - wrong - year_zero}")
            failures += wrong
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
