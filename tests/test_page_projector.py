"""Projector page through AppTest: every role, read-only, exact paused clock, escaped text, no KPI work."""

from datetime import date, datetime

import pytest
from support import logged_in

from kpi.access.roles import Actor
from kpi.cockpit import meeting
from kpi.engine import grid
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
