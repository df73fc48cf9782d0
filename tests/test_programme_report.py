"""The programme's baseline, success metrics and ROI on a hand-built fixture; every expected
number is worked out by hand in the comments.

Programme: start Tue 1 Jul 2025, baseline = the 6 months before (1 Jan – 30 Jun 2025), report
as of Sun 10 Aug 2025, cohort window W = 90 days (the default).
"""

import json
from datetime import date

import pytest

from kpi.access.roles import Actor
from kpi.cockpit.programme_report import report_markdown
from kpi.programme import (
    baseline,
    create_programme,
    refreeze_baseline,
    report,
    set_benchmark,
    set_cost,
)
from kpi.programme.snapshot import take_snapshot
from kpi.store.database import open_store, rewrite_facts

ADMIN = Actor("ada", "admin")
START = date(2025, 7, 1)
AS_OF = date(2025, 8, 10)
LEAD_COLS = (
    "lead_id, created_at, channel, icp_tier, mql_at, sql_at, accepted_at, rejected_at, "
    "rejection_reason, first_response_at"
)
LEADS = [
    # Baseline: L1 accepted, answered in 4 h, SQL; L2/L3 rejected "precio" (10 h, 24 h);
    # L4 rejected "timing", never answered; L5 never an MQL (a lead only).
    ("L1", "2025-01-10", "web", "A", "2025-01-10", "2025-01-12", "2025-01-11", None, None,
     "2025-01-10 04:00"),
    ("L2", "2025-02-01", "web", "B", "2025-02-01", None, None, "2025-02-02", "precio",
     "2025-02-01 10:00"),
    ("L3", "2025-03-01", "ads", "A", "2025-03-01", None, None, "2025-03-03", "precio",
     "2025-03-02 00:00"),
    ("L4", "2025-04-01", "ads", "B", "2025-04-01", None, None, "2025-04-02", "timing", None),
    ("L5", "2025-05-01", "web", "A", None, None, None, None, None, None),
    # Programme: July MQLs L6 (2 h) and L7 (3 h) accepted; L8 (week of 4 Aug, 5 h) rejected.
    ("L6", "2025-07-02", "web", "A", "2025-07-02", "2025-07-03", "2025-07-02 12:00", None,
     None, "2025-07-02 02:00"),
    ("L7", "2025-07-10", "ads", "A", "2025-07-10", None, "2025-07-11", None, None,
     "2025-07-10 03:00"),
    ("L8", "2025-08-05", "web", "B", "2025-08-05", None, None, "2025-08-06", "precio",
     "2025-08-05 05:00"),
]  # fmt: skip
DEAL_COLS = "deal_id, lead_id, created_at, stage, closed_at, amount, delivery_cost"
DEALS = [
    # Baseline: won 15 Feb, 1000 €, cycle 31 days.
    ("D1", "L1", "2025-01-15", "won", "2025-02-15", 1000, 400),
    # July: won 20 Jul, 3000 € at a 50 % margin, cycle 15 days.
    ("D2", "L6", "2025-07-05", "won", "2025-07-20", 3000, 1500),
]

# 600 € of web spend every month from January to July.
SPEND = [(f"2025-{month:02d}-01", "web", 600) for month in range(1, 8)]


def seed(path, leads=LEADS, deals=DEALS):
    with rewrite_facts(path) as con:
        con.execute("DELETE FROM leads")
        con.execute("DELETE FROM deals")
        con.execute("DELETE FROM marketing_spend")
        con.executemany("INSERT INTO marketing_spend VALUES (?, ?, ?)", SPEND)
        con.executemany(f"INSERT INTO leads ({LEAD_COLS}) VALUES ({', '.join('?' * 10)})", leads)
        con.executemany(f"INSERT INTO deals ({DEAL_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)", deals)


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "p.duckdb"
    seed(path)
    store = open_store(path)
    create_programme(store, ADMIN, start=START, name="Piloto", as_of=date(2025, 7, 1))
    return store


def metric(data: dict, metric_id: str) -> dict:
    return next(m for m in data["metrics"] if m["id"] == metric_id)


