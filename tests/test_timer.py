"""The meeting timer as a pure state machine driven by a fake clock; values worked out by hand."""

from datetime import datetime, timedelta

import pytest

from kpi.access.roles import Actor
from kpi.cockpit import timer
from kpi.store.database import open_store

T0 = datetime(2026, 3, 2, 10, 0, 0)
PLAN = [5, 10, 15, 10, 5]  # the method's 45-minute agenda


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def started() -> timer.Timer:
    return timer.start(timer.new_timer(PLAN), at(0))


def test_idle_timer_shows_the_first_block_full():
    shown = timer.view(timer.new_timer(PLAN), at(0))
    assert (shown.phase, shown.clock, shown.current) == ("idle", "05:00", 0)
    assert shown.planned_total_clock == "45:00"
    assert shown.total_clock == "00:00"


def test_countdown_rounds_up_and_counts_down():
    t = started()
    assert timer.view(t, at(0)).clock == "05:00"
    assert timer.view(t, at(0.4)).clock == "05:00"
    assert timer.view(t, at(1)).clock == "04:59"
    # 5 min - 2 min 13.5 s = 2 min 46.5 s, shown rounded up as 02:47
    assert timer.view(t, at(133.5)).clock == "02:47"
    assert timer.view(t, at(133.5)).progress == pytest.approx(133.5 / 300)


def test_warning_in_the_last_minute_then_red_overrun_counting_up():
    t = started()
    assert timer.view(t, at(239)).phase == "running"  # 61 s left
    assert timer.view(t, at(240)).phase == "warning"  # 60 s left
    assert timer.view(t, at(299)).clock == "00:01"
    over = timer.view(t, at(300))
    assert (over.phase, over.clock, over.colour) == ("overrun", "+00:00", timer.COLOURS["overrun"])
    late = timer.view(t, at(300 + 83))
    assert (late.clock, late.overrun_seconds, late.progress) == ("+01:23", 83, 1.0)


def test_pause_freezes_and_resume_continues_where_it_stopped():
    t = timer.pause(started(), at(70))  # 70 s used, 230 s left = 03:50
    assert t.status == "paused"
    assert timer.view(t, at(70)).clock == "03:50"
    assert timer.view(t, at(70 + 600)).clock == "03:50"  # ten minutes later, still frozen
    t = timer.resume(t, at(670))
    assert timer.view(t, at(680)).clock == "03:40"  # 80 s used
    assert t.total_elapsed(at(680)) == 80


def test_next_and_previous_keep_each_blocks_own_seconds():
    t = timer.next_block(started(), at(200))  # block 1 used 200 s
    assert t.current == 1
    assert timer.view(t, at(260)).clock == "09:00"  # block 2: 60 of 600 s used
    t = timer.previous_block(t, at(320))  # block 2 used 120 s
    assert t.current == 0
    assert timer.view(t, at(330)).clock == "01:30"  # block 1: 210 of 300 s used
    t = timer.next_block(t, at(350))  # block 1 total 230 s
    assert timer.view(t, at(350)).clock == "08:00"  # block 2 resumes at 120 s
    assert t.blocks[0].spent_seconds == 230
    assert t.blocks[1].spent_seconds == 120
    assert t.total_elapsed(at(350)) == 350


def test_jump_records_actual_start_and_end():
    t = timer.jump(started(), 3, at(100))
    assert t.current == 3
    assert t.blocks[0].actual_start == at(0)
    assert t.blocks[0].actual_end == at(100)
    assert t.blocks[3].actual_start == at(100)
    assert t.blocks[3].actual_end is None
    assert t.blocks[1].actual_start is None  # skipped blocks keep no times
    t = timer.jump(t, 1, at(160))
    assert t.blocks[3].actual_end == at(160)
    assert t.blocks[3].spent_seconds == 60


def test_end_freezes_the_meeting():
    t = timer.end(timer.next_block(started(), at(290)), at(890))
    assert t.status == "ended"
    assert t.ended_at == at(890)
    assert t.blocks[1].spent_seconds == 600
    assert t.blocks[1].actual_end == at(890)
    shown = timer.view(t, at(5000))
    assert shown.phase == "ended"
    assert shown.total_clock == "14:50"  # 290 + 600 s


def refusal(command, *args) -> str:
    """The kind of the TimerError that `command(*args)` raises."""
    with pytest.raises(timer.TimerError) as error:
        command(*args)
    return error.value.kind


def test_commands_refused_where_they_do_not_apply():
    idle = timer.new_timer(PLAN)
    assert refusal(timer.pause, idle, at(0)) == "not_started"
    assert refusal(timer.previous_block, started(), at(5)) == "no_previous"
    last = timer.jump(started(), 4, at(5))
    assert refusal(timer.next_block, last, at(6)) == "no_next"
    assert refusal(timer.start, started(), at(1)) == "already_started"
    ended = timer.end(started(), at(10))
    assert refusal(timer.pause, ended, at(11)) == "ended"
    with pytest.raises(timer.TimerError):
        timer.jump(started(), 5, at(1))


