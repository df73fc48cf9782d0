"""Outcomes: the quarter's 3 outcomes with progress and trajectory from the data; the checklist."""

from datetime import timedelta
from functools import partial

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.cockpit import checklist, outcomes
from kpi.cockpit.meeting import list_meetings
from kpi.cockpit.outcome_charts import alignment_chart, trajectory_chart
from kpi.cockpit.outcomes import OUTCOME_TEXT
from kpi.engine import catalogue
from kpi.i18n import fmt_date, fmt_percent
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

user = common.guard()
tr, lang, store = common.tr, common.lang(), common.store()
today = store.now().date()
money = get_settings(store)["currency"]


@st.cache_data(show_spinner=False, max_entries=64)
def status_and_path(_store, db: str, version: tuple, outcome: dict, day):
    """Cached per data version: a write or an import invalidates it."""
    status = outcomes.outcome_status(_store, outcome, day)
    return status, outcomes.trajectory(_store, status, day)


current_quarter = outcomes.quarter_label(today)
next_quarter = outcomes.quarter_label(outcomes.quarter_period(current_quarter).end + timedelta(1))
quarters = sorted({current_quarter, next_quarter, *outcomes.quarters_with_outcomes(store)})
quarter = st.selectbox(
    tr("outcomes.quarter"), quarters, index=quarters.index(current_quarter), key="outcomes_q"
)
st.title(tr("outcomes.title", quarter=quarter))
feedback.show_flash()
st.caption(tr("outcomes.rule"))
if not user.can("outcomes"):
    st.info(tr("outcomes.readonly"))

rows = outcomes.list_outcomes(store, quarter)
for outcome in rows:
    kpi = catalogue.BY_ID[outcome["kpi_id"]]
    status, path = status_and_path(store, str(store.path), store.data_version(), outcome, today)
    with st.container(border=True):
        st.subheader(escape_markdown(outcome["title"]), anchor=False)
        scope = (
            [tr("outcomes.filter.channel", channel=outcome["channel"])]
            if outcome["channel"]
            else []
        )
        scope += (
            [tr("outcomes.filter.icp", tier=outcome["icp_tier"])] if outcome["icp_tier"] else []
        )
        filter_text = ", ".join(scope) or tr("outcomes.filter.none")
        st.caption(
            f"{kpi.label(lang)} · {escape_markdown(tr('outcomes.filter', filter=filter_text))} · "
            + escape_markdown(tr("outcomes.owner", owner=outcome["owner"] or "—"))
        )
        left, middle, right, verdict = st.columns(4)
        baseline_key = (
            "outcomes.baseline_overridden"
            if outcome["baseline_overridden"]
            else "outcomes.baseline"
        )
        shown = partial(catalogue.format_value, kpi, lang=lang, currency=money)
        left.metric(tr(baseline_key), shown(status.baseline))
        middle.metric(tr("outcomes.current"), shown(status.current))
        right.metric(tr("outcomes.target"), shown(outcome["target"]))
        if outcomes.target_against_direction(status.baseline, outcome["target"], kpi.direction):
            st.warning(tr("outcomes.target_backwards"))
        track = {True: "on_track", False: "off_track", None: "unknown"}[status.on_track]
        show = {True: verdict.success, False: verdict.error, None: verdict.info}[status.on_track]
        show(tr(f"outcomes.{track}"))
        st.progress(
            max(0.0, min(1.0, status.progress or 0.0)),
            text=tr(
                "outcomes.progress",
                progress=fmt_percent(status.progress, lang, 0),
                elapsed=fmt_percent(status.elapsed, lang, 0),
            ),
        )
        windows = {"b_start": status.baseline_window.start, "b_end": status.baseline_window.end}
        windows |= {"b_asof": status.baseline_window.end, "c_start": status.current_window.start}
        windows |= {"c_end": status.current_window.end}
        st.caption(tr("outcomes.windows", **{k: fmt_date(v, lang) for k, v in windows.items()}))
        if path:
            st.altair_chart(
                trajectory_chart(path, outcome["target"], kpi.unit, lang), width="stretch"
            )
        if user.can("outcomes"):
            scale = 100 if kpi.unit == "rate" else 1
            with st.form(f"baseline_{outcome['id']}"):
                override = st.number_input(
                    tr("outcomes.create.baseline"),
                    value=None if outcome["baseline"] is None else outcome["baseline"] * scale,
                    key=f"oc_base_{outcome['id']}",
                )
                if st.form_submit_button(tr("common.save")):
                    new = None if override is None else override / scale
                    feedback.attempt(
                        partial(outcomes.set_baseline, store, user, outcome["id"], new),
                        tr("outcomes.baseline_saved"),
                    )
