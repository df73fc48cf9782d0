"""A database held by another process or damaged on disk: a clear page and a one-line CLI error."""

import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest
from support import APP, ROOT

from kpi.access.roles import SYSTEM
from kpi.store.database import (
    Store,
    StoreError,
    close_all,
    open_store,
    rewrite_facts,
    state_path_for,
)

LOCKED = "está abierta por otro proceso de Brújula"
DAMAGED = "no es una base de datos legible"


def make_database(db):
    with rewrite_facts(db) as con:
        con.execute("INSERT INTO leads (lead_id) SELECT 'L' || i FROM range(20000) t(i)")
    with open_store(db).write(SYSTEM, "notes") as w:
        w.insert("notes", {"kind": "learning", "text": "x", "created_by": "s", "created_at": w.now})
    close_all()


def truncate_to(fraction):
    def damage(path):
        with open(path, "r+b") as handle:
            handle.truncate(int(os.path.getsize(path) * fraction))

    return damage


def overwrite(content):
    def damage(path):
        path.write_bytes(content)

    return damage


DAMAGE = {
    "empty": overwrite(b""),
    "garbage": overwrite(os.urandom(64 * 1024)),
    "csv-text": overwrite(b"lead_id,created_at\nL1,2025-01-01\n"),
    "cut-to-1-percent": truncate_to(0.01),
}
CASES = [(part, how) for part in ("facts", "state") for how in DAMAGE]


@pytest.fixture
def damaged(tmp_path, request):
    part, how = request.param
    db = tmp_path / "app.duckdb"
    make_database(db)
    DAMAGE[how](db if part == "facts" else state_path_for(db))
    return db


def page_errors(db, monkeypatch, logged_in: bool) -> AppTest:
    monkeypatch.setenv("BRUJULA_DB", str(db))
    monkeypatch.setenv("BRUJULA_AUTH", str(db.parent / "auth.yaml"))
    at = AppTest.from_file(APP, default_timeout=60)
    if logged_in:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = "admin"
        at.session_state["roles"] = ["admin"]
    at.run()
    assert not at.exception, at.exception
    assert not at.text_input, "no login form or page under a database error"
    return at


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def assert_one_line_error(result, kind):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {kind}"), result.stderr


@pytest.mark.parametrize("damaged", CASES, indirect=True, ids=[f"{p}-{h}" for p, h in CASES])
def test_damaged_file_gives_a_clear_store_error(damaged):
    with pytest.raises(StoreError) as error:
        Store(damaged)
    assert error.value.kind == "damaged"


@pytest.mark.parametrize("damaged", CASES, indirect=True, ids=[f"{p}-{h}" for p, h in CASES])
@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "admin"])
def test_damaged_file_shows_a_page_that_says_what_to_do(damaged, monkeypatch, logged_in):
    at = page_errors(damaged, monkeypatch, logged_in)
    assert DAMAGED in at.error[0].value and "python -m kpi restore" in at.error[0].value


CLI_CASES = [("facts", "empty"), ("state", "garbage")]


@pytest.mark.parametrize(
    "damaged", CLI_CASES, indirect=True, ids=[f"{p}-{h}" for p, h in CLI_CASES]
)
def test_damaged_file_gives_one_line_in_the_cli(damaged, tmp_path):
    assert_one_line_error(cli("scorecard", "--db", str(damaged)), "damaged")
    assert_one_line_error(
        cli("backup", "--db", str(damaged), "--to", str(tmp_path / "bk")), "damaged"
    )


HOLDER = """
import sys, time
from kpi.store.database import open_store
open_store(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def hold_a_new_database(db) -> subprocess.Popen:
    """A database made at `db`, then held open by a second Brújula process, as a second app
    would; the process is returned once it holds the file."""
    make_database(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


@pytest.fixture
def held(tmp_path):
    """A database held by a second Brújula process."""
    db = tmp_path / "app.duckdb"
    holder = hold_a_new_database(db)
    yield db
    holder.kill()
    holder.wait()


def test_second_process_gives_a_locked_store_error(held):
    with pytest.raises(StoreError) as error:
        Store(held)
    assert error.value.kind == "locked"


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "admin"])
def test_second_process_shows_a_page_that_says_what_to_do(held, monkeypatch, logged_in):
    at = page_errors(held, monkeypatch, logged_in)
    assert LOCKED in at.error[0].value


def test_second_process_gives_one_line_in_the_cli(held, tmp_path):
    # A backup needs the settings file itself, which the holder keeps locked.
    result = cli("backup", "--db", str(held), "--to", str(tmp_path / "b"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "abierto por la app" in lines[0], result.stderr


def test_second_process_still_gets_the_scorecard_with_a_warning(held):
    result = cli("scorecard", "--db", str(held), "--format", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("warning: the running app holds")


def test_the_data_is_intact_once_the_holder_is_gone(tmp_path):
    db = tmp_path / "app.duckdb"
    holder = hold_a_new_database(db)
    holder.kill()
    holder.wait()
    store = Store(db)
    try:
        assert store.state().execute("SELECT count(*) FROM notes").fetchone()[0] == 1
        assert store.facts().execute("SELECT count(*) FROM leads").fetchone()[0] == 20000
    finally:
        store.close()
