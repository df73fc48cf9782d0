"""Issue 15, points 11–14: the scorecard and KPI detail agree with themselves. Alerts read the
cards' own periods and numbers, the default period is the last complete one, a zero change is
neutral, the trend keeps partial periods off its line, and the SLA is not confused with the
response-time target. Expected texts are written by hand from the fixture below."""

import json
from datetime import date, datetime, timedelta

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from support import open_page
from test_alerts import LEADS_INSERT

from kpi.engine.display import format_delta, is_no_change
from kpi.engine.periods import CUSTOM, Period, period_label, previous_period, reported_period
from kpi.store.database import rewrite_facts

AS_OF = date(2025, 2, 10)  # February is running; January is the last complete month
JANUARY = Period(date(2025, 1, 1), date(2025, 1, 31))
FEBRUARY = Period(date(2025, 2, 1), date(2025, 2, 28))


def seed(path):
    """December: 30 MQLs (5 reach SQL) answered in 30 h, 1 win. January: 40 MQLs (5 reach SQL)
    answered in 40 h, 3 wins. February 1–10 (running): 4 MQLs answered in 2 h, 1 win."""
    leads = []
    for (year, month), count, hours, sqls in (
        ((2024, 12), 30, 30, 5),
        ((2025, 1), 40, 40, 5),
        ((2025, 2), 4, 2, 0),
    ):
        for i in range(count):
            mql = datetime(year, month, 3) + timedelta(hours=i)
            sql = mql + timedelta(days=1) if i < sqls else None
            leads.append((f"{month}-{i}", mql, "web", "A", mql, sql, mql + timedelta(hours=hours)))
    wins = [("D1", date(2024, 12, 12))] + [(f"J{i}", date(2025, 1, 14)) for i in range(3)]
    wins.append(("F1", date(2025, 2, 5)))
    with rewrite_facts(path) as con:
        con.executemany(LEADS_INSERT, leads)
        con.executemany(
            "INSERT INTO deals (deal_id, created_at, icp_tier, stage, closed_at, channel) "
            "VALUES (?, ?, 'A', 'won', ?, 'web')",
            [(deal, closed - timedelta(days=5), closed) for deal, closed in wins],
        )


@pytest.fixture
def app(app_env):
    seed(app_env)
    return app_env


def metric(at, label):
    return next(m for m in at.metric if label in m.label)


# Point 12: the default period is the last complete one.


@pytest.mark.parametrize(
    ("kind", "as_of", "expected"),
    [
        # Fortnights anchored on Monday 6 January 2025: 6–19 Jan, 20 Jan–2 Feb.
        ("quincena", date(2025, 1, 20), Period(date(2025, 1, 6), date(2025, 1, 19))),
        ("quincena", date(2025, 1, 27), Period(date(2025, 1, 6), date(2025, 1, 19))),
        ("quincena", date(2025, 2, 2), Period(date(2025, 1, 20), date(2025, 2, 2))),
        ("month", date(2025, 3, 1), Period(date(2025, 2, 1), date(2025, 2, 28))),
        ("month", date(2025, 3, 15), Period(date(2025, 2, 1), date(2025, 2, 28))),
        ("month", date(2025, 3, 31), Period(date(2025, 3, 1), date(2025, 3, 31))),
        ("quarter", date(2025, 4, 1), Period(date(2025, 1, 1), date(2025, 3, 31))),
    ],
)
def test_default_period_is_the_last_complete_one(kind, as_of, expected):
    assert reported_period(kind, as_of, date(2025, 1, 6)) == expected


def test_the_running_period_on_request_and_its_label():
    running = reported_period("month", date(2025, 3, 15), date(2025, 1, 6), running=True)
    assert running == Period(date(2025, 3, 1), date(2025, 3, 31))
    assert period_label(running, "es", date(2025, 3, 15)) == "1 mar 2025 – 31 mar 2025 (en curso)"
    assert period_label(running, "en", date(2025, 3, 31)) == "1 Mar 2025 – 31 Mar 2025"


def test_explicit_whole_months_step_by_the_calendar():
    # February's comparison is January, not the 28 days before 1 February.
    assert previous_period(CUSTOM, FEBRUARY, date(2025, 1, 6)) == JANUARY
    ten_days = Period(date(2025, 2, 11), date(2025, 2, 20))
    assert previous_period(CUSTOM, ten_days, date(2025, 1, 6)) == Period(
        date(2025, 2, 1), date(2025, 2, 10)
    )


def test_scorecard_opens_on_the_last_complete_period_with_the_running_one_a_click_away(app):
    at = open_page("app_pages/scorecard.py", sc_period="month", sc_as_of=AS_OF)
    # January: 40 MQLs answered in 40 h.
    assert metric(at, "Tiempo de primera respuesta").value == "40,0 h"
    shown = at.button_group(key=f"sc_shown_month_{AS_OF.isoformat()}")
    assert shown.options == ["1 ene 2025 – 31 ene 2025", "1 feb 2025 – 28 feb 2025 (en curso)"]
    shown.set_value("running").run()
    # February so far: 4 MQLs answered in 2 h.
    assert metric(at, "Tiempo de primera respuesta").value == "2,0 h"


# Point 11: alerts use the cards' periods and numbers, and name the periods.


