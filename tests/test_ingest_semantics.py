"""Import semantics: upsert, idempotence, duplicates, partial accept, dry run, deals from leads,
roles, the import log, and imports while the app holds the database."""

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kpi.access.roles import SYSTEM, Actor, PermissionDenied
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import Mapping
from kpi.store.database import open_store
from tests.ingest_support import rows, write

ROOT = Path(__file__).resolve().parent.parent

LEADS = (
    "lead_id,created_at,channel,icp_tier,mql_at\n"
    "L1,2024-01-02,web,A,2024-01-03 10:00\n"
    "L2,2024-01-05,ads,B,\n"
    "L3,2024-01-07,events,C,2024-01-08\n"
)


def generation(db) -> int:
    return int(rows(db, "SELECT value FROM facts_meta WHERE key = 'generation'")[0][0])


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    db, src = tmp_path / "f.duckdb", write(tmp_path / "leads.csv", LEADS)
    first = run_import(db, "leads", src, SYSTEM)
    assert (first.rows_read, first.inserted, first.updated, first.unchanged) == (3, 3, 0, 0)
    again = run_import(db, "leads", src, SYSTEM)
    assert (again.inserted, again.updated, again.unchanged, again.rejected_rows) == (0, 0, 3, 0)
    changed = write(
        tmp_path / "leads2.csv", LEADS.replace("L2,2024-01-05,ads", "L2,2024-01-05,seo")
    )
    third = run_import(db, "leads", changed, SYSTEM)
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 2)
    assert rows(db, "SELECT channel FROM leads WHERE lead_id = 'L2'") == [("seo",)]


def test_duplicate_ids_are_rejected_naming_both_lines(tmp_path):
    src = write(tmp_path / "d.csv", "lead_id,channel\nL1,web\nL2,ads\nL1,seo\n")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert [(r.line, r.value, r.reason, r.detail) for r in report.rejections] == [
        (2, "L1", "duplicate", "4"),
        (4, "L1", "duplicate", "2"),
    ]
    assert "4" in report.rejections[0].text("en")
    assert report.exit_code == 2


def test_rejections_block_the_write_unless_valid_rows_are_accepted(tmp_path):
    db = tmp_path / "f.duckdb"
    src = write(tmp_path / "l.csv", "lead_id,icp_tier\nL1,A\nL2,Z\nL3,B\n")
    blocked = run_import(db, "leads", src, SYSTEM)
    assert not blocked.written and blocked.rejected_rows == 1 and blocked.inserted == 2
    empty = generation(db)
    assert rows(db, "SELECT count(*) FROM leads") == [(0,)]
    accepted = run_import(db, "leads", src, SYSTEM, accept_valid=True)
    assert accepted.written and accepted.exit_code == 0
    assert rows(db, "SELECT lead_id, icp_tier FROM leads ORDER BY 1") == [("L1", "A"), ("L3", "B")]
    assert generation(db) == empty + 1


def test_dry_run_writes_nothing(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "a.csv", "lead_id\nL0\n"), SYSTEM)
    before = (os.stat(db).st_ino, os.stat(db).st_mtime_ns, generation(db))
    report = run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM, dry_run=True)
    assert report.inserted == 3 and not report.written
    assert (os.stat(db).st_ino, os.stat(db).st_mtime_ns, generation(db)) == before
    assert rows(db, "SELECT count(*) FROM leads") == [(1,)]
    assert rows(db, "SELECT count(*) FROM import_log") == [(1,)]


def deals_as_completed(db) -> list[tuple]:
    """Each deal with what its lead completes: created_at (and whether inferred), channel, tier."""
    return rows(
        db,
        "SELECT deal_id, created_at, created_at_inferred, channel, icp_tier FROM deals ORDER BY 1",
    )


def test_deals_take_channel_tier_and_date_from_their_lead(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM)
    deals = write(
        tmp_path / "d.csv",
        "deal_id,lead_id,created_at,channel,stage\n"
        "D1,L1,,,won\n"
        "D2,L2,,partner,open\n"
        "D3,L3,2024-02-01,,lost\n"
        "D4,L99,2024-02-02,,open\n"
        "D5,,,,open\n",
    )
    report = run_import(db, "deals", deals, SYSTEM)
    assert report.created_at_inferred == 2
    assert report.unknown_leads == 1 and report.unknown_lead_examples == ["L99"]
    assert deals_as_completed(db) == [
        ("D1", datetime(2024, 1, 3, 10, 0), True, "web", "A"),
        ("D2", datetime(2024, 1, 5), True, "partner", "B"),
        ("D3", datetime(2024, 2, 1), False, "events", "C"),
        ("D4", datetime(2024, 2, 2), False, None, None),
        ("D5", None, False, None, None),
    ]
    again = run_import(db, "deals", deals, SYSTEM)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_a_file_with_few_columns_updates_only_those(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "deals", write(tmp_path / "d.csv", "deal_id,stage,amount\nD1,won,100\n"), SYSTEM)
    nps = write(tmp_path / "nps.csv", "deal_id,nps_score\nD1,9\nD2,7\n")
    report = run_import(db, "deals", nps, SYSTEM)
    assert [(r.line, r.reason) for r in report.rejections] == [(3, "missing_required")]
    run_import(db, "deals", nps, SYSTEM, accept_valid=True)
    assert rows(db, "SELECT deal_id, stage, amount, nps_score FROM deals") == [
        ("D1", "won", Decimal("100.00"), 9)
    ]


