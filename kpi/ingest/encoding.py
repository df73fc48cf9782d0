"""An import file's encoding, decided on its whole content, and what else one read of its bytes
tells (NUL bytes, an odd number of quote characters, its number of text lines)."""

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK_BYTES = 4 * 1024 * 1024
UTF8, LATIN1, UTF16 = "utf-8", "latin-1", "utf-16"
HIGH_BYTES = bytes(range(0x80, 0x100))


@dataclass
class Encoding:
    """How to decode a file; `minority` is set when its lines disagree (their rows are refused).

    `odd_quotes`: the file may end inside a quoted cell (always assumed for UTF-16).
    `text_lines`: lines of text, counted by LF or CR, whichever is more (0 for UTF-16).
    """

    name: str
    minority: str | None = None
    has_nul: bool = False
    odd_quotes: bool = False
    text_lines: int = 0


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _utf8_and_high_bytes(chunk: bytes) -> tuple[int, int, int]:
    """(UTF-8 multi-byte characters, their bytes, bytes >= 0x80) of one chunk, vectorised.

    A character cut by the chunk's edge is missed; the counts only decide a majority.
    """
    data = np.frombuffer(chunk, dtype=np.uint8)
    size = len(data)
    leads = np.flatnonzero((data >= 0xC2) & (data <= 0xF4))
    chars = total = 0
    for width, low, high in ((2, 0xC2, 0xDF), (3, 0xE0, 0xEF), (4, 0xF0, 0xF4)):
        at = leads[(data[leads] >= low) & (data[leads] <= high) & (leads + width <= size)]
        whole = np.ones(len(at), dtype=bool)
        for offset in range(1, width):
            whole &= (data[at + offset] & 0xC0) == 0x80
        found = int(np.count_nonzero(whole))
        chars, total = chars + found, total + found * width
    return chars, total, size - len(chunk.translate(None, HIGH_BYTES))


def _majority(path: Path) -> Encoding:
    """A file that is not valid UTF-8: pure Latin-1, or a mix (whose majority wins)."""
    utf8_chars = utf8_bytes = high = 0
    for chunk in _chunks(path):
        chars, size, over = _utf8_and_high_bytes(chunk)
        utf8_chars, utf8_bytes, high = utf8_chars + chars, utf8_bytes + size, high + over
    if not utf8_chars:
        return Encoding(LATIN1)
    latin1_chars = high - utf8_bytes
    if utf8_chars >= latin1_chars:
        return Encoding(UTF8, minority=LATIN1)
    return Encoding(LATIN1, minority=UTF8)


def detect_encoding(path: Path, head: bytes, declared: str | None = None) -> Encoding:
    """UTF-16 by its BOM; else UTF-8 if the whole file decodes, Latin-1 if no line is UTF-8.

    A file whose lines disagree (mostly UTF-8 with some Latin-1 lines, or the reverse) is read
    in the majority encoding and the other lines' rows are refused, never mojibaked. A
    `declared` encoding (the mapping's) is taken as is. NUL bytes are looked for everywhere.
    """
    if declared == UTF16 or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # NUL is half of UTF-16's bytes; decoded NULs are looked for in the rows instead.
        return Encoding(UTF16, has_nul=True, odd_quotes=True)
    decoder = codecs.getincrementaldecoder(UTF8)()
    valid, has_nul, quotes, line_feeds, returns, last = True, False, 0, 0, 0, b"\n"
    for chunk in _chunks(path):
        has_nul = has_nul or b"\x00" in chunk
        quotes += chunk.count(b'"')
        line_feeds, returns = line_feeds + chunk.count(b"\n"), returns + chunk.count(b"\r")
        last = chunk[-1:]
        if valid:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                valid = False
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    odd = quotes % 2 == 1
    lines = max(line_feeds, returns) + (last not in (b"\n", b"\r"))
    if declared:
        return Encoding(declared, has_nul=has_nul, odd_quotes=odd, text_lines=lines)
    # A BOM declares UTF-8: lines that are not are refused, whatever their number.
    if valid or head.startswith(codecs.BOM_UTF8):
        return Encoding(UTF8, None if valid else LATIN1, has_nul, odd, lines)
    encoding = _majority(path)
    encoding.has_nul, encoding.odd_quotes, encoding.text_lines = has_nul, odd, lines
    return encoding
