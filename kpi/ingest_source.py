"""Reading import sources: sniff encoding and delimiter, load rows as text (XLSX: ingest_xlsx)."""

import codecs
import csv
import mmap
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpi.ingest_mapping import IngestError

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
ENCODING_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    # DuckDB reads Latin-1 natively; Windows-1252 differs only in rarely used punctuation.
    "cp1252": "latin-1",
    "windows-1252": "latin-1",
    "utf-16": "utf-16",
}
DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
XLSX_MAGIC = b"PK\x03\x04"


class SourceError(IngestError):
    """The input file cannot be read at all."""


@dataclass
class Source:
    """What sniffing found out about a file, enough to load it with DuckDB."""

    path: Path
    headers: list[str]
    delimiter: str
    encoding: str
    skip: int
    # 1-based line of the header, so row k (0-based) of the data is on line first_line + k.
    header_line: int = 1
    kind: str = "csv"
    cleanup: list[Path] = field(default_factory=list)

    def close(self) -> None:
        for path in self.cleanup:
            path.unlink(missing_ok=True)


def _detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(4 * 1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _decode_sample(head: bytes, encoding: str) -> str:
    if encoding == "utf-16":
        return head.decode("utf-16", errors="ignore")
    text = head.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="ignore")
    return text.lstrip("\ufeff")


def _sample_lines(text: str, complete: bool) -> list[str]:
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]
    return lines


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        rows = list(csv.reader(lines[:200], delimiter=delimiter))
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        body = [r for r in rows[1:] if r] or rows[:1]
        consistent = sum(len(r) == width for r in body) / len(body)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _unique_headers(raw: list[str]) -> list[str]:
    headers = []
    for i, name in enumerate(raw):
        name = name.strip().lstrip("\ufeff")
        headers.append(name or f"column_{i + 1}")
    return headers


