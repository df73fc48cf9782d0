"""DuckDB store: a read-only facts file swapped atomically by imports, and a read-write state file.

Why two files: DuckDB lets no second process open a file another process holds read-write, yet
a scheduled import must run while the app serves. So facts (leads, deals, spend) live in a file
that is never written in place: an import copies it, writes the copy and renames it over the
original; the app notices the new inode and attaches it under a fresh alias. The cockpit state
(meetings, backlog, targets...) lives beside it in `<name>.state.duckdb`, owned by the app.
"""

import contextlib
import errno
import fcntl
import json
import os
import shutil
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from kpi import clock
from kpi.access.roles import Actor, require
from kpi.store.schema import DERIVED_FACTS, FACTS_MIGRATIONS, STATE_MIGRATIONS, STATE_TABLES

DEFAULT_DB_PATH = Path("data/brujula.duckdb")
FACTS_TABLES = ("leads", "deals", "marketing_spend")
MEMORY_LIMIT = os.environ.get("BRUJULA_MEMORY_LIMIT", "1GB")
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


class StoreError(RuntimeError):
    """A database problem a person can act on; `kind` selects the translated explanation."""

    def __init__(self, kind: str, path: Path, detail: str):
        super().__init__(f"{kind}: {path}: {detail}")
        self.kind = kind
        self.path = path
        self.detail = detail


def keep_files_private() -> None:
    """From now on this process creates files 0600 and folders 0700.

    DuckDB creates the database and `.wal` files itself, with the process umask, so the umask is
    the only way to make them private from their first byte. It is set once and never restored:
    restoring it would open a window in which another thread creates a readable file.
    """
    os.umask(0o077)


def make_private(path: Path | str) -> None:
    """Set an existing file to 0600 (files written before Brújula made them private)."""
    # A file another account owns may still be readable; its owner decides its mode.
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, PRIVATE_FILE)


def copy_private(source: Path | str, target: Path | str, *, follow_symlinks: bool = True) -> None:
    """Copy a regular file into a new 0600 file, flushed to disk; never overwrites `target`.

    With `follow_symlinks=False` a source that is a symbolic link fails (ELOOP) instead of being
    read, so a link swapped in after a check is refused too.
    """
    # O_NONBLOCK: opening a FIFO planted in place of a file must not hang.
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_symlinks else os.O_NOFOLLOW)
    src = os.open(source, flags)
    try:
        if not stat.S_ISREG(os.fstat(src).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(source))
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        try:
            _copy_descriptor(src, dst)
            os.fsync(dst)
        finally:
            os.close(dst)
    finally:
        os.close(src)


def _copy_descriptor(src: int, dst: int) -> None:
    try:
        while os.sendfile(dst, src, None, 1 << 24):
            pass
    except OSError as exc:
        # sendfile between two files is Linux only; elsewhere the first call fails: read-write.
        if exc.errno not in (errno.EINVAL, errno.ENOTSOCK, errno.ENOSYS):
            raise
        reader = os.fdopen(src, "rb", closefd=False)
        writer = os.fdopen(dst, "wb", closefd=False)
        with reader, writer:
            shutil.copyfileobj(reader, writer, 1 << 22)


def is_lock_error(exc: Exception) -> bool:
    """DuckDB refused the file because another process holds it."""
    return "Could not set lock" in str(exc)


def is_disk_full(exc: Exception) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "No space left on device" in str(exc)


def open_error_kind(exc: Exception) -> str:
    """Which explanation a failure to open a database file needs (see StoreError.kind)."""
    if is_lock_error(exc):
        return "locked"
    if is_disk_full(exc):
        return "full"
    if isinstance(exc, PermissionError) or "Permission denied" in str(exc):
        return "denied"
    return "damaged"


def state_path_for(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.stem + ".state.duckdb")


