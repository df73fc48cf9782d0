"""Facilitator page through AppTest: create, drive the timer, capture notes, commit actions, close."""

import json
from datetime import date, datetime

import pytest
from support import logged_in

from kpi.access.roles import Actor
from kpi.cockpit import backlog, checklist, meeting, timer
from kpi.engine import catalogue
from kpi.engine.compute import last_complete_scorecard
from kpi.store.database import open_store

EVA = Actor("eva", "editor")


def _page(role: str = "editor"):
    at = logged_in(role, "eva").run()
    return at.switch_page("app_pages/meeting.py").run()


def _panel(at) -> str:
    return next(m.value for m in at.markdown if 'data-testid="timer-panel"' in m.value)


def test_viewer_cannot_open_the_facilitator_page(demo_app_env):
    at = logged_in("viewer").run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/meeting.py")


def test_create_a_meeting_fourteen_days_after_the_last(demo_app_env):
    store = open_store(demo_app_env)
    last = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.close_meeting(store, EVA, last, snapshot={"taken_at": "2026-03-02T10:45", "kpis": []})
    at = _page()
    assert not at.exception
    assert at.date_input(key="new_date").value == date(2026, 3, 16)
    at.text_input(key="new_typed").input("Ana, Luis")
    at.button(key="new_create").click().run()
    assert not at.exception
    created = meeting.list_meetings(store)[0]
    assert created["meeting_date"] == date(2026, 3, 16)
    assert created["attendees"] == ["Ana", "Luis"]
    assert created["title"] == "Reunión de tracción 16 mar 2026"
    assert [b.minutes for b in meeting.get_meeting(store, created["id"]).blocks] == [
        5,
        10,
        15,
        10,
        5,
    ]
    assert "Aterrizar outcomes y definiciones" in _panel(at)
    assert ">05:00<" in _panel(at)


