"""In Chromium: the Programa page on the demo data (its programme started four months back), the
report downloaded as a PDF with one click, and screenshots of every tab in Spanish and English
under test-output/ (programme-<lang>-<tab>.png) for the eyes."""

import subprocess
import sys

import pytest
from browser_support import (
    OUTPUT,
    ROOT,
    choose,
    demo_database,
    login,
    serve,
    wait_for_app,
    write_auth,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TABS = {
    "es": ("Métricas de éxito", "Línea base", "ROI", "Informe", "Administrar"),
    "en": ("Success metrics", "Baseline", "ROI", "Report", "Manage"),
}
TAB_FILES = ("metrics", "baseline", "roi", "report", "admin")


@pytest.fixture(scope="module")
def programme_server(tmp_path_factory):
    """A demo database with the demo's programme, served with the test users."""
    workdir = tmp_path_factory.mktemp("programme")
    db = demo_database(workdir, "programme", seed=5, leads=3000)
    # In its own process, as the demo command would: the server must find the file unlocked.
    script = (
        "import sys; from kpi.ingest.demo import create_demo_programme; "
        "from kpi.programme import active_programme; from kpi.store.database import open_store; "
        "db = sys.argv[1]; "
        "active_programme(open_store(db)) or create_demo_programme(db, leads=3000)"
    )
    subprocess.run([sys.executable, "-c", script, str(db)], cwd=ROOT, check=True)
    auth = workdir / "auth.yaml"
    write_auth(auth)
    with serve(db, auth, workdir) as url:
        yield url


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_for_app(page)


def test_programme_page_downloads_its_report_and_reads_in_both_languages(
    page, programme_server, shot
):
    login(page, programme_server, "admin")
    page.get_by_test_id("stSidebarNav").get_by_text("Programa", exact=True).click()
    expect(page.get_by_role("tab", name="Métricas de éxito")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert page.url.split("?")[0].endswith("/programa")
    expect(page.get_by_text("Medición").first).to_be_visible()

    open_tab(page, "Informe")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Descargar PDF").click()
    OUTPUT.mkdir(exist_ok=True)
    pdf = OUTPUT / "programme-report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    try:
        for lang in ("es", "en"):
            if lang == "en":
                choose(page, "Idioma", "English")
                expect(page.get_by_role("tab", name="Success metrics")).to_be_visible(
                    timeout=30_000
                )
            for name, file in zip(TABS[lang], TAB_FILES, strict=True):
                open_tab(page, name)
                shot(page, f"programme-{lang}-{file}")
                # The app scrolls inside its main area: the tab's end is a second picture.
                panel = page.locator("[role='tabpanel']:visible [data-testid='stElementContainer']")
                panel.last.scroll_into_view_if_needed()
                shot(page, f"programme-{lang}-{file}-end")
    finally:
        # The admin's language is stored with the user: put Spanish back.
        if page.get_by_role("combobox", name="Language").count():
            choose(page, "Language", "Español")
