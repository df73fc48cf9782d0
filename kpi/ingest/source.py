"""Reading import sources: sniff encoding and delimiter, load rows as text (XLSX: ingest_xlsx)."""

import csv
import mmap
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpi.ingest.encoding import LATIN1, UTF8, UTF16, detect_encoding
from kpi.ingest.mapping import IngestError, delimiter_char

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
ENCODING_ALIASES = {
    "utf8": UTF8,
    "utf-8": UTF8,
    "utf-8-sig": UTF8,
    "latin-1": LATIN1,
    "latin1": LATIN1,
    "iso-8859-1": LATIN1,
    "iso8859-1": LATIN1,
    # DuckDB reads Latin-1 natively; Windows-1252 differs only in rarely used punctuation.
    "cp1252": LATIN1,
    "windows-1252": LATIN1,
    "utf-16": UTF16,
}
XLSX_MAGIC = b"PK\x03\x04"
# Limits of what an import reads, declared once. A record (a row, line breaks inside quotes
# included) longer than MAX_RECORD_BYTES is rejected with its line; the header must fit too.
MAX_RECORD_BYTES = 16 * 1024 * 1024
MAX_COLUMNS = 2_000  # HubSpot's "all properties" export, the widest seen, has ~700 columns
# Excel's own cell limit: a longer value in a mapped field was not typed by a person.
MAX_CELL_CHARS = 32_767
# Text decoded as Latin-1 that is really UTF-8: a lead byte and its continuation bytes.
UTF8_READ_AS_LATIN1 = (
    "[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}"
    "|[\u00f0-\u00f4][\u0080-\u00bf]{3}"
)


def megabytes(size: int) -> str:
    return f"{size / 2**20:g} MB"


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
    # Set when the file's lines disagree on the encoding: the minority's rows are refused.
    mixed_encoding: str | None = None
    # NUL bytes somewhere in the file (always assumed for UTF-16): their rows are refused.
    has_nul: bool = False
    # Lines that are blank but not in the file (a workbook's empty rows), when known already.
    blank_rows: list[int] | None = None
    # An odd number of quote characters: the file may end inside a quoted cell.
    odd_quotes: bool = False
    # Lines of text in the file (0 when unknown): more than the rows account for means a
    # quoted cell spans lines, or the file ends inside one.
    text_lines: int = 0

    def close(self) -> None:
        for path in self.cleanup:
            path.unlink(missing_ok=True)


def _decode_sample(head: bytes, encoding: str) -> str:
    if encoding == UTF16:
        return head.decode(UTF16, errors="ignore")
    text = head.decode("utf-8-sig" if encoding == UTF8 else encoding, errors="ignore")
    return text.lstrip("\ufeff")


def _sample_lines(text: str, complete: bool) -> list[str]:
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]
    return lines


def parsed_rows(reader: Iterable[list[str]]) -> Iterator[list[str] | None]:
    """The rows of a csv.reader; None for a row it refuses (a field over its size limit)."""
    rows = iter(reader)
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except csv.Error:
            yield None


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(lines[:200], delimiter=delimiter)
        rows = [row for row in parsed_rows(reader) if row is not None]
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


def _holds_header(head: bytes) -> bool:
    """Whether `head` holds the whole header line (after blank lines and a "sep=" line)."""
    text = head.lstrip(b"\r\n")
    end = text.find(b"\n")
    if end >= 0 and text[:4].lower() == b"sep=":
        end = text.find(b"\n", end + 1)
    return end >= 0