def test_the_baseline_snapshot_funnel_acceptance_and_response(store):
    snap = baseline(store, 1).snapshot
    assert (snap["start"], snap["end"]) == ("2025-01-01", "2025-06-30")
    funnel = snap["funnel"]["overall"]
    # Leads created L1–L5; MQLs L1–L4; SQL L1; deal D1 created and won.
    assert funnel["counts"] == {"leads": 5, "mql": 4, "sql": 1, "opportunity": 1, "won": 1}
    assert funnel["conversions"] == {
        "leads_to_mql": 0.8,
        "mql_to_sql": 0.25,
        "sql_to_opportunity": 1.0,
        "opportunity_to_won": 1.0,
    }
    web = next(g for g in snap["funnel"]["channel"] if g["key"] == "web")
    assert web["counts"] == {"leads": 3, "mql": 2, "sql": 1, "opportunity": 1, "won": 1}
    acceptance = snap["acceptance"]["overall"]
    assert (acceptance["accepted"], acceptance["rejected"], acceptance["acceptance_rate"]) == (
        1,
        3,
        0.25,
    )
    # Pareto: precio 2 of 3 rejections, then timing (cumulative 100 %).
    assert acceptance["rejection_reasons"] == [
        {"reason": "precio", "count": 2, "share": pytest.approx(2 / 3),
         "cumulative_share": pytest.approx(2 / 3)},
        {"reason": "timing", "count": 1, "share": pytest.approx(1 / 3), "cumulative_share": 1.0},
    ]  # fmt: skip
    tier_b = next(g for g in snap["acceptance"]["icp_tier"] if g["key"] == "B")
    assert (tier_b["accepted"], tier_b["rejected"]) == (0, 2)
    # Responses 4, 10 and 24 h (L4 never answered): mean 38/3, median 10.
    response = snap["response"]["overall"]
    assert response == {"n": 3, "mean_hours": pytest.approx(38 / 3), "median_hours": 10}
    # The KPIs are the scorecard's over the same window.
    assert snap["kpis"]["lead_acceptance_rate"]["value"] == 0.25
    assert snap["kpis"]["lead_response_hours"]["mean"] == pytest.approx(38 / 3)
    assert snap["monthly_won_revenue"] == pytest.approx(1000 / 6)


def test_metrics_baseline_current_change_band_and_status(store):
    data = report(store, as_of=AS_OF)
    acceptance = metric(data, "acceptance")
    # Monthly since 1 Jul; only July is complete by 10 Aug: L6, L7 accepted -> 100 %.
    assert [(p["start"], p["value"]) for p in acceptance["series"]] == [("2025-07-01", 1.0)]
    assert (acceptance["baseline"], acceptance["current"]) == (0.25, 1.0)
    assert acceptance["change_abs"] == pytest.approx(0.75)
    assert acceptance["change_rel"] == pytest.approx(3.0)
    # +20–30 % relative on 25 % -> 30 % to 32.5 %; 2 MQLs < 30: insufficient sample.
    assert acceptance["target_low"] == pytest.approx(0.30)
    assert acceptance["target_high"] == pytest.approx(0.325)
    assert acceptance["status"] == "insufficient"

    response = metric(data, "response_time")
    # Weekly: 1–6 Jul (L6, 2 h), 7–13 Jul (L7, 3 h), three empty weeks, 4–10 Aug (L8, 5 h).
    assert [p["value"] for p in response["series"]] == [2, 3, None, None, None, 5]
    assert (response["current_start"], response["current_end"]) == ("2025-08-04", "2025-08-10")
    assert response["baseline"] == pytest.approx(38 / 3)
    assert (response["baseline_median"], response["current"]) == (10, 5)
    assert response["change_rel"] == pytest.approx((5 - 38 / 3) / (38 / 3))
    # −40 % to −50 % of 12.67 h -> 6.33 h to 7.6 h.
    assert response["target_low"] == pytest.approx(38 / 3 * 0.5)
    assert response["target_high"] == pytest.approx(38 / 3 * 0.6)

    # July's MQL cohort (L6 with a deal, L7 without) ends 31 Jul + 90 days > 10 Aug: maturing.
    l2o = metric(data, "lead_to_opportunity")
    assert (l2o["baseline"], l2o["current"], l2o["status"]) == (0.25, 0.5, "maturing")
    cycle = metric(data, "sales_cycle")
    assert (cycle["baseline"], cycle["current"]) == (31, 15)
    nps = metric(data, "team_nps")
    assert (nps["baseline"], nps["current"], nps["status"]) == (None, None, "no_data")
    assert not nps["survey_available"]


