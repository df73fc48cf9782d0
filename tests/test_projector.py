"""Projector modes in the core: chosen per meeting, audited, editors only, known modes only;
the notes of the running block."""

import json
from datetime import date, timedelta

import pytest
from support import EDITOR, VIEWER

from kpi.access.roles import PermissionDenied
from kpi.cockpit import meeting, projector
from kpi.cockpit.meeting_record import MeetingError


@pytest.fixture
def meeting_id(store) -> int:
    return meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))


def test_a_new_meeting_projects_the_timer_and_the_chosen_mode_is_kept(store, meeting_id):
    assert projector.mode_of(store, meeting_id) == "timer"
    assert projector.screen(store, meeting_id) == projector.Screen(closed=False, mode="timer")
    projector.set_mode(store, EDITOR, meeting_id, "board")
    projector.set_mode(store, EDITOR, meeting_id, "actions")
    assert projector.mode_of(store, meeting_id) == "actions"
    assert projector.screen(store, meeting_id).mode == "actions"
    other = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 16))
    assert projector.mode_of(store, other) == "timer"  # per meeting


def test_each_choice_leaves_an_audit_row(store, meeting_id):
    projector.set_mode(store, EDITOR, meeting_id, "notes")
    projector.set_mode(store, EDITOR, meeting_id, "board")
    rows = store.rows(
        "SELECT actor, action, row_id, before, after FROM audit_log "
        "WHERE table_name = 'projector_modes' ORDER BY id"
    )
    assert [(r["actor"], r["action"]) for r in rows] == [("eva", "insert"), ("eva", "update")]
    assert rows[0]["row_id"].startswith(f"{meeting_id}/notes/eva/")  # an insert names its values
    assert rows[1]["row_id"] == str(meeting_id)
    assert json.loads(rows[1]["before"])["mode"] == "notes"
    assert json.loads(rows[1]["after"])["mode"] == "board"


def test_a_viewer_is_refused_and_nothing_changes(store, meeting_id):
    with pytest.raises(PermissionDenied):
        projector.set_mode(store, VIEWER, meeting_id, "board")
    assert projector.mode_of(store, meeting_id) == "timer"
    assert store.rows("SELECT * FROM projector_modes") == []


@pytest.mark.parametrize("mode", ["clock", "", None, "BOARD"])
def test_an_unknown_mode_or_meeting_is_refused(store, meeting_id, mode):
    with pytest.raises(MeetingError):
        projector.set_mode(store, EDITOR, meeting_id, mode)
    with pytest.raises(MeetingError):
        projector.set_mode(store, EDITOR, meeting_id + 99, "board")
    assert store.rows("SELECT * FROM projector_modes") == []


def test_a_closed_meeting_says_so(store, meeting_id):
    projector.set_mode(store, EDITOR, meeting_id, "board")
    meeting.close_meeting(store, EDITOR, meeting_id, snapshot={})
    assert projector.screen(store, meeting_id) == projector.Screen(closed=True, mode="board")


def test_notes_are_those_of_the_running_block(store, meeting_id):
    first = meeting.add_note(store, EDITOR, meeting_id, kind="worked", text="Antes de empezar")
    # Not started: the room sees every note of the meeting.
    position, notes = projector.block_notes(store, meeting_id, store.now())
    assert (position, [n["id"] for n in notes]) == (0, [first["id"]])
    # Block 1 started in the past, block 2 entered after the first note was taken.
    began = store.now() - timedelta(minutes=2)
    meeting.timer_command(store, EDITOR, meeting_id, "start", now=began)
    later = store.now() + timedelta(minutes=1)
    meeting.timer_command(store, EDITOR, meeting_id, "next", now=later)
    position, notes = projector.block_notes(store, meeting_id, later + timedelta(seconds=5))
    assert (position, notes) == (1, [])
