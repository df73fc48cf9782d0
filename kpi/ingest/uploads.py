"""What the Importar page needs beyond run_import: uploads, starting mappings, the mapping editor."""

import os
import re
import sys
import time
import uuid
from pathlib import Path

from kpi.i18n import t
from kpi.ingest.fields import FIELDS
from kpi.ingest.headers import detect_columns, normalise_header
from kpi.ingest.mapping import (
    IngestError,
    Mapping,
    MappingError,
    load_mapping,
    load_preset,
    preset_names,
    preset_table,
    saved_mappings,
)
from kpi.ingest.report import ImportReport
from kpi.ingest.source import open_source, preview_rows

DETECT = "detect"
UPLOAD_MAX_AGE = 86400  # seconds: an upload not imported within a day was abandoned
UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def data_folder(db_path: Path | str) -> Path:
    return Path(db_path).resolve().parent


def mappings_folder(db_path: Path | str) -> Path:
    """Saved mappings live beside the database (git-ignored data folder), never in the repo."""
    return data_folder(db_path) / "mappings"


def uploads_folder(db_path: Path | str) -> Path:
    """Uploads wait here (0700, beside the database) only until the import that uses them."""
    folder = data_folder(db_path) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # a folder made by an older version was world-readable
    return folder


def save_upload(db_path: Path | str, name: str, data: bytes) -> Path:
    """Keep an uploaded file (0600) under a unique, harmless name; workbooks convert once.

    Uploads older than a day belong to abandoned sessions: they are removed on the way.
    """
    folder = uploads_folder(db_path)
    cutoff = time.time() - UPLOAD_MAX_AGE
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            discard_upload(old)
    safe = UPLOAD_NAME.sub("_", Path(name).name).strip("._") or "upload.csv"
    path = folder / f"{uuid.uuid4().hex[:8]}-{safe}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as handle:
        handle.write(data)
    from kpi.ingest import (
        xlsx as ingest_xlsx,  # openpyxl only once an upload arrives, not for the CLI
    )

    ingest_xlsx.keep(path)
    return path


def take_upload(state, db_path: Path | str, name: str, data: bytes, upload_id: str) -> None:
    """Record a new upload in the page's session state; the one it replaces was never imported."""
    discard_upload(state.pop("import_file", None))
    state["import_file"] = str(save_upload(db_path, name, data))
    state["import_name"] = name
    state["import_upload_id"] = upload_id


def finish_upload(state, report: ImportReport, mapping: Mapping) -> None:
    """After the import that used it the upload is deleted; its report and mapping stay shown."""
    state.pop("import_report", None)
    discard_upload(state.pop("import_file", None))
    state["import_done"] = (report, mapping)


def discard_upload(path: Path | str | None) -> None:
    """Delete an upload and any CSV converted from it."""
    if not path:
        return
    xlsx = sys.modules.get("kpi.ingest.xlsx")  # never loaded: nothing was converted
    if xlsx is not None:
        xlsx.release(path)
    Path(path).unlink(missing_ok=True)


def upload_error(error: IngestError, upload_name: str | None, lang: str) -> str:
    """The error's line with the upload's own name where the server's paths would show."""
    params = dict(error.params)
    if path := params.get("path"):
        # A mapping error names a saved mapping; any other one the upload (or its CSV copy).
        shown = Path(path).name if isinstance(error, MappingError) else upload_name
        shown = shown or Path(path).name
        params = {k: v.replace(path, shown) if isinstance(v, str) else v for k, v in params.items()}
    return t(f"ingest.error.{error.code}", lang, **params)


def mapping_choices(table: str, db_path: Path | str) -> list[str]:
    """ "detect", then "preset:<name>" for this table, then "saved:<name>" for this table."""
    presets = [f"preset:{n}" for n in preset_names() if preset_table(n) == table]
    folder = mappings_folder(db_path)
    saved = []
    for name in saved_mappings(folder):
        try:
            if load_mapping(folder / f"{name}.toml").table == table:
                saved.append(f"saved:{name}")
        except ValueError:
            continue
    return [DETECT, *presets, *saved]


def starting_mapping(table: str, choice: str, path: Path | str, db_path: Path | str) -> Mapping:
    if choice.startswith("preset:"):
        return load_preset(choice.split(":", 1)[1], table=table)
    if choice.startswith("saved:"):
        name = choice.split(":", 1)[1]
        return load_mapping(mappings_folder(db_path) / f"{name}.toml", table=table)
    return Mapping(table, columns=detect_columns(table, file_headers(path)))


