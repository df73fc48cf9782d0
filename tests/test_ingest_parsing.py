"""Import parsing: encodings, delimiters, decimal marks, currencies, dates, booleans, damage."""

from datetime import datetime
from decimal import Decimal

import pytest

from kpi.access.roles import SYSTEM
from kpi.ingest.headers import detect_columns
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import IngestError, Mapping, mapping_from_dict
from tests.ingest_support import rows, write


def leads_mapping(**columns):
    return Mapping("leads", columns={k: [v] for k, v in columns.items()})


def test_utf8_bom_and_spanish_headers_are_detected(tmp_path):
    src = write(
        tmp_path / "bom.csv",
        "\ufeffID del lead,Fecha de creación,Canal,Propietario\nL1,2024-03-15,web,Núria\n",
    )
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert report.columns == {
        "lead_id": "ID del lead",
        "created_at": "Fecha de creación",
        "channel": "Canal",
        "owner": "Propietario",
    }
    assert report.inserted == 1
    assert rows(tmp_path / "f.duckdb", "SELECT lead_id, created_at, channel, owner FROM leads") == [
        ("L1", datetime(2024, 3, 15), "web", "Núria")
    ]


def test_latin1_file_keeps_accents(tmp_path):
    src = write(
        tmp_path / "latin.csv",
        "lead_id;Data de criação;owner\nL1;15/03/2024;José\nL2;16/03/2024;Begoña\n",
        encoding="latin-1",
    )
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert report.columns["created_at"] == "Data de criação"
    assert rows(tmp_path / "f.duckdb", "SELECT owner FROM leads ORDER BY lead_id") == [
        ("José",),
        ("Begoña",),
    ]


def test_header_synonyms_in_three_languages():
    assert detect_columns("leads", ["Create Date"])["created_at"] == ["Create Date"]
    assert detect_columns("leads", ["Fecha de creación"])["created_at"] == ["Fecha de creación"]
    assert detect_columns("leads", ["Data de criação"])["created_at"] == ["Data de criação"]
    found = detect_columns("deals", ["Valor", "Etapa", "ID Oportunidad", "Fecha de cierre"])
    assert found == {
        "deal_id": ["ID Oportunidad"],
        "stage": ["Etapa"],
        "closed_at": ["Fecha de cierre"],
        "amount": ["Valor"],
    }


DEALS = {"deal_id": ["id"], "stage": ["stage"], "amount": ["amount"]}


def test_semicolon_decimal_comma_and_currency_symbols(tmp_path):
    src = write(
        tmp_path / "eu.csv",
        "id;stage;amount\nD1;won;R$ 1.000,50\nD2;won;€1.234,5\nD3;won;2.000\nD4;won;12,75 €\nD5;won;\n",
    )
    report = run_import(
        tmp_path / "f.duckdb", "deals", src, SYSTEM, mapping=Mapping("deals", DEALS)
    )
    assert report.decimal == ","
    assert report.rejected_rows == 0
    assert rows(tmp_path / "f.duckdb", "SELECT deal_id, amount FROM deals ORDER BY 1") == [
        ("D1", Decimal("1000.50")),
        ("D2", Decimal("1234.50")),
        ("D3", Decimal("2000.00")),
        ("D4", Decimal("12.75")),
        ("D5", None),
    ]


def test_comma_file_with_decimal_point_and_thousands_commas(tmp_path):
    src = write(tmp_path / "us.csv", 'id,stage,amount\nD1,won,"€1,000.50"\nD2,lost,$250.5\n')
    run_import(tmp_path / "f.duckdb", "deals", src, SYSTEM, mapping=Mapping("deals", DEALS))
    assert rows(tmp_path / "f.duckdb", "SELECT amount FROM deals ORDER BY deal_id") == [
        (Decimal("1000.50"),),
        (Decimal("250.50"),),
    ]


def test_tab_delimited(tmp_path):
    src = write(tmp_path / "tab.tsv", "lead_id\tchannel\nL1\tweb\nL2\tads\n")
    run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert rows(tmp_path / "f.duckdb", "SELECT lead_id, channel FROM leads ORDER BY 1") == [
        ("L1", "web"),
        ("L2", "ads"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15", datetime(2024, 3, 15)),
        ("2024-03-15 14:30:00", datetime(2024, 3, 15, 14, 30)),
        ("2024-03-15T14:30:00", datetime(2024, 3, 15, 14, 30)),
        ("15/03/2024", datetime(2024, 3, 15)),
        ("15/03/2024 14:30", datetime(2024, 3, 15, 14, 30)),
        ("15-03-2024", datetime(2024, 3, 15)),
        ("15-03-24", datetime(2024, 3, 15)),
        ("15-03-24 09:05:07", datetime(2024, 3, 15, 9, 5, 7)),
        ("03/15/2024", datetime(2024, 3, 15)),
        ("3/15/2024 2:30 PM", datetime(2024, 3, 15, 14, 30)),
        ("45366", datetime(2024, 3, 15)),
        ("45366.5", datetime(2024, 3, 15, 12, 0)),
    ],
)
def test_each_date_format(tmp_path, text, expected):
    src = write(tmp_path / "d.csv", f'lead_id,created_at\nL1,"{text}"\n')
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert report.rejected_rows == 0
    assert rows(tmp_path / "f.duckdb", "SELECT created_at FROM leads") == [(expected,)]


