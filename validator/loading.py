"""Find datasets, read their files safely, and parse JSON strictly.

Everything that touches the file system or decodes bytes lives here, so the
checks can be pure functions over parsed values.  Failures to read or parse
are values (`Problem`s with a position), not exceptions: a broken file is a
finding, not a crash.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import io
    from collections.abc import Iterable, Iterator

JSON = Any

DESCRIPTOR: Final = "datapackage.json"

# Limits of the validator; each breach is a located finding, never a hang.
MAX_DEPTH: Final = 64
MAX_INT_DIGITS: Final = 20
MAX_FILE_BYTES: Final = 64 * 1024 * 1024  # descriptors, tables and article texts
MAX_LINE_BYTES: Final = 1024 * 1024  # one JSON Lines record
MAX_FINDINGS_PER_FILE: Final = 1000  # then the file is reported as too broken to go on


class UsageError(Exception):
    """The command was asked something it cannot do (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A located problem found while reading or parsing: a finding without a file."""

    code: str
    message: str
    line: int = 0
    column: int = 0
    pointer: str = ""


# --- Paths -----------------------------------------------------------------

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9._-]+")


def unsafe_path_reason(path: object) -> str | None:
    """Why a path named by a dataset may not be opened, or None if it is safe.

    The policy: a relative POSIX path of plain segments inside the dataset;
    no URL or scheme, no absolute path, no '.' or '..' segment, no backslash,
    no NUL, no characters outside [A-Za-z0-9._-] in a segment.
    """
    if not isinstance(path, str) or not path:
        return "is not a non-empty string"
    if "\x00" in path:
        return "contains a NUL character"
    if "\\" in path:
        return "contains a backslash"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path):
        return "is a URL or has a scheme"
    if path.startswith("/"):
        return "is absolute"
    for segment in path.split("/"):
        if segment in {"", ".", ".."}:
            return f"has a {segment!r} segment" if segment else "has an empty segment"
        if not _SAFE_SEGMENT.fullmatch(segment):
            return "has characters outside A-Z a-z 0-9 . _ -"
    return None


def open_regular_file(root: Path, relative: str) -> io.BufferedReader | Problem:
    """Open a file inside `root` for reading through one checked handle.

    Refuses anything but a regular file reached without symlinks: a FIFO or
    device is not opened blocking, a link (anywhere on the path) is not followed.
    """
    reason = unsafe_path_reason(relative)
    if reason:
        return Problem("path-unsafe", f"path {escape(relative)} {reason}")
    current = root
    info = None
    for segment in PurePosixPath(relative).parts:
        current = current / segment
        try:
            info = current.lstat()
        except FileNotFoundError:
            return Problem("resource-missing", f"{escape(relative)} does not exist")
        except OSError as error:
            return Problem("path-unsafe", f"{escape(relative)} cannot be inspected: "
                           f"{escape(error.strerror or str(error))}")
        if stat.S_ISLNK(info.st_mode):
            return Problem("path-unsafe", f"{escape(relative)} is or passes through a symlink")
    if info is None or not stat.S_ISREG(info.st_mode):
        return Problem("path-unsafe", f"{escape(relative)} is not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(current, flags)
    except OSError as error:
        return Problem("path-unsafe", f"{escape(relative)} cannot be opened: "
                       f"{escape(error.strerror or str(error))}")
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since lstat
        handle.close()
        return Problem("path-unsafe", f"{escape(relative)} is not a regular file")
    return handle


def read_regular_file(root: Path, relative: str, limit: int = MAX_FILE_BYTES) -> bytes | Problem:
    """The bytes of a file inside `root`, read once through a checked handle."""
    handle = open_regular_file(root, relative)
    if isinstance(handle, Problem):
        return handle
    with handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return Problem("file-too-large", f"{escape(relative)} is larger than {limit} bytes")
    return data


def dataset_files(root: Path) -> Iterator[str]:
    """Every entry below a dataset folder, as relative POSIX paths; links not followed."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        base = Path(folder).relative_to(root)
        for name in sorted(files) + [d for d in sorted(dirs) if (Path(folder) / d).is_symlink()]:
            yield (base / name).as_posix()
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())


