"""Inicio as a manager sees it on Monday: every section filled from a hand-built fixture, each
item a link, and empty states that say what to do next."""

from datetime import date, timedelta

import pytest
from support import open_page
from test_monday import seed_facts, seed_state

from kpi.i18n import fmt_date
from kpi.store.database import open_store

HOME = "app_pages/home.py"


def texts(at) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption, *at.info, *at.text)]


def link_labels(at) -> list[str]:
    return [e.proto.label for e in at.get("page_link")]


@pytest.fixture
def seeded_app(app_env):
    seed_facts(app_env)
    seed_state(open_store(app_env), date.today())
    return app_env


def test_home_lists_what_is_due_red_and_last_imported(seeded_app):
    at = open_page(HOME, "editor", "eva")
    today = date.today()
    links = link_labels(at)
    overdue = fmt_date(today - timedelta(days=6))
    assert f"Vencida · Vencida · Bea · vence el {overdue}" in links
    assert any(label.startswith("Esta semana · Carl") for label in links)
    assert not any("Semana que viene" in label or "Hecha" in label for label in links)
    buttons = [b.label for b in at.button]
    assert "Próxima" in buttons, "the next meeting opens from its title"
    assert "Tiempo de primera respuesta" in buttons
    assert "Cumplimiento del SLA de respuesta" not in buttons, "red in one fortnight only"
    shown = " ".join(texts(at))
    assert "18 feb 2025" in shown and "por ada" in shown, "the last import's date and who"


def test_a_red_kpi_opens_its_detail(seeded_app):
    at = open_page(HOME, "editor", "eva", detail_pick="win_rate")
    at.button(key="home_kpi_lead_response_hours").click().run()
    assert not at.exception
    assert at.selectbox(key="detail_pick").value == "lead_response_hours"


def test_the_next_meeting_opens_on_the_meeting_page(seeded_app):
    at = open_page(HOME, "editor", "eva")
    at.button(key="home_meeting").click().run()
    assert not at.exception
    assert at.selectbox(key="meeting_id").format_func(at.selectbox(key="meeting_id").value) == (
        "Próxima"
    )


def test_empty_states_say_what_to_do_next(app_env):
    open_store(app_env)
    at = open_page(HOME, "viewer", "victor")
    infos = [i.value for i in at.info]
    assert "No hay ninguna reunión prevista. Pide a quien facilita que cree la próxima." in infos
    assert any(i.startswith("Ninguna acción vence esta semana.") for i in infos)
    assert any(i.startswith("Ningún KPI lleva dos quincenas seguidas en rojo.") for i in infos)
    assert any(i.startswith("Todavía no se ha importado") for i in infos)
    assert "Importar datos" not in link_labels(at), "only admins get the import link"


def test_home_in_english_has_no_spanish_leftovers(seeded_app):
    at = open_page(HOME, "admin", "ada", lang="en")
    headings = [h.value for h in at.subheader]
    assert "📅 Next meeting" in headings and "📊 KPIs red two fortnights running" in headings
    assert "First response time" in [b.label for b in at.button]
    assert "Import data" in link_labels(at)
    assert not any("vence" in label for label in link_labels(at))
