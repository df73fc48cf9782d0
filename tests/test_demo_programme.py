"""The demo's programme story (issue 17): measured straight from the facts, before vs after."""

from datetime import date

import duckdb
import pytest
from support import demo_file

from kpi.cockpit.programme_report import report_markdown
from kpi.ingest.demo import create_demo_programme
from kpi.ingest.demo_model import timeline_for
from kpi.programme import baselines, report
from kpi.store.database import open_store

TODAY = date(2026, 11, 1)
# Four months back, on the first: the baseline is the half year before it.
START = date(2026, 7, 1)
BASELINE = "mql_at >= TIMESTAMP '2026-01-01' AND mql_at < TIMESTAMP '2026-07-01'"
# The last whole month: the programme has worked fully since late September.
AFTER = "mql_at >= TIMESTAMP '2026-10-01' AND mql_at < TIMESTAMP '2026-11-01'"


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    return demo_file(tmp_path_factory, leads=20_000, seed=42, today=TODAY)


@pytest.fixture
def facts(story):
    connection = duckdb.connect(str(story), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str) -> float:
    return float(con.execute(sql).fetchone()[0])


def test_the_programme_starts_on_the_first_four_months_back():
    assert timeline_for(TODAY).programme_start == START
    assert timeline_for(date(2026, 12, 3)).programme_start == date(2026, 8, 1)


def test_acceptance_rises_by_a_fifth(facts):
    acceptance = (
        "SELECT count(accepted_at) / (count(accepted_at) + count(rejected_at)) FROM leads WHERE "
    )
    before, after = one(facts, acceptance + BASELINE), one(facts, acceptance + AFTER)
    assert 0.65 < before < 0.8
    assert after > 1.15 * before


def test_first_responses_are_faster_and_mostly_within_the_sla(facts):
    response = """SELECT median(date_diff('second', mql_at, first_response_at) / 3600),
        avg((first_response_at <= mql_at + INTERVAL 24 HOUR)::INT)
        FROM leads WHERE mql_at IS NOT NULL AND """
    before_hours, before_within = facts.execute(response + BASELINE).fetchone()
    after_hours, after_within = facts.execute(response + AFTER).fetchone()
    assert after_hours < 0.6 * before_hours
    assert after_within > before_within + 0.2


def test_won_deals_close_a_little_sooner(facts):
    cycle = """SELECT median(date_diff('second', created_at, closed_at) / 86400) FROM deals
        WHERE stage = 'won' AND """
    before = one(facts, cycle + "closed_at >= '2026-01-01' AND closed_at < '2026-07-01'")
    after = one(facts, cycle + "closed_at >= '2026-10-01' AND closed_at < '2026-11-01'")
    assert 0.75 * before < after < 0.95 * before


def test_the_demo_programme_tells_the_story_in_its_report(story, tmp_path):
    """Created as the demo command does, on a copy of the facts (the story's own file stays
    read-only for the other tests); its cost is 60,000 € × 20,000 / 25,000 = 48,000 €."""
    path = tmp_path / "with_programme.duckdb"
    path.write_bytes(story.read_bytes())
    programme = create_demo_programme(path, leads=20_000, today=TODAY)
    assert (programme.start, programme.cost) == (START, 48_000.0)
    store = open_store(path)
    assert [b.version for b in baselines(store, programme.id)] == [1]
    metrics = {m["id"]: m for m in report(store, as_of=date(2026, 10, 31))["metrics"]}
    assert metrics["acceptance"]["status"] == "reached"
    assert metrics["response_time"]["status"] == "reached"
    assert metrics["sla_compliance"]["change_abs"] > 0.2
    assert metrics["sales_cycle"]["change_rel"] < 0
    # Frozen by the demo itself: the report names Brújula, not the internal "system" account.
    markdown = report_markdown(report(store, as_of=date(2026, 10, 31)), "es")
    assert r"por Brújula \(automático\)" in markdown and "system" not in markdown
