"""The facts file: never written in place; a write goes to a private copy that is swapped in."""

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
from kpi.store.schema import (
    DEAL_FACTS_SELECT,
    DEAL_LATEST,
    DERIVED_FACTS,
    FACTS_MIGRATIONS,
    LEAD_FACTS_SELECT,
    LEAD_LATEST,
    derived_select,
    migrate,
)

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
        tmp = _private_copy(path, fresh=fresh)
        con = duckdb.connect(str(tmp), config={"memory_limit": MEMORY_LIMIT})
        try:
            migrate(con, FACTS_MIGRATIONS)
            con.execute("BEGIN")
            yield con
            con.execute(DERIVED_FACTS)
            con.execute(NEXT_GENERATION)
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            _swap_in(tmp, path)
        except BaseException:
            with contextlib.suppress(Exception):
                con.close()
            _discard(tmp)
            raise


NEXT_GENERATION = (
    "UPDATE facts_meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'generation'"
)


def _private_copy(path: Path, *, fresh: bool) -> Path:
    """A new private copy of the facts file (empty when `fresh`); call holding the lock."""
    # Holding the lock, no other writer is alive: copies left by a crashed one are stale.
    for stale in path.parent.glob(f".{path.name}.*.tmp*"):
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    if path.exists() and not fresh:
        copy_private(path, tmp)
    return tmp


def _swap_in(tmp: Path, path: Path) -> None:
    """Make the closed, checkpointed copy the facts file, durably."""
    make_private(tmp)
    fsync_path(tmp)
    os.replace(tmp, path)
    fsync_path(path.parent)


def _discard(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)


class FactsUpdate:
    """The live facts, read-only, for an import to compare against; `write()` changes them.

    An import that changes nothing never calls `write()`, so the file, its bytes and the
    generation stay as they were. A write rebuilds only the derived rows of the leads and
    deals it touched, not the whole tables: its cost follows the size of the change, apart
    from the copy of the file (see `write`).
    """

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, *, locked: bool):
        self.path = path
        self.con = con
        self._locked = locked

    def generation(self) -> int:
        return int(
            self.con.execute("SELECT value FROM facts_meta WHERE key = 'generation'").fetchone()[0]
        )

    @contextlib.contextmanager
    def write(self, *, leads: str = "", deals: str = "") -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on a private copy, swapped in on success like `rewrite_facts`.

        `leads` and `deals` are queries of the keys of the rows the caller inserts or updates
        (their temporary tables stay readable); a superset is harmless, a missing key is not.
        """
        if not self._locked:
            raise StoreError("busy", self.path, "a read-only view of the facts cannot write")
        con = self.con
        con.execute("USE memory")
        con.execute("DETACH facts")
        tmp = _private_copy(self.path, fresh=False)
        try:
            con.execute("ATTACH ? AS facts", [str(tmp)])
            con.execute("USE facts")
            con.execute("BEGIN")
            _note_touched(
                con,
                leads or "SELECT NULL::TEXT WHERE false",
                deals or "SELECT NULL::TEXT WHERE false",
            )
            yield con
            _refresh_derived(con)
            con.execute(NEXT_GENERATION)
            con.execute("COMMIT")
            con.execute("CHECKPOINT facts")
            con.execute("USE memory")
            con.execute("DETACH facts")
            _swap_in(tmp, self.path)
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            with contextlib.suppress(Exception):
                con.execute("USE memory")
                con.execute("DETACH facts")
            _discard(tmp)
            raise


def _note_touched(con: duckdb.DuckDBPyConnection, leads: str, deals: str) -> None:
    """Before the write: the touched keys, the leads the touched deals belong to now, and the
    latest event among the rows about to change (facts_latest can only fall if one of them was
    the latest)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE touched_leads AS SELECT DISTINCT * FROM ({leads}) t(lead_id)"  # noqa: S608
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE touched_deals AS SELECT DISTINCT * FROM ({deals}) t(deal_id)"  # noqa: S608
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE touched_deal_leads AS SELECT lead_id FROM deals "
        "WHERE deal_id IN (SELECT deal_id FROM touched_deals) AND lead_id IS NOT NULL"
    )
    leads_latest = f"SELECT max({LEAD_LATEST}) FROM leads WHERE lead_id IN (FROM touched_leads)"  # noqa: S608
    deals_latest = f"SELECT max({DEAL_LATEST}) FROM deals WHERE deal_id IN (FROM touched_deals)"  # noqa: S608
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE touched_latest AS "  # noqa: S608
        f"SELECT ({leads_latest}) AS leads, ({deals_latest}) AS deals"
    )


