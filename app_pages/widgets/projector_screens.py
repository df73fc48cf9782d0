"""The projector's screens, one per mode (timer, board, notes, actions), and «Reunión cerrada»."""

import html

import streamlit as st

from app_pages.widgets import common, timer_panel
from app_pages.widgets.meeting_blocks import current_scorecard
from app_pages.widgets.scorecard_cache import STATUS_BADGE
from kpi import clock
from kpi.cockpit import backlog, meeting, projector
from kpi.engine import catalogue
from kpi.i18n import fmt_date
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

# Our own fixed CSS (no user text): the clock grows with the screen (a 1920×1080 projector is
# filled, not its upper half), large numbers and text for the room, no sidebar until asked
# for, and no fading while the fragment refreshes, so the wall never dims once a second.
ROOM_CSS = """<style>
.block-container{padding-top:1rem;padding-bottom:0}
[data-stale="true"]{opacity:1 !important;transition:none !important}
[data-testid=timer-panel]{min-height:calc(100vh - 9rem);display:flex;flex-direction:column;
  justify-content:space-between;box-sizing:border-box}
[data-testid=timer-clock]{font-size:min(34vh,24vw) !important}
[data-testid="stMetricValue"]{font-size:3.4rem;font-weight:700}
[data-testid="stMetricLabel"] p{font-size:1.4rem;font-weight:600}
[data-testid="stMain"] [data-testid="stText"]{font-size:1.6rem}
</style>"""
CLOCK_PX = 240


def room_css() -> None:
    st.markdown(ROOM_CSS, unsafe_allow_html=True)


def render(store: Store, meeting_id: int) -> None:
    """One refresh: the screen of the mode the facilitator chose, or the meeting's end."""
    shown = projector.screen(store, meeting_id)
    if shown.closed:
        closed()
    else:
        SCREENS[shown.mode](store, meeting_id)


def closed() -> None:
    text = html.escape(common.tr("projector.closed"))
    st.markdown(
        f'<div data-testid="projector-closed" style="background:#121212;color:#FFFFFF;'
        f"border-radius:16px;min-height:calc(100vh - 9rem);display:flex;align-items:center;"
        f'justify-content:center;font:800 12vh sans-serif">{text}</div>',
        unsafe_allow_html=True,
    )


def timer(store: Store, meeting_id: int) -> None:
    timer_panel.render(store, meeting_id, clock_px=CLOCK_PX)


def _kpi_metric(column, result, currency: str, note: str) -> None:
    lang = common.lang()
    column.metric(
        catalogue.label_of(result.kpi_id, lang),
        catalogue.format_value(result.unit, result.value, lang, currency),
        note,
        delta_color=STATUS_BADGE[result.status],
        delta_arrow="off",
        border=True,
    )


def board(store: Store, meeting_id: int) -> None:
    """The method's four KPIs and every red KPI with its target; read-only."""
    tr, lang = common.tr, common.lang()
    scorecard = current_scorecard(store)
    currency = get_settings(store)["currency"]
    st.header(tr("projector.board.method"))
    for column, result in zip(st.columns(4), meeting.method_results(scorecard), strict=True):
        _kpi_metric(column, result, currency, tr(f"meeting.status.{result.status}"))
    red = meeting.red_results(scorecard)
    st.header(tr("projector.board.red", count=len(red)))
    if not red:
        st.info(tr("projector.board.no_red"))
    for start in range(0, len(red), 4):
        for column, result in zip(st.columns(4), red[start : start + 4], strict=False):
            target = catalogue.format_value(result.unit, result.target, lang, currency)
            _kpi_metric(column, result, currency, tr("meeting.col.target") + f": {target}")


def notes(store: Store, meeting_id: int) -> None:
    """The notes taken in the running block, largest text first."""
    tr = common.tr
    position, found = projector.block_notes(store, meeting_id, clock.now())
    block = meeting.get_meeting(store, meeting_id).blocks[position]
    name = escape_markdown(block.name)
    st.header(tr("projector.notes.title", n=position + 1, block=name, count=len(found)))
    if not found:
        st.info(tr("projector.notes.none"))
    for note in found:
        owner = escape_markdown(note["owner"] or "—")
        st.subheader(f"{tr('meeting.kind.' + note['kind'])} · {owner}")
        st.text(meeting.note_text(note, tr("meeting.note.why"), tr("meeting.note.root_cause")))


def actions(store: Store, meeting_id: int) -> None:
    """The sprint's actions: title, owner, due date and status, large."""
    tr, lang = common.tr, common.lang()
    found = backlog.sprint_actions(store, meeting_id)
    st.header(tr("projector.actions.title", count=len(found), cap=backlog.MAX_ACTIONS))
    for action in found:
        st.subheader(escape_markdown(action["title"]))
        st.text(
            tr(
                "projector.actions.line",
                owner=action["owner"],
                due=fmt_date(action["due_date"], lang),
                status=tr(f"sprint.status.{action['status']}"),
            )
        )
        st.text(action["definition_of_done"])


SCREENS = {"timer": timer, "board": board, "notes": notes, "actions": actions}
