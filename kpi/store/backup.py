"""Backups of both database files (`python -m kpi backup` / `python -m kpi restore`).

Facts are never written in place, so a byte copy taken under the facts lock is consistent.
The state file is copied table by table through DuckDB (`COPY FROM DATABASE`, which also keeps
sequence positions) from a read-only attachment, or through the running app's own connection
when the app holds the file (DuckDB refuses a second process while one holds it read-write).
A manifest records the row count of every table. Backups are private: folder 0700, files 0600.

A restore changes nothing until everything is in place: both files are copied beside the live
ones and checked there (schema of this build, row counts of the manifest); only then are the
live files kept aside (hard links, no copy, no space needed) and the copies renamed over them.
Any failure before that point (a link in the backup, a full disk, a foreign schema) leaves the
live files byte-identical and removes the copies.
"""

import contextlib
import getpass
import json
import os
import stat
import uuid
from datetime import datetime
from pathlib import Path

import duckdb

from kpi import clock
from kpi.access.roles import Actor, require
from kpi.errors import TranslatedError
from kpi.i18n import DEFAULT_LANGUAGE, t
from kpi.store.backup_schema import schema_problem
from kpi.store.database import Store
from kpi.store.facts_file import facts_lock
from kpi.store.files import (
    PRIVATE_DIR,
    PRIVATE_FILE,
    StoreError,
    copy_private,
    fsync_path,
    is_disk_full,
    is_lock_error,
    keep_files_private,
    make_private,
    state_path_for,
    wal_path_for,
)
from kpi.store.schema import migrate
from kpi.store.state_schema import STATE_MIGRATIONS

FACTS_NAME = "facts.duckdb"
STATE_NAME = "state.duckdb"
MANIFEST_NAME = "manifest.json"
PART_FILES = {"facts": FACTS_NAME, "state": STATE_NAME}
FORMAT_VERSION = 1
# A manifest lists two dozen counts; anything much larger is not one.
MANIFEST_MAX_BYTES = 1 << 20


class BackupError(TranslatedError, RuntimeError):
    """A backup or restore that cannot go ahead, with its explanation in both languages."""


class SchemaMismatch(BackupError):
    """A restored file that differs from this build's schema; names the object's kind in the
    reader's language."""

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        kind = t(f"restore.kind.{self.values['kind']}", lang) if "kind" in self.values else None
        values = {**self.values, "kind": kind} if kind else self.values
        return t(self.key, lang, **values)


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0][:160]


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "ORDER BY table_name"
        ).fetchall()
    ]
    # Table names come from the file's own catalogue, quoted as identifiers.
    return {
        name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
        for name in names
    }


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of a DuckDB file, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return _counts(con)
    finally:
        con.close()


@contextlib.contextmanager
def _writing_backup(target: Path):
    """A full disk or an unwritable folder while writing a backup is a one-line refusal."""
    try:
        yield
    except (OSError, duckdb.IOException) as exc:
        key = "restore.backup.disk_full" if is_disk_full(exc) else "restore.backup.io"
        raise BackupError(key, target=str(target), reason=_reason(exc)) from exc


