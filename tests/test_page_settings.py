"""Ajustes (admins): a save is confirmed once, the confirmation outlives reruns, refusals show."""

from support import open_page

from kpi.store.database import open_store
from kpi.store.settings import get_settings

PAGE = "app_pages/settings.py"


def stored_definition(db, key: str) -> str:
    return get_settings(open_store(db))[key]


def test_saving_a_definition_is_confirmed_and_the_confirmation_survives_a_rerun(app_env):
    open_store(app_env)
    at = open_page(PAGE)
    at.text_area(key="def_definition_mql").input("Lead con demo pedida")
    at.button[1].click().run()
    assert not at.exception and not at.error
    assert stored_definition(app_env, "definition_mql") == "Lead con demo pedida"
    assert [s.value for s in at.success] == ["Guardado."]
    at.run()  # a rerun with no write, such as the cookie component's
    assert [s.value for s in at.success] == ["Guardado."]


def test_saving_an_unchanged_form_says_so_and_writes_nothing(app_env):
    store = open_store(app_env)
    versions = store.state().execute("SELECT count(*) FROM settings").fetchone()[0]
    at = open_page(PAGE)
    at.button[2].click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Sin cambios: no se crea versión."]
    assert store.state().execute("SELECT count(*) FROM settings").fetchone()[0] == versions


def test_a_refused_definition_shows_the_cores_words_and_writes_nothing(app_env):
    open_store(app_env)
    before = stored_definition(app_env, "definition_sql")
    at = open_page(PAGE)
    at.text_area(key="def_definition_sql").input("   ")
    at.button[1].click().run()
    assert not at.exception and not at.success
    # Escaped Markdown: the underscore shows as typed.
    assert [e.value for e in at.error] == ["definition\\_sql no puede estar vacío."]
    assert stored_definition(app_env, "definition_sql") == before
