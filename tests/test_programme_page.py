"""The Programa page through AppTest: empty state, the demo programme in Spanish and English,
what a viewer sees and cannot do, and an admin creating, costing and re-freezing a programme.

Demo facts for "today" 1 Nov 2026 (2,000 leads): the programme starts on 1 Jul 2026, four
months back; phases of 4, 8 and 6 weeks end on 28 Jul, 22 Sep and 3 Nov 2026, so 1 Nov 2026 is
day 40 of the measurement (23 Sep → 1 Nov): week 6 of 6. Its cost is 60,000 € × 2,000 / 25,000
= 4,800 €. The baseline is the six months 1 Jan – 30 Jun 2026.
"""

from datetime import date, datetime

import pytest
from support import demo_file, open_page
from test_page_scan import leaks_in, visible_texts

from kpi.access.roles import Actor
from kpi.cockpit.programme_report import report_markdown, report_pdf
from kpi.ingest.demo import create_demo_programme
from kpi.programme import active_programme, baselines, create_programme, programmes, report
from kpi.programme.model import benchmarks, target_overrides
from kpi.store.database import open_store

PAGE = "app_pages/programme.py"
TODAY = date(2026, 11, 1)
ADMIN = Actor("admin", "admin")


def fixed_clock(path):
    store = open_store(path)
    # The app gets this same Store from the process registry: its clock is the test's.
    store.now = lambda: datetime(2026, 11, 1, 10, 0)
    return store


@pytest.fixture(scope="module")
def demo_story(tmp_path_factory):
    return demo_file(tmp_path_factory, leads=2000, seed=5, today=TODAY)


@pytest.fixture
def demo_programme(app_env, demo_story):
    app_env.write_bytes(demo_story.read_bytes())
    fixed_clock(app_env)
    create_demo_programme(app_env, leads=2000, today=TODAY)
    return app_env


def texts(at) -> str:
    return " ".join(text for _, text in visible_texts(at))


def test_empty_state_offers_the_admin_the_create_form_only(app_env):
    fixed_clock(app_env)
    viewer = open_page(PAGE, "viewer")
    assert "Todavía no hay ningún programa" in viewer.info[0].value
    assert not viewer.get("form")
    assert "Solo un administrador" in texts(viewer)
    admin = open_page(PAGE, "admin")
    assert [f.proto.form.form_id for f in admin.get("form")] == ["programme_create"]


def test_admin_creates_a_programme_with_its_baseline_frozen(demo_story, app_env):
    app_env.write_bytes(demo_story.read_bytes())
    store = fixed_clock(app_env)
    at = open_page(PAGE, "admin")
    at.text_input(key="pg_name").input("Piloto | Q3")
    at.date_input(key="pg_start").set_value(date(2026, 9, 1))
    at.selectbox(key="pg_months").select(7)
    at.button(key="FormSubmitter:programme_create-Crear el programa").click().run()
    assert not at.exception
    [made] = programmes(store)
    assert (made.name, made.start, made.baseline_months) == ("Piloto | Q3", date(2026, 9, 1), 7)
    # Seven months before 1 Sep 2026: 1 Feb – 31 Aug 2026.
    assert (made.baseline_start, made.baseline_end) == (date(2026, 2, 1), date(2026, 8, 31))
    assert [b.version for b in baselines(store, made.id)] == [1]
    assert "Programa creado y línea base congelada." in [s.value for s in at.success]


@pytest.mark.parametrize(
    ("lang", "phase", "tabs", "cost"),
    [
        (
            "es",
            "Medición, semana 6 de 6",
            ["Métricas de éxito", "Línea base", "ROI", "Informe"],
            "4.800 €",
        ),
        (
            "en",
            "Measurement, week 6 of 6",
            ["Success metrics", "Baseline", "ROI", "Report"],
            "€4,800",
        ),
    ],
)
def test_a_viewer_reads_the_demo_programme_and_cannot_edit(demo_programme, lang, phase, tabs, cost):
    at = open_page(PAGE, "viewer", lang=lang)
    assert [t.label for t in at.tabs] == tabs
    assert not at.get("form"), "a viewer gets no form"
    shown = texts(at)
    assert phase in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Coste del programa" if lang == "es" else "Programme cost"] == cost
    assert len(at.get("download_button")) == 2
    assert not leaks_in(visible_texts(at), lang)
    table = at.dataframe[0].value
    assert len(table) == 8, "the eight success metrics"


def test_the_admin_enters_the_cost_and_refreezes_after_confirming(demo_programme):
    store = open_store(demo_programme)
    at = open_page(PAGE, "admin")
    assert [t.label for t in at.tabs][-1] == "Administrar"
    at.text_input(key="pg_cost").input("12.500,50")
    at.button(key="FormSubmitter:programme_cost-Guardar").click().run()
    assert active_programme(store).cost == 12_500.50
    at.button(key="pg_refreeze").click().run()
    assert "Con los datos de hoy la línea base no cambia." in [i.value for i in at.info]
    at.button(key="pg_refreeze_yes").click().run()
    assert not at.exception
    assert [b.version for b in baselines(store, active_programme(store).id)] == [1, 2]
    assert "Línea base congelada de nuevo (versión 2)." in [s.value for s in at.success]


def test_the_report_documents_escape_user_text(demo_story, app_env):
    app_env.write_bytes(demo_story.read_bytes())
    store = fixed_clock(app_env)
    create_programme(store, ADMIN, start=date(2026, 7, 1), name="*Piloto* | Q3")
    data = report(store)
    text = report_markdown(data, "es", "EUR")
    assert text.startswith("# Informe antes/después: \\*Piloto\\* \\| Q3\n")
    assert "Es una comparación antes/después, no una prueba de causa" in text
    assert "Aceptación de leads por Ventas" in text or "Aceptación" in text
    assert report_pdf(data, "en", "EUR").startswith(b"%PDF")


def test_the_admin_sets_a_band_and_a_benchmark_with_its_source(demo_programme):
    store = open_store(demo_programme)
    at = open_page(PAGE, "admin")
    at.text_input(key="pg_near_acceptance").input("25,0")
    at.text_input(key="pg_far_acceptance").input("35,0")
    at.button(key="FormSubmitter:programme_targets-Guardar").click().run()
    programme = active_programme(store)
    assert target_overrides(store, programme.id) == {"acceptance": (0.25, 0.35)}
    at.selectbox(key="pg_bench_kpi").select("lead_acceptance_rate")
    at.text_input(key="pg_bench_value").input("80,0")
    at.text_input(key="pg_bench_src").input("Estudio del sector 2025")
    at.button(key="FormSubmitter:programme_benchmark-Guardar").click().run()
    assert not at.exception
    assert benchmarks(store, programme.id) == {
        "lead_acceptance_rate": {"value": 0.80, "source": "Estudio del sector 2025"}
    }
    sources = [cell for frame in at.dataframe for cell in frame.value.to_numpy().ravel()]
    assert "Estudio del sector 2025" in sources
