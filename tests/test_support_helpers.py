"""The helpers of tests/support.py that hold logic of their own."""

from datetime import date

from support import EDITOR, meeting_with_action

from kpi.cockpit import backlog


def fields(store, meeting_id) -> tuple:
    [action] = backlog.sprint_actions(store, meeting_id)
    return action["title"], action["owner"], action["definition_of_done"], action["due_date"]


def test_meeting_with_action_fills_in_what_a_test_leaves_out(store):
    meeting_id, _action = meeting_with_action(store, EDITOR, date(2026, 3, 2))
    assert fields(store, meeting_id) == ("Acción de prueba", "Ana", "Hecho", date(2026, 3, 16))


def test_meeting_with_action_keeps_what_a_test_gives(store):
    meeting_id, _action = meeting_with_action(
        store, EDITOR, date(2026, 3, 2), "Llamar", owner="Luis", due_date=date(2026, 3, 20)
    )
    assert fields(store, meeting_id) == ("Llamar", "Luis", "Hecho", date(2026, 3, 20))
