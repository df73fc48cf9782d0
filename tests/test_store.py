"""The store: migrations, two-file layout, atomic facts swap, audited role-checked writes."""

import os
import string

import duckdb
import pytest

from kpi.access.roles import Actor, PermissionDenied
from kpi.store.database import Store, StoreError, migrate, rewrite_facts, state_path_for
from kpi.store.schema import FACTS_MIGRATIONS
from kpi.store.state_schema import STATE_MIGRATIONS

ADMIN = Actor("ana", "admin")
VIEWER = Actor("victor", "viewer")


def test_new_database_has_every_table_and_records_migrations(store):
    facts = {r[0] for r in store.facts().execute("SHOW TABLES").fetchall()}
    assert {"leads", "deals", "marketing_spend", "schema_migrations"} <= facts
    state = {r[0] for r in store.state().execute("SHOW TABLES").fetchall()}
    expected = (
        "settings kpi_targets outcomes meetings agenda_blocks timer_state notes backlog_items "
        "sprint_actions checklist_answers meeting_ratings audit_log login_attempts schema_migrations"
    )
    assert set(expected.split()) <= state
    versions = store.state().execute("SELECT version FROM schema_migrations").fetchall()
    assert [v for (v,) in versions] == [v for v, _, _ in STATE_MIGRATIONS]


def test_reapplying_migrations_is_a_no_op(tmp_path):
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    assert migrate(con, FACTS_MIGRATIONS) == len(FACTS_MIGRATIONS)
    assert migrate(con, FACTS_MIGRATIONS) == 0
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(
        FACTS_MIGRATIONS
    )


def test_state_lives_beside_the_facts_file(tmp_path):
    Store(tmp_path / "company.duckdb").close()
    assert sorted(p.name for p in tmp_path.glob("*.duckdb")) == [
        "company.duckdb",
        "company.state.duckdb",
    ]
    assert state_path_for(tmp_path / "company.duckdb").name == "company.state.duckdb"


def test_a_facts_file_behind_the_migrations_is_brought_up_to_date_when_opened(tmp_path):
    path = tmp_path / "older.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, FACTS_MIGRATIONS[:-1])
    con.execute("INSERT INTO leads (lead_id) VALUES ('L1')")
    con.close()
    store = Store(path)
    facts = store.facts()
    assert (
        facts.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        == (FACTS_MIGRATIONS[-1][0])
    )
    assert facts.execute("SELECT lead_id FROM leads").fetchall() == [("L1",)]
    store.close()


def test_swapped_facts_are_seen_by_an_open_store_and_bump_the_generation(store):
    assert store.facts_generation() == 1
    with rewrite_facts(store.path) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L1'), ('L2')")
    assert store.facts().execute("SELECT count(*) FROM leads").fetchone()[0] == 2
    assert store.facts_generation() == 2


def test_cursors_taken_together_read_one_generation_even_across_a_swap(store):
    with rewrite_facts(store.path) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L1')")
    first, second = store.facts_cursors(2)
    with rewrite_facts(store.path) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L2'), ('L3')")
    count = "SELECT count(*) FROM leads"
    assert first.execute(count).fetchone()[0] == 1
    assert second.execute(count).fetchone()[0] == 1
    assert store.facts().execute(count).fetchone()[0] == 3


def test_derived_tables_are_stored_in_anchor_date_order(store):
    # Inserted newest first; a scorecard window then reads a few row groups, not all of them.
    with rewrite_facts(store.path) as con:
        con.execute(
            "INSERT INTO leads (lead_id, mql_at, sql_at) VALUES "
            "('L1', '2025-03-01', NULL), ('L2', NULL, '2025-01-15'), ('L3', '2025-02-01', NULL)"
        )
        con.execute(
            "INSERT INTO deals (deal_id, created_at, stage, closed_at) VALUES "
            "('D1', '2025-01-01', 'won', '2025-04-01'), ('D2', '2025-02-01', 'open', NULL), "
            "('D3', '2025-01-10', 'lost', '2025-01-20')"
        )
    cur = store.facts()
    assert cur.execute("SELECT lead_id FROM lead_facts ORDER BY rowid").fetchall() == [
        ("L2",),
        ("L3",),
        ("L1",),
    ]
    # Deals by close date, or creation date while open.
    assert cur.execute("SELECT deal_id FROM deal_facts ORDER BY rowid").fetchall() == [
        ("D3",),
        ("D2",),
        ("D1",),
    ]


def test_a_failed_rewrite_leaves_the_facts_untouched(store):
    with rewrite_facts(store.path) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L1')")
    with pytest.raises(RuntimeError), rewrite_facts(store.path) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L2')")
        raise RuntimeError("import failed half way")
    assert store.facts().execute("SELECT lead_id FROM leads").fetchall() == [("L1",)]
    assert store.facts_generation() == 2
    leftovers = [p for p in os.listdir(store.path.parent) if p.endswith(".tmp")]
    assert leftovers == []


def test_write_is_audited_and_bumps_the_state_version(store):
    before = store.state_version()
    with store.write(ADMIN, "settings") as w:
        w.insert(
            "settings",
            {"key": "sla_hours", "value": "12", "valid_from": w.now, "changed_by": "ana"},
        )
    assert store.state_version() == before + 1
    actor, action, table, after = (
        store.state().execute("SELECT actor, action, table_name, after FROM audit_log").fetchone()
    )
    assert (actor, action, table) == ("ana", "insert", "settings")
    assert '"sla_hours"' in after


def test_viewer_write_is_refused_and_nothing_changes(store):
    before = store.state_version()
    with pytest.raises(PermissionDenied), store.write(VIEWER, "backlog"):
        pass
    assert store.state_version() == before
    assert store.state().execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_failed_write_rolls_back_everything(store):
    with pytest.raises(RuntimeError), store.write(ADMIN, "settings") as w:
        w.insert("settings", {"key": "x", "value": "1", "valid_from": w.now, "changed_by": "a"})
        raise RuntimeError("boom")
    assert store.state().execute("SELECT count(*) FROM settings").fetchone()[0] == 0
    assert store.state().execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_writer_refuses_unknown_tables_and_columns(store):
    with pytest.raises(ValueError), store.write(ADMIN, "settings") as w:
        w.insert("audit_log; DROP TABLE settings", {"key": "x"})
    with pytest.raises(ValueError), store.write(ADMIN, "settings") as w:
        w.insert("settings", {"key) VALUES (1); --": "x"})


def test_truncated_facts_file_is_reported_as_damaged(tmp_path):
    path = tmp_path / "bad.duckdb"
    path.write_bytes(bytes(string.ascii_letters * 100, "ascii"))
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.kind == "damaged"


def test_the_next_writer_removes_copies_left_by_a_crashed_import(store):
    stale = store.path.with_name(f".{store.path.name}.99999.deadbeef.tmp")
    stale.write_bytes(b"half-written copy")
    stale.with_name(stale.name + ".wal").write_bytes(b"wal")
    with rewrite_facts(store.path) as con:
        con.execute("INSERT INTO leads (lead_id) VALUES ('L1')")
    leftovers = [p.name for p in store.path.parent.iterdir() if p.name.startswith(".test.duckdb.")]
    assert leftovers == []
    assert store.facts().execute("SELECT lead_id FROM leads").fetchall() == [("L1",)]
