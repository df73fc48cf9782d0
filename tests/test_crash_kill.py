"""SIGKILL in the middle of an import or of a burst of state writes: the database opens, what
was committed is all there, the interrupted import is absent and no lock is left behind."""

import os
import signal
import subprocess
import sys
import time

import pytest
from support import ROOT

from kpi.access.roles import SYSTEM
from kpi.store.database import Store, close_all, facts_lock, open_store, rewrite_facts

COMMITTED_LEADS = 1_000

IMPORTER = """
import sys
from kpi.store.database import rewrite_facts
with rewrite_facts(sys.argv[1]) as con:
    for chunk in range(1_000_000):
        con.execute(
            "INSERT INTO leads (lead_id, channel) SELECT 'X' || ? || '-' || i, 'import' "
            "FROM range(20000) t(i)",
            [chunk],
        )
        print(chunk, flush=True)
"""

WRITER = """
import sys
from kpi.access.roles import SYSTEM
from kpi.store.database import open_store
store = open_store(sys.argv[1])
for i in range(1_000_000):
    with store.write(SYSTEM, "notes") as w:
        w.insert("notes", {"kind": "learning", "text": f"n{i}", "created_by": "s", "created_at": w.now})
    print(i, flush=True)
"""


def committed_database(db):
    with rewrite_facts(db) as con:
        con.execute(
            "INSERT INTO leads (lead_id, channel) SELECT 'L' || i, 'web' FROM range(?) t(i)",
            [COMMITTED_LEADS],
        )
    close_all()


def start(script, db):
    return subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def read_until(process, count) -> list[str]:
    lines = []
    while len(lines) < count:
        line = process.stdout.readline()
        assert line, "the child stopped before it was killed"
        lines.append(line.strip())
    return lines


def kill(process) -> list[str]:
    process.send_signal(signal.SIGKILL)
    rest = process.stdout.read().split()
    process.wait()
    assert process.returncode == -signal.SIGKILL
    return rest


@pytest.mark.parametrize("chunks_before_kill", [1, 5, 12])
def test_import_killed_midway_leaves_the_committed_facts(tmp_path, chunks_before_kill):
    db = tmp_path / "crash.duckdb"
    committed_database(db)
    importer = start(IMPORTER, db)
    read_until(importer, chunks_before_kill)
    kill(importer)

    store = Store(db)
    try:
        leads = (
            store.facts()
            .execute("SELECT count(*), count(*) FILTER (channel = 'import') FROM leads")
            .fetchone()
        )
        assert leads == (COMMITTED_LEADS, 0), "committed rows intact, interrupted import absent"
        assert store.facts_generation() == 1
    finally:
        store.close()
    with facts_lock(db, timeout=1):
        pass
    with rewrite_facts(db, timeout=1) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('after-crash')")
    assert open_store(db).facts().execute("SELECT count(*) FROM leads").fetchone()[0] == 1_001


def test_demo_generation_killed_midway_leaves_the_previous_facts(tmp_path):
    db = tmp_path / "crash.duckdb"
    committed_database(db)
    demo = subprocess.Popen(
        [sys.executable, "-m", "kpi", "demo", "--db", str(db), "--leads", "3000000"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".crash.duckdb.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Without the private copy the kill below would not hit a write in progress.
    assert list(tmp_path.glob(".crash.duckdb.*.tmp")), "the demo never began rewriting the facts"
    time.sleep(1.0)
    assert demo.poll() is None, "the demo finished before it could be interrupted"
    os.kill(demo.pid, signal.SIGKILL)
    demo.wait()
    store = open_store(db)
    assert store.facts().execute("SELECT count(*) FROM leads").fetchone()[0] == COMMITTED_LEADS
    assert store.facts().execute("SELECT count(*) FROM deals").fetchone()[0] == 0


@pytest.mark.parametrize("writes_before_kill", [1, 40, 150, 400])
def test_burst_of_writes_killed_keeps_every_committed_write(tmp_path, writes_before_kill):
    db = tmp_path / "crash.duckdb"
    committed_database(db)
    writer = start(WRITER, db)
    acknowledged = read_until(writer, writes_before_kill)
    acknowledged += kill(writer)

    store = Store(db)
    try:
        texts = [
            r[0] for r in store.state().execute("SELECT text FROM notes ORDER BY id").fetchall()
        ]
        # A write may commit in the instant between its COMMIT and its acknowledgement.
        assert texts[: len(acknowledged)] == [f"n{i}" for i in acknowledged]
        assert len(texts) - len(acknowledged) in (0, 1)
        assert texts == [f"n{i}" for i in range(len(texts))], "each write present exactly once"
        audited = (
            store.state()
            .execute("SELECT count(*) FROM audit_log WHERE table_name = 'notes'")
            .fetchone()[0]
        )
        assert audited == len(texts), "no write without its audit row, no audit row without a write"
        assert store.state_version() == len(texts)
        with store.write(SYSTEM, "notes") as w:
            w.insert(
                "notes",
                {"kind": "learning", "text": "after", "created_by": "s", "created_at": w.now},
            )
    finally:
        store.close()