# --- Finding datasets ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DatasetLocation:
    """A dataset folder, and how to name its files in findings."""

    root: Path
    display: str  # the folder as the user will read it, e.g. "datasets/voa"

    def name(self, relative: str) -> str:
        """A file of this dataset as findings name it."""
        return f"{self.display}/{relative}" if self.display not in {"", "."} else relative


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()  # "." for cwd
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[str]) -> tuple[list[DatasetLocation], list[str]]:
    """The datasets the PATHs name, and folders that hold files but no descriptor.

    A PATH is a `datapackage.json`, a dataset folder, a folder searched
    recursively (links not followed), or a file or folder inside a dataset,
    which names that dataset (see `enclosing_dataset`): a pre-commit hook
    passes the files that changed.  Raises `UsageError` for a PATH that does
    not exist or lies in no dataset, or when no dataset is found at all.
    """
    found: dict[Path, DatasetLocation] = {}
    orphans: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{raw}: no such file or folder")
        if path.is_file() and path.name == DESCRIPTOR:
            path = path.parent
        elif not (path / DESCRIPTOR).is_file() and (owner := enclosing_dataset(path)):
            path = owner
        elif not path.is_dir():
            searched = " (looked no higher than the current folder)" if _under_cwd(path) else ""
            raise UsageError(f"{raw}: not a folder, a {DESCRIPTOR} "
                             f"or a file inside a dataset{searched}")
        if (path / DESCRIPTOR).is_file():
            found.setdefault(path.resolve(), DatasetLocation(path, _display(path)))
            continue
        for folder, dirs, files in os.walk(path, followlinks=False):
            here = Path(folder)
            if DESCRIPTOR in files:
                found.setdefault(here.resolve(), DatasetLocation(here, _display(here)))
                dirs[:] = []  # a dataset's subfolders belong to it
                continue
            dirs.sort()
            if files and here != path:
                orphans.append(_display(here))
    if not found:
        raise UsageError("no dataset found (no datapackage.json under "
                         + ", ".join(repr(p) for p in paths) + ")")
    # A folder that holds a dataset, or lies inside one, is not an orphan.
    orphans = [o for o in orphans if not any(
        o.startswith(d.display + "/") or d.display.startswith(o + "/") for d in found.values())]
    return sorted(found.values(), key=lambda d: d.display), sorted(orphans)


def in_no_dataset(raw: str) -> bool:
    """Whether `discover` refuses PATH `raw` as lying in no dataset.

    That is an existing file (or link, or other entry) that is neither a
    folder nor a datapackage.json and that no dataset holds: what a hook
    that passes every changed file may skip (`validate --skip-outside`).
    """
    path = Path(raw)
    return (path.exists() or path.is_symlink()) and not path.is_dir() \
        and not (path.is_file() and path.name == DESCRIPTOR) and enclosing_dataset(path) is None


def _absolute(path: Path) -> Path:
    # ".." removed by name, as the user means it; resolve() would follow links
    return Path(os.path.abspath(path))  # noqa: PTH100


def _under_cwd(path: Path) -> bool:
    return _absolute(path).is_relative_to(Path.cwd())


def enclosing_dataset(path: Path) -> Path | None:
    """The nearest folder above `path` that holds a datapackage.json, if any.

    The search goes no higher than the current folder when `path` lies
    inside it, so that a stray descriptor above a checkout (in a home folder,
    say) never turns a file of the checkout into part of a huge "dataset".
    Only names are looked up; nothing outside the dataset is read.
    """
    here, absolute = Path.cwd(), _absolute(path)
    inside = absolute.is_relative_to(here)
    for parent in absolute.parents:
        if inside and not parent.is_relative_to(here):
            return None
        if (parent / DESCRIPTOR).is_file():
            return parent.relative_to(here) if inside else parent
    return None


# --- Text ------------------------------------------------------------------

