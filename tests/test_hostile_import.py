"""Hostile import files: empty, header only, binary, out-of-range values, markup and formulas,
and a 200 MB CSV streamed with bounded memory. Nothing wrong reaches the facts."""

import csv
import json
import subprocess
import sys

import duckdb
import pytest
from support import ROOT

from kpi.access.roles import Actor, PermissionDenied
from kpi.ingest import importer as ingest
from kpi.ingest.mapping import IngestError
from kpi.store.database import open_store

ADA = Actor("ada", "admin")
XSS = "<img src=x onerror=window.__xss=1>"
FORMULA = '=HYPERLINK("http://evil.example","clic")'
SQLI = "x'); DROP TABLE deals; --"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "facts.duckdb"
    open_store(path)
    return path


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def facts(db) -> dict:
    cur = open_store(db).facts()
    return {
        "deals": cur.execute("SELECT count(*) FROM deals").fetchone()[0],
        "leads": cur.execute("SELECT count(*) FROM leads").fetchone()[0],
        "generation": open_store(db).facts_generation(),
    }


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "empty"),
        ("binary.csv", bytes(range(256)) * 200, "binary"),
        ("zip.csv", b"PK\x03\x04" + bytes(4000), "bad_xlsx"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(db, tmp_path, name, content, code):
    before = facts(db)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(IngestError) as error:
        ingest.run_import(db, "deals", tmp_path / name, ADA)
    assert error.value.code == code
    for lang in ("es", "en"):
        message = ingest.error_message(error.value, lang)
        assert message and "Traceback" not in message and "{" not in message
    assert facts(db) == before


def test_header_only_file_adds_nothing(db, tmp_path):
    before = facts(db)
    path = write_csv(tmp_path / "header.csv", [["deal_id", "stage", "nps_score"]])
    try:
        report = ingest.run_import(db, "deals", path, ADA)
    except IngestError as error:
        assert ingest.error_message(error, "es")
    else:
        assert (report.rows_read, report.inserted, report.rejected_rows) == (0, 0, 0)
    after = facts(db)
    assert (after["deals"], after["leads"]) == (before["deals"], before["leads"])


BAD_VALUES = [
    ("nps-11", ["D1", "won", "11", "2025-01-02"], "nps_score"),
    ("nps-minus-1", ["D1", "won", "-1", "2025-01-02"], "nps_score"),
    ("year-1", ["D1", "won", "7", "0001-01-01"], "created_at"),
    ("year-9999", ["D1", "won", "7", "9999-12-31"], "created_at"),
    ("stage-injected", ["D1", "won' OR '1'='1", "7", "2025-01-02"], "stage"),
]


@pytest.mark.parametrize(("name", "row", "field"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_out_of_range_values_are_rejected_and_nothing_is_written(db, tmp_path, name, row, field):
    before = facts(db)
    header = ["deal_id", "stage", "nps_score", "created_at"]
    path = write_csv(tmp_path / "bad.csv", [header, ["D0", "won", "9", "2025-01-01"], row])
    report = ingest.run_import(db, "deals", path, ADA)
    assert not report.written
    assert [(r.line, r.field) for r in report.rejections] == [(3, field)]
    assert report.rejections[0].text("es") and report.rejections[0].text("en")
    assert facts(db) == before


def test_markup_sql_and_formulas_are_stored_as_data_and_rejects_csv_is_neutralised(db, tmp_path):
    header = ["deal_id", "stage", "nps_score", "owner", "channel"]
    path = write_csv(
        tmp_path / "hostile.csv",
        [
            header,
            ["D1", "won", "9", XSS, SQLI],
            ["D2", "lost", "3", FORMULA, "🧭 مرحبا"],
            ["D3", "won", "11", FORMULA, "web"],
        ],
    )
    rejects = tmp_path / "rejects.csv"
    report = ingest.run_import(db, "deals", path, ADA, accept_valid=True, rejects_csv=rejects)
    assert report.written and report.inserted == 2
    rows = (
        open_store(db)
        .facts()
        .execute("SELECT deal_id, owner, channel FROM deals ORDER BY 1")
        .fetchall()
    )
    assert rows == [("D1", XSS, SQLI), ("D2", FORMULA, "🧭 مرحبا")]
    with open(rejects, newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    with open(rejects, newline="", encoding="utf-8") as handle:
        assert [r["value"] for r in csv.DictReader(handle)] == ["11"]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_formula_value_in_the_rejects_file_gets_a_quote(db, tmp_path):
    path = write_csv(
        tmp_path / "f.csv",
        [["deal_id", "stage", "nps_score"], ["D1", "won", "7"], ["D2", FORMULA, "7"]],
    )
    rejects = tmp_path / "rejects.csv"
    ingest.run_import(db, "deals", path, ADA, rejects_csv=rejects)
    with open(rejects, newline="", encoding="utf-8") as handle:
        values = [r["value"] for r in csv.DictReader(handle)]
    assert values == ["'" + FORMULA]


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_import(db, tmp_path, role):
    path = write_csv(tmp_path / "ok.csv", [["deal_id", "stage"], ["D1", "won"]])
    before = facts(db)
    with pytest.raises(PermissionDenied):
        ingest.run_import(db, "deals", path, Actor("x", role))
    assert facts(db) == before


BIG_IMPORT = """
import json, resource, sys, time
from kpi.ingest import importer as ingest
from kpi.access.roles import Actor
started = time.monotonic()
report = ingest.run_import(sys.argv[1], "leads", sys.argv[2], Actor("ada", "admin"))
print(json.dumps({
    "written": report.written, "rows": report.rows_read, "inserted": report.inserted,
    "rejected": report.rejected_rows, "seconds": time.monotonic() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""
BIG_ROWS = 2_500_000
PEAK_LIMIT_MB = 1_500


# Over a minute on the shared 2-core machine (132 s measured while others built): marked slow.
@pytest.mark.slow
def test_200_mb_csv_is_streamed_with_bounded_memory(db, tmp_path):
    source = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT printf('L%09d', i) AS lead_id, "
        "TIMESTAMP '2025-01-01' + to_minutes(i % 500000) AS created_at, "
        "'web-' || (i % 7) AS channel, 'campaña-otoño-' || (i % 13) AS campaign, "
        "['A', 'B', 'C'][i % 3 + 1] AS icp_tier, 'owner-' || (i % 17) AS owner, "
        "TIMESTAMP '2025-01-02' + to_minutes(i % 500000) AS mql_at "
        f"FROM range({BIG_ROWS}) t(i)) TO '{source}' (HEADER)"
    )
    con.close()
    size_mb = source.stat().st_size / 2**20
    assert size_mb >= 200
    result = subprocess.run(
        [sys.executable, "-c", BIG_IMPORT, str(db), str(source)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n200 MB import: {size_mb:.0f} MB, {figures}")
    assert figures["written"] and figures["inserted"] == BIG_ROWS and figures["rejected"] == 0
    assert figures["peak_mb"] < PEAK_LIMIT_MB
    assert facts(db)["leads"] == BIG_ROWS


def test_an_import_is_logged_with_its_actor(db, tmp_path):
    path = write_csv(tmp_path / "ok.csv", [["deal_id", "stage"], ["D1", "won"], ["D2", "lost"]])
    ingest.run_import(db, "deals", path, ADA)
    log = (
        open_store(db)
        .facts()
        .execute("SELECT actor, table_name, inserted FROM import_log")
        .fetchall()
    )
    assert log == [("ada", "deals", 2)]
