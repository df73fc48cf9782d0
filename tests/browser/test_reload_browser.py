"""In Chromium: F5 keeps the page being viewed (Reunión, Scorecard: three reloads each), and the
language a user chose survives a reload and a new login."""

from urllib.parse import urlsplit

import pytest
from browser_support import login, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def reload_lands_on(page, path: str, heading: str) -> None:
    page.reload()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=60_000)
    assert page.url.split("?")[0].endswith(f"/{path}"), page.url


def test_f5_keeps_the_page(page, app_server):
    login(page, app_server["url"], "editor")
    for path, heading in (("reunion", "Reunión"), ("scorecard", "Scorecard")):
        page.get_by_test_id("stSidebarNav").locator(f"a[href$='/{path}']").click()
        # The meeting page writes its meeting into the address (?reunion=N): match the path.
        page.wait_for_url(lambda url, path=path: urlsplit(url).path.endswith(f"/{path}"))
        wait_for_app(page)
        for _ in range(3):
            reload_lands_on(page, path, heading)


def test_the_language_survives_a_reload_and_a_new_login(page, app_server):
    url = app_server["url"]
    login(page, url, "viewer")
    page.get_by_role("combobox", name="Idioma").click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    page.reload()
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=60_000)
    # A new login in another browser (no cookie): the login form is Spanish, the app English.
    other = page.context.browser.new_context(viewport={"width": 1600, "height": 1000})
    fresh = other.new_page()
    login(fresh, url, "viewer")
    expect(fresh.get_by_role("button", name="Log out")).to_be_visible(timeout=60_000)
    other.close()
    wait_for_app(page)
    # Back to Spanish for the other tests' viewer.
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="Español").click()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible(timeout=30_000)
