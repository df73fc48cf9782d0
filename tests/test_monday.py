"""Inicio's Monday view on a hand-built fixture: meeting, actions due, KPIs red twice, imports."""

from datetime import date, datetime, timedelta

import pytest
from support import EDITOR

from kpi.cockpit.meeting import create_meeting
from kpi.cockpit.monday import monday, week_end
from kpi.store.database import open_store, rewrite_facts

TODAY = date(2025, 2, 20)  # a Thursday; its week ends on Sunday 23 February
LEAD_COLS = "lead_id, created_at, channel, icp_tier, owner, mql_at, first_response_at"


def mqls(prefix: str, day: date, response_hours: int, count: int = 30) -> list[tuple]:
    """`count` leads that became MQL at 09:00 on `day` and were answered `response_hours` later."""
    mql = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    return [
        (f"{prefix}{i}", mql, "web", "A", "ana", mql, mql + timedelta(hours=response_hours))
        for i in range(count)
    ]


def seed_facts(path) -> None:
    """Fortnights from the 2025-01-06 sprint anchor: B = 20 Jan–2 Feb, C = 3–16 Feb.

    The last lead (18 Feb) makes the as-of 18 Feb, so 17 Feb–2 Mar is running and B, C are the
    last two complete fortnights.
    Response time (target ≤ 8 h, red beyond 8 + 4 = 12 h): B answered in 30 h, C in 20 h → red
    twice. SLA compliance (24 h, target ≥ 90 %): B 0 % (red), C 100 % (green) → red once.
    """
    leads = mqls("B", date(2025, 1, 25), 30) + mqls("C", date(2025, 2, 8), 20)
    leads.append(("LAST", datetime(2025, 2, 18, 9), "web", "A", "ana", None, None))
    with rewrite_facts(path) as con:
        con.executemany(f"INSERT INTO leads ({LEAD_COLS}) VALUES (?,?,?,?,?,?,?)", leads)
        con.execute(
            "INSERT INTO import_log VALUES (?, 'ada', 'leads', 'crm.csv', 61, 61, 0, 0, 0)",
            [datetime(2025, 2, 18, 17, 30)],
        )
        con.execute(
            "INSERT INTO import_log VALUES (?, 'ada', 'deals', 'old.csv', 1, 1, 0, 0, 0)",
            [datetime(2025, 1, 2, 8, 0)],
        )


def seed_state(store, today: date = TODAY) -> None:
    """Meetings and sprint actions around `today`: the next open meeting is in a week; one action
    is overdue, one due on Sunday, one next Monday and one done."""
    sunday = week_end(today)
    for day, title in [
        (today + timedelta(days=14), "Lejana"),
        (today + timedelta(days=7), "Próxima"),
    ]:
        create_meeting(store, EDITOR, meeting_date=day, title=title)
    with store.write(EDITOR, "meeting") as w:
        w.insert(
            "meetings",
            {
                "title": "Pasada",
                "meeting_date": today - timedelta(days=14),
                "status": "closed",
                "created_by": "eva",
                "created_at": w.now,
            },
        )
        for title, owner, due, status in [
            ("Vencida", "Bea", today - timedelta(days=6), "planned"),
            ("Esta semana", "Carl", sunday, "planned"),
            ("Semana que viene", "Dan", sunday + timedelta(days=1), "planned"),
            ("Hecha", "Eva", today - timedelta(days=10), "done"),
        ]:
            w.insert(
                "sprint_actions",
                {
                    "sprint_start": today - timedelta(days=14),
                    "title": title,
                    "owner": owner,
                    "definition_of_done": "x",
                    "due_date": due,
                    "status": status,
                    "created_by": "eva",
                    "created_at": w.now,
                },
            )


@pytest.fixture
def seeded(tmp_path):
    path = tmp_path / "monday.duckdb"
    seed_facts(path)
    store = open_store(path)
    seed_state(store)
    return store


def test_week_ends_on_sunday():
    assert week_end(date(2025, 2, 17)) == date(2025, 2, 23)
    assert week_end(date(2025, 2, 23)) == date(2025, 2, 23)


def test_monday_view_on_a_hand_built_fixture(seeded):
    view = monday(seeded, TODAY)
    assert view.next_meeting["title"] == "Próxima"
    assert view.next_meeting["meeting_date"] == date(2025, 2, 27)
    assert [(a["title"], a["owner"], a["overdue"]) for a in view.actions] == [
        ("Vencida", "Bea", True),
        ("Esta semana", "Carl", False),
    ]
    assert "lead_response_hours" in view.red.kpi_ids
    assert "sla_response_compliance" not in view.red.kpi_ids
    older, newer = view.red.periods
    assert (older.start, older.end) == (date(2025, 1, 20), date(2025, 2, 2))
    assert (newer.start, newer.end) == (date(2025, 2, 3), date(2025, 2, 16))
    assert view.last_import.imported_at == datetime(2025, 2, 18, 17, 30)
    assert view.last_import.table_name == "leads"
    assert view.off_track == []


def test_an_empty_cockpit_has_nothing_to_list(store):
    view = monday(store, TODAY)
    assert view.next_meeting is None and view.actions == [] and view.red.kpi_ids == []
    assert view.last_import is None and view.off_track == []


def test_a_past_meeting_still_open_is_next_when_none_is_ahead(store):
    with store.write(EDITOR, "meeting") as w:
        w.insert(
            "meetings",
            {
                "title": "Sin cerrar",
                "meeting_date": date(2025, 2, 13),
                "created_by": "eva",
                "created_at": w.now,
            },
        )
    assert monday(store, TODAY).next_meeting["title"] == "Sin cerrar"
