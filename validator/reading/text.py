"""Bytes to text, strictly, and offsets to lines and columns."""

from __future__ import annotations

from validator.findings import Problem


def decode_utf8(data: bytes) -> str | Problem:
    """Decode strictly as UTF-8; a BOM or an invalid byte is a located problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        return Problem("encoding-bom", "starts with a UTF-8 byte order mark", 1, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = position(data[: error.start].decode("utf-8", "replace"), error.start)
        return Problem("encoding-invalid",
                       f"invalid UTF-8 byte 0x{data[error.start]:02x} at byte {error.start}",
                       line, column)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of `offset` in `text`."""
    offset = min(offset, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


