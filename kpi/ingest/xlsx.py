"""XLSX import sources: copy the cells a worksheet really has into a private CSV, same row numbers."""

import atexit
import contextlib
import csv
import dataclasses
import fcntl
import os
import shutil
import stat
import tempfile
import threading
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from kpi.ingest.source import MAX_CELL_CHARS, MAX_COLUMNS, Source, SourceError, unique_headers

# A sheet's <dimension> is never trusted (a 1.6 KB file can declare A1:XFD1048576): the caps
# apply to the cells that exist. Columns share the CSV cap; rows stop at Excel's own limit,
# since a higher row number was not written by a spreadsheet.
MAX_ROWS = 1_048_576


class _Counting:
    """The sheet's XML stream, counting the bytes read so far (progress without a row count)."""

    def __init__(self, stream):
        self.stream = stream
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.read_bytes += len(data)
        return data


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_rows(book, ws, progress) -> Iterator[tuple[int, dict[int, str]]]:
    """(row number, {column: text}) for each row element, only cells with a value, in order.

    openpyxl's iter_rows pads every row to the declared width and silently drops rows whose
    number goes backwards; its parser (the one iter_rows uses, openpyxl 3.1.5 is pinned) does
    neither, so the caps are checked before anything is padded.
    """
    total = book._archive.getinfo(ws._worksheet_path).file_size or 1
    previous = 0
    with ws._get_source() as raw:
        stream = _Counting(raw)
        parser = WorkSheetParser(
            stream,
            ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number <= previous or number > MAX_ROWS:
                key = "xlsx_row_order" if number <= previous else "xlsx_rows"
                raise SourceError(key, row=number, previous=previous, limit=MAX_ROWS)
            previous = number
            texts = {c["column"]: _cell_text(c["value"]) for c in cells}
            texts = {column: text for column, text in texts.items() if text}
            widest = max(texts, default=0)
            if widest > MAX_COLUMNS:
                raise SourceError(
                    "xlsx_columns", row=number, column=get_column_letter(widest), limit=MAX_COLUMNS
                )
            if progress and number % 5000 == 0:
                progress(min(stream.read_bytes / total, 1.0))
            yield number, texts


def _write_sheet(rows, writer) -> tuple[list[str], int, list[int]]:
    """Write the header and the data rows; returns (headers, header row, blank rows between).

    Blank rows are not written (a row of empty cells would be refused as missing its ID, and
    padding a row at 1,048,576 would write gigabytes): the reader is told their numbers, so
    line numbers still match the sheet. Blank rows after the last data row are not records.
    """
    headers: list[str] | None = None
    header_line = written = 0
    blanks: list[int] = []
    for number, texts in rows:
        if headers is None:
            if any(len(text) > MAX_CELL_CHARS for text in texts.values()):
                raise SourceError("bad_header", limit=MAX_CELL_CHARS)
            if texts:
                headers = unique_headers([texts.get(c, "") for c in range(1, max(texts) + 1)])
                header_line = written = number
                writer.writerow(headers)
            continue
        record = [texts.get(c, "") for c in range(1, len(headers) + 1)]
        if not any(record):
            continue
        blanks.extend(range(written + 1, number))
        # An oversized cell goes on cut just past the limit: the import rejects it with its
        # row, and a 200 MB value is never copied.
        writer.writerow([text[: MAX_CELL_CHARS + 1] for text in record])
        written = number
    if headers is None:
        raise SourceError("empty_sheet")
    return headers, header_line, blanks


def _worksheet(book, path: Path, sheet: str | None):
    if sheet and sheet not in book.sheetnames:
        raise SourceError("no_sheet", path=str(path), sheet=sheet, valid=", ".join(book.sheetnames))
    return book[sheet] if sheet else book.worksheets[0]


def _convert(path: Path, sheet: str | None, progress) -> Source:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SourceError("bad_xlsx", path=str(path), detail=str(exc)[:200]) from None
    try:
        ws = _worksheet(book, path, sheet)
        handle, name = tempfile.mkstemp(suffix=".csv", dir=work_folder())
        out = Path(name)
        try:
            with open(handle, "w", encoding="utf-8", newline="") as stream:
                headers, header_line, blanks = _write_sheet(
                    _sheet_rows(book, ws, progress), csv.writer(stream)
                )
        except BaseException:  # a stopped page (Streamlit stops a rerun) leaves no CSV either
            out.unlink(missing_ok=True)
            raise
    except SourceError as error:
        if error.code == "empty_sheet":
            raise SourceError("empty", path=str(path)) from None
        error.params.setdefault("path", str(path))
        raise
    except Exception as exc:  # a damaged sheet fails part-way: say so, in one line
        raise SourceError("bad_xlsx", path=str(path), detail=str(exc)[:200]) from None
    finally:
        book.close()
    return Source(
        path=out,
        headers=headers,
        delimiter=",",
        encoding="utf-8",
        skip=1,
        header_line=header_line,
        kind="xlsx",
        cleanup=[out],
        blank_rows=blanks,
    )


# --- Where the CSVs live, and who removes them ------------------------------------------------
# Each process writes into its own folder and holds an exclusive lock on `<folder>.lock` for as
# long as it lives. A killed process cannot clean up, but the kernel drops its lock: whoever
# can take a folder's lock knows its owner is gone and removes what it left. (Comparing ages
# with the running process would delete a live server's CSVs when a CLI import starts.)

_own_folders: dict[Path, Path] = {}
_folders_lock = threading.Lock()


def conversion_root() -> Path:
    """The private folder (0700, this user's) under the system temp folder."""
    root = Path(tempfile.gettempdir()) / f"brujula-xlsx-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        root.mkdir(mode=0o700)
    info = root.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise SourceError("xlsx_workdir", folder=str(root))
    return root


def remove_leftovers(root: Path) -> list[Path]:
    """Remove the folders of processes that died without cleaning up; returns them."""
    removed = []
    for lock_path in root.glob("*.lock"):
        try:
            fd = os.open(lock_path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # its process is alive (ours included: flock is per open file)
        else:
            folder = lock_path.with_suffix("")
            shutil.rmtree(folder, ignore_errors=True)
            lock_path.unlink(missing_ok=True)
            removed.append(folder)
        finally:
            os.close(fd)
    return removed


def work_folder() -> Path:
    """This process's folder for temporary CSVs; the first call also removes leftovers."""
    root = conversion_root()
    with _folders_lock:
        if root in _own_folders:
            return _own_folders[root]
        remove_leftovers(root)
        token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        # Locked before it gets its name, so no cleaner ever sees it unlocked.
        fd, pending = tempfile.mkstemp(dir=root, prefix=".new-")
        fcntl.flock(fd, fcntl.LOCK_EX)  # held (fd never closed) until this process ends
        os.replace(pending, root / f"{token}.lock")
        folder = root / token
        folder.mkdir(mode=0o700)
        atexit.register(shutil.rmtree, folder, True)
        _own_folders[root] = folder
        return folder


# --- One conversion per upload -----------------------------------------------------------------
# The Importar page reads an upload's headers, sample and rows on every rerun: for a kept file
# each sheet is converted once and reused until the page releases it.

_kept: dict[Path, tuple[threading.Lock, dict[str | None, Source | SourceError]]] = {}
_kept_lock = threading.Lock()


def keep(path: Path | str) -> None:
    """Convert `path` at most once per sheet from now on, until release(path)."""
    with _kept_lock:
        _kept.setdefault(Path(path).resolve(), (threading.Lock(), {}))


def release(path: Path | str) -> None:
    """Forget the kept conversions of `path` and delete their CSVs."""
    with _kept_lock:
        _lock, sources = _kept.pop(Path(path).resolve(), (None, {}))
    for source in sources.values():
        if isinstance(source, Source):
            source.close()


def xlsx_to_csv(path: Path, sheet: str | None = None, progress=None) -> Source:
    """The first (or named) worksheet as a UTF-8 CSV whose records keep the sheet's row numbers."""
    with _kept_lock:
        kept = _kept.get(Path(path).resolve())
    if kept is None:
        return _convert(path, sheet, progress)
    lock, sources = kept
    with lock:
        if sheet not in sources:
            try:
                sources[sheet] = _convert(path, sheet, progress)
            except SourceError as error:  # a refused workbook is not read again either
                sources[sheet] = error
        found = sources[sheet]
    if isinstance(found, SourceError):
        raise SourceError(found.code, **found.params)
    # The caller's close() must not delete a CSV the page will read again.
    return dataclasses.replace(found, cleanup=[])
