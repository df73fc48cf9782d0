"""Restore changes everything or nothing: links, full disks, foreign schemas and bad manifests
are refused in one line with the live files byte-identical; files are private; no silent demo."""

import hashlib
import json
import os
import stat
import subprocess
import sys

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from support import APP, ROOT

from kpi.access import auth
from kpi.access.roles import Actor
from kpi.store import backup as bk
from kpi.store.database import close_all, open_store, rewrite_facts, state_path_for
from kpi.store.settings import set_setting

ADA = Actor("ada", "admin")
FILES = {"facts": "facts.duckdb", "state": "state.duckdb"}


def seed(db, leads: int = 2) -> None:
    """`leads` leads and a deal in the facts; a setting and a note in the state."""
    with rewrite_facts(db) as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, mql_at, channel) "
            "SELECT 'L' || i, TIMESTAMP '2025-01-01' + i * INTERVAL 1 MINUTE, "
            "TIMESTAMP '2025-01-02', md5(i::TEXT) FROM range(?) t(i)",
            [leads],
        )
        con.execute("INSERT INTO deals (deal_id, lead_id, stage) VALUES ('D1', 'L0', 'won')")
    store = open_store(db)
    set_setting(store, ADA, "sla_hours", 12)
    with store.write(ADA, "notes") as w:
        w.insert(
            "notes", {"kind": "learning", "text": "x", "created_by": "ada", "created_at": w.now}
        )
    close_all()


def fingerprint(folder) -> dict[str, str]:
    """Name -> sha256 of every file in a folder: equal before and after means untouched."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=180
    )


def one_line_refusal(result) -> str:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def live(tmp_path):
    """A seeded live database alone in its folder, and a good backup of it elsewhere."""
    db = tmp_path / "live" / "app.duckdb"
    seed(db)
    bk.backup(db, tmp_path / "bk")
    return db


def test_backup_of_links_to_the_live_files_is_refused_and_changes_nothing(live, tmp_path):
    # The folder looks like a backup of the live database (its counts match), but its database
    # files are links to the live files themselves: the old restore renamed the live files away
    # first, then the links pointed at nothing and the app created demo data at the live path.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "facts.duckdb").symlink_to(live)
    (linked / "state.duckdb").symlink_to(state_path_for(live))
    (linked / "manifest.json").write_bytes((tmp_path / "bk" / "manifest.json").read_bytes())
    before = fingerprint(live.parent)

    result = cli("restore", "--from", str(linked), "--db", str(live), "--lang", "en")

    line = one_line_refusal(result)
    assert line == (
        f"error: facts.duckdb in the backup {linked} is a symbolic link or not a regular file; "
        "copy the real files into the folder. Nothing was changed."
    )
    assert fingerprint(live.parent) == before


def test_links_to_another_good_backup_are_refused_too(live, tmp_path):
    elsewhere = tmp_path / "bk"
    linked = tmp_path / "linked"
    linked.mkdir()
    for name in ("facts.duckdb", "state.duckdb", "manifest.json"):
        (linked / name).symlink_to(elsewhere / name)
    before = fingerprint(live.parent)
    with pytest.raises(bk.BackupError) as refused:
        bk.restore(linked, live)
    assert refused.value.key == "restore.error.not_a_file"
    assert refused.value.values["name"] == "manifest.json"
    assert fingerprint(live.parent) == before


@pytest.fixture
def small_disk(tmp_path):
    """A folder on its own tmpfs; `resize(bytes)` sets how much it holds. Unmounted after."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"mounting a tmpfs needs root: {done.stderr.strip()}")

    def resize(size: int) -> None:
        options = f"remount,size={size // 1024}k"
        subprocess.run(["mount", "-o", options, str(mount)], check=True)

    try:
        yield mount, resize
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def used_bytes(folder) -> int:
    return sum(os.stat(path).st_blocks * 512 for path in folder.iterdir())


# What the disk has room for beyond the live files: half the facts copy; the facts copy and half
# the state copy; both copies but not a byte for the restore's audit row.
ROOM = {
    "facts-does-not-fit": lambda facts, state: facts // 2,
    "state-does-not-fit": lambda facts, state: facts + state // 2,
    "audit-row-does-not-fit": lambda facts, state: facts + state,
}


