"""The catalogue declares the 16 KPIs of DESIGN §4 and the 2 of issue 17 once; the README's table is rendered from it."""

from pathlib import Path

from kpi.engine import catalogue as cat
from kpi.engine import formula
from kpi.engine.readme_table import kpi_table_markdown

ROOT = Path(__file__).resolve().parent.parent
DESIGN_IDS = [
    "mql_to_sql_rate",
    "lead_acceptance_rate",
    "icp_opportunity_share",
    "cost_per_opportunity",
    "lead_response_hours",
    "sla_response_compliance",
    "win_rate",
    "win_rate_icp",
    "sales_cycle_days",
    "margin_by_channel",
    "time_to_value_days",
    "nps_post_delivery",
    "rework_rate",
    "mql_to_won_rate",
    "cac",
    "revenue_per_sql",
    "lead_to_opportunity_rate",
    "cost_per_sql",
]
LOWER_IS_BETTER = {
    "cost_per_opportunity",
    "lead_response_hours",
    "sales_cycle_days",
    "time_to_value_days",
    "rework_rate",
    "cac",
    "cost_per_sql",
}


def test_all_eighteen_kpis_in_design_order():
    assert [k.id for k in cat.CATALOGUE] == DESIGN_IDS


def test_each_entry_is_complete():
    for kpi in cat.CATALOGUE:
        assert kpi.area in cat.AREAS
        assert kpi.unit in cat.UNITS and kpi.kind in cat.KINDS
        assert kpi.anchor in formula.ANCHORS
        assert set(kpi.breakdowns) <= set(cat.DIMENSIONS)
        assert kpi.min_sample > 0 and kpi.tolerance >= 0
        assert (kpi.direction < 0) == (kpi.id in LOWER_IS_BETTER)
        for text in (kpi.label_es, kpi.label_en, kpi.definition_es, kpi.definition_en):
            assert text.strip()
        # One sentence each.
        assert kpi.definition_es.count(". ") == 0 and kpi.definition_es.endswith(".")
        assert kpi.definition_en.count(". ") == 0 and kpi.definition_en.endswith(".")
        if kpi.kind == "rate":
            assert kpi.success and 0 <= kpi.target <= 1
        if kpi.kind == "median":
            assert kpi.duration


def test_catalogue_is_frozen():
    kpi = cat.get("win_rate")
    try:
        kpi.target = 0.9
    except AttributeError:
        return
    raise AssertionError("catalogue entries must be immutable")


def test_format_value_per_unit():
    assert cat.format_value(cat.get("win_rate"), 0.22, "es") == "22,0 %"
    assert cat.format_value(cat.get("win_rate"), 0.22, "en") == "22.0%"
    assert cat.format_value(cat.get("lead_response_hours"), 18.24, "es") == "18,2 h"
    assert cat.format_value(cat.get("cac"), 1234.4, "es") == "1.234 €"
    assert cat.format_value(cat.get("cac"), None, "es") == "—"
    assert cat.format_delta(cat.get("win_rate"), -0.025, "es") == "-2,5 p. p."
    assert cat.format_delta(cat.get("sales_cycle_days"), 3.0, "en") == "+3.0 d"


def test_readme_contains_the_rendered_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- kpi-table:start -->\n", "<!-- kpi-table:end -->"
    assert start in readme and end in readme
    table = readme.split(start, 1)[1].split(end, 1)[0]
    assert table == kpi_table_markdown()
