"""Reading import sources: sniff encoding and delimiter, load rows as text (XLSX: ingest_xlsx)."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


def unique_headers(raw: list[str]) -> list[str]:
    """Header names without padding or BOM; an empty one is named after its position."""
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
        headers=unique_headers(_header_row(path, lines[0], delimiter)),
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
