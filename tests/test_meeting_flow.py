"""The meeting page's flow (issue 15, points 1, 3 and 4): the open tab survives saves and follows
the running block, «Terminar» and «Cerrar» ask first, an ended timer resumes, a closed meeting
reopens, and a rating is only reported saved when it was stored."""

import json
from datetime import date, datetime, timedelta

import pytest
from support import EDITOR, VIEWER, logged_in

from kpi.access.roles import PermissionDenied
from kpi.cockpit import meeting
from kpi.i18n import t
from kpi.store.database import open_store

T0 = datetime(2026, 3, 2, 10, 0, 0)
SNAPSHOT = {"taken_at": "2026-03-02T10:45:00", "kpis": []}
TAB = "meeting_tab"


def _label(position: int, lang: str = "es") -> str:
    return t("meeting.tab.prepare" if position == 0 else f"meeting.tab.{position}", lang)


def _page(role: str = "editor"):
    return logged_in(role, "eva").run().switch_page("app_pages/meeting.py").run()


def _rendered_tab(at) -> int:
    """The tab the browser is told to show (the tab container's selected index)."""
    [tabs] = [node for node in at.main if getattr(node, "type", None) == "tab_container"]
    return tabs.proto.tab_container.default_tab_index


def _pick_tab(at, position: int):
    """The facilitator clicks a tab (the browser sends its label; the page reruns)."""
    at.session_state[TAB] = _label(position, at.session_state["lang"])
    return at.run()


def _open_on(at, position: int) -> None:
    assert not at.exception, at.exception
    assert at.session_state[TAB] == _label(position, at.session_state["lang"])
    assert _rendered_tab(at) == position


@pytest.fixture
def meeting_id(demo_app_env):
    store = open_store(demo_app_env)
    return meeting.create_meeting(
        store, EDITOR, meeting_date=date(2026, 3, 2), attendees=["Ana", "Luis"]
    )


def test_the_open_tab_survives_a_note_an_error_an_action_and_a_rating(demo_app_env, meeting_id):
    store = open_store(demo_app_env)
    at = _page()
    at.session_state["lang"] = "es"
    _open_on(at, 0)
    at = _pick_tab(at, 3)
    _open_on(at, 3)
    at.text_area(key="note_text").input("Webinars con buen ICP")
    at.button(key="note_add").click().run()
    _open_on(at, 3)
    assert len(meeting.list_notes(store, meeting_id)) == 1
    at.button(key="note_add").click().run()  # no text: the refusal shows in the open tab
    _open_on(at, 3)
    assert any("Escribe el texto" in e.value for e in at.error)
    at = _pick_tab(at, 5)
    at.text_input(key="action_title").input("Acordar SLA de 24 h")
    at.text_input(key="action_owner").input("Ana")
    at.text_input(key="action_done").input("SLA firmado")
    at.button(key="action_add").click().run()
    _open_on(at, 5)
    at.number_input(key=f"rating_{meeting_id}_0").set_value(8)
    at.button(key="save_ratings").click().run()
    _open_on(at, 5)
    assert meeting.ratings(store, meeting_id) == {"Ana": 8}
    at.session_state["lang"] = "en"  # the open tab is a position, not a translated label
    at.run()
    _open_on(at, 5)


def test_the_tab_follows_the_running_block_unless_picked_by_hand(demo_app_env, meeting_id):
    store = open_store(demo_app_env)
    at = _page()
    at.session_state["lang"] = "es"
    at.button(key="t_start").click().run()
    _open_on(at, 1)  # block 1 running
    at = _pick_tab(at, 4)
    at.run()  # a rerun (the timer's refresh, a save) keeps the hand-picked tab
    _open_on(at, 4)
    at.button(key="t_next").click().run()
    _open_on(at, 2)  # block 2 began: its tab opens
    at = _pick_tab(at, 5)
    meeting.timer_command(store, EDITOR, meeting_id, "next")  # pressed on another screen
    at.run()
    _open_on(at, 3)
    meeting.timer_command(store, EDITOR, meeting_id, "pause")  # same block: the tab stays
    at = _pick_tab(at, 0)
    at.run()
    _open_on(at, 0)