def test_spend_months_in_several_shapes(tmp_path):
    db = tmp_path / "f.duckdb"
    src = write(
        tmp_path / "s.csv",
        "mes;canal;gasto\n2024-03;ads;1.500,00\n04/2024;ads;200\n2024-05-17;seo;€ 30,5\n2024-03-09;ads;1\n",
    )
    report = run_import(db, "spend", src, SYSTEM, accept_valid=True)
    assert [(r.line, r.reason, r.detail) for r in report.rejections] == [
        (2, "duplicate", "5"),
        (5, "duplicate", "2"),
    ]
    assert rows(db, "SELECT month, channel, amount FROM marketing_spend ORDER BY 1") == [
        (date(2024, 4, 1), "ads", Decimal("200.00")),
        (date(2024, 5, 1), "seo", Decimal("30.50")),
    ]


def test_every_import_is_logged_with_its_actor(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), Actor("ana", "admin"))
    assert rows(db, "SELECT actor, table_name, source, rows_read, inserted FROM import_log") == [
        ("ana", "leads", "l.csv", 3, 3)
    ]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_import(tmp_path, role):
    with pytest.raises(PermissionDenied):
        run_import(
            tmp_path / "f.duckdb", "leads", write(tmp_path / "l.csv", LEADS), Actor("x", role)
        )
    assert not (tmp_path / "f.duckdb").exists()


def test_table_and_mapping_must_agree(tmp_path):
    from kpi.ingest.mapping import IngestError

    with pytest.raises(IngestError) as err:
        run_import(
            tmp_path / "f.duckdb",
            "leads",
            write(tmp_path / "l.csv", LEADS),
            SYSTEM,
            mapping=Mapping("deals", {"deal_id": ["lead_id"]}),
        )
    assert err.value.code == "table_mismatch"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", "import", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_while_the_app_holds_the_database(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "a.csv", "lead_id\nL0\n"), SYSTEM)
    store = open_store(db)
    assert store.facts().execute("SELECT count(*) FROM leads").fetchone() == (1,)
    before = store.facts_generation()
    done = cli("leads", str(write(tmp_path / "l.csv", LEADS)), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert store.facts_generation() == before + 1
    assert store.facts().execute("SELECT count(*) FROM leads").fetchone() == (4,)


def test_two_concurrent_imports_both_land(tmp_path):
    db = tmp_path / "f.duckdb"
    run_import(db, "leads", write(tmp_path / "a.csv", "lead_id\nL0\n"), SYSTEM)
    start = generation(db)
    files = []
    for n in range(2):
        body = "".join(f"P{n}-{i},web\n" for i in range(2000))
        files.append(write(tmp_path / f"p{n}.csv", "lead_id,channel\n" + body))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kpi", "import", "leads", str(f), "--db", str(db)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert rows(db, "SELECT count(*) FROM leads") == [(4001,)]
    assert generation(db) == start + 2
    assert rows(db, "SELECT count(*) FROM import_log") == [(3,)]


def test_deals_imported_before_their_leads_are_completed_later(tmp_path):
    db = tmp_path / "f.duckdb"
    deals = write(tmp_path / "d.csv", "deal_id,lead_id,stage\nD1,L1,won\nD2,L3,open\n")
    first = run_import(db, "deals", deals, SYSTEM)
    assert (first.inserted, first.unknown_leads, first.created_at_inferred) == (2, 2, 0)
    run_import(db, "leads", write(tmp_path / "l.csv", LEADS), SYSTEM)
    again = run_import(db, "deals", deals, SYSTEM)
    assert (again.inserted, again.updated, again.unchanged) == (0, 2, 0)
    assert (again.unknown_leads, again.created_at_inferred) == (0, 2)
    assert deals_as_completed(db) == [
        ("D1", datetime(2024, 1, 3, 10, 0), True, "web", "A"),
        ("D2", datetime(2024, 1, 8), True, "events", "C"),
    ]
    third = run_import(db, "deals", deals, SYSTEM)
    assert (third.inserted, third.updated, third.unchanged, third.created_at_inferred) == (
        0,
        0,
        2,
        0,
    )