def _read_head(path: Path) -> tuple[bytes, bool]:
    """The sample, extended until it holds the header line; (bytes, whether it is the whole file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
            while not _holds_header(head):
                if len(head) > MAX_RECORD_BYTES:
                    raise SourceError(
                        "header_too_long", path=str(path), limit=megabytes(MAX_RECORD_BYTES)
                    )
                more = handle.read(len(head))
                if not more:
                    return head, True
                head += more
            return head, not handle.read(1)
    except FileNotFoundError:
        raise SourceError("not_found", path=str(path)) from None
    except (IsADirectoryError, PermissionError) as exc:
        raise SourceError("unreadable", path=str(path), detail=exc.strerror or str(exc)) from None


def _header_row(path: Path, line: str, delimiter: str) -> list[str]:
    row = next(parsed_rows(csv.reader([line], delimiter=delimiter)), None)
    if row is None:
        raise SourceError("bad_header", path=str(path), limit=MAX_CELL_CHARS)
    if len(row) > MAX_COLUMNS:
        raise SourceError("too_many_columns", path=str(path), count=len(row), limit=MAX_COLUMNS)
    return row


def sniff_csv(path: Path, delimiter: str | None = None, encoding: str | None = None) -> Source:
    """Encoding (decided on the whole file), delimiter and header of a text file."""
    head, complete = _read_head(path)
    if not head.strip():
        raise SourceError("empty", path=str(path))
    if encoding:
        encoding = ENCODING_ALIASES.get(encoding.lower())
        if encoding is None:
            raise SourceError("bad_encoding", path=str(path), valid="utf-8, latin-1, utf-16")
    found = detect_encoding(path, head, encoding)
    lines = _sample_lines(_decode_sample(head, found.name), complete)
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
    # A NUL in a data row refuses that row; in the header, the file is not text at all.
    if found.name != UTF16 and "\x00" in lines[0]:
        raise SourceError("binary", path=str(path))
    if delimiter:
        char = delimiter_char(delimiter)
        if char is None:
            raise SourceError("bad_delimiter", value=delimiter[:20])
        delimiter = char
    else:
        delimiter = _sniff_delimiter(lines)
    return Source(
        path=path,
        headers=_unique_headers(_header_row(path, lines[0], delimiter)),
        delimiter=delimiter,
        encoding=found.name,
        skip=skip + 1,
        header_line=skip + 1,
        mixed_encoding=found.minority,
        has_nul=found.has_nul,
        odd_quotes=found.odd_quotes,
        text_lines=found.text_lines,
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
        from kpi.ingest.xlsx import xlsx_to_csv  # openpyxl only when a workbook arrives

        return xlsx_to_csv(path, options.get("sheet"), progress)
    return sniff_csv(path, options.get("delimiter"), options.get("encoding"))


def blank_lines(source: Source) -> list[int]:
    """Line numbers of empty lines after the header: DuckDB skips them, the report must not."""
    if source.blank_rows is not None:
        return source.blank_rows
    if source.encoding == UTF16:
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

    Records longer than MAX_RECORD_BYTES, lines that are not in the file's encoding and a
    record whose quote never closes are malformed rows too. DuckDB's parallel reader drops an overlong record without a word (and
    splits a quoted one into rows), so the file is read by one thread, which reports it.
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
            "max_line_size = ?, parallel = false, "
            "store_rejects = true, rejects_table = 'raw_rejects', rejects_scan = 'raw_scans')",
            [
                str(source.path),
                source.delimiter,
                source.skip,
                columns,
                source.encoding,
                MAX_RECORD_BYTES,
            ],
        )
    except duckdb.Error as exc:
        raise SourceError(
            "unreadable", path=str(source.path), detail=str(exc).splitlines()[0]
        ) from None
    first = source.header_line + 1
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_bad AS SELECT line, "
        "CAST(min(error_type) AS VARCHAR) AS error_type, "
        "trim(min(coalesce(csv_line, '')), chr(10) || chr(13)) AS csv_line "
        "FROM raw_rejects GROUP BY line"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE raw_blank (line BIGINT)")
    blanks = blank_lines(source)
    if blanks:
        # One statement: executemany takes minutes for a file of a million blank lines.
        con.execute("INSERT INTO raw_blank SELECT unnest(?::BIGINT[])", [blanks])
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
    # Temporary tables number their rows from a large base; only the order matters here.
    base = con.execute("SELECT coalesce(min(rowid), 0) FROM raw_scan").fetchone()[0]
    if not con.execute("SELECT count(*) FROM raw_gaps WHERE at_row < ?", [good]).fetchone()[0]:
        # A view, not a copy: views take no parameters, and both numbers are integers.
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw AS SELECT CAST(rowid - {int(base)} AS BIGINT) "  # noqa: S608
            f"+ {int(first)} AS line, * FROM raw_scan"
        )
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw AS SELECT s.rownum + ? + coalesce(g.skipped, 0) "
            "AS line, s.* EXCLUDE (rownum) FROM (SELECT CAST(rowid - ? AS BIGINT) AS rownum, * "
            "FROM raw_scan) s ASOF LEFT JOIN raw_gaps g ON s.rownum >= g.at_row",
            [first, base],
        )
    if source.odd_quotes:
        _add_unclosed_quote(con, source, columns)
    else:
        _add_unclosed_quote_after_stray_quotes(con, source)
    return con.execute("SELECT count(*) FROM raw_bad").fetchone()[0], footer


def _add_unclosed_quote(con: duckdb.DuckDBPyConnection, source: Source, columns: dict) -> None:
    """Add to `raw_bad` the record whose quote never closes, if the file ends inside one.

    That record runs to the end of the file, and the one-thread reader drops it without a
    word; the parallel reader reports it. Only a file with an odd number of quote characters
    is read a second time, and only a report after every row the first read accounted for is
    taken (the parallel reader is not trusted with anything else).
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_quote_scan AS SELECT count(*) AS n FROM read_csv(?, "
        "delim = ?, quote = '\"', escape = '\"', header = false, skip = ?, auto_detect = false, "
        "columns = ?, encoding = ?, strict_mode = true, null_padding = false, parallel = true, "
        "store_rejects = true, rejects_table = 'raw_quote_rejects', "
        "rejects_scan = 'raw_quote_scans')",
        [str(source.path), source.delimiter, source.skip, columns, source.encoding],
    )
    con.execute(
        "INSERT INTO raw_bad SELECT line, 'UNCLOSED QUOTE', left(csv_line, ?) "
        "FROM raw_quote_rejects WHERE error_type = 'UNQUOTED VALUE' AND line > ? "
        "ORDER BY line LIMIT 1",
        [MAX_CELL_CHARS, _last_accounted_line(con)],
    )