def lock_path_for(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


def wal_path_for(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".wal")


def migrate(con: duckdb.DuckDBPyConnection, migrations: list[tuple[int, str, str]]) -> int:
    """Apply the migrations not yet recorded in schema_migrations; returns how many ran."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = 0
    for version, name, ddl in migrations:
        if version in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(ddl)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, clock.now()]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied += 1
    return applied


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row_json(row: dict | None) -> str | None:
    if row is None:
        return None
    return json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False)


@dataclass
class Writer:
    """One audited state transaction: every change records who, when, what before and after."""

    cur: duckdb.DuckDBPyConnection
    actor: Actor
    columns: dict[str, tuple[str, ...]]
    now: datetime

    def _check(self, table: str, names: list[str]) -> None:
        if table not in STATE_TABLES:
            raise ValueError(f"unknown state table {table!r}")
        unknown = set(names) - set(self.columns[table])
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)} for {table}")

    def _fetch(self, table: str, key: dict) -> dict | None:
        self._check(table, list(key))
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"SELECT * FROM {table} WHERE {where}"  # noqa: S608 - identifiers checked by _check
        rel = self.cur.execute(sql, list(key.values()))
        names = [d[0] for d in rel.description]
        row = rel.fetchone()
        return dict(zip(names, row, strict=True)) if row else None

    def audit(self, action: str, table: str, row_id: Any, before: dict | None, after: dict | None):
        self.cur.execute(
            "INSERT INTO audit_log (happened_at, actor, action, table_name, row_id, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                self.now,
                self.actor.username,
                action,
                table,
                None if row_id is None else str(row_id),
                _row_json(before),
                _row_json(after),
            ],
        )

    def insert(self, table: str, values: dict) -> dict:
        self._check(table, list(values))
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING *"  # noqa: S608 - checked
        rel = self.cur.execute(sql, list(values.values()))
        names = [d[0] for d in rel.description]
        row = dict(zip(names, rel.fetchone(), strict=True))
        self.audit("insert", table, row.get("id", _key_text(values)), None, row)
        return row

    def update(self, table: str, key: dict, changes: dict) -> dict:
        self._check(table, list(key) + list(changes))
        before = self._fetch(table, key)
        if before is None:
            raise LookupError(f"{table} {key} not found")
        sets = ", ".join(f"{k} = ?" for k in changes)
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"UPDATE {table} SET {sets} WHERE {where}"  # noqa: S608 - identifiers checked
        self.cur.execute(sql, list(changes.values()) + list(key.values()))
        after = self._fetch(table, key)
        self.audit("update", table, _key_text(key), before, after)
        return after

    def version_time(self, table: str, key: dict) -> datetime:
        """A valid_from later than every stored version of `key`, even within one clock tick."""
        self._check(table, [*key, "valid_from"])
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"SELECT max(valid_from) FROM {table} WHERE {where}"  # noqa: S608 - checked
        last = self.cur.execute(sql, list(key.values())).fetchone()[0]
        return self.now if last is None or self.now > last else last + timedelta(microseconds=1)

    def upsert(self, table: str, key: dict, values: dict) -> dict:
        if self._fetch(table, key) is None:
            return self.insert(table, {**key, **values})
        return self.update(table, key, values)

    def delete(self, table: str, key: dict) -> dict | None:
        before = self._fetch(table, key)
        if before is None:
            return None
        self._check(table, list(key))
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"DELETE FROM {table} WHERE {where}"  # noqa: S608 - identifiers checked by _check
        self.cur.execute(sql, list(key.values()))
        self.audit("delete", table, _key_text(key), before, None)
        return before


def _key_text(key: dict) -> str:
    return "/".join(str(_jsonable(v)) for v in key.values())


class Store:
    """One process's view of a Brújula database: facts (read-only, swappable) and state."""

    def __init__(
        self,
        path: Path | str,
        *,
        now: Callable[[], datetime] = clock.now,
        state_in_memory: bool = False,
    ):
        keep_files_private()
        self.path = Path(path).resolve()
        self.state_path = state_path_for(self.path)
        self.now = now
        self._con = duckdb.connect(
            ":memory:", config={"memory_limit": MEMORY_LIMIT, "threads": os.cpu_count() or 2}
        )
        self._attach_lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._facts_alias: str | None = None
        self._facts_ident: tuple | None = None
        self._aliases: list[str] = []
        self._counter = 0
        try:
            ensure_facts_file(self.path)
            if state_in_memory:
                # Read-only callers when the app holds the state file: defaults, nothing kept.
                self._con.execute("ATTACH ':memory:' AS state")
            else:
                self._con.execute("ATTACH ? AS state", [str(self.state_path)])
            cur = self._con.cursor()
            cur.execute("USE state")
            migrate(cur, STATE_MIGRATIONS)
            self._columns = self._state_columns(cur)
            self._refresh_facts()
        except (duckdb.IOException, duckdb.PermissionException, OSError) as exc:
            self._con.close()
            raise StoreError(open_error_kind(exc), self.path, str(exc)) from exc
        except (duckdb.SerializationException, duckdb.InternalException) as exc:
            self._con.close()
            raise StoreError("damaged", self.path, str(exc)) from exc
        for own in (self.path, self.state_path, wal_path_for(self.state_path)):
            make_private(own)

    @staticmethod
    def _state_columns(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
        rows = cur.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE database_name = 'state' ORDER BY table_name, column_index"
        ).fetchall()
        columns: dict[str, list[str]] = {}
        for table, column in rows:
            columns.setdefault(table, []).append(column)
        return {t: tuple(c) for t, c in columns.items()}

    def _refresh_facts(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError as exc:
            if self._facts_alias:
                return
            raise StoreError("missing", self.path, "facts file vanished") from exc
        ident = (st.st_ino, st.st_mtime_ns, st.st_size)
        if ident == self._facts_ident:
            return
        with self._attach_lock:
            if ident == self._facts_ident:
                return
            self._counter += 1
            alias = f"facts_{self._counter}"
            self._con.execute(f"ATTACH ? AS {alias} (READ_ONLY)", [str(self.path)])
            self._facts_alias, self._facts_ident = alias, ident
            self._aliases.append(alias)
            # Keep the previous generation for queries still running on it; drop older ones.
            while len(self._aliases) > 2:
                old = self._aliases.pop(0)
                with contextlib.suppress(duckdb.Error):
                    self._con.execute(f"DETACH {old}")

    def facts(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor whose unqualified names are the current facts tables."""
        return self.facts_cursors(1)[0]

    def facts_cursors(self, count: int) -> list[duckdb.DuckDBPyConnection]:
        """`count` fresh cursors on one facts generation, for statements run side by side."""
        self._refresh_facts()
        alias = self._facts_alias
        cursors = [self._con.cursor() for _ in range(count)]
        for cur in cursors:
            cur.execute(f"USE {alias}")
        return cursors

    def state(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor on the state tables, for reads; writes go through `write()`."""
        cur = self._con.cursor()
        cur.execute("USE state")
        return cur

    def facts_generation(self) -> int:
        return int(
            self.facts()
            .execute("SELECT value FROM facts_meta WHERE key = 'generation'")
            .fetchone()[0]
        )

    def state_version(self) -> int:
        return self.state().execute("SELECT version FROM data_version WHERE id = 1").fetchone()[0]

    def data_version(self) -> tuple[int, int]:
        """Cache key: changes whenever facts are swapped or any state write commits."""
        return self.facts_generation(), self.state_version()

    @contextlib.contextmanager
    def write(self, actor: Actor, capability: str) -> Iterator[Writer]:
        """An audited, role-checked state transaction that bumps the data version on commit."""
        require(actor, capability)
        # One writer at a time in this process: every write bumps the same version row.
        with self._write_lock:
            cur = self.state()
            cur.execute("BEGIN")
            try:
                yield Writer(cur, actor, self._columns, self.now())
                cur.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def record_unaudited(self, sql: str, params: list) -> None:
        """A write that is itself the record (login attempts); still versioned and serialised."""
        with self._write_lock:
            cur = self.state()
            cur.execute("BEGIN")
            try:
                cur.execute(sql, params)
                cur.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.close()


_registry: dict[Path, Store] = {}
_registry_lock = threading.Lock()


def open_store(path: Path | str = DEFAULT_DB_PATH) -> Store:
    """The process-wide Store for `path` (DuckDB must not open one file twice in a process)."""
    key = Path(path).resolve()
    with _registry_lock:
        store = _registry.get(key)
        if store is None:
            store = Store(key)
            _registry[key] = store
        return store


def close_all() -> None:
    with _registry_lock:
        for store in _registry.values():
            store.close()
        _registry.clear()
