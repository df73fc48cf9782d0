"""`python -m kpi scorecard`: JSON contract, and three KPIs recomputed in plain Python from the rows."""

import csv
import io
import json
import statistics
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from support import ROOT

from kpi.cli.main import main
from kpi.engine.catalogue import CATALOGUE
from kpi.store.database import rewrite_facts

START, END = datetime(2025, 1, 1), datetime(2025, 3, 31)

# The window every JSON test asks for: the first quarter of 2025, seen from the year's end.
FIRST_QUARTER = ("--from", "2025-01-01", "--to", "2025-03-31", "--as-of", "2025-12-31")


def make_rows():
    """120 leads and 60 deals with varied but deterministic dates."""
    leads, deals = [], []
    base = datetime(2024, 12, 1)
    for i in range(120):
        mql = base + timedelta(days=i, hours=i % 7)
        sql = mql + timedelta(days=(i * 5) % 40) if i % 3 else None
        response = mql + timedelta(hours=(i * 7) % 50) if i % 4 else None
        leads.append(
            {
                "lead_id": f"L{i}",
                "created_at": mql,
                "channel": ("web", "ads", "events")[i % 3],
                "icp_tier": "ABC"[i % 3],
                "mql_at": mql,
                "sql_at": sql,
                "first_response_at": response,
            }
        )
    for i in range(60):
        created = base + timedelta(days=2 * i)
        stage = ("won", "lost", "open")[i % 3]
        closed = created + timedelta(days=10 + (i * 3) % 25) if stage != "open" else None
        deals.append(
            {
                "deal_id": f"D{i}",
                "lead_id": f"L{i}",
                "created_at": created,
                "stage": stage,
                "closed_at": closed,
                "amount": 1000 + 10 * i,
                "delivery_cost": 400 + 7 * i,
            }
        )
    return leads, deals


def seed(path, leads, deals):
    with rewrite_facts(path) as con:
        for table, rows in (("leads", leads), ("deals", deals)):
            columns = list(rows[0])
            marks = ", ".join("?" for _ in columns)
            con.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [[row[c] for c in columns] for row in rows],
            )


def in_window(ts):
    return ts is not None and START <= ts < END + timedelta(days=1)


@pytest.fixture
def rows_db(tmp_path):
    leads, deals = make_rows()
    path = tmp_path / "cli.duckdb"
    seed(path, leads, deals)
    return path, leads, deals


