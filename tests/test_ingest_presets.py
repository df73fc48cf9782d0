"""Each preset on a small file with its CRM's default export columns."""

from datetime import datetime
from decimal import Decimal

import pytest

from kpi.access.roles import SYSTEM
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import load_preset, preset_names
from tests.ingest_support import rows

CASES = {
    "hubspot_contacts": (
        "Record ID,First Name,Last Name,Email,Create Date,Lifecycle Stage,Contact owner,"
        "Original Source,Became a Marketing Qualified Lead Date,"
        "Became a Sales Qualified Lead Date\n"
        "51,Ana,Gil,a@x.test,2024-05-02 09:15,Lead,Luis Pérez,Organic Search,"
        "2024-05-03 10:00,2024-05-10 12:00\n",
        "SELECT lead_id, created_at, channel, owner, mql_at, sql_at FROM leads",
        [
            (
                "51",
                datetime(2024, 5, 2, 9, 15),
                "organic",
                "Luis Pérez",
                datetime(2024, 5, 3, 10, 0),
                datetime(2024, 5, 10, 12, 0),
            )
        ],
    ),
    "hubspot_deals": (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Pipeline\n"
        "9001,Acme renewal,Closed Won,1500.00,2024-06-30 00:00,2024-05-01 08:00,Luis,Sales\n"
        "9002,Beta,Contract Sent,,2024-07-15 00:00,2024-05-05 08:00,Ana,Sales\n",
        "SELECT deal_id, stage, amount, created_at, owner FROM deals ORDER BY 1",
        [
            ("9001", "won", Decimal("1500.00"), datetime(2024, 5, 1, 8, 0), "Luis"),
            ("9002", "open", None, datetime(2024, 5, 5, 8, 0), "Ana"),
        ],
    ),
    "salesforce_leads": (
        "Lead Owner,First Name,Last Name,Title,Company / Account,Lead Source,Rating,"
        "Create Date,Lead Status,Lead ID\n"
        "Ana Ruiz,Pat,Lee,CEO,Acme,Web,Hot,14/05/2024,Open - Not Contacted,00Q5g00000AbCdE\n",
        "SELECT lead_id, channel, icp_tier, owner, created_at, mql_at FROM leads",
        [
            (
                "00Q5g00000AbCdE",
                "Web",
                "A",
                "Ana Ruiz",
                datetime(2024, 5, 14),
                datetime(2024, 5, 14),
            )
        ],
    ),
    "salesforce_opportunities": (
        "Opportunity Owner,Account Name,Opportunity Name,Stage,Fiscal Period,Amount,"
        "Probability (%),Age,Close Date,Created Date,Lead Source,Opportunity ID\n"
        'Ana Ruiz,Acme,Acme - 200 units,Negotiation/Review,Q2-2024,"USD 25,000.00",90,12,'
        "6/28/2024,6/14/2024,Partner Referral,0065g00000XyZaB\n"
        "Ana Ruiz,Beta,Beta deal,Closed Won,Q2-2024,USD 3.50,100,40,6/13/2024,5/2/2024,Web,"
        "0065g00000XyZaC\n",
        "SELECT deal_id, stage, amount, closed_at, channel FROM deals ORDER BY 1",
        [
            (
                "0065g00000XyZaB",
                "open",
                Decimal("25000.00"),
                datetime(2024, 6, 28),
                "Partner Referral",
            ),
            ("0065g00000XyZaC", "won", Decimal("3.50"), datetime(2024, 6, 13), "Web"),
        ],
    ),
    "pipedrive_deals": (
        "Deal - ID;Deal - Title;Deal - Value;Deal - Currency;Deal - Status;Deal - Owner;"
        "Deal - Deal created;Deal - Deal closed on\n"
        "12;Acme;2.400,50;EUR;Won;Marta;2024-03-01 10:00:00;2024-03-20 16:30:00\n"
        "13;Beta;0;EUR;Lost;Marta;2024-03-02 10:00:00;2024-03-25 09:00:00\n",
        "SELECT deal_id, stage, amount, owner, closed_at FROM deals ORDER BY 1",
        [
            ("12", "won", Decimal("2400.50"), "Marta", datetime(2024, 3, 20, 16, 30)),
            ("13", "lost", Decimal("0.00"), "Marta", datetime(2024, 3, 25, 9, 0)),
        ],
    ),
}


def test_every_preset_has_a_case():
    assert sorted(CASES) == preset_names()


@pytest.mark.parametrize("name", sorted(CASES))
def test_preset_imports_its_crm_export(tmp_path, name):
    text, sql, expected = CASES[name]
    src = tmp_path / f"{name}.csv"
    src.write_text(text, encoding="utf-8")
    mapping = load_preset(name)
    report = run_import(tmp_path / "f.duckdb", mapping.table, src, SYSTEM, mapping=mapping)
    assert report.rejections == []
    assert report.written
    assert rows(tmp_path / "f.duckdb", sql) == expected
