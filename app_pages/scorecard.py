"""Scorecard: the shared KPIs by area, with status, delta, trend, target, alerts and the target banner."""

import streamlit as st

from app_pages.widgets import common, kpi_trend
from app_pages.widgets import scorecard_cache as sc
from app_pages.widgets.programme_cards import baseline_change
from kpi.agreements.versions import TABLES as AGREEMENT_TABLES
from kpi.engine import catalogue as cat
from kpi.engine.alerts import misalignment_alerts
from kpi.engine.targets import changes_this_quarter
from kpi.i18n import fmt_currency, fmt_date, fmt_number
from kpi.store.settings import DEFINITION_KEYS
from kpi.text import escape_markdown

common.guard()
tr, lang, store = common.tr, common.lang(), common.store()
money = sc.currency()

st.markdown(sc.BIG_NUMBERS_CSS, unsafe_allow_html=True)
st.title(f"📊 {tr('nav.scorecard')}")

changes = changes_this_quarter(store, store.now().date())
if changes:
    lines = [tr("scorecard.banner")]
    for change in changes:
        when, who = fmt_date(change.valid_from, lang), escape_markdown(change.changed_by)
        if change.kind == "target":
            kpi = cat.get(change.key)
            lines.append(
                "- "
                + tr(
                    "scorecard.banner.target",
                    when=when,
                    who=who,
                    kpi=kpi.label(lang),
                    before=cat.format_value(kpi, change.previous_target, lang, money),
                    after=cat.format_value(kpi, change.target, lang, money),
                )
            )
        else:
            key = change.key
            named = key in DEFINITION_KEYS or key in AGREEMENT_TABLES
            what = tr(f"scorecard.{key}") if named else escape_markdown(key)
            lines.append("- " + tr("scorecard.banner.definition", when=when, who=who, what=what))
    st.warning("\n".join(lines))

choice = sc.filter_bar()
card = sc.scorecard(choice)
window = str(card.window) if card.window else tr("scorecard.window_unlimited")
st.caption(
    common.tr_dates(
        "scorecard.caption", start=card.start, end=card.end, as_of=card.as_of, window=window
    )
)

volumes = {name: series[-1] for name, series in card.volumes.items()}
if not any(volumes.values()) and all(r.value is None for r in card.results):
    st.info(tr("scorecard.empty"))

alerts = misalignment_alerts(store, card)
with st.expander(f"{tr('scorecard.alerts')} ({len(alerts)})", expanded=bool(alerts)):
    for alert in alerts:
        (st.error if alert.severity == "error" else st.warning)(alert.text(lang, money))
    if not alerts:
        st.write(tr("scorecard.no_alerts"))

for area, kpis in cat.by_area().items():
    st.subheader(cat.AREA_LABELS[area][0 if lang == "es" else 1])
    cols = st.columns(4)
    for i, kpi in enumerate(kpis):
        result = card.get(kpi.id)
        title = f"{sc.STATUS_DOT[result.status]} {kpi.label(lang)}"
        with cols[i % 4].container(border=True):
            # The title above the metric wraps; a metric's own label is cut in narrow columns.
            st.markdown(f"**{escape_markdown(title)}**", help=kpi.definition(lang))
            st.metric(
                title,
                cat.format_value(kpi, result.value, lang, money),
                **sc.delta_args(result, card, money),
                chart_data=kpi_trend.sparkline(result, card.as_of),
                chart_type="line",
                label_visibility="collapsed",
            )
            baseline_change(result, card.filters, money)
            st.badge(sc.status_note(result, lang), color=sc.STATUS_BADGE[result.status])
            st.caption(
                f"{sc.target_text(result, money)} · {tr('kpi.n', n=fmt_number(result.n, lang, 0))}"
            )
            if sla := sc.sla_text(kpi.id):
                st.caption(sla, help=tr("scorecard.sla.help"))
            with st.popover(tr("scorecard.definition"), width="stretch", key=f"def_{kpi.id}"):
                st.write(kpi.definition(lang))
                if st.button(tr("scorecard.open_detail"), key=f"open_{kpi.id}"):
                    st.session_state["detail_kpi"] = kpi.id
                    st.switch_page("app_pages/kpi_detail.py")

st.divider()
st.caption(tr("scorecard.volumes"))
st.write(
    " · ".join(
        f"{tr(f'kpi.volume.{name}')}: "
        + (
            fmt_currency(value, lang, money, 0)
            if name == "won_revenue"
            else fmt_number(value, lang, 0)
        )
        for name, value in volumes.items()
    )
)
quality = {k: v for k, v in card.data_quality.items() if v}
if quality:
    with st.expander(tr("scorecard.quality")):
        for name, count in quality.items():
            st.write(f"{tr(f'kpi.quality.{name}')}: {fmt_number(count, lang, 0)}")
