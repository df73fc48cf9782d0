"""Every KPI on a hand-built fixture; expected values computed by hand in the comments."""

from datetime import date, datetime

import duckdb
import pytest

from kpi.access.roles import Actor
from kpi.engine import grid
from kpi.engine.catalogue import get
from kpi.engine.compute import (
    Filters,
    compute_scorecard,
    default_as_of,
    kpi_rows,
    kpi_value,
    status_for,
)
from kpi.engine.targets import set_target
from kpi.store.database import migrate, open_store, rewrite_facts
from kpi.store.schema import FACTS_MIGRATIONS

JAN = {"start": date(2025, 1, 1), "end": date(2025, 1, 31)}
LATE = date(2025, 12, 31)

LEAD_COLS = (
    "lead_id, created_at, channel, icp_tier, owner, mql_at, sql_at, accepted_at, rejected_at, "
    "first_response_at"
)
LEADS = [
    # L1 converts within the window; answered in 2 h.
    (
        "L1",
        "2025-01-02",
        "web",
        "A",
        "ana",
        "2025-01-02 10:00",
        "2025-01-05 10:00",
        "2025-01-03",
        None,
        "2025-01-02 12:00",
    ),
    # L2 never reaches SQL; rejected; answered in 30 h (late for a 24 h SLA).
    (
        "L2",
        "2025-01-10",
        "web",
        "B",
        "ana",
        "2025-01-10 00:00",
        None,
        None,
        "2025-01-11",
        "2025-01-11 06:00",
    ),
    # L3 skipped the MQL stage: counts as MQL at its SQL date (converted at once); 4 h response.
    (
        "L3",
        "2025-01-15",
        "ads",
        "A",
        "bea",
        None,
        "2025-01-15 00:00",
        "2025-01-15",
        None,
        "2025-01-15 04:00",
    ),
    # L4 reaches SQL after the 90-day window; its response precedes the MQL (negative duration).
    (
        "L4",
        "2025-01-20",
        "ads",
        "C",
        "bea",
        "2025-01-20 00:00",
        "2025-06-01 00:00",
        None,
        None,
        "2025-01-19 00:00",
    ),
    # L5 has an SQL dated before its MQL: not converted, reported; never answered.
    (
        "L5",
        "2025-01-25",
        "ads",
        None,
        None,
        "2025-01-25 00:00",
        "2025-01-24 00:00",
        "2025-01-26",
        None,
        None,
    ),
    # December cohort (previous period): L6 converts, L7 does not.
    (
        "L6",
        "2024-12-15",
        "web",
        "A",
        "ana",
        "2024-12-15 00:00",
        "2024-12-20 00:00",
        None,
        None,
        "2024-12-15 05:00",
    ),
    ("L7", "2024-12-20", "web", "B", "ana", "2024-12-20 00:00", None, None, None, None),
]
DEAL_COLS = (
    "deal_id, lead_id, created_at, channel, icp_tier, owner, stage, closed_at, amount, "
    "delivery_cost, value_delivered_at, nps_score, reworked"
)
DEALS = [
    # D1 inherits channel web, tier A and owner ana from L1.
    (
        "D1",
        "L1",
        "2025-01-06",
        None,
        None,
        None,
        "won",
        "2025-01-20",
        1000,
        600,
        "2025-01-30",
        10,
        False,
    ),
    (
        "D2",
        "L3",
        "2025-01-16",
        "ads",
        "A",
        "bea",
        "lost",
        "2025-01-28",
        None,
        None,
        None,
        None,
        None,
    ),
    # D3: no lead and no creation date (cannot be placed as an opportunity); no delivery cost.
    ("D3", None, None, None, "B", "carl", "won", "2025-01-25", 500, None, "2025-02-10", None, None),
    # D4: creation date inferred from L2's MQL date (2025-01-10); still open.
    ("D4", "L2", None, None, None, None, "open", None, None, None, None, None, None),
    (
        "D5",
        "L6",
        "2024-12-21",
        "web",
        "A",
        "ana",
        "won",
        "2024-12-28",
        2000,
        1000,
        "2025-01-05",
        5,
        True,
    ),
    # D6: delivered the day before it was won (negative time to value).
    (
        "D6",
        "L5",
        "2025-01-27",
        None,
        None,
        None,
        "won",
        "2025-01-29",
        300,
        100,
        "2025-01-28",
        9,
        False,
    ),
]
SPEND = [
    ("2024-12-01", "web", 310),
    ("2025-01-01", "web", 3100),
    ("2025-01-01", "ads", 1550),
    ("2025-02-01", "web", 280),
]
ADMIN = Actor("boss", "admin")