def test_ambiguous_day_month_asks_for_date_format(tmp_path):
    src = write(tmp_path / "d.csv", "lead_id,created_at\nL1,05/03/2024\nL2,04/02/2024\n")
    with pytest.raises(IngestError) as err:
        run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert err.value.code == "ambiguous_dates"
    mapping = mapping_from_dict(
        {
            "table": "leads",
            "source": {"date_format": "%d/%m/%Y"},
            "columns": {"created_at": "created_at", "lead_id": "lead_id"},
        }
    )
    run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, mapping=mapping)
    assert rows(tmp_path / "f.duckdb", "SELECT created_at FROM leads ORDER BY 1") == [
        (datetime(2024, 2, 4),),
        (datetime(2024, 3, 5),),
    ]


def test_one_unambiguous_date_settles_the_whole_file(tmp_path):
    src = write(
        tmp_path / "d.csv", "lead_id,created_at,mql_at\nL1,05/03/2024,\nL2,04/02/2024,25/02/2024\n"
    )
    run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert rows(tmp_path / "f.duckdb", "SELECT created_at FROM leads ORDER BY lead_id") == [
        (datetime(2024, 3, 5),),
        (datetime(2024, 2, 4),),
    ]


def test_day_first_and_month_first_in_one_file_is_an_error(tmp_path):
    src = write(tmp_path / "d.csv", "lead_id,created_at\nL1,15/03/2024\nL2,03/16/2024\n")
    with pytest.raises(IngestError) as err:
        run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert err.value.code == "mixed_dates"


def test_booleans_and_empty_strings(tmp_path):
    src = write(
        tmp_path / "b.csv",
        "id,stage,reworked,channel\nD1,won,TRUE,\nD2,won,sí,web\nD3,won,0,\nD4,won,no,\nD5,won,,\nD6,won,maybe,\n",
    )
    mapping = Mapping(
        "deals",
        {"deal_id": ["id"], "stage": ["stage"], "reworked": ["reworked"], "channel": ["channel"]},
    )
    report = run_import(
        tmp_path / "f.duckdb", "deals", src, SYSTEM, mapping=mapping, accept_valid=True
    )
    assert [(r.line, r.column, r.value, r.reason) for r in report.rejections] == [
        (7, "reworked", "maybe", "bad_bool")
    ]
    assert rows(
        tmp_path / "f.duckdb", "SELECT deal_id, reworked, channel FROM deals ORDER BY 1"
    ) == [
        ("D1", True, None),
        ("D2", True, "web"),
        ("D3", False, None),
        ("D4", False, None),
        ("D5", None, None),
    ]


def test_spreadsheet_damage_is_rejected_with_its_line(tmp_path):
    src = write(
        tmp_path / "m.csv",
        "id,stage,amount,nps,range\nD1,won,100,9,1-5\nD2,won,01-May,8,5-20\nD3,won,300,May-20,May-20\nD4,won,400,10,20-50\n",
    )
    mapping = Mapping(
        "deals",
        {
            "deal_id": ["id"],
            "stage": ["stage"],
            "amount": ["amount"],
            "nps_score": ["nps"],
            "owner": ["range"],
        },
    )
    report = run_import(tmp_path / "f.duckdb", "deals", src, SYSTEM, mapping=mapping)
    assert [(r.line, r.column, r.value, r.reason) for r in report.rejections] == [
        (3, "amount", "01-May", "spreadsheet_damage"),
        (4, "nps", "May-20", "spreadsheet_damage"),
        (4, "range", "May-20", "spreadsheet_damage"),
    ]
    assert report.rejected_rows == 2
    assert not report.written
    assert rows(tmp_path / "f.duckdb", "SELECT count(*) FROM deals") == [(0,)]


