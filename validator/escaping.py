r"""One place that makes values from a dataset safe to show: in a message, a name, a sink.

A dataset is written by strangers, so any of its keys, values and file names
may hold control characters, bidi overrides or bytes that are not UTF-8.
Each function below writes such characters as visible escapes; they differ
only in which characters their sink must not receive:

- `escape`: a value quoted in a finding's message;
- `printable`: a file name, as a finding keeps it;
- `one_line`: any text in a line of a log (the text report, standard error,
  the progress bar): as `printable`, and no workflow command a CI runner obeys;
  `log_line`, the whole line, which a value may begin;
- `workflow_data`, `workflow_property`: the message and the properties of a
  GitHub workflow command, in the runner's documented encoding;
- `json_text`: a JSON document (the report, the SARIF log): valid Unicode and
  safe on a terminal, each value reading back as it was;
- `visible`: a value on the HTML page.

No output carries a lone surrogate, so every output encodes as UTF-8: the
undecodable bytes of a file name, which Python keeps as lone surrogates
(U+DC80 to U+DCFF), are written \xNN in names, and any other lone surrogate
\uNNNN.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

# C0 and C1 controls, the Arabic letter mark, zero-width characters and marks,
# line and paragraph separators, bidi embeddings, overrides and isolates, and
# the byte order mark: what could break a line of output, reorder it on
# screen, or start a terminal command.  And what shows as nothing, so that a
# value could hide text in plain sight: the soft hyphen, the combining grapheme
# joiner, the Hangul and Khmer fillers and vowels that show nothing, Mongolian
# selectors, deprecated format characters, interlinear annotation, musical
# format characters and tags.
_UNSAFE = ("\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
           "\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U0001d173-\U0001d17a"
           "\U000e0000-\U000e007f")  # beyond C0
_IN_LINE = f"\x00-\x1f{_UNSAFE}"
_SURROGATES = "\ud800-\udfff"
_MESSAGE = re.compile(f"[{_IN_LINE}{_SURROGATES}]")  # lone surrogates too
_NAME = re.compile(f"[{_IN_LINE}]")
_PRINTED = re.compile(f"[{_IN_LINE}{_SURROGATES}\\\\]")  # a backslash too: see printable
_ESCAPED = re.compile(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
# A workflow command's message and properties: as a line, but CR and LF are
# left to the runner's own encoding (%0D, %0A).
_WORKFLOW = re.compile(f"[\x00-\x09\x0b\x0c\x0e-\x1f{_UNSAFE}]")
# In a JSON document the encoder escapes C0 itself; the other characters a
# line must not hold are written as JSON escapes, which read back as they were.
_JSON = re.compile(f"[{_UNSAFE}]")
# On the page, tabs and line ends are layout, and the zero-width space, joiners
# and marks stay: Thai, Persian and Arabic need them.  Noncharacters and lone
# surrogates are errors in HTML.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                            for plane in range(17))
_PAGE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff"
                   f"{_NONCHARACTERS}{_SURROGATES}]")
# Workflow commands as the GitHub Actions runner finds them in any line of a
# step's output: `::command …::` at the start of a line (after white space),
# and the older `##[command]` anywhere in it.
_COMMAND_START = re.compile(r"^(\s*):(?=:)")
_OLD_COMMAND = re.compile(r"#(?=#\[)")
# On the page, any colon that starts a line of a value (the page may put another after it).
_PAGE_COMMAND_START = re.compile(r"(^|[\n\r])([^\S\n\r]*):")


def _code(char: str) -> str:
    r"""One character as an escape: an undecodable byte as \xNN, anything else as \uNNNN."""
    point = ord(char)
    if 0xDC80 <= point <= 0xDCFF:  # a byte that was not UTF-8, as surrogateescape keeps it
        return f"\\x{point - 0xDC00:02x}"
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def _escapes(pattern: re.Pattern[str], code: Callable[[str], str] = _code) -> Callable[[str], str]:
    def sub(text: str) -> str:
        if text.isascii() and text.isprintable():  # no pattern escapes a printable ASCII text
            return text  # (two scans in C: names and messages are mostly so)
        return pattern.sub(lambda m: code(m.group()), text)
    return sub


_message_escapes = _escapes(_MESSAGE, lambda char: f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF
                            else f"\\U{ord(char):08x}")
_name_escapes = _escapes(_NAME)
_surrogate_escapes = _escapes(_SURROGATE)
_workflow_escapes = _escapes(_WORKFLOW)
_page_escapes = _escapes(_PAGE)


def escape(value: object, limit: int = 60) -> str:
    """A value as a short, single-line, printable quotation for a message.

    Strings are quoted ('…'), other values written as JSON; either is cut to
    `limit` characters and its unsafe characters written as escapes.
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = _message_escapes(text)
    return f"'{text}'" if isinstance(value, str) else text


