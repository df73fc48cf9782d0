"""The facts file: never written in place; an import writes a private copy and swaps it in."""

import contextlib
import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

from kpi.store.files import (
    PRIVATE_DIR,
    StoreError,
    copy_private,
    fsync_path,
    keep_files_private,
    lock_path_for,
    make_private,
)
from kpi.store.schema import DERIVED_FACTS, FACTS_MIGRATIONS, migrate

MEMORY_LIMIT = os.environ.get("BRUJULA_MEMORY_LIMIT", "1GB")


@contextlib.contextmanager
def facts_lock(path: Path | str, timeout: float = 60.0) -> Iterator[None]:
    """Serialise writers of one facts file across processes; refuse clearly after `timeout`."""
    lock_file = lock_path_for(path)
    lock_file.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        "busy", Path(path), "another import is writing this database"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def rewrite_facts(
    path: Path | str, *, timeout: float = 60.0, fresh: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a private copy of the facts file read-write; on success swap it in atomically.

    Readers keep the old file until they notice the new one, a crash leaves the old file
    intact, and two writers take turns through the lock. `fresh=True` starts from an empty
    schema instead of a copy (the demo generator replaces all facts).
    """
    path = Path(path)
    keep_files_private()
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    with facts_lock(path, timeout):
        # Holding the lock, no other writer is alive: copies left by a crashed one are stale.
        for stale in path.parent.glob(f".{path.name}.*.tmp*"):
            stale.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        if path.exists() and not fresh:
            copy_private(path, tmp)
        con = duckdb.connect(str(tmp), config={"memory_limit": MEMORY_LIMIT})
        try:
            migrate(con, FACTS_MIGRATIONS)
            con.execute("BEGIN")
            yield con
            con.execute(DERIVED_FACTS)
            con.execute(
                "UPDATE facts_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                "WHERE key = 'generation'"
            )
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            make_private(tmp)
            fsync_path(tmp)
            os.replace(tmp, path)
            fsync_path(path.parent)
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise


def ensure_facts_file(path: Path | str) -> bool:
    """Create an empty, migrated facts file if missing or behind; True if it was written."""
    path = Path(path)
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        try:
            has_table = con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"
            ).fetchone()[0]
            current = (
                con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
                if has_table
                else 0
            )
        finally:
            con.close()
        if current >= FACTS_MIGRATIONS[-1][0]:
            return False
    with rewrite_facts(path):
        pass
    return True
