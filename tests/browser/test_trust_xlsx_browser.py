"""In Chromium: a workbook uploaded on Importar is stored privately and, once imported, neither
the upload nor its converted CSV stays on the server (issue 13, items 4 and 14)."""

import stat

import duckdb
import pytest
from browser_support import login, serve, wait_for_app, write_auth

from kpi.store.database import ensure_facts_file
from tests.xlsx_support import row, write_book

pytestmark = pytest.mark.browser


def test_an_imported_workbook_leaves_nothing_behind(page, tmp_path, monkeypatch, shot):
    db, auth = tmp_path / "import.duckdb", tmp_path / "auth.yaml"
    ensure_facts_file(db)
    write_auth(auth)
    temp = tmp_path / "server-tmp"  # the server's temporary folder, where CSVs are converted
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    book = write_book(
        tmp_path / "nuevos.xlsx",
        [row(1, "Lead ID", "Canal")] + [row(n, f"N{n}", "web") for n in range(2, 5)],
        dimension="A1:XFD1048576",
    )
    uploads = tmp_path / "uploads"

    with serve(db, auth, tmp_path) as url:
        login(page, url, "admin")
        wait_for_app(page)
        page.get_by_test_id("stSidebarNav").get_by_text("Importar").click()
        wait_for_app(page)
        page.locator("input[type='file']").set_input_files(str(book))
        page.get_by_role("button", name="Validar").wait_for(timeout=30_000)
        wait_for_app(page)
        stored = list(uploads.iterdir())
        assert len(stored) == 1 and stat.S_IMODE(stored[0].stat().st_mode) == 0o600
        assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
        assert len(list(temp.rglob("*.csv"))) == 1, "converted once, privately"

        page.get_by_role("button", name="Validar").click()
        page.get_by_text("Vista previa (valores ya convertidos)").wait_for(timeout=30_000)
        wait_for_app(page)
        page.get_by_role("button", name="Importar", exact=True).click()
        page.get_by_text("Importación completada").wait_for(timeout=30_000)
        shot(page, "xlsx-import-done")
        assert list(uploads.iterdir()) == [], "the upload is deleted after its import"
        assert list(temp.rglob("*.csv")) == [], "so is its CSV, with the server still running"

    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM leads").fetchone() == (3,)
    finally:
        con.close()
