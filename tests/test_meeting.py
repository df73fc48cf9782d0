"""Meeting core on a real DuckDB file: agenda, dates, attendees, timer commands, notes, ratings, closing."""

import json
from datetime import date, datetime, timedelta

import pytest

from kpi.access.roles import Actor, PermissionDenied
from kpi.cockpit import meeting, timer

EVA = Actor("eva", "editor")
VIEWER = Actor("vic", "viewer")
T0 = datetime(2026, 3, 2, 10, 0, 0)
SNAPSHOT = {
    "taken_at": "2026-03-02T10:45:00",
    "kpis": [{"kpi_id": "win_rate", "value": 0.25, "status": "red", "target": 0.3, "unit": "rate"}],
}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_default_agenda_is_the_methods_45_minutes(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    m = meeting.get_meeting(store, meeting_id)
    assert [b.name for b in m.blocks] == [
        "Aterrizar outcomes y definiciones",
        "Revisar panel",
        "Aprendizajes y bloqueos",
        "Priorizar y asignar dueños",
        "Cerrar",
    ]
    assert [b.minutes for b in m.blocks] == [5, 10, 15, 10, 5]
    assert m.blocks[2].leader == "Marketing + Ventas (aprendizajes), Operaciones (bloqueos)"
    assert m.title == "Reunión de tracción 2 mar 2026"
    assert m.status == "planned"
    assert m.next_review == date(2026, 3, 16)


def test_english_agenda_and_title(store):
    m = meeting.get_meeting(
        store, meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2), lang="en")
    )
    assert m.blocks[1].name == "Review the board"
    assert m.title == "Tracción meeting 2 Mar 2026"


def test_default_date_is_fourteen_days_after_the_latest_meeting(store):
    assert meeting.default_meeting_date(store, today=date(2026, 5, 5)) == date(2026, 5, 5)
    meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.create_meeting(store, EVA, meeting_date=date(2026, 2, 16))
    assert meeting.default_meeting_date(store, today=date(2026, 5, 5)) == date(2026, 3, 16)
    assert meeting.get_meeting(store, meeting.create_meeting(store, EVA)).meeting_date == date(
        2026, 3, 16
    )


def test_custom_agenda_and_attendees_are_cleaned(store):
    meeting_id = meeting.create_meeting(
        store,
        EVA,
        meeting_date=date(2026, 3, 2),
        attendees=[" Ana ", "ana", "Luis", ""],
        agenda=[{"name": "Único", "minutes": 20, "leader": "Ana"}, {"name": "  ", "minutes": 3}],
    )
    m = meeting.get_meeting(store, meeting_id)
    assert m.attendees == ["Ana", "Luis"]
    assert [(b.name, b.minutes, b.leader) for b in m.blocks] == [("Único", 20, "Ana")]
    with pytest.raises(meeting.MeetingError) as error:
        meeting.create_meeting(store, EVA, agenda=[{"name": "X", "minutes": 0}])
    assert error.value.message("en") == "Block “X” needs between 0 and 180 minutes."


