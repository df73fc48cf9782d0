"""Outcomes page through AppTest on the hand-built facts of test_outcomes (today: 15 May 2026).

The example outcome "Aumentar MQL→SQL del 22% al 30% en segmento ICP-A": baseline 1/5 = 20,0 %,
current 2/8 = 25,0 %, progress 0,05/0,10 = 50 %, 45 of 91 days gone = 49 % → on track.
"""

from datetime import date, datetime

from streamlit.testing.v1 import AppTest

from kpi.access.roles import Actor
from kpi.cockpit.checklist import alignment_scores, answer_checklist
from kpi.cockpit.outcomes import create_outcome, list_outcomes
from kpi.engine.dimension_labels import set_channel_label
from kpi.store.database import open_store, rewrite_facts
from tests import support
from tests.test_outcomes import EXAMPLE, LEADS, example, stamp

EDITOR = Actor("editor", "editor")
PAGE = "app_pages/outcomes.py"


def seeded_store(path):
    with rewrite_facts(path) as con:
        for lead_id, tier, mql, sql in LEADS:
            con.execute(
                "INSERT INTO leads (lead_id, created_at, channel, icp_tier, mql_at, sql_at) "
                "VALUES (?, ?, 'seo', ?, ?, ?)",
                [lead_id, stamp(mql or sql), tier, stamp(mql), stamp(sql)],
            )
    store = open_store(path)
    # The app gets this same Store from the process registry: its clock is the test's.
    store.now = lambda: datetime(2026, 5, 15, 12, 0)
    return store


def open_page(role: str, lang: str | None = None) -> AppTest:
    return support.open_page(PAGE, role, **({"lang": lang} if lang else {}))


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_example_outcome_shows_baseline_progress_and_trajectory(app_env):
    store = seeded_store(app_env)
    example(store)
    at = open_page("viewer")
    assert at.title[0].value == "Outcomes del trimestre T2 2026"
    assert at.subheader[0].value.replace("\\", "") == EXAMPLE
    assert metrics(at) == {"Línea base": "20,0 %", "Actual": "25,0 %", "Objetivo": "30,0 %"}
    assert [s.value for s in at.success] == ["En camino"]
    progress = at.get("progress")[0].proto
    assert progress.value == 50
    assert progress.text == "Progreso 50 % · trimestre transcurrido 49 %"
    windows = " ".join(c.value for c in at.caption)
    assert "1 ene 2026 – 31 mar 2026" in windows
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("Senda lineal" in s for s in specs)
    main = at.main
    assert not main.button and not main.text_input and not main.number_input


def test_editor_creates_the_example_and_is_refused_a_fourth(app_env):
    store = seeded_store(app_env)
    at = open_page("editor")
    assert "No hay outcomes para este trimestre." in [c.value for c in at.caption]
    at.text_input(key="oc_title").input(EXAMPLE)
    at.selectbox(key="oc_kpi").set_value("mql_to_sql_rate")
    at.selectbox(key="oc_icp").set_value("A")
    at.number_input(key="oc_target").set_value(30)
    at.text_input(key="oc_owner").input("Marta")
    [b for b in at.button if b.label == "Crear outcome"][0].click().run()
    assert not at.exception, at.exception
    [created] = list_outcomes(store, "2026-Q2")
    assert (created["kpi_id"], created["icp_tier"], created["target"]) == (
        "mql_to_sql_rate",
        "A",
        0.30,
    )
    assert metrics(at)["Línea base"] == "20,0 %"
    for n in range(2):
        create_outcome(
            store, EDITOR, quarter="2026-Q2", title=f"O{n}", kpi_id="win_rate", target=0.4
        )
    at = open_page("editor")
    at.text_input(key="oc_title").input("Cuarto")
    at.number_input(key="oc_target").set_value(30)
    [b for b in at.button if b.label == "Crear outcome"][0].click().run()
    assert any("no se admite un cuarto" in e.value for e in at.error)
    assert len(list_outcomes(store, "2026-Q2")) == 3


def test_baseline_override_on_the_page(app_env):
    store = seeded_store(app_env)
    outcome = example(store)
    at = open_page("editor")
    at.number_input(key=f"oc_base_{outcome['id']}").set_value(22)
    [b for b in at.button if b.label == "Guardar"][0].click().run()
    assert not at.exception, at.exception
    assert metrics(at)["Línea base (editada)"] == "22,0 %"
    assert [e.value for e in at.error] == ["Fuera de camino"]


def test_checklist_trend_and_answers(app_env):
    store = seeded_store(app_env)
    with store.write(Actor("admin", "admin"), "meeting") as w:
        meeting = w.insert(
            "meetings",
            {
                "title": "Tracción mayo",
                "meeting_date": date(2026, 5, 11),
                "created_by": "admin",
                "created_at": datetime(2026, 5, 11, 9),
            },
        )
    answer_checklist(store, EDITOR, meeting["id"], {1: True, 2: True})
    at = open_page("editor")
    assert any('"score"' in c.proto.spec for c in at.get("vega_lite_chart"))
    at.checkbox(key=f"cl_{meeting['id']}_5").check()
    [b for b in at.button if b.label == "Guardar checklist"][0].click().run()
    assert not at.exception, at.exception
    assert [s["score"] for s in alignment_scores(store)] == [3]


def test_page_in_english(app_env):
    store = seeded_store(app_env)
    example(store)
    at = open_page("editor", lang="en")
    assert metrics(at) == {"Baseline": "20.0%", "Current": "25.0%", "Target": "30.0%"}
    assert [s.value for s in at.success] == ["On track"]


def test_a_new_outcome_behind_its_typed_baseline_shows_no_progress_yet(app_env):
    # Baseline typed 30 %, target 40 %, the maturing quarter-to-date cohort at 25 % (2/8):
    # the page says progress is not measured yet instead of «Progreso -50 %».
    store = seeded_store(app_env)
    create_outcome(
        store,
        EDITOR,
        quarter="2026-Q2",
        title="Más SQL",
        kpi_id="mql_to_sql_rate",
        icp_tier="A",
        target=0.40,
        baseline=0.30,
    )
    at = open_page("viewer")
    progress = at.get("progress")[0].proto
    assert progress.value == 0
    assert progress.text == (
        "Progreso: aún sin medir (valor provisional) · trimestre transcurrido 49 %"
    )
    assert [i.value for i in at.info][-1] == "Sin datos suficientes"
    assert not at.error


def test_channels_show_their_labels_and_quarters_their_local_name(app_env):
    store = seeded_store(app_env)
    create_outcome(
        store,
        EDITOR,
        quarter="2026-Q2",
        title="SEO",
        kpi_id="win_rate",
        target=0.4,
        channel="seo",
    )
    at = open_page("editor")
    captions = " ".join(c.value for c in at.caption)
    assert "canal SEO" in captions and "seo" not in captions.replace("SEO", "")
    assert at.selectbox(key="oc_channel").options == ["todos", "SEO"]
    set_channel_label(store, Actor("admin", "admin"), "seo", "Orgánico")
    at = open_page("editor", lang="en")
    assert at.title[0].value == "Outcomes of quarter Q2 2026"
    assert at.selectbox(key="outcomes_q").options == ["Q2 2026", "Q3 2026"]
    assert "channel Orgánico" in " ".join(c.value for c in at.caption)
