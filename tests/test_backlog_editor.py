"""Backlog data editor through AppTest on a real database: edits land on the items the user saw."""

from kpi.access.roles import Actor
from kpi.cockpit import backlog
from kpi.store.database import open_store
from tests.test_page_backlog import open_page, seed_items


def test_an_edit_lands_on_the_item_shown_when_someone_else_adds_one_before_the_save(app_env):
    store = open_store(app_env)
    seed_items(store)
    at = open_page("editor")
    assert list(at.dataframe[-1].value["title"]) == ["Guion ICP-A", "Nuevo CRM", "Pozo caro"]
    # Meanwhile another user adds a quick win that sorts second (same scores as the first, newer).
    backlog.create_item(
        store, Actor("ana", "editor"), title="Llamada rápida", effort=1, impact=5, owner="Ana"
    )
    # The user gives the second row they see, "Nuevo CRM", an owner and saves.
    at.session_state["backlog_editor_0"] = {
        "edited_rows": {1: {"owner": "Marta"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="backlog_save").click().run()
    assert not at.exception, at.exception
    owners = {item["title"]: item["owner"] for item in backlog.list_items(store)}
    assert owners == {
        "Guion ICP-A": "Ana",
        "Llamada rápida": "Ana",
        "Nuevo CRM": "Marta",
        "Pozo caro": "Luis",
    }
    # Once saved, the editor shows every item again, the other user's included.
    titles = list(at.dataframe[-1].value["title"])
    assert titles == ["Guion ICP-A", "Llamada rápida", "Nuevo CRM", "Pozo caro"]
