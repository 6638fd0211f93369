"""The `validate` command: arguments -> run -> output -> exit code; nothing else.

Exit codes: 0 valid; 1 findings of severity error (or warnings with
--strict); 2 usage error, a report that cannot be written (standard output
closed or full, say) or a failure of the tool itself; 130 on Ctrl-C
(SIGINT), 143 on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from validator.render.report import (
    StandardOutput,
    Unwritable,
    discard_standard_output,
    write_lines,
    write_report,
)
from validator.render.report import tool_version as _tool_version

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from validator.output_file import OutputTarget
    from validator.results import Report

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class _Parser(argparse.ArgumentParser):
    """The command's parser: its error line on stderr escapes what the arguments hold."""

    def error(self, message: str) -> NoReturn:
        from validator.escaping import one_line

        super().error(one_line(message))  # an argument may hold a line break or '##['


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="validate",
        description="Check textevents datasets: descriptor, tables, records, references "
                    "and evidence, in one run.",
        epilog="Exit codes: 0 valid, 1 errors found (or warnings with --strict), "
               "2 usage error or tool failure, 130 interrupted, 143 terminated (SIGTERM).")
    parser.add_argument("paths", nargs="*", metavar="PATH", default=None,
                        help="a folder of datasets (searched recursively), a dataset folder, "
                             "a datapackage.json, or a file inside a dataset (its dataset is "
                             "checked, once however many of its files are named); "
                             "default: datasets/")
    parser.add_argument("--format", choices=("text", "json", "github", "sarif", "html"),
                        default="text",
                        help="output format (default: text); sarif is a SARIF 2.1.0 log for "
                             "code scanning; html is one page with each article's cited spans "
                             "highlighted beside their records")
    parser.add_argument("--output", "-o", metavar="FILE", default=None,
                        help="write the report to FILE, in UTF-8, instead of standard output "
                             "(not inside a PATH or a dataset the run reads: input never changes)")
    parser.add_argument("--skip-outside", action="store_true",
                        help="skip a file PATH that lies in no dataset instead of refusing it; "
                             "with no PATH left, the run is empty and passes (for a pre-commit "
                             "hook, which passes every changed file)")
    parser.add_argument("--alone", action="store_true",
                        help="check record ids and links only among the datasets named, not "
                             "also against the datasets beside them in their folders")
    parser.add_argument("--list-rules", action="store_true",
                        help="print the rule catalogue and exit (docs/rules.md; the "
                             "codebook, docs/codebook.md, says which coding rule each checks)")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument("--ignore", action="append", metavar="RULE[,RULE]", default=[],
                        help="do not check these rules, named by code or by layer "
                             "(references, evidence, meaning); repeatable. Warnings and those "
                             "layers' rules can be ignored; every report names them")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", default=None,
                        help="processes that check records (default: all cores; with "
                             "--scheduler, the cluster's worker threads); "
                             "the findings are the same for any N")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the checks on a Dask cluster: its scheduler's address "
                             "(tcp://host:8786), or 'config' for Dask's configured one "
                             "(DASK_SCHEDULER_ADDRESS); every worker must see the datasets at "
                             "the same paths. Needs dask[distributed]; the findings are the "
                             "same as one process's")
    parser.add_argument("--scheduler-timeout", type=float, metavar="SECONDS", default=10.0,
                        help="how long to wait for the scheduler to answer (default: 10)")
    parser.add_argument("--max-findings", type=int, metavar="N", default=None,
                        help="print at most N findings (the summary still counts all)")
    parser.add_argument("--max-per-rule", type=int, metavar="N", default=5,
                        help="text format: print at most N findings of one rule in one file, "
                             "then one line counting the rest (default: 5; 0: no limit)")
    parser.add_argument("--statistics", action="store_true",
                        help="print, instead of each finding, how many findings each rule "
                             "gave and in how many files (text format)")
    parser.add_argument("--quiet", action="store_true",
                        help="print only the summary line (text) or nothing (github)")
    parser.add_argument("--version", action="store_true",
                        help="print the validator and schema versions and exit")
    parser.add_argument("--debug", action="store_true",
                        help="show a traceback when the tool itself fails")
    return parser


