"""Issue 13 (XLSX and uploads): huge cells, size bombs, caps, private temporary CSVs, uploads."""

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from kpi.access.roles import SYSTEM
from kpi.ingest import uploads as ui
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import IngestError
from kpi.ingest.source import open_source
from kpi.store.database import ensure_facts_file
from tests.ingest_support import rows
from tests.support import logged_in
from tests.xlsx_support import cell, row, write_book

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/import_data.py"
HEADER = ("Lead ID", "Create Date", "Canal")
# Past Excel's 32,767 characters per cell, and in Excel's last column (XFD): past any cap.
HUGE = "x" * 40_000
LAST_COLUMN = "XFD"


def leads_book(path: Path, count: int, dimension: str | None = None) -> Path:
    """A workbook of `count` valid leads under HEADER, row k+1 holding lead Lk."""
    data = [row(k + 1, f"L{k}", "2024-03-01", "web") for k in range(1, count + 1)]
    return write_book(path, [row(1, *HEADER), *data], dimension=dimension)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- Item 2: a huge cell is imported or rejected with its row, never lost -----------------------


def test_an_oversized_cell_is_rejected_with_its_row_and_the_others_import(tmp_path):
    book = write_book(
        tmp_path / "big.xlsx",
        [
            row(1, *HEADER, "Notes"),
            row(2, "L1", "2024-03-01", "web"),
            row(3, "L2", "2024-03-02", HUGE),  # mapped field: refused, with its row
            row(4, "L3", "2024-03-03", "ads", HUGE),  # an unmapped column holds it: imported
        ],
    )
    db = tmp_path / "f.duckdb"
    report = run_import(db, "leads", book, SYSTEM, accept_valid=True)
    assert report.rows_read == 3, "three data rows were written into the sheet"
    assert [(r.line, r.column, r.reason) for r in report.rejections] == [
        (3, "Canal", "too_long_value")
    ]
    assert rows(db, "SELECT lead_id, channel FROM leads ORDER BY 1") == [
        ("L1", "web"),
        ("L3", "ads"),
    ]


def test_a_header_cell_past_the_limit_is_one_clear_error(tmp_path):
    book = write_book(tmp_path / "h.xlsx", [row(1, "Lead ID", HUGE)])
    with pytest.raises(IngestError) as caught:
        open_source(book)
    assert caught.value.code == "bad_header"


# --- Item 4: the size bomb ----------------------------------------------------------------------


def test_the_declared_dimension_is_not_trusted(tmp_path):
    """The issue's bomb: A1:XFD1048576 declared over 20,000 rows (20 s when rows were padded)."""
    book = leads_book(tmp_path / "bomb.xlsx", 20_000, dimension="A1:XFD1048576")
    started = time.monotonic()
    report = run_import(tmp_path / "f.duckdb", "leads", book, SYSTEM)
    assert time.monotonic() - started < 10, "rows were padded to the declared 16,384 columns"
    assert (report.rows_read, report.inserted, report.rejected_rows) == (20_000, 20_000, 0)


def test_a_wide_declared_dimension_costs_nothing(tmp_path):
    """Rows padded to the declared 16,384 columns took 1 ms each; reading cells that exist
    makes the declaration irrelevant (compared with the same sheet declaring nothing)."""
    count = 4_000
    plain = leads_book(tmp_path / "plain.xlsx", count)
    bomb = leads_book(tmp_path / "bomb.xlsx", count, dimension=f"A1:XFD{count + 1}")

    def seconds(path: Path) -> float:
        started = time.monotonic()
        source = open_source(path)
        elapsed = time.monotonic() - started
        lines = source.path.read_text(encoding="utf-8").splitlines()
        source.close()
        assert len(lines) == count + 1 and all(line.count(",") == 2 for line in lines)
        return elapsed

    plain_seconds, bomb_seconds = seconds(plain), seconds(bomb)
    assert bomb_seconds < 3 * plain_seconds + 1.0, (plain_seconds, bomb_seconds)