def sniff_csv(path: Path, delimiter: str | None = None, encoding: str | None = None) -> Source:
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
            complete = not handle.read(1)
    except FileNotFoundError:
        raise SourceError("not_found", path=str(path)) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise SourceError("unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    if not head.strip():
        raise SourceError("empty", path=str(path))
    if encoding:
        encoding = ENCODING_ALIASES.get(encoding.lower())
        if encoding is None:
            raise SourceError("bad_encoding", path=str(path), valid="utf-8, latin-1, utf-16")
    else:
        encoding = _detect_encoding(path, head)
    if encoding != "utf-16" and b"\x00" in head:
        raise SourceError("binary", path=str(path))
    lines = _sample_lines(_decode_sample(head, encoding), complete)
    skip = 0
    while lines and not lines[0].strip():
        lines.pop(0)
        skip += 1
    # Excel writes a "sep=;" line before the header when asked to keep the delimiter.
    if lines and lines[0].lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter = delimiter or lines[0].strip()[4]
        lines.pop(0)
        skip += 1
    if not lines:
        raise SourceError("empty", path=str(path))
    if delimiter:
        delimiter = DELIMITER_ALIASES.get(delimiter.lower(), delimiter)
    else:
        delimiter = _sniff_delimiter(lines)
    header_row = next(csv.reader(lines[:1], delimiter=delimiter))
    return Source(
        path=path,
        headers=_unique_headers(header_row),
        delimiter=delimiter,
        encoding=encoding,
        skip=skip + 1,
        header_line=skip + 1,
    )


def open_source(path: Path | str, options: dict[str, str] | None = None, progress=None) -> Source:
    """Sniff `path` (CSV or XLSX, by content) using the mapping's [source] options as overrides."""
    path = Path(path)
    options = options or {}
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except FileNotFoundError:
        raise SourceError("not_found", path=str(path)) from None
    except OSError as exc:
        raise SourceError("unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    if magic == XLSX_MAGIC or path.suffix.lower() in (".xlsx", ".xlsm"):
        from kpi.ingest_xlsx import xlsx_to_csv  # openpyxl only when a workbook arrives

        return xlsx_to_csv(path, options.get("sheet"), progress)
    return sniff_csv(path, options.get("delimiter"), options.get("encoding"))


def blank_lines(source: Source) -> list[int]:
    """Line numbers of empty lines after the header: DuckDB skips them, the report must not."""
    if source.encoding == "utf-16":
        return []
    with source.path.open("rb") as handle:
        try:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:
            return []
        with data:
            if data.find(b"\n\n") < 0 and data.find(b"\n\r\n") < 0:
                return []
            lines, line, position = [], 1, 0
            for match in re.finditer(rb"\n(?=\r?\n)", data):
                line += data[position : match.start() + 1].count(b"\n")
                position = match.start() + 1
                if line > source.header_line:
                    lines.append(line)
            return lines


def load_raw(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[int, int]:
    """Load every row as text into TEMP `raw` (line, c0..cN); malformed rows go to `raw_bad`.

    Returns (malformed rows, footer lines). Lines count the header as line `header_line`, like
    a spreadsheet's row numbers (they equal the text line unless a quoted cell spans lines).
    Short rows after the last data row (a report's "Generated by…" footer) are not data: they
    are counted and reported, not rejected.
    """
    columns = {f"c{i}": "VARCHAR" for i in range(len(source.headers))}
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw_scan AS SELECT * FROM read_csv(?, delim = ?, "
            "quote = '\"', escape = '\"', header = false, skip = ?, auto_detect = false, "
            "columns = ?, encoding = ?, strict_mode = true, null_padding = false, "
            "store_rejects = true, rejects_table = 'raw_rejects', rejects_scan = 'raw_scans')",
            [str(source.path), source.delimiter, source.skip, columns, source.encoding],
        )
    except duckdb.Error as exc:
        raise SourceError(
            "unreadable", path=str(source.path), detail=str(exc).splitlines()[0]
        ) from None
    first = source.header_line + 1
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_bad AS SELECT line, min(error_type) AS error_type, "
        "trim(min(coalesce(csv_line, '')), chr(10) || chr(13)) AS csv_line "
        "FROM raw_rejects GROUP BY line"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE raw_blank (line BIGINT)")
    blanks = blank_lines(source)
    if blanks:
        con.executemany("INSERT INTO raw_blank VALUES (?)", [[n] for n in blanks])
    good = con.execute("SELECT count(*) FROM raw_scan").fetchone()[0]
    # Every line that is not a data row (malformed or blank) shifts the rows after it.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_gap_lines AS SELECT line, line - ? - "
        "(row_number() OVER (ORDER BY line) - 1) AS at_row, row_number() OVER (ORDER BY line) AS "
        "skipped FROM (SELECT line FROM raw_bad UNION SELECT line FROM raw_blank)",
        [first],
    )
    # Consecutive gaps share one data-row position: the row after them skips all of them.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_gaps AS SELECT at_row, max(skipped) AS skipped "
        "FROM raw_gap_lines GROUP BY at_row"
    )
    footer = con.execute(
        "DELETE FROM raw_bad WHERE error_type = 'MISSING COLUMNS' AND line IN "
        "(SELECT line FROM raw_gap_lines WHERE at_row >= ?)",
        [good],
    ).fetchone()[0]
    bad = con.execute("SELECT count(*) FROM raw_bad").fetchone()[0]
    # Temporary tables number their rows from a large base; only the order matters here.
    base = con.execute("SELECT coalesce(min(rowid), 0) FROM raw_scan").fetchone()[0]
    if not con.execute("SELECT count(*) FROM raw_gaps WHERE at_row < ?", [good]).fetchone()[0]:
        # A view, not a copy: views take no parameters, and both numbers are integers.
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw AS SELECT CAST(rowid - {int(base)} AS BIGINT) "  # noqa: S608
            f"+ {int(first)} AS line, * FROM raw_scan"
        )
        return bad, footer
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw AS SELECT s.rownum + ? + coalesce(g.skipped, 0) AS line, "
        "s.* EXCLUDE (rownum) FROM (SELECT CAST(rowid - ? AS BIGINT) AS rownum, * FROM raw_scan) s "
        "ASOF LEFT JOIN raw_gaps g ON s.rownum >= g.at_row",
        [first, base],
    )
    return bad, footer


def preview_rows(source: Source, limit: int = 20) -> list[list[str]]:
    """The first data rows as text, for showing what the file holds before mapping it."""
    if source.encoding == "utf-16":
        opener = source.path.open("r", encoding="utf-16", newline="")
    else:
        enc = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
        opener = source.path.open("r", encoding=enc, errors="replace", newline="")
    with opener as handle:
        reader = csv.reader(handle, delimiter=source.delimiter)
        rows = []
        for number, row in enumerate(reader):
            if number < source.skip:
                continue
            rows.append(row)
            if len(rows) >= limit:
                break
    return rows
