"""The KPI detail's trend chart: each period's value coloured by status, the target and its band."""

import altair as alt
import pandas as pd

from app_pages.widgets import common
from kpi.engine import catalogue as cat
from kpi.i18n import fmt_date

STATUS_COLOURS = {"green": "#188038", "amber": "#f4b400", "red": "#d93025", "grey": "#9aa0a6"}


def trend_chart(kpi: cat.Kpi, result, money: str) -> alt.LayerChart:
    tr, lang = common.tr, common.lang()
    scale = 100 if kpi.unit == "rate" else 1
    trend = pd.DataFrame(
        {
            "period": [fmt_date(p.start, lang) for p in result.trend],
            "value": [None if p.value is None else p.value * scale for p in result.trend],
            "status": [tr(f"kpi.status.{p.status}") for p in result.trend],
            "n": [p.n for p in result.trend],
        }
    )
    target = result.target * scale
    # Rates are charted in %, so their tolerance (percentage points) is already on that scale.
    band_low, band_high = sorted((target, target - kpi.direction * result.tolerance))
    x = alt.X("period:N", sort=list(trend["period"]), title=None, axis=alt.Axis(labelAngle=0))
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
    unit = cat.unit_label(kpi, lang, money)
    line = (
        alt.Chart(trend)
        .mark_line(color="#1a73e8", strokeWidth=3)
        .encode(x=x, y=alt.Y("value:Q", title=f"{kpi.label(lang)} ({unit})"))
    )
    points = (
        alt.Chart(trend)
        .mark_circle(size=160)
        .encode(
            x=x,
            y="value:Q",
            color=alt.Color("status:N", scale=colours, title=None),
            tooltip=["period", "value", "n", "status"],
        )
    )
    return (band + rule + line + points).properties(height=320)