def test_agenda_can_be_replaced_until_the_timer_starts(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.replace_agenda(
        store, EVA, meeting_id, [{"name": "A", "minutes": 30}, {"name": "B", "minutes": 15}]
    )
    assert [b.minutes for b in meeting.get_meeting(store, meeting_id).blocks] == [30, 15]
    meeting.timer_command(store, EVA, meeting_id, "start", now=at(0))
    with pytest.raises(meeting.MeetingError) as error:
        meeting.replace_agenda(store, EVA, meeting_id, [{"name": "C", "minutes": 5}])
    assert error.value.key == "meeting.error.agenda_started"


def test_timer_commands_persist_and_mark_the_meeting_running(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start", now=at(0))
    meeting.timer_command(store, EVA, meeting_id, "next", now=at(330), expected_revision=1)
    assert meeting.get_meeting(store, meeting_id).status == "running"
    stored = meeting.timer_of(store, meeting_id)
    # block 2 (10 min) entered at 330 s: at 400 s it has 530 s left
    assert timer.view(stored, at(400)).clock == "08:50"
    blocks = meeting.get_meeting(store, meeting_id).blocks
    assert (blocks[0].actual_start, blocks[0].actual_end, blocks[0].actual_seconds) == (
        at(0),
        at(330),
        330,
    )
    assert blocks[1].actual_start == at(330)
    with pytest.raises(PermissionDenied):
        meeting.timer_command(store, VIEWER, meeting_id, "pause", now=at(401))


def test_auto_advance_setting_is_stored_on_the_next_command(store):
    from kpi.store.settings import set_setting

    set_setting(store, Actor("ada", "admin"), "auto_advance", True)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start", now=at(0))
    meeting.timer_command(store, EVA, meeting_id, "pause", now=at(320))
    stored = meeting.timer_of(store, meeting_id)
    # block 1 ended by itself at 300 s; block 2 ran 20 s before the pause
    assert stored.current == 1
    assert stored.blocks[0].actual_end == at(300)
    assert stored.blocks[1].spent_seconds == 20


def test_notes_are_listed_and_checked(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.add_note(
        store, EVA, meeting_id, kind="worked", text="Webinar con ICP-A", why="Lista segmentada"
    )
    meeting.add_note(
        store,
        EVA,
        meeting_id,
        kind="risk",
        text="Retraso en implantación",
        area="operations",
        root_cause="Sin capacidad en marzo",
        owner="Luis",
        kpi_id="time_to_value_days",
    )
    notes = meeting.list_notes(store, meeting_id)
    assert [(n["kind"], n["text"]) for n in notes] == [
        ("worked", "Webinar con ICP-A"),
        ("risk", "Retraso en implantación"),
    ]
    assert notes[1]["root_cause"] == "Sin capacidad en marzo"
    with pytest.raises(meeting.MeetingError):
        meeting.add_note(store, EVA, meeting_id, kind="gossip", text="x")
    with pytest.raises(meeting.MeetingError):
        meeting.add_note(store, EVA, meeting_id, kind="worked", text="   ")
    with pytest.raises(PermissionDenied):
        meeting.add_note(store, VIEWER, meeting_id, kind="worked", text="x")


def test_ratings_per_attendee_and_average(store):
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 3, 2), attendees=["Ana", "Luis", "Marta"]
    )
    meeting.rate(store, EVA, meeting_id, "Ana", 8)
    meeting.rate(store, EVA, meeting_id, "Luis", 5)
    meeting.rate(store, EVA, meeting_id, "Luis", 6)  # corrected
    assert meeting.ratings(store, meeting_id) == {"Ana": 8, "Luis": 6}
    assert meeting.average_rating(store, meeting_id) == 7.0
    with pytest.raises(meeting.MeetingError):
        meeting.rate(store, EVA, meeting_id, "Ana", 11)
    with pytest.raises(meeting.MeetingError):
        meeting.rate(store, EVA, meeting_id, "Pepe", 7)


def test_closing_freezes_the_snapshot_ends_the_timer_and_locks_the_meeting(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start", now=at(0))
    closed = meeting.close_meeting(store, EVA, meeting_id, snapshot=SNAPSHOT, now=at(600))
    assert closed.status == "closed"
    assert closed.closed_at == at(600)
    assert closed.kpi_snapshot == SNAPSHOT
    stored = meeting.timer_of(store, meeting_id)
    assert (stored.status, stored.blocks[0].spent_seconds) == ("ended", 600)
    raw = store.state().execute("SELECT kpi_snapshot FROM meetings WHERE id = ?", [meeting_id])
    assert json.loads(raw.fetchone()[0])["kpis"][0]["value"] == 0.25
    with pytest.raises(meeting.MeetingError):
        meeting.add_note(store, EVA, meeting_id, kind="worked", text="late")
    with pytest.raises(meeting.MeetingError):
        meeting.timer_command(store, EVA, meeting_id, "resume", now=at(700))


def test_history_search_and_active_meeting(store):
    first = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 2, 16), title="Kick-off", attendees=["Ana"]
    )
    second = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2), title="Marzo")
    meeting.add_note(store, EVA, second, kind="dependency", text="Falta el CRM de Operaciones")
    assert [m["id"] for m in meeting.list_meetings(store)] == [second, first]
    assert [m["id"] for m in meeting.list_meetings(store, "crm")] == [second]
    assert [m["id"] for m in meeting.list_meetings(store, "ANA")] == [first]
    assert meeting.list_meetings(store, "nada de nada") == []
    assert meeting.previous_meeting_id(store, second) == first
    assert meeting.previous_meeting_id(store, first) is None
    assert meeting.active_meeting_id(store) == second
    meeting.timer_command(store, EVA, first, "start", now=at(0))
    assert meeting.active_meeting_id(store) == first


def test_next_review_cannot_precede_the_meeting(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.update_meeting(store, EVA, meeting_id, next_review=date(2026, 3, 20))
    assert meeting.get_meeting(store, meeting_id).review_date == date(2026, 3, 20)
    with pytest.raises(meeting.MeetingError):
        meeting.update_meeting(store, EVA, meeting_id, next_review=date(2026, 3, 1))


def test_two_screens_pressing_next_at_once_move_one_block(store):
    import threading

    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start", now=at(0))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press() -> None:
        barrier.wait()
        try:
            meeting.timer_command(store, EVA, meeting_id, "next", expected_revision=1, now=at(60))
            outcomes.append("applied")
        except timer.TimerError as error:
            outcomes.append(error.kind)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "conflict"]
    stored = meeting.timer_of(store, meeting_id)
    assert (stored.current, stored.revision) == (1, 2)


def test_scorecard_cache_key_ignores_meeting_work_but_not_targets(store):
    from kpi.store.settings import set_setting

    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    before = meeting.scorecard_inputs(store)
    meeting.timer_command(store, EVA, meeting_id, "start", now=at(0))
    meeting.add_note(store, EVA, meeting_id, kind="worked", text="x")
    assert meeting.scorecard_inputs(store) == before
    set_setting(store, Actor("ada", "admin"), "sla_hours", 12)
    assert meeting.scorecard_inputs(store) != before
