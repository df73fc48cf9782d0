"""Programa: the alignment programme's phases, success metrics, frozen baseline, ROI and report."""

from functools import partial

import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets import programme_admin as admin
from app_pages.widgets.downloads import document_downloads
from app_pages.widgets.programme_baseline import baseline_view
from app_pages.widgets.programme_header import header
from app_pages.widgets.programme_metrics import cached_report, metrics_view
from app_pages.widgets.programme_roi import roi_view
from app_pages.widgets.scorecard_cache import currency
from kpi.cockpit.programme_report import report_markdown, report_pdf
from kpi.engine.dimension_labels import custom_channel_labels
from kpi.programme import get_programme, programmes

user = common.guard()
tr, lang, store = common.tr, common.lang(), common.store()
money = currency()
today = store.now().date()
can_admin = user.can(admin.writes.CAPABILITY)

st.title(f"🧪 {tr('nav.programme')}")
feedback.show_flash(admin.FLASH)
every = programmes(store)
if not every:
    st.info(tr("programa.empty"))
    if can_admin:
        admin.create_form(store, user, today, expanded=True)
    else:
        st.caption(tr("programa.readonly"))
    common.end_page()

names = {p.id: p.name if p.active else f"{p.name} · {tr('programa.inactive')}" for p in every}
chosen = every[0].id
if len(every) > 1:
    chosen = st.selectbox(tr("programa.pick"), list(names), format_func=names.get, key="pg_pick")
programme = get_programme(store, chosen)
header(programme, today)
data = cached_report(store, programme.id)

labels = [tr(f"programa.tab.{tab}") for tab in ("metrics", "baseline", "roi", "report")]
tabs = st.tabs([*labels, tr("programa.tab.admin")] if can_admin else labels)
with tabs[0]:
    metrics_view(store, data, money)
with tabs[1]:
    baseline_view(store, data, money)
with tabs[2]:
    roi_view(data["roi"], money)
with tabs[3]:
    st.caption(tr("programa.report.help"))
    channel_labels = custom_channel_labels(store)
    stem = f"{tr('programa.report.file')}-{programme.start.isoformat()}"
    document_downloads(
        stem,
        [
            (
                kind,
                tr(f"programa.report.{kind}"),
                partial(render, data, lang, money, channel_labels),
            )
            for kind, render in (("pdf", report_pdf), ("md", report_markdown))
        ],
        key="pg_report",
    )
    if not can_admin:
        st.caption(tr("programa.readonly"))
if can_admin:
    with tabs[4]:
        bands = {m["id"]: (m["target_near"], m["target_far"]) for m in data["metrics"]}
        admin.phases_form(store, user, programme)
        if user.can(admin.writes.TARGETS_CAPABILITY):
            admin.targets_form(store, user, programme, bands)
        admin.benchmark_form(store, user, programme)
        admin.cost_form(store, user, programme)
        admin.refreeze_button(store, user, programme, money)
        st.divider()
        admin.create_form(store, user, today, expanded=False)
