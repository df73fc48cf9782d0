"""Outcomes: cap of 3 per quarter, baseline and progress from a tiny hand-built facts file.

Facts (MQL→SQL, cohort window 90 days). Outcome quarter 2026-Q2 (1 Apr – 30 Jun, 91 days);
baseline quarter 2026-Q1 as known on 31 Mar; today 15 May (45 of 91 days gone: 0.4945).

ICP-A MQLs in Q1: a1 (SQL 20 Jan ✓), a2, a3, a4 (no SQL), a5 (SQL 5 Apr, after 31 Mar ✗)
  → baseline = 1 / 5 = 0.20. ICP-B and unknown-tier leads convert but are filtered out.
ICP-A MQLs from 1 Apr to 15 May: d1 (SQL 10 Apr ✓), d2, d3, d7, d8, d9 (no SQL), d4 (SQL
  20 May, after today ✗), d5 (no MQL date, SQL 5 May: an MQL at its SQL date ✓); d6's MQL
  (16 May) is after today → current = 2 / 8 = 0.25.
Outcome 22 % → 30 % with the computed baseline 0.20: progress = 0.05 / 0.10 = 0.5 ≥ 0.4945
  → on track. With the baseline overridden to 0.22: progress = 0.03 / 0.08 = 0.375 → off track.
"""

import dataclasses
from datetime import date, datetime

import pytest
from support import EDITOR, VIEWER

from kpi.access.roles import PermissionDenied
from kpi.cockpit.outcomes import (
    OutcomesFull,
    create_outcome,
    elapsed_fraction,
    list_outcomes,
    measured_progress,
    on_track,
    outcome_status,
    plan_value,
    previous_quarter,
    progress,
    quarter_label,
    quarter_name,
    quarter_period,
    set_baseline,
    target_against_direction,
    trajectory,
)
from kpi.engine.compute import Filters, kpi_value
from kpi.engine.periods import Period
from kpi.store.database import Store, rewrite_facts

EXAMPLE = "Aumentar MQL→SQL del 22% al 30% en segmento ICP-A"

LEADS = [
    # lead_id, icp_tier, mql_at, sql_at
    ("a1", "A", "2026-01-10", "2026-01-20"),
    ("a2", "A", "2026-02-01", None),
    ("a3", "A", "2026-02-10", None),
    ("a4", "A", "2026-03-01", None),
    ("a5", "A", "2026-03-20", "2026-04-05"),
    ("b1", "B", "2026-01-15", "2026-01-16"),
    ("n1", None, "2026-02-20", "2026-02-21"),
    ("d1", "A", "2026-04-02", "2026-04-10"),
    ("d2", "A", "2026-04-15", None),
    ("d3", "A", "2026-04-20", None),
    ("d4", "A", "2026-05-10", "2026-05-20"),
    ("d5", "A", None, "2026-05-05"),
    ("d6", "A", "2026-05-16", None),
    ("d7", "A", "2026-04-25", None),
    ("d8", "A", "2026-05-02", None),
    ("d9", "A", "2026-05-12", None),
    ("b2", "B", "2026-04-05", "2026-04-06"),
]


def stamp(day: str | None) -> datetime | None:
    return None if day is None else datetime.fromisoformat(day + " 10:00")


@pytest.fixture
def facts_store(tmp_path):
    path = tmp_path / "o.duckdb"
    with rewrite_facts(path) as con:
        for lead_id, tier, mql, sql in LEADS:
            created = stamp(mql or sql)
            con.execute(
                "INSERT INTO leads (lead_id, created_at, channel, icp_tier, mql_at, sql_at) "
                "VALUES (?, ?, 'seo', ?, ?, ?)",
                [lead_id, created, tier, stamp(mql), stamp(sql)],
            )
    store = Store(path, now=lambda: datetime(2026, 5, 15, 12, 0))
    yield store
    store.close()


def example(store, **extra):
    return create_outcome(
        store,
        EDITOR,
        quarter="2026-Q2",
        title=EXAMPLE,
        kpi_id="mql_to_sql_rate",
        icp_tier="A",
        target=0.30,
        owner="Marta",
        **extra,
    )


