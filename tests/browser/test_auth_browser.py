"""In Chromium: logging in reaches the home page; no page URL shows anything before login."""

import pytest
from conftest import wait_for_app

# Every page URL of every role (DESIGN §8), stated independently of app.py.
PAGE_URLS = [
    "inicio",
    "scorecard",
    "kpi",
    "outcomes",
    "reunion",
    "proyector",
    "backlog",
    "historial",
    "importar",
    "ajustes",
    "auditoria",
    "usuarios",
]

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_reaches_the_home_page(page, app_server, log_in, shot):
    log_in(page, "admin")
    wait_for_app(page)
    assert page.get_by_text("Hola, Ada Admin").is_visible()
    assert page.get_by_text("3.000 leads").is_visible()
    nav = page.get_by_test_id("stSidebarNav")
    for title in ("Scorecard", "Reunión", "Importar", "Ajustes"):
        assert nav.get_by_text(title, exact=True).count() == 1
    shot(page, "home-admin")


def test_viewer_sees_no_admin_or_editor_pages(page, app_server, log_in):
    log_in(page, "viewer")
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_text("Scorecard", exact=True).count() == 1
    for title in ("Reunión", "Importar", "Ajustes"):
        assert nav.get_by_text(title, exact=True).count() == 0
    page.goto(f"{app_server['url']}/importar")
    wait_for_app(page)
    assert page.get_by_text("Subir fichero").count() == 0


@pytest.mark.parametrize("suffix", ["", "?page=ajustes", "?x=<script>", "/", "#top"])
@pytest.mark.parametrize("path", PAGE_URLS + ["", "no-such-page"])
def test_every_url_without_login_shows_only_the_login_form(page, app_server, shot, path, suffix):
    response = page.goto(f"{app_server['url']}/{path}{suffix}")
    if response.status >= 400:
        # The server refuses malformed paths (e.g. "//") before any page runs.
        assert "leads" not in page.content().lower()
        return
    page.get_by_role("button", name="Entrar").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_role("textbox", name="Usuario").is_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stMetric").count() == 0
    main_text = page.get_by_test_id("stMain").inner_text()
    assert "leads" not in main_text.lower()
    if suffix == "":
        shot(page, f"no-login-{path or 'root'}")
