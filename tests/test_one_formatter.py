"""One KPI formatter everywhere: the currency setting reaches the cockpit panel, the minutes, the
brief, the outcomes page and the sprint widgets, and NPS reads as a whole score (issue 14).

Expected texts are built here by hand from the stored numbers (es: `1.234 US$`), not by the
formatter under test.
"""

from datetime import date

import pytest
from support import copy_facts, demo_file, logged_in, meeting_with_action

from kpi.access.roles import Actor
from kpi.cockpit import backlog, brief, meeting, minutes, outcomes
from kpi.engine import catalogue
from kpi.engine.compute import last_complete_scorecard
from kpi.engine.targets import set_target
from kpi.store.database import open_store
from kpi.store.settings import set_setting

ADMIN = Actor("ana", "admin")
EVA = Actor("eva", "editor")


def money(value: float, symbol: str) -> str:
    """Spanish money without cents, written independently of Babel: 1.234 US$."""
    return f"{round(value):,}".replace(",", ".") + f" {symbol}"


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory):
    """Demo data large enough for CAC to have its minimum sample (5 wins) in the reviewed
    fortnight: 8,000 leads gave 3 to 7 of them, 16,000 leads twice that."""
    return demo_file(tmp_path_factory, leads=16_000)


@pytest.fixture
def usd_store(app_env, big_demo):
    """The app's database with the demo data, the currency set to USD and CAC made red."""
    store = open_store(copy_facts(big_demo, app_env))
    set_setting(store, ADMIN, "currency", "USD")
    # A CAC target far below the data's value: CAC is red, so it is in every "off target" list.
    set_target(store, ADMIN, "cac", 100, 0)
    return store


def cac_result(store):
    result = last_complete_scorecard(store).get("cac")
    assert result.status == "red" and result.value > 1000
    return result


def test_cockpit_panel_shows_us_dollars_and_nps_as_a_whole_score(usd_store):
    result = cac_result(usd_store)
    nps = last_complete_scorecard(usd_store).get("nps_post_delivery")
    meeting.create_meeting(usd_store, EVA, meeting_date=date(2026, 3, 2))
    at = logged_in("editor", "eva").run().switch_page("app_pages/meeting.py").run()
    assert not at.exception, at.exception
    label = catalogue.get("cac").label_es
    [red] = [d.value for d in at.dataframe if label in set(d.value.iloc[:, 0])]
    row = red[red.iloc[:, 0] == label].iloc[0]
    assert row.iloc[1] == money(result.value, "US$")
    assert row.iloc[2] == money(100, "US$")
    panel = {m.label: m.value for m in at.metric}
    assert panel[catalogue.get("nps_post_delivery").label_es] == str(round(nps.value))


def test_minutes_show_the_configured_currency(usd_store):
    meeting_id = meeting.create_meeting(usd_store, EVA, meeting_date=date(2026, 3, 2))
    closed = meeting.close_meeting(usd_store, EVA, meeting_id)
    cac = next(k for k in closed.kpi_snapshot["kpis"] if k["kpi_id"] == "cac")
    nps = next(k for k in closed.kpi_snapshot["kpis"] if k["kpi_id"] == "nps_post_delivery")
    text = minutes.minutes_markdown(usd_store, meeting_id, "es")
    label = catalogue.get("cac").label_es
    assert f"| {label} | {money(cac['value'], 'US$')} | ≤ {money(100, 'US$')} |" in text
    nps_label = catalogue.get("nps_post_delivery").label_es
    assert f"| {nps_label} | {round(nps['value'])} | ≥ 30 |" in text
    assert "€" not in text


def test_brief_shows_the_configured_currency(usd_store):
    result = cac_result(usd_store)
    text = brief.brief_markdown(usd_store, "es")
    cac_line = next(line for line in text.splitlines() if catalogue.get("cac").label_es in line)
    assert money(result.value, "US$") in cac_line and money(100, "US$") in cac_line
    assert "€" not in text


def test_brief_and_minutes_in_euros_are_unchanged(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EVA, meeting_date=date(2026, 3, 2))
    closed = meeting.close_meeting(store, EVA, meeting_id)
    cac = next(k for k in closed.kpi_snapshot["kpis"] if k["kpi_id"] == "cac")
    text = minutes.minutes_markdown(store, meeting_id, "es")
    assert f"| {money(cac['value'], '€')} | ≤ {money(cac['target'], '€')} |" in text
    assert "US$" not in text and "US$" not in brief.brief_markdown(store, "es")


def test_outcomes_page_shows_the_configured_currency(usd_store):
    today = usd_store.now().date()
    outcomes.create_outcome(
        usd_store,
        EVA,
        quarter=outcomes.quarter_label(today),
        title="Bajar el CAC",
        kpi_id="cac",
        target=1500,
        owner="Marta",
    )
    at = logged_in("viewer").run().switch_page("app_pages/outcomes.py").run()
    assert not at.exception, at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Objetivo"] == money(1500, "US$")
    assert shown["Actual"].endswith(" US$")


def test_sprint_widgets_show_the_configured_currency(usd_store):
    meeting_id, action = meeting_with_action(
        usd_store, EVA, date(2026, 3, 2), "Revisar la inversión por canal", kpi_id="cac"
    )
    reviewed = backlog.review_action(usd_store, EVA, action["id"], "done")
    start, review = reviewed["kpi_value_at_start"], reviewed["kpi_value_at_review"]
    at = logged_in("viewer").run().switch_page("app_pages/backlog.py").run()
    assert not at.exception, at.exception
    [loop] = [d.value for d in at.dataframe if "Al inicio" in d.value.columns]
    row = loop.iloc[0]
    change = review - start
    sign = "+" if change > 0 else "-"
    assert list(row[["Al inicio", "En la revisión", "Cambio"]]) == [
        money(start, "US$"),
        money(review, "US$"),
        sign + money(abs(change), "US$"),
    ]
