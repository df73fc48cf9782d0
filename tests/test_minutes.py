"""Minutes (Markdown and PDF) of a whole meeting built on a real database; the PDF is read back."""

import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest
from support import meeting_with_action

from kpi.access.roles import Actor
from kpi.cockpit import backlog, checklist, meeting, minutes

EVA = Actor("eva", "editor")
T0 = datetime(2026, 3, 2, 10, 0)
SNAPSHOT = {
    "taken_at": "2026-03-02T10:44:00",
    "kpis": [
        {
            "kpi_id": "mql_to_sql_rate",
            "value": 0.224,
            "status": "red",
            "target": 0.3,
            "unit": "rate",
        },
        {
            "kpi_id": "time_to_value_days",
            "value": 21.5,
            "status": "amber",
            "target": 20,
            "unit": "days",
        },
    ],
}
NOTES = [
    {"kind": "worked", "text": "Webinar → 12 MQL", "why": "Segmentado"},
    {
        "kind": "risk",
        "text": "Implantación retrasada",
        "area": "operations",
        "root_cause": "Sin capacidad en marzo",
        "owner": "Luis Peña",
    },
]
ACTIONS = [
    ("Acordar SLA de respuesta (24 h)", "Marta", "SLA firmado por Marketing y Ventas"),
    ("Revisar campaña pequeñas empresas", "Ana Núñez", "Informe con CPL → enviado"),
    ("Plan de capacidad de Operaciones", "Luis Peña", "Plan con fechas de cada implantación"),
]


@pytest.fixture
def closed_meeting(store):
    # Ana's action (the helper's default owner), due two weeks on: 2 March, this meeting's day.
    previous, _action = meeting_with_action(
        store, EVA, date(2026, 2, 16), "Llamar a 20 leads ICP-A", definition_of_done="20 llamadas"
    )
    meeting.close_meeting(store, EVA, previous, snapshot={"taken_at": T0.isoformat(), "kpis": []})
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=date(2026, 3, 2), attendees=["Ana Núñez", "Luis Peña", "Marta"]
    )
    # block seconds: 360, 600, 740, 600, 340 (plan 300, 600, 900, 600, 300)
    for command, second in [
        ("start", 0),
        ("next", 360),
        ("next", 960),
        ("next", 1700),
        ("next", 2300),
        ("end", 2640),
    ]:
        meeting.timer_command(store, EVA, meeting_id, command, now=T0 + timedelta(seconds=second))
    for note in NOTES:
        meeting.add_note(store, EVA, meeting_id, **note)
    # Each action is due by default at the next review: 16 March.
    for title, owner, done in ACTIONS:
        backlog.add_sprint_action(
            store, EVA, meeting_id=meeting_id, title=title, owner=owner, definition_of_done=done
        )
    checklist.answer_checklist(store, EVA, meeting_id, {1: True, 2: True, 3: False})
    meeting.update_meeting(store, EVA, meeting_id, decisions="Se prioriza el ICP-A.")
    for name, rating in (("Ana Núñez", 8), ("Luis Peña", 7), ("Marta", 9)):
        meeting.rate(store, EVA, meeting_id, name, rating)
    meeting.close_meeting(store, EVA, meeting_id, snapshot=SNAPSHOT, now=T0 + timedelta(minutes=45))
    return meeting_id


