"""The facilitator's working areas: preparation and blocks 1–4 (block 5 is in meeting_close)."""

from functools import partial

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from kpi.access.auth import auth_path_for, list_users
from kpi.access.roles import Actor
from kpi.cockpit import backlog, brief, meeting, outcomes
from kpi.cockpit.matrix_chart import effort_impact_chart
from kpi.cockpit.meeting import NOTE_TEXT, Meeting
from kpi.engine import catalogue
from kpi.errors import LONG_TEXT_MAX
from kpi.i18n import fmt_date
from kpi.store.database import Store
from kpi.store.settings import get_settings, set_setting
from kpi.text import escape_markdown

# The status chip under each panel KPI, in the scorecard's traffic-light colours.
STATUS_COLOURS = {"green": "green", "amber": "orange", "red": "red", "grey": "gray"}


def attempt(write, done_key: str | None = None) -> None:
    """Run a core write; on success flash `done_key` and rerun."""
    done, _ = common.run_write(write)
    if not done:
        return
    if done_key:
        st.session_state["meeting_flash"] = common.tr(done_key)
    st.rerun()


def user_names() -> list[str]:
    return [u["name"] for u in list_users(auth_path_for(common.db_path()))]


@st.cache_data(show_spinner=False, max_entries=4)
def scorecard_for(path: str, inputs: tuple) -> object:
    from kpi.engine.compute import compute_scorecard

    return compute_scorecard(common.store(), period="quincena")


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


