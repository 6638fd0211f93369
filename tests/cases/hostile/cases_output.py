"""Hostile contributions that attack the output: forged and garbled reports, names not UTF-8.

Each case is built like those of `cases.py` (the valid base dataset with one
trap) and holds, in a JSON key, a pointer, a CSV header or cell, or a folder
name, what a terminal or a CI runner would obey: ESC, OSC (a window title, a
hyperlink), the 8-bit CSI `\\x9b`, BEL, NUL, CR, U+202E, a line break and a
workflow command (`::error …::`, `##[…]`), or bytes that are not UTF-8.
`tests/test_hostile.py` checks their exit codes and codes with the other
cases; `tests/test_output_policy.py` checks every format of each for its
sink's forbidden characters.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from cases import Hostile, weeks_earlier

# What a terminal obeys: OSC 0 (the window title), an OSC 8 hyperlink, CSI (7-bit and
# 8-bit), BEL, NUL, CR, a bidi override.
TERMINAL = "\x1b]0;pwned\x07\x1b]8;;https://x.test/\x1b\\link\x1b]8;;\x1b\\\x1b[2J\x9b31m\x00\r\u202e"
COMMAND = "\n::error file=README.md::forged"  # a line of its own, read by the CI runner
OLD_COMMAND = "##[stop-commands]token"  # the runner's legacy syntax, anywhere in a line
_IN_CSV = TERMINAL.replace("\x00", "").replace("\r", "")  # NUL and CR are CSV errors of their own


def _first_record(folder: Path) -> dict[str, object]:
    record: dict[str, object] = json.loads(
        (folder / "events.jsonl").read_text("utf-8").splitlines()[0])
    record["id"] = "hostile-output-copy"
    return weeks_earlier(record, 1)


def _append_record(edit: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    """Append a copy of the first record (a new id), changed by `edit`."""
    def build(folder: Path) -> None:
        record = _first_record(folder)
        edit(record)
        with (folder / "events.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return build


def _key(record: dict[str, object]) -> None:
    record["k" + TERMINAL + "evil"] = 1


def _nested_key(record: dict[str, object]) -> None:
    location = record["location"]
    assert isinstance(location, dict)
    location["n" + TERMINAL + COMMAND] = 2


def _old_command_key(record: dict[str, object]) -> None:
    record[OLD_COMMAND] = 3


def _supports(record: dict[str, object]) -> None:
    evidence = record["evidence"]
    assert isinstance(evidence, list)
    evidence.append(dict(evidence[0]))  # what it cited stays cited (field-uncited is not this)
    evidence[0]["supports"] = "/x" + TERMINAL + COMMAND


def _csv_header(folder: Path) -> None:
    path = folder / "actors.csv"
    header, rest = path.read_text("utf-8").split("\n", 1)
    label = "x" + _IN_CSV + OLD_COMMAND
    path.write_text(f"{header},{label}\n{rest}", "utf-8")


def _csv_cell(folder: Path) -> None:
    with (folder / "actors.csv").open("a", encoding="utf-8", newline="") as handle:
        kind = "per" + _IN_CSV + "son"
        handle.write(f'hostile-actor,Hostile,"{kind}",RUS,,,\n')


def _folder(name: bytes) -> Callable[[Path], None]:
    """A folder inside the dataset, named `name` (any bytes), holding one file."""
    def build(folder: Path) -> None:
        inside = os.path.join(os.fsencode(folder), name)  # noqa: PTH118 - a bytes path
        os.mkdir(inside)  # noqa: PTH102 - a bytes path
        with open(os.path.join(inside, b"a.txt"), "wb") as handle:  # noqa: PTH118, PTH123
            handle.write(b"x\n")
    return build


def _file(name: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        (folder / name).write_bytes(b"x\n")
    return build


OUTPUT_CASES: tuple[Hostile, ...] = (
    Hostile("key-terminal-controls", "output", _append_record(_key), 1,
            frozenset({"schema-unknown-field"})),
    Hostile("pointer-terminal-controls", "output", _append_record(_nested_key), 1,
            frozenset({"schema-unknown-field"})),
    Hostile("key-legacy-workflow-command", "output", _append_record(_old_command_key), 1,
            frozenset({"schema-unknown-field"})),
    Hostile("supports-pointer-controls", "output", _append_record(_supports), 1,
            frozenset({"span-pointer-unresolved"})),
    Hostile("csv-header-controls", "output", _csv_header, 1,
            frozenset({"table-header", "table-row"})),
    Hostile("csv-cell-controls", "output", _csv_cell, 1, frozenset({"table-value"})),
    Hostile("folder-workflow-command", "output", _folder(COMMAND.encode() + b"\r\x1b]0;t\x07"),
            1, frozenset({"resource-undeclared"})),
    Hostile("folder-not-utf8", "output", _folder(b"\xff\xfe"), 1,
            frozenset({"resource-undeclared"})),
    Hostile("file-legacy-workflow-command", "output", _file("##[error]forged.txt"), 1,
            frozenset({"resource-undeclared"})),
    Hostile("file-rich-markup", "output", _file("[link=https:x.test]a[bold]"), 1,
            frozenset({"resource-undeclared"})),
)