def test_a_far_row_writes_no_padding_and_keeps_its_number(tmp_path):
    """A header and a row numbered 200,000: the blank rows between are not written (they were
    200,000 records of commas), and the far row is still reported on its sheet row."""
    header = [f"col{i}" for i in range(200)]
    header[:3] = HEADER
    wide = "".join(cell(f"{get_column_letter(i + 1)}1", h) for i, h in enumerate(header))
    book = write_book(
        tmp_path / "far.xlsx",
        [f'<row r="1">{wide}</row>', row(2, "L1", "2024-03-01"), row(200_000, "", "2024-03-02")],
    )
    report = run_import(tmp_path / "f.duckdb", "leads", book, SYSTEM, dry_run=True)
    assert report.rows_read == 2
    assert [(r.line, r.reason) for r in report.rejections] == [(200_000, "missing")]
    source = open_source(book)
    try:
        assert source.path.stat().st_size < 5_000
    finally:
        source.close()


def test_blank_rows_are_skipped_and_lines_match_the_sheet(tmp_path):
    """Blank rows are not records (as in a CSV); a multi-line cell does not shift the lines."""
    book = write_book(
        tmp_path / "gaps.xlsx",
        [
            row(1, *HEADER, "Notes"),
            row(2, "L1", "2024-03-01", "web", "first\nsecond\nthird"),
            row(3),  # an empty row element; row 4 has none at all
            row(5, "L2", "not a date", "web"),
            row(7, "L3", "2024-03-03", "ads"),
        ],
    )
    report = run_import(tmp_path / "f.duckdb", "leads", book, SYSTEM, dry_run=True)
    assert report.rows_read == 3
    assert [(r.line, r.column) for r in report.rejections] == [(5, "Create Date")]


def test_columns_past_the_cap_are_one_clear_error(tmp_path):
    book = write_book(
        tmp_path / "wide.xlsx",
        [row(1, *HEADER), row(2, "L1", "2024-03-01", "web", extra=cell(f"{LAST_COLUMN}2", "x"))],
    )
    with pytest.raises(IngestError) as caught:
        run_import(tmp_path / "f.duckdb", "leads", book, SYSTEM)
    assert caught.value.code == "xlsx_columns"
    assert caught.value.params["column"] == LAST_COLUMN and caught.value.params["row"] == 2


def test_rows_past_excels_last_row_are_one_clear_error(tmp_path):
    book = write_book(tmp_path / "tall.xlsx", [row(1, *HEADER), row(1_048_577, "L1", "x", "y")])
    with pytest.raises(IngestError) as caught:
        open_source(book)
    assert caught.value.code == "xlsx_rows"


def test_rows_going_backwards_are_refused_not_dropped(tmp_path):
    book = write_book(
        tmp_path / "order.xlsx",
        [row(1, *HEADER), row(5, "L5", "2024-03-01", "web"), row(3, "L3", "2024-03-01", "web")],
    )
    with pytest.raises(IngestError) as caught:
        open_source(book)
    assert caught.value.code == "xlsx_row_order"
    assert (caught.value.params["row"], caught.value.params["previous"]) == (3, 5)


def test_a_truncated_sheet_is_one_clear_error(tmp_path):
    book = write_book(tmp_path / "cut.xlsx", [row(1, *HEADER), row(2, "L1")], complete=False)
    with pytest.raises(IngestError) as caught:
        open_source(book)
    assert caught.value.code == "bad_xlsx"


# --- Item 4: temporary CSVs are private and never outlive their process -------------------------


def test_the_temporary_csv_is_private(tmp_path):
    source = open_source(leads_book(tmp_path / "b.xlsx", 2))
    try:
        assert mode(source.path) == 0o600
        assert mode(source.path.parent) == 0o700
        assert mode(source.path.parent.parent) == 0o700
        assert source.path.parent.parent.parent == Path(tempfile.gettempdir())
    finally:
        source.close()
    assert not source.path.exists()


CHILD = """
import sys, time
from kpi.ingest.source import open_source

def stop(_fraction):
    print("converting", flush=True)
    time.sleep(300)

open_source(sys.argv[1], progress=stop if sys.argv[2] == "stop" else None)
"""


