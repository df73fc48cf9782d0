"""KPI detail: trend against target, why it moved (breakdown by contribution), the exact rows."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, kpi_trend
from app_pages.widgets import scorecard_cache as sc
from kpi.engine import catalogue as cat
from kpi.engine.compute import ROWS_LIMIT
from kpi.engine.dimension_labels import custom_channel_labels, value_label
from kpi.engine.drill import readable_rows
from kpi.i18n import fmt_date, fmt_number
from kpi.ingest.csv_safety import safe_csv_bytes

common.guard()
tr, lang = common.tr, common.lang()
money = sc.currency()
channel_labels = custom_channel_labels(common.store())

st.markdown(sc.BIG_NUMBERS_CSS, unsafe_allow_html=True)
st.title(f"🔎 {tr('nav.kpi_detail')}")

ids = [k.id for k in cat.CATALOGUE]
if st.session_state.get("detail_kpi") in ids and "detail_pick" not in st.session_state:
    st.session_state["detail_pick"] = st.session_state["detail_kpi"]
kpi_id = st.selectbox(
    tr("detail.choose"), ids, format_func=lambda k: cat.get(k).label(lang), key="detail_pick"
)
kpi = cat.get(kpi_id)
choice = sc.filter_bar()
card = sc.scorecard(choice)
result = card.get(kpi_id)


def show(value):
    return cat.format_value(kpi, value, lang, money)


left, right = st.columns([1, 2])
with left:
    st.metric(
        f"{sc.STATUS_DOT[result.status]} {kpi.label(lang)}",
        show(result.value),
        **sc.delta_args(result, card, money),
        border=True,
    )
    st.badge(sc.status_note(result, lang), color=sc.STATUS_BADGE[result.status])
    st.caption(sc.target_text(result, money))
    if sla := sc.sla_text(kpi_id):
        st.caption(sla, help=tr("scorecard.sla.help"))
    st.caption(tr("detail.previous", value=show(result.previous)))
    st.caption(tr("detail.baseline", value=show(sc.baseline(kpi_id, choice))))
    if kpi.kind == "median":
        st.caption(
            tr(
                "detail.stats",
                median=show(result.value),
                p90=show(result.p90),
                mean=show(result.mean),
                n=result.n,
            )
        )
with right:
    st.write(kpi.definition(lang))
    st.caption(f"{fmt_date(result.start, lang)} – {fmt_date(result.end, lang)}")

st.subheader(tr("detail.trend"))
st.altair_chart(kpi_trend.trend_chart(kpi, result, card.as_of, money), width="stretch")
st.caption(tr("detail.trend.partial"))

st.subheader(tr("detail.why"))
st.caption(tr("detail.why_caption"))
tabs = st.tabs([tr(f"kpi.dim.{d}") for d in kpi.breakdowns])
for tab, dim in zip(tabs, kpi.breakdowns, strict=True):
    rows = result.breakdown.get(dim, [])
    contribution = (
        (lambda v: cat.format_delta(kpi, v, lang, money) or "—")
        if kpi.unit != "score"
        else (lambda v: "—" if v is None else fmt_number(v, lang, 1))
    )
    table = pd.DataFrame(
        {
            tr("detail.col.group"): [value_label(dim, r.key, lang, channel_labels) for r in rows],
            tr("detail.col.value"): [show(r.value) for r in rows],
            tr("detail.col.previous"): [show(r.previous) for r in rows],
            tr("detail.col.n"): [r.n for r in rows],
            tr("detail.col.contribution"): [contribution(r.contribution) for r in rows],
        }
    )
    tab.dataframe(table, hide_index=True, width="stretch")

st.subheader(tr("detail.rows"))
exact = sc.rows(kpi_id, result.start, result.end, choice)
num_tab, den_tab = st.tabs(
    [
        tr("detail.numerator", n=len(exact.numerator)),
        tr("detail.denominator", n=len(exact.denominator)),
    ]
)
for tab, frame, part in (
    (num_tab, exact.numerator, "numerator"),
    (den_tab, exact.denominator, "denominator"),
):
    if len(frame) >= ROWS_LIMIT:
        tab.caption(tr("detail.capped", n=fmt_number(ROWS_LIMIT, lang, 0)))
    tab.dataframe(readable_rows(frame, lang, channel_labels), hide_index=True, width="stretch")
    tab.download_button(
        tr("detail.download"),
        safe_csv_bytes(frame),
        file_name=f"{kpi_id}_{part}_{result.start}_{result.end}.csv",
        mime="text/csv",
        key=f"download_{part}",
    )

quality = {k: v for k, v in result.data_quality.items() if v}
for name, count in quality.items():
    st.caption(f"{tr(f'kpi.quality.{name}')}: {fmt_number(count, lang, 0)}")
