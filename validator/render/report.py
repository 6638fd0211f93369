"""The report of a run written out: in the format asked, to a stream that may refuse it.

Standard output may be closed (`validate >&-`), full (ENOSPC) or failing
(EIO): `StandardOutput` raises `Unwritable` for these, apart from any failure
of the tool, so that the command exits 2 with one line, not an "internal
error".  A broken pipe stays itself: the reader went away (`validator.cli`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from validator.results import Report


class Stream(Protocol):
    """Where a report goes: a text buffer, or `StandardOutput`."""

    def write(self, text: str, /) -> object:
        """Write `text`."""

    def flush(self) -> None:
        """Write out what is buffered."""

    def isatty(self) -> bool:
        """Whether it is a terminal (the text format is coloured there)."""


class Unwritable(Exception):  # noqa: N818 - it names what standard output is, as ENOSPC does
    """Standard output refuses what the command writes: its reason is the message."""


@contextlib.contextmanager
def _refused() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise Unwritable(error.strerror or str(error)) from error


class StandardOutput:
    """`sys.stdout` as a `Stream` whose failures to write are raised as `Unwritable`.

    Made before the run, so that a closed standard output is said before
    the work whose report would go nowhere.
    """

    def __init__(self) -> None:
        """Standard output as it is now; raises `Unwritable` if it is closed."""
        if sys.stdout is None:  # closed when the command started
            raise Unwritable("it is closed")
        self._out = sys.stdout

    def write(self, text: str, /) -> None:
        """Write `text`; raises `Unwritable` if standard output refuses it."""
        with _refused():
            self._out.write(text)

    def flush(self) -> None:
        """Flush now: at the interpreter's exit a failure would escape every handler."""
        with _refused():
            self._out.flush()

    def isatty(self) -> bool:
        """Whether standard output is a terminal."""
        return self._out.isatty()


def discard_standard_output() -> None:
    """Point standard output's descriptor at the null device.

    What is left in its buffers is flushed at exit, and would fail again
    there (a broken pipe, a full disk) with a message and exit code 120.
    """
    with contextlib.suppress(AttributeError, OSError, ValueError):  # None, or no descriptor
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def tool_version() -> str:
    """The installed textevents version, or "unknown" outside an installed package."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("textevents")
    except PackageNotFoundError:
        return "unknown"


def write_lines(out: Stream, lines: Iterable[str]) -> None:
    """Write each line and its line break (a thousand lines a write: a write costs a guard)."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == 1000:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")


def write_report(out: Stream, result: Report, report_format: str, *, quiet: bool = False,
                 statistics: bool = False, max_findings: int | None = None,
                 max_per_rule: int | None = None) -> None:
    """Write the report of `result` in `report_format`, then flush `out`.

    The options are the command's: `max_findings` limits the findings shown
    (the summary counts all), `max_per_rule` those of one rule in one file
    (text format), `statistics` counts findings per rule instead (text).
    """
    from validator import registry
    from validator.render import documents, github, text

    findings = result.findings
    shown = findings if max_findings is None else findings[:max_findings]
    hidden = len(findings) - len(shown)
    if report_format == "html":
        from validator.render.html import html_page

        out.write(html_page(result, tool_version=tool_version(), max_findings=max_findings))
    elif report_format == "json":
        from validator.recall import by_article

        out.write(documents.json_document(
            findings, datasets=result.datasets, records=result.records,
            tool_version=tool_version(), schema_versions=registry.versions(),
            limit=max_findings, ignored=result.ignored, versions=result.versions,
            uncovered=by_article(result.seen)) + "\n")
    elif report_format == "sarif":
        out.write(documents.sarif_document(
            findings, datasets=result.datasets, records=result.records,
            tool_version=tool_version(), schema_versions=registry.versions(),
            limit=max_findings, ignored=result.ignored, versions=result.versions) + "\n")
    elif report_format == "github":
        if not quiet:
            write_lines(out, github.github_lines(shown, result.ignored, hidden))
    else:
        if statistics and not quiet:
            write_lines(out, text.statistics_lines(findings))
        elif not quiet:
            colour = out.isatty() and "NO_COLOR" not in os.environ
            write_lines(out, text.text_lines(shown, colour=colour, per_rule=max_per_rule))
            if hidden:
                out.write(f"… {hidden} more finding{'s' * (hidden != 1)} not shown "
                          "(--max-findings)\n")
        if not quiet and (checked := text.versions_line(result.versions)):
            out.write(checked + "\n")
        out.write(text.summary(result.datasets, result.records, findings, result.ignored,
                               result.beside) + "\n")
    out.flush()
