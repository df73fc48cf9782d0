"""In Chromium: markup typed by users never runs or renders as tags; odd URLs show only login;
run-time files are never served."""

import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from browser_support import ROOT, demo_database, login, nav_link, serve, wait_for_app, write_auth
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=2</script>"
LINK = "[clic](javascript:window.__xss=3)"
# Sidebar titles: a fresh page load starts a new session, so the test clicks through the nav.
PAGES = [
    "Inicio",
    "Outcomes",
    "Reunión",
    "Proyector",
    "Backlog",
    "Historial",
    "Auditoría",
    "Usuarios",
    "Ajustes",
]

SEED = """
import sys
from datetime import date
from kpi.cockpit import backlog, meeting, outcomes
from kpi.store import settings
from kpi.access.roles import Actor
from kpi.store.database import open_store
xss, script, link = sys.argv[2:5]
store = open_store(sys.argv[1])
ada = Actor("admin", "admin")
settings.set_setting(store, ada, "definition_mql", xss)
settings.set_setting(store, ada, "definition_sql", script)
m = meeting.create_meeting(store, ada, title=xss, meeting_date=date.today(), attendees=[xss, script])
for kind, text in (("worked", xss), ("did_not_work", script), ("risk", link)):
    meeting.add_note(store, ada, m, kind=kind, text=text, why=text, owner=text)
for text in (xss, script, link):
    backlog.create_item(store, ada, title=text, description=text, owner=text, effort=2, impact=4)
    backlog.add_sprint_action(store, ada, meeting_id=m, title=text, owner=text, definition_of_done=text)
outcomes.create_outcome(store, ada, quarter=outcomes.quarter_label(date.today()), title=xss,
                        kpi_id="win_rate", target=0.3, owner=script)
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A server whose database is full of markup payloads in every user text field."""
    workdir = tmp_path_factory.mktemp("hostile")
    db, auth = demo_database(workdir, "hostile", seed=7, leads=2000), workdir / "auth.yaml"
    subprocess.run([sys.executable, "-c", SEED, str(db), XSS, SCRIPT, LINK], cwd=ROOT, check=True)
    write_auth(auth)
    with serve(db, auth, workdir) as url:
        yield {"url": url, "db": db, "auth": auth}


def test_no_payload_runs_or_becomes_a_tag_on_any_page(page, hostile_server, shot):
    login(page, hostile_server["url"], "admin")
    seen_as_text = links_made = 0
    for path in PAGES:
        nav_link(page, path).click()
        wait_for_app(page)
        page.wait_for_timeout(500)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("img[src='x']").count() == 0, path
        assert page.locator("script:has-text('__xss')").count() == 0, path
        assert page.locator("a[href^='javascript']").count() == 0, path
        # Serialised DOM: text that holds "<img" comes out escaped; a real tag would not.
        seen_as_text += page.content().count("&lt;img src=x onerror=window.__xss=1&gt;")
        links_made += page.locator("a:has-text('clic')").count()
    shot(page, "hostile-last-page")
    assert seen_as_text > 0, "the payload is shown as literal text somewhere"
    print(
        f"\nhostile text: {seen_as_text} escaped payloads shown, {links_made} markdown links defused"
    )


ODD_PATHS = [
    "app_pages/audit.py",
    "app_pages/users",
    "usuarios/../auditoria",
    "%2e%2e/kpi/store/database.py",
    "AUDITORIA",
    "auditoria;jsessionid=1",
    "usuarios?embed=true&embed_options=show_toolbar",
    "ajustes?page=usuarios&role=admin",
    "login?authentication_status=true",
    "inicio?username=admin&roles=admin",
]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_urls_without_login_show_only_the_login_form(page, hostile_server, path):
    response = page.goto(f"{hostile_server['url']}/{path}")
    if response.status < 400:
        try:
            page.get_by_role("button", name="Entrar").wait_for(timeout=15_000)
        except PlaywrightTimeout:
            # Paths with several segments break Streamlit's relative asset URLs: a blank page.
            assert page.get_by_test_id("stApp").count() == 0, path
        else:
            wait_for_app(page)
    body = page.locator("body").inner_text().lower()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert "auditoría" not in body and "leads" not in body and "hostile" not in body


@pytest.mark.parametrize(
    "path",
    [
        "auth.yaml",
        "data/auth.yaml",
        "app/static/auth.yaml",
        "app/static/../../auth.yaml",
        "hostile.duckdb",
        "media/../auth.yaml",
        "_stcore/../auth.yaml",
    ],
)
def test_run_time_files_are_never_served(hostile_server, path):
    secret_bits = (b"$2b$", b"credentials", b"DUCK")
    try:
        with urllib.request.urlopen(f"{hostile_server['url']}/{path}", timeout=10) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        body = error.read()
    assert not any(bit in body for bit in secret_bits), path


def test_a_locked_account_stays_locked_in_the_browser(page, hostile_server):
    for _ in range(5):
        page.goto(hostile_server["url"])
        page.get_by_role("button", name="Entrar").wait_for(timeout=60_000)
        wait_for_app(page)
        page.get_by_role("textbox", name="Usuario").fill("editor")
        page.get_by_role("textbox", name="Contraseña").fill("wrong-password")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Usuario o contraseña incorrectos.").wait_for(timeout=30_000)
    page.get_by_role("textbox", name="Contraseña").fill("editor-pass-123")
    page.get_by_role("button", name="Entrar").click()
    page.get_by_text("Demasiados intentos fallidos").wait_for(timeout=30_000)
    assert page.get_by_test_id("stSidebarNav").count() == 0
