"""In Chromium: user text holding Markdown images and links reads as text on every page, so a
local HTTP logger gets no request from a viewer's (or an admin's) browser; tables offer no raw
CSV download, only ours, whose formulas are neutralised."""

import csv
import http.server
import io
import subprocess
import sys
import threading

import pytest
import yaml
from browser_support import ROOT, demo_database, login, nav_link, serve, wait_for_app, write_auth

from kpi.i18n import t

pytestmark = pytest.mark.browser

WORD_JOINER = "\u2060"  # kpi.text puts one after "http": invisible, it keeps URLs plain text
# Sidebar title -> what only that page's main area shows once its run has drawn it: its title,
# or (the projector has none) its hint.
VIEWER_PAGES = {
    "Inicio": "h1:has-text('Brújula')",
    "Scorecard": "h1:has-text('Scorecard')",
    "Detalle KPI": "h1:has-text('Detalle KPI')",
    "Outcomes": "h1:has-text('Outcomes del trimestre')",
    "Proyector": f"text={t('projector.hint')}",
    "Backlog": "h1:has-text('Backlog')",
    "Historial": "h1:has-text('Historial')",
}
ADMIN_PAGES = VIEWER_PAGES | {
    "Reunión": "h1:has-text('Reunión')",
    "Importar": "h1:has-text('Importar')",
    "Ajustes": "h1:has-text('Ajustes')",
    "Auditoría": "h1:has-text('Auditoría')",
    "Usuarios": "h1:has-text('Usuarios')",
}
# Pages whose main area shows user text through Markdown (not only in tables or select boxes).
SHOW_USER_TEXT = {"Inicio", "Outcomes", "Proyector", "Historial", "Reunión"}

SEED = """
import sys
from datetime import date, timedelta
from kpi.access import auth
from kpi.cockpit import backlog, meeting, outcomes
from kpi.store import settings
from kpi.access.roles import Actor
from kpi.store.database import open_store
db, credentials, text, formula = sys.argv[1:5]
store = open_store(db)
ada = Actor("admin", "admin")
for username, role in (("admin", "admin"), ("viewer", "viewer")):
    auth.save_user(store, ada, credentials, username, text, role)
for key in ("definition_mql", "definition_sql", "definition_icp"):
    settings.set_setting(store, ada, key, text)
today = date.today()
earlier = meeting.create_meeting(store, ada, title=text, meeting_date=today - timedelta(days=14))
backlog.add_sprint_action(store, ada, meeting_id=earlier, title=text, owner=text,
                          definition_of_done=text, due_date=today)
meeting.close_meeting(store, ada, earlier, snapshot={"taken_at": "2026-01-01", "kpis": []})
# A blank line inside an agenda block: the projector's HTML panel must stay one HTML block.
agenda = [{"name": text, "minutes": 5, "leader": text, "content": "a" + chr(10) * 2 + text}]
m = meeting.create_meeting(store, ada, title=text, meeting_date=today, attendees=[text],
                           agenda=agenda)
meeting.update_meeting(store, ada, m, decisions=text)
meeting.rate(store, ada, m, text, 8)
for kind in ("worked", "did_not_work", "risk"):
    meeting.add_note(store, ada, m, kind=kind, text=text, why=text, root_cause=text, owner=text)
backlog.create_item(store, ada, title=text, description=text, owner=text, effort=2, impact=4)
backlog.create_item(store, ada, title=formula, owner="@SUM(1+1)", effort=3, impact=3)
backlog.add_sprint_action(store, ada, meeting_id=m, title=text, owner=text,
                          definition_of_done=text)
outcomes.create_outcome(store, ada, quarter=outcomes.quarter_label(today), title=text,
                        kpi_id="win_rate", target=0.3, owner=text)
"""


class Logger(http.server.BaseHTTPRequestHandler):
    """Records every request path: a browser rendering user text as Markdown would call here."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server dispatches to)
        Logger.seen.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def logger():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Logger)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def marked_up_server(tmp_path_factory, logger):
    """A server whose every user text (display names too) holds an image, a link and a URL."""
    base = f"http://127.0.0.1:{logger}"
    text = f"![x]({base}/image) [clic]({base}/link) {base}/bare"
    formula = f'=HYPERLINK("{base}/csv","x")'
    workdir = tmp_path_factory.mktemp("markdown")
    db, auth = demo_database(workdir, "markdown", seed=7, leads=2000), workdir / "auth.yaml"
    write_auth(auth)
    subprocess.run(
        [sys.executable, "-c", SEED, str(db), str(auth), text, formula], cwd=ROOT, check=True
    )
    names = yaml.safe_load(auth.read_text())["credentials"]["usernames"]
    assert names["viewer"]["name"] == names["admin"]["name"] == text
    with serve(db, auth, workdir) as url:
        yield {"url": url, "text": text, "formula": formula, "port": logger}


def visible(locator) -> str:
    return locator.inner_text().replace(WORD_JOINER, "")


def walk(page, server, username: str, pages: dict[str, str]) -> None:
    """Log `username` in and open each page once: user text shows literally, nothing is fetched
    or linked."""
    Logger.seen.clear()
    login(page, server["url"], username)
    host = f"127.0.0.1:{server['port']}"
    main = page.get_by_test_id("stMain")
    for title, marker in pages.items():
        nav_link(page, title).click()
        main.locator(marker).first.wait_for(timeout=60_000)
        wait_for_app(page)
        page.wait_for_timeout(700)  # time for any image request to reach the logger
        assert Logger.seen == [], title
        assert page.locator(f"img[src*='{host}']").count() == 0, title
        assert page.locator(f"a[href*='{host}']").count() == 0, title
        # The sidebar greets the user by display name on every page.
        assert server["text"] in visible(page.get_by_test_id("stSidebar")), title
        if title in SHOW_USER_TEXT:
            assert server["text"] in visible(main), title


def test_a_viewer_browser_fetches_nothing_user_text_names(page, marked_up_server, shot):
    walk(page, marked_up_server, "viewer", VIEWER_PAGES)
    shot(page, "markdown-viewer-history")


def test_an_admin_browser_fetches_nothing_on_any_page(page, marked_up_server):
    walk(page, marked_up_server, "admin", ADMIN_PAGES)


def test_tables_offer_only_the_neutralised_csv(page, marked_up_server):
    login(page, marked_up_server["url"], "viewer")
    nav_link(page, "Backlog").click()
    page.get_by_test_id("stMain").locator(VIEWER_PAGES["Backlog"]).wait_for(timeout=60_000)
    wait_for_app(page)
    table = page.get_by_test_id("stDataFrame").last
    table.hover()
    # The toolbar is shown (its search button), without Streamlit's own raw CSV export.
    page.get_by_role("button", name="Search").last.wait_for(timeout=10_000)
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar backlog (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [cell for row in rows for cell in row]
    assert "'" + marked_up_server["formula"] in cells
    assert "'@SUM(1+1)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
