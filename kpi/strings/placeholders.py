"""What each not-yet-built page will hold (removed as the pages land)."""

STRINGS: dict[str, tuple[str, str]] = {
    "import.what": (
        "la importación de exports de CRM (CSV/XLSX) con mapeo de columnas e informe de validación.",
        "importing CRM exports (CSV/XLSX) with column mapping and a validation report.",
    ),
}