def test_a_killed_conversion_leaves_nothing_after_the_next_one(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    big = leads_book(tmp_path / "big.xlsx", 6_000)  # progress is reported at row 5,000
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(big), "stop"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "converting"
        partial = list(temp.rglob("*.csv"))
        assert len(partial) == 1 and partial[0].stat().st_size > 0, "the CSV was being written"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert partial[0].exists(), "a killed process cannot clean up after itself"
    small = leads_book(tmp_path / "small.xlsx", 2)
    subprocess.run([sys.executable, "-c", CHILD, str(small), "go"], env=env, check=True)
    assert not partial[0].parent.exists()
    assert list(temp.rglob("*.csv")) == []


# --- Item 14 and item 4 on the Importar page ------------------------------------------------------


@pytest.fixture
def import_page(app_env):
    """The Importar page of an admin, with `data` uploaded as `name` (seeded like the uploader)."""
    ensure_facts_file(app_env)

    def open_page(data: bytes, name: str = "export.xlsx"):
        upload = ui.save_upload(app_env, name, data)
        at = logged_in("admin")
        at.session_state["lang"] = "en"
        at.run()
        at.session_state["import_file"] = str(upload)
        at.session_state["import_name"] = name
        return at.switch_page(PAGE).run(), upload

    return open_page


@pytest.fixture
def conversions(monkeypatch):
    """How many times a workbook was opened for conversion (the real openpyxl does the work)."""
    calls = []
    real = openpyxl.load_workbook

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    return calls


def test_the_page_converts_a_workbook_once_and_deletes_it_after_importing(
    import_page, conversions, app_env, tmp_path
):
    data = leads_book(tmp_path / "book.xlsx", 3).read_bytes()
    at, upload = import_page(data)
    assert not at.exception
    assert len(conversions) == 1, "headers and sample come from one conversion"
    at.run()
    at.selectbox(key="import_table").select("deals").run()
    at.selectbox(key="import_table").select("leads").run()
    at.button(key="import_validate").click().run()
    assert {m.label: m.value for m in at.metric}["Rows read"] == "3"
    assert len(conversions) == 1, "reruns and the dry run reuse the conversion"
    from kpi.ingest import xlsx as ingest_xlsx

    csvs = list(ingest_xlsx.work_folder().glob("*.csv"))
    assert csvs, "the conversion waits for the import"
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert len(conversions) == 1
    assert rows(app_env, "SELECT count(*) FROM leads") == [(3,)]
    assert at.success and "Import complete" in at.success[0].value
    assert not upload.exists(), "the upload is deleted after the import that used it"
    assert not any(path.exists() for path in csvs), "and so is its converted CSV"


def test_uploads_are_private(app_env):
    (app_env.parent / "uploads").mkdir(mode=0o755)  # as an older version left it
    upload = ui.save_upload(app_env, "export.csv", b"lead_id\nL1\n")
    assert mode(upload) == 0o600
    assert mode(upload.parent) == 0o700


def test_a_replaced_upload_and_an_abandoned_one_are_deleted(app_env, tmp_path):
    old = ui.save_upload(app_env, "old.csv", b"lead_id\nL0\n")
    day_ago = time.time() - 2 * 86400
    os.utime(old, (day_ago, day_ago))
    state: dict = {}
    book = leads_book(tmp_path / "b.xlsx", 2).read_bytes()
    ui.take_upload(state, app_env, "first.xlsx", book, "id-1")
    first = Path(state["import_file"])
    assert not old.exists(), "an upload left for over a day was abandoned"
    converted = open_source(first)
    ui.take_upload(state, app_env, "second.csv", b"lead_id\nL1\n", "id-2")
    assert not first.exists() and not converted.path.exists()
    assert state["import_name"] == "second.csv" and Path(state["import_file"]).exists()


def test_a_capped_workbook_shows_one_line_without_server_paths(
    import_page, conversions, tmp_path, app_env
):
    book = write_book(
        tmp_path / "wide.xlsx",
        [row(1, *HEADER), row(2, "L1", "2024-03-01", "web", extra=cell(f"{LAST_COLUMN}2", "x"))],
    )
    at, _upload = import_page(book.read_bytes(), name="crm.xlsx")
    assert not at.exception
    assert len(at.error) == 1
    shown = at.error[0].value
    assert "crm.xlsx" in shown and LAST_COLUMN in shown and "\n" not in shown
    assert str(app_env.parent) not in shown and "/tmp" not in shown
    at.run()
    assert len(at.error) == 1 and len(conversions) == 1, "a refused workbook is not read again"