def test_markdown_minutes_list_everything_the_method_asks(store, closed_meeting):
    text = minutes.minutes_markdown(store, closed_meeting, "es")
    assert text.startswith("# Reunión de tracción 2 mar 2026\n")
    assert "- **Asistentes:** Ana Núñez, Luis Peña, Marta" in text
    # Targets carry the side that meets them: MQL→SQL higher is better, time to value lower.
    assert "| Conversión MQL→SQL | 22,4 % | ≥ 30,0 % | fuera de objetivo |" in text
    assert "| Tiempo hasta el valor | 21,5 d | ≤ 20,0 d | cerca del objetivo |" in text
    assert "| 1 | Llamar a 20 leads ICP-A | Ana | 20 llamadas | 2 mar 2026 | en curso |" in text
    assert "- [Funcionó] Webinar → 12 MQL · Por qué: Segmentado" in text
    assert (
        "- [Bloqueo: riesgo de entrega] Implantación retrasada · Operaciones · "
        "Causa raíz: Sin capacidad en marzo · Responsable: Luis Peña"
    ) in text
    assert "Se prioriza el ICP-A." in text
    assert "## Acciones del sprint (3/3)" in text
    # User text is escaped Markdown: "(24 h)" is written "\(24 h\)" and reads literally.
    for row in (
        "| 1 | Acordar SLA de respuesta \\(24 h\\) | Marta | SLA firmado por Marketing y Ventas |",
        "| 2 | Revisar campaña pequeñas empresas | Ana Núñez | Informe con CPL → enviado |",
        "| 3 | Plan de capacidad de Operaciones | Luis Peña | Plan con fechas de cada implantación |",
    ):
        assert f"{row} 16 mar 2026 |" in text
    # 360 s = 6,0 min against 5; 740 s = 12,3 min against 15; total 2640 s = 44,0 min
    assert "| 1. Aterrizar outcomes y definiciones | 5,0 | 6,0 | +1,0 | 10:00 | 10:06 |" in text
    assert "| 3. Aprendizajes y bloqueos | 15,0 | 12,3 | -2,7 | 10:16 | 10:28 |" in text
    assert "| 5. Cerrar | 5,0 | 5,7 | +0,7 | 10:38 | 10:44 |" in text
    assert "| Total | 45,0 | 44,0 | -1,0 |  |  |" in text
    assert "## Checklist de alineación: 2/6" in text
    assert "\n✗ Hay un SLA marketing–ventas" in text, "the mark is the checklist line's bullet"
    assert "## Valoración: media 8,0 (3 respuestas)" in text
    assert text.count("Próxima revisión") == 1
    assert "- **Próxima revisión:** 16 mar 2026" in text


def test_english_minutes(store, closed_meeting):
    text = minutes.minutes_markdown(store, closed_meeting, "en")
    assert "## The sprint's actions (3/3)" in text
    assert "| Total | 45.0 | 44.0 | -1.0 |  |  |" in text


def test_pipes_in_user_text_do_not_break_tables(store):
    # Due two weeks on (the helper's default): 16 March.
    meeting_id, _action = meeting_with_action(
        store, EVA, date(2026, 3, 2), "A | B", owner="Ana", definition_of_done="x\ny"
    )
    text = minutes.minutes_markdown(store, meeting_id, "es")
    assert "| 1 | A \\| B | Ana | x y | 16 mar 2026 |" in text
    assert "Sin foto todavía" in text


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text with whitespace folded (table cells wrap onto several lines)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "acta.pdf"
    path.write_bytes(pdf)
    raw = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())


def test_pdf_embeds_a_unicode_font_and_reads_back(store, closed_meeting, tmp_path):
    pdf = minutes.minutes_pdf(store, closed_meeting, "es")
    assert pdf.startswith(b"%PDF-")
    assert b"DejaVuSans" in pdf
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "Reunión de tracción 2 mar 2026",
        "Conversión MQL→SQL",
        "Ana Núñez",
        "Luis Peña",
        "Informe con CPL → enviado",
        "SLA firmado por Marketing y Ventas",
        "16 mar 2026",
        "Tiempos: plan frente a real",
        "12,3",
        "✓",
    ):
        assert expected in text, expected


IMAGE = "![x](http://127.0.0.1:9/x.png)"
# The same text escaped by hand: a backslash before each Markdown character, a word joiner
# (U+2060) after "http" so no renderer turns the URL into a link.
IMAGE_MD = "\\!\\[x\\]\\(http\u2060\\://127.0.0.1\\:9/x.png\\)"


@pytest.fixture
def marked_up_meeting(store):
    """A meeting whose every user text field holds a Markdown image (12 places in the minutes)."""
    day = date(2026, 3, 2)
    meeting_id = meeting.create_meeting(
        store, EVA, meeting_date=day, title=IMAGE, attendees=[IMAGE, "Ana"]
    )
    blocks = meeting.get_meeting(store, meeting_id).blocks
    agenda = [{"name": b.name, "minutes": b.minutes, "leader": b.leader} for b in blocks]
    agenda[0]["name"] = IMAGE
    meeting.replace_agenda(store, EVA, meeting_id, agenda)
    meeting.add_note(
        store, EVA, meeting_id, kind="risk", text=IMAGE, why=IMAGE, root_cause=IMAGE, owner=IMAGE
    )
    # Due by default at the next review: 16 March.
    backlog.add_sprint_action(
        store, EVA, meeting_id=meeting_id, title=IMAGE, owner=IMAGE, definition_of_done=IMAGE
    )
    meeting.update_meeting(store, EVA, meeting_id, decisions=IMAGE)
    meeting.rate(store, EVA, meeting_id, IMAGE, 8)
    return meeting_id