def test_quarter_arithmetic():
    assert quarter_label(date(2026, 5, 15)) == "2026-Q2"
    assert quarter_label(date(2026, 12, 31)) == "2026-Q4"
    assert quarter_period("2026-Q2") == Period(date(2026, 4, 1), date(2026, 6, 30))
    assert previous_quarter(quarter_period("2026-Q1")) == Period(
        date(2025, 10, 1), date(2025, 12, 31)
    )
    with pytest.raises(ValueError, match="formato"):
        quarter_period("2026-Q5")


def test_pure_progress_and_track():
    q2 = quarter_period("2026-Q2")
    assert elapsed_fraction(q2, date(2026, 5, 15)) == pytest.approx(45 / 91)
    assert elapsed_fraction(q2, date(2026, 3, 1)) == 0.0
    assert elapsed_fraction(q2, date(2026, 8, 1)) == 1.0
    assert progress(0.20, 0.25, 0.30) == pytest.approx(0.5)
    # Lower is better: 30 h → 20 h, now 27.5 h: a quarter of the way.
    assert progress(30.0, 27.5, 20.0) == pytest.approx(0.25)
    assert progress(None, 0.25, 0.30) is None
    assert progress(0.30, 0.25, 0.30) is None
    assert on_track(0.5, 45 / 91) is True
    assert on_track(0.375, 45 / 91) is False
    assert on_track(None, 0.2) is None
    assert plan_value(0.20, 0.30, q2, date(2026, 6, 30)) == pytest.approx(0.30)
    # 47 % → 30 % on a higher-is-better KPI asks it to get worse; 30 h → 8 h does not.
    assert target_against_direction(0.47, 0.30, 1) is True
    assert target_against_direction(0.20, 0.30, 1) is False
    assert target_against_direction(30.0, 8.0, -1) is False
    assert target_against_direction(None, 0.30, 1) is False


def test_example_outcome_baseline_and_progress_from_the_data(facts_store):
    outcome = example(facts_store)
    assert (outcome["baseline"], outcome["baseline_overridden"]) == (None, False)
    status = outcome_status(facts_store, outcome)
    assert status.baseline_window == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert status.current_window == Period(date(2026, 4, 1), date(2026, 5, 15))
    assert (status.baseline_result.numerator, status.baseline_result.denominator) == (1, 5)
    assert status.baseline == pytest.approx(0.20)
    assert (status.current_result.numerator, status.current_result.denominator) == (2, 8)
    assert status.current == pytest.approx(0.25)
    assert status.progress == pytest.approx(0.5)
    assert status.elapsed == pytest.approx(45 / 91)
    assert status.on_track is True
    # The scorecard engine, asked directly for the same filter and dates, agrees.
    engine = kpi_value(
        facts_store,
        "mql_to_sql_rate",
        date(2026, 4, 1),
        date(2026, 5, 15),
        filters=Filters(icp_tier="A"),
        as_of=date(2026, 5, 15),
    )
    assert (engine.value, engine.numerator, engine.denominator) == (
        status.current,
        status.current_result.numerator,
        status.current_result.denominator,
    )


def test_baseline_override_is_used_and_can_be_cleared(facts_store):
    outcome = example(facts_store, baseline=0.22)
    status = outcome_status(facts_store, outcome)
    assert status.baseline == pytest.approx(0.22)
    assert status.baseline_result.value == pytest.approx(0.20)
    assert status.progress == pytest.approx(0.375)
    assert status.on_track is False
    cleared = set_baseline(facts_store, EDITOR, outcome["id"], None)
    assert outcome_status(facts_store, cleared).baseline == pytest.approx(0.20)


def test_ambitious_target_is_off_track(facts_store):
    outcome = create_outcome(
        facts_store,
        EDITOR,
        quarter="2026-Q2",
        title="MQL→SQL ICP-A al 50 %",
        kpi_id="mql_to_sql_rate",
        icp_tier="a",
        target=0.50,
    )
    status = outcome_status(facts_store, outcome)
    assert outcome["icp_tier"] == "A"
    assert status.progress == pytest.approx(0.05 / 0.30)
    assert status.on_track is False


