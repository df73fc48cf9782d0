"""Agenda templates on a real DuckDB file: a monthly review and a quarterly committee run through
the timer, close, minutes and history like a tracción; the tracción keeps its own sprint review."""

import subprocess
from datetime import date, datetime, timedelta

import duckdb
import pytest
from support import TEMPLATE_BLOCKS

from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, minutes
from kpi.errors import InvalidInput
from kpi.store.database import close_all, open_store

EVA = Actor("eva", "editor")
T0 = datetime(2026, 3, 2, 10, 0, 0)
SNAPSHOT = {"taken_at": "2026-03-02T11:00:00", "kpis": []}


def _run(store, meeting_id: int, block_minutes: list[int]) -> None:
    """Start, press «next» after each block's minutes, end after the last one's."""
    moment = T0
    meeting.timer_command(store, EVA, meeting_id, "start", now=moment)
    for n, length in enumerate(block_minutes):
        moment += timedelta(minutes=length)
        command = "next" if n < len(block_minutes) - 1 else "end"
        meeting.timer_command(store, EVA, meeting_id, command, now=moment)
    meeting.close_meeting(store, EVA, meeting_id, snapshot=SNAPSHOT, now=moment)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "acta.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_monthly_review_runs_closes_and_its_minutes_name_the_template(store, tmp_path):
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 3, 2), template="monthly", attendees=["Ana"]
    )
    created = meeting.get_meeting(store, meeting_id)
    assert created.template == "monthly"
    assert created.title == "Revisión mensual 2 mar 2026"
    assert [(b.name, b.minutes) for b in created.blocks] == TEMPLATE_BLOCKS["monthly"]
    # The room overruns block 2 by 5 minutes and gains them back in block 3.
    _run(store, meeting_id, [20, 25, 10, 5])
    closed = meeting.get_meeting(store, meeting_id)
    assert closed.status == "closed"
    assert [b.actual_seconds for b in closed.blocks] == [1200, 1500, 600, 300]
    text = minutes.minutes_markdown(store, meeting_id, "es")
    assert "- **Plantilla:** Revisión estratégica mensual" in text
    assert "| 2. Leads rechazados | 20,0 | 25,0 | +5,0 | 10:20 | 10:45 |" in text
    assert "| 4. Decisiones | 5,0 | 5,0 | 0,0 | 10:55 | 11:00 |" in text
    english = minutes.minutes_markdown(store, meeting_id, "en")
    assert "- **Template:** Monthly strategic review" in english
    pdf = _pdf_text(minutes.minutes_pdf(store, meeting_id, "es"), tmp_path)
    assert "Revisión estratégica mensual" in pdf
    assert "3. Guía de calificación" in pdf


def test_a_quarterly_committee_runs_and_closes(store, tmp_path):
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 3, 2), template="committee", lang="en"
    )
    created = meeting.get_meeting(store, meeting_id)
    assert created.title == "Quarterly committee 2 Mar 2026"
    assert [(b.name, b.minutes) for b in created.blocks] == [
        ("The quarter's outcomes", 30),
        ("SLA revision", 25),
        ("Programme report", 25),
        ("Next quarter's outcomes", 10),
    ]
    _run(store, meeting_id, [30, 25, 25, 10])
    text = minutes.minutes_markdown(store, meeting_id, "en")
    assert "- **Template:** Quarterly committee" in text
    assert "| 3. Programme report | 25.0 | 25.0 | 0.0 | 10:55 | 11:20 |" in text
    assert "| Total | 90.0 | 90.0 | 0.0 |  |  |" in text
    pdf = _pdf_text(minutes.minutes_pdf(store, meeting_id, "en"), tmp_path)
    assert "Quarterly committee" in pdf and "2. SLA revision" in pdf
    assert [(m["title"], m["template"]) for m in meeting.list_meetings(store)] == [
        ("Quarterly committee 2 Mar 2026", "committee")
    ]


def test_a_tracción_is_the_default_and_its_minutes_say_so(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    assert meeting.get_meeting(store, meeting_id).template == "traccion"
    text = minutes.minutes_markdown(store, meeting_id, "es")
    assert "- **Plantilla:** Reunión de tracción" in text


def test_an_unknown_template_is_refused(store):
    with pytest.raises(InvalidInput) as error:
        meeting.create_meeting(store, EVA, template="weekly")
    assert "weekly" in error.value.message("en")
    assert meeting.list_meetings(store) == []


def test_a_tracción_reviews_the_previous_tracción_sprint_not_the_review_between(store):
    first = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    backlog.add_sprint_action(
        store, EVA, meeting_id=first, title="Llamar", owner="Ana", definition_of_done="10"
    )
    meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 9), template="monthly")
    second = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 16))
    assert meeting.previous_meeting_id(store, second) == first
    text = minutes.minutes_markdown(store, second, "es")
    assert "| 1 | Llamar | Ana | 10 |" in text


def test_apply_template_replaces_the_agenda_and_default_title_until_the_start(store):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    meeting.apply_template(store, EVA, meeting_id, "committee", "es")
    changed = meeting.get_meeting(store, meeting_id)
    assert (changed.template, changed.title) == ("committee", "Comité trimestral 2 mar 2026")
    assert [b.minutes for b in changed.blocks] == [30, 25, 25, 10]
    meeting.update_meeting(store, EVA, meeting_id, title="Comité de marzo")
    meeting.apply_template(store, EVA, meeting_id, "monthly", "es")
    kept = meeting.get_meeting(store, meeting_id)
    assert (kept.template, kept.title) == ("monthly", "Comité de marzo")  # a typed title stays
    assert [b.name for b in kept.blocks][0] == "Cumplimiento del SLA"
    meeting.timer_command(store, EVA, meeting_id, "start", now=T0)
    with pytest.raises(meeting.MeetingError) as error:
        meeting.apply_template(store, EVA, meeting_id, "traccion", "es")
    assert error.value.message("en") == "The meeting has started: its template cannot change."
    assert meeting.get_meeting(store, meeting_id).template == "monthly"


def test_migration_eight_makes_every_older_meeting_a_tracción(tmp_path):
    path = tmp_path / "old.duckdb"
    store = open_store(path)
    state = store.state_path
    close_all()
    with duckdb.connect(str(state)) as con:  # the file as state migration 7 left it
        con.execute("ALTER TABLE meetings DROP COLUMN template")
        con.execute("DELETE FROM schema_migrations WHERE version = 8")
        con.execute(
            "INSERT INTO meetings (title, meeting_date, created_by, created_at) "
            "VALUES ('Antigua', DATE '2025-01-06', 'eva', TIMESTAMP '2025-01-06 09:00')"
        )
    reopened = open_store(path)
    assert [(m["title"], m["template"]) for m in meeting.list_meetings(reopened)] == [
        ("Antigua", "traccion")
    ]


def test_only_a_traccion_holds_the_sprint_and_sets_the_next_date(store):
    from kpi.cockpit import sprints

    traccion = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    review = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 9), template="monthly")
    # The tracción's sprint stays the current one with a monthly review planned inside it.
    assert sprints.current_sprint(store, today=date(2026, 3, 10)).meeting_id == traccion
    # The next meeting proposed: 14 days after the tracción (16 Mar), not after the review.
    assert meeting.default_meeting_date(store) == date(2026, 3, 16)
    # An action carried over from the tracción goes to the next tracción, never to the review.
    later = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 16))
    assert sprints.next_sprint(store, sprints.sprint_of(store, traccion)).meeting_id == later
    assert review not in {traccion, later}