def test_terminar_asks_first_cancel_changes_nothing_and_an_ended_timer_resumes(
    demo_app_env, meeting_id
):
    store = open_store(demo_app_env)
    meeting.timer_command(store, EDITOR, meeting_id, "start")
    meeting.timer_command(store, EDITOR, meeting_id, "next")
    at = _page()
    before = meeting.timer_of(store, meeting_id)
    at.button(key="t_end").click().run()
    assert not at.exception
    assert at.button(key="confirm_yes").label == "Sí, terminar"
    at.button(key="confirm_no").click().run()
    assert meeting.timer_of(store, meeting_id) == before
    assert not [b for b in at.button if b.key == "confirm_yes"]  # the dialog closed
    at.button(key="t_end").click().run()
    at.button(key="confirm_yes").click().run()
    assert not at.exception
    ended = meeting.timer_of(store, meeting_id)
    assert (ended.status, ended.current) == ("ended", 1)
    assert not [b for b in at.button if b.key == "confirm_yes"]
    at.button(key="t_resume").click().run()
    resumed = meeting.timer_of(store, meeting_id)
    assert (resumed.status, resumed.current, resumed.ended_at) == ("running", 1, None)


def test_cerrar_asks_first_and_cancel_leaves_the_meeting_open(demo_app_env, meeting_id):
    store = open_store(demo_app_env)
    at = _page()
    at.button(key="close_meeting").click().run()
    assert at.button(key="confirm_yes").label == "Sí, cerrar la reunión"
    assert meeting.get_meeting(store, meeting_id).status == "planned"
    at.button(key="confirm_no").click().run()
    assert not at.exception
    assert meeting.get_meeting(store, meeting_id).status == "planned"
    assert not store.rows(
        "SELECT * FROM audit_log WHERE table_name = 'meetings' AND action = 'update'"
    )


def test_reopen_is_audited_recorded_and_the_meeting_closes_again(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EDITOR, meeting_id, "start", now=T0)
    first = meeting.close_meeting(store, EDITOR, meeting_id, snapshot=SNAPSHOT, now=T0)
    with pytest.raises(PermissionDenied):
        meeting.reopen_meeting(store, VIEWER, meeting_id)
    later = T0 + timedelta(hours=2)
    reopened = meeting.reopen_meeting(store, EDITOR, meeting_id, now=later)
    # the minutes read these two fields
    assert (reopened.status, reopened.reopened_at, reopened.reopened_by) == (
        "running",
        later,
        "eva",
    )
    [audit] = store.rows(
        "SELECT actor, action, after FROM audit_log WHERE table_name = 'meetings' "
        "ORDER BY id DESC LIMIT 1"
    )
    after = json.loads(audit["after"])
    assert (audit["actor"], audit["action"], after["status"]) == ("eva", "update", "running")
    assert (after["reopened_at"], after["reopened_by"]) == (later.isoformat(), "eva")
    meeting.add_note(store, EDITOR, meeting_id, kind="worked", text="Corrección")
    assert meeting.timer_of(store, meeting_id).status == "ended"  # resumed only by hand
    with pytest.raises(meeting.MeetingError):
        meeting.reopen_meeting(store, EDITOR, meeting_id)  # already open
    again = meeting.close_meeting(store, EDITOR, meeting_id, now=later + timedelta(minutes=5))
    assert (again.status, again.closed_at) == ("closed", later + timedelta(minutes=5))
    assert again.kpi_snapshot == first.kpi_snapshot == SNAPSHOT  # the room's scorecard stays
    assert again.reopened_at == later


def test_a_never_started_meeting_reopens_as_planned(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    meeting.close_meeting(store, EDITOR, meeting_id, snapshot=SNAPSHOT)
    assert meeting.reopen_meeting(store, EDITOR, meeting_id).status == "planned"
    assert meeting.get_meeting(store, meeting_id).reopened_by == "eva"
    fresh = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 16))
    assert meeting.get_meeting(store, fresh).reopened_at is None


def test_closed_meetings_are_offered_only_to_reopen_and_close_again(demo_app_env):
    store = open_store(demo_app_env)
    old = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 2, 16), title="Febrero")
    meeting.close_meeting(store, EDITOR, old, snapshot=SNAPSHOT)
    current = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2), title="Marzo")
    at = _page()
    assert at.selectbox(key="meeting_id").options == ["Marzo"]
    assert at.selectbox(key="reopen_pick").options == ["Febrero · 16 feb 2026"]
    at.button(key="reopen_meeting").click().run()
    assert not at.exception
    assert meeting.get_meeting(store, old).status == "planned"
    assert at.selectbox(key="meeting_id").value == old
    assert any("Reunión reabierta" in s.value for s in at.success)
    assert not [s for s in at.selectbox if s.key == "reopen_pick"]  # none closed now
    at.button(key="close_meeting").click().run()
    at.button(key="confirm_yes").click().run()
    assert meeting.get_meeting(store, old).status == "closed"
    assert meeting.get_meeting(store, current).status == "planned"