if not rows:
    st.caption(tr("outcomes.empty"))

if user.can("outcomes"):
    with st.expander(tr("outcomes.create"), expanded=not rows), st.form("outcome_create"):
        title = st.text_input(
            tr("outcomes.create.title"), max_chars=OUTCOME_TEXT["title"].limit, key="oc_title"
        )
        kpi_ids = [k.id for k in catalogue.CATALOGUE]
        kpi_id = st.selectbox(
            tr("outcomes.create.kpi"),
            kpi_ids,
            format_func=lambda k: catalogue.BY_ID[k].label(lang),
            key="oc_kpi",
        )
        left, right = st.columns(2)
        channel = left.selectbox(
            tr("outcomes.create.channel"),
            ["", *outcomes.known_channels(store)],
            format_func=lambda c: c or tr("outcomes.create.icp_all"),
            key="oc_channel",
        )
        tier = right.selectbox(
            tr("outcomes.create.icp"),
            ["", *outcomes.ICP_TIERS],
            format_func=lambda v: f"ICP-{v}" if v else tr("outcomes.create.icp_all"),
            key="oc_icp",
        )
        target = left.number_input(tr("outcomes.create.target"), value=None, key="oc_target")
        baseline = right.number_input(tr("outcomes.create.baseline"), value=None, key="oc_baseline")
        owner = st.text_input(
            tr("outcomes.create.owner"), max_chars=OUTCOME_TEXT["owner"].limit, key="oc_owner"
        )
        submitted = st.form_submit_button(tr("outcomes.create.submit"), type="primary")
    if submitted:
        scale = 100 if catalogue.BY_ID[kpi_id].unit == "rate" else 1
        feedback.attempt(
            lambda: outcomes.create_outcome(
                store,
                user,
                quarter=quarter,
                title=title,
                kpi_id=kpi_id,
                target=None if target is None else target / scale,
                channel=channel,
                icp_tier=tier,
                owner=owner,
                baseline=None if baseline is None else baseline / scale,
            ),
            tr("outcomes.created", title=escape_markdown(title.strip())),
        )

st.header(tr("checklist.trend"))
scores = checklist.alignment_scores(store)
if scores:
    st.altair_chart(alignment_chart(scores, lang), width="stretch")
else:
    st.caption(tr("checklist.trend.empty"))
meetings = list_meetings(store)
if user.can("checklist") and meetings:
    with st.expander(tr("checklist.title")):
        names = {m["id"]: f"{m['title']} · {fmt_date(m['meeting_date'], lang)}" for m in meetings}
        meeting_id = st.selectbox(
            tr("checklist.meeting"), list(names), format_func=names.get, key="cl_meeting"
        )
        stored = checklist.meeting_answers(store, meeting_id)
        with st.form("checklist_form"):
            answers = {
                item: st.checkbox(
                    checklist.item_text(item, lang),
                    value=stored.get(item, False),
                    key=f"cl_{meeting_id}_{item}",
                )
                for item in checklist.CHECKLIST_ITEMS
            }
            saved = st.form_submit_button(tr("checklist.submit"))
        if saved:
            feedback.attempt(
                lambda: checklist.answer_checklist(store, user, meeting_id, answers),
                tr("checklist.saved"),
            )
elif not meetings:
    st.caption(tr("checklist.no_meetings"))