def test_markdown_minutes_escape_every_user_text(store, marked_up_meeting):
    text = minutes.minutes_markdown(store, marked_up_meeting, "es")
    assert "![x](" not in text and "](http" not in text
    # title, attendees, agenda block, note text/why/root cause/owner, decisions,
    # action title/owner/done, rating name: 12 by hand.
    assert text.count(IMAGE_MD) == 12
    assert text.startswith(f"# {IMAGE_MD}\n")
    assert f"| 1 | {IMAGE_MD} | {IMAGE_MD} | {IMAGE_MD} | 16 mar 2026 |" in text
    assert f"- {IMAGE_MD}: 8" in text


def test_pdf_minutes_print_user_text_as_typed(store, marked_up_meeting, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "acta.pdf"
    path.write_bytes(minutes.minutes_pdf(store, marked_up_meeting, "es"))
    raw = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "\\" not in raw and "\u2060" not in raw
    # Title, footer, attendees, decisions and the rating line are full-width: never wrapped.
    assert raw.count(IMAGE) >= 5


def test_pdf_names_the_period_and_the_target_side_once_each(store, closed_meeting, tmp_path):
    text = pdf_text(minutes.minutes_pdf(store, closed_meeting, "es"), tmp_path)
    # Snapshot of 2 Mar 2026 without a stored period: the fortnight from the 2025-01-06 anchor
    # holding that day starts 364 + 56 = 420 days (30 fortnights) later: 2–15 Mar 2026.
    assert "Periodo del scorecard: del 2 mar 2026 al 15 mar 2026." in text
    assert "≥ 30,0 %" in text and "≤ 20,0 d" in text
    assert text.count("Próxima revisión") == 1
    # Six checklist items, each one line with one mark and no bullet before it.
    assert text.count("✓ ") + text.count("✗ ") + text.count("○ ") == 6
    assert "• ✓" not in text and "• ✗" not in text and "• ○" not in text
    assert text.count("• ") == 5, "2 notes and 3 ratings are the only bullets"


def test_minutes_name_kpis_and_backlog_items_never_their_ids(store, tmp_path):
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    note = meeting.add_note(
        store, EVA, meeting_id, kind="risk", text="Leads sin responder", kpi_id="win_rate"
    )
    note_id = note["id"] if isinstance(note, dict) else note
    item_id = meeting.note_to_backlog(store, EVA, note_id)
    item_title = backlog.get_item(store, item_id)["title"]
    snapshot = {
        "taken_at": "2026-03-10T10:00:00",
        "start": "2026-02-16",
        "end": "2026-03-01",
        "kpis": [
            {
                "kpi_id": "lead_response_hours",
                "value": 9.0,
                "status": "amber",
                "target": 8.0,
                "unit": "hours",
            },
        ],
    }
    meeting.close_meeting(store, EVA, meeting_id, snapshot=snapshot)
    text = minutes.minutes_markdown(store, meeting_id, "es")
    assert "KPI: Tasa de cierre" in text
    assert "win_rate" not in text and "lead_response_hours" not in text
    assert f"En el backlog: {item_title}" in text
    assert f"#{item_id}" not in text
    assert "Periodo del scorecard: del 16 feb 2026 al 1 mar 2026." in text
    assert "| ≤ 8,0 h |" in text
    pdf = pdf_text(minutes.minutes_pdf(store, meeting_id, "es"), tmp_path)
    assert "win_rate" not in pdf and f"#{item_id}" not in pdf
    assert "Periodo del scorecard: del 16 feb 2026 al 1 mar 2026." in pdf


@pytest.mark.skipif(not hasattr(meeting, "reopen_meeting"), reason="needs meeting reopening")
def test_minutes_say_when_and_by_whom_a_meeting_was_reopened(store, closed_meeting):
    assert "Reabierta" not in minutes.minutes_markdown(store, closed_meeting, "es")
    meeting.reopen_meeting(
        store, Actor("*bea*", "editor"), closed_meeting, now=datetime(2026, 3, 4, 9)
    )
    text = minutes.minutes_markdown(store, closed_meeting, "es")
    # The reopener's name is user text: escaped in Markdown like every other.
    assert "· Reabierta el 4 mar 2026 por \\*bea\\*" in text
    assert "Reopened on 4 Mar 2026 by" in minutes.minutes_markdown(store, closed_meeting, "en")