def test_xlsx_with_real_dates_and_numbers(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Opportunity ID", "Stage", "Close Date", "Amount"])
    sheet.append(["O1", "Closed Won", datetime(2024, 3, 15, 10, 0), 1234.5])
    sheet.append(["O2", "Closed Lost", "16/03/2024", 99])
    book.save(tmp_path / "opps.xlsx")
    report = run_import(
        tmp_path / "f.duckdb",
        "deals",
        tmp_path / "opps.xlsx",
        SYSTEM,
        mapping=mapping_from_dict(
            {
                "table": "deals",
                "columns": {
                    "deal_id": "Opportunity ID",
                    "stage": "Stage",
                    "closed_at": "Close Date",
                    "amount": "Amount",
                },
            }
        ),
    )
    assert report.rejected_rows == 0
    assert rows(
        tmp_path / "f.duckdb", "SELECT deal_id, stage, closed_at, amount FROM deals ORDER BY 1"
    ) == [
        ("O1", "won", datetime(2024, 3, 15, 10, 0), Decimal("1234.50")),
        ("O2", "lost", datetime(2024, 3, 16), Decimal("99.00")),
    ]


def test_malformed_row_is_rejected_and_later_lines_keep_their_numbers(tmp_path):
    src = write(tmp_path / "x.csv", "lead_id,channel\nL1,web\nL2,web,extra\nL3,ads\nL4,ZZ,more\n")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    assert [(r.line, r.reason) for r in report.rejections] == [(3, "malformed"), (5, "malformed")]
    assert report.rows_read == 4
    assert rows(tmp_path / "f.duckdb", "SELECT lead_id FROM leads ORDER BY 1") == [("L1",), ("L3",)]


@pytest.mark.parametrize(
    ("content", "code"),
    [(None, "not_found"), (b"", "empty"), (b"\x00\x01\x02binary\x00", "binary")],
)
def test_unreadable_input(tmp_path, content, code):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(IngestError) as err:
        run_import(tmp_path / "f.duckdb", "leads", path, SYSTEM)
    assert err.value.code == code


def test_ids_in_scientific_notation_are_damage(tmp_path):
    src = write(tmp_path / "s.csv", "lead_id,channel\n1.23457E+11,web\nL2,web\n")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert [(r.line, r.reason) for r in report.rejections] == [(2, "scientific")]


def test_value_maps_and_constants(tmp_path):
    src = write(
        tmp_path / "v.csv",
        "id,estado,nivel\nD1,Ganado,Tier 1\nD2,Perdido,tier 3\nD3,En negociación,\n",
    )
    mapping = mapping_from_dict(
        {
            "table": "deals",
            "columns": {"deal_id": "id", "stage": "estado", "icp_tier": "nivel"},
            "constants": {"channel": "partners"},
            "values": {"stage": {"En negociación": "open"}, "icp_tier": {"Tier 1": "A"}},
        }
    )
    report = run_import(tmp_path / "f.duckdb", "deals", src, SYSTEM, mapping=mapping)
    assert report.rejected_rows == 0
    assert rows(
        tmp_path / "f.duckdb", "SELECT deal_id, stage, icp_tier, channel FROM deals ORDER BY 1"
    ) == [
        ("D1", "won", "A", "partners"),
        ("D2", "lost", "C", "partners"),
        ("D3", "open", None, "partners"),
    ]


def test_blank_lines_and_consecutive_bad_rows_keep_line_numbers(tmp_path):
    src = write(tmp_path / "b.csv", "lead_id,icp_tier\nL1,A\n\nL2,x,y\nL3,q,r\n\n\nL4,Z\nL5,B\n")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    assert [(r.line, r.reason) for r in report.rejections] == [
        (4, "malformed"),
        (5, "malformed"),
        (8, "bad_tier"),
    ]
    assert rows(tmp_path / "f.duckdb", "SELECT lead_id, icp_tier FROM leads ORDER BY 1") == [
        ("L1", "A"),
        ("L5", "B"),
    ]


def test_a_report_footer_is_noted_not_rejected(tmp_path):
    src = write(
        tmp_path / "sf.csv",
        '"Opportunity ID","Stage","Amount"\n"O1","Closed Won","100"\n\n'
        '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
        '"Generated By:  Ana  22/11/2026 10:00"\n',
    )
    from kpi.ingest.mapping import load_preset

    report = run_import(
        tmp_path / "f.duckdb",
        "deals",
        src,
        SYSTEM,
        mapping=load_preset("salesforce_opportunities", "deals"),
    )
    assert (report.inserted, report.rejected_rows, report.footer_lines) == (1, 0, 2)
    assert rows(tmp_path / "f.duckdb", "SELECT deal_id, stage, amount FROM deals") == [
        ("O1", "won", Decimal("100.00"))
    ]
