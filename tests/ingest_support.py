"""Setup the ingest tests share: write a source file, read back what an import stored."""

from pathlib import Path

import duckdb


def rows(db: Path | str, sql: str) -> list[tuple]:
    """The rows `sql` returns from the facts file `db`, read-only (the import has closed it)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """`text` as the bytes of `encoding`, line ends untouched; returns `path`."""
    path.write_bytes(text.encode(encoding))
    return path
