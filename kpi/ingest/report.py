"""What an import read, changed and refused: the report records and how they are filled."""

from dataclasses import dataclass, field
from pathlib import Path

from kpi.i18n import DASH, DEFAULT_LANGUAGE, t
from kpi.ingest.near_duplicates import NearDuplicate
from kpi.ingest.rejections import REFUSED_LINES
from kpi.store.writer import dict_rows

REJECTIONS_KEPT = 1000
PREVIEW_ROWS = 20
# A rejected value is shown (and written to --rejects) up to this many characters.
VALUE_SHOWN_CHARS = 500


@dataclass
class Rejection:
    """One refused value (or unreadable row): its line, field, column, text and reason code."""

    line: int
    field: str
    column: str
    value: str | None
    reason: str
    detail: str = ""

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(f"ingest.reason.{self.reason}", lang, detail=self.detail, field=self.field)


@dataclass
class ImportReport:
    """What an import read, changed and refused. `written`: the import completed (a file that
    changes nothing completes without writing: no new facts file and no import_log row)."""

    table: str
    source: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    rejection_count: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    created_at_inferred: int = 0
    unknown_leads: int = 0
    unknown_lead_examples: list[str] = field(default_factory=list)
    inherited: int = 0
    footer_lines: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    skipped_fields: list[str] = field(default_factory=list)
    date_order: str | None = None
    decimal: str | None = None
    preview: list[dict] = field(default_factory=list)
    dry_run: bool = False
    accept_valid: bool = False
    written: bool = False
    generation: int | None = None
    rejects_file: str | None = None
    # The encoding of the lines refused because the rest of the file is in another one.
    mixed_encoding: str | None = None
    near_duplicates: list[NearDuplicate] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 2 if self.rejected_rows and not self.accept_valid else 0

    def as_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict:
        data = {
            k: v
            for k, v in self.__dict__.items()
            if k not in ("rejections", "preview", "near_duplicates")
        }
        data["near_duplicates"] = [
            d.__dict__ | {"message": d.text(lang)} for d in self.near_duplicates
        ]
        data["rejections"] = [
            {
                "line": r.line,
                "column": r.column,
                "field": r.field,
                "value": r.value,
                "reason": r.reason,
                "message": r.text(lang),
            }
            for r in self.rejections
        ]
        return data


def field_label(name: str, lang: str) -> str:
    """A canonical field as people read it («Fecha de creación» for created_at)."""
    return t(f"ingest.field.{name}", lang)


def _cell(value) -> object:
    return DASH if value is None or value == "" else value


def preview_table(report: ImportReport, lang: str) -> list[dict]:
    """The typed rows as the page shows them: headers in words, empty cells as —, and each
    line's problems as their reasons."""
    names = {"line": t("import.col.line", lang), "problems": t("import.col.problems", lang)}
    rows = []
    for row in report.preview:
        reasons = [r for r in (row.get("problems") or "").split(", ") if r]
        shown = {k: v for k, v in row.items() if k != "problems"}
        shown["problems"] = ", ".join(_reason_name(r, lang) for r in reasons)
        rows.append({names.get(k) or field_label(k, lang): _cell(v) for k, v in shown.items()})
    return rows


def _reason_name(reason: str, lang: str) -> str:
    """A reason without its line's details (the rejections table gives those)."""
    text = t(f"ingest.reason.{reason}", lang, detail="", field="")
    return text.split(":")[0].replace(" ()", "").strip()


def rejection_table(report: ImportReport, lang: str) -> list[dict]:
    """The first rejections with translated headers and reasons; an empty value shows as —."""
    headers = {k: t(f"import.col.{k}", lang) for k in ("line", "value", "reason")}
    return [
        {
            headers["line"]: r.line,
            t("import.column", lang): _cell(r.column),
            headers["value"]: _cell(r.value),
            headers["reason"]: r.text(lang),
        }
        for r in report.rejections
    ]


def near_duplicate_notes(report: ImportReport, lang: str) -> list[str]:
    """One warning per imported value that looks like another (see near_duplicates.py)."""
    return [d.text(lang) for d in report.near_duplicates]


def fill_report(con, report: ImportReport, fields: list[str]) -> None:
    """Counts, the first rejections and a preview of the typed rows, from the TEMP tables."""
    # A 30 MB cell is named by its line and its start, in the report and in --rejects alike.
    con.execute(
        "UPDATE rejects SET value = left(value, $n) || '…' "
        "WHERE strlen(value) > $n AND length(value) > $n",
        {"n": VALUE_SHOWN_CHARS},
    )
    report.rejection_count, report.rejected_rows = con.execute(
        "SELECT count(*), count(DISTINCT line) FROM rejects"
    ).fetchone()
    rows = con.execute(
        "SELECT line, field, column_name, value, reason, detail FROM rejects "
        "ORDER BY line, field LIMIT ?",
        [REJECTIONS_KEPT],
    ).fetchall()
    report.rejections = [Rejection(*row) for row in rows]
    counts = con.execute(
        "SELECT count(*) FILTER (WHERE action = 'insert'), count(*) FILTER (WHERE action = 'update'), "  # noqa: S608
        "count(*) FILTER (WHERE action = 'same'), count(*) FILTER (WHERE inferred), "
        "count(*) FILTER (WHERE unknown_lead), count(*) FILTER (WHERE inherited) "
        f"FROM final WHERE line NOT IN {REFUSED_LINES}"
    ).fetchone()
    (
        report.inserted,
        report.updated,
        report.unchanged,
        report.created_at_inferred,
        report.unknown_leads,
        report.inherited,
    ) = counts
    if report.unknown_leads:
        report.unknown_lead_examples = [
            r[0]
            for r in con.execute(
                "SELECT lead_id FROM final WHERE unknown_lead ORDER BY line LIMIT 5"
            ).fetchall()
        ]
    shown = ", ".join(["line", *fields])
    report.preview = dict_rows(
        con,
        f"SELECT {shown}, (SELECT string_agg(DISTINCT r.reason, ', ') FROM rejects r "  # noqa: S608
        f"WHERE r.line = typed.line) AS problems FROM typed ORDER BY line LIMIT ?",
        [PREVIEW_ROWS],
    )


def write_rejects_csv(con, path: Path) -> None:
    """Every rejection as CSV, each cell neutralised so a spreadsheet runs no formula from it."""
    from kpi.ingest.csv_safety import safe_csv_text  # pandas, only when a file is asked for

    frame = con.execute(
        "SELECT line, column_name AS column, field, value, reason, detail FROM rejects "
        "ORDER BY line, field"
    ).df()
    path.write_text(safe_csv_text(frame), encoding="utf-8", newline="")
