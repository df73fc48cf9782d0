"""The engine's manifest: every catalogue fragment compiles in the statement the engine builds for
it, on a real DuckDB facts file, and every key the catalogue declares agrees with its readers."""

from dataclasses import replace
from datetime import date

import duckdb
import pytest
from support import ROOT

from kpi.engine import catalogue as cat
from kpi.engine import drill, formula, sql
from kpi.engine.compute import Filters, kpi_rows
from kpi.engine.display import UNIT_LABELS
from kpi.engine.periods import CUSTOM, PERIOD_KINDS, period_containing, period_grid
from kpi.engine.results import Query
from kpi.i18n import CATALOGUE
from kpi.store.database import open_store

AS_OF = date(2025, 3, 14)


@pytest.fixture
def facts(tmp_path):
    """A facts file with the real schema (no rows: EXPLAIN binds and plans, it reads nothing)."""
    store = open_store(tmp_path / "facts.duckdb")
    yield store
    store.close()


def _query(filters: Filters | None = None) -> Query:
    filters = filters or Filters()
    current = period_containing("quincena", AS_OF, AS_OF)
    return Query(tuple(period_grid("quincena", current, AS_OF)), AS_OF, 30, 24.0, filters)


def _explain(store, statement: str, values: dict) -> None:
    store.facts().execute(f"EXPLAIN {statement}", sql.bind(statement, values)).fetchall()


def _explain_kpi(store, kpi: cat.Kpi, query: Query) -> None:
    """The engine's statement for this KPI alone: its fragments, anchor bounds and counters."""
    statement = sql.source_sql(kpi.source, [kpi], len(query.periods))
    _explain(store, statement.sql, sql.base_values(query))


@pytest.mark.parametrize("kpi_id", list(cat.BY_ID))
def test_every_fragment_compiles_in_the_statement_the_engine_builds(facts, kpi_id):
    kpi = cat.get(kpi_id)
    for filters in (Filters(), Filters("web", "A", "ana")):
        _explain_kpi(facts, kpi, _query(filters))
    # The drill-down statements run (no rows to read), with the same fragments.
    rows = kpi_rows(facts, kpi_id, date(2025, 3, 1), date(2025, 3, 14), as_of=AS_OF)
    assert len(rows.numerator) == len(rows.denominator) == 0


def test_the_spend_statement_compiles(facts):
    query = _query()
    values = sql.base_values(query)
    _explain(facts, sql.spend_sql(len(query.periods)), sql.spend_values(query, values))
    _explain(facts, drill.SPEND_ROWS, {**values, "s": AS_OF, "e": AS_OF})


@pytest.mark.parametrize(
    "field, broken",
    [
        ("success", "sql_att >= mql_eff"),
        ("eligible", "stage = 'won' AND"),
        ("duration", "date_diff('second', created_eff)"),
    ],
)
def test_a_broken_fragment_fails_the_manifest(facts, field, broken):
    kpi = {"success": "mql_to_sql_rate", "eligible": "win_rate", "duration": "sales_cycle_days"}
    with pytest.raises(duckdb.Error):
        _explain_kpi(facts, replace(cat.get(kpi[field]), **{field: broken}), _query())


def _keys(prefix: str) -> set[str]:
    return {key.removeprefix(prefix) for key in CATALOGUE if key.startswith(prefix)}


def test_anchors_agree_with_the_kpis_counters_and_views():
    used = {kpi.anchor for kpi in cat.CATALOGUE}
    used |= {anchor for anchor, _condition in formula.QUALITY.values()}
    used |= {anchor for anchor, _expr, _condition in formula.VOLUMES.values()}
    assert used == set(formula.ANCHORS)
    assert {anchor.relation for anchor in formula.ANCHORS.values()} == set(sql.VIEWS)


def test_quality_counters_agree_with_their_strings():
    per_kpi = {name for kpi in cat.CATALOGUE for name, _condition in kpi.quality}
    assert per_kpi | set(formula.QUALITY) == _keys("kpi.quality.")
    # Each scorecard counter is one of the conditions the KPIs declare, never a copy of one.
    conditions = {condition for kpi in cat.CATALOGUE for _name, condition in kpi.quality}
    assert {condition for _anchor, condition in formula.QUALITY.values()} <= conditions


def test_volumes_dimensions_periods_statuses_and_units_agree_with_their_strings():
    assert set(formula.VOLUMES) == _keys("kpi.volume.")
    assert set(cat.DIMENSIONS) == set(sql.DIMENSION_COLUMNS)
    assert set(cat.DIMENSIONS) == _keys("kpi.dim.")
    assert {*PERIOD_KINDS, CUSTOM} == _keys("kpi.period.")
    assert {"green", "amber", "red", "grey"} == _keys("kpi.status.")
    assert set(UNIT_LABELS) | {"currency"} == set(cat.UNITS)
    assert {kpi.kind for kpi in cat.CATALOGUE} == set(cat.KINDS)


def test_the_readme_table_lists_the_catalogue_ids_in_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- kpi-table:start -->", 1)[1].split("<!-- kpi-table:end -->", 1)[0]
    ids = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert ids == [kpi.id for kpi in cat.CATALOGUE]
