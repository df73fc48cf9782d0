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


# Stops an incremental import before its n-th call into C (a DuckDB statement, a copy, an fsync,
# the rename...) inside the write path of kpi/store/facts_file.py and files.py, and waits there
# to be killed. Stop 0 never stops and prints how many calls there were.
STOPPING_IMPORTER = """
import sys, time
from kpi.access.roles import SYSTEM
from kpi.ingest.importer import run_import
WRITE_PATH = {"write", "_private_copy", "_note_touched", "_refresh_derived", "_refresh_latest",
              "_swap_in", "copy_private", "_copy_descriptor", "fsync_path", "make_private"}
stop, calls = int(sys.argv[3]), [0]
def profile(frame, event, arg):
    code = frame.f_code
    if event == "c_call" and code.co_name in WRITE_PATH and code.co_filename.endswith("files.py"):
        calls[0] += 1
        if calls[0] == stop:
            print("stopped", flush=True)
            time.sleep(600)
sys.setprofile(profile)
run_import(sys.argv[1], "leads", sys.argv[2], SYSTEM)
sys.setprofile(None)
print("done", calls[0], flush=True)
"""

CHANGE = "lead_id,channel,mql_at\nL1,seo,2024-03-01\nNEW,web,2024-03-02\n"


def _stopping_import(db, source, stop):
    return subprocess.Popen(
        [sys.executable, "-c", STOPPING_IMPORTER, str(db), str(source), str(stop)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _facts(db):
    store = Store(db)
    try:
        cur = store.facts()
        return (
            store.facts_generation(),
            cur.execute("SELECT count(*), count(*) FILTER (channel = 'seo') FROM leads").fetchone(),
            cur.execute("SELECT count(*) FROM lead_facts").fetchone()[0],
        )
    finally:
        store.close()


def test_incremental_import_killed_at_every_step_leaves_committed_facts_and_a_free_lock(
    tmp_path,
):
    db, source = tmp_path / "crash.duckdb", tmp_path / "change.csv"
    committed_database(db)
    source.write_text(CHANGE)
    old = (1, (COMMITTED_LEADS, 0), 0)  # the committed leads have no MQL date: no lead_facts
    new = (2, (COMMITTED_LEADS + 1, 1), 2)
    # A dry count of the steps on a copy: the run that never stops.
    probe = tmp_path / "probe.duckdb"
    probe.write_bytes(db.read_bytes())
    done = _stopping_import(probe, source, 0).communicate(timeout=120)[0].split()
    steps = int(done[-1])
    assert steps > 10, done
    outcomes = []
    for stop in range(1, steps + 1):
        importer = _stopping_import(db, source, stop)
        assert importer.stdout.readline().strip() == "stopped", importer.stderr.read()
        kill(importer)
        facts = _facts(db)
        assert facts in (old, new), f"killed before step {stop} of {steps}: {facts}"
        outcomes.append(facts == new)
        with facts_lock(db, timeout=1):
            pass
        if facts == new:
            break
    # Killed before the rename, the old facts; after it, the new ones (the last steps only
    # flush the folder). Copies left by the killed runs add steps, so the new facts may come
    # only with the import below.
    assert not any(outcomes[:-1])
    assert len(outcomes) >= steps - 4, "the new facts appear only at the rename, near the end"
    after = _stopping_import(db, source, 0).communicate(timeout=120)
    assert "done" in after[0], after[1]
    assert _facts(db) == new
    assert not list(tmp_path.glob(".crash.duckdb.*")), "no copy left behind"
