"""Backups of both database files (`python -m kpi backup` / `python -m kpi restore`).

Facts are never written in place, so a byte copy taken under the facts lock is consistent.
The state file is copied table by table through DuckDB (`COPY FROM DATABASE`, which also keeps
sequence positions) from a read-only attachment, or through the running app's own connection
when the app holds the file (DuckDB refuses a second process while one holds it read-write).
A manifest records the row count of every table; restore checks the copy against it before
swapping anything, and keeps the replaced files aside.
"""

import argparse
import contextlib
import getpass
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from kpi import clock
from kpi.errors import TranslatedError
from kpi.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from kpi.roles import Actor, require
from kpi.store import DEFAULT_DB_PATH, Store, StoreError, facts_lock, state_path_for

FACTS_NAME = "facts.duckdb"
STATE_NAME = "state.duckdb"
MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


class BackupError(TranslatedError, RuntimeError):
    """A backup or restore that cannot go ahead, with its explanation in both languages."""


def _held(exc: duckdb.Error) -> bool:
    return "lock" in str(exc).lower()


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of a DuckDB file, opened read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
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
    finally:
        con.close()


def _prepare_target(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError("backup.error.target_not_empty", path=str(target))
    target.mkdir(parents=True, exist_ok=True)


def _copy_state(con: duckdb.DuckDBPyConnection, source_alias: str, target: Path) -> None:
    con.execute("ATTACH ? AS backup_copy", [str(target)])
    try:
        con.execute(f"COPY FROM DATABASE {source_alias} TO backup_copy")
        con.execute("CHECKPOINT backup_copy")
    finally:
        con.execute("DETACH backup_copy")


def _write_manifest(target: Path, db_path: Path) -> dict:
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": clock.now().isoformat(),
        "source": str(db_path),
        "facts": table_counts(target / FACTS_NAME),
        "state": table_counts(target / STATE_NAME),
    }
    (target / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def backup(db_path: Path | str, target: Path | str) -> dict:
    """Copy a database that no process holds read-write (the CLI); returns the manifest."""
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
            if _held(exc):
                raise BackupError("backup.error.state_held", path=str(state_path)) from exc
            raise StoreError("damaged", state_path, str(exc)) from exc
        try:
            table_counts(db_path)
        except duckdb.Error as exc:
            raise StoreError("damaged", db_path, str(exc)) from exc
        _prepare_target(target)
        with facts_lock(db_path):
            shutil.copyfile(db_path, target / FACTS_NAME)
        if state_path.exists():
            _copy_state(con, "live_state", target / STATE_NAME)
        else:
            duckdb.connect(str(target / STATE_NAME)).close()
    finally:
        con.close()
    return _write_manifest(target, db_path)


def backup_store(store: Store, actor: Actor, target: Path | str) -> dict:
    """Copy the database from inside the process that holds it (the app); admin only, audited."""
    require(actor, "backup")
    target = Path(target)
    _prepare_target(target)
    with facts_lock(store.path):
        shutil.copyfile(store.path, target / FACTS_NAME)
    with store.write(actor, "backup") as w:
        # Inside the write transaction nothing else can change the state while it is copied.
        _copy_state(store._con.cursor(), "state", target / STATE_NAME)
        w.audit("backup", "database", str(target), None, {"target": str(target)})
    return _write_manifest(target, store.path)


def read_manifest(source: Path | str) -> dict:
    """The manifest of a backup folder, after checking both copies hold what it promises."""
    source = Path(source)
    for name in (MANIFEST_NAME, FACTS_NAME, STATE_NAME):
        if not (source / name).is_file():
            raise BackupError("backup.error.not_a_backup", path=str(source), missing=name)
    try:
        manifest = json.loads((source / MANIFEST_NAME).read_text(encoding="utf-8"))
        found = {"facts": table_counts(source / FACTS_NAME)}
        found["state"] = table_counts(source / STATE_NAME)
    except (ValueError, duckdb.Error) as exc:
        raise BackupError("backup.error.damaged", path=str(source), detail=str(exc)[:200]) from exc
    for part in ("facts", "state"):
        if found[part] != manifest.get(part):
            raise BackupError(
                "backup.error.damaged", path=str(source), detail=f"{part}: counts differ"
            )
    return manifest


def _ensure_not_held(state_path: Path) -> None:
    if not state_path.exists():
        return
    try:
        duckdb.connect(str(state_path)).close()
    except duckdb.IOException as exc:
        if _held(exc):
            raise BackupError("backup.error.state_held", path=str(state_path)) from exc
        # A damaged state file is exactly what a restore replaces.


def _install(copy_from: Path, destination: Path) -> None:
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.restore")
    shutil.copyfile(copy_from, tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, destination)


def restore(source: Path | str, db_path: Path | str) -> dict:
    """Replace both files of `db_path` by the backup in `source`; the old ones are kept aside."""
    source, db_path = Path(source), Path(db_path).resolve()
    manifest = read_manifest(source)
    state_path = state_path_for(db_path)
    _ensure_not_held(state_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    with facts_lock(db_path):
        for current in (db_path, state_path, Path(f"{state_path}.wal")):
            if current.exists():
                current.replace(current.with_name(f"{current.name}.before-restore-{stamp}"))
        _install(source / FACTS_NAME, db_path)
        _install(source / STATE_NAME, state_path)
    _record_restore(state_path, source)
    return manifest


def _record_restore(state_path: Path, source: Path) -> None:
    con = duckdb.connect(str(state_path))
    try:
        with contextlib.suppress(duckdb.CatalogException):
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


def _summary(manifest: dict) -> tuple[int, int]:
    tables = len(manifest["facts"]) + len(manifest["state"])
    rows = sum(manifest["facts"].values()) + sum(manifest["state"].values())
    return tables, rows


def add_parser(subparsers) -> None:
    save = subparsers.add_parser(
        "backup",
        help="copy both database files to a folder / copia de seguridad",
        description="Copy the facts and state files (consistently) into a new, empty folder.",
    )
    save.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB facts file")
    save.add_argument("--to", type=Path, required=True, help="new or empty folder")
    save.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    save.set_defaults(run=run_backup)
    load = subparsers.add_parser(
        "restore",
        help="replace the database by a backup / restaurar una copia",
        description="Replace both files of --db by a backup; stop the app first.",
    )
    load.add_argument("--from", dest="source", type=Path, required=True, help="backup folder")
    load.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB facts file")
    load.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    load.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    try:
        manifest = backup(args.db, args.to)
    except BackupError as error:
        print(f"error: {error.message(args.lang)}", file=sys.stderr)
        return 1
    tables, rows = _summary(manifest)
    print(t("backup.done", args.lang, target=args.to, tables=tables, rows=rows))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    try:
        manifest = restore(args.source, args.db)
    except BackupError as error:
        print(f"error: {error.message(args.lang)}", file=sys.stderr)
        return 1
    tables, rows = _summary(manifest)
    print(t("backup.restored", args.lang, db=args.db, source=args.source, tables=tables, rows=rows))
    return 0