@pytest.fixture
def computes(monkeypatch) -> list:
    """The engine's computations: its one compute function, wrapped to count and call through."""
    calls, real = [], grid.compute_grid
    monkeypatch.setattr(grid, "compute_grid", lambda *args: calls.append(args) or real(*args))
    return calls


def deals_quality(without_lead: int, inferred: int, missing: int) -> dict[str, int]:
    """The data-quality counters every deal-anchored KPI reports."""
    return {
        "deals_without_lead": without_lead,
        "inferred_created_at": inferred,
        "missing_created_at": missing,
    }


def seed(path, leads=LEADS, deals=DEALS, spend=SPEND):
    with rewrite_facts(path) as con:
        con.execute("DELETE FROM leads")
        con.execute("DELETE FROM deals")
        con.execute("DELETE FROM marketing_spend")
        if leads:
            con.executemany(f"INSERT INTO leads ({LEAD_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)", leads)
        if deals:
            con.executemany(
                f"INSERT INTO deals ({DEAL_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", deals
            )
        if spend:
            con.executemany("INSERT INTO marketing_spend VALUES (?,?,?)", spend)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kpi.duckdb"
    seed(path)
    return open_store(path)


def january(db, **kwargs):
    return compute_scorecard(
        db, as_of=kwargs.pop("as_of", LATE), window=kwargs.pop("window", 90), **JAN, **kwargs
    )


def test_mql_to_sql_cohort_with_skipped_and_backward_stages(db):
    r = january(db).get("mql_to_sql_rate")
    # Cohort L1..L5 (L3 via its SQL date); converted L1, L3; L4 too late, L5 backward.
    assert (r.numerator, r.denominator, r.n) == (2, 5, 5)
    assert r.value == pytest.approx(0.4)
    assert r.data_quality == {"skipped_stages": 1, "backward_stages": 1}
    # December (31 days before): L6 converted, L7 not.
    assert r.previous == pytest.approx(0.5)
    assert r.delta == pytest.approx(-0.1)
    assert not r.maturing


def test_unlimited_window_counts_late_conversions(db):
    r = january(db, window=0).get("mql_to_sql_rate")
    assert (r.numerator, r.denominator) == (3, 5)


def test_as_of_cuts_events_after_it(db):
    # As of 22 Jan: L5 (MQL 25 Jan) is not known yet; L1 and L3 converted of L1..L4.
    r = january(db, as_of=date(2025, 1, 22)).get("mql_to_sql_rate")
    assert (r.numerator, r.denominator) == (2, 4)
    assert r.maturing


def test_maturing_cohort_is_never_red(db):
    mature = january(db).get("mql_to_sql_rate")
    young = january(db, as_of=date(2025, 2, 15)).get("mql_to_sql_rate")
    # 31 Jan + 90 days is after 15 Feb: the January cohort is still maturing then.
    assert not mature.maturing
    assert young.maturing and young.value == pytest.approx(0.4)
    kpi = get("mql_to_sql_rate")
    assert status_for(kpi, 0.4, 100, 0.9, 3, maturing=False) == "red"
    assert status_for(kpi, 0.4, 100, 0.9, 3, maturing=True) == "grey"
    assert status_for(kpi, 0.95, 100, 0.9, 3, maturing=True) == "green"


