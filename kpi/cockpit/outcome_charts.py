"""Altair charts of the outcomes page: an outcome's trajectory and the alignment score trend."""

import altair as alt
import pandas as pd

from kpi.i18n import DEFAULT_LANGUAGE, t


def trajectory_chart(
    points: list[dict], target: float, unit: str, lang: str = DEFAULT_LANGUAGE
) -> alt.LayerChart:
    """Quarter-to-date actual values and the straight plan from baseline to target, with the
    target as a horizontal rule."""
    actual_name = t("outcomes.series.actual", lang)
    plan_name = t("outcomes.series.plan", lang)
    rows = [
        {"day": pd.Timestamp(p["day"]), "series": name, "value": p[field]}
        for p in points
        for name, field in ((actual_name, "actual"), (plan_name, "plan"))
        if p[field] is not None
    ]
    frame = pd.DataFrame(rows, columns=["day", "series", "value"])
    value_format = ".0%" if unit == "rate" else ",.1f"
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title=t("outcomes.chart.date", lang), axis=alt.Axis(format="%d/%m")),
            y=alt.Y(
                "value:Q",
                title=t("outcomes.chart.value", lang),
                axis=alt.Axis(format=value_format),
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=[actual_name, plan_name], range=["#1565c0", "#9e9e9e"]),
                legend=alt.Legend(orient="bottom", title=None, labelLimit=0),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[actual_name, plan_name], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("day:T", title=t("outcomes.chart.date", lang), format="%d/%m/%Y"),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("value:Q", format=value_format, title=t("outcomes.chart.value", lang)),
            ],
        )
    )
    goal = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(color="#2e7d32", strokeWidth=2)
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", format=value_format)])
    )
    return alt.layer(lines, goal).properties(height=260)


def alignment_chart(scores: list[dict], lang: str = DEFAULT_LANGUAGE) -> alt.Chart:
    """The checklist score (0–6) per meeting, in date order."""
    frame = pd.DataFrame(
        {
            "day": [pd.Timestamp(s["meeting_date"]) for s in scores],
            "meeting": [s["title"] for s in scores],
            "score": [s["score"] for s in scores],
        }
    )
    label = t("checklist.score", lang)
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=80))
        .encode(
            x=alt.X("day:T", title=t("checklist.meeting", lang), axis=alt.Axis(format="%d/%m/%y")),
            y=alt.Y(
                "score:Q",
                title=label,
                scale=alt.Scale(domain=[0, 6]),
                axis=alt.Axis(values=list(range(7))),
            ),
            tooltip=[
                alt.Tooltip("meeting:N", title=t("checklist.meeting", lang)),
                alt.Tooltip("day:T", format="%d/%m/%Y"),
                alt.Tooltip("score:Q", title=label),
            ],
        )
        .properties(height=220)
    )
