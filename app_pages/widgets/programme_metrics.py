"""The programme's success metrics: the table with each status in the scorecard's colours, each
metric's series since the start against its baseline and target band, and where the change
came from by channel and ICP tier."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.kpi_trend import LINE_COLOUR, STATUS_COLOURS
from app_pages.widgets.scorecard_cache import STATUS_DOT
from kpi.engine import catalogue as cat
from kpi.engine.dimension_labels import channel_namer, tier_label
from kpi.i18n import DASH, fmt_date
from kpi.programme import report
from kpi.programme import texts as report_text
from kpi.store.database import Store

# A programme status in the scorecard's traffic-light colours (grey: not judged yet).
STATUS_COLOUR = {"reached": "green", "on_pace": "amber", "behind": "red"}


def colour_of(status: str) -> str:
    return STATUS_COLOUR.get(status, "grey")


def status_label(status: str) -> str:
    return f"{STATUS_DOT[colour_of(status)]} {common.tr(f'programme.status.{status}')}"


def _name(metric: dict) -> str:
    return common.tr(f"programme.metric.{metric['id']}")


def _current(metric: dict, money: str) -> str:
    """The current value; the response time's mean shows its median beside it."""
    tr, lang = common.tr, common.lang()
    value = cat.format_value(metric["unit"], metric["current"], lang, money)
    if metric.get("current_median") is not None:
        median = cat.format_value(metric["unit"], metric["current_median"], lang, money)
        value += f" ({tr('programa.median', value=median)})"
    return value


def metrics_table(report: dict, money: str) -> pd.DataFrame:
    tr, lang = common.tr, common.lang()
    rows = []
    for m in report["metrics"]:
        baseline = cat.format_value(m["unit"], m["baseline"], lang, money)
        if m.get("baseline_median") is not None:
            median = cat.format_value(m["unit"], m["baseline_median"], lang, money)
            baseline += f" ({tr('programa.median', value=median)})"
        rows.append(
            {
                tr("programa.col.metric"): _name(m),
                tr("programa.col.baseline"): baseline,
                tr("programa.col.current"): _current(m, money),
                tr("programa.col.change"): report_text.change_text(m, lang, money),
                tr("programa.col.target"): report_text.band_text(m, lang, money),
                tr("programa.col.horizon"): tr(
                    "programa.horizon",
                    months=m["horizon_months"],
                    cadence=tr(f"programme.cadence.{m['cadence']}"),
                ),
                tr("programa.col.status"): status_label(m["status"]),
            }
        )
    return pd.DataFrame(rows)


def series_chart(metric: dict, money: str) -> alt.LayerChart:
    """The metric at its cadence since the start, the baseline (dashed) and the target band."""
    tr, lang = common.tr, common.lang()
    scale = 100 if metric["unit"] == "rate" else 1
    points = pd.DataFrame(
        {
            "start": [date.fromisoformat(p["start"]) for p in metric["series"]],
            "value": [None if p["value"] is None else p["value"] * scale for p in metric["series"]],
            "period": [fmt_date(date.fromisoformat(p["start"]), lang) for p in metric["series"]],
            "shown": [
                cat.format_value(metric["unit"], p["value"], lang, money) for p in metric["series"]
            ],
            "state": [
                tr("programa.chart.maturing" if p.get("maturing") else "programa.chart.settled")
                for p in metric["series"]
            ],
        }
    )
    x = alt.X("start:T", title=None, axis=alt.Axis(format="%d/%m"))
    y = alt.Y("value:Q", title=None)
    tips = [
        alt.Tooltip("period:N", title=tr("programa.chart.period")),
        alt.Tooltip("shown:N", title=tr("programa.chart.value")),
        alt.Tooltip("state:N", title=tr("programa.chart.state")),
    ]
    line = alt.Chart(points).mark_line(color=LINE_COLOUR, point=True).encode(x=x, y=y, tooltip=tips)
    layers = [line]
    if metric["target_low"] is not None:
        band = pd.DataFrame(
            {"low": [metric["target_low"] * scale], "high": [metric["target_high"] * scale]}
        )
        layers.insert(
            0,
            alt.Chart(band)
            .mark_rect(color=STATUS_COLOURS["green"], opacity=0.15)
            .encode(y="low:Q", y2="high:Q"),
        )
    if metric["baseline"] is not None:
        rule = pd.DataFrame({"baseline": [metric["baseline"] * scale]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color=STATUS_COLOURS["grey"], strokeDash=[5, 4])
            .encode(y="baseline:Q")
        )
    return alt.layer(*layers).properties(height=200)


def breakdown_table(store: Store, metric: dict, dimension: str, money: str) -> pd.DataFrame:
    """Per group: baseline, current and its share of the change (the "why is it red" method)."""
    tr, lang = common.tr, common.lang()
    name = channel_namer(store, lang) if dimension == "channel" else (lambda k: tier_label(k, lang))
    return pd.DataFrame(
        [
            {
                tr(f"programa.by.{dimension}"): name(row["key"]),
                tr("programa.col.baseline"): cat.format_value(
                    metric["unit"], row["baseline"], lang, money
                ),
                tr("programa.col.current"): cat.format_value(
                    metric["unit"], row["current"], lang, money
                ),
                tr("programa.col.contribution"): cat.format_delta(
                    metric["unit"], row["contribution"], lang, money
                )
                or DASH,
            }
            for row in metric["breakdown"][dimension]
        ]
    )


def metric_detail(store: Store, metric: dict, money: str) -> None:
    """One metric: its series chart and where its change came from."""
    tr = common.tr
    if metric["kpi"] is None and not metric.get("survey_available"):
        st.caption(tr("programme.report.no_survey"))
        return
    if not metric["series"]:
        st.caption(tr("programa.metrics.no_series"))
        return
    st.altair_chart(series_chart(metric, money), width="stretch")
    st.caption(tr("programa.chart.legend"))
    left, right = st.columns(2)
    for column, dimension in ((left, "channel"), (right, "icp_tier")):
        table = breakdown_table(store, metric, dimension, money)
        if not table.empty:
            column.dataframe(table, hide_index=True)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(path: str, version: tuple, programme_id: int) -> dict:
    return report(common.store(), programme_id=programme_id)


def cached_report(store: Store, programme_id: int) -> dict:
    """The programme's report, cached per data version: an import or any write computes it
    again (the Programa page and the committee's programme block share it)."""
    return _report(str(store.path), store.data_version(), programme_id)


def metrics_view(store: Store, report: dict, money: str) -> None:
    tr = common.tr
    # The response time's cells carry its median too: room for both.
    wide = st.column_config.TextColumn(width="medium")
    columns = {tr(f"programa.col.{c}"): wide for c in ("metric", "baseline", "current")}
    st.dataframe(metrics_table(report, money), hide_index=True, column_config=columns)
    st.caption(tr("programa.metrics.help"))
    for metric in report["metrics"]:
        label = f"{status_label(metric['status'])} · {_name(metric)}"
        with st.expander(label):
            metric_detail(store, metric, money)