def test_lead_acceptance(db):
    r = january(db).get("lead_acceptance_rate")
    # Decided: L1 accepted, L2 rejected, L3 accepted, L5 accepted.
    assert (r.numerator, r.denominator) == (3, 4)


def test_response_hours_median_excludes_negative(db):
    r = january(db).get("lead_response_hours")
    # Durations 2 h, 30 h, 4 h; L4's -24 h is excluded and counted; L5 unanswered.
    assert r.value == pytest.approx(4.0)
    assert r.n == 3
    assert r.mean == pytest.approx(12.0)
    assert r.p90 == pytest.approx(4 + 0.8 * 26)
    assert r.data_quality == {"negative_durations": 1}


def test_sla_compliance(db):
    r = january(db).get("sla_response_compliance")
    # Due in January: L1 (2 h, ok), L2 (30 h, late), L3 (4 h, ok), L5 (never); L4 negative.
    assert (r.numerator, r.denominator) == (2, 4)
    assert r.data_quality == {"negative_durations": 1}


def test_win_rates_over_closed_deals(db):
    sc = january(db)
    win = sc.get("win_rate")
    # Closed in January: D1 won, D2 lost, D3 won, D6 won (D4 open, D5 closed in December).
    assert (win.numerator, win.denominator) == (3, 4)
    # D3 has no lead and no date at all: missing, not inferred.
    assert win.data_quality == deals_quality(1, 0, 1)
    icp = sc.get("win_rate_icp")
    # ICP-A: D1 (inherited from L1) won, D2 lost; D3 is B and D6 unknown.
    assert (icp.numerator, icp.denominator) == (1, 2)
    by_tier = {row.key: row for row in win.breakdown["icp_tier"]}
    assert (by_tier["A"].numerator, by_tier["A"].denominator) == (1, 2)
    assert (by_tier[None].numerator, by_tier[None].denominator) == (1, 1)


def test_icp_share_and_inferred_creation(db):
    r = january(db).get("icp_opportunity_share")
    # Created in January: D1 (A), D2 (A), D4 (B, date from L2's MQL), D6 (unknown tier).
    assert (r.numerator, r.denominator) == (2, 4)
    assert r.data_quality == deals_quality(0, 1, 0)


def test_cost_per_opportunity_and_cac(db):
    sc = january(db)
    cpo = sc.get("cost_per_opportunity")
    assert cpo.numerator == pytest.approx(4650)
    assert cpo.denominator == 4
    assert cpo.value == pytest.approx(1162.5)
    # December: 310 € over one opportunity (D5).
    assert cpo.previous == pytest.approx(310)
    by_channel = {row.key: row.value for row in cpo.breakdown["channel"]}
    assert by_channel == {"web": pytest.approx(1550), "ads": pytest.approx(775)}
    cac = sc.get("cac")
    # Won in January: D1, D3, D6.
    assert cac.value == pytest.approx(4650 / 3)


def test_spend_with_zero_opportunities_has_no_value(db):
    sc = compute_scorecard(db, start=date(2025, 2, 1), end=date(2025, 2, 28), as_of=LATE)
    cpo = sc.get("cost_per_opportunity")
    assert cpo.numerator == pytest.approx(280)
    assert cpo.denominator == 0
    assert cpo.value is None and cpo.status == "grey"


def test_spend_is_prorated_by_day(db):
    # 1–15 January: 15/31 of January's 4 650 €; opportunities D1 (6 Jan) and D4 (10 Jan).
    r = kpi_value(db, "cost_per_opportunity", date(2025, 1, 1), date(2025, 1, 15), as_of=LATE)
    assert r.numerator == pytest.approx(4650 * 15 / 31)
    assert r.denominator == 2


