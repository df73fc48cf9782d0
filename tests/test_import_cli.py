"""`python -m kpi import`: exit codes, one-line errors, report formats, presets and mappings."""

import csv
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from kpi.cli.main import main
from tests.ingest_support import rows, write

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args):
    code = main(["import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_success_prints_the_counts(tmp_path, capsys):
    src = write(tmp_path / "l.csv", "lead_id,channel\nL1,web\nL2,ads\n")
    code, out, _ = run(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--lang", "en")
    assert code == 0
    assert "Leads: 2 rows read, 2 inserted, 0 updated, 0 unchanged, 0 rejected." in out
    assert rows(tmp_path / "f.duckdb", "SELECT count(*) FROM leads") == [(2,)]


def test_rejections_exit_2_and_list_line_column_value_reason(tmp_path, capsys):
    src = write(tmp_path / "l.csv", "lead_id,icp_tier\nL1,A\nL2,Q\n")
    code, out, _ = run(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--lang", "en")
    assert code == 2
    assert "line 3, column 'icp_tier', value 'Q': unknown ICP tier" in out
    assert "Nothing was written" in out
    assert rows(tmp_path / "f.duckdb", "SELECT count(*) FROM leads") == [(0,)]
    code, out, _ = run(
        capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--accept-valid", "--lang", "en"
    )
    assert code == 0
    assert rows(tmp_path / "f.duckdb", "SELECT lead_id FROM leads") == [("L1",)]


def test_unreadable_input_exits_1_with_one_line(tmp_path, capsys):
    code, out, err = run(capsys, "leads", tmp_path / "nope.csv", "--db", tmp_path / "f.duckdb")
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "nope.csv" in err


def test_bad_mapping_exits_1(tmp_path, capsys):
    src = write(tmp_path / "l.csv", "lead_id\nL1\n")
    mapping = write(tmp_path / "m.toml", 'table = "leads"\n[columns]\nlead_id = "ID"\n')
    code, _, err = run(
        capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--mapping", mapping, "--lang", "en"
    )
    assert code == 1
    assert "Column 'ID' (for lead_id) is not in the file" in err
    broken = write(tmp_path / "b.toml", "table = \n")
    code, _, err = run(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--mapping", broken)
    assert code == 1 and err.startswith("error: ")


def test_json_report_and_rejects_csv(tmp_path, capsys):
    src = write(tmp_path / "l.csv", "lead_id,created_at\nL1,2024-01-05\nL2,=cmd()\nL3,yesterday\n")
    rejects = tmp_path / "rejects.csv"
    code, out, _ = run(
        capsys,
        "leads",
        src,
        "--db",
        tmp_path / "f.duckdb",
        "--format",
        "json",
        "--rejects",
        rejects,
        "--dry-run",
    )
    assert code == 2
    report = json.loads(out)
    assert (report["rows_read"], report["inserted"], report["rejected_rows"]) == (3, 1, 2)
    assert [(r["line"], r["column"], r["value"], r["reason"]) for r in report["rejections"]] == [
        (3, "created_at", "=cmd()", "bad_date"),
        (4, "created_at", "yesterday", "bad_date"),
    ]
    with rejects.open(encoding="utf-8") as handle:
        listed = list(csv.DictReader(handle))
    assert [(r["line"], r["value"]) for r in listed] == [("3", "'=cmd()"), ("4", "yesterday")]


def test_preset_maps_a_hubspot_contacts_export(tmp_path, capsys):
    src = write(
        tmp_path / "hubspot.csv",
        "Record ID,First Name,Create Date,Original Source,Contact owner,"
        "Became a Marketing Qualified Lead Date,Ideal Customer Profile Tier\n"
        "101,Ana,2024-03-01 09:00,Paid Search,Luis,2024-03-02 10:00,Tier 1\n"
        "102,Bea,2024-03-04 11:30,Organic Search,Luis,,Tier 3\n",
    )
    code, out, _ = run(
        capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--preset", "hubspot_contacts"
    )
    assert code == 0, out
    assert rows(
        tmp_path / "f.duckdb",
        "SELECT lead_id, channel, icp_tier, owner, mql_at FROM leads ORDER BY 1",
    ) == [
        ("101", "paid_search", "A", "Luis", datetime(2024, 3, 2, 10, 0)),
        ("102", "organic", "C", "Luis", None),
    ]


def test_preset_of_another_table_is_refused(tmp_path, capsys):
    src = write(tmp_path / "l.csv", "Record ID\n1\n")
    code, _, err = run(
        capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--preset", "hubspot_deals"
    )
    assert code == 1 and "deals" in err


def test_unknown_actor_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BRUJULA_AUTH", str(tmp_path / "auth.yaml"))
    src = write(tmp_path / "l.csv", "lead_id\nL1\n")
    code, _, err = run(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--actor", "mallory")
    assert code == 1 and "mallory" in err


@pytest.mark.parametrize("lang", ["es", "en"])
def test_subprocess_has_no_traceback(tmp_path, lang):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kpi",
            "import",
            "deals",
            str(tmp_path / "x.csv"),
            "--db",
            str(tmp_path / "f.duckdb"),
            "--lang",
            lang,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