def _last_accounted_line(con: duckdb.DuckDBPyConnection) -> int:
    """The last line the one-thread read accounted for: a row, a refusal or a blank line."""
    return con.execute(
        "SELECT coalesce(max(line), 0) FROM (SELECT line FROM raw UNION ALL SELECT line FROM "
        "raw_rejects UNION ALL SELECT line FROM raw_blank)"
    ).fetchone()[0]


def _add_unclosed_quote_after_stray_quotes(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Add to `raw_bad` the record whose quote never closes in a file with an even number of
    quote characters (a stray one in an unquoted cell, `27" screen`, evens the count).

    Only a file with more lines of text than the first read accounted for can hide one (a cell
    spanning lines is the usual other reason); Python's csv module, strict, then tells whether
    the file ends inside a quote, and on which line that record starts.
    """
    if source.text_lines <= _last_accounted_line(con):
        return
    start = _start_of_unclosed_record(source)
    if start is not None:
        con.execute("INSERT INTO raw_bad VALUES (?, 'UNCLOSED QUOTE', '')", [start])


def _start_of_unclosed_record(source: Source) -> int | None:
    """The text line where a record whose quote never closes starts, or None when the file
    does not end inside a quote (or is malformed otherwise: those rows are reported already)."""
    # Cells here may be as long as the file; the default limit (128 KB) would stop the read.
    csv.field_size_limit(sys.maxsize)
    with source.path.open(encoding=source.encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=source.delimiter, strict=True)
        end = 0
        try:
            for _row in reader:
                end = reader.line_num
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                return end + 1
    return None


def flag_rows(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """TEMP `raw_flagged` (line, column_name, value, reason): parsed rows that must be refused.

    A cell with a NUL byte, and in a Latin-1 file whose other lines are UTF-8, a cell that is
    UTF-8 (it would be stored as "JosÃ©"). The first such cell of each row is named. Nothing is
    scanned unless reading the file's bytes found a reason to.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE raw_flagged "
        "(line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)"
    )
    checks = []
    if source.has_nul:
        checks.append(("nul_byte", "contains(x, chr(0))"))
    if source.encoding == LATIN1 and source.mixed_encoding == UTF8:
        checks.append(("encoding_utf8", "regexp_matches(x, $pattern)"))
    cells = "[" + ", ".join(f"c{i}" for i in range(len(source.headers))) + "]"
    for reason, test in checks:
        con.execute(
            "INSERT INTO raw_flagged SELECT line, list_extract($headers, hit), "  # noqa: S608
            "replace(list_extract(cells, hit), chr(0), '\u2400'), $reason FROM ("
            f"SELECT line, {cells} AS cells, list_position(list_transform({cells}, "
            f"lambda x: coalesce({test}, false)), true) AS hit FROM raw) WHERE hit > 0",
            {"headers": source.headers, "reason": reason}
            | ({"pattern": UTF8_READ_AS_LATIN1} if "$pattern" in test else {}),
        )


def preview_rows(source: Source, limit: int = 20) -> list[list[str]]:
    """The first data rows as text, for showing what the file holds before mapping it."""
    if source.encoding == UTF16:
        opener = source.path.open("r", encoding="utf-16", newline="")
    else:
        enc = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
        opener = source.path.open("r", encoding=enc, errors="replace", newline="")
    with opener as handle:
        reader = csv.reader(handle, delimiter=source.delimiter)
        rows = []
        for number, row in enumerate(parsed_rows(reader)):
            if number < source.skip:
                continue
            # A row whose field is too long for the csv module shows as empty here; the import
            # itself reads it with DuckDB.
            rows.append(row or [])
            if len(rows) >= limit:
                break
    return rows
