"""Ajustes: the programme's qualified stage, its fallback gross margin and the survey cadence are
set on the page, typed the reader's way, and refused out of range."""

from support import open_page

from kpi.store.database import open_store
from kpi.store.settings import get_settings

PAGE = "app_pages/settings.py"


def test_the_programme_settings_are_saved_from_the_page(app_env):
    open_store(app_env)
    at = open_page(PAGE)
    assert at.text_input(key="set_gross_margin").value == "35,0"  # the 0.35 default, in Spanish
    at.selectbox(key="set_qualified_stage").set_value("mql")
    at.text_input(key="set_gross_margin").input("42,5")
    at.number_input(key="set_survey_cadence").set_value(6)
    at.button(key="set_programme_save").click().run()
    assert not at.exception, at.exception
    saved = get_settings(open_store(app_env))
    assert (saved["qualified_stage"], saved["survey_cadence_months"]) == ("mql", 6)
    assert saved["programme_gross_margin"] == 0.425
    assert any("Guardado" in s.value for s in at.success)


def test_a_margin_over_100_percent_is_refused_where_it_is_typed(app_env):
    open_store(app_env)
    at = open_page(PAGE)
    at.text_input(key="set_gross_margin").input("140")
    at.button(key="set_programme_save").click().run()
    assert get_settings(open_store(app_env))["programme_gross_margin"] == 0.35
    assert any("100,0" in e.value for e in at.error)