def test_where_the_change_came_from_by_channel(store):
    by_channel = metric(report(store, as_of=AS_OF), "acceptance")["breakdown"]["channel"]
    # Baseline 25 % over 4 decided: web 1/2, ads 0/2; July: web 1/1, ads 1/1 (2 decided).
    # Share of the change w_now/W_now·(v_now − 25 %) − w_base/W_base·(v_base − 25 %):
    # ads 1/2·0.75 − 2/4·(−0.25) = 0.5; web 1/2·0.75 − 2/4·0.25 = 0.25 (together the +75 pp).
    assert [(r["key"], r["baseline"], r["current"]) for r in by_channel] == [
        ("ads", 0.0, 1.0),
        ("web", 0.5, 1.0),
    ]
    assert [r["contribution"] for r in by_channel] == [pytest.approx(0.5), pytest.approx(0.25)]


def test_sla_revenue_and_cost_metrics_by_hand(store):
    data = report(store, as_of=AS_OF)
    sla = metric(data, "sla_compliance")
    # Baseline deadlines (MQL + 24 h): L1 4 h, L2 10 h, L3 exactly 24 h (on time), L4 never
    # answered -> 3/4. Weekly since 1 Jul: L6, L7, three empty weeks, L8 (5 h) -> 100 %.
    assert [p["value"] for p in sla["series"]] == [1.0, 1.0, None, None, None, 1.0]
    assert (sla["baseline"], sla["current"]) == (0.75, 1.0)
    assert (sla["change_abs"], sla["change_rel"]) == (0.25, pytest.approx(1 / 3))
    # An absolute band: 90 % to 100 % whatever the baseline; 1 lead < 30: insufficient.
    assert (sla["target_low"], sla["target_high"], sla["status"]) == (0.9, 1.0, "insufficient")

    revenue = metric(data, "revenue_per_qualified")
    # Baseline SQL L1 won 1000 within 90 days; July's SQL L6 won 3000 (a maturing cohort).
    assert (revenue["baseline"], revenue["current"], revenue["status"]) == (1000, 3000, "maturing")
    assert revenue["change_rel"] == 2.0
    assert (revenue["target_low"], revenue["target_high"]) == (pytest.approx(1100), 1150)

    cost = metric(data, "cost_per_qualified")
    # Baseline 6 × 600 € ÷ 1 SQL; July 600 € ÷ 1 SQL (L6); −10 % to −15 % -> 3240 € to 3060 €.
    assert (cost["baseline"], cost["current"]) == (3600, 600)
    assert cost["change_rel"] == pytest.approx(-3000 / 3600)
    assert (cost["target_low"], cost["target_high"]) == (3060, 3240)
    assert cost["status"] == "insufficient"  # 1 SQL < 10


def test_roi_from_the_deals_margin(store):
    set_cost(store, ADMIN, 1, 1000)
    roi = report(store, as_of=AS_OF)["roi"]
    # One whole month (1–31 Jul): won 3000; baseline 1000 / 6 a month; margin 1500/3000 = 50 %.
    assert roi["months"] == [
        {
            "start": "2025-07-01",
            "end": "2025-07-31",
            "won_revenue": 3000,
            "incremental_revenue": pytest.approx(3000 - 1000 / 6),
            "incremental_margin": pytest.approx((3000 - 1000 / 6) * 0.5),
        }
    ]
    assert (roi["gross_margin"], roi["margin_source"], roi["cost"]) == (0.5, "deals", 1000)
    assert roi["incremental_gross_margin"] == pytest.approx(1416.6667, abs=1e-3)
    assert roi["roi"] == pytest.approx((1416.6667 - 1000) / 1000, abs=1e-6)


def test_roi_margin_falls_back_to_the_setting_and_needs_a_cost(tmp_path):
    path = tmp_path / "p.duckdb"
    seed(path, deals=[*DEALS[:1], ("D2", "L6", "2025-07-05", "won", "2025-07-20", 3000, None)])
    store = open_store(path)
    create_programme(store, ADMIN, start=START, as_of=date(2025, 7, 1))
    roi = report(store, as_of=AS_OF)["roi"]
    # No July deal records its delivery cost: the setting's 35 %; no cost -> no ROI.
    assert (roi["gross_margin"], roi["margin_source"], roi["roi"]) == (0.35, "setting", None)
    assert roi["incremental_gross_margin"] == pytest.approx((3000 - 1000 / 6) * 0.35)
    set_cost(store, ADMIN, 1, 2000)
    assert report(store, as_of=AS_OF)["roi"]["roi"] == pytest.approx(
        ((3000 - 1000 / 6) * 0.35 - 2000) / 2000
    )


