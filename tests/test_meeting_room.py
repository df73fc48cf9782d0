"""The meeting page in the room: the facilitator picks the projector's mode there, and a reload
(a new session on the same address) shows the meeting that was on screen."""

from datetime import date

from support import logged_in

from kpi.access.roles import Actor
from kpi.cockpit import meeting, projector
from kpi.store.database import open_store

EVA = Actor("eva", "editor")
PAGE = "app_pages/meeting.py"


def _two_meetings(app_env) -> tuple[int, int]:
    store = open_store(app_env)
    first = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2), title="Primera")
    second = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 16), title="Segunda")
    return first, second


def test_the_facilitator_sets_the_projector_mode_with_one_click(app_env):
    first, _second = _two_meetings(app_env)
    at = logged_in("editor", "eva").run().switch_page(PAGE).run()
    at.selectbox(key="meeting_id").set_value(first).run()
    picker = at.segmented_control(key=f"projector_mode_{first}")
    assert picker.value == "timer"  # what the room sees until someone chooses
    picker.set_value("board").run()
    assert not at.exception
    assert projector.mode_of(open_store(app_env), first) == "board"
    # The choice stays shown on the next run (it is read back from the state, not the widget).
    at.run()
    assert at.segmented_control(key=f"projector_mode_{first}").value == "board"


def test_the_address_names_the_meeting_and_a_reload_shows_it_again(app_env):
    _first, second = _two_meetings(app_env)
    at = logged_in("editor", "eva").run().switch_page(PAGE).run()
    at.selectbox(key="meeting_id").set_value(second).run()
    assert at.query_params["reunion"] == str(second)
    # F5: a new session, same address.
    reloaded = logged_in("editor", "eva")
    reloaded.query_params["reunion"] = str(second)
    reloaded.run().switch_page(PAGE).run()
    assert not reloaded.exception
    assert reloaded.selectbox(key="meeting_id").value == second


def test_an_address_naming_no_open_meeting_falls_back_to_the_newest(app_env):
    _first, second = _two_meetings(app_env)
    at = logged_in("editor", "eva")
    at.query_params["reunion"] = "999"
    at.run().switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="meeting_id").value == second  # 16 March, listed first
