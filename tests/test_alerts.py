"""Misalignment alerts on a hand-built December/January dataset; each alert carries its numbers."""

from datetime import date, datetime, timedelta

import pytest

from kpi import clock
from kpi.access.roles import Actor
from kpi.engine.alerts import misalignment_alerts
from kpi.engine.compute import compute_scorecard
from kpi.engine.targets import set_target
from kpi.store.database import open_store, rewrite_facts

# The leads of these fixtures: id, creation, channel, ICP tier, MQL, SQL and first response.
LEADS_INSERT = (
    "INSERT INTO leads (lead_id, created_at, channel, icp_tier, mql_at, sql_at, "
    "first_response_at) VALUES (?,?,?,?,?,?,?)"
)


def seed(path):
    """December: 10 MQLs, 5 SQLs, 1 win delivered in 5 days. January: 20 MQLs, still 5 SQLs,
    20 opportunities (10 ICP-A), 3 wins delivered in 10 days. Every response takes 30 h."""
    leads, deals = [], []
    for month, count in ((12, 10), (1, 20)):
        year = 2024 if month == 12 else 2025
        for i in range(count):
            mql = datetime(year, month, 5) + timedelta(hours=i)
            sql = mql + timedelta(days=1) if i < 5 else None
            leads.append((f"{month}-{i}", mql, "web", "A", mql, sql, mql + timedelta(hours=30)))
    deals.append(
        ("X", datetime(2024, 12, 1), "A", "won", datetime(2024, 12, 10), datetime(2024, 12, 15))
    )
    for i in range(20):
        won = i < 3
        deals.append(
            (
                f"J{i}",
                datetime(2025, 1, 3),
                "A" if i < 10 else "B",
                "won" if won else "open",
                datetime(2025, 1, 10) if won else None,
                datetime(2025, 1, 20) if won else None,
            )
        )
    with rewrite_facts(path) as con:
        con.executemany(LEADS_INSERT, leads)
        con.executemany(
            "INSERT INTO deals (deal_id, created_at, icp_tier, stage, closed_at, value_delivered_at, "
            "channel) VALUES (?,?,?,?,?,?,'web')",
            deals,
        )


@pytest.fixture
def db(tmp_path):
    seed(tmp_path / "alerts.duckdb")
    return open_store(tmp_path / "alerts.duckdb")


def alerts_for(db, as_of=date(2025, 1, 31), today=date(2030, 1, 1)):
    card = compute_scorecard(db, period="month", as_of=as_of)
    return {a.kind: a for a in misalignment_alerts(db, card, today=today)}


def test_volume_without_quality(db):
    alert = alerts_for(db)["volume_without_quality"]
    assert alert.numbers["mqls_before"] == 10 and alert.numbers["mqls_now"] == 20
    assert alert.numbers["sqls_before"] == 5 and alert.numbers["sqls_now"] == 5
    assert alert.numbers["mqls_change"] == pytest.approx(1.0)
    text = alert.text("es")
    assert "MQLs 10 → 20 (+100 %)" in text and "SQLs 5 → 5" in text


def test_icp_share_below_commitment(db):
    alert = alerts_for(db)["icp_share"]
    # January: 10 of 20 opportunities are ICP-A, under the committed 70 %.
    assert alert.numbers == {"value": pytest.approx(0.5), "committed": 0.7}
    assert alert.text("en") == (
        "ICP-A share of opportunities 50.0% below the committed 70%. "
        "Period: 1 Jan 2025 – 31 Jan 2025."
    )


def test_response_over_sla_two_periods_running(db):
    alert = alerts_for(db)["response_sla"]
    assert alert.severity == "error"
    assert (alert.numbers["before"], alert.numbers["now"]) == (pytest.approx(30), pytest.approx(30))
    assert "30,0 h" in alert.text("es")


def test_promises_without_capacity(db):
    alert = alerts_for(db)["promises"]
    # Wins 1 → 3 while time to value goes from 5 to 10 days.
    assert alert.numbers["kpi_id"] == "time_to_value_days"
    assert (alert.numbers["wins_before"], alert.numbers["wins_now"]) == (1, 3)
    assert (alert.numbers["before"], alert.numbers["now"]) == (pytest.approx(5), pytest.approx(10))


def test_alerts_compare_the_scorecards_own_periods(db):
    # As of 10 February the running month is February: its scorecard compares January with
    # February (20 → 0 MQLs, no volume alert), and the sentence says February is still running.
    card = compute_scorecard(db, period="month", as_of=date(2025, 2, 10))
    alerts = {a.kind: a for a in misalignment_alerts(db, card, today=date(2030, 1, 1))}
    assert "volume_without_quality" not in alerts
    # January's scorecard, as the page shows by default on 10 February, compares December with
    # January and names both months.
    january = compute_scorecard(
        db, start=date(2025, 1, 1), end=date(2025, 1, 31), as_of=date(2025, 2, 10)
    )
    alert = {a.kind: a for a in misalignment_alerts(db, january, today=date(2030, 1, 1))}[
        "volume_without_quality"
    ]
    assert alert.text("es").endswith(
        "Compara 1 dic 2024 – 31 dic 2024 con 1 ene 2025 – 31 ene 2025."
    )


def test_target_change_this_quarter(db):
    assert "changed" not in alerts_for(db)
    set_target(db, Actor("marta", "admin"), "win_rate", 0.3, 3)
    alert = alerts_for(db, today=clock.today())["changed"]
    assert alert.numbers["count"] == 1 and alert.numbers["who"] == "marta"


def test_no_alerts_without_data(tmp_path):
    empty = open_store(tmp_path / "empty.duckdb")
    card = compute_scorecard(empty, period="month", as_of=date(2025, 1, 31))
    assert misalignment_alerts(empty, card, today=date(2030, 1, 1)) == []
