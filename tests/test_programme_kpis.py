"""The two KPIs of issue 17 on a hand-built fixture: lead -> opportunity conversion (a cohort rate)
and cost per qualified lead (spend ÷ SQLs, or ÷ MQLs under the qualified-stage setting, which
switches revenue per qualified lead too)."""

from datetime import date

import pytest

from kpi.access.roles import Actor
from kpi.engine.compute import compute_scorecard, kpi_rows
from kpi.store.database import open_store, rewrite_facts
from kpi.store.settings import set_setting

ADMIN = Actor("boss", "admin")
LATE = date(2025, 12, 31)
JAN = {"start": date(2025, 1, 1), "end": date(2025, 1, 31)}
W = 10  # cohort window in days for these tests

LEADS = [
    # lead_id, mql_at, sql_at
    # A: deal 10 days after the MQL (the window's last day counts) -> converted.
    ("A", "2025-01-05 10:00", "2025-01-08 00:00"),
    # B: deal 11 days after -> not converted within W = 10.
    ("B", "2025-01-06 00:00", "2025-01-09 00:00"),
    # C: no deal; its SQL at the last minute of January counts as a January SQL.
    ("C", "2025-01-10 00:00", "2025-01-31 23:59"),
    # D: deal created the day before the MQL -> not converted, counted as backward.
    ("D", "2025-01-12 00:00", None),
    # F: skipped the MQL stage (MQL at its SQL date, 20 Jan); deal 2 days later -> converted.
    ("F", None, "2025-01-20 00:00"),
    # E: MQL on the last day of January, no deal; its SQL at midnight on 1 Feb is February's.
    ("E", "2025-01-31 00:00", "2025-02-01 00:00"),
]
DEALS = [
    # deal_id, lead_id, created_at, stage, closed_at, amount
    # DA won 17 Jan: 9 days after A's SQL (within W), 12 after its MQL (beyond W).
    ("DA", "A", "2025-01-15 09:00", "won", "2025-01-17 00:00", 300),
    ("DB", "B", "2025-01-17 00:00", "open", None, None),
    ("DD", "D", "2025-01-11 00:00", "open", None, None),
    # DF won 25 Jan: 5 days after F's SQL (its MQL date too).
    ("DF", "F", "2025-01-22 00:00", "won", "2025-01-25 00:00", 600),
]
SPEND = [("2025-01-01", "web", 3100), ("2025-02-01", "web", 280), ("2025-03-01", "web", 500)]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kpi.duckdb"
    with rewrite_facts(path) as con:
        con.executemany(
            "INSERT INTO leads (lead_id, created_at, channel, icp_tier, mql_at, sql_at) "
            "VALUES (?, '2025-01-01', 'web', 'A', ?, ?)",
            LEADS,
        )
        con.executemany(
            "INSERT INTO deals (deal_id, lead_id, created_at, stage, closed_at, amount) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            DEALS,
        )
        con.executemany("INSERT INTO marketing_spend VALUES (?, ?, ?)", SPEND)
    return open_store(path)


def card(db, start=JAN["start"], end=JAN["end"], as_of=LATE):
    return compute_scorecard(db, start=start, end=end, as_of=as_of, window=W)


def test_lead_to_opportunity_counts_deals_within_the_window(db):
    r = card(db).get("lead_to_opportunity_rate")
    # January MQLs: A, B, C, D, E, F (F at its SQL date) -> 6 leads; converted within
    # 10 days: A (day 10, inclusive), F (day 2) -> 2/6.
    assert (r.numerator, r.denominator) == (2, 6)
    assert r.value == pytest.approx(2 / 6)
    assert r.data_quality == {"skipped_stages": 1, "backward_stages": 1}
    assert not r.maturing  # 31 Jan + 10 days is long before 31 Dec


def test_lead_to_opportunity_cuts_at_as_of_and_matures(db):
    # As of 14 Jan: MQLs A, B, C, D are known; A's deal (15 Jan) is not yet -> 0/4, maturing.
    r = card(db, as_of=date(2025, 1, 14)).get("lead_to_opportunity_rate")
    assert (r.numerator, r.denominator, r.maturing) == (0, 4, True)
    # The rows behind it agree (drill-down reads the same view).
    rows = kpi_rows(db, "lead_to_opportunity_rate", **JAN, as_of=LATE, window=W)
    assert sorted(rows.numerator["lead_id"]) == ["A", "F"]


def test_lead_to_opportunity_empty_denominator_has_no_value(db):
    r = card(db, start=date(2025, 3, 1), end=date(2025, 3, 31)).get("lead_to_opportunity_rate")
    assert (r.value, r.n) == (None, 0)


def test_cost_per_sql_divides_the_spend_by_the_periods_sqls(db):
    jan = card(db).get("cost_per_sql")
    # January SQLs: A, B, F, C (23:59 on the 31st) -> 3100 / 4 = 775.
    assert (jan.numerator, jan.denominator, jan.value) == (3100, 4, 775)
    feb = card(db, start=date(2025, 2, 1), end=date(2025, 2, 28)).get("cost_per_sql")
    # February: E's SQL at midnight on 1 Feb -> 280 / 1.
    assert (feb.denominator, feb.value) == (1, 280)


def test_cost_per_sql_without_sqls_has_no_value(db):
    r = card(db, start=date(2025, 3, 1), end=date(2025, 3, 31)).get("cost_per_sql")
    # 500 spent in March, no SQL: no value, never a division by zero.
    assert (r.numerator, r.denominator, r.value) == (500, 0, None)


def test_qualified_stage_setting_switches_cost_per_sql_to_mqls(db):
    set_setting(db, ADMIN, "qualified_stage", "mql")
    r = card(db).get("cost_per_sql")
    # January MQLs (F at its SQL date, E on 31 Jan): A, B, C, D, F, E -> 3100 / 6.
    assert (r.denominator, r.value) == (6, pytest.approx(3100 / 6))
    rows = kpi_rows(db, "cost_per_sql", **JAN, as_of=LATE, window=W)
    assert sorted(rows.denominator["lead_id"]) == ["A", "B", "C", "D", "E", "F"]


def test_qualified_stage_setting_switches_revenue_per_qualified_lead(db):
    sql = card(db).get("revenue_per_sql")
    # January SQLs A, B, F, C; won within 10 days of the SQL: DA 300 + DF 600 -> 900 / 4.
    assert (sql.numerator, sql.denominator, sql.value) == (900, 4, 225)
    set_setting(db, ADMIN, "qualified_stage", "mql")
    mql = card(db).get("revenue_per_sql")
    # January MQLs A–F; within 10 days of the MQL only DF (DA came 12 days after A's) -> 600 / 6.
    assert (mql.numerator, mql.denominator, mql.value) == (600, 6, 100)
