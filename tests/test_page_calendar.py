"""Governance calendar pages through AppTest: the cadences in Ajustes, the Calendario page for
every role, and a monthly review picked, run and closed on the meeting page, read in History."""

from datetime import date

import pytest
from support import logged_in, open_page

from kpi.access.roles import Actor
from kpi.cockpit import meeting
from kpi.store.database import open_store
from kpi.store.settings import get_settings

EVA = Actor("eva", "editor")


def _set_cadences(at) -> None:
    at.number_input(key="cal_traccion_days").set_value(14)
    at.date_input(key="cal_review_anchor").set_value(date(2025, 1, 31))
    at.date_input(key="cal_committee_anchor").set_value(date(2025, 2, 15))
    at.button(key="cal_save").click().run()


def test_admin_sets_the_cadences_and_every_role_reads_the_calendar(app_env):
    open_store(app_env)  # an empty database
    at = open_page("app_pages/settings.py")
    _set_cadences(at)
    assert not at.exception
    stored = get_settings(open_store(app_env))
    assert (stored["review_anchor"], stored["committee_anchor"]) == ("2025-01-31", "2025-02-15")
    for role in ("viewer", "editor", "admin"):
        page = open_page("app_pages/calendar.py", role)
        page.date_input(key="calendar_from").set_value(date(2025, 3, 1)).run()
        assert not page.exception
        table = page.dataframe[0].value
        # 13 tracciones (every 14 days from 6 Jan), 6 reviews (the 31st, clamped), 2 committees.
        assert len(table) == 21
        assert list(table["Fecha"][:4]) == [
            "3 mar 2025",
            "17 mar 2025",
            "31 mar 2025",
            "31 mar 2025",
        ]
        assert list(table["Reunión"][2:4]) == [
            "Reunión de tracción",
            "Revisión estratégica mensual",
        ]
        assert list(table["Minutos"][2:4]) == [45, 60]
        assert table["Agenda"][3].startswith(
            "1. Cumplimiento del SLA (20 min) · Marketing + Ventas:"
        )
        assert page.get("vega_lite_chart")
        assert [b.label for b in page.get("download_button")] == ["Descargar .ics"]


def test_the_page_speaks_english_and_a_short_window_can_be_empty(app_env):
    open_store(app_env)
    at = open_page("app_pages/calendar.py", "viewer", lang="en")
    at.date_input(key="calendar_from").set_value(date(2025, 1, 7))
    at.number_input(key="calendar_months").set_value(1).run()
    table = at.dataframe[0].value
    # Defaults: tracción 20 Jan and 3 Feb; review 27 Jan; committee 13 Jan, 13 Apr: 13 Jan only.
    assert list(table["Meeting"]) == [
        "Quarterly committee",
        "Tracción meeting",
        "Monthly strategic review",
        "Tracción meeting",
    ]
    assert list(table["Date"]) == ["13 Jan 2025", "20 Jan 2025", "27 Jan 2025", "3 Feb 2025"]


def _meeting_page():
    at = logged_in("editor", "eva").run()
    return at.switch_page("app_pages/meeting.py").run()


@pytest.mark.parametrize(
    ("template", "title", "first_block"),
    [
        ("monthly", "Revisión mensual 2 mar 2026", "Cumplimiento del SLA"),
        ("committee", "Comité trimestral 2 mar 2026", "Outcomes del trimestre"),
    ],
)
def test_a_template_is_picked_run_closed_and_read_in_history(
    demo_app_env, template, title, first_block
):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 3, 2), attendees=["Ana"]
    )
    at = _meeting_page()
    at.selectbox(key=f"template_{meeting_id}").set_value(template).run()
    at.button(key="apply_template").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Plantilla aplicada."]
    current = meeting.get_meeting(store, meeting_id)
    assert (current.template, current.title, current.blocks[0].name) == (
        template,
        title,
        first_block,
    )
    at.button(key="t_start").click().run()
    assert at.selectbox(key=f"template_{meeting_id}").disabled  # fixed once started
    for _ in range(3):
        at.button(key="t_next").click().run()
    assert meeting.timer_of(store, meeting_id).current == 3  # the fourth and last block
    assert at.button(key="t_next").disabled
    at.button(key="close_meeting").click().run()
    at.button(key="confirm_yes").click().run()
    assert not at.exception
    assert meeting.get_meeting(store, meeting_id).status == "closed"
    history = open_page("app_pages/history.py", "viewer")
    shown = "\n".join(m.value for m in history.markdown)
    name = {"monthly": "Revisión estratégica mensual", "committee": "Comité trimestral"}[template]
    assert f"**Plantilla:** {name}" in shown
    assert f"1\\. {first_block}" in shown or f"1. {first_block}" in shown