def _refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the derived rows of the affected leads and deals, equal to a full rebuild.

    A lead's row reads the lead and its deals, so the affected leads are the touched ones and
    those of the touched deals (before and after the write: a deal may change lead). A deal's
    row reads the deal and its lead: the touched deals and every deal of a touched lead.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE affected_leads AS "
        "SELECT lead_id FROM touched_leads UNION SELECT lead_id FROM touched_deal_leads "
        "UNION SELECT lead_id FROM deals WHERE deal_id IN (SELECT deal_id FROM touched_deals) "
        "AND lead_id IS NOT NULL"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE affected_deals AS SELECT deal_id FROM touched_deals "
        "UNION SELECT deal_id FROM deals WHERE lead_id IN (SELECT lead_id FROM touched_leads)"
    )
    some_leads = "(SELECT * FROM leads WHERE lead_id IN (SELECT lead_id FROM affected_leads))"
    their_deals = "(SELECT * FROM deals WHERE lead_id IN (SELECT lead_id FROM affected_leads))"
    con.execute("DELETE FROM lead_facts WHERE lead_id IN (SELECT lead_id FROM affected_leads)")
    con.execute(
        "INSERT INTO lead_facts " + derived_select(LEAD_FACTS_SELECT, some_leads, their_deals)
    )
    some_deals = "(SELECT * FROM deals WHERE deal_id IN (SELECT deal_id FROM affected_deals))"
    their_leads = f"(SELECT * FROM leads WHERE lead_id IN (SELECT lead_id FROM {some_deals}))"  # noqa: S608
    con.execute("DELETE FROM deal_facts WHERE deal_id IN (SELECT deal_id FROM affected_deals)")
    con.execute(
        "INSERT INTO deal_facts " + derived_select(DEAL_FACTS_SELECT, their_leads, some_deals)
    )
    _refresh_latest(con)


def _refresh_latest(con: duckdb.DuckDBPyConnection) -> None:
    """facts_latest after the write: the greater of the old value and the touched rows' latest,
    unless a touched row held the old latest (its date may have moved back): then a full scan."""
    for table, key, latest in (
        ("leads", "lead_id", LEAD_LATEST),
        ("deals", "deal_id", DEAL_LATEST),
    ):
        touched = f"(SELECT {key} FROM touched_{table})"  # noqa: S608
        held = con.execute(
            f"SELECT t.{table} IS NOT NULL AND t.{table} >= f.{table} "  # noqa: S608
            "FROM touched_latest t, facts_latest f"
        ).fetchone()[0]
        if held:
            value = f"(SELECT max({latest}) FROM {table})"  # noqa: S608
        else:
            value = (
                f"greatest({table}, (SELECT max({latest}) FROM {table} WHERE {key} IN {touched}))"  # noqa: S608
            )
        con.execute(f"UPDATE facts_latest SET {table} = {value}")  # noqa: S608


@contextlib.contextmanager
def update_facts(
    path: Path | str, *, timeout: float = 60.0, lock: bool = True
) -> Iterator[FactsUpdate]:
    """The live facts under the writers' lock (none with `lock=False`: a dry run only reads)."""
    path = Path(path).resolve()
    keep_files_private()
    if not path.exists():
        ensure_facts_file(path)
    while True:
        with facts_lock(path, timeout) if lock else contextlib.nullcontext():
            con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT})
            try:
                con.execute("ATTACH ? AS facts (READ_ONLY)", [str(path)])
                con.execute("USE facts")
                if facts_are_current(con):
                    yield FactsUpdate(path, con, locked=lock)
                    return
            finally:
                con.close()
        # A file behind the migrations is rewritten whole first (outside the lock, which the
        # rewrite takes), so that the incremental rows match it.
        ensure_facts_file(path)


def facts_are_current(con: duckdb.DuckDBPyConnection) -> bool:
    """The facts `con` uses have every facts migration."""
    has_table = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE table_name = 'schema_migrations' AND database_name = current_database()"
    ).fetchone()[0]
    if not has_table:
        return False
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
    return current >= FACTS_MIGRATIONS[-1][0]


def ensure_facts_file(path: Path | str) -> bool:
    """Create an empty, migrated facts file if missing or behind; True if it was written."""
    path = Path(path)
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        try:
            if facts_are_current(con):
                return False
        finally:
            con.close()
    with rewrite_facts(path):
        pass
    return True
