"""Incremental facts writes: the derived rows equal a full rebuild after any sequence of imports,
an import that changes nothing writes nothing, and a running Store sees each write."""

import os
import shutil
from datetime import datetime

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.access.roles import SYSTEM
from kpi.ingest.importer import run_import
from kpi.store.database import Store
from kpi.store.schema import DERIVED_FACTS, FACTS_MIGRATIONS, migrate
from tests.ingest_support import rows, write

LEAD_IDS = ["L1", "L2", "L3", "L4"]
DEAL_IDS = ["D1", "D2", "D3", "D4"]
DAYS = ["", "2024-01-03", "2024-02-10", "2024-03-15"]

# The derived tables compared row for row; a lead's wins are a set (list() keeps no order).
DERIVED = {
    "lead_facts": "SELECT * REPLACE (list_sort(wins) AS wins) FROM lead_facts ORDER BY lead_id",
    "deal_facts": "SELECT * FROM deal_facts ORDER BY deal_id",
    "facts_latest": "SELECT * FROM facts_latest",
}


def derived(path) -> dict[str, list[tuple]]:
    return {name: rows(path, sql) for name, sql in DERIVED.items()}


def rebuilt(path, scratch) -> dict[str, list[tuple]]:
    """The derived tables of a full rebuild of a copy of `path`."""
    shutil.copyfile(path, scratch)
    con = duckdb.connect(str(scratch))
    try:
        con.execute(DERIVED_FACTS)
    finally:
        con.close()
    return derived(scratch)


lead_rows = st.fixed_dictionaries(
    {
        "created_at": st.sampled_from(DAYS),
        "channel": st.sampled_from(["", "web", "ads"]),
        "icp_tier": st.sampled_from(["", "A", "B"]),
        "mql_at": st.sampled_from(DAYS),
        "sql_at": st.sampled_from(DAYS),
        "first_response_at": st.sampled_from(DAYS),
    }
)
deal_rows = st.fixed_dictionaries(
    {
        "lead_id": st.sampled_from(["", "L9", *LEAD_IDS]),
        "created_at": st.sampled_from(DAYS),
        "channel": st.sampled_from(["", "web", "events"]),
        "stage": st.sampled_from(["open", "won", "lost"]),
        "closed_at": st.sampled_from(DAYS),
        "amount": st.sampled_from(["", "100", "2500.50"]),
    }
)


@st.composite
def an_import(draw):
    """One CSV: leads or deals, some of the ids, some of the optional columns."""
    table = draw(st.sampled_from(["leads", "deals"]))
    ids = draw(
        st.lists(
            st.sampled_from(LEAD_IDS if table == "leads" else DEAL_IDS), unique=True, min_size=1
        )
    )
    values = [draw(lead_rows if table == "leads" else deal_rows) for _ in ids]
    optional = [c for c in values[0] if c != "stage"]
    kept = draw(st.lists(st.sampled_from(optional), unique=True, min_size=1))
    columns = [c for c in values[0] if c in kept or c == "stage"]
    key = "lead_id" if table == "leads" else "deal_id"
    lines = [",".join([key, *columns])]
    lines += [",".join([i] + [v[c] for c in columns]) for i, v in zip(ids, values, strict=True)]
    return table, "\n".join(lines) + "\n"


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(an_import(), min_size=1, max_size=5))
def test_incremental_derived_rows_equal_a_full_rebuild(tmp_path, imports):
    folder = tmp_path / datetime.now().strftime("%H%M%S%f")
    folder.mkdir()
    db = folder / "f.duckdb"
    for number, (table, text) in enumerate(imports):
        source = write(folder / f"{number}.csv", text)
        run_import(db, table, source, SYSTEM, accept_valid=True)
        assert derived(db) == rebuilt(db, folder / "full.duckdb"), f"after import {number}"


LEADS = (
    "lead_id,created_at,channel,mql_at\nL1,2024-01-02,web,2024-01-03 10:00\nL2,2024-01-05,ads,\n"
)
DEALS = "deal_id,lead_id,stage,closed_at,amount\nD1,L1,won,2024-02-01,100\nD2,L3,open,,\n"


