"""What the Importar page needs beyond run_import: uploads, starting mappings, the mapping editor."""

import re
import time
import uuid
from pathlib import Path

from kpi.i18n import t
from kpi.ingest import ImportReport
from kpi.ingest_mapping import (
    FIELDS,
    KEYS,
    Mapping,
    detect_columns,
    load_mapping,
    load_preset,
    normalise_header,
    preset_names,
    preset_table,
    saved_mappings,
)
from kpi.ingest_source import open_source, preview_rows

DETECT = "detect"
UPLOAD_DAYS = 7
UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def data_folder(db_path: Path | str) -> Path:
    return Path(db_path).resolve().parent


def mappings_folder(db_path: Path | str) -> Path:
    """Saved mappings live beside the database (git-ignored data folder), never in the repo."""
    return data_folder(db_path) / "mappings"


def save_upload(db_path: Path | str, name: str, data: bytes) -> Path:
    """Keep an uploaded file under data/uploads with a unique, harmless name.

    Uploads older than a week are removed on the way, so the folder does not grow forever.
    """
    folder = data_folder(db_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_DAYS * 86400
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    safe = UPLOAD_NAME.sub("_", Path(name).name).strip("._") or "upload.csv"
    path = folder / f"{uuid.uuid4().hex[:8]}-{safe}"
    path.write_bytes(data)
    return path


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


def file_headers(path: Path | str, options: dict | None = None) -> list[str]:
    source = open_source(path, options)
    try:
        return list(source.headers)
    finally:
        source.close()


def file_sample(path: Path | str, options: dict | None = None, limit: int = 5) -> list[dict]:
    """The first rows of the file as text, keyed by header, to show before mapping."""
    source = open_source(path, options)
    try:
        headers = source.headers
        return [
            dict(zip(headers, row + [""] * len(headers), strict=False))
            for row in preview_rows(source, limit)
        ]
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


def keys_missing(mapping: Mapping) -> list[str]:
    present = set(mapping.columns) | set(mapping.constants)
    return [k for k in KEYS[mapping.table] if k not in present]


def rejection_rows(report: ImportReport, lang: str) -> list[dict]:
    return [
        {
            "line": r.line,
            "column": r.column,
            "value": r.value,
            "reason": r.text(lang),
        }
        for r in report.rejections
    ]


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
            labels[choice] = name
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


def summary_text(report: ImportReport, lang: str) -> str:
    return t(
        "ingest.report.summary",
        lang,
        table=report.table,
        read=report.rows_read,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected_rows,
    )
