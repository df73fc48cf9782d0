"""In Chromium: an admin uploads a CSV on Importar, validates, confirms, and the home page counts
the new leads on the next run, served by the same app process without a restart."""

import pytest
from browser_support import login, serve, wait_for_app, write_auth

from kpi.access.roles import SYSTEM
from kpi.ingest.importer import run_import
from kpi.store.database import ensure_facts_file

pytestmark = pytest.mark.browser

NEW_LEADS = (
    "ID del lead;Fecha de creación;Canal;Nivel ICP\n"
    "N1;03/02/2025;web;A\n"
    "N2;14/02/2025;eventos;B\n"
    "N3;15/02/2025;web;C\n"
)


def test_upload_validate_confirm_and_home_shows_new_count(page, tmp_path, shot):
    db, auth = tmp_path / "import.duckdb", tmp_path / "auth.yaml"
    ensure_facts_file(db)
    seed = tmp_path / "seed.csv"
    seed.write_text("lead_id,created_at,channel\nS1,2025-01-02,web\nS2,2025-01-03,ads\n")
    run_import(db, "leads", seed, SYSTEM)
    write_auth(auth)
    upload = tmp_path / "nuevos_leads.csv"
    upload.write_text(NEW_LEADS, encoding="utf-8")

    with serve(db, auth, tmp_path) as url:
        login(page, url, "admin")
        wait_for_app(page)
        page.get_by_text("2 leads, 0 oportunidades").wait_for(timeout=30_000)

        page.get_by_test_id("stSidebarNav").get_by_text("Importar").click()
        wait_for_app(page)
        page.locator("input[type='file']").set_input_files(str(upload))
        page.get_by_role("button", name="Validar").wait_for(timeout=30_000)
        wait_for_app(page)
        page.get_by_role("button", name="Validar").click()
        page.get_by_text("Vista previa (valores ya convertidos)").wait_for(timeout=30_000)
        wait_for_app(page)
        inserted = page.get_by_test_id("stMetric").filter(has_text="Nuevas")
        assert inserted.get_by_test_id("stMetricValue").inner_text() == "3"
        shot(page, "import-validated")

        page.get_by_role("button", name="Importar", exact=True).click()
        page.get_by_text("Importación completada").wait_for(timeout=30_000)
        shot(page, "import-done")

        page.get_by_test_id("stSidebarNav").get_by_text("Inicio").click()
        wait_for_app(page)
        page.get_by_text("5 leads, 0 oportunidades").wait_for(timeout=30_000)
