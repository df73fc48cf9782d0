"""The programme's frozen baseline: the funnel, the Pareto of rejection reasons, each group by
channel or ICP tier, and every KPI beside the industry benchmark an admin entered."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.kpi_trend import LINE_COLOUR
from kpi.access.roles import actor_name
from kpi.cockpit import loop_charts
from kpi.cockpit.rejection_review import ParetoRow
from kpi.engine import catalogue as cat
from kpi.engine.dimension_labels import channel_namer, tier_label
from kpi.i18n import DASH, fmt_date, fmt_number, fmt_percent
from kpi.programme.snapshot import FUNNEL
from kpi.store.database import Store
from kpi.text import escape_markdown

GROUPINGS = ("overall", "channel", "icp_tier")


def frozen_caption(programme: dict) -> None:
    """The window, and which frozen version this is: when and by whom."""
    tr, lang = common.tr, common.lang()
    st.caption(
        tr(
            "programa.baseline.frozen",
            start=fmt_date(date.fromisoformat(programme["baseline_start"]), lang),
            end=fmt_date(date.fromisoformat(programme["baseline_end"]), lang),
            version=programme["baseline_version"],
            when=fmt_date(date.fromisoformat(programme["baseline_frozen_at"][:10]), lang),
            who=escape_markdown(actor_name(programme["baseline_frozen_by"], lang)),
        )
    )


def _group_name(store: Store, grouping: str):
    lang = common.lang()
    if grouping == "channel":
        return channel_namer(store, lang)
    return lambda key: tier_label(key, lang)


def _funnel_row(funnel: dict, acceptance: dict, response: dict) -> dict:
    """One line of the baseline table: stage counts, conversions, acceptance, response time."""
    tr, lang = common.tr, common.lang()
    row = {tr(f"programa.stage.{s}"): fmt_number(funnel["counts"][s], lang, 0) for s in FUNNEL}
    for pair, rate in funnel["conversions"].items():
        row[tr(f"programa.conversion.{pair}")] = fmt_percent(rate, lang)
    row[tr("programa.col.acceptance")] = fmt_percent(acceptance.get("acceptance_rate"), lang)
    for stat in ("mean_hours", "median_hours"):
        row[tr(f"programa.col.{stat}")] = cat.format_value("hours", response.get(stat), lang)
    return row


def funnel_table(store: Store, snapshot: dict, grouping: str) -> pd.DataFrame:
    """The funnel, acceptance and response time overall or one row per channel / ICP tier."""
    tr = common.tr
    if grouping == "overall":
        parts = [snapshot[k]["overall"] for k in ("funnel", "acceptance", "response")]
        return pd.DataFrame([{tr("programa.col.group"): tr("programa.all"), **_funnel_row(*parts)}])
    name = _group_name(store, grouping)
    by_key = {
        part: {row["key"]: row for row in snapshot[part][grouping]}
        for part in ("funnel", "acceptance", "response")
    }
    empty = {"mean_hours": None, "median_hours": None}
    rows = [
        {
            tr("programa.col.group"): name(key),
            **_funnel_row(
                funnel, by_key["acceptance"].get(key, {}), by_key["response"].get(key, empty)
            ),
        }
        for key, funnel in by_key["funnel"].items()
    ]
    return pd.DataFrame(rows)


def funnel_chart(snapshot: dict) -> alt.Chart:
    tr, lang = common.tr, common.lang()
    counts = snapshot["funnel"]["overall"]["counts"]
    frame = pd.DataFrame(
        {
            "stage": [tr(f"programa.stage.{s}") for s in FUNNEL],
            "count": [counts[s] for s in FUNNEL],
            "shown": [fmt_number(counts[s], lang, 0) for s in FUNNEL],
        }
    )
    order = list(frame["stage"])
    bars = (
        alt.Chart(frame)
        .mark_bar(color=LINE_COLOUR)
        .encode(
            y=alt.Y("stage:N", sort=order, title=None),
            x=alt.X("count:Q", title=tr("programa.chart.count")),
            tooltip=[alt.Tooltip("stage:N", title=tr("programa.chart.stage")), "shown:N"],
        )
    )
    return bars + bars.mark_text(align="left", dx=4).encode(text="shown:N")


def pareto_chart(reasons: list[dict]) -> alt.LayerChart:
    """Rejection reasons, most frequent first, with the cumulative share as a line: the
    rejected-leads page's chart, fed with the frozen baseline's reasons."""
    rows = [
        ParetoRow(None, r["reason"], r["count"], r["share"] or 0, r["cumulative_share"] or 0)
        for r in reasons
    ]
    return loop_charts.pareto_chart(rows, common.lang())


def benchmark_table(snapshot: dict, marks: dict[str, dict], money: str) -> pd.DataFrame:
    """Every KPI's baseline; where an admin entered a benchmark, its value, gap and source."""
    tr, lang = common.tr, common.lang()
    rows = []
    for kpi in cat.CATALOGUE:
        entry = snapshot["kpis"].get(kpi.id)
        mark = marks.get(kpi.id, {})
        rows.append(
            {
                tr("programa.col.kpi"): kpi.label(lang),
                tr("programa.col.baseline"): cat.format_value(
                    kpi, entry["value"] if entry else None, lang, money
                ),
                tr("programa.col.benchmark"): cat.format_value(kpi, mark.get("value"), lang, money),
                tr("programa.col.gap"): cat.format_delta(kpi, mark.get("gap"), lang, money) or DASH,
                tr("programa.col.source"): mark.get("source") or DASH,
            }
        )
    return pd.DataFrame(rows)


def baseline_view(store: Store, report: dict, money: str) -> None:
    tr = common.tr
    snapshot, marks = report["baseline"], report["benchmarks"]
    frozen_caption(report["programme"])
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('programa.baseline.funnel')}**")
        st.altair_chart(funnel_chart(snapshot), width="stretch")
    with right:
        st.markdown(f"**{tr('programa.baseline.pareto')}**")
        reasons = snapshot["acceptance"]["overall"]["rejection_reasons"]
        if reasons:
            st.altair_chart(pareto_chart(reasons), width="stretch")
        else:
            st.caption(tr("programa.baseline.no_rejections"))
    grouping = st.segmented_control(
        tr("programa.baseline.by"),
        GROUPINGS,
        default="overall",
        format_func=lambda g: tr(f"programa.by.{g}"),
        key="pg_grouping",
    )
    st.dataframe(funnel_table(store, snapshot, grouping or "overall"), hide_index=True)
    st.markdown(f"**{tr('programa.baseline.kpis')}**")
    st.dataframe(benchmark_table(snapshot, marks, money), hide_index=True)
    if not marks:
        st.caption(tr("programa.baseline.no_benchmarks"))