def fraction(value: float) -> float:
    """A progress value the progress bar accepts (0 to 1), whatever the import reports."""
    return min(max(value, 0.0), 1.0)


def file_view(path: Path | str, options: dict | None = None, limit: int = 5):
    """(headers, first rows keyed by header) from one reading of the file."""
    source = open_source(path, options)
    try:
        headers = source.headers
        sample = [
            dict(zip(headers, row + [""] * len(headers), strict=False))
            for row in preview_rows(source, limit)
        ]
        return list(headers), sample
    finally:
        source.close()


def file_headers(path: Path | str, options: dict | None = None) -> list[str]:
    source = open_source(path, options)
    try:
        return list(source.headers)
    finally:
        source.close()


def _present(candidates: list[str], headers: list[str]) -> str:
    by_norm = {normalise_header(h): h for h in headers}
    for candidate in candidates:
        if candidate in headers:
            return candidate
        if normalise_header(candidate) in by_norm:
            return by_norm[normalise_header(candidate)]
    return ""


def mapping_rows(mapping: Mapping, headers: list[str]) -> list[dict]:
    """One editor row per canonical field: the file column that feeds it, or a fixed value."""
    return [
        {
            "field": name,
            "column": _present(mapping.columns.get(name, []), headers),
            "constant": mapping.constants.get(name, ""),
        }
        for name in FIELDS[mapping.table]
    ]


def apply_edits(rows: list[dict], edits: dict | None) -> list[dict]:
    """Apply a data_editor state ({"edited_rows": {i: {col: value}}}) to the editor rows."""
    result = [dict(r) for r in rows]
    for index, changes in ((edits or {}).get("edited_rows") or {}).items():
        result[int(index)].update(changes)
    return result


def mapping_from_rows(
    base: Mapping, rows: list[dict], date_format: str = "", decimal: str = ""
) -> Mapping:
    """The edited mapping: columns and constants from the editor, value maps kept from `base`."""
    columns = {r["field"]: [r["column"]] for r in rows if (r.get("column") or "").strip()}
    constants = {
        r["field"]: r["constant"].strip()
        for r in rows
        if (r.get("constant") or "").strip() and r["field"] not in columns
    }
    source = {k: v for k, v in base.source.items() if k not in ("date_format", "decimal")}
    if date_format.strip():
        source["date_format"] = date_format.strip()
    if decimal:
        source["decimal"] = decimal
    return Mapping(
        table=base.table,
        columns=columns,
        constants=constants,
        values=dict(base.values),
        source=source,
    ).validate()


def choice_labels(table: str, db_path: Path | str, lang: str) -> dict[str, str]:
    """Starting mappings for `table` with their labels (fixed per run, so reruns agree)."""
    labels = {}
    for choice in mapping_choices(table, db_path):
        kind, _, name = choice.partition(":")
        if choice == DETECT:
            labels[choice] = t("import.preset.detect", lang)
        elif kind == "saved":
            labels[choice] = t("import.preset.saved", lang, name=name)
        else:
            labels[choice] = t(f"import.preset.name.{name}", lang)
    return labels


def report_notes(report: ImportReport, lang: str) -> list[str]:
    """What the report says beyond the counts: inferred dates, inherited fields, unknown leads."""
    notes = []
    if report.created_at_inferred:
        notes.append(t("ingest.report.inferred", lang, count=report.created_at_inferred))
    if report.inherited:
        notes.append(t("ingest.report.inherited", lang, count=report.inherited))
    if report.unknown_leads:
        examples = ", ".join(report.unknown_lead_examples)
        notes.append(
            t("ingest.report.unknown_leads", lang, count=report.unknown_leads, examples=examples)
        )
    if report.footer_lines:
        notes.append(t("ingest.report.footer", lang, count=report.footer_lines))
    if report.skipped_fields:
        notes.append(t("ingest.report.skipped", lang, fields=", ".join(report.skipped_fields)))
    return notes


def report_counts(report: ImportReport) -> list[tuple[str, int]]:
    """The report's counts in the order the page shows them, keyed like import.metric.*."""
    return [
        ("read", report.rows_read),
        ("inserted", report.inserted),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("rejected", report.rejected_rows),
    ]


def summary_text(report: ImportReport, lang: str) -> str:
    """The report's counts on one line, the table named in words."""
    return t(
        "ingest.report.summary",
        lang,
        table=t(f"import.table.{report.table}", lang),
        read=report.rows_read,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected_rows,
    )
