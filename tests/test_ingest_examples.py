"""The example mappings on small files shaped like real public exports, damage included."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from kpi.access.roles import SYSTEM
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import load_mapping
from tests.ingest_support import rows

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "examples" / "mappings"

MQLS = """mql_id,first_contact_date,landing_page_id,origin
dac32acd4db4c29c230538b72f8dd87d,01-02-2018,88740e65d5d6b056e0cda098e1ea6313,social
8c18d1de7f67e60dbd64e3c07d7e9d5d,14-02-2018,88740e65d5d6b056e0cda098e1ea6313,paid_search
b4bc852d233dfefc5131f593b538befa,20-03-2018,e492ee5eaf1697716985cc6f33f9cd9b,unknown
ea8ae5b8b3b4b0a0cc4d0a41e5ee6d38,21-03-2018,e492ee5eaf1697716985cc6f33f9cd9b,
"""

CLOSED = """mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,lead_behaviour_profile,has_company,has_gtin,average_stock,business_type,declared_product_catalog_size,declared_monthly_revenue
dac32acd4db4c29c230538b72f8dd87d,2c43fb513632d29b3b58df74816f1b06,a8387c01a09e99ce014107505b92388c,4ef15afb4b2723d8f3d81e51ec7afefe,26-02-2018 19:58:54,pet,online_medium,cat,,,5-20,reseller,,0.0
8c18d1de7f67e60dbd64e3c07d7e9d5d,612170e34b97004b3ba37eae81836b4c,09285259593c61296eef10c734121d5b,d3d1e91a157ea7f90548eef82f1955e3,01-03-2018 10:00:00,car_accessories,industry,eagle,,,May-20,reseller,,150000.0
b4bc852d233dfefc5131f593b538befa,21e1781e36faf92725dde4730a88ca0f,b90f87164b5f8c2cfa5c8572834dbe3f,6565aa9ce3178a5caf6171827af3a9ba,05-04-2018 11:30:00,home_decor,online_big,,,,01-May,manufacturer,,01-May
ffffffffffffffffffffffffffffffff,ed8cb7b190ceb6067227478e48cf8dde,4b339f9567d060bcea4f5136b9f5949e,d3d1e91a157ea7f90548eef82f1955e3,09-04-2018 09:00:00,health_beauty,offline,,,,,,,1000.5
"""

PIPELINE = """opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,20-10-16,01-03-17,1054
Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,25-10-16,11-03-17,4514
EC4QE1BX,Darcel Schlecht,MG Special,,Lost,25-10-16,07-03-17,0
MV1LWRNH,Moses Frase,GTX Basic,Codehow,Engaging,25-10-16,,
PE84CX4O,Zane Levy,GTX Basic,,Prospecting,,,
ZNBS69V1,Anna Snelling,MG Special,Ron-tech,Won,25-10-16,13-03-17,01-May
LSEOQ4XB,Anna Snelling,GTX Plus Basic,Cancity,Negotiating,26-10-16,,
"""


def test_marketing_funnel_mqls_and_closed_deals(tmp_path):
    db = tmp_path / "f.duckdb"
    (tmp_path / "mql.csv").write_text(MQLS, encoding="utf-8")
    (tmp_path / "closed.csv").write_text(CLOSED, encoding="utf-8")
    leads = load_mapping(MAPPINGS / "olist_marketing_qualified_leads.toml", table="leads")
    deals = load_mapping(MAPPINGS / "olist_closed_deals.toml", table="deals")

    report = run_import(db, "leads", tmp_path / "mql.csv", SYSTEM, mapping=leads)
    assert (report.rows_read, report.inserted, report.rejected_rows) == (4, 4, 0)
    assert rows(db, "SELECT lead_id, mql_at, channel FROM leads ORDER BY mql_at") == [
        ("dac32acd4db4c29c230538b72f8dd87d", datetime(2018, 2, 1), "social"),
        ("8c18d1de7f67e60dbd64e3c07d7e9d5d", datetime(2018, 2, 14), "paid_search"),
        ("b4bc852d233dfefc5131f593b538befa", datetime(2018, 3, 20), None),
        ("ea8ae5b8b3b4b0a0cc4d0a41e5ee6d38", datetime(2018, 3, 21), None),
    ]

    blocked = run_import(db, "deals", tmp_path / "closed.csv", SYSTEM, mapping=deals)
    assert not blocked.written and blocked.exit_code == 2
    assert [(r.line, r.column, r.value, r.reason) for r in blocked.rejections] == [
        (4, "declared_monthly_revenue", "01-May", "spreadsheet_damage")
    ]
    report = run_import(
        db, "deals", tmp_path / "closed.csv", SYSTEM, mapping=deals, accept_valid=True
    )
    assert (report.inserted, report.rejected_rows, report.created_at_inferred) == (3, 1, 2)
    assert report.unknown_leads == 1
    assert rows(
        db, "SELECT stage, closed_at, created_at, created_at_inferred FROM deals ORDER BY closed_at"
    ) == [
        ("won", datetime(2018, 2, 26, 19, 58, 54), datetime(2018, 2, 1), True),
        ("won", datetime(2018, 3, 1, 10, 0), datetime(2018, 2, 14), True),
        ("won", datetime(2018, 4, 9, 9, 0), None, False),
    ]
    assert rows(db, "SELECT channel, amount FROM deals ORDER BY closed_at") == [
        ("social", Decimal("0.00")),
        ("paid_search", Decimal("150000.00")),
        (None, Decimal("1000.50")),
    ]
    again = run_import(
        db, "deals", tmp_path / "closed.csv", SYSTEM, mapping=deals, accept_valid=True
    )
    assert (again.inserted, again.updated, again.unchanged, again.rejected_rows) == (0, 0, 3, 1)


def test_opportunities_pipeline(tmp_path):
    db = tmp_path / "f.duckdb"
    (tmp_path / "pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    mapping = load_mapping(MAPPINGS / "crm_sales_pipeline.toml", table="deals")
    report = run_import(
        db, "deals", tmp_path / "pipeline.csv", SYSTEM, mapping=mapping, accept_valid=True
    )
    assert [(r.line, r.column, r.value, r.reason) for r in report.rejections] == [
        (7, "close_value", "01-May", "spreadsheet_damage"),
        (8, "deal_stage", "Negotiating", "bad_stage"),
    ]
    assert (report.rows_read, report.inserted) == (7, 5)
    assert rows(
        db, "SELECT deal_id, stage, created_at, closed_at, amount FROM deals ORDER BY 1"
    ) == [
        ("1C1I7A6R", "won", datetime(2016, 10, 20), datetime(2017, 3, 1), Decimal("1054.00")),
        ("EC4QE1BX", "lost", datetime(2016, 10, 25), datetime(2017, 3, 7), Decimal("0.00")),
        ("MV1LWRNH", "open", datetime(2016, 10, 25), None, None),
        ("PE84CX4O", "open", None, None, None),
        ("Z063OYW0", "won", datetime(2016, 10, 25), datetime(2017, 3, 11), Decimal("4514.00")),
    ]
    assert rows(db, "SELECT DISTINCT channel FROM deals") == [("outbound",)]
    again = run_import(
        db, "deals", tmp_path / "pipeline.csv", SYSTEM, mapping=mapping, accept_valid=True
    )
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