@pytest.mark.parametrize("room", ROOM, ids=list(ROOM))
def test_restore_onto_a_full_disk_is_one_line_and_changes_nothing(small_disk, tmp_path, room):
    mount, resize = small_disk
    big = tmp_path / "big" / "big.duckdb"
    seed(big, leads=200_000)
    bk.backup(big, tmp_path / "bk")
    live = mount / "app.duckdb"
    seed(live)
    facts = (tmp_path / "bk" / "facts.duckdb").stat().st_size
    state = (tmp_path / "bk" / "state.duckdb").stat().st_size
    resize(used_bytes(mount) + ROOM[room](facts, state))
    before = fingerprint(mount)

    result = cli("restore", "--from", str(tmp_path / "bk"), "--db", str(live), "--lang", "en")

    line = one_line_refusal(result)
    assert line == (
        f"error: No disk space is left beside {live} to copy the backup in; free some space "
        "and try again. Nothing was changed."
    )
    assert fingerprint(mount) == before, "live files byte-identical, no copy left behind"
    resize(64 << 20)
    restored = cli("restore", "--from", str(tmp_path / "bk"), "--db", str(live))
    assert restored.returncode == 0, restored.stderr
    assert bk.table_counts(live)["leads"] == 200_000


# --- Item 11: a backup is checked against this build's schema, one crafted file per case ---


def craft(tmp_path, part: str, *statements: str):
    """A backup of a fresh seeded database whose `part` file ran `statements`, with a manifest
    rewritten to the crafted counts (so the row counts alone would accept it)."""
    db = tmp_path / "source" / "app.duckdb"
    seed(db)
    folder = tmp_path / "crafted"
    bk.backup(db, folder)
    con = duckdb.connect(str(folder / FILES[part]))
    for statement in statements:
        con.execute(statement)
    con.close()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest[part] = bk.table_counts(folder / FILES[part])
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def refused_restore(live, folder) -> bk.BackupError:
    before = fingerprint(live.parent)
    with pytest.raises(bk.BackupError) as refused:
        bk.restore(folder, live)
    assert fingerprint(live.parent) == before
    return refused.value


def test_state_table_with_a_wrong_schema_is_refused(live, tmp_path):
    folder = craft(
        tmp_path,
        "state",
        "DROP TABLE settings",
        "CREATE TABLE settings (key INTEGER, value TEXT, valid_from TIMESTAMP, changed_by TEXT)",
        "INSERT INTO settings VALUES (1, '12', now(), 'mallory')",
    )
    error = refused_restore(live, folder)
    assert error.message("en") == (
        f"In state.duckdb of the backup {folder}, the column “settings.key” is “INTEGER” and "
        "should be “VARCHAR NOT NULL”; nothing was changed."
    )
    assert error.key == "restore.error.changed"


def test_facts_file_with_a_foreign_table_is_refused(live, tmp_path):
    folder = craft(
        tmp_path,
        "facts",
        "CREATE TABLE payroll (name TEXT, salary INTEGER)",
        "INSERT INTO payroll VALUES ('ada', 100)",
    )
    error = refused_restore(live, folder)
    assert error.key == "restore.error.extra"
    assert error.message("es") == (
        f"facts.duckdb de la copia {folder} contiene la tabla «payroll», que Brújula no crea; "
        "no se ha cambiado nada."
    )