def test_timer_controls_write_the_shared_state(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    at = _page()
    assert "Sin empezar" in _panel(at)
    at.button(key="t_start").click().run()
    assert not at.exception
    assert meeting.timer_of(store, meeting_id).status == "running"
    assert meeting.get_meeting(store, meeting_id).status == "running"
    at.button(key="t_next").click().run()
    at.button(key="t_pause").click().run()
    stored = meeting.timer_of(store, meeting_id)
    assert (stored.status, stored.current, stored.revision) == ("paused", 1, 3)
    assert "Revisar panel" in _panel(at)
    assert "En pausa" in _panel(at)
    at.button(key="t_resume").click().run()
    at.button(key="t_end").click().run()
    assert meeting.timer_of(store, meeting_id).status == "running"  # asks first (issue 15)
    at.button(key="confirm_yes").click().run()
    assert meeting.timer_of(store, meeting_id).status == "ended"


def test_a_stale_screen_is_refused_not_applied_twice(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start")
    at = _page()
    # another screen presses "next" after this one rendered
    meeting.timer_command(store, EVA, meeting_id, "next")
    at.button(key="t_next").click().run()
    assert not at.exception
    assert meeting.timer_of(store, meeting_id).current == 1
    assert any("Otra pantalla" in w.value for w in at.warning)


def test_notes_become_backlog_items_in_one_click(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    at = _page()
    at.selectbox(key="note_kind").set_value("risk")
    at.text_area(key="note_text").input("Implantaciones retrasadas en marzo")
    at.text_input(key="note_root_cause").input("Sin capacidad de Operaciones")
    at.selectbox(key="note_area").set_value("operations")
    at.text_input(key="note_owner").input("Luis")
    at.selectbox(key="note_kpi").set_value("time_to_value_days")
    at.button(key="note_add").click().run()
    assert not at.exception
    [note] = meeting.list_notes(store, meeting_id)
    assert (note["kind"], note["area"], note["owner"], note["kpi_id"]) == (
        "risk",
        "operations",
        "Luis",
        "time_to_value_days",
    )
    at.button(key=f"to_backlog_{note['id']}").click().run()
    assert not at.exception
    [linked] = meeting.list_notes(store, meeting_id)
    item = store.state().execute(
        "SELECT title, area, owner, kpi_id, source_note_id FROM backlog_items WHERE id = ?",
        [linked["backlog_item_id"]],
    )
    assert item.fetchone() == (
        "Implantaciones retrasadas en marzo",
        "operations",
        "Luis",
        "time_to_value_days",
        note["id"],
    )


def test_panel_shows_the_methods_four_kpis(demo_app_env):
    store = open_store(demo_app_env)
    meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    at = _page()
    labels = [m.label for m in at.metric]
    assert labels[:4] == [catalogue.get(k).label_es for k in meeting.METHOD_KPIS]


def test_commit_an_action_and_close_with_a_snapshot(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 3, 2), attendees=["Ana", "Luis"]
    )
    at = _page()
    assert at.date_input(key="action_due").value == date(2026, 3, 16)
    at.text_input(key="action_title").input("Acordar SLA de 24 h")
    at.text_input(key="action_owner").input("Ana")
    at.text_input(key="action_done").input("SLA firmado")
    at.button(key="action_add").click().run()
    assert not at.exception
    [action] = (
        store.state()
        .execute(
            "SELECT title, owner, definition_of_done, due_date FROM sprint_actions WHERE meeting_id = ?",
            [meeting_id],
        )
        .fetchall()
    )
    assert action == ("Acordar SLA de 24 h", "Ana", "SLA firmado", date(2026, 3, 16))
    at.number_input(key=f"rating_{meeting_id}_0").set_value(9)
    at.number_input(key=f"rating_{meeting_id}_1").set_value(6)
    at.button(key="save_ratings").click().run()
    assert meeting.average_rating(store, meeting_id) == 7.5
    at.button(key="close_meeting").click().run()
    at.button(key="confirm_yes").click().run()  # the confirmation (issue 15)
    assert not at.exception
    closed = meeting.get_meeting(store, meeting_id)
    assert closed.status == "closed"
    snapshot = closed.kpi_snapshot
    assert [k["kpi_id"] for k in snapshot["kpis"]] == [k.id for k in catalogue.CATALOGUE]
    # The frozen values are the reviewed (last complete) fortnight as it stood, KPI by KPI.
    current = last_complete_scorecard(store).results
    assert [(k["value"], k["status"], k["target"], k["unit"]) for k in snapshot["kpis"]] == [
        (r.value, r.status, r.target, r.unit) for r in current
    ]
    assert {k["status"] for k in snapshot["kpis"]} <= {"green", "amber", "red", "grey"}
    assert datetime.fromisoformat(snapshot["taken_at"])
    raw = store.state().execute("SELECT kpi_snapshot FROM meetings WHERE id = ?", [meeting_id])
    assert json.loads(raw.fetchone()[0]) == snapshot
    assert any("Reunión cerrada" in s.value for s in at.success)


def test_panel_text_of_a_paused_timer_is_exact(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    start = datetime(2026, 3, 2, 10, 0, 0)
    meeting.timer_command(store, EVA, meeting_id, "start", now=start)
    meeting.timer_command(store, EVA, meeting_id, "pause", now=start.replace(minute=1, second=10))
    at = _page()
    # 70 s of 300 used: 230 s left = 03:50, whatever the clock says now
    assert ">03:50<" in _panel(at)
    assert timer.COLOURS["paused"] in _panel(at)


def test_admin_switches_auto_advance_and_editors_see_it(demo_app_env):
    from kpi.store.settings import get_settings

    store = open_store(demo_app_env)
    meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    at = logged_in("admin").run().switch_page("app_pages/meeting.py").run()
    at.toggle(key="auto_advance_toggle").set_value(True).run()
    assert not at.exception
    assert get_settings(store)["auto_advance"] is True
    editor = _page()
    assert any("Avance automático activado" in c.value for c in editor.caption)


def test_agenda_edits_are_saved_before_the_start(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    at = logged_in("editor", "eva").run()
    at.session_state[f"agenda_editor_{meeting_id}"] = {
        "edited_rows": {0: {"minutes": 8}},
        "added_rows": [{"name": "Ronda de cierre", "minutes": 2}],
        "deleted_rows": [4],
    }
    at.switch_page("app_pages/meeting.py").run()
    at.button(key="save_agenda").click().run()
    assert not at.exception
    blocks = meeting.get_meeting(store, meeting_id).blocks
    assert [(b.name, b.minutes, b.content) for b in blocks][3:] == [
        ("Priorizar y asignar dueños", 10, "Matriz esfuerzo-impacto sobre el backlog; dueños."),
        ("Ronda de cierre", 2, ""),
    ]
    assert [b.minutes for b in blocks] == [8, 10, 15, 10, 2]


def test_block_five_checklist_and_last_sprint_review_are_saved(demo_app_env):
    store = open_store(demo_app_env)
    last = meeting.create_meeting(store, EVA, meeting_date=date(2026, 2, 16))
    typed = {"title": "Guion ICP-A", "owner": "Ana", "definition_of_done": "Guion publicado"}
    action = backlog.add_sprint_action(
        store, EVA, meeting_id=last, due_date=date(2026, 3, 2), **typed
    )
    meeting.close_meeting(store, EVA, last, snapshot={"taken_at": "2026-02-16T10:45", "kpis": []})
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    checklist.answer_checklist(store, EVA, meeting_id, {1: True})
    at = _page()
    assert at.checkbox(key=f"check_{meeting_id}_1").value is True
    at.checkbox(key=f"check_{meeting_id}_4").check()
    at.button(key="check_save").click().run()
    assert not at.exception
    assert checklist.meeting_answers(store, meeting_id) == {n: n in (1, 4) for n in range(1, 7)}
    assert [s.value for s in at.success] == ["Checklist guardado."]
    at.button(key=f"review_{action['id']}_done").click().run()
    assert not at.exception
    [reviewed] = backlog.sprint_actions(store, last)
    assert reviewed["status"] == "done"
    # A write whose result the page shows by itself flashes nothing.
    assert not at.success