def test_reimporting_facts_does_not_move_the_frozen_baseline(store, tmp_path):
    frozen = json.dumps(baseline(store, 1).snapshot, sort_keys=True)
    before = report(store, as_of=AS_OF)
    # A late import adds an accepted March MQL to the baseline window.
    late = ("L9", "2025-03-05", "web", "A", "2025-03-05", None, "2025-03-06", None, None, None)
    seed(tmp_path / "p.duckdb", leads=[*LEADS, late])
    assert json.dumps(baseline(store, 1).snapshot, sort_keys=True) == frozen
    after = report(store, as_of=AS_OF)
    assert [m["baseline"] for m in after["metrics"]] == [m["baseline"] for m in before["metrics"]]
    # Recomputed, the window would now read 2 accepted of 5 decided.
    fresh = take_snapshot(store, date(2025, 1, 1), date(2025, 6, 30), 6, date(2025, 7, 1))
    assert fresh["kpis"]["lead_acceptance_rate"]["value"] == 0.4


def test_refreezing_is_a_new_audited_version_that_says_what_changed(store, tmp_path):
    late = ("L9", "2025-03-05", "web", "A", "2025-03-05", None, "2025-03-06", None, None, None)
    seed(tmp_path / "p.duckdb", leads=[*LEADS, late])
    result = refreeze_baseline(store, ADMIN, 1, as_of=date(2025, 7, 1))
    assert result["version"] == 2
    changes = {c["path"]: (c["before"], c["after"]) for c in result["changes"]}
    assert changes["kpis.lead_acceptance_rate.value"] == (0.25, 0.4)
    assert changes["funnel.overall.counts.mql"] == (4, 5)
    assert "response.overall.n" not in changes  # L9 was never answered
    assert baseline(store, 1).version == 2
    audit = store.rows(
        "SELECT actor, action FROM audit_log WHERE table_name = 'programme_baselines' ORDER BY id"
    )
    assert audit == [{"actor": "ada", "action": "insert"}] * 2
    assert report(store, as_of=AS_OF)["metrics"][0]["baseline"] == 0.4


def test_markdown_report_shows_inputs_and_the_caveat(store):
    set_cost(store, ADMIN, 1, 1000)
    text = report_markdown(report(store, as_of=AS_OF), "es")
    assert text.startswith("# Informe antes/después: Piloto")
    assert "| Aceptación de leads por Ventas | 25,0 % | 100,0 % |" in text
    assert "muestra insuficiente" in text and "sin datos" in text
    assert "Coste del programa: 1000 €" in text or "Coste del programa: 1.000 €" in text
    assert "no una prueba de causa" in text
    english = report_markdown(report(store, as_of=AS_OF), "en")
    assert "not proof of cause" in english and "Lead acceptance by Sales" in english


def test_benchmarks_show_the_baselines_gap(store):
    set_benchmark(store, ADMIN, 1, "win_rate", 0.25, "Informe sectorial 2024")
    benchmarks = report(store, as_of=AS_OF)["benchmarks"]
    # Baseline win rate: D1 won, the only deal closed in the window -> 100 %; gap +75 pp.
    assert benchmarks == {
        "win_rate": {
            "value": 0.25,
            "source": "Informe sectorial 2024",
            "baseline": 1.0,
            "gap": 0.75,
        }
    }


def test_team_satisfaction_reads_the_internal_survey(store):
    from kpi.cockpit.team_survey import answer_survey

    # Q3 survey (opens 1 Jul): 10, 9, 6 → (2 promoters − 1 detractor) / 3 = +33.3 points.
    # Q4 survey (opens 1 Oct): 10, 10, 9, 7 → 3 promoters / 4 = +75 points.
    for n, score in enumerate((10, 9, 6)):
        answer_survey(store, Actor(f"q3-{n}", "viewer"), score, today=date(2025, 7, 15))
    for n, score in enumerate((10, 10, 9, 7)):
        answer_survey(store, Actor(f"q4-{n}", "viewer"), score, today=date(2025, 10, 6))
    # Measured quarterly: as of 5 January both quarters are complete.
    nps = metric(report(store, as_of=date(2026, 1, 5)), "team_nps")
    assert nps["survey_available"]
    assert nps["baseline"] == pytest.approx(100 / 3)
    assert nps["current"] == pytest.approx(75)
    assert nps["change_abs"] == pytest.approx(75 - 100 / 3)
    assert [p["value"] for p in nps["series"]] == [pytest.approx(100 / 3), pytest.approx(75)]