def test_two_empty_database_files_are_refused(live, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    for name in ("facts.duckdb", "state.duckdb"):
        duckdb.connect(str(folder / name)).close()
    (folder / "manifest.json").write_text(json.dumps({"format": 1, "facts": {}, "state": {}}))
    error = refused_restore(live, folder)
    assert error.key == "restore.error.empty"
    assert error.values["part"] == "facts.duckdb"


def test_migration_from_a_newer_build_is_refused(live, tmp_path):
    folder = craft(
        tmp_path, "state", "INSERT INTO schema_migrations VALUES (99, 'from the future', now())"
    )
    error = refused_restore(live, folder)
    assert error.key == "restore.error.newer"
    # This build's state migrations, counted from kpi/store/schema.py by hand: 1 to 11.
    assert (error.values["found"], error.values["known"]) == (99, 11)


def test_a_macro_shadowing_a_builtin_is_refused(live, tmp_path):
    folder = craft(tmp_path, "state", "CREATE MACRO lower(x) AS upper(x)")
    # What the macro would do to the app's queries once the state file is attached and used.
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS state (READ_ONLY)", [str(folder / "state.duckdb")])
    con.execute("USE state")
    assert con.execute("SELECT lower('Ada')").fetchone()[0] == "ADA"
    con.close()
    error = refused_restore(live, folder)
    assert error.key == "restore.error.extra"
    assert (error.values["kind"], error.values["name"]) == ("macro", "lower")


EXTRA_OBJECTS = {
    "view": ("CREATE VIEW leads_view AS SELECT 1 AS one", "view", "leads_view"),
    "sequence": ("CREATE SEQUENCE seq_extra", "sequence", "seq_extra"),
    "index": ("CREATE INDEX leads_owner ON leads (owner)", "index", "leads_owner"),
    "enum-type": ("CREATE TYPE mood AS ENUM ('ok')", "type", "mood"),
    "schema": ("CREATE SCHEMA elsewhere", "schema", "elsewhere"),
    "table-macro": ("CREATE MACRO everything() AS TABLE SELECT 1", "macro", "everything"),
}


@pytest.mark.parametrize("case", EXTRA_OBJECTS, ids=list(EXTRA_OBJECTS))
def test_any_object_this_build_does_not_create_is_refused(live, tmp_path, case):
    statement, kind, name = EXTRA_OBJECTS[case]
    error = refused_restore(live, craft(tmp_path, "facts", statement))
    assert (error.key, error.values["kind"], error.values["name"]) == (
        "restore.error.extra",
        kind,
        name,
    )


LEADS_COLUMNS = (
    "lead_id TEXT PRIMARY KEY, created_at TIMESTAMP, channel TEXT, campaign TEXT, {icp_tier}, "
    "owner TEXT, mql_at TIMESTAMP, accepted_at TIMESTAMP, rejected_at TIMESTAMP, "
    "rejection_reason TEXT, sql_at TIMESTAMP, first_response_at TIMESTAMP"
)


def leads_replaced(tmp_path, icp_tier: str):
    """A backup whose leads table has kpi/store/schema.py's columns, types and key, but `icp_tier`
    declared as given."""
    columns = LEADS_COLUMNS.format(icp_tier=icp_tier)
    return craft(
        tmp_path,
        "facts",
        f"CREATE TABLE loose ({columns})",
        "INSERT INTO loose SELECT * FROM leads",
        "DROP TABLE leads",
        "ALTER TABLE loose RENAME TO leads",
    )


def test_a_dropped_check_constraint_is_refused(live, tmp_path):
    # Only the rule that keeps ICP tiers to A, B and C is gone.
    error = refused_restore(live, leads_replaced(tmp_path, "icp_tier TEXT"))
    assert error.message("en") == (
        f"facts.duckdb in the backup {error.values['path']} lacks the constraint "
        "“leads: CHECK((icp_tier IN ('A', 'B', 'C')))”; nothing was changed."
    )


def test_a_loosened_check_constraint_is_refused(live, tmp_path):
    folder = leads_replaced(tmp_path, "icp_tier TEXT CHECK (icp_tier IN ('A', 'B', 'C', 'Z'))")
    error = refused_restore(live, folder)
    assert (error.key, error.values["kind"], error.values["name"]) == (
        "restore.error.extra",
        "constraint",
        "leads: CHECK((icp_tier IN ('A', 'B', 'C', 'Z')))",
    )


def test_a_collation_only_the_table_definition_shows_is_refused(live, tmp_path):
    # Same type, nullability and constraints, but comparisons of ICP tiers ignore case: only the
    # table's full definition shows it, and the message quotes where it differs.
    folder = leads_replaced(
        tmp_path, "icp_tier TEXT COLLATE nocase CHECK (icp_tier IN ('A', 'B', 'C'))"
    )
    error = refused_restore(live, folder)
    assert (error.key, error.values["kind"], error.values["name"]) == (
        "restore.error.changed",
        "table",
        "leads",
    )
    assert "COLLATE" in error.values["found"] and "COLLATE" not in error.values["expected"]
    assert len(error.values["found"]) <= 162  # an excerpt around the difference, not the table


def test_a_backup_from_an_older_build_restores_and_is_migrated(live, tmp_path):
    # The state as migration 1 left it: no banked agenda seconds yet, the timer's pause time,
    # no reopening of meetings, no projector modes, and every backlog item scored.
    folder = craft(
        tmp_path,
        "state",
        "ALTER TABLE agenda_blocks DROP COLUMN actual_seconds",
        "ALTER TABLE meetings DROP COLUMN reopened_at",
        "ALTER TABLE meetings DROP COLUMN reopened_by",
        "ALTER TABLE meetings DROP COLUMN template",
        "DROP TABLE projector_modes",
        "DROP TABLE mail_outbox",
        "DROP SEQUENCE seq_mail_outbox",
        "DROP TABLE mail_opt_outs",
        "DROP TABLE programmes",
        "DROP SEQUENCE seq_programmes",
        "DROP TABLE programme_baselines",
        "DROP SEQUENCE seq_programme_baselines",
        "DROP TABLE programme_targets",
        "DROP TABLE programme_benchmarks",
        "DROP TABLE sla_versions",
        "DROP TABLE qualification_guide_versions",
        "DROP TABLE rejection_reviews",
        "DROP TABLE survey_responses",
        "DROP TABLE survey_answers",
        "ALTER TABLE backlog_items ALTER COLUMN effort SET NOT NULL",
        "ALTER TABLE backlog_items ALTER COLUMN impact SET NOT NULL",
        "DROP TABLE timer_state",
        "CREATE TABLE timer_state (meeting_id BIGINT PRIMARY KEY, status TEXT NOT NULL CHECK "
        "(status IN ('idle', 'running', 'paused', 'ended')), current_block INTEGER NOT NULL, "
        "block_started_at TIMESTAMP, block_elapsed_before DOUBLE NOT NULL DEFAULT 0, "
        "started_at TIMESTAMP, ended_at TIMESTAMP, paused_at TIMESTAMP, "
        "revision BIGINT NOT NULL DEFAULT 0)",
        "DELETE FROM schema_migrations WHERE version > 1",
    )
    bk.restore(folder, live)
    store = open_store(live)

    def columns(table: str) -> list[str]:
        return [c[0] for c in store.state().execute(f"SELECT * FROM {table} LIMIT 0").description]

    assert "actual_seconds" in columns("agenda_blocks")
    assert "paused_at" not in columns("timer_state")
    assert {"reopened_at", "reopened_by", "template"} <= set(columns("meetings"))
    assert columns("projector_modes") == ["meeting_id", "mode", "changed_by", "changed_at"]
    for table in (
        "programmes",
        "mail_outbox",
        "sla_versions",
        "rejection_reviews",
        "survey_answers",
    ):
        assert columns(table), table
    assert store.state().execute("SELECT count(*) FROM notes").fetchone()[0] == 1


# --- Item 15: a manifest of the wrong shape is one line, never a traceback ---

MANIFESTS = {
    "json-list": b'[{"format": 1}]',
    "garbled": b'{"format": 1, "facts": {"leads": 2',
    "not-utf8": b'{"format": 1, "facts": "\xff\xfe"}',
    "counts-are-text": b'{"format": 1, "facts": {"leads": "2"}, "state": {}}',
    "counts-a-list": b'{"format": 1, "facts": [2], "state": {}}',
    "format-text": b'{"format": "1", "facts": {}, "state": {}}',
    "nested-3000-deep": b'{"format": 1, "facts": ' + b"[" * 3000 + b"]" * 3000 + b"}",
}


@pytest.mark.parametrize("content", MANIFESTS.values(), ids=list(MANIFESTS))
def test_a_manifest_of_the_wrong_shape_is_one_line(live, tmp_path, content):
    (tmp_path / "bk" / "manifest.json").write_bytes(content)
    before = fingerprint(live.parent)
    result = cli("restore", "--from", str(tmp_path / "bk"), "--db", str(live), "--lang", "en")
    assert one_line_refusal(result) == (
        f"error: The manifest {tmp_path / 'bk' / 'manifest.json'} is not a Brújula backup "
        "manifest (unreadable JSON or another shape); nothing was changed."
    )
    assert fingerprint(live.parent) == before


def test_a_manifest_from_a_newer_format_is_refused(live, tmp_path):
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    (tmp_path / "bk" / "manifest.json").write_text(json.dumps({**manifest, "format": 7}))
    result = cli("restore", "--from", str(tmp_path / "bk"), "--db", str(live), "--lang", "en")
    assert "has format 7 and this Brújula version reads up to 1" in one_line_refusal(result)


# --- Item 14: database files and backups are private from their creation ---


@pytest.fixture
def usual_umask():
    """The umask most systems start processes with (files 0644), restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(folder) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}


def test_database_files_are_private_from_creation(tmp_path, usual_umask):
    db = tmp_path / "new" / "app.duckdb"
    with rewrite_facts(db) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L1')")
        during = modes(db.parent)
    assert any(name.endswith(".tmp") for name in during), "the private copy being written"
    assert set(during.values()) == {0o600}, during
    store = open_store(db)
    set_setting(store, ADA, "sla_hours", 12)
    assert (db.parent / "app.state.duckdb.wal").exists(), "checked while the log exists"
    assert modes(db.parent) == dict.fromkeys(
        ["app.duckdb", "app.duckdb.lock", "app.state.duckdb", "app.state.duckdb.wal"], 0o600
    )
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_demo_from_the_cli_is_private(tmp_path, usual_umask):
    db = tmp_path / "demo.duckdb"
    result = cli("demo", "--db", str(db), "--leads", "500")
    assert result.returncode == 0, result.stderr
    assert set(modes(tmp_path).values()) == {0o600}


def test_files_written_before_are_made_private_when_opened(tmp_path, usual_umask):
    db = tmp_path / "app.duckdb"
    seed(db)
    for path in tmp_path.glob("*.duckdb"):
        path.chmod(0o644)
    open_store(db)
    assert set(modes(tmp_path).values()) == {0o600}


def test_backups_and_restored_files_are_private(tmp_path, usual_umask):
    db = tmp_path / "live" / "app.duckdb"
    seed(db)
    result = cli("backup", "--db", str(db), "--to", str(tmp_path / "bk"))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "bk").stat().st_mode) == 0o700
    assert modes(tmp_path / "bk") == dict.fromkeys(
        ["facts.duckdb", "state.duckdb", "manifest.json"], 0o600
    )
    store = open_store(db)
    bk.backup_store(store, ADA, tmp_path / "from-app")
    assert stat.S_IMODE((tmp_path / "from-app").stat().st_mode) == 0o700
    assert set(modes(tmp_path / "from-app").values()) == {0o600}
    close_all()
    for path in db.parent.glob("*.duckdb"):
        path.chmod(0o644)
    result = cli("restore", "--from", str(tmp_path / "bk"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    restored = modes(db.parent)
    assert len([name for name in restored if ".before-restore-" in name]) == 2, restored
    assert set(restored.values()) == {0o600}, restored


# --- Item 10: demo data only on a true first run; otherwise a page that says what to do ---


def page_text(at: AppTest) -> str:
    kinds = ("error", "warning", "info", "success", "caption", "markdown", "text", "exception")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def run_app(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("BRUJULA_DB", str(db))
    monkeypatch.setenv("BRUJULA_AUTH", str(db.parent / "auth.yaml"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("survivor", ["credentials", "state"])
def test_a_missing_database_shows_what_to_do_and_never_creates_demo_data(
    tmp_path, monkeypatch, capfd, survivor
):
    db = tmp_path / "app.duckdb"
    seed(db)
    bk.backup(db, tmp_path / "bk")
    auth.ensure_auth_config(tmp_path / "auth.yaml")
    db.unlink()
    if survivor == "credentials":
        state_path_for(db).unlink()
    else:
        (tmp_path / "auth.yaml").unlink()

    at = run_app(db, monkeypatch)

    assert [e.value for e in at.error] == [
        "Falta la base de datos «app.duckdb» (ajuste BRUJULA_DB): restaura una copia con "
        "`python -m kpi restore --from CARPETA --db FICHERO`, o crea una nueva con "
        "`python -m kpi init` (datos demo), y recarga la página."
    ]
    assert str(tmp_path) not in page_text(at)
    assert not at.text_input, "no login form over a missing database"
    assert not db.exists(), "no demo data at the configured path"
    assert f"missing: {db}" in capfd.readouterr().err, "the server log has the full path"

    bk.restore(tmp_path / "bk", db)
    at = run_app(db, monkeypatch)
    assert not at.error and at.text_input(key="login_username"), "the restored file is served"


def test_a_true_first_run_still_creates_the_demo_database(tmp_path, monkeypatch):
    db = tmp_path / "app.duckdb"
    at = run_app(db, monkeypatch)
    assert at.text_input(key="login_username")
    assert bk.table_counts(db)["leads"] == 25_000


HOLDER = """
import sys, time
from kpi.store.database import open_store
open_store(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def test_the_page_before_login_shows_neither_paths_nor_the_holders_pid(
    tmp_path, monkeypatch, capfd
):
    db = tmp_path / "app.duckdb"
    seed(db)
    auth.ensure_auth_config(tmp_path / "auth.yaml")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        at = run_app(db, monkeypatch)
    finally:
        holder.kill()
        holder.wait()
    assert [e.value for e in at.error] == [
        "La base de datos «app.duckdb» está abierta por otro proceso de Brújula: cierra la otra "
        "instancia (o usa otro fichero con BRUJULA_DB) y recarga la página."
    ]
    shown = page_text(at)
    assert str(tmp_path) not in shown and str(holder.pid) not in shown, shown
    assert f"PID {holder.pid}" in capfd.readouterr().err, "the server log keeps the detail"
