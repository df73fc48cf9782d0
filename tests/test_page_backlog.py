"""Backlog page through AppTest: items, editor edits, sprint cap shown, review, viewer read-only."""

import json
from datetime import date, datetime

import pyarrow as pa
from streamlit.proto.Dataframe_pb2 import Dataframe
from streamlit.testing.v1 import AppTest

from kpi.access.roles import Actor
from kpi.cockpit import backlog
from kpi.store.database import open_store
from tests import support

EDITOR = Actor("editor", "editor")
PAGE = "app_pages/backlog.py"
READ_ONLY = Dataframe.EditingMode.READ_ONLY


def open_page(role: str, **state) -> AppTest:
    return support.open_page(PAGE, role, **state)


def texts(at) -> str:
    parts = [
        e.value
        for kind in ("caption", "markdown", "info", "warning", "error", "success")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def seed_items(store) -> list[dict]:
    backlog.create_item(store, EDITOR, title="Pozo caro", effort=5, impact=1, owner="Luis")
    backlog.create_item(store, EDITOR, title="Guion ICP-A", effort=1, impact=5, owner="Ana")
    backlog.create_item(store, EDITOR, title="Nuevo CRM", effort=5, impact=5)
    return backlog.list_items(store)


def test_editor_sees_ordered_items_matrix_and_add_form(app_env):
    store = open_store(app_env)
    seed_items(store)
    at = open_page("editor")
    editor = at.dataframe[-1]
    assert editor.proto.editing_mode != READ_ONLY
    assert list(editor.value["title"]) == ["Guion ICP-A", "Nuevo CRM", "Pozo caro"]
    charts = at.get("vega_lite_chart")
    assert charts, "the matrix is drawn"
    spec = charts[0].proto.spec
    assert '"pick"' in spec, "editors can select points"
    assert spec.count('"mark"') >= 4, "quadrant shades, names, points and labels"
    assert at.button(key="backlog_save")
    [progress] = at.get("progress")
    assert (progress.proto.value, progress.proto.text) == (0, "0 de 3 acciones comprometidas.")


def test_data_editor_edits_are_saved_through_the_core(app_env):
    store = open_store(app_env)
    seed_items(store)
    # Rows are shown in priority order: 0 = Guion ICP-A, 2 = Pozo caro.
    edits = {
        "edited_rows": {2: {"impact": 4, "owner": "Marta"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = open_page("editor")
    at.session_state["backlog_editor_0"] = edits
    at.button(key="backlog_save").click().run()
    assert not at.exception, at.exception
    moved = [i for i in backlog.list_items(store) if i["title"] == "Pozo caro"][0]
    assert (moved["impact"], moved["owner"], moved["quadrant"]) == (4, "Marta", "big_bet")
    assert "1 elementos actualizados" in texts(at)


def test_create_item_form(app_env):
    open_store(app_env)
    at = open_page("editor")
    at.text_input(key="new_title").input("Feedback semanal de calidad")
    at.text_input(key="new_owner").input("Ventas")
    at.selectbox(key="new_effort").select(2)
    at.selectbox(key="new_impact").select(4)
    submit = [b for b in at.button if b.label == "Crear elemento"][0]
    submit.click().run()
    assert not at.exception, at.exception
    items = backlog.list_items(open_store(app_env))
    assert [(i["title"], i["effort"], i["impact"], i["quadrant"]) for i in items] == [
        ("Feedback semanal de calidad", 2, 4, "quick_win")
    ]


def test_an_item_created_without_scores_stays_unscored_and_off_the_matrix(app_env):
    open_store(app_env)
    at = open_page("editor")
    assert at.selectbox(key="new_effort").value == 0, "no score is picked for the user"
    at.text_input(key="new_title").input("Revisar el guion")
    [b for b in at.button if b.label == "Crear elemento"][0].click().run()
    assert not at.exception, at.exception
    items = backlog.list_items(open_store(app_env))
    assert [(i["effort"], i["impact"], i["quadrant"]) for i in items] == [(None, None, "unscored")]
    assert "Sin puntuar" in list(at.dataframe[-1].value["quadrant"])[0]
    assert any("Revisar el guion" in c.value and "Sin puntuar" in c.value for c in at.caption)


def test_fourth_action_is_refused_on_the_page(app_env):
    store = open_store(app_env)
    for n in range(3):
        backlog.add_sprint_action(
            store, EDITOR, title=f"Acción {n}", owner="Ana", definition_of_done="Hecho"
        )
    at = open_page("editor")
    assert "ya tiene sus 3 acciones" in texts(at)
    at.text_input(key="sprint_title").input("Cuarta")
    at.text_input(key="sprint_owner").input("Luis")
    at.text_area(key="sprint_done").input("Algo")
    [b for b in at.button if b.label == "Comprometer acción"][0].click().run()
    assert not at.exception, at.exception
    assert any("no se admite una cuarta" in e.value for e in at.error)
    assert len(backlog.sprint_actions(store)) == 3


def test_review_marks_an_action_done(app_env):
    store = open_store(app_env)
    first = backlog.add_sprint_action(
        store, EDITOR, title="Llamar ICP-A", owner="Ana", definition_of_done="Todos llamados"
    )
    at = open_page("editor")
    at.selectbox(key="review_action").set_value(first["id"])
    at.radio(key="review_status").set_value("done")
    [b for b in at.button if b.label == "Registrar revisión"][0].click().run()
    assert not at.exception, at.exception
    assert backlog.sprint_actions(store)[0]["status"] == "done"
    assert "Revisión registrada." in texts(at)


def test_completion_trend_is_charted(app_env):
    store = open_store(app_env)
    done = backlog.add_sprint_action(store, EDITOR, title="A", owner="Ana", definition_of_done="x")
    backlog.review_action(store, EDITOR, done["id"], "done")
    missed = backlog.add_sprint_action(
        store, EDITOR, title="B", owner="Ana", definition_of_done="y"
    )
    backlog.review_action(store, EDITOR, missed["id"], "not_done")
    at = open_page("viewer")
    # The trend is the chart whose y axis is the rate: one sprint, one of two reviewed done.
    [trend] = [
        c.proto
        for c in at.get("vega_lite_chart")
        if json.loads(c.proto.spec)["encoding"]["y"]["field"] == "rate"
    ]
    [dataset] = trend.datasets
    rows = pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    assert [(row["rate"], row["done"]) for row in rows] == [(0.5, "1/2")]


def test_viewer_sees_everything_and_can_change_nothing(app_env):
    store = open_store(app_env)
    seed_items(store)
    backlog.add_sprint_action(store, EDITOR, title="Llamar", owner="Ana", definition_of_done="x")
    at = open_page("viewer")
    assert "Solo lectura" in texts(at)
    assert len(at.dataframe) == 2  # sprint actions and items
    assert all(frame.proto.editing_mode == READ_ONLY for frame in at.dataframe)
    assert at.get("vega_lite_chart")
    main = at.main
    assert not main.button, [b.label for b in main.button]
    assert not (main.text_input or main.text_area or main.selectbox or main.slider)


def test_the_items_table_names_areas_statuses_and_kpis(app_env):
    store = open_store(app_env)
    backlog.create_item(store, EDITOR, title="Guion", area="operations", kpi_id="win_rate")
    viewer = open_page("viewer").dataframe[-1].value
    row = viewer.iloc[0]
    assert (row["area"], row["status"], row["kpi_id"]) == (
        "Operaciones",
        "abierto",
        "Tasa de cierre",
    )
    assert (row["effort"], row["impact"], row["owner"]) == ("—", "—", "—")
    columns = json.loads(open_page("editor").dataframe[-1].proto.columns)
    labels = {
        name: {o["value"]: o["label"] for o in columns[name]["type_config"]["options"]}
        for name in ("area", "status", "kpi_id")
    }
    assert labels["area"]["operations"] == "Operaciones"
    assert labels["status"]["in_sprint"] == "en sprint"
    assert labels["kpi_id"]["win_rate"] == "Tasa de cierre"


def test_selected_ids_reads_the_chart_event():
    event = {"selection": {"pick": [{"id": 4}, {"id": 2}]}}
    assert backlog.selected_ids(event) == [4, 2]
    assert backlog.selected_ids({"selection": {}}) == []
    assert backlog.selected_ids(None) == []


def test_meeting_sprint_caption(app_env):
    store = open_store(app_env)
    with store.write(Actor("admin", "admin"), "meeting") as w:
        w.insert(
            "meetings",
            {
                "title": "Tracción marzo",
                "meeting_date": date(2026, 3, 2),
                "status": "running",
                "created_by": "admin",
                "created_at": datetime(2026, 3, 2, 9),
            },
        )
    at = open_page("editor")
    assert "Sprint de la reunión «Tracción marzo»" in texts(at)


def test_points_picked_on_the_matrix_become_the_sprint_candidates(app_env):
    store = open_store(app_env)
    items = seed_items(store)  # priority order: Guion ICP-A, Nuevo CRM, Pozo caro
    pozo = items[2]
    at = open_page("editor")
    # The chart's selection event, as the browser reports it after a click on "Pozo caro".
    at.session_state["matrix_chart_0"] = {"selection": {"pick": [{"id": pozo["id"]}]}}
    at.run()
    assert not at.exception, at.exception
    assert "Candidatos al sprint: Pozo caro" in texts(at)
    picker = at.selectbox(key="sprint_item")
    assert picker.options[:2] == ["— ninguno —", "Pozo caro"]
    assert picker.value == pozo["id"], "the first candidate is preselected"
    at.text_area(key="sprint_done").input("Coste medido")
    [b for b in at.button if b.label == "Comprometer acción"][0].click().run()
    [action] = backlog.sprint_actions(store)
    assert (action["title"], action["owner"], action["backlog_item_id"]) == (
        "Pozo caro",
        "Luis",
        pozo["id"],
    )
    assert backlog.get_item(store, pozo["id"])["status"] == "in_sprint"
    at.button(key="matrix_clear").click().run()
    assert "Candidatos al sprint" not in texts(at)


def test_page_in_english(app_env):
    store = open_store(app_env)
    seed_items(store)
    backlog.add_sprint_action(store, EDITOR, title="Call", owner="Ana", definition_of_done="x")
    at = open_page("editor", lang="en")
    assert [h.value for h in at.header][:3] == [
        "Current sprint: 3 actions",
        "Effort-impact matrix",
        "Prioritised backlog",
    ]
    assert "Big bets" in at.dataframe[-1].value["quadrant"].tolist()


def test_the_create_form_does_not_offer_enter_to_submit(app_env):
    # Streamlit writes «Press Enter to submit form» in English under a form that submits on Enter.
    open_store(app_env)
    at = open_page("editor")
    forms = {}

    def visit(node):
        if getattr(node, "type", "") == "form":
            forms[node.proto.form.form_id] = node.proto.form.enter_to_submit
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    assert forms["backlog_create"] is False
