"""Strings of XLSX workbooks: caps on what a sheet may hold, damaged sheets, the private folder."""

STRINGS: dict[str, tuple[str, str]] = {
    "ingest.error.xlsx_columns": (
        "{path}: la fila {row} tiene datos en la columna {column}; el máximo es {limit} columnas.",
        "{path}: row {row} has data in column {column}; the maximum is {limit} columns.",
    ),
    "ingest.error.xlsx_rows": (
        "{path}: la hoja llega a la fila {row}; el máximo es {limit} filas.",
        "{path}: the sheet reaches row {row}; the maximum is {limit} rows.",
    ),
    "ingest.error.xlsx_row_order": (
        "{path} está dañado: la fila {row} aparece después de la fila {previous}.",
        "{path} is damaged: row {row} comes after row {previous}.",
    ),
    "ingest.error.xlsx_workdir": (
        "La carpeta temporal {folder} no es privada de este usuario; bórrala y reintenta.",
        "The temporary folder {folder} is not private to this user; remove it and try again.",
    ),
}
