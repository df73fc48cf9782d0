"""Pre-meeting brief from a tiny hand-made dataset: a win rate red three fortnights in a row."""

from datetime import date, datetime

from support import meeting_with_action

from kpi.access.roles import Actor
from kpi.cockpit import backlog, brief, meeting
from kpi.store.database import open_store, rewrite_facts

EVA = Actor("eva", "editor")
# Sprint anchor 2025-01-06: fortnights start on 2026-01-19, 02-02, 02-16 and 03-02.
FORTNIGHTS = [date(2026, 1, 19), date(2026, 2, 2), date(2026, 2, 16), date(2026, 3, 2)]
WON_OF_20 = [10, 2, 2, 2]  # 50 % (green), then 10 % three times: red (target 25 %, ±3 p. p.)


def test_red_streak_counts_the_latest_reds_in_a_row():
    assert brief.red_streak([]) == 0
    assert brief.red_streak(["red", "green", "red", "red"]) == 2
    assert brief.red_streak(["red", "red", "amber"]) == 0
    assert brief.red_streak(["grey", "red", "red", "red"]) == 3


def _deals(path) -> None:
    rows = []
    for start, won in zip(FORTNIGHTS, WON_OF_20, strict=True):
        for n in range(20):
            closed = datetime(start.year, start.month, start.day + 2, 12)
            stage = "won" if n < won else "lost"
            rows.append((f"d{start.isoformat()}-{n}", closed, "web", stage, closed, 1000))
    with rewrite_facts(path) as con:
        con.executemany(
            "INSERT INTO deals (deal_id, created_at, channel, stage, closed_at, amount) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


def test_brief_lists_off_target_kpis_red_streaks_and_actions_due(tmp_path):
    path = tmp_path / "brief.duckdb"
    _deals(path)
    store = open_store(path)
    # Ana's action (the helper's default owner), due two weeks on: 2 March.
    previous, _action = meeting_with_action(
        store, EVA, date(2026, 2, 16), "Llamar a 20 leads", definition_of_done="20 llamadas"
    )
    backlog.add_sprint_action(
        store,
        EVA,
        meeting_id=previous,
        title="Más tarde",
        owner="Luis",
        definition_of_done="x",
        due_date=date(2026, 3, 20),
    )
    current = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2), title="Marzo")
    text = brief.brief_markdown(store, "es", meeting_id=current)
    assert text.startswith("# Brief previo: Marzo\n")
    # Data end on 2026-03-04: the fortnight of 2–15 March is running, so the brief reviews the
    # last complete one, 16 Feb–1 Mar (2 won of 20), red after 2 Feb's 10 % and 19 Jan's green.
    assert "Quincena del 16 feb 2026 al 1 mar 2026, datos hasta el 4 mar 2026." in text
    assert "- Tasa de cierre: 10,0 % frente a ≥ 25,0 % (fuera de objetivo)" in text
    assert "- Tasa de cierre: 2 quincenas seguidas en rojo" in text
    assert (
        "## Acciones que vencen hasta el 2 mar 2026 (1)\n\n"
        "- Llamar a 20 leads · Ana · vence el 2 mar 2026 · hecho = 20 llamadas"
    ) in text
    assert "Más tarde" not in text
    assert "## Outcomes de T1 2026 fuera de ritmo (0)\n\nNada que señalar." in text
