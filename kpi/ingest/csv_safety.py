"""CSV exports that a spreadsheet opens as text: cells that would start a formula are neutralised."""

import pandas as pd

# Excel, LibreOffice and Google Sheets treat a cell starting with these as a formula or command.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A single quote in front of a formula-looking string; everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells (and column names) cannot run as spreadsheet formulas."""
    safe = df.copy()
    safe.columns = [neutralise_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            safe[column] = series.map(neutralise_cell).astype(object)
    return safe


def safe_csv_text(df: pd.DataFrame, **to_csv_options) -> str:
    """CSV of `df` after neutralising formulas, rows ended by CRLF.

    The csv writer quotes a cell only for the characters of its line terminator: with "\n"
    alone, a cell holding a bare CR is written unquoted and a spreadsheet starts a new row
    there, whose first cell ("=...") no neutraliser saw.
    """
    options = {"index": False, "lineterminator": "\r\n", **to_csv_options}
    return neutralise_formulas(df).to_csv(**options)


def safe_csv_bytes(df: pd.DataFrame, **to_csv_options) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads accents) of `df` after neutralising formulas."""
    return safe_csv_text(df, **to_csv_options).encode("utf-8-sig")