def test_sales_cycle_margin(db):
    sc = january(db)
    cycle = sc.get("sales_cycle_days")
    # D1: 14 days; D6: 2 days; D3 has no creation date.
    assert cycle.value == pytest.approx(8.0)
    assert cycle.n == 2
    margin = sc.get("margin_by_channel")
    # D1 (1000 − 600) and D6 (300 − 100) over 1300; D3 lacks a delivery cost.
    assert margin.numerator == pytest.approx(600)
    assert margin.denominator == pytest.approx(1300)
    assert margin.value == pytest.approx(600 / 1300)
    assert margin.data_quality == {"missing_amount_or_cost": 1}


def test_operations_kpis(db):
    sc = january(db)
    ttv = sc.get("time_to_value_days")
    # Delivered in January: D1 (10 d), D5 (8 d), D6 (−1 d, excluded).
    assert ttv.value == pytest.approx(9.0)
    assert ttv.data_quality == {"negative_durations": 1}
    nps = sc.get("nps_post_delivery")
    # Scores 10, 5, 9: two promoters, one detractor of three.
    assert nps.value == pytest.approx(100 / 3)
    assert (nps.numerator, nps.denominator) == (1, 3)
    rework = sc.get("rework_rate")
    assert (rework.numerator, rework.denominator) == (1, 3)


def test_direction_kpis(db):
    sc = january(db)
    won = sc.get("mql_to_won_rate")
    # L1 (D1 on 20 Jan) and L5 (D6 on 29 Jan, after its MQL on 25 Jan).
    assert (won.numerator, won.denominator) == (2, 5)
    rps = sc.get("revenue_per_sql")
    # SQLs in January: L1 (1000 won), L3 (lost), L5 (300 won).
    assert rps.numerator == pytest.approx(1300)
    assert rps.denominator == 3
    assert rps.value == pytest.approx(1300 / 3)


def test_empty_period_has_no_values(db):
    sc = compute_scorecard(db, start=date(2023, 1, 1), end=date(2023, 1, 31), as_of=LATE)
    for r in sc.results:
        assert r.value is None, r.kpi_id
        assert r.status == "grey"
        assert r.n == 0


def test_all_open_cohort_has_no_win_rate(tmp_path):
    path = tmp_path / "open.duckdb"
    seed(
        path,
        deals=[
            (
                "X1",
                "L1",
                "2025-01-06",
                "web",
                "A",
                "ana",
                "open",
                None,
                None,
                None,
                None,
                None,
                None,
            )
        ],
    )
    r = compute_scorecard(open_store(path), as_of=LATE, **JAN).get("win_rate")
    assert r.value is None and r.denominator == 0 and r.status == "grey"


def test_filter_that_leaves_nothing(db):
    sc = january(db, filters=Filters(channel="does-not-exist"))
    assert all(r.value is None for r in sc.results)


def test_channel_filter_partitions_counts(db):
    web = january(db, filters=Filters(channel="web")).get("mql_to_sql_rate")
    ads = january(db, filters=Filters(channel="ads")).get("mql_to_sql_rate")
    # web: L1 (converted), L2; ads: L3 (converted), L4, L5.
    assert (web.numerator, web.denominator) == (1, 2)
    assert (ads.numerator, ads.denominator) == (1, 3)


def test_spend_kpis_not_applicable_under_icp_filter(db):
    r = january(db, filters=Filters(icp_tier="A")).get("cost_per_opportunity")
    assert r.value is None and r.not_applicable


def test_breakdown_contributions_add_up_for_rates(db):
    r = january(db).get("mql_to_sql_rate")
    total = sum(row.contribution for row in r.breakdown["channel"])
    assert total == pytest.approx(r.delta)
    # December: web 1 of 2 (all MQLs) = 50 %. January: web 1 of 2 (weight 2/5, no change),
    # ads 1 of 3 (weight 3/5): 3/5 × (1/3 − 1/2) = −0.1, all of the fall, listed first.
    first, second = r.breakdown["channel"]
    assert (first.key, second.key) == ("ads", "web")
    assert first.contribution == pytest.approx(-0.1)
    assert second.contribution == pytest.approx(0.0)