def identity(path) -> tuple:
    st_ = os.stat(path)
    return st_.st_ino, st_.st_mtime_ns, path.read_bytes()


def test_reimporting_an_unchanged_file_does_not_touch_the_facts_file(tmp_path):
    db = tmp_path / "f.duckdb"
    leads, deals = write(tmp_path / "l.csv", LEADS), write(tmp_path / "d.csv", DEALS)
    run_import(db, "leads", leads, SYSTEM)
    first = run_import(db, "deals", deals, SYSTEM)
    before = identity(db)
    again = run_import(db, "deals", deals, SYSTEM)
    assert (again.written, again.inserted, again.updated, again.unchanged) == (True, 0, 0, 2)
    # Created empty (1), the leads (2), the deals (3).
    assert again.generation == first.generation == 3
    assert identity(db) == before, "same inode, same bytes"
    assert run_import(db, "leads", leads, SYSTEM).generation == 3
    assert identity(db) == before
    assert rows(db, "SELECT value FROM facts_meta WHERE key = 'generation'") == [("3",)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".f.duckdb")], "no copy left"


def test_a_lead_imported_after_its_deal_fills_the_deal_and_counts_its_win(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "deals", write(tmp_path / "d.csv", DEALS), SYSTEM)
    assert rows(db, "SELECT deal_id, no_lead, channel FROM deal_facts ORDER BY 1") == [
        ("D1", True, "unattributed"),
        ("D2", True, "unattributed"),
    ]
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM)
    assert rows(db, "SELECT deal_id, no_lead, channel, created_eff FROM deal_facts ORDER BY 1") == [
        ("D1", False, "web", datetime(2024, 1, 3, 10)),
        ("D2", True, "unattributed", None),
    ]
    # L2 has no MQL or SQL date: no lead_facts row. L1 won 100 on 2024-02-01.
    assert rows(db, "SELECT lead_id, first_won_at, wins[1].amount FROM lead_facts") == [
        ("L1", datetime(2024, 2, 1), 100)
    ]
    assert rows(db, "SELECT leads, deals FROM facts_latest") == [
        (datetime(2024, 1, 5), datetime(2024, 2, 1))
    ]


def test_a_later_date_moved_back_lowers_the_latest_event(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM)
    moved = write(tmp_path / "m.csv", "lead_id,created_at\nL2,2024-01-01\n")
    run_import(db, "leads", moved, SYSTEM)
    # L1: created 01-02, MQL 01-03 10:00 is now the latest event of any lead.
    assert rows(db, "SELECT leads FROM facts_latest") == [(datetime(2024, 1, 3, 10),)]


def test_a_store_serving_reads_sees_each_incremental_write_on_its_next_read(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM)
    store = Store(db)
    try:
        held = store.facts()  # a query of the old generation still open while the import runs
        assert held.execute("SELECT count(*) FROM lead_facts").fetchone()[0] == 1
        more = write(tmp_path / "more.csv", "lead_id,mql_at\nL2,2024-01-06\nL5,2024-01-07\n")
        report = run_import(db, "leads", more, SYSTEM)
        assert (report.inserted, report.updated) == (1, 1)
        assert store.facts().execute("SELECT count(*) FROM lead_facts").fetchone()[0] == 3
        assert store.facts_generation() == 3
        assert held.execute("SELECT count(*) FROM lead_facts").fetchone()[0] == 1
    finally:
        store.close()


def test_an_import_into_a_file_behind_the_migrations_brings_it_up_to_date_first(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    try:
        migrate(con, FACTS_MIGRATIONS[:3])  # before lead_facts.first_deal_at
    finally:
        con.close()
    run_import(db, "deals", write(tmp_path / "d.csv", DEALS), SYSTEM)
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM)
    assert rows(db, "SELECT lead_id, first_deal_at FROM lead_facts") == [
        ("L1", datetime(2024, 1, 3, 10))
    ]
    assert derived(db) == rebuilt(db, tmp_path / "full.duckdb")