def prepare(store: Store, user: Actor, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(tr("meeting.attendees"))
    known = user_names()
    options = known + [a for a in current.attendees if a not in known]
    picked = st.multiselect(
        tr("meeting.attendees.pick"),
        options,
        default=current.attendees,
        key=f"attendees_picked_{current.id}",
    )
    typed = st.text_input(
        tr("meeting.attendees.typed"), max_chars=LONG_TEXT_MAX, key="attendees_typed"
    )
    if st.button(tr("meeting.attendees.save"), key="save_attendees"):
        attempt(
            lambda: meeting.update_meeting(
                store, user, current.id, attendees=picked + typed.split(",")
            ),
            "meeting.saved",
        )
    st.subheader(tr("meeting.agenda"))
    started = meeting.timer_of(store, current.id).status != "idle"
    rows = pd.DataFrame(
        [
            {"name": b.name, "minutes": b.minutes, "leader": b.leader, "content": b.content}
            for b in current.blocks
        ]
    )
    edited = st.data_editor(
        rows,
        num_rows="dynamic",
        disabled=started,
        key=f"agenda_editor_{current.id}",
        width="stretch",
        column_config={
            "name": st.column_config.TextColumn(
                tr("meeting.col.block"), max_chars=meeting.BLOCK_TEXT["name"].limit, required=True
            ),
            "minutes": st.column_config.NumberColumn(
                tr("meeting.col.minutes"), min_value=1, max_value=180, step=1, required=True
            ),
            "leader": st.column_config.TextColumn(
                tr("meeting.col.leader"), max_chars=meeting.BLOCK_TEXT["leader"].limit
            ),
            "content": st.column_config.TextColumn(
                tr("meeting.col.content"), max_chars=meeting.BLOCK_TEXT["content"].limit
            ),
        },
    )
    st.caption(
        tr("meeting.agenda.total", minutes=f"{edited['minutes'].fillna(0).sum():g}")
        + (" " + tr("meeting.agenda.locked") if started else "")
    )
    if not started and st.button(tr("meeting.agenda.save"), key="save_agenda"):
        attempt(
            # Empty cells arrive as NaN/NA; the core expects None.
            lambda: meeting.replace_agenda(
                store,
                user,
                current.id,
                edited.astype(object).where(edited.notna(), None).to_dict("records"),
            ),
            "meeting.saved",
        )
    st.subheader(tr("brief.title"))
    st.caption(tr("brief.help"))
    st.download_button(
        tr("brief.download"),
        data=lambda: brief.brief_markdown(store, lang, meeting_id=current.id),
        file_name=f"brief-{current.meeting_date.isoformat()}.md",
        mime="text/markdown",
        key="brief_download",
    )


def outcomes_area(store: Store, current: Meeting) -> None:
    tr, lang = common.tr, common.lang()
    quarter = outcomes.quarter_label(current.meeting_date)
    st.subheader(tr("meeting.outcomes", quarter=quarter))
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
            delta_color=STATUS_COLOURS.get(result.status, "gray"),
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
    tr, lang = common.tr, common.lang()
    st.subheader(tr("meeting.review"))
    previous = meeting.previous_meeting_id(store, current.id)
    actions = backlog.sprint_actions(store, previous) if previous else []
    if not actions:
        st.caption(tr("meeting.review.none"))
    for action in actions:
        left, right = st.columns([3, 2])
        title, owner = escape_markdown(action["title"]), escape_markdown(action["owner"])
        left.markdown(f"**{title}** · {owner}")
        left.caption(
            f"{escape_markdown(action['definition_of_done'])} · "
            f"{fmt_date(action['due_date'], lang)} · {tr('sprint.status.' + action['status'])}"
        )
        if action["status"] == "planned":
            for status, column in zip(backlog.REVIEW_STATUSES, right.columns(3), strict=True):
                if column.button(
                    tr(f"sprint.status.{status}"), key=f"review_{action['id']}_{status}"
                ):
                    attempt(
                        lambda a=action, s=status: backlog.review_action(store, user, a["id"], s)
                    )


def notes_area(store: Store, user: Actor, current: Meeting) -> None:
    tr = common.tr
    with st.form("note_form", clear_on_submit=True):
        kind = st.selectbox(
            tr("meeting.note.kind"),
            meeting.NOTE_KINDS,
            format_func=lambda k: tr(f"meeting.kind.{k}"),
            key="note_kind",
        )
        text = st.text_area(
            tr("meeting.note.text"), height=80, max_chars=NOTE_TEXT["text"].limit, key="note_text"
        )
        why = st.text_input(
            tr("meeting.note.why"), max_chars=NOTE_TEXT["why"].limit, key="note_why"
        )
        left, middle, right = st.columns(3)
        area = left.selectbox(
            tr("meeting.note.area"),
            [None, *backlog.AREAS],
            format_func=lambda a: tr(f"backlog.area.{a}") if a else "—",
            key="note_area",
        )
        owner = middle.text_input(
            tr("meeting.note.owner"), max_chars=NOTE_TEXT["owner"].limit, key="note_owner"
        )
        kpi_id = right.selectbox(
            tr("meeting.note.kpi"),
            [None, *catalogue.BY_ID],
            format_func=partial(catalogue.label_of, lang=common.lang()),
            key="note_kpi",
        )
        root_cause = st.text_input(
            tr("meeting.note.root_cause"),
            max_chars=NOTE_TEXT["root_cause"].limit,
            key="note_root_cause",
        )
        if st.form_submit_button(tr("meeting.note.add"), type="primary", key="note_add"):
            attempt(
                lambda: meeting.add_note(
                    store,
                    user,
                    current.id,
                    kind=kind,
                    text=text,
                    why=why,
                    area=area,
                    root_cause=root_cause,
                    owner=owner,
                    kpi_id=kpi_id,
                ),
                "meeting.note.added",
            )
    notes = meeting.list_notes(store, current.id)
    st.subheader(tr("meeting.notes", count=len(notes)))
    for note in notes:
        left, right = st.columns([4, 1])
        owner = escape_markdown(note["owner"] or "—")
        left.markdown(f"**{tr('meeting.kind.' + note['kind'])}** · {owner}")
        left.text(meeting.note_text(note, tr("meeting.note.why"), tr("meeting.note.root_cause")))
        if note["backlog_item_id"]:
            right.caption(tr("meeting.note.in_backlog", item=note["backlog_item_id"]))
        elif right.button(tr("meeting.note.to_backlog"), key=f"to_backlog_{note['id']}"):
            attempt(
                lambda n=note: meeting.note_to_backlog(store, user, n["id"]), "meeting.note.moved"
            )


def matrix_area(store: Store) -> None:
    tr, lang = common.tr, common.lang()
    items = [i for i in backlog.list_items(store) if i["status"] in ("open", "in_sprint")]
    if items:
        chart = effort_impact_chart(items, lang, selectable=False)
        st.altair_chart(chart, width="stretch")
        owners = pd.DataFrame(
            [
                {
                    tr("meeting.col.item"): i["title"],
                    tr("meeting.col.owner"): i["owner"] or "—",
                    tr("meeting.col.quadrant"): tr(f"backlog.quadrant.{i['quadrant']}"),
                }
                for i in items
            ]
        )
        st.dataframe(owners, hide_index=True, width="stretch")
    else:
        st.info(tr("meeting.matrix.empty"))
    st.page_link("app_pages/backlog.py", label=tr("meeting.matrix.link"), icon="🗂️")
