"""In Chromium: logging in reaches the home page; no page URL shows anything before login."""

import pytest
from browser_support import PAGE_URLS, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_reaches_the_home_page(page, app_server, log_in, shot):
    log_in(page, "admin")
    wait_for_app(page)
    expect(page.get_by_text("Hola, Ada Admin")).to_be_visible()
    expect(page.get_by_text("3.000 leads", exact=False)).to_be_visible()
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
    expect(page.get_by_role("button", name="Entrar")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Usuario")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    main_text = page.get_by_test_id("stMain").inner_text()
    assert "leads" not in main_text.lower()
    if suffix == "":
        shot(page, f"no-login-{path or 'root'}")


def test_a_reload_keeps_the_session_and_logout_ends_it(page, app_server, log_in):
    log_in(page, "editor")
    wait_for_app(page)
    page.goto(f"{app_server['url']}/scorecard")
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("button", name="Entrar")).to_be_visible(timeout=60_000)
    page.wait_for_timeout(1500)
    page.reload()
    expect(page.get_by_role("button", name="Entrar")).to_be_visible(timeout=60_000)
    page.wait_for_timeout(2000)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