def test_status_colours_with_tolerance():
    win, acceptance, cycle = get("win_rate"), get("lead_acceptance_rate"), get("sales_cycle_days")
    assert status_for(win, 0.75, 100, 0.77, 3, False) == "amber"  # 2 points short
    assert status_for(win, 0.74, 100, 0.77, 3, False) == "amber"  # exactly 3 points short
    assert status_for(acceptance, 0.75, 100, 0.80, 4, False) == "red"  # 5 points short
    assert status_for(cycle, 8.0, 100, 8, 1, False) == "green"  # lower is better
    assert status_for(cycle, 8.9, 100, 8, 1, False) == "amber"
    assert status_for(cycle, 9.1, 100, 8, 1, False) == "red"
    assert status_for(win, 0.9, win.min_sample - 1, 0.5, 3, False) == "grey"
    assert status_for(win, None, 100, 0.5, 3, False) == "grey"


def test_targets_reach_the_result_and_small_samples_stay_grey(db):
    set_target(db, ADMIN, "win_rate", 0.77, 3)
    r = january(db).get("win_rate")
    assert (r.target, r.tolerance) == (0.77, 3)
    assert r.status == "grey" and r.insufficient


def test_quincena_grid_and_trend(db):
    sc = compute_scorecard(db, as_of=date(2025, 1, 22))
    # Anchor 2025-01-06 (default setting): the current quincena is 20 Jan – 2 Feb.
    assert (sc.start, sc.end) == (date(2025, 1, 20), date(2025, 2, 2))
    assert len(sc.periods) == 8
    assert sc.periods[-2].start == date(2025, 1, 6)
    r = sc.get("mql_to_sql_rate")
    assert len(r.trend) == 8
    # 6–19 Jan: L2 (not converted), L3 (converted); 20 Jan – 2 Feb as of 22 Jan: L4 only.
    assert (r.trend[-2].value, r.previous) == (0.5, 0.5)
    assert r.value == 0.0 and r.n == 1


def test_kpi_rows_match_counts(db):
    rows = kpi_rows(db, "mql_to_sql_rate", as_of=LATE, window=90, **JAN)
    assert sorted(rows.denominator["lead_id"]) == ["L1", "L2", "L3", "L4", "L5"]
    assert sorted(rows.numerator["lead_id"]) == ["L1", "L3"]
    spend = kpi_rows(db, "cost_per_opportunity", as_of=LATE, **JAN)
    assert spend.numerator["amount_in_period"].sum() == pytest.approx(4650)
    assert sorted(spend.denominator["deal_id"]) == ["D1", "D2", "D4", "D6"]
    hours = kpi_rows(db, "lead_response_hours", as_of=LATE, **JAN)
    assert sorted(hours.numerator["duration"]) == pytest.approx([2.0, 4.0, 30.0])


def test_volumes_are_context(db):
    sc = january(db)
    assert sc.volumes["mqls"][-1] == 5
    assert sc.volumes["opportunities"][-1] == 4
    assert sc.volumes["won_revenue"][-1] == pytest.approx(1800)
    assert sc.data_quality["skipped_stages"] == 1


def test_a_scorecard_is_one_computation(db, computes):
    january(db)
    assert len(computes) == 1


def test_kpi_value_uses_window(db):
    r = kpi_value(db, "mql_to_sql_rate", date(2025, 1, 1), date(2025, 1, 31), as_of=LATE, window=0)
    assert (r.numerator, r.denominator) == (3, 5)
    assert r.start == date(2025, 1, 1)


def test_timestamps_are_naive(db):
    rows = kpi_rows(db, "win_rate", as_of=LATE, **JAN).denominator
    assert rows["closed_at"].iloc[0] == datetime(2025, 1, 20)