_ESCAPES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def escape(value: object, limit: int = 60) -> str:
    """A value as a short, single-line, printable quotation for a message.

    Control, bidi and zero-width characters are escaped, so that no value in a
    dataset can break a line of output, reorder it on screen, or start a command.
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _ESCAPES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return f"'{text}'" if isinstance(value, str) else text


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


# --- Strict JSON ------------------------------------------------------------

class _StrictJSONError(ValueError):
    """A value the decoder read but the rules refuse: `token` (a literal) or `key` locates it."""

    def __init__(self, code: str, message: str, token: str | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.token, self.key = code, message, token, key


def _pairs(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
    result = dict(pairs)
    if len(result) != len(pairs):  # cheap: only a repeated key shortens the dict
        seen: set[str] = set()
        repeated = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _StrictJSONError("json-duplicate-key", f"key {escape(repeated)} appears twice",
                               key=repeated)
    return result


def _constant(name: str) -> JSON:
    raise _StrictJSONError("json-number-invalid", f"{name} is not a JSON number", name)


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _StrictJSONError("json-number-invalid",
                               f"integer with {len(digits.lstrip('-'))} digits exceeds the "
                               f"limit of {MAX_INT_DIGITS}", digits)
    return int(digits)


def _float(literal: str) -> float:
    value = float(literal)
    if value in {float("inf"), float("-inf")}:
        raise _StrictJSONError("json-number-invalid",
                               f"number {escape(literal, 30)} overflows a double", literal)
    return value


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant,
                            parse_int=_integer, parse_float=_float)

# The decoder gives no positions for what its hooks refuse, so these scans find
# them again.  Strings or bare tokens, to find a refused literal such as NaN:
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"{}\[\],:]+')
# Keys (a string before a colon), other strings and brackets, to find a repeated key:
_KEYS = re.compile(r'("(?:[^"\\]|\\.)*")\s*:|"(?:[^"\\]|\\.)*"|[{}\[\]]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}|\\u[dD][c-fC-F][0-9a-fA-F]{2}")
# Every escape in turn (only strings hold backslashes): a high surrogate with the
# low one after it if any, a low one alone, or any other escape.
_ESCAPES_IN_STRINGS = re.compile(r"(\\u[dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
                                 r"|(\\u[dD][c-fC-F][0-9a-fA-F]{2})|\\.", re.DOTALL)


def _depth(text: str) -> tuple[int, int]:
    """The deepest nesting and the offset where it is first exceeded (strings skipped)."""
    depth = deepest = 0
    at = -1
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > MAX_DEPTH and at < 0:
                    at = match.start()
        elif char in "]}":
            depth -= 1
    return deepest, at


def parse_json(text: str) -> JSON | Problem:
    """Parse one JSON text strictly, or return the first problem with its position.

    Stricter than `json.loads`: no NaN or Infinity, no repeated keys, no lone
    surrogates, integers of at most MAX_INT_DIGITS digits, no overflow to
    infinity, and nesting of at most MAX_DEPTH checked before parsing.
    """
    # str.count is fast, so the exact scan runs only on texts that could be deep.
    if text.count("[") + text.count("{") > MAX_DEPTH:
        deepest, at = _depth(text)
        if deepest > MAX_DEPTH:
            line, column = position(text, at)
            return Problem("json-too-deep", f"nesting deeper than {MAX_DEPTH} levels",
                           line, column)
    try:
        value = _DECODER.decode(text)
    except _StrictJSONError as error:
        offset = _repeated_key(text, error.key) if error.key is not None \
            else _literal(text, error.token)
        line, column = position(text, offset)
        return Problem(error.code, error.message, line, column)
    except json.JSONDecodeError as error:
        return Problem("json-syntax", error.msg, error.lineno, error.colno)
    except (ValueError, RecursionError) as error:  # e.g. int() beyond its digit limit
        return Problem("json-syntax", str(error)[:200], 1, 1)
    if _SURROGATE_ESCAPE.search(text) and (lone := _lone_surrogate(text)) is not None:
        line, column = position(text, lone)
        return Problem("json-lone-surrogate", "a string holds a lone UTF-16 surrogate",
                       line, column)
    return value


def _literal(text: str, token: str | None) -> int:
    """Offset of the first `token` outside strings (0 if none)."""
    return next((m.start() for m in _TOKENS.finditer(text) if m.group() == token), 0)


def _repeated_key(text: str, key: str) -> int:
    """Offset of `key` where it comes a second time in one object (0 if nowhere)."""
    seen: list[bool | None] = []  # per open bracket: an object's "key met", or None
    for match in _KEYS.finditer(text):
        name, piece = match.group(1), match.group()
        if piece == "{":
            seen.append(False)
        elif piece == "[":
            seen.append(None)
        elif piece in {"}", "]"}:
            if seen:
                seen.pop()
        elif name is not None and seen and json.loads(name) == key:
            if seen[-1]:
                return match.start()
            seen[-1] = True
    return 0


def _lone_surrogate(text: str) -> int | None:
    """Offset of the first escape of a surrogate without its pair, in a JSON text.

    The decoder keeps such halves as they are; the text tells both whether one
    is there and where, so the parsed value need not be walked for it.
    """
    return next((m.start() for m in _ESCAPES_IN_STRINGS.finditer(text)
                 if (m.group(1) and not m.group(2)) or m.group(3)), None)


# --- Records: a fast path that keeps the strict guarantees ---------------------

# orjson keeps an integer exact only within 64 bits and gives a float beyond;
# every integer of up to EXACT_DIGITS digits fits.  One C-speed pass maps each
# byte to its class (digits -> '0', all else -> 'x'), so that a longer run of
# digits, which could be such an integer, shows as a plain substring.
EXACT_DIGITS: Final = 18
_SHAPE = bytes(ord("0") if 48 <= b <= 57 else ord("x") for b in range(256))
_LONG_DIGITS = b"0" * (EXACT_DIGITS + 1)


def plain_block(data: bytes, *, digits: bool = True) -> bool:
    """Whether a block of lines has no escaped colon and (if `digits`) no long run of digits.

    Then `parse_record`'s fast path holds for each of its lines without
    looking for either again (see `parse_record` and `_keys_kept`).  Without
    `digits`, the caller makes sure in another way that numbers are exact.
    """
    return not escaped_colon(data) and (not digits or _LONG_DIGITS not in data.translate(_SHAPE))


_COLON_ESCAPES = (b"u003a", b"u003A")  # after a backslash
_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def escaped_colon(data: bytes) -> bool:
    r"""Whether `data` holds `\u003a` or `\u003A`, a colon written as an escape.

    Such a colon is one the line's colon count misses but its re-serialised
    value has (see `colons_agree`); a doubled backslash before it makes it text,
    but finding it anyway only sends the line the strict way.  A substring
    search costs about 0.5 ns a byte on news text, where digits are common; a
    64 KiB block of records holds a few dozen backslashes, which memchr finds at
    once.  So look after each backslash, and search only past the first 128.
    """
    at = data.find(b"\\")
    for _ in range(128):
        if at < 0:
            return False
        if data.startswith(_COLON_ESCAPES, at + 1):
            return True
        at = data.find(b"\\", at + 1)
    return _ESCAPED_COLON.search(data, at) is not None


def parse_record(raw: bytes) -> JSON | Problem:
    """Parse one JSON Lines record (without its LF) with `parse_json`'s guarantees, but one.

    Nesting depth is not limited here: a record deeper than MAX_DEPTH is
    returned as parsed.  The record schema admits no value that deep, so the
    records layer parses a record that fails the schema again with
    `parse_json`, which reports the depth.  Everything else is as strict:
    orjson already refuses NaN, Infinity, overflow, lone surrogates and
    invalid UTF-8; long digit runs (orjson could give floats) and repeated
    keys send the line to `parse_json`, which locates the problem.
    """
    import orjson

    if _LONG_DIGITS not in raw.translate(_SHAPE):
        try:
            value = orjson.loads(raw)
            if _keys_kept(raw, orjson.dumps(value)):
                return value
        except (orjson.JSONDecodeError, orjson.JSONEncodeError):  # dumps: deeper than 254
            pass
    text = decode_utf8(raw)
    if isinstance(text, Problem):
        return text
    return parse_json(text)


def _keys_kept(raw: bytes, dumped: bytes) -> bool:
    """Whether the parser kept every key of `raw` (`dumped` is its value re-serialised)."""
    return not escaped_colon(raw) and colons_agree(raw, dumped)


def colons_agree(raw: bytes, dumped: bytes) -> bool:
    """For `raw` without an escaped colon: whether no repeated key was dropped.

    A colon outside a string is a key's; inside strings, colons are copied as
    they are, unless escaped (backslash, u003a).  So without escaped colons, the
    colon counts of the line and of its re-serialised value are equal exactly
    when no repeated key was dropped: each dropped key takes its colon with it.
    """
    return raw.count(b":") == dumped.count(b":")
