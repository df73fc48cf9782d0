"""History page through AppTest: every role, search, minutes on screen."""

from datetime import date

from support import logged_in

from kpi.access.roles import Actor
from kpi.cockpit import meeting
from kpi.store.database import open_store

EVA = Actor("eva", "editor")


def _history():
    at = logged_in("viewer").run()
    return at.switch_page("app_pages/history.py").run()


def test_empty_history(demo_app_env):
    at = _history()
    assert not at.exception
    assert at.info[0].value == "Todavía no hay reuniones."


def test_search_and_minutes(demo_app_env):
    store = open_store(demo_app_env)
    first = meeting.create_meeting(store, EVA, meeting_date=date(2026, 2, 16), title="Febrero")
    meeting.add_note(store, EVA, first, kind="dependency", text="Falta integrar el CRM")
    meeting.close_meeting(store, EVA, first, snapshot={"taken_at": "2026-02-16T10:45", "kpis": []})
    meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2), title="Marzo")
    at = _history()
    assert not at.exception
    assert list(at.dataframe[0].value["Reunión"]) == ["Marzo", "Febrero"]
    at.text_input(key="history_search").input("crm").run()
    assert list(at.dataframe[0].value["Reunión"]) == ["Febrero"]
    shown = "\n".join(m.value for m in at.markdown)
    assert "# Febrero" in shown
    assert "[Bloqueo: dependencia] Falta integrar el CRM" in shown
    at.text_input(key="history_search").input("no existe").run()
    assert at.info[0].value == "Ninguna reunión coincide con la búsqueda."
