"""Backup and restore: every table of both files comes back equal; bad folders change nothing."""

import subprocess
import sys
from datetime import datetime

import duckdb
import pytest
from support import ROOT

from kpi.access.roles import Actor, PermissionDenied
from kpi.store import backup as bk
from kpi.store.database import close_all, open_store, rewrite_facts, state_path_for
from kpi.store.settings import set_setting

ADA = Actor("ada", "admin")


def seed(db):
    """Facts (2 leads, 1 deal, 1 spend row) and state (setting, notes with sequence ids, audit)."""
    with rewrite_facts(db) as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, channel, icp_tier) VALUES "
            "('L1', '2025-01-02 10:00', 'web', 'A'), ('L2', '2025-01-03 11:00', 'ads', NULL)"
        )
        con.execute(
            "INSERT INTO deals (deal_id, lead_id, created_at, stage, amount, nps_score) "
            "VALUES ('D1', 'L1', '2025-01-05', 'won', 1234.50, 9)"
        )
        con.execute("INSERT INTO marketing_spend VALUES ('2025-01-01', 'web', 800)")
    store = open_store(db)
    set_setting(store, ADA, "sla_hours", 12)
    for text in ("aprendizaje 🧭", "<b>bloqueo</b>"):
        with store.write(ADA, "notes") as w:
            w.insert(
                "notes",
                {"kind": "learning", "text": text, "created_by": "ada", "created_at": w.now},
            )
    return store


def dump(db) -> dict:
    """Every row of every table of both files, sorted, read through fresh read-only connections."""
    out = {}
    for label, path in (("facts", db), ("state", state_path_for(db))):
        con = duckdb.connect(str(path), read_only=True)
        names = [
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        for name in names:
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            out[f"{label}.{name}"] = sorted(rows, key=repr)
        con.close()
    return out


def without_restore_row(tables: dict) -> dict:
    copy = dict(tables)
    copy["state.audit_log"] = [r for r in tables["state.audit_log"] if r[3] != "restore"]
    return copy


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_round_trip_through_the_cli_restores_every_table(tmp_path):
    db = tmp_path / "live.duckdb"
    store = seed(db)
    close_all()
    snapshot = dump(db)
    assert len(snapshot["facts.leads"]) == 2 and len(snapshot["state.notes"]) == 2

    result = cli("backup", "--db", str(db), "--to", str(tmp_path / "bk"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Copia completa en")

    store = open_store(db)
    with rewrite_facts(db) as con:
        con.execute("DELETE FROM leads")
    set_setting(store, ADA, "sla_hours", 48)
    with store.write(ADA, "notes") as w:
        w.delete("notes", {"id": 1})
    close_all()
    assert dump(db) != snapshot

    result = cli("restore", "--from", str(tmp_path / "bk"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    restored = dump(db)
    assert without_restore_row(restored) == snapshot
    restore_rows = [r for r in restored["state.audit_log"] if r[3] == "restore"]
    assert len(restore_rows) == 1 and restore_rows[0][2].startswith("cli:")
    assert list(tmp_path.glob("live.duckdb.before-restore-*")), "the replaced file is kept aside"

    store = open_store(db)
    with store.write(ADA, "notes") as w:
        new = w.insert(
            "notes", {"kind": "blocker", "text": "after", "created_by": "ada", "created_at": w.now}
        )
    assert new["id"] == 3, "sequences continue after the restored ids"


def test_backup_from_inside_the_app_while_it_holds_the_file(tmp_path):
    db = tmp_path / "live.duckdb"
    store = seed(db)
    manifest = bk.backup_store(store, ADA, tmp_path / "bk")
    assert manifest["facts"]["leads"] == 2 and manifest["state"]["notes"] == 2
    audit = (
        store.state()
        .execute("SELECT actor, action FROM audit_log WHERE table_name = 'database'")
        .fetchall()
    )
    assert audit == [("ada", "backup")]
    snapshot_notes = store.state().execute("SELECT * FROM notes ORDER BY id").fetchall()
    close_all()
    bk.restore(tmp_path / "bk", tmp_path / "copy.duckdb")
    copy = open_store(tmp_path / "copy.duckdb")
    assert copy.state().execute("SELECT * FROM notes ORDER BY id").fetchall() == snapshot_notes
    assert copy.facts().execute("SELECT count(*) FROM leads").fetchone()[0] == 2


def test_only_admins_back_up_from_the_app(tmp_path):
    store = seed(tmp_path / "live.duckdb")
    with pytest.raises(PermissionDenied):
        bk.backup_store(store, Actor("eda", "editor"), tmp_path / "bk")
    assert not (tmp_path / "bk").exists()


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


def test_cli_explains_when_the_app_holds_the_state_file(tmp_path):
    db = tmp_path / "live.duckdb"
    seed(db)
    close_all()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state_path_for(db))], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = cli("backup", "--db", str(db), "--to", str(tmp_path / "bk"))
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "está abierto por la app" in lines[0]
        assert not (tmp_path / "bk").exists()
        result = cli("restore", "--from", str(tmp_path), "--db", str(db), "--lang", "en")
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    db = tmp_path / "live.duckdb"
    seed(db)
    close_all()
    before = dump(db)
    (tmp_path / "junk").mkdir()
    result = cli("restore", "--from", str(tmp_path / "junk"), "--db", str(db), "--lang", "en")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"error: {tmp_path / 'junk'} is not a Brújula backup (manifest.json is missing)."
    )
    assert dump(db) == before


def test_restore_refuses_a_tampered_backup(tmp_path):
    db = tmp_path / "live.duckdb"
    seed(db)
    close_all()
    bk.backup(db, tmp_path / "bk")
    con = duckdb.connect(str(tmp_path / "bk" / bk.FACTS_NAME))
    con.execute("DELETE FROM leads WHERE lead_id = 'L2'")
    con.close()
    before = dump(db)
    with pytest.raises(bk.BackupError) as error:
        bk.restore(tmp_path / "bk", db)
    assert error.value.key == "backup.error.damaged"
    assert dump(db) == before


def test_backup_refuses_a_folder_holding_files_and_a_missing_database(tmp_path):
    db = tmp_path / "live.duckdb"
    seed(db)
    close_all()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(bk.BackupError) as error:
        bk.backup(db, tmp_path / "full")
    assert error.value.key == "backup.error.target_not_empty"
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]
    with pytest.raises(bk.BackupError) as error:
        bk.backup(tmp_path / "nothing.duckdb", tmp_path / "bk2")
    assert error.value.key == "backup.error.no_database"


def test_manifest_counts_every_table(tmp_path):
    db = tmp_path / "live.duckdb"
    seed(db)
    close_all()
    manifest = bk.backup(db, tmp_path / "bk")
    assert manifest["facts"]["leads"] == 2
    assert manifest["facts"]["deals"] == 1
    assert manifest["facts"]["marketing_spend"] == 1
    assert manifest["state"]["notes"] == 2
    assert manifest["state"]["settings"] == 1
    assert manifest["state"]["audit_log"] == 3
    assert datetime.fromisoformat(manifest["created_at"])