def test_window_counts_calendar_days(tmp_path):
    # MQL 1 Jan 10:00; SQL 31 Mar 15:00 is 89 calendar days later (89 d 5 h): inside W = 89.
    # MQL 2 Jan 00:00; SQL 2 Apr 00:00 is 90 days later: outside W = 89.
    path = tmp_path / "window.duckdb"
    seed(
        path,
        leads=[
            (
                "W1",
                "2025-01-01",
                "web",
                "A",
                "ana",
                "2025-01-01 10:00",
                "2025-03-31 15:00",
                None,
                None,
                None,
            ),
            (
                "W2",
                "2025-01-02",
                "web",
                "A",
                "ana",
                "2025-01-02 00:00",
                "2025-04-02 00:00",
                None,
                None,
                None,
            ),
        ],
        deals=[],
        spend=[],
    )
    r = compute_scorecard(open_store(path), window=89, as_of=LATE, **JAN).get("mql_to_sql_rate")
    assert (r.numerator, r.denominator) == (1, 2)


def test_no_spend_recorded_means_no_cost(tmp_path):
    path = tmp_path / "nospend.duckdb"
    seed(path, spend=[])
    sc = compute_scorecard(open_store(path), as_of=LATE, **JAN)
    for kpi_id in ("cost_per_opportunity", "cac"):
        r = sc.get(kpi_id)
        assert r.value is None and r.numerator is None and r.status == "grey"


def test_an_unlimited_window_keeps_every_cohort_maturing(db):
    # W = 0: a January MQL can still reach SQL or a win at any later date, so the cohort KPIs
    # are never final (never red); non-cohort KPIs are unaffected.
    sc = january(db, window=0)
    assert sc.get("mql_to_sql_rate").maturing
    assert sc.get("mql_to_won_rate").maturing
    assert not sc.get("win_rate").maturing
    assert not january(db, window=90).get("mql_to_sql_rate").maturing


def test_deals_imported_before_their_leads_inherit_once_the_leads_arrive(tmp_path):
    """Lead <-> deal relations are resolved on every facts write, not only the one that
    brought the deals."""
    path = tmp_path / "late.duckdb"
    seed(path, leads=[])
    store = open_store(path)
    alone = compute_scorecard(store, **JAN, as_of=LATE).get("icp_opportunity_share")
    # Without leads nothing can be inherited: D4 has no creation date at all, so January has
    # D1, D2 and D6; only D2 names its tier (A), and each of the three lacks its lead.
    assert (alone.numerator, alone.denominator) == (1, 3)
    assert alone.data_quality == deals_quality(3, 0, 0)
    won_before = compute_scorecard(store, **JAN, as_of=LATE).get("mql_to_won_rate")
    assert won_before.denominator == 0
    with rewrite_facts(path) as con:
        con.executemany(f"INSERT INTO leads ({LEAD_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)", LEADS)
    # The same figures as when both arrived together (test_icp_share_and_inferred_creation and
    # test_direction_kpis).
    sc = compute_scorecard(store, **JAN, as_of=LATE)
    share = sc.get("icp_opportunity_share")
    assert (share.numerator, share.denominator) == (2, 4)
    assert share.data_quality == deals_quality(0, 1, 0)
    won = sc.get("mql_to_won_rate")
    assert (won.numerator, won.denominator) == (2, 5)
    store.close()


def test_a_facts_file_from_before_the_derived_tables_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, FACTS_MIGRATIONS[:1])
    con.executemany(f"INSERT INTO leads ({LEAD_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)", LEADS)
    con.close()
    store = open_store(path)
    r = january(store).get("mql_to_sql_rate")
    # As in test_mql_to_sql_cohort_with_skipped_and_backward_stages: the leads alone decide it.
    assert (r.numerator, r.denominator) == (2, 5)
    store.close()


def test_default_as_of_is_the_last_day_with_data_or_today(db):
    # The latest event is L4's SQL on 2025-06-01 (the deals end on 2025-02-10).
    assert default_as_of(db, today=date(2026, 1, 1)) == date(2025, 6, 1)
    assert default_as_of(db, today=date(2025, 3, 1)) == date(2025, 3, 1)
