"""The programme's ROI with every input on screen, month by month, and the statement that it is
a before/after comparison, not proof of cause."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from kpi.engine import catalogue as cat
from kpi.i18n import fmt_date, fmt_percent


def _money(value: float | None, money: str) -> str:
    return cat.format_value("currency", value, common.lang(), money)


def months_table(roi: dict, money: str) -> pd.DataFrame:
    tr, lang = common.tr, common.lang()
    return pd.DataFrame(
        [
            {
                tr("programa.roi.month"): f"{fmt_date(date.fromisoformat(m['start']), lang)} – "
                f"{fmt_date(date.fromisoformat(m['end']), lang)}",
                tr("programa.roi.won"): _money(m["won_revenue"], money),
                tr("programa.roi.increment"): _money(m["incremental_revenue"], money),
                tr("programa.roi.margin_increment"): _money(m["incremental_margin"], money),
            }
            for m in roi["months"]
        ]
    )


def roi_view(roi: dict, money: str) -> None:
    tr, lang = common.tr, common.lang()
    inputs = st.columns(3)
    inputs[0].metric(tr("programa.roi.cost"), _money(roi["cost"], money), border=True)
    inputs[1].metric(
        tr("programa.roi.gross_margin"), fmt_percent(roi["gross_margin"], lang), border=True
    )
    inputs[2].metric(
        tr("programa.roi.baseline_revenue"),
        _money(roi["baseline_monthly_won_revenue"], money),
        border=True,
    )
    st.caption(tr(f"programa.roi.margin_from.{roi['margin_source']}"))
    if roi["months"]:
        st.dataframe(months_table(roi, money), hide_index=True)
    else:
        st.caption(tr("programme.report.roi.no_months"))
    results = st.columns(2)
    results[0].metric(
        tr("programa.roi.incremental"), _money(roi["incremental_gross_margin"], money), border=True
    )
    shown = tr("programa.roi.none") if roi["roi"] is None else fmt_percent(roi["roi"], lang)
    results[1].metric(tr("programa.roi.value"), shown, border=True)
    st.caption(tr("programa.roi.formula"))
    if roi["cost"] is None:
        st.info(tr("programa.roi.no_cost"))
    st.warning(tr("programme.report.caveat"))