def _prepare_target(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError("backup.error.target_not_empty", path=str(target))
    target.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(target, PRIVATE_DIR)


def _copy_state(con: duckdb.DuckDBPyConnection, source_alias: str, target: Path) -> None:
    con.execute("ATTACH ? AS backup_copy", [str(target)])
    try:
        con.execute(f"COPY FROM DATABASE {source_alias} TO backup_copy")
        con.execute("CHECKPOINT backup_copy")
    finally:
        con.execute("DETACH backup_copy")
    make_private(target)


def _fresh_state(target: Path) -> None:
    """The state a database that was never served starts with (what the app would create)."""
    con = duckdb.connect(str(target))
    try:
        migrate(con, STATE_MIGRATIONS)
    finally:
        con.close()
    make_private(target)


def _write_private_text(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _write_manifest(target: Path, db_path: Path) -> dict:
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": clock.now().isoformat(),
        "source": str(db_path),
        "facts": table_counts(target / FACTS_NAME),
        "state": table_counts(target / STATE_NAME),
    }
    _write_private_text(target / MANIFEST_NAME, json.dumps(manifest, indent=2))
    return manifest


def backup(db_path: Path | str, target: Path | str) -> dict:
    """Copy a database that no process holds read-write (the CLI); returns the manifest."""
    keep_files_private()
    db_path, target = Path(db_path).resolve(), Path(target)
    state_path = state_path_for(db_path)
    if not db_path.exists():
        raise BackupError("backup.error.no_database", path=str(db_path))
    con = duckdb.connect(":memory:")
    try:
        try:
            if state_path.exists():
                con.execute("ATTACH ? AS live_state (READ_ONLY)", [str(state_path)])
        except duckdb.IOException as exc:
            if is_lock_error(exc):
                raise BackupError("backup.error.state_held", path=str(state_path)) from exc
            raise StoreError("damaged", state_path, str(exc)) from exc
        try:
            table_counts(db_path)
        except duckdb.Error as exc:
            raise StoreError("damaged", db_path, str(exc)) from exc
        with _writing_backup(target):
            _prepare_target(target)
            with facts_lock(db_path):
                copy_private(db_path, target / FACTS_NAME)
            if state_path.exists():
                _copy_state(con, "live_state", target / STATE_NAME)
            else:
                _fresh_state(target / STATE_NAME)
            return _write_manifest(target, db_path)
    finally:
        con.close()


def backup_store(store: Store, actor: Actor, target: Path | str) -> dict:
    """Copy the database from inside the process that holds it (the app); admin only, audited."""
    require(actor, "backup")
    keep_files_private()
    target = Path(target)
    with _writing_backup(target):
        _prepare_target(target)
        with facts_lock(store.path):
            copy_private(store.path, target / FACTS_NAME)
        with store.write(actor, "backup") as w:
            # Inside the write transaction nothing else can change the state while it is copied.
            _copy_state(store._con.cursor(), "state", target / STATE_NAME)
            w.audit("backup", "database", str(target), None, {"target": str(target)})
        return _write_manifest(target, store.path)


def _require_regular_file(source: Path, name: str) -> None:
    try:
        mode = os.lstat(source / name).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise BackupError("backup.error.not_a_backup", path=str(source), missing=name) from None
    if not stat.S_ISREG(mode):
        # A link could point at the live files themselves, which the restore replaces.
        raise BackupError("restore.error.not_a_file", name=name, path=str(source))


def _valid_counts(counts) -> bool:
    return isinstance(counts, dict) and all(
        isinstance(name, str) and type(rows) is int and rows >= 0 for name, rows in counts.items()
    )


def _parse_manifest(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MANIFEST_MAX_BYTES + 1)
        manifest = None if len(raw) > MANIFEST_MAX_BYTES else json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        manifest = None
    if not isinstance(manifest, dict) or type(manifest.get("format")) is not int:
        raise BackupError("restore.error.manifest", path=str(path))
    if manifest["format"] > FORMAT_VERSION:
        raise BackupError(
            "restore.error.newer_format",
            path=str(path.parent),
            found=manifest["format"],
            known=FORMAT_VERSION,
        )
    if not all(_valid_counts(manifest.get(part)) for part in PART_FILES):
        raise BackupError("restore.error.manifest", path=str(path))
    return manifest


def read_manifest(source: Path | str) -> dict:
    """The manifest of a backup folder whose three files are regular files (never links)."""
    source = Path(source)
    for name in (MANIFEST_NAME, FACTS_NAME, STATE_NAME):
        _require_regular_file(source, name)
    return _parse_manifest(source / MANIFEST_NAME)


def _ensure_not_held(state_path: Path) -> None:
    if not state_path.exists():
        return
    try:
        # Read-only: the probe itself must not write the live file.
        duckdb.connect(str(state_path), read_only=True).close()
    except duckdb.Error as exc:
        if is_lock_error(exc):
            raise BackupError("backup.error.state_held", path=str(state_path)) from exc
        # A damaged state file is exactly what a restore replaces.


def _check_copy(source: Path, part: str, copy: Path, manifest: dict) -> None:
    """The staged copy of `part` has this build's schema and the manifest's row counts."""
    name = PART_FILES[part]
    try:
        con = duckdb.connect(str(copy), read_only=True)
        try:
            problem = schema_problem(con, part)
            counts = None if problem else _counts(con)
        finally:
            con.close()
    except duckdb.Error as exc:
        detail = f"{name}: {_reason(exc)}"
        raise BackupError("backup.error.damaged", path=str(source), detail=detail) from exc
    if problem:
        key, values = problem
        raise SchemaMismatch(key, path=str(source), part=name, **values)
    if counts != manifest[part]:
        detail = f"{name}: counts differ"
        raise BackupError("backup.error.damaged", path=str(source), detail=detail)


def _aside(live: Path, stamp: str) -> Path:
    return live.with_name(f"{live.name}.before-restore-{stamp}")


def _free_stamp(lives: list[Path]) -> str:
    base = datetime.now().strftime("%Y%m%d-%H%M%S")
    stamp, attempt = base, 1
    while any(_aside(live, stamp).exists() for live in lives):
        attempt += 1
        stamp = f"{base}-{attempt}"
    return stamp


def _swap(copies: dict[Path, Path]) -> None:
    """Keep the live files aside (hard links: same bytes, no space), then rename the copies in."""
    stamp = _free_stamp(list(copies))
    kept: list[Path] = []
    try:
        for live in copies:
            aside = _aside(live, stamp)
            # The live log goes aside as `<aside>.wal`, so opening the aside file replays it.
            for current, keep in ((live, aside), (wal_path_for(live), wal_path_for(aside))):
                if current.exists():
                    os.link(current, keep)
                    kept.append(keep)
    except OSError:
        for keep in kept:
            keep.unlink(missing_ok=True)
        raise
    for live, copy in copies.items():
        # Left in place, the old log would be replayed onto the restored file.
        wal_path_for(live).unlink(missing_ok=True)
        os.replace(copy, live)
    fsync_path(next(iter(copies)).parent)
    for keep in kept:
        make_private(keep)


def _restore_failure(exc: Exception, db_path: Path) -> BackupError:
    if is_disk_full(exc):
        return BackupError("restore.error.disk_full", db=str(db_path))
    return BackupError("restore.error.io", db=str(db_path), reason=_reason(exc))


def restore(source: Path | str, db_path: Path | str) -> dict:
    """Replace both files of `db_path` by the backup in `source`, or change nothing at all."""
    keep_files_private()
    source, db_path = Path(source), Path(db_path).resolve()
    manifest = read_manifest(source)
    state_path = state_path_for(db_path)
    _ensure_not_held(state_path)
    token = f"{os.getpid()}.{uuid.uuid4().hex[:8]}"
    copies = {
        live: live.with_name(f".{live.name}.{token}.restore") for live in (db_path, state_path)
    }
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        with facts_lock(db_path):
            for (part, name), copy in zip(PART_FILES.items(), copies.values(), strict=True):
                copy_private(source / name, copy, follow_symlinks=False)
                _check_copy(source, part, copy, manifest)
            _record_restore(copies[state_path], source)
            _swap(copies)
    except (OSError, duckdb.Error) as exc:
        raise _restore_failure(exc, db_path) from exc
    finally:
        for copy in copies.values():
            copy.unlink(missing_ok=True)
            wal_path_for(copy).unlink(missing_ok=True)
    return manifest


def _record_restore(state_copy: Path, source: Path) -> None:
    """Audit the restore inside the copy, so the row arrives with it or not at all."""
    con = duckdb.connect(str(state_copy))
    try:
        con.execute(
            "INSERT INTO audit_log (happened_at, actor, action, table_name, row_id, after) "
            "VALUES (?, ?, 'restore', 'database', ?, ?)",
            [
                clock.now(),
                f"cli:{getpass.getuser()}",
                str(source),
                json.dumps({"from": str(source)}),
            ],
        )
    finally:
        con.close()
    fsync_path(state_copy)
