"""`kpi programme create/report` through the command line, on the demo data: every success
metric's baseline is `kpi scorecard --from <baseline start> --to <baseline end>` for its KPI, and
its current value is the scorecard of its current range."""

import json
from datetime import date, timedelta

import pytest
from support import copy_facts

from kpi.cli.main import main
from kpi.engine.compute import default_as_of
from kpi.store.database import close_all, open_store


def cli(capsys, *argv: str) -> str:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def scorecard(capsys, db, start: str, end: str, as_of: str | None = None) -> dict:
    argv = ["scorecard", "--db", str(db), "--from", start, "--to", end, "--format", "json"]
    if as_of:
        argv += ["--as-of", as_of]
    return {k["id"]: k for k in json.loads(cli(capsys, *argv))["kpis"]}


@pytest.fixture
def db(tmp_path, demo_facts):
    return copy_facts(demo_facts, tmp_path / "demo.duckdb")


def test_report_equals_the_scorecard_for_baseline_and_current(capsys, db):
    data_end = default_as_of(open_store(db))
    close_all()
    start = (data_end - timedelta(days=120)).replace(day=1)
    out = cli(capsys, "programme", "create", "--db", str(db), "--start", start.isoformat())
    assert "creado" in out
    report = json.loads(cli(capsys, "programme", "report", "--db", str(db), "--format", "json"))
    programme = report["programme"]
    assert programme["start"] == start.isoformat()
    assert programme["baseline_end"] == (start - timedelta(days=1)).isoformat()
    base = scorecard(capsys, db, programme["baseline_start"], programme["baseline_end"])
    measured = [m for m in report["metrics"] if m["kpi"]]
    assert len(measured) == 7
    for metric in measured:
        field = "mean" if metric["statistic"] == "mean" else "value"
        assert metric["baseline"] == pytest.approx(base[metric["kpi"]][field]), metric["id"]
        assert metric["series"], metric["id"]
        current = scorecard(
            capsys, db, metric["current_start"], metric["current_end"], programme["as_of"]
        )[metric["kpi"]]
        assert metric["current"] == pytest.approx(current[field]), metric["id"]
        if metric["baseline"] and metric["current"] is not None:
            change = metric["current"] - metric["baseline"]
            assert metric["change_abs"] == pytest.approx(change)
            assert metric["change_rel"] == pytest.approx(change / metric["baseline"])
    assert set(report) == {"programme", "metrics", "roi", "benchmarks", "baseline"}
    assert {"id", "kpi", "baseline", "current", "change_abs", "change_rel", "target_low",
            "target_high", "status", "series"} <= set(measured[0])  # fmt: skip


def test_report_markdown_and_no_programme(capsys, db):
    code = main(["programme", "report", "--db", str(db)])
    assert code == 1
    assert "programme create" in capsys.readouterr().err
    cli(capsys, "programme", "create", "--db", str(db), "--start", "2025-09-01", "--name", "*P*")
    text = cli(capsys, "programme", "report", "--db", str(db), "--format", "md", "--as-of",
               date(2025, 12, 31).isoformat())  # fmt: skip
    assert text.startswith("# Informe antes/después: \\*P\\*")
    assert "## Retorno (ROI)" in text


def test_create_refuses_a_baseline_outside_six_to_twelve_months(capsys, db):
    with pytest.raises(SystemExit):
        main(["programme", "create", "--db", str(db), "--start", "2025-09-01",
              "--baseline-months", "13"])  # fmt: skip