def printable(name: str) -> str:
    r"""A file name safe to print: undecodable bytes as \xNN, control characters escaped.

    File names come from the file system, where they may be any bytes (Python
    keeps undecodable ones as lone surrogates) and may hold line breaks.  A
    printable name without a backslash prints as itself; a backslash is
    written \u005c, so that no two names print alike (a folder named with the
    six characters `\u000a` is not one named with a line break), and
    `name_of` gives the name back, for the reports that carry it exactly.  A
    name that is not NFC shows every character beyond ASCII as an escape.
    """
    if name.isascii() and name.isprintable() and "\\" not in name:  # most names: two scans in C
        return name
    printed = _PRINTED.sub(lambda m: _code(m.group()), name)
    if unicodedata.is_normalized("NFC", printed):
        return printed
    # "café" decomposed prints as "café" composed, though the two are two folders: a name
    # that is not NFC prints every character beyond ASCII as an escape (marks, jamo and
    # singletons each fool the eye; its NFC twin has one such character at least).
    return "".join(char if char.isascii() else _code(char) for char in printed)


def name_of(printed: str) -> str:
    r"""The name that `printable` printed so: its escapes read back (\xNN as the byte)."""
    if "\\" not in printed:
        return printed

    def char(match: re.Match[str]) -> str:
        byte, short, long = match.groups()
        return chr(0xDC00 + int(byte, 16)) if byte else chr(int(short or long, 16))

    return _ESCAPED.sub(char, printed)


def _no_command(text: str) -> str:
    return _COMMAND_START.sub(r"\1\\u003a", _OLD_COMMAND.sub(r"\\u0023", text))


def one_line(text: str) -> str:
    r"""Any text from a dataset, safe in a line of a log: the text report, stderr, the bar.

    As `printable` (no control, bidi or line-breaking character, no lone
    surrogate), and no workflow command that a CI runner would obey: a
    leading `::` is written `\u003a:`, and `##[` is written `\u0023#[`.
    """
    return _no_command(_name_escapes(_surrogate_escapes(text)))  # a backslash as itself


def log_line(line: str) -> str:
    r"""A whole line of a log whose start is a value (a file name): no `::` at its start.

    Values are escaped one by one, but a line that a value begins can still
    start a workflow command with the text after it (a file named ':' gives
    '::0:0: …'): a leading `::` (after white space) is written `::`.
    """
    return _COMMAND_START.sub(r"\1\\u003a", line)


def workflow_data(text: str) -> str:
    """Text for the message of a GitHub workflow command (after its second `::`).

    The runner's documented encoding (`%`, CR and LF as %25, %0D and %0A),
    after escaping the other characters that `one_line` escapes: the command
    stays one line, and its message reads back as the text, escapes and all.
    """
    text = _no_command(_workflow_escapes(_surrogate_escapes(text)))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """Text for a property of a GitHub workflow command: as its message, and `:` and `,` too."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def json_text(document: str) -> str:
    r"""A JSON document, as `json.dumps` wrote it, that any reader and any terminal takes.

    Its values read back as they were, but for lone surrogates, which are not
    Unicode: an undecodable byte of a file name becomes the text \xNN, any
    other surrogate the text \uNNNN.  C1 controls, bidi and line-breaking
    characters, and the `#` of `##[`, are written as JSON escapes, so that
    the document shown on a terminal or in a CI log can neither reorder nor
    command it.  Outside its strings a JSON document holds none of these
    characters: only the contents of strings change.
    """
    document = _SURROGATE.sub(lambda m: "\\" + _code(m.group()), document)
    document = _JSON.sub(lambda m: _json_escape(m.group()), document)
    return _OLD_COMMAND.sub(r"\\u0023", document)


def _json_escape(char: str) -> str:
    """One character as a JSON escape: beyond the BMP, a surrogate pair (RFC 8259 §7)."""
    point = ord(char)
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def visible(value: object) -> object:
    """A string for the HTML page, with the characters that could disguise it as escapes.

    Lone surrogates and the characters HTML forbids are escapes too, so the
    page is always UTF-8 and well formed.  The string comes back HTML-escaped,
    as markup, with a `:` at the start of a line and the `#` of `##[` written
    as character references: the page printed in a CI log starts no workflow
    command, and reads the same in a browser.  Anything else (and markup the
    page made itself) is returned unchanged.
    """
    if not isinstance(value, str) or hasattr(value, "__html__"):
        return value
    from markupsafe import Markup  # jinja2's, imported with the page
    from markupsafe import escape as html_escape

    html = _OLD_COMMAND.sub("&#35;", str(html_escape(_page_escapes(value))))
    return Markup(_PAGE_COMMAND_START.sub(r"\1\2&#58;", html))  # noqa: S704 - escaped above
