"""The facilitator page's block tabs per agenda template: each tab named after its block and
showing what that block works on (the tracción's five, a monthly review's four, a committee's)."""

from collections.abc import Callable

import streamlit as st

from app_pages.widgets import agreements_meeting, common, meeting_blocks, meeting_close
from app_pages.widgets.agreements_guide import reasons_area
from app_pages.widgets.meeting_notes import notes_area
from app_pages.widgets.programme_header import current_phase_line
from app_pages.widgets.programme_metrics import cached_report, metrics_view
from app_pages.widgets.scorecard_cache import currency
from kpi.access.roles import Actor
from kpi.agreements import guide
from kpi.cockpit.agenda_templates import COMMITTEE, MONTHLY, TEMPLATES, TRACCION
from kpi.cockpit.meeting import Meeting
from kpi.programme import active_programme
from kpi.store.database import Store

Area = Callable[[Store, Actor, Meeting], None]


def _outcomes(store: Store, user: Actor, current: Meeting) -> None:
    meeting_blocks.outcomes_area(store, current)


def _matrix(store: Store, user: Actor, current: Meeting) -> None:
    meeting_blocks.matrix_area(store)


def _agreements(store: Store, user: Actor, current: Meeting) -> None:
    agreements_meeting.agreements_in_force(store)


def _guide_reasons(store: Store, user: Actor, current: Meeting) -> None:
    reasons_area(store, guide.current_guide(store))


def _programme(store: Store, user: Actor, current: Meeting) -> None:
    current_phase_line(store)
    programme = active_programme(store)
    if programme is None:
        st.info(common.tr("programa.empty"))
        return
    metrics_view(store, cached_report(store, programme.id), currency())


# What each block's tab shows, in the template's block order (kpi/cockpit/agenda_templates.py).
AREAS: dict[str, tuple[Area, ...]] = {
    TRACCION: (
        _outcomes,
        meeting_blocks.panel_area,
        notes_area,
        _matrix,
        meeting_close.close_area,
    ),
    # SLA compliance, rejected leads (the disputes come to the notes), qualification guide,
    # decisions and close.
    MONTHLY: (_agreements, notes_area, _guide_reasons, meeting_close.close_area),
    # Outcomes, SLA revision, programme report, next quarter and close.
    COMMITTEE: (_outcomes, _agreements, _programme, meeting_close.close_area),
}


def block_tabs(current: Meeting) -> list[tuple[str, Area]]:
    """(label, area) per block tab of the meeting's template."""
    template = TEMPLATES[current.template]
    if current.template == TRACCION:
        labels = [common.tr(f"meeting.tab.{n}") for n in range(1, len(AREAS[TRACCION]) + 1)]
    else:
        names = [block["name"] for block in template.agenda(common.lang())]
        labels = [f"{n} · {name}" for n, name in enumerate(names, start=1)]
    return list(zip(labels, AREAS[current.template], strict=True))