def test_an_ended_timer_resumes_in_its_block_with_the_seconds_it_had_left():
    t = timer.next_block(started(), at(300))  # block 2 (10 min) entered at 300 s
    t = timer.end(t, at(300 + 130))  # 130 s of its 600 s used
    assert (t.status, t.ended_at, t.blocks[1].actual_end) == ("ended", at(430), at(430))
    resumed = timer.resume(t, at(1000))  # 570 s later: not counted
    assert (resumed.status, resumed.current, resumed.ended_at) == ("running", 1, None)
    assert resumed.blocks[1].actual_end is None
    assert resumed.revision == t.revision + 1
    # 600 - 130 = 470 s left at the resume, 460 s ten seconds later = 07:40
    assert timer.view(resumed, at(1000)).clock == "07:50"
    assert timer.view(resumed, at(1010)).clock == "07:40"
    assert resumed.total_elapsed(at(1010)) == 300 + 130 + 10
    assert timer.apply(t, "resume", at(1000)) == resumed


def test_every_change_bumps_the_revision():
    t = started()
    assert t.revision == 1
    t = timer.pause(t, at(1))
    t = timer.resume(t, at(2))
    t = timer.next_block(t, at(3))
    assert t.revision == 4


def test_auto_advance_hands_over_at_zero_exactly():
    t = started()
    assert timer.view(t, at(299), auto_advance=True).current == 0
    shown = timer.view(t, at(310), auto_advance=True)
    # block 2 started at 300 s: 10 of its 600 s used
    assert (shown.current, shown.clock) == (1, "09:50")
    settled = timer.settle(t, at(310), auto_advance=True)
    assert settled.blocks[0].actual_end == at(300)
    assert settled.blocks[1].actual_start == at(300)
    # without the setting the block overruns instead
    assert timer.view(t, at(310)).clock == "+00:10"


def test_auto_advance_stops_at_the_last_block_and_skips_no_revisited_block():
    t = started()
    shown = timer.view(t, at(45 * 60 + 30), auto_advance=True)
    assert (shown.current, shown.clock, shown.phase) == (4, "+00:30", "overrun")
    overrun = timer.previous_block(timer.next_block(t, at(400)), at(410))
    # block 1 already used 400 of 300 s: going back to it must not bounce forward
    assert timer.view(overrun, at(420), auto_advance=True).current == 0


def test_plan_versus_actual_minutes_over_a_whole_meeting():
    t = started()
    t = timer.next_block(t, at(6 * 60))  # block 1: 6 min (plan 5)
    t = timer.pause(t, at(6 * 60 + 4 * 60))
    t = timer.resume(t, at(20 * 60))  # 10 minutes of pause do not count
    t = timer.next_block(t, at(26 * 60))  # block 2: 4 + 6 = 10 min (plan 10)
    t = timer.next_block(t, at(38 * 60))  # block 3: 12 min (plan 15)
    t = timer.next_block(t, at(49 * 60))  # block 4: 11 min (plan 10)
    t = timer.end(t, at(53 * 60))  # block 5: 4 min (plan 5)
    assert [b.spent_seconds / 60 for b in t.blocks] == [6, 10, 12, 11, 4]
    assert t.total_elapsed(at(53 * 60)) == 43 * 60
    assert timer.view(t, at(53 * 60)).total_over is False


def test_panel_escapes_user_text():
    shown = timer.view(started(), at(0))
    words = {
        "block": "Bloque 1/5",
        "status": "En marcha",
        "leader": "Dirige",
        "next": "Siguiente",
        "total": "Total",
        "last": "Último bloque",
    }
    markup = timer.panel_html(
        shown,
        timer.BlockLabel("<script>alert(1)</script>", "Ana & Co", ""),
        timer.BlockLabel("Panel", "", ""),
        words,
    )
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "Ana &amp; Co" in markup
    assert ">05:00<" in markup
    assert "font-size:200px" in markup


def _meeting_with_agenda(store) -> int:
    actor = Actor("eva", "editor")
    with store.write(actor, "meeting") as w:
        meeting = w.insert(
            "meetings",
            {"title": "R", "meeting_date": T0.date(), "created_by": "eva", "created_at": T0},
        )
        for position, minutes in enumerate(PLAN):
            w.insert(
                "agenda_blocks",
                {
                    "meeting_id": meeting["id"],
                    "position": position,
                    "name": f"B{position}",
                    "minutes": minutes,
                },
            )
    return meeting["id"]


def test_persistence_round_trip_and_revision_conflict(tmp_path):
    store = open_store(tmp_path / "t.duckdb")
    meeting_id = _meeting_with_agenda(store)
    actor = Actor("eva", "editor")
    assert timer.load(store.state(), meeting_id) == timer.new_timer(PLAN)
    with store.write(actor, "meeting") as w:
        timer.run_command(w, meeting_id, "start", now=at(0))
    with store.write(actor, "meeting") as w:
        timer.run_command(w, meeting_id, "next", now=at(200), expected_revision=1)
    with store.write(actor, "meeting") as w:
        timer.run_command(w, meeting_id, "pause", now=at(230))
    loaded = timer.load(store.state(), meeting_id)
    expected = timer.pause(timer.next_block(started(), at(200)), at(230))
    assert loaded == expected
    assert timer.view(loaded, at(9999)).clock == "09:30"
    # A second screen that still shows revision 2 may not press "next" again.
    with pytest.raises(timer.TimerError) as error, store.write(actor, "meeting") as w:
        timer.run_command(w, meeting_id, "next", now=at(240), expected_revision=2)
    assert error.value.kind == "conflict"
    assert timer.load(store.state(), meeting_id).current == 1


def test_a_viewer_cannot_drive_the_timer(tmp_path):
    from kpi.access.roles import PermissionDenied

    store = open_store(tmp_path / "t.duckdb")
    _meeting_with_agenda(store)
    with pytest.raises(PermissionDenied), store.write(Actor("v", "viewer"), "meeting"):
        pass