def run_json(capsys, *args):
    assert main(["scorecard", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_lists_every_kpi_and_matches_plain_python(rows_db, capsys):
    path, leads, deals = rows_db
    out = run_json(capsys, "--db", str(path), *FIRST_QUARTER)
    assert (out["from"], out["to"], out["as_of"]) == ("2025-01-01", "2025-03-31", "2025-12-31")
    kpis = {k["id"]: k for k in out["kpis"]}
    assert list(kpis) == [k.id for k in CATALOGUE]
    identity = {"id", "unit", "status", "maturing", "target"}
    expected = identity | {"value", "numerator", "denominator", "n", "breakdown"}
    for entry in out["kpis"]:
        assert expected <= set(entry)

    # MQL→SQL within 90 days, cohort by MQL date.
    cohort = [lead for lead in leads if in_window(lead["mql_at"])]
    converted = [
        lead
        for lead in cohort
        if lead["sql_at"]
        and lead["mql_at"] <= lead["sql_at"] <= lead["mql_at"] + timedelta(days=90)
    ]
    assert kpis["mql_to_sql_rate"]["numerator"] == len(converted)
    assert kpis["mql_to_sql_rate"]["denominator"] == len(cohort)
    assert kpis["mql_to_sql_rate"]["value"] == pytest.approx(len(converted) / len(cohort), abs=1e-4)

    # Win rate over deals closed in the window.
    closed = [d for d in deals if d["stage"] in ("won", "lost") and in_window(d["closed_at"])]
    won = [d for d in closed if d["stage"] == "won"]
    assert kpis["win_rate"]["value"] == pytest.approx(len(won) / len(closed), abs=1e-4)

    # Margin of the deals won in the window.
    margin = sum(d["amount"] - d["delivery_cost"] for d in won) / sum(d["amount"] for d in won)
    assert kpis["margin_by_channel"]["value"] == pytest.approx(margin, abs=1e-4)

    # Median hours MQL → first response, for the window's MQLs answered.
    hours = [
        (lead["first_response_at"] - lead["mql_at"]).total_seconds() / 3600
        for lead in cohort
        if lead["first_response_at"]
    ]
    assert kpis["lead_response_hours"]["value"] == pytest.approx(statistics.median(hours), abs=1e-4)

    # Sales cycle: median days created → won.
    days = [(d["closed_at"] - d["created_at"]).total_seconds() / 86400 for d in won]
    assert kpis["sales_cycle_days"]["value"] == pytest.approx(statistics.median(days), abs=1e-4)


def test_channel_filter_and_breakdown(rows_db, capsys):
    path, leads, _deals = rows_db
    common = ["--db", str(path), *FIRST_QUARTER]
    whole = {k["id"]: k for k in run_json(capsys, *common)["kpis"]}
    web = {k["id"]: k for k in run_json(capsys, *common, "--channel", "web")["kpis"]}
    web_cohort = [lead for lead in leads if lead["channel"] == "web" and in_window(lead["mql_at"])]
    assert web["mql_to_sql_rate"]["denominator"] == len(web_cohort)
    by_channel = {row["key"]: row for row in whole["mql_to_sql_rate"]["breakdown"]["channel"]}
    assert by_channel["web"]["denominator"] == len(web_cohort)
    assert (
        sum(row["denominator"] for row in by_channel.values())
        == whole["mql_to_sql_rate"]["denominator"]
    )


def test_table_and_csv(rows_db, capsys):
    path, _leads, _deals = rows_db
    assert main(["scorecard", "--db", str(path), "--period", "month", "--as-of", "2025-02-15"]) == 0
    table = capsys.readouterr().out
    assert "Conversión MQL→SQL" in table and "Tasa de cierre" in table
    assert (
        main(
            [
                "scorecard",
                "--db",
                str(path),
                "--as-of",
                "2025-02-15",
                "--format",
                "csv",
                "--icp",
                "A",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["id"] for r in rows] == [k.id for k in CATALOGUE]


def test_missing_db_is_created_empty(tmp_path, capsys):
    out = run_json(capsys, "--db", str(tmp_path / "new.duckdb"), "--as-of", "2025-01-10")
    assert all(k["value"] is None for k in out["kpis"])
    assert (tmp_path / "new.duckdb").exists()


def test_bad_arguments_are_one_line_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["scorecard", "--db", str(tmp_path / "x.duckdb"), "--from", "2025-01-01"])
    assert exc.value.code == 2
    assert "--from and --to go together" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["scorecard", "--db", str(tmp_path / "x.duckdb"), "--as-of", "31/12/2025"])
    assert "not a date" in capsys.readouterr().err


def test_cli_reads_a_database_the_app_is_serving(tmp_path):
    from kpi.ingest.demo import generate
    from kpi.store.database import open_store

    db = tmp_path / "served.duckdb"
    generate(db, seed=2, leads=1500, today=date(2026, 6, 1))
    served = open_store(db)  # the app's process holds the settings file read-write
    command = [sys.executable, "-m", "kpi", "scorecard", "--db", str(db), "--format", "json"]
    window = ["--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "2026-05-31"]
    held = subprocess.run(command + window, capture_output=True, text=True, cwd=ROOT)
    assert held.returncode == 0, held.stderr
    assert "holds this database's settings file" in held.stderr
    served.close()
    free = subprocess.run(command + window, capture_output=True, text=True, cwd=ROOT)
    assert free.returncode == 0 and free.stderr == ""
    values = [(k["id"], k["value"]) for k in json.loads(held.stdout)["kpis"]]
    assert values == [(k["id"], k["value"]) for k in json.loads(free.stdout)["kpis"]]
