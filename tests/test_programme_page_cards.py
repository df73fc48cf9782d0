"""While a programme runs, scorecard cards show the change against its frozen baseline, and
Inicio and the meeting's block 1 name its current phase.

Hand-built facts. Baseline window (programme starting 1 Jul 2026, six months): 1 Jan – 30 Jun.
  March 2026: 4 MQLs on seo (1 accepted, 3 rejected) and 2 on events (both accepted)
    → baseline acceptance 3/6 = 50,0 %, seo alone 1/4 = 25,0 %.
  October 2026: 4 MQLs on seo (3 accepted, 1 rejected) → October acceptance 3/4 = 75,0 %.
Card for October: +25,0 p. p. against the baseline overall, +50,0 p. p. with the seo filter.
On 1 Nov 2026 the programme (4 + 8 + 6 weeks from 1 Jul) is in week 6 of 6 of Medición.
"""

from datetime import date, datetime

import pytest
from support import open_page

from kpi.access.roles import Actor
from kpi.cockpit import meeting
from kpi.programme import create_programme
from kpi.store.database import open_store, rewrite_facts

ADMIN = Actor("admin", "admin")
SCORECARD = "app_pages/scorecard.py"
COLUMNS = "lead_id, created_at, channel, icp_tier, mql_at, accepted_at, rejected_at"


def _leads() -> list[tuple]:
    rows = []
    march = [("seo", True), ("seo", False), ("seo", False), ("seo", False)]
    march += [("events", True), ("events", True)]
    october = [("seo", True), ("seo", True), ("seo", True), ("seo", False)]
    for month, leads in (("2026-03", march), ("2026-10", october)):
        for i, (channel, accepted) in enumerate(leads):
            day = f"{month}-{10 + i:02d}"
            decided = f"{day} 12:00"
            rows.append(
                (
                    f"{month}-{i}",
                    day,
                    channel,
                    "A",
                    f"{day} 09:00",
                    decided if accepted else None,
                    None if accepted else decided,
                )
            )
    return rows


@pytest.fixture
def running(app_env):
    with rewrite_facts(app_env) as con:
        con.executemany(f"INSERT INTO leads ({COLUMNS}) VALUES (?,?,?,?,?,?,?)", _leads())
    store = open_store(app_env)
    store.now = lambda: datetime(2026, 11, 1, 10, 0)
    create_programme(store, ADMIN, start=date(2026, 7, 1), name="Alineación 2026")
    return app_env


def acceptance_captions(at) -> list[str]:
    return [c.value for c in at.caption if "línea base del programa" in c.value]


def test_cards_show_the_change_against_the_baseline(running):
    at = open_page(SCORECARD, sc_period="month", sc_as_of=date(2026, 10, 31))
    acceptance = next(m for m in at.metric if "Aceptación de leads" in m.label)
    assert acceptance.value == "75,0 %"
    assert "Frente a la línea base del programa: +25,0 p. p." in acceptance_captions(at)


def test_a_channel_filter_reads_that_channel_in_the_baseline(running):
    at = open_page(SCORECARD, sc_period="month", sc_as_of=date(2026, 10, 31), sc_channel="seo")
    assert "Frente a la línea base del programa: +50,0 p. p." in acceptance_captions(at)


def test_no_programme_no_baseline_caption(app_env):
    with rewrite_facts(app_env) as con:
        con.executemany(f"INSERT INTO leads ({COLUMNS}) VALUES (?,?,?,?,?,?,?)", _leads())
    at = open_page(SCORECARD, sc_period="month", sc_as_of=date(2026, 10, 31))
    assert acceptance_captions(at) == []


def test_inicio_names_the_current_phase(running):
    at = open_page("app_pages/home.py", "viewer")
    links = [link.proto.label for link in at.get("page_link")]
    assert "Programa «Alineación 2026»: Medición, semana 6 de 6" in links


def test_the_meetings_block_one_names_the_current_phase(running):
    meeting.create_meeting(
        open_store(running), Actor("eva", "editor"), meeting_date=date(2026, 11, 2)
    )
    at = open_page("app_pages/meeting.py", "editor", "eva")
    links = [link.proto.label for link in at.get("page_link")]
    assert "Programa «Alineación 2026»: Medición, semana 6 de 6" in links
