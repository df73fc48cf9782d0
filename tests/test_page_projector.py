"""Projector page through AppTest: every role, read-only, exact paused clock, escaped text, no KPI work."""

from datetime import date, datetime

import pytest
from support import logged_in

from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, projector
from kpi.cockpit.meeting_panel import METHOD_KPIS
from kpi.engine import catalogue, grid
from kpi.engine.compute import last_complete_scorecard
from kpi.i18n import fmt_date
from kpi.store.database import open_store

EVA = Actor("eva", "editor")
START = datetime(2026, 3, 2, 10, 0, 0)


@pytest.fixture
def computes(monkeypatch) -> list:
    """The engine's computations: its one compute function, wrapped to count and call through."""
    calls, real = [], grid.compute_grid
    monkeypatch.setattr(grid, "compute_grid", lambda *args: calls.append(args) or real(*args))
    return calls


def _projector(role: str = "viewer"):
    at = logged_in(role).run()
    return at.switch_page("app_pages/projector.py").run()


def _panel(at) -> str:
    return next(m.value for m in at.markdown if 'data-testid="timer-panel"' in m.value)


def test_without_an_open_meeting_it_says_so(demo_app_env):
    at = _projector()
    assert not at.exception
    assert "No hay ninguna reunión abierta" in at.info[0].value


def test_viewer_sees_the_shared_timer_read_only(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(
        store,
        EVA,
        meeting_date=date(2026, 3, 2),
        agenda=[
            {"name": "<script>alert(1)</script> Apertura", "minutes": 5, "leader": "Ana & Luis"},
            {"name": "Panel", "minutes": 10, "leader": "Dirección"},
        ],
    )
    meeting.timer_command(store, EVA, meeting_id, "start", now=START)
    meeting.timer_command(store, EVA, meeting_id, "pause", now=START.replace(second=45))
    at = _projector("viewer")
    assert not at.exception
    panel = _panel(at)
    # 45 s of 300 used: 255 s left = 04:15
    assert ">04:15<" in panel
    assert "font-size:240px" in panel
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Apertura" in panel
    assert "<script>" not in panel
    assert "Ana &amp; Luis" in panel
    assert "Siguiente: <b>Panel</b> · Dirección" in panel
    assert "Total: 00:45 / 15:00" in panel
    assert [b.key for b in at.button] == ["auth_logout"]  # nothing to press but logging out


def test_overrun_is_red_and_counts_up(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start", now=START)
    meeting.timer_command(store, EVA, meeting_id, "pause", now=START.replace(minute=6, second=5))
    panel = _panel(_projector())
    # 365 s in a 300 s block: 65 s over
    assert ">+01:05<" in panel
    assert "#FF5252" in panel


def test_projector_runs_compute_no_kpis(demo_app_env, computes):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start")
    at = _projector("editor")
    calls_before = len(computes)
    for _ in range(3):
        at.run()
        assert not at.exception
    assert calls_before == len(computes)
    # The counter is live: the facilitator's panel does compute the scorecard.
    at.switch_page("app_pages/meeting.py").run()
    assert calls_before < len(computes)


def _meeting_with_mode(store, mode: str) -> int:
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    projector.set_mode(store, EVA, meeting_id, mode)
    return meeting_id


def test_board_mode_shows_the_method_kpis_and_the_reds_large(demo_app_env):
    store = open_store(demo_app_env)
    _meeting_with_mode(store, "board")
    at = _projector()
    assert not at.exception
    scorecard = last_complete_scorecard(store)
    method = [scorecard.get(k) for k in METHOD_KPIS]
    red = [r for r in scorecard.results if r.status == "red"]
    shown = [(m.label, m.value) for m in at.metric]
    expected = [
        (catalogue.label_of(r.kpi_id, "es"), catalogue.format_value(r.unit, r.value, "es", "EUR"))
        for r in method + red
    ]
    assert shown == expected
    assert at.header[0].value == "Los 4 KPIs del método"
    assert at.header[1].value == f"KPIs en rojo: {len(red)}"
    assert not any('data-testid="timer-panel"' in m.value for m in at.markdown)


def test_notes_mode_shows_the_running_blocks_notes(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = _meeting_with_mode(store, "notes")
    meeting.add_note(store, EVA, meeting_id, kind="risk", text="**Sin** guion", owner="Ana")
    at = _projector()
    assert not at.exception
    assert at.header[0].value == "Bloque 1 · Aterrizar outcomes y definiciones: 1 notas"
    assert at.subheader[0].value == "Bloqueo: riesgo de entrega · Ana"
    assert at.text[0].value == "**Sin** guion"  # user text stays text


def test_actions_mode_lists_the_sprint(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = _meeting_with_mode(store, "actions")
    backlog.add_sprint_action(
        store,
        EVA,
        title="Acordar SLA",
        owner="Marta",
        definition_of_done="SLA firmado",
        due_date=date(2026, 3, 13),
        meeting_id=meeting_id,
    )
    at = _projector()
    assert not at.exception
    assert at.header[0].value == "Acciones del sprint: 1 de 3"
    assert at.subheader[0].value == "Acordar SLA"
    assert [t.value for t in at.text] == [
        f"Marta · vence el {fmt_date(date(2026, 3, 13), 'es')} · en curso",
        "SLA firmado",
    ]


def test_after_closing_the_projector_says_so_not_an_overrun(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.timer_command(store, EVA, meeting_id, "start", now=START)
    at = _projector()
    assert ">+" in _panel(at)  # an overrun counter while it runs (started in March)
    meeting.close_meeting(store, EVA, meeting_id, snapshot={})
    at.run()  # the wall keeps the meeting it showed
    assert not at.exception
    closed = [m.value for m in at.markdown if 'data-testid="projector-closed"' in m.value]
    assert len(closed) == 1 and ">Reunión cerrada<" in closed[0]
    assert not any('data-testid="timer-panel"' in m.value for m in at.markdown)
