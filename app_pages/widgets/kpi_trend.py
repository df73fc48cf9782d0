"""The KPI detail's trend chart: each period's value coloured by status, the target and its band;
the periods still running or maturing are hollow points outside the solid line."""

from datetime import date

import altair as alt
import pandas as pd

from app_pages.widgets import common
from kpi.engine import catalogue as cat
from kpi.engine.periods import Period, is_running
from kpi.i18n import fmt_date

STATUS_COLOURS = {"green": "#188038", "amber": "#f4b400", "red": "#d93025", "grey": "#9aa0a6"}
LINE_COLOUR = "#1a73e8"


def is_settled(point, as_of: date) -> bool:
    """Whether a trend point's value is final: its period is over and its cohort has matured."""
    return not (point.maturing or is_running(Period(point.start, point.end), as_of))


def sparkline(result, as_of: date) -> list[float] | None:
    """A card's sparkline: the settled values only, so it never plunges into a partial period."""
    values = [p.value for p in result.trend if p.value is not None and is_settled(p, as_of)]
    return values or None


def _trend_frame(kpi: cat.Kpi, result, as_of: date, money: str) -> pd.DataFrame:
    """One row per trend period; `settled` is False while its value can still change."""
    tr, lang = common.tr, common.lang()
    scale = 100 if kpi.unit == "rate" else 1
    settled = [is_settled(p, as_of) for p in result.trend]
    return pd.DataFrame(
        {
            "period": [fmt_date(p.start, lang) for p in result.trend],
            "value": [None if p.value is None else p.value * scale for p in result.trend],
            "shown": [cat.format_value(kpi, p.value, lang, money) for p in result.trend],
            "status": [tr(f"kpi.status.{p.status}") for p in result.trend],
            "n": [p.n for p in result.trend],
            "settled": settled,
            "state": [tr(f"detail.chart.{'settled' if s else 'provisional'}") for s in settled],
        }
    )


def trend_chart(kpi: cat.Kpi, result, as_of: date, money: str) -> alt.LayerChart:
    tr, lang = common.tr, common.lang()
    trend = _trend_frame(kpi, result, as_of, money)
    settled, provisional = trend[trend["settled"]], trend[~trend["settled"]]
    target = result.target * (100 if kpi.unit == "rate" else 1)
    # Rates are charted in %, so their tolerance (percentage points) is already on that scale.
    band_low, band_high = sorted((target, target - kpi.direction * result.tolerance))
    x = alt.X("period:N", sort=list(trend["period"]), title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=f"{kpi.label(lang)} ({cat.unit_label(kpi, lang, money)})")
    band = (
        alt.Chart(pd.DataFrame({"low": [band_low], "high": [band_high]}))
        .mark_rect(color=STATUS_COLOURS["amber"], opacity=0.18)
        .encode(y="low:Q", y2="high:Q")
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(color="#111", strokeDash=[6, 4], size=2)
        .encode(y=alt.Y("target:Q", title=None))
    )
    colours = alt.Scale(
        domain=[tr(f"kpi.status.{s}") for s in STATUS_COLOURS],
        range=list(STATUS_COLOURS.values()),
    )
    tooltip = [
        alt.Tooltip("period:N", title=tr("detail.chart.period")),
        alt.Tooltip("shown:N", title=tr("detail.chart.value")),
        alt.Tooltip("n:Q", title="n"),
        alt.Tooltip("status:N", title=tr("detail.chart.status")),
        alt.Tooltip("state:N", title=tr("detail.chart.state")),
    ]
    colour = alt.Color("status:N", scale=colours, title=None)
    # The solid line joins settled periods only: a partial period never draws a plunge.
    line = alt.Chart(settled).mark_line(color=LINE_COLOUR, strokeWidth=3).encode(x=x, y=y)
    later = (
        alt.Chart(provisional)
        .mark_line(color=LINE_COLOUR, strokeWidth=1.5, strokeDash=[4, 4], opacity=0.6)
        .encode(x=x, y="value:Q")
    )
    points = (
        alt.Chart(settled)
        .mark_circle(size=160)
        .encode(x=x, y="value:Q", color=colour, tooltip=tooltip)
    )
    hollow = (
        alt.Chart(provisional)
        .mark_point(size=160, filled=False, strokeWidth=3)
        .encode(x=x, y="value:Q", color=colour, tooltip=tooltip)
    )
    return (band + rule + line + later + points + hollow).properties(height=320)