def test_trajectory_weekly_quarter_to_date(facts_store):
    outcome = example(facts_store)
    points = trajectory(facts_store, outcome_status(facts_store, outcome))
    days = [p["day"] for p in points]
    assert days[:2] == [date(2026, 4, 7), date(2026, 4, 14)]
    assert days[-2:] == [date(2026, 5, 12), date(2026, 5, 15)]
    # Through 7 Apr: ICP-A MQLs d1 only, its SQL on 10 Apr is not yet known → 0 / 1.
    assert points[0]["actual"] == pytest.approx(0.0)
    # Through 14 Apr: d1 converted on 10 Apr → 1 / 1.
    assert points[1]["actual"] == pytest.approx(1.0)
    assert points[-1]["actual"] == pytest.approx(0.25)
    assert points[-1]["plan"] == pytest.approx(0.20 + 0.10 * 45 / 91)


def test_at_most_three_outcomes_per_quarter(facts_store):
    for n in range(3):
        create_outcome(
            facts_store, EDITOR, quarter="2026-Q2", title=f"O{n}", kpi_id="win_rate", target=0.4
        )
    with pytest.raises(OutcomesFull) as refused:
        example(facts_store)
    assert "no se admite un cuarto" in str(refused.value)
    assert "a fourth is refused" in refused.value.message("en")
    assert len(list_outcomes(facts_store, "2026-Q2")) == 3
    create_outcome(
        facts_store, EDITOR, quarter="2026-Q3", title="Otro", kpi_id="win_rate", target=0.4
    )


def test_validation_and_roles(facts_store):
    with pytest.raises(PermissionDenied):
        create_outcome(
            facts_store, VIEWER, quarter="2026-Q2", title="x", kpi_id="win_rate", target=0.4
        )
    with pytest.raises(ValueError, match="KPI desconocido"):
        create_outcome(facts_store, EDITOR, quarter="2026-Q2", title="x", kpi_id="nope", target=1)
    with pytest.raises(ValueError, match="A, B o C"):
        create_outcome(
            facts_store,
            EDITOR,
            quarter="2026-Q2",
            title="x",
            kpi_id="win_rate",
            icp_tier="Z",
            target=1,
        )
    with pytest.raises(ValueError, match="título"):
        create_outcome(
            facts_store, EDITOR, quarter="2026-Q2", title=" ", kpi_id="win_rate", target=1
        )
    outcome = example(facts_store)
    with pytest.raises(PermissionDenied):
        set_baseline(facts_store, VIEWER, outcome["id"], 0.1)
    assert list_outcomes(facts_store, "2026-Q2")[0]["baseline"] is None


def test_a_provisional_value_behind_the_baseline_shows_no_progress(facts_store):
    # Baseline typed as 30 %, target 40 %: the maturing 2/8 = 25 % cohort (8 < the minimum
    # sample of 30) would read (0.25 − 0.30) ÷ (0.40 − 0.30) = −50 %: withheld, no verdict.
    outcome = example(facts_store, baseline=0.30)
    outcome = {**outcome, "target": 0.40}
    status = outcome_status(facts_store, outcome)
    assert status.current == pytest.approx(0.25)
    assert status.current_result.maturing and status.current_result.insufficient
    assert (status.progress, status.on_track) == (None, None)


def test_progress_is_withheld_only_for_provisional_values_behind_the_baseline(facts_store):
    status = outcome_status(facts_store, example(facts_store))
    provisional = status.current_result
    settled = dataclasses.replace(provisional, maturing=False, insufficient=False)
    # (0.25 − 0.30) ÷ (0.40 − 0.30) = −0.5; (0.25 − 0.20) ÷ (0.30 − 0.20) = 0.5.
    assert measured_progress(0.30, provisional, 0.40) is None
    assert measured_progress(0.30, settled, 0.40) == pytest.approx(-0.5)
    assert measured_progress(0.20, provisional, 0.30) == pytest.approx(0.5)
    assert measured_progress(0.20, None, 0.30) is None


def test_quarter_names_follow_the_language():
    assert quarter_name("2026-Q4", "es") == "T4 2026"
    assert quarter_name("2026-Q4", "en") == "Q4 2026"