def test_alerts_use_the_numbers_and_periods_of_the_cards(app):
    at = open_page("app_pages/scorecard.py", sc_period="month", sc_as_of=AS_OF)
    card = metric(at, "Tiempo de primera respuesta")
    assert card.value == "40,0 h"
    alerts = [e.value for e in at.error] + [w.value for w in at.warning]
    [sla] = [a for a in alerts if a.startswith("Tiempo de respuesta por encima del SLA")]
    assert "30,0 h y 40,0 h" in sla
    assert sla.endswith("Compara 1 dic 2024 – 31 dic 2024 con 1 ene 2025 – 31 ene 2025.")
    [volume] = [a for a in alerts if a.startswith("Volumen sin calidad")]
    # January against December: MQLs 30 → 40, SQLs 5 → 5, wins 1 → 3; the volumes line says 3.
    assert "MQLs 30 → 40 (+33 %)" in volume and "ganadas 1 → 3" in volume
    assert any("Ganadas: 3" in md.value for md in at.markdown)


def test_meeting_alert_texts_follow_the_same_rule(app):
    from kpi.cockpit.meeting_panel import alert_texts
    from kpi.engine.compute import compute_scorecard
    from kpi.store.database import open_store

    store = open_store(app)
    card = compute_scorecard(store, start=JANUARY.start, end=JANUARY.end, as_of=AS_OF)
    texts = [text for _, text in alert_texts(store, card, "en")]
    [sla] = [t for t in texts if t.startswith("Response time above the SLA")]
    assert "30.0 h and 40.0 h" in sla
    assert sla.endswith("Compares 1 Dec 2024 – 31 Dec 2024 with 1 Jan 2025 – 31 Jan 2025.")


# Point 13: a zero change is neutral, the sparkline follows the status, titles are whole.


def test_zero_change_is_neutral_and_colours_follow_the_status(app):
    at = open_page("app_pages/scorecard.py", sc_period="month", sc_as_of=AS_OF)
    # Response time rose 30 → 40 h (n = 40): lower is better and beyond the 8 h target plus
    # 4 h tolerance, so red; its delta and sparkline take the status colour.
    response = metric(at, "Tiempo de primera respuesta")
    assert response.delta == "+10,0 h"
    assert response.proto.color == MetricProto.MetricColor.RED
    assert response.proto.direction == MetricProto.MetricDirection.UP
    # The ICP-A share is 100 % in December and in January: an unsigned zero without an arrow.
    share = metric(at, "Oportunidades ICP-A")
    assert share.delta == "0,0 p. p."
    assert share.proto.direction == MetricProto.MetricDirection.NONE
    # The full title sits above each card, where it wraps.
    assert any(md.value == "**🔴 Tiempo de primera respuesta**" for md in at.markdown)


def test_a_change_that_rounds_to_zero_reads_as_an_unsigned_zero():
    # 0,04 p. p. and -0,04 h are shown with one decimal: both read 0,0, with no sign.
    assert format_delta("rate", 0.0004, "es") == "0,0 p. p."
    assert format_delta("rate", -0.0004, "en") == "0.0 pp"
    assert format_delta("hours", -0.04, "es") == "0,0 h"
    assert format_delta("rate", 0.0006, "es") == "+0,1 p. p."
    assert is_no_change("hours", 0.04, "es") and not is_no_change("hours", 0.06, "es")


# Point 12: the trend keeps partial periods off its solid line.


def test_sparkline_leaves_out_the_running_period(app):
    at = open_page(
        "app_pages/scorecard.py",
        sc_period="month",
        sc_as_of=AS_OF,
        **{f"sc_shown_month_{AS_OF.isoformat()}": "running"},
    )
    response = metric(at, "Tiempo de primera respuesta")
    # The card shows February so far (2 h); its sparkline stops at December and January.
    assert response.value == "2,0 h"
    assert list(response.proto.chart_data) == [30.0, 40.0]


def _layers(chart) -> tuple[list[dict], dict]:
    """The chart's layers and its named datasets (Streamlit ships them as Arrow beside the spec)."""
    datasets = {
        d.name: convert_arrow_bytes_to_pandas_df(d.data.data).to_dict("records")
        for d in chart.proto.datasets
    }
    return json.loads(chart.proto.spec)["layer"], datasets


def test_trend_keeps_the_running_period_off_the_solid_line(app):
    at = open_page(
        "app_pages/kpi_detail.py",
        detail_kpi="lead_response_hours",
        sc_period="month",
        sc_as_of=AS_OF,
        **{f"sc_shown_month_{AS_OF.isoformat()}": "running"},
    )
    assert at.metric[0].value == "2,0 h"
    [chart] = at.get("vega_lite_chart")
    layers, datasets = _layers(chart)

    def rows(layer):
        return datasets[layer["data"]["name"]]

    def mark(layer):
        return layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}

    [solid] = [x for x in layers if mark(x)["type"] == "line" and "strokeDash" not in mark(x)]
    [hollow] = [x for x in layers if mark(x)["type"] == "point"]
    assert mark(hollow)["filled"] is False
    # The solid line ends at January (40 h); February (2 h, running) is only a hollow point.
    solid_values = [r["value"] for r in rows(solid) if r["value"] is not None]
    assert solid_values[-2:] == [30.0, 40.0]
    assert [r["value"] for r in rows(hollow)] == [2.0]
    assert any("Punto hueco" in c.value for c in at.caption)


# Point 14: the team's target and the agreed SLA, both named.


@pytest.mark.parametrize(
    ("lang", "target", "sla"),
    [
        ("es", "Objetivo del equipo: ≤ 8,0 h", "SLA acordado: 24,0 h"),
        ("en", "Team target: ≤ 8.0 h", "Agreed SLA: 24.0 h"),
    ],
)
def test_response_time_names_the_team_target_and_the_sla(app, lang, target, sla):
    at = open_page(
        "app_pages/kpi_detail.py",
        lang=lang,
        detail_kpi="lead_response_hours",
        sc_period="month",
        sc_as_of=AS_OF,
    )
    captions = {c.value: c for c in at.caption}
    assert target in captions and sla in captions
    assert captions[sla].help  # one line saying how the two differ