@contextlib.contextmanager
def _progress(stream: TextIO) -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on stderr, only on a terminal and never in CI logs or pipes.

    A dataset's name is shown as text, never read as rich markup (`[link=…]`),
    and escaped as a line of a log: no escape sequence reaches the terminal.
    """
    if not stream.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
    )

    from validator.escaping import one_line

    console = Console(file=stream)
    # By bytes read: one large file moves the bar as its chunks are done.
    bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                   TaskProgressColumn(), DownloadColumn(), console=console, transient=True)
    task = bar.add_task("checking", total=None)

    def show(done: int, total: int, dataset: str) -> None:
        bar.update(task, completed=done, total=total,
                   description=f"checking {one_line(dataset)}")

    with bar:
        yield show


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that the run unwinds.

    The workers are ended and a report half written is removed; not an
    Exception, so that no handler of failures catches it.
    """


def _terminated(_signal: int, _frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises `Terminated` in the main thread while the command runs."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler (main() called from a thread)
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def console() -> int:
    """`main`, as the validate command's own process (console script, python -m validator)."""
    # Its modules' objects live to its end: frozen out of the collector's walks (they
    # took 50 ms of 2,000 small datasets, then 22), and shared by forked workers.
    gc.freeze()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    try:
        with _sigterm_unwinds():
            return _main(sys.argv[1:] if argv is None else list(argv))
    except KeyboardInterrupt:
        sys.stderr.write("validate: interrupted\n")
        return EXIT_INTERRUPTED
    except Terminated:
        sys.stderr.write("validate: terminated\n")
        return EXIT_TERMINATED
    except BrokenPipeError:
        # The reader went away (`validate | head -1`): stop quietly, without a traceback.
        discard_standard_output()
        return EXIT_FINDINGS
    except Unwritable as error:
        # Closed, or a full disk: no finding, and no bug of the tool either.
        _error_line(f"cannot write the report to standard output: {error}")
        discard_standard_output()
        return EXIT_USAGE


def _main(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    if _option_after_the_marker(argv, parser):
        return EXIT_USAGE
    from validator import registry
    from validator.render import documents, text

    if args.version or args.list_rules:
        stdout = StandardOutput()
        if args.version:
            schemas = ", ".join(registry.versions())
            stdout.write(f"textevents {_tool_version()} (schema {schemas})\n")
        elif args.format == "json":
            stdout.write(documents.rules_json() + "\n")
        else:
            write_lines(stdout, text.rules_text())
        stdout.flush()
        return EXIT_OK
    if (misuse := _misuse(args)) is not None:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"validate: {misuse}\n")
        return EXIT_USAGE
    from validator.findings import UsageError
    from validator.reading.discovery import in_no_dataset

    paths = args.paths or ["datasets"]
    buffer = io.StringIO()  # the report for --output, written once it is whole
    try:
        if args.skip_outside:
            paths = [path for path in paths if not in_no_dataset(path)]
        target = _output_file(args.output, paths, alone=args.alone)
        out = buffer if target else StandardOutput()  # closed: said before the run
        ignore = [code.strip() for value in args.ignore for code in value.split(",")
                  if code.strip()]
        result = _run(paths, args.jobs, ignore, alone=args.alone, scheduler=args.scheduler,
                      timeout=args.scheduler_timeout,
                      recall=args.format in {"json", "html"}) if paths \
            else _empty_report(ignore)
        write_report(out, result, args.format, quiet=args.quiet, statistics=args.statistics,
                     max_findings=args.max_findings, max_per_rule=args.max_per_rule or None)
    except UsageError as error:
        _error_line(str(error))  # it may name a PATH: any folder name a dataset holds
        return EXIT_USAGE
    except (BrokenPipeError, Unwritable):
        raise  # standard output went away or refuses the report: see main
    except Exception as error:
        if args.debug:
            raise
        _error_line(f"internal error: {type(error).__name__}: {error}")
        sys.stderr.write("validate: run with --debug for a traceback, and please report it\n")
        return EXIT_USAGE
    if target and not _write_file(target, buffer.getvalue(), args.output):
        return EXIT_USAGE
    return EXIT_OK if result.ok(strict=args.strict) else EXIT_FINDINGS


def _misuse(args: argparse.Namespace) -> str | None:
    """Why the arguments are a usage error that the parser lets through, or None."""
    if args.jobs is not None and args.jobs < 1:
        return "--jobs must be 1 or more"
    if not args.scheduler_timeout > 0:  # also refuses nan
        return "--scheduler-timeout must be more than 0"
    for option, value in (("--max-findings", args.max_findings),
                          ("--max-per-rule", args.max_per_rule)):
        if value is not None and value < 0:
            return f"{option} must be 0 or more"
    if args.statistics and args.format != "text":
        return f"--statistics is for the text format, not {args.format}"
    # Path("") is the current folder: an empty argument is a slip (an unset variable).
    if "" in (args.paths or []):
        return "'': an empty path names nothing"
    if args.output == "":
        return "--output '': an empty path names nothing"
    return None


def _option_after_the_marker(argv: list[str], parser: argparse.ArgumentParser) -> bool:
    """Whether an argument after `--` looks like an option and names nothing (said so).

    After `--` every argument is a PATH, as pre-commit's file names must be (a
    file named `--list-rules` is checked, not obeyed): one that names nothing
    and starts with '-' is an option put in the wrong place, refused by name.
    """
    after = argv[argv.index("--") + 1:] if "--" in argv else []
    misplaced = next((raw for raw in after
                      if raw.startswith("-") and not os.path.lexists(raw)), None)
    if misplaced is None:
        return False
    parser.print_usage(sys.stderr)
    _error_line(f"{misplaced}: after --, every argument is a path, and no such file or "
                "folder exists; options go before -- (in a pre-commit config, in the hook's "
                "entry, not its args)")
    return True


def _error_line(message: str) -> None:
    """One line on stderr, whatever the message quotes: see `validator.escaping.one_line`."""
    from validator.escaping import one_line

    sys.stderr.write(f"validate: {one_line(message)}\n")


def _empty_report(ignore: list[str]) -> Report:
    from validator.engine.run import rules_to_ignore
    from validator.results import Report

    # The same refusals as a run's, with no file to check.
    return Report((), 0, 0, tuple(sorted(rules_to_ignore(ignore))))


def _output_file(output: str | None, paths: list[str], *, alone: bool) -> OutputTarget | None:
    """The file to write the report to, refused if it lies in what the run reads.

    The datasets beside too, unless `alone`; or a link there: see `validator.output_file`.
    """
    from validator.engine.beside import datasets_beside
    from validator.output_file import output_target
    from validator.reading.discovery import discover

    if output is None:
        return None
    locations = discover(paths)[0] if paths else []  # a file PATH stands for its dataset
    read = [*locations, *([] if alone else datasets_beside(locations))]
    return output_target(output, [*((path, Path(path)) for path in paths if Path(path).is_dir()),
                                  *((location.display, location.root) for location in read)])


def _write_file(target: OutputTarget, report: str, output: str) -> bool:
    """Write the report to its file, whole or not at all; False (said why) if it failed.

    A failure, SIGINT or SIGTERM leaves the previous file as it was.
    """
    from validator.output_file import write_atomically

    try:
        write_atomically(target, report.encode("utf-8"))
    except (OSError, UnicodeEncodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid UTF-8"
        _error_line(f"cannot write {output}: {reason or error}")
        return False
    return True


def _run(paths: list[str], jobs: int | None, ignore: list[str], *, alone: bool = False,
         scheduler: str | None = None, timeout: float = 10.0, recall: bool = True) -> Report:
    """The run, here or on a Dask cluster.

    `recall` keeps what spans cite, for the formats that show the recall aid.
    """
    from validator.engine.run import validate

    if scheduler is None:
        with _progress(sys.stderr) as progress:
            return validate(paths, progress=progress, jobs=jobs or os.cpu_count() or 1,
                            ignore=ignore, alone=alone, recall=recall)
    from validator.engine.cluster import dask_map

    with dask_map(scheduler, timeout) as (mapper, threads), _progress(sys.stderr) as progress:
        return validate(paths, progress=progress, jobs=jobs or threads, mapper=mapper,
                        ignore=ignore, alone=alone, recall=recall)
