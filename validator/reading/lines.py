"""An events file as lines: read a block at a time, split at line starts, or one again.

Lines are split on LF bytes only (U+2028 inside a string is not a line
break).  A line longer than MAX_LINE_BYTES is never held in memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.findings import Problem
from validator.reading.fast_json import plain_block
from validator.reading.limits import MAX_LINE_BYTES, SIZES
from validator.reading.paths import open_regular_file
from validator.reading.text import decode_utf8

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

def blocks(handle: Any, end: int | None, *, digits: bool = True,  # noqa: ANN401 - a binary file
           block_bytes: int = SIZES.block_bytes, max_line: int = MAX_LINE_BYTES,
           ) -> Iterator[tuple[int, list[bytes | None], bool]]:
    """(offset, lines without LF, plain) for each run of the lines that start before `end`.

    Lines are split on LF bytes only (U+2028 inside a string is not a line
    break) and read a block at a time, so that cheap checks run over the block
    at C speed.  A block is plain when it has no escaped colon and (unless
    `digits` is False) no long run of digits, the two things `parse_record`
    must otherwise look for line by line.  A line longer than `max_line` bytes
    (its LF counted) comes out as None, alone in its run, without being held
    in memory.
    """
    offset = handle.tell()
    while end is None or offset < end:
        block = handle.read(block_bytes if end is None else min(block_bytes, end - offset))
        if not block:
            return
        if not block.endswith(b"\n"):  # complete the block's last line
            block += handle.readline(max_line + 1)
        plain = plain_block(block, digits=digits)
        lines = block.split(b"\n")
        last = lines.pop()  # b"" when the block ends with LF
        if len(block) < max_line:  # no line can be too long
            yield offset, [*lines, last] if last else lines, plain
            offset += len(block)
            continue
        yield from _runs(offset, lines, plain, max_line)
        offset += len(block) - len(last)
        if last and len(last) <= max_line:  # the file's last line, without LF
            yield offset, [last], plain
            offset += len(last)
        elif last:  # an overlong last line: skip to its end
            start = offset
            offset += len(last)
            while last and not last.endswith(b"\n"):
                last = handle.readline(max_line)
                offset += len(last)
            yield start, [None], False


def _runs(offset: int, lines: list[bytes], plain: bool, max_line: int,
          ) -> Iterator[tuple[int, list[bytes | None], bool]]:
    """LF-terminated lines in runs, each overlong one alone as None."""
    run: list[bytes | None] = []
    start = offset
    for line in lines:
        if len(line) < max_line:
            run.append(line)
        else:
            if run:
                yield start, run, plain
            yield offset, [None], False
            run, start = [], offset + len(line) + 1
        offset += len(line) + 1
    if run:
        yield start, run, plain


def split(root: Path, path: str, size: int, parts: int, *, chunk_bytes: int = SIZES.chunk_bytes,
          max_line: int = MAX_LINE_BYTES) -> list[tuple[int, int | None, int]]:
    """(start, end, first line) of byte ranges of a file, cut at line starts.

    One range unless the file is larger than `chunk_bytes` and more than one
    process is asked for.  Line numbers come from one pass counting LF bytes.
    """
    if parts <= 1 or size <= chunk_bytes:
        return [(0, None, 1)]
    count = max(parts * 2, size // chunk_bytes)
    handle = open_regular_file(root, path)
    if isinstance(handle, Problem):
        return [(0, None, 1)]
    ranges: list[tuple[int, int | None, int]] = []
    start, start_line = 0, 1
    offset, line = 0, 1  # `line` is the number of the line that holds byte `offset`
    with handle:
        for target in (size * k // count for k in range(1, count)):
            while offset < target:
                block = handle.read(min(1 << 20, target - offset))
                if not block:
                    break
                line += block.count(b"\n")
                offset += len(block)
            # Move the cut to the start of the next line.
            rest = handle.readline(max_line + 1)
            offset += len(rest)
            while rest and not rest.endswith(b"\n"):
                rest = handle.readline(max_line + 1)
                offset += len(rest)
            if not rest or offset >= size:  # the last range runs to the end
                break
            line += 1  # the cut, past at least one byte: no range is empty
            ranges.append((start, offset, start_line))
            start, start_line = offset, line
    ranges.append((start, None, start_line))
    return ranges



def read_line(root: Path, path: str, offset: int) -> str | None:
    """The line of a file that starts at byte `offset`, as text (None if unreadable)."""
    handle = open_regular_file(root, path)
    if isinstance(handle, Problem):
        return None
    with handle:
        handle.seek(offset)
        text = decode_utf8(handle.readline(MAX_LINE_BYTES).removesuffix(b"\n"))
    return text if isinstance(text, str) else None
