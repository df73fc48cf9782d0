"""DuckDB store: a read-only facts file swapped atomically by imports, and a read-write state file.

Why two files: DuckDB lets no second process open a file another process holds read-write, yet
a scheduled import must run while the app serves. So facts (leads, deals, spend) live in a file
that is never written in place: an import copies it, writes the copy and renames it over the
original; the app notices the new inode and attaches it under a fresh alias. The cockpit state
(meetings, backlog, targets...) lives beside it in `<name>.state.duckdb`, owned by the app.
"""

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb

from kpi import clock
from kpi.access.roles import Actor, require
from kpi.store.facts_file import (
    MEMORY_LIMIT,
    ensure_facts_file,
    facts_are_current,
    facts_lock,
    rewrite_facts,
)
from kpi.store.files import (
    StoreError,
    keep_files_private,
    lock_path_for,
    make_private,
    open_error_kind,
    state_path_for,
    wal_path_for,
)
from kpi.store.schema import migrate
from kpi.store.state_schema import STATE_MIGRATIONS
from kpi.store.writer import Writer, dict_rows

# Other modules import these from here, where the store has always kept them.
__all__ = [
    "DEFAULT_DB_PATH",
    "MEMORY_LIMIT",
    "Store",
    "StoreError",
    "Writer",
    "close_all",
    "dict_rows",
    "ensure_facts_file",
    "facts_lock",
    "lock_path_for",
    "migrate",
    "open_store",
    "rewrite_facts",
    "state_path_for",
]

DEFAULT_DB_PATH = Path("data/brujula.duckdb")


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
            if not self.path.exists():
                ensure_facts_file(self.path)
            if state_in_memory:
                # Read-only callers when the app holds the state file: defaults, nothing kept.
                self._con.execute("ATTACH ':memory:' AS state")
            else:
                self._con.execute("ATTACH ? AS state", [str(self.state_path)])
            cur = self._con.cursor()
            cur.execute("USE state")
            migrate(cur, STATE_MIGRATIONS)
            self._refresh_facts()
            if not facts_are_current(self.facts()):
                self._bring_facts_up_to_date()
        except (duckdb.IOException, duckdb.PermissionException, OSError) as exc:
            self._con.close()
            raise StoreError(open_error_kind(exc), self.path, str(exc)) from exc
        except (duckdb.SerializationException, duckdb.InternalException) as exc:
            self._con.close()
            raise StoreError("damaged", self.path, str(exc)) from exc
        for own in (self.path, self.state_path, wal_path_for(self.state_path)):
            make_private(own)

    @functools.cached_property
    def _columns(self) -> dict[str, tuple[str, ...]]:
        """The state tables' columns, for the audit rows; read at the first write, as a process
        that only reads (the CLI scorecard) should not pay for the catalogue query."""
        rows = (
            self.state()
            .execute(
                "SELECT table_name, column_name FROM duckdb_columns() "
                "WHERE database_name = 'state' ORDER BY table_name, column_index"
            )
            .fetchall()
        )
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

    def _bring_facts_up_to_date(self) -> None:
        """A facts file behind the migrations is rewritten whole; checked on the attached file,
        as opening it a second time only to check costs a CLI run tens of milliseconds."""
        with self._attach_lock:
            for alias in self._aliases:
                self._con.execute(f"DETACH {alias}")
            self._aliases.clear()
            self._facts_alias = self._facts_ident = None
        ensure_facts_file(self.path)
        self._refresh_facts()

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

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        """Rows of a query on the state tables, as dicts keyed by column name."""
        return dict_rows(self.state(), sql, params)

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
