"""Altair charts of the feedback loops: the rejection reasons Pareto and the internal NPS trend."""

import altair as alt
import pandas as pd

from kpi.cockpit.rejection_review import ParetoRow
from kpi.cockpit.team_survey import NpsPoint
from kpi.i18n import DEFAULT_LANGUAGE, t


def pareto_chart(rows: list[ParetoRow], lang: str = DEFAULT_LANGUAGE) -> alt.LayerChart:
    """Rejections per reason as bars, most frequent first, and the running share as a line
    (rows of one group, in reason_pareto's order)."""
    none = t("loops.reason.none", lang)
    frame = pd.DataFrame(
        [
            {
                "rank": rank,
                "reason": row.reason or none,
                "count": row.count,
                "cumulative": row.cumulative,
            }
            for rank, row in enumerate(rows)
        ],
        columns=["rank", "reason", "count", "cumulative"],
    )
    x = alt.X("reason:N", sort=alt.SortField("rank"), title=t("loops.col.reason", lang))
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#1565c0")
        .encode(
            x=x,
            y=alt.Y("count:Q", title=t("loops.chart.rejections", lang)),
            tooltip=[
                alt.Tooltip("reason:N", title=t("loops.col.reason", lang)),
                alt.Tooltip("count:Q", title=t("loops.chart.rejections", lang)),
            ],
        )
    )
    line = (
        alt.Chart(frame)
        .mark_line(point=True, color="#e65100")
        .encode(
            x=x,
            y=alt.Y(
                "cumulative:Q",
                title=t("loops.chart.cumulative", lang),
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[alt.Tooltip("cumulative:Q", format=".0%")],
        )
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=280)


def enps_trend_chart(series: dict[str, list[NpsPoint]], lang: str = DEFAULT_LANGUAGE) -> alt.Chart:
    """eNPS per survey for each named series (everyone, each team); hidden points are left out."""
    frame = pd.DataFrame(
        [
            {"start": pd.Timestamp(p.survey.start), "series": name, "enps": p.enps}
            for name, points in series.items()
            for p in points
            if p.enps is not None
        ],
        columns=["start", "series", "enps"],
    )
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("start:T", title=t("loops.chart.survey", lang), axis=alt.Axis(format="%m/%Y")),
            y=alt.Y("enps:Q", title="eNPS", scale=alt.Scale(domain=[-100, 100])),
            color=alt.Color("series:N", legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("start:T", title=t("loops.chart.survey", lang), format="%m/%Y"),
                alt.Tooltip("enps:Q", format=".0f", title="eNPS"),
            ],
        )
        .properties(height=260)
    )
