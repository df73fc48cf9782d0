"""Boundary cases that small deliberate code changes used to survive; numbers worked out by hand."""

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from kpi.access.roles import SYSTEM
from kpi.cockpit import timer
from kpi.engine.compute import compute_scorecard
from kpi.ingest.importer import run_import
from kpi.store.database import open_store, rewrite_facts

W = 10  # cohort window in days for these fixtures
JAN = {"start": date(2025, 1, 1), "end": date(2025, 1, 31)}
LATE = date(2025, 12, 31)


def seed(path: Path, leads: list[tuple], deals: list[tuple]) -> None:
    with rewrite_facts(path) as con:
        con.executemany("INSERT INTO leads (lead_id, mql_at, sql_at) VALUES (?, ?, ?)", leads)
        if deals:
            con.executemany(
                "INSERT INTO deals (deal_id, lead_id, created_at, stage, closed_at, amount) "
                "VALUES (?, ?, ?, 'won', ?, ?)",
                deals,
            )


def test_revenue_per_sql_counts_a_win_on_day_w_and_none_before_the_sql(tmp_path):
    path = tmp_path / "rps.duckdb"
    seed(
        path,
        leads=[
            ("A", "2025-01-02 09:00", "2025-01-05 10:00"),
            ("B", "2025-01-08 09:00", "2025-01-10 10:00"),
            ("C", "2025-01-10 09:00", "2025-01-12 10:00"),
        ],
        deals=[
            # A: won on 15 Jan = SQL day (5 Jan) + W: inside the window.
            ("DA", "A", "2025-01-06", "2025-01-15 18:00", 100),
            # B: won on 9 Jan, the day before its SQL: not revenue of that SQL.
            ("DB", "B", "2025-01-08", "2025-01-09 12:00", 50),
            # C: won on 23 Jan = 12 Jan + W + 1: one day too late.
            ("DC", "C", "2025-01-13", "2025-01-23 08:00", 7),
        ],
    )
    sc = compute_scorecard(open_store(path), as_of=LATE, window=W, **JAN)
    rps = sc.get("revenue_per_sql")
    # Three January SQLs; only A's 100 falls within [SQL date, SQL date + W].
    assert (rps.numerator, rps.denominator) == (100, 3)
    assert abs(rps.value - 100 / 3) < 1e-9


def test_a_cohort_whose_end_plus_w_is_the_as_of_day_is_final(tmp_path):
    path = tmp_path / "cohort.duckdb"
    seed(path, leads=[("A", "2025-01-31 09:00", "2025-02-10 23:00")], deals=[])
    store = open_store(path)

    def mql_to_sql(as_of: date):
        return compute_scorecard(store, as_of=as_of, window=W, **JAN).get("mql_to_sql_rate")

    # The last January MQL (31 Jan) can convert until 31 Jan + W = 10 Feb, which an as-of of
    # 10 Feb already includes: the cohort is final (and A converted on the very last day).
    final = mql_to_sql(date(2025, 2, 10))
    assert not final.maturing
    assert (final.numerator, final.denominator) == (1, 1)
    # One day earlier the last day of the window is still ahead.
    young = mql_to_sql(date(2025, 2, 9))
    assert young.maturing
    assert (young.numerator, young.denominator) == (0, 1)


T0 = datetime(2026, 3, 2, 10, 0, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_auto_advance_hands_over_at_exactly_zero():
    running = timer.start(timer.new_timer([5, 10]), at(0))
    settled = timer.settle(running, at(300), auto_advance=True)
    assert settled.current == 1
    assert settled.blocks[0].spent_seconds == 300
    assert settled.blocks[1].actual_start == at(300)
    shown = timer.view(running, at(300), auto_advance=True)
    assert (shown.current, shown.clock) == (1, "10:00")


def test_a_revisited_block_with_exactly_zero_left_is_not_skipped():
    running = timer.start(timer.new_timer([5, 10]), at(0))
    # Block 1 used exactly its 300 s, then the facilitator goes back to it: 0 s left.
    back = timer.previous_block(timer.next_block(running, at(300)), at(310))
    assert back.blocks[0].spent_seconds == 300
    settled = timer.settle(back, at(320), auto_advance=True)
    assert settled.current == 0
    assert timer.view(back, at(320), auto_advance=True).clock == "+00:10"


def test_an_update_without_channel_tier_or_date_keeps_the_deal_own_values(tmp_path):
    db = tmp_path / "f.duckdb"
    (tmp_path / "l.csv").write_text(
        "lead_id,created_at,channel,icp_tier,mql_at\nL1,2024-01-02,web,A,2024-01-03 10:00\n",
        encoding="utf-8",
    )
    (tmp_path / "d1.csv").write_text(
        "deal_id,lead_id,created_at,channel,icp_tier,stage\nD1,L1,2024-02-01,partner,C,open\n",
        encoding="utf-8",
    )
    # The update names neither channel, tier nor created_at.
    (tmp_path / "d2.csv").write_text(
        "deal_id,lead_id,stage,closed_at,amount\nD1,L1,won,2024-03-01,900\n", encoding="utf-8"
    )
    run_import(db, "leads", tmp_path / "l.csv", SYSTEM)
    run_import(db, "deals", tmp_path / "d1.csv", SYSTEM)
    report = run_import(db, "deals", tmp_path / "d2.csv", SYSTEM)
    assert (report.inserted, report.updated) == (0, 1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT channel, icp_tier, created_at, created_at_inferred, stage, amount FROM deals"
        ).fetchall()
    finally:
        con.close()
    assert row == [("partner", "C", datetime(2024, 2, 1), False, "won", 900)]
