"""Write every record of the repository with the compiled engine's verdict, for ajv to check.

One JSON object a line, in the file named on the command line: `where`
(file:line), `version`, `valid` (jsonschema-rs, formats asserted) and
`record`.  The records are those of `datasets/` and of every case under
`tests/cases/` that the strict reader accepts (a line it refuses never reaches
a schema), then those the property tests' strategies draw (derandomized: the
same each run), each also broken in a few ways, one of them where
python-jsonschema departs from the specification (`$` before a trailing
newline).  `ajv_check.mjs` validates each record with ajv and fails on any
verdict that differs: a second implementation of the released schemas, on
clean records and on records broken on purpose.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator import registry
from validator.engine.engines import compiled
from validator.findings import Problem
from validator.reading.fast_json import parse_record

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent.parent
GENERATED = 200  # datasets drawn, of one to four records each


def main(argv: list[str]) -> int:
    """Write the manifest to the file that `argv` names."""
    known = set(registry.versions())
    with Path(argv[0]).open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(entry, ensure_ascii=False) + "\n"
                       for entry in [*entries(known), *generated(GENERATED), *examples()])
    return 0


def _breakages(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The record as drawn, then broken in each way."""
    yield record
    yield {key: value for key, value in record.items() if key != "summary"}
    yield {**record, "confidence": 0.5}
    yield {**record, "modality": "rumoured"}
    yield {**record, "summary": record["summary"] + "\n"}  # '$' ends the string: invalid


def generated(count: int) -> list[dict[str, Any]]:
    """Entries for records the property tests' `datasets()` strategy draws."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hypothesis import HealthCheck, given, settings
    from strategies import datasets

    engine = compiled("1.0.0", registry.RECORD_SCHEMA)
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(datasets())
    def collect(data: dict[str, Any]) -> None:
        drawn.extend(data["records"])

    collect()
    from validator.upgrade import upgrade_record

    newest = registry.versions()[-1]
    upgraded = compiled(newest, registry.RECORD_SCHEMA)
    return [*({"where": f"generated:{number}.{way}", "version": "1.0.0",
               "valid": engine.is_valid(record), "record": record}
              for number, drawn_record in enumerate(drawn, start=1)
              for way, record in enumerate(_breakages(drawn_record))),
            # The same records upgraded to the newest version, and broken in the same ways.
            *({"where": f"generated:{number}.{way}@{newest}", "version": newest,
               "valid": upgraded.is_valid(record), "record": record}
              for number, drawn_record in enumerate(drawn, start=1)
              for way, record in enumerate(_breakages(upgrade_record(drawn_record, newest))))]


def examples() -> list[dict[str, Any]]:
    """The 1.1.0 examples of tests/test_schema_1_1.py: each new field used, and broken."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_schema_1_1 as examples_module

    engine = compiled("1.1.0", registry.RECORD_SCHEMA)
    found = []
    for name, start, edit, *_ in [*examples_module.VALID, *examples_module.INVALID]:
        record = start()
        edit(record)
        found.append({"where": f"tests/test_schema_1_1.py:{name}", "version": "1.1.0",
                      "valid": engine.is_valid(record), "record": record})
    return found


def entries(known: set[str]) -> Iterator[dict[str, Any]]:
    """Each record the strict reader accepts, where it is, its version and its verdict."""
    for descriptor_file in sorted([*ROOT.glob("datasets/*/datapackage.json"),
                                   *ROOT.glob("tests/cases/**/datapackage.json")]):
        try:
            descriptor = json.loads(descriptor_file.read_text("utf-8"))
            version = descriptor["textevents_version"]
            events = descriptor_file.parent / next(
                resource["path"] for resource in descriptor["resources"]
                if resource["name"] == "events")
            data = events.read_bytes()
        except (OSError, ValueError, KeyError, TypeError, StopIteration):
            continue  # a case about the descriptor or the events file: no records to check
        if not isinstance(version, str) or version not in known:
            continue
        engine = compiled(version, registry.RECORD_SCHEMA)
        for number, line in enumerate(data.split(b"\n"), start=1):
            record = parse_record(line)
            if not line.strip() or isinstance(record, Problem):
                continue
            where = f"{events.relative_to(ROOT)}:{number}"
            yield {"where": where, "version": version, "valid": engine.is_valid(record),
                   "record": record}


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
