"""The facilitator's blocks 1, 2 and 4: outcomes and definitions, the KPI panel with the last
sprint's review, and the effort-impact matrix (preparation, notes and close have their own)."""

from functools import partial

import pandas as pd
import streamlit as st

from app_pages.widgets import agreements_meeting, common, feedback, sprint
from app_pages.widgets.programme_header import current_phase_line
from app_pages.widgets.scorecard_cache import STATUS_BADGE
from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, outcomes
from kpi.cockpit.matrix_chart import effort_impact_chart
from kpi.cockpit.meeting import Meeting
from kpi.engine import catalogue
from kpi.store.database import Store
from kpi.store.settings import get_settings, set_setting
from kpi.text import escape_markdown

# The meeting's confirmations show on the meeting page only.
FLASH = "meeting_flash"
attempt = partial(feedback.attempt, key=FLASH)


@st.cache_data(show_spinner=False, max_entries=4)
def scorecard_for(path: str, inputs: tuple) -> object:
    from kpi.engine.compute import last_complete_scorecard

    return last_complete_scorecard(common.store())


def current_scorecard(store: Store):
    return scorecard_for(str(store.path), meeting.scorecard_inputs(store))


def auto_advance_control(store: Store, user: Actor) -> None:
    """The auto-advance setting: admins switch it here, editors see how it is set."""
    tr = common.tr
    enabled = meeting.auto_advance(store)
    if not user.can("settings"):
        st.caption(tr("meeting.auto_advance.on" if enabled else "meeting.auto_advance.off"))
        return
    wanted = st.toggle(tr("meeting.auto_advance"), value=enabled, key="auto_advance_toggle")
    if wanted != enabled:
        set_setting(store, user, "auto_advance", wanted)
        st.rerun()


def outcomes_area(store: Store, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    quarter = outcomes.quarter_label(current.meeting_date)
    current_phase_line(store)
    st.subheader(tr("meeting.outcomes", quarter=outcomes.quarter_name(quarter, lang)))
    rows = meeting.outcome_rows(store, quarter, current.meeting_date, lang)
    if not rows:
        st.info(tr("meeting.outcomes.none"))
        st.page_link("app_pages/outcomes.py", label=tr("nav.outcomes"), icon="🎯")
    for row in rows:
        st.markdown(f"**{escape_markdown(row['title'])}** · {row['kpi']}")
        st.progress(max(0.0, min(1.0, row["progress"] or 0.0)), text=row["summary"])
    st.subheader(tr("meeting.definitions"))
    settings = get_settings(store)
    for key, label in (
        ("definition_mql", "MQL"),
        ("definition_sql", "SQL"),
        ("definition_icp", "ICP"),
    ):
        st.markdown(f"**{label}**")
        st.text(settings[key])
    st.caption(tr("meeting.definitions.help"))
    agreements_meeting.agreements_in_force(store)


def panel_area(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    scorecard = current_scorecard(store)
    currency = get_settings(store)["currency"]
    st.subheader(tr("meeting.panel.method"))
    columns = st.columns(len(meeting.METHOD_KPIS))
    for column, result in zip(columns, meeting.method_results(scorecard), strict=True):
        column.metric(
            catalogue.label_of(result.kpi_id, lang),
            catalogue.format_value(result.unit, result.value, lang, currency),
            tr(f"meeting.status.{result.status}"),
            delta_color=STATUS_BADGE[result.status],
            delta_arrow="off",
            border=True,
        )
    red = meeting.red_results(scorecard)
    st.subheader(tr("meeting.panel.red", count=len(red)))
    if red:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        tr("meeting.col.kpi"): catalogue.label_of(r.kpi_id, lang),
                        tr("meeting.col.value"): catalogue.format_value(
                            r.unit, r.value, lang, currency
                        ),
                        tr("meeting.col.target"): catalogue.format_value(
                            r.unit, r.target, lang, currency
                        ),
                    }
                    for r in red
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    st.subheader(tr("meeting.panel.alerts"))
    alerts = meeting.alert_texts(store, scorecard, lang)
    for severity, text in alerts:
        (st.error if severity == "error" else st.warning)(text)
    if not alerts:
        st.caption(tr("meeting.panel.no_alerts"))
    review_area(store, user, current)


def review_area(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    st.subheader(tr("meeting.review"))
    previous = meeting.previous_meeting_id(store, current.id)
    actions = backlog.sprint_actions(store, previous) if previous else []
    if not actions:
        st.caption(tr("meeting.review.none"))
    for action in actions:
        left, right = st.columns([3, 2])
        sprint.describe_action(left, action, escape_markdown(action["title"]), status=True)
        if action["status"] == "planned":
            for status, column in zip(backlog.REVIEW_STATUSES, right.columns(3), strict=True):
                if column.button(
                    tr(f"sprint.status.{status}"), key=f"review_{action['id']}_{status}"
                ):
                    attempt(
                        lambda a=action, s=status: backlog.review_action(store, user, a["id"], s)
                    )


def matrix_area(store: Store, user: Actor | None = None) -> None:
    """Block 4: the effort-impact matrix of open items, which editors score in place."""
    tr, lang = common.tr, common.lang()
    user = user or common.actor()
    items = [i for i in backlog.list_items(store) if i["status"] in ("open", "in_sprint")]
    if not items:
        st.info(tr("meeting.matrix.empty"))
        st.page_link("app_pages/backlog.py", label=tr("meeting.matrix.link"), icon="🗂️")
        return
    st.altair_chart(effort_impact_chart(items, lang, selectable=False), width="stretch")
    sprint.unscored_caption(items)
    columns = ("item", "owner", "quadrant")
    frame = pd.DataFrame(
        [
            {
                "id": i["id"],
                "item": i["title"],
                "owner": i["owner"] or "—",
                "quadrant": tr(f"backlog.quadrant.{i['quadrant']}"),
                "effort": i["effort"],
                "impact": i["impact"],
            }
            for i in items
        ]
    )
    titles = {c: tr(f"meeting.col.{c}") for c in columns}
    titles |= {c: tr(f"backlog.col.{c}") for c in ("effort", "impact")}
    if not user.can("backlog"):
        frame = frame.drop(columns="id").rename(columns=titles)
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.subheader(tr("meeting.scores"))
        config = {c: st.column_config.Column(title) for c, title in titles.items()}
        config |= {c: sprint.score_column(titles[c]) for c in ("effort", "impact")}
        sprint.items_editor(
            store,
            user,
            items,
            frame,
            key="meeting_scores",
            save=("meeting_scores_save", "meeting.scores.save"),
            flash=FLASH,
            column_config={"id": None, **config},
            disabled=["id", *columns],
        )
    st.page_link("app_pages/backlog.py", label=tr("meeting.matrix.link"), icon="🗂️")
