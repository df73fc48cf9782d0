"""Ajustes (admins): a save is confirmed once, the confirmation outlives reruns, refusals show."""

from support import open_page

from kpi.access.roles import Actor
from kpi.engine.targets import current_targets, set_target
from kpi.store.database import open_store, rewrite_facts
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


def seed_channels(db) -> None:
    with rewrite_facts(db) as con:
        con.execute(
            "INSERT INTO leads (lead_id, channel) VALUES ('L1', 'paid_search'), ('L2', 'webinar_q1')"
        )


def test_an_admin_names_a_channel_and_clears_the_name(app_env):
    seed_channels(app_env)
    at = open_page(PAGE)
    # Built-in Spanish label, and an unknown code humanised: never the raw code.
    assert at.selectbox(key="ch_code").options == ["Búsqueda de pago", "Webinar q1"]
    at.selectbox(key="ch_code").set_value("webinar_q1")
    at.text_input(key="ch_label").input("Webinars de primavera")
    [b for b in at.button if b.label == "Guardar nombre"][0].click().run()
    assert not at.exception and not at.error
    assert stored_definition(app_env, "channel_labels") == {"webinar_q1": "Webinars de primavera"}
    assert at.selectbox(key="ch_code").options == ["Búsqueda de pago", "Webinars de primavera"]
    at.selectbox(key="ch_code").set_value("webinar_q1")
    at.text_input(key="ch_label").input("")
    [b for b in at.button if b.label == "Guardar nombre"][0].click().run()
    assert stored_definition(app_env, "channel_labels") == {}


def test_numbers_have_one_decimal_dates_are_day_first_and_history_is_in_words(app_env):
    store = open_store(app_env)
    set_target(store, Actor("admin", "admin"), "mql_to_sql_rate", 0.25, 2.5)
    at = open_page(PAGE)
    # Decimals read as Spanish writes them (Streamlit's number input would show «25.0»).
    assert at.text_input(key="target_value_mql_to_sql_rate").value == "25,0"
    assert at.text_input(key="target_tolerance_mql_to_sql_rate").value == "2,5"
    assert at.text_input(key="method_sla_hours").value == "24,0"
    assert {n.proto.format for n in at.number_input} == {"%d"}  # whole numbers stay spinners
    assert [d.proto.format for d in at.date_input] == ["DD/MM/YYYY"] * 3  # anchor + calendar
    history = at.dataframe[0].value
    assert list(history.columns) == ["Objetivo", "Tolerancia", "Vigente desde", "Cambiado por"]
    # The newest version first: 25,0 % with a tolerance of 2,5 points.
    assert history.iloc[0].tolist()[:2] == ["25,0 %", "2,5"]
    assert all(isinstance(v, str) for v in history.iloc[0].tolist())
    # No «Press Enter to submit form» under the fields: every form submits by its button only.
    assert forms_entering(at._tree) == {}


def forms_entering(node) -> dict:
    """Form id -> enter_to_submit, for the forms under `node` that submit on Enter."""
    found = {}
    if getattr(node, "type", "") == "form" and node.proto.form.enter_to_submit:
        found[node.proto.form.form_id] = True
    for child in getattr(node, "children", {}).values():
        found |= forms_entering(child)
    return found


def test_a_number_is_read_the_way_the_language_writes_it_and_nothing_else(app_env):
    store = open_store(app_env)
    at = open_page(PAGE)
    at.text_input(key="target_value_mql_to_sql_rate").input("25.5").run()
    # In Spanish «25.5» could be 255 or 25,5: refused with the reason, and no save offered.
    assert any("«25.5» no es un número" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "target_save"]
    at.text_input(key="target_value_mql_to_sql_rate").input("150,0").run()
    assert any("Debe estar entre 0,0 y 100,0." in e.value for e in at.error)
    at.text_input(key="target_value_mql_to_sql_rate").input("27,5").run()
    at.button(key="target_save").click().run()
    assert not at.exception
    assert current_targets(store)["mql_to_sql_rate"][0] == 0.275
