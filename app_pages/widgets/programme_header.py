"""The programme's header (name, start, phases with the current one, baseline window) and the
one line that shows the current phase on Inicio and in the meeting's block 1."""

from datetime import date

import streamlit as st

from app_pages.widgets import common
from kpi.programme import texts as report_text
from kpi.programme.model import Programme, active_programme, current_phase
from kpi.store.database import Store
from kpi.text import escape_markdown

PAGE = "app_pages/programme.py"


def phase_text(programme: Programme, today: date) -> str:
    """ "Implementación, semana 3 de 8", or before the start / after the measurement."""
    now = current_phase(programme, today)
    where = {"key": now.key, "week": now.week, "weeks": now.weeks}
    return report_text.phase_text(where, common.lang())


def current_phase_line(store: Store) -> None:
    """Where the active programme stands today, linking to the Programa page; nothing without one."""
    programme = active_programme(store)
    if programme is None:
        return
    text = common.tr(
        "programa.phase.line",
        name=escape_markdown(programme.name),
        phase=phase_text(programme, store.now().date()),
    )
    st.page_link(PAGE, label=text, icon="🧪")


def header(programme: Programme, today: date) -> None:
    """Name, start and end, the three phases (the current one highlighted), the baseline window."""
    tr = common.tr
    st.subheader(escape_markdown(programme.name), anchor=False)
    state = "" if programme.active else f" · {tr('programa.inactive')}"
    st.caption(
        common.tr_dates(
            "programa.dates",
            start=programme.start,
            end=programme.end,
            b_start=programme.baseline_start,
            b_end=programme.baseline_end,
            months=programme.baseline_months,
        )
        + state
    )
    now = current_phase(programme, today)
    for column, phase in zip(st.columns(len(programme.phases)), programme.phases, strict=True):
        text = common.tr_dates(
            "programa.phase.box",
            phase=tr(f"programme.phase.{phase.key}"),
            weeks=phase.weeks,
            start=phase.start,
            end=phase.end,
        )
        if phase.key == now.key:
            column.success(
                f"**{text}**  \n{tr('programa.phase.today', phase=phase_text(programme, today))}",
                icon="📍",
            )
        else:
            column.info(text)
    if now.phase is None:
        st.caption(phase_text(programme, today))
