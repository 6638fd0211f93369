"""Writing the export's tables as they stream: CSV (standard library) or Parquet (pyarrow).

Each table is one file, written a batch of rows at a time, so memory holds
one batch a table whatever the corpus.  The files go into a new folder beside
the target, renamed into place once every one is whole: a failed or
interrupted export leaves nothing under the target's name.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from validator.authoring.files import folder_mode
from validator.findings import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from validator.export.tables import Column, Row

BATCH_ROWS = 10_000  # rows a table holds before they are written (Parquet: one row group)


class TableWriter(Protocol):
    """A table being written: rows in, then closed."""

    def write(self, row: Row) -> None:
        """Add one row."""

    def close(self) -> None:
        """Write what is left and close the file."""


class CsvTable:
    """A CSV file with a header: UTF-8, LF line ends, empty for no value."""

    def __init__(self, path: Path, columns: tuple[Column, ...]) -> None:
        """Open `path` and write the header."""
        self._file = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow([column.name for column in columns])

    def write(self, row: Row) -> None:
        """Add one row (booleans as true/false, as Frictionless and DuckDB read them)."""
        self._writer.writerow(["true" if value is True else "false" if value is False
                               else value for value in row])

    def close(self) -> None:
        """Close the file."""
        self._file.close()


class ParquetTable:
    """A Parquet file, one row group a batch, with a fixed schema (pyarrow)."""

    def __init__(self, path: Path, columns: tuple[Column, ...]) -> None:
        """Open `path` with the columns' Arrow types."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(),
                 "date": pa.date32()}
        self._pa = pa
        self._schema = pa.schema([(column.name, types[column.type]) for column in columns])
        self._dates = frozenset(index for index, column in enumerate(columns)
                                if column.type == "date")
        self._writer = pq.ParquetWriter(path, self._schema)
        self._rows: list[Row] = []

    def write(self, row: Row) -> None:
        """Add one row; a full batch is written as a row group."""
        self._rows.append(row)
        if len(self._rows) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            columns: list[tuple[Any, ...]] = list(zip(*self._rows, strict=True))
            # ISO strings the schema made calendar dates (year 0000: left out, date-year-zero)
            for index in self._dates:
                columns[index] = tuple(None if value is None else dt.date.fromisoformat(value)
                                       for value in columns[index])
            self._writer.write_table(self._pa.Table.from_arrays(
                [self._pa.array(values, type=field.type)
                 for values, field in zip(columns, self._schema, strict=True)],
                schema=self._schema))
            self._rows = []

    def close(self) -> None:
        """Write the last batch and the file's footer."""
        self._flush()
        self._writer.close()


FORMATS: dict[str, type[CsvTable | ParquetTable]] = {"csv": CsvTable,
                                                          "parquet": ParquetTable}


def check_format(name: str) -> None:
    """Raise `UsageError` if `name` is not a format, or its library is missing."""
    if name not in FORMATS:
        raise UsageError(f"--format {name!r}: choose one of {', '.join(FORMATS)}")
    if name == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401 - only whether it imports
        except ImportError:
            raise UsageError("--format parquet needs pyarrow: pip install pyarrow "
                             "(or export --format csv)") from None


def check_target(target: Path) -> Path:
    """The folder `target` would be made in; `UsageError` if it exists or that is no folder."""
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target}: exists; export writes a new folder (remove it, or "
                         "choose another --to)")
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise UsageError(f"{parent}: no such folder, for --to {target}")
    return parent


@contextlib.contextmanager
def new_folder(target: Path) -> Iterator[Path]:
    """A folder to fill, renamed to `target` when the block ends without an error.

    Raises `UsageError` if `target` exists or its parent is not a writable folder.
    """
    parent = check_target(target)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as error:
        raise UsageError(f"{parent}: cannot write there ({error.strerror})") from None
    try:
        work.chmod(folder_mode())  # mkdtemp makes it 0700: a folder as the umask makes one
        yield work
        # Refused if a file or a folder with files took the name meanwhile (an empty
        # folder is replaced: POSIX rename, no RENAME_NOREPLACE in the standard library).
        work.rename(target)
    except FileExistsError:
        shutil.rmtree(work, ignore_errors=True)
        raise UsageError(f"{target}: appeared during the export; nothing written") from None
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        if error.errno in {39, 66}:  # ENOTEMPTY (Linux, BSD): a non-empty folder appeared
            raise UsageError(f"{target}: appeared during the export; nothing written") \
                from None
        raise
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def open_tables(folder: Path, tables: dict[str, tuple[Column, ...]],
                form: str) -> dict[str, TableWriter]:
    """One writer a table, its file `<table>.<form>` in `folder`."""
    return {name: FORMATS[form](folder / f"{name}.{form}", columns)
            for name, columns in tables.items()}

