"""XLSX import sources: copy a worksheet into a temporary UTF-8 CSV with the same row numbers."""

import csv
import tempfile
from datetime import date, datetime, time
from pathlib import Path

import openpyxl

from kpi.ingest_source import Source, SourceError, _unique_headers


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


def xlsx_to_csv(path: Path, sheet: str | None = None, progress=None) -> Source:
    """Copy the first (or named) worksheet into a temporary UTF-8 CSV with the same row numbers."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SourceError("bad_xlsx", path=str(path), detail=str(exc)[:200]) from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise SourceError(
                "no_sheet", path=str(path), sheet=sheet, valid=", ".join(book.sheetnames)
            )
        ws = book[sheet] if sheet else book.worksheets[0]
        total = ws.max_row or 0
        with tempfile.NamedTemporaryFile(
            "w", suffix=".csv", prefix="brujula-xlsx-", delete=False, encoding="utf-8", newline=""
        ) as handle:
            out = Path(handle.name)
            writer = csv.writer(handle)
            headers: list[str] | None = None
            header_line = 0
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in row]
                if headers is None:
                    if not any(c.strip() for c in cells):
                        continue
                    while cells and not cells[-1].strip():
                        cells.pop()
                    headers, header_line = _unique_headers(cells), number
                    writer.writerow(headers)
                    continue
                # Blank rows keep their place so line numbers match the sheet.
                writer.writerow((cells + [""] * len(headers))[: len(headers)])
                if progress and total and number % 5000 == 0:
                    progress(number / total)
    finally:
        book.close()
    if headers is None:
        out.unlink(missing_ok=True)
        raise SourceError("empty", path=str(path))
    return Source(
        path=out,
        headers=headers,
        delimiter=",",
        encoding="utf-8",
        skip=1,
        header_line=header_line,
        kind="xlsx",
        cleanup=[out],
    )