def test_timer_resume_of_a_closed_meeting_is_refused(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EDITOR, meeting_id, "start", now=T0)
    meeting.close_meeting(store, EDITOR, meeting_id, snapshot=SNAPSHOT, now=T0)
    with pytest.raises(meeting.MeetingError):
        meeting.timer_command(store, EDITOR, meeting_id, "resume")
    meeting.reopen_meeting(store, EDITOR, meeting_id)
    resumed = meeting.timer_command(store, EDITOR, meeting_id, "resume")
    assert resumed.status == "running"


def test_ratings_are_stored_all_or_none(store):
    meeting_id = meeting.create_meeting(
        store, EDITOR, meeting_date=date(2026, 3, 2), attendees=["Ana", "Luis"]
    )
    for wrong in (11, 0, True, 7.5):
        with pytest.raises(meeting.MeetingError) as refused:
            meeting.rate_attendees(store, EDITOR, meeting_id, {"Ana": 9, "Luis": wrong})
        assert refused.value.message("es") == "La valoración es un número entero de 1 a 10."
        assert refused.value.message("en") == "The rating is a whole number from 1 to 10."
    assert meeting.ratings(store, meeting_id) == {}
    assert meeting.rate_attendees(store, EDITOR, meeting_id, {"Ana": 9, "Luis": 10}) == 2
    assert meeting.ratings(store, meeting_id) == {"Ana": 9, "Luis": 10}


def test_a_rating_out_of_range_is_bounded_refused_and_never_reported_saved(
    demo_app_env, meeting_id
):
    store = open_store(demo_app_env)
    at = _page()
    field = at.number_input(key=f"rating_{meeting_id}_0")
    assert (field.min, field.max, field.step) == (1, 10, 1)
    # The browser keeps 11 out of the widget: nothing new reaches the page, nothing is saved.
    at.button(key="save_ratings").click().run()
    assert not at.success
    assert [i.value for i in at.info if "valoraciones" in i.value] == [
        "Nada guardado: no hay valoraciones nuevas de 1 a 10."
    ]
    # 11 past the bound: the field keeps it out (the browser refuses it as it is typed; the
    # server drops it), so only Ana's rating is written and only hers is reported.
    at.number_input(key=f"rating_{meeting_id}_0").set_value(9)
    at.number_input(key=f"rating_{meeting_id}_1").set_value(11)
    at.button(key="save_ratings").click().run()
    assert [s.value for s in at.success] == ["Valoraciones guardadas: Ana."]
    assert meeting.ratings(store, meeting_id) == {"Ana": 9}
    at.number_input(key=f"rating_{meeting_id}_1").set_value(7)
    at.button(key="save_ratings").click().run()
    assert [s.value for s in at.success] == ["Valoraciones guardadas: Luis."]
    assert meeting.ratings(store, meeting_id) == {"Ana": 9, "Luis": 7}


def test_migration_four_adds_the_reopen_columns(store):
    columns = {
        row[0]
        for row in store.state()
        .execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'meetings'")
        .fetchall()
    }
    assert {"reopened_at", "reopened_by"} <= columns
    versions = store.state().execute("SELECT version FROM schema_migrations").fetchall()
    assert (4,) in versions


def test_a_monthly_review_and_a_committee_show_their_own_blocks_as_tabs(demo_app_env):
    store = open_store(demo_app_env)
    review = meeting.create_meeting(
        store, EDITOR, meeting_date=date(2026, 3, 2), template="monthly"
    )
    at = _page()
    assert not at.exception, at.exception
    [tabs] = [node for node in at.main if getattr(node, "type", None) == "tab_container"]
    labels = [tab.label for tab in tabs.children.values()]
    assert labels == [
        "Preparar",
        "1 · Cumplimiento del SLA",
        "2 · Leads rechazados",
        "3 · Guía de calificación",
        "4 · Decisiones",
    ]
    # Block 1 works on the SLA in force; block 4 closes the meeting.
    assert any(h.value == t("agreements.meeting.title", "es") for h in at.subheader)
    assert at.button(key="close_meeting")
    # Started, the review's running block opens its tab; a committee reads the same way.
    meeting.timer_command(store, EDITOR, review, "start")
    meeting.timer_command(store, EDITOR, review, "next")
    at.run()
    assert at.session_state[TAB] == "2 · Leads rechazados"
    meeting.close_meeting(store, EDITOR, review, snapshot=SNAPSHOT)
    meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 3), template="committee")
    at = _page()
    [tabs] = [node for node in at.main if getattr(node, "type", None) == "tab_container"]
    assert [tab.label for tab in tabs.children.values()][1:] == [
        "1 · Outcomes del trimestre",
        "2 · Revisión del SLA",
        "3 · Informe del programa",
        "4 · Outcomes del próximo trimestre",
    ]
    assert not at.exception, at.exception
