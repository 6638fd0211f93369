"""A code generator as a consumer: Pydantic models generated from each released version.

`python pydantic_check.py SCHEMA_DIR MANIFEST` runs datamodel-code-generator
on each version's `event.schema.json`, with any web access made to fail (a
proxy that refuses), so every `$ref` must resolve from the released files.
It imports the generated package and loads each record of the manifest that
`records_manifest.py` wrote.  (Installed without its `http` extra, as
here, the generator cannot fetch at all.)  Every record that jsonschema-rs accepts must
load: a consumer that generates its types from the schema can read all valid
data.  The models cannot state every rule (`if`/`then`, for one), so of the
records the schema refuses it only counts those the models refuse too.
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


def generate(schema: Path, package: Path) -> None:
    """Write Pydantic v2 models of `schema` (and the files it refers to) into `package`."""
    offline = {**os.environ, "HTTP_PROXY": REFUSING_PROXY, "HTTPS_PROXY": REFUSING_PROXY,
               "http_proxy": REFUSING_PROXY, "https_proxy": REFUSING_PROXY, "NO_PROXY": ""}
    subprocess.run([sys.executable, "-m", "datamodel_code_generator",
                    "--input", str(schema), "--input-file-type", "jsonschema",
                    "--output", str(package), "--output-model-type", "pydantic_v2.BaseModel",
                    "--class-name", "EventRecord", "--target-python-version", "3.11",
                    "--formatters", "builtin", "--disable-timestamp"],
                   check=True, env=offline)


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
            model: Any = importlib.import_module(name).EventRecord
            mine = [e for e in entries if e["version"] == folder.name]
            refused = wrong = 0
            for entry in mine:
                try:
                    model.model_validate(entry["record"])
                except ValueError as error:  # pydantic's ValidationError
                    refused += 1
                    if entry["valid"]:
                        wrong += 1
                        print(f"{entry['where']}: valid, but the models refuse it: "
                              f"{str(error).splitlines()[:3]}")
            valid = sum(e["valid"] for e in mine)
            print(f"{folder.name}: {len(mine)} records; of {valid} valid, the models load "
                  f"{valid - wrong}; of {len(mine) - valid} invalid, they refuse "
                  f"{refused - wrong}")
            failures += wrong
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
