"""The `textevents` command: tools for coding a dataset by hand.

    textevents span ARTICLE QUOTE        the evidence span that cites QUOTE
    textevents new FOLDER --article F …  a new dataset around an article
    textevents rehash DATASET [--check]  the hashes again, after an edit
    textevents schema [VERSION]          the bundled record schema (--path, --tables,
                                         --profile, --folder, --catalog, --type, --list)
    textevents upgrade DATASET… [--to V] a dataset moved to a newer schema version
                                         (--check, --list-versions)
    textevents export DATASET… --to DIR  checked datasets as tidy tables (--format
                                         csv|parquet; docs/export.md)

Exit codes: 0 done; 1 `rehash --check` found hashes to update; 2 usage error
(the message says what to do), 130 interrupted.  `validate` checks datasets.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from validator.escaping import escape, one_line
from validator.findings import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
CONTRIBUTOR = "textevents contributor"  # what `new` writes when --contributor is not given


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textevents", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    span = commands.add_parser("span", help="print the evidence span that cites a quote")
    span.add_argument("article", type=Path, help="the article text (UTF-8, NFC)")
    span.add_argument("quote", help="the passage to cite, exactly as the article has it")
    span.add_argument("--source", help="the source id (default: the article's row in its "
                                       "dataset's sources table, else its file name)")
    span.add_argument("--occurrence", type=int, metavar="N",
                      help="which occurrence, counted from 1, when the quote occurs more than once")
    span.add_argument("--supports", metavar="POINTER",
                      help="the JSON Pointer of the field the span supports")
    new = commands.add_parser("new", help="start a dataset from an article")
    new.add_argument("folder", type=Path, help="the dataset folder to create (must not exist)")
    new.add_argument("--article", type=Path, required=True, help="the article text (UTF-8, NFC)")
    new.add_argument("--source-id", required=True, help="the article's id, e.g. voa-8008619")
    new.add_argument("--title", required=True, help="the article's headline")
    new.add_argument("--publisher", required=True, help="e.g. Voice of America")
    new.add_argument("--published", required=True, help="ISO 8601 date or date-time")
    new.add_argument("--url", default="")
    new.add_argument("--author", default="")
    new.add_argument("--language", default="en")
    new.add_argument("--license", required=True,
                     help="the article text's licence, e.g. 'public domain (US government work)'")
    new.add_argument("--dataset-title", help="default: the article's title")
    new.add_argument("--contributor", default=CONTRIBUTOR,
                     help="who codes the records (datapackage.json's contributors)")
    rehash = commands.add_parser("rehash", help="recompute a dataset's hashes after an edit")
    rehash.add_argument("dataset", type=Path, help="the dataset folder")
    rehash.add_argument("--check", action="store_true",
                        help="only say which hashes differ (exit 1 if any)")
    schema = commands.add_parser("schema", help="print a released schema, for other tools")
    schema.add_argument("version", nargs="?", help="a released version (default: the newest)")
    shown = schema.add_mutually_exclusive_group()
    shown.add_argument("--path", action="store_true",
                       help="print the path of the bundled record schema instead")
    shown.add_argument("--tables", action="store_true",
                       help="print the Table Schemas of the version's tables "
                            "(sources, actors; aliases from 1.3.0)")
    shown.add_argument("--profile", action="store_true",
                       help="print the JSON Schema of datapackage.json")
    shown.add_argument("--folder", action="store_true",
                       help="print the folder of the version's released files (for editors: "
                            "their $refs name sibling files)")
    shown.add_argument("--catalog", action="store_true",
                       help="print the path of the catalogue of every version's $ids "
                            "(SchemaStore's format)")
    shown.add_argument("--type", metavar="EVENT_TYPE", dest="event_type",
                       help="print the record schema of one record type, every $ref inlined "
                            "(for generators such as hypothesis-jsonschema)")
    shown.add_argument("--list", action="store_true", help="list the released versions")
    export = commands.add_parser("export", help="write checked datasets as tidy tables")
    export.add_argument("paths", nargs="+", metavar="DATASET",
                        help="datasets, or folders of them, as validate takes them")
    export.add_argument("--to", type=Path, required=True, metavar="DIR",
                        help="the folder to create (must not exist)")
    export.add_argument("--format", default="csv", help="csv (default) or parquet (pyarrow)")
    export.add_argument("--with-findings", action="store_true",
                        help="export datasets with errors too, leaving out the records that "
                             "fail their schema")
    upgrade = commands.add_parser("upgrade", add_help=False,
                                  help="move datasets to a newer schema version, losing no fact")
    upgrade.add_argument("arguments", nargs=argparse.REMAINDER,
                         help="see: textevents upgrade --help")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["upgrade"]:  # its own parser takes the rest, options first included
        return _upgrade(argparse.Namespace(arguments=arguments[1:]))
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except UsageError as error:
        # Messages name files and datasets, whose names may hold any character.
        sys.stderr.write(f"textevents {args.command}: {one_line(str(error))}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("textevents: interrupted\n")
        return EXIT_INTERRUPTED


def _span(args: argparse.Namespace) -> int:
    from validator.authoring.files import read_named
    from validator.authoring.scaffold import article_text
    from validator.authoring.span import evidence
    from validator.findings import Problem
    from validator.reading.discovery import enclosing_dataset
    from validator.reading.paths import read_regular_file

    root = enclosing_dataset(args.article, nearest=True)  # the sources table that lists it
    # By name, as the table gives paths: an article of a dataset is read as validate
    # reads it (no link followed, a regular file); one outside any, as the user names it.
    relative = Path(os.path.relpath(args.article, root)).as_posix() if root else None
    data = read_regular_file(root, relative) if root and relative else read_named(args.article)
    if isinstance(data, Problem):
        raise UsageError(f"{args.article}: {data.message}")
    source = args.source or (_source_id(root, relative) if root and relative
                             else args.article.stem)
    span = evidence(source, article_text(data), args.quote, args.occurrence, args.supports)
    sys.stdout.write(json.dumps(span, ensure_ascii=False) + "\n")
    return EXIT_OK


def _source_id(root: Path, relative: str) -> str:
    """The id of the sources row of the dataset at `root` whose path is `relative`."""
    import csv
    import io

    from validator.findings import Problem
    from validator.reading.paths import read_regular_file
    from validator.reading.text import decode_utf8

    data = read_regular_file(root, "sources.csv")
    if isinstance(data, Problem) and data.code == "resource-missing":
        return Path(relative).stem  # no table: no row lists it
    text = data if isinstance(data, Problem) else decode_utf8(data)
    if isinstance(text, Problem):
        raise UsageError(f"{root / 'sources.csv'}: {text.message}; give the source id "
                         "with --source, or run validate on the dataset")
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return next((row["id"] for row in rows if row.get("path") == relative and row.get("id")),
                Path(relative).stem)


def _new(args: argparse.Namespace) -> int:
    from validator.authoring.files import read_named
    from validator.authoring.scaffold import Source, create, dataset_files

    source = Source(args.source_id, args.title, args.publisher, args.published, args.url,
                    args.author, args.language, args.license)
    files = dataset_files(args.folder.name, args.dataset_title or args.title,
                          read_named(args.article), source, args.contributor)
    create(args.folder, files)
    sys.stdout.write(f"created {args.folder}: add records to events.jsonl and actors to "
                     f"actors.csv, then run: validate {args.folder}\n")
    # What it wrote that no option gave: the contributor and licence of the records.
    yours = " (give yours with --contributor)" if args.contributor == CONTRIBUTOR else ""
    sys.stdout.write(f"the records' licence is CC-BY-4.0 and their contributor "
                     f"{escape(args.contributor, 80)}{yours}: "
                     "edit datapackage.json to change them\n")
    return EXIT_OK


def _rehash(args: argparse.Namespace) -> int:
    from validator.authoring.hashes import apply, changes

    found = changes(args.dataset)
    for change in found:
        verb = "differs" if args.check else "updated"
        sys.stdout.write(one_line(f"{args.dataset / change.file}: hash of {change.path} "
                                  f"{verb}: {_whole(change.old)} -> {_whole(change.new)}") + "\n")
    if args.check:
        return EXIT_CHANGES if found else EXIT_OK
    apply(args.dataset, found)
    if not found:
        sys.stdout.write(f"{args.dataset}: every hash matches\n")
    return EXIT_OK


def _whole(digest: str) -> str:
    """A SHA-256 whole (two that differ late look alike cut short); a longer value cut."""
    return digest if len(digest) <= 64 else digest[:64] + "…"


def _schema(args: argparse.Namespace) -> int:
    from validator import registry
    from validator.bundling import BUNDLES, CATALOG, bundle_name, record_type_schema

    released = registry.versions()
    if args.list:
        sys.stdout.write("".join(f"{version}\n" for version in released))
        return EXIT_OK
    version = args.version or released[-1]
    if version not in released:
        raise UsageError(f"no released version {version!r}; released: {', '.join(released)}")
    path = registry.schema_root() / BUNDLES / bundle_name(version)
    if args.folder or args.catalog:
        shown = registry.schema_root() / (CATALOG if args.catalog else version)
        sys.stdout.write(f"{shown}\n")
        return EXIT_OK
    if args.path:
        sys.stdout.write(f"{path}\n")
        return EXIT_OK
    documents = registry.load(version)
    if args.event_type is not None:
        types = documents.codelists["event_type"].codes
        if args.event_type not in types:
            raise UsageError(f"no record type {args.event_type!r} in {version}; "
                             f"its types: {', '.join(types)}")
        value = record_type_schema(version, args.event_type)
        sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    elif args.tables:
        value = {table: documents.table_schema(table) for table in documents.tables}
        sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    elif args.profile:
        sys.stdout.write(json.dumps(documents.profile, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(path.read_text(encoding="utf-8"))
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from validator.export import export

    done = export(args.paths, args.to, args.format, with_findings=args.with_findings)
    counts = ", ".join(f"{table} {rows}" for table, rows in done.rows.items())
    shown = ", ".join(one_line(where) for where in done.left_out[:5]) \
        + (f" and {done.skipped - 5} more" if done.skipped > 5 else "")
    many = done.skipped != 1
    left = (f"; {done.skipped} record{'s' * many} left out, failing "
            f"{'their' if many else 'its'} schema: {shown} (links to "
            f"{'them' if many else 'it'} are kept)") if done.skipped else ""
    sys.stdout.write(f"exported {done.datasets} dataset{'s' * (done.datasets != 1)} to "
                     f"{done.folder}: rows {counts}{left}\n")
    return EXIT_OK


def _upgrade(args: argparse.Namespace) -> int:
    from validator import upgrade

    try:
        return upgrade.main(args.arguments, prog="textevents upgrade")
    except SystemExit as exit_:  # its own argument errors and --help
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE


_COMMANDS = {"span": _span, "new": _new, "rehash": _rehash, "schema": _schema,
             "upgrade": _upgrade, "export": _export}
