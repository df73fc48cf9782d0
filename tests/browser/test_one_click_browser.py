"""In Chromium: one click does one thing, even when it comes the moment its button shows (no
waiting for the app to be idle): a login submit, a page switch right after logging in."""

import pytest
from browser_support import wait_for_app
from playwright.sync_api import expect
from support import password_of

pytestmark = pytest.mark.browser


def submit_login_at_once(page, url: str, username: str) -> None:
    """Fill and submit the login form as soon as it shows, while the first run may go on."""
    page.goto(url)
    page.get_by_role("button", name="Entrar").wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Usuario").fill(username)
    page.get_by_role("textbox", name="Contraseña").fill(password_of(username))
    page.get_by_role("button", name="Entrar").click()


def test_a_page_switch_right_after_login_is_not_lost(page, app_server):
    submit_login_at_once(page, app_server["url"], "editor")
    nav = page.get_by_test_id("stSidebarNav")
    nav.wait_for(timeout=45_000)
    nav.locator("a[href$='/backlog']").click()
    heading = page.get_by_role("heading", name="Sprint actual: 3 acciones")
    expect(heading).to_be_visible(timeout=30_000)
    # Nothing the login left behind (a cookie write) takes the browser back afterwards.
    page.wait_for_timeout(3000)
    wait_for_app(page)
    assert page.url.endswith("/backlog"), page.url
    expect(heading).to_be_visible()
    assert any(c["name"] == "brujula_test" for c in page.context.cookies())


def test_no_element_starts_a_run_of_its_own(page, app_server, log_in):
    """A component reports back to the server, which starts a run that replaces the run of a
    click made meanwhile: the login page and the app render none (the cookie is written by a
    plain script)."""
    page.goto(app_server["url"])
    page.get_by_role("button", name="Entrar").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.locator("iframe").count() == 0
    log_in(page, "viewer")
    page.get_by_test_id("stSidebarNav").locator("a[href$='/scorecard']").click()
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert page.locator("iframe").count() == 0
