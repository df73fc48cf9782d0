"""`python -m kpi import`: load a CRM export into leads, deals or spend, with a report and exit code."""

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from kpi.access.roles import SYSTEM, Actor
from kpi.cli.arguments import Command
from kpi.cli.progress import progress_bar
from kpi.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from kpi.ingest.fields import TABLES
from kpi.ingest.importer import error_message, run_import
from kpi.ingest.mapping import IngestError, load_mapping, load_preset, preset_names
from kpi.ingest.report import ImportReport, near_duplicate_notes
from kpi.ingest.uploads import report_notes, summary_text
from kpi.store.database import DEFAULT_DB_PATH

# Below this size the import finishes before a progress bar would be worth drawing.
PROGRESS_MIN_BYTES = 5 * 1024 * 1024


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", choices=TABLES)
    parser.add_argument("file", type=Path)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH)
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--mapping", type=Path, help="TOML mapping file (DESIGN §7)")
    how.add_argument("--preset", choices=preset_names())
    parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    parser.add_argument(
        "--accept-valid",
        action="store_true",
        help="import the valid rows even if some are rejected",
    )
    parser.add_argument("--actor", help="admin user to record in the import log (default: system)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--show", type=int, default=20, help="rejections listed in text output")
    parser.add_argument("--rejects", type=Path, help="write every rejection to this CSV file")
    parser.add_argument(
        "--lang", choices=LANGUAGES, default=os.environ.get("BRUJULA_LANG", DEFAULT_LANGUAGE)
    )


def _actor(name: str | None, db: Path) -> Actor | None:
    if not name:
        return SYSTEM
    from kpi.access.auth import auth_path_for, list_users

    path = auth_path_for(db)
    users = list_users(path) if path.exists() else []
    for user in users:
        if user["username"] == name and user["role"] == "admin":
            return Actor(name, "admin")
    return None


def _progress(path: Path):
    """A bar for a file large enough to take a while; no bar (None) for a small one."""
    try:
        large = path.stat().st_size >= PROGRESS_MIN_BYTES
    except OSError:
        large = False
    return progress_bar(path.name, leave=False) if large else contextlib.nullcontext()


def print_report(report: ImportReport, lang: str, show: int) -> None:
    print(summary_text(report, lang))
    if report.date_order or report.decimal:
        print(
            t(
                "ingest.report.formats",
                lang,
                dates=report.date_order or "—",
                decimal=report.decimal or "—",
            )
        )
    for note in [*report_notes(report, lang), *near_duplicate_notes(report, lang)]:
        print(note)
    if report.mixed_encoding:
        encodings = {"utf-8": "UTF-8", "latin-1": "Latin-1"}
        other = "utf-8" if report.mixed_encoding == "latin-1" else "latin-1"
        print(
            t(
                "ingest.report.mixed_encoding",
                lang,
                encoding=encodings[other],
                minority=encodings[report.mixed_encoding],
            )
        )
    for rejection in report.rejections[:show]:
        print(
            "  "
            + t(
                "ingest.report.rejection",
                lang,
                line=rejection.line,
                column=rejection.column,
                value="" if rejection.value is None else rejection.value,
                reason=rejection.text(lang),
            )
        )
    hidden = report.rejection_count - min(show, len(report.rejections))
    if hidden > 0:
        print("  " + t("ingest.report.more", lang, count=hidden))
    if report.rejects_file:
        print(t("ingest.report.rejects_file", lang, path=report.rejects_file))
    if report.written:
        print(t("ingest.report.written", lang))
    elif report.rejected_rows and not report.accept_valid:
        print(t("ingest.report.blocked", lang, rejected=report.rejected_rows))
    else:
        print(t("ingest.report.dry_run", lang))


def run(args) -> int:
    lang = args.lang
    actor = _actor(args.actor, args.db)
    if actor is None:
        print("error: " + t("ingest.error.actor", lang, name=args.actor), file=sys.stderr)
        return 1
    with _progress(args.file) as progress:
        try:
            mapping = None
            if args.mapping:
                mapping = load_mapping(args.mapping, table=args.table)
            elif args.preset:
                mapping = load_preset(args.preset, table=args.table)
            report = run_import(
                args.db,
                args.table,
                args.file,
                actor,
                mapping=mapping,
                dry_run=args.dry_run,
                accept_valid=args.accept_valid,
                progress=progress,
                rejects_csv=args.rejects,
            )
        except IngestError as error:
            print("error: " + error_message(error, lang), file=sys.stderr)
            return 1
    if args.format == "json":
        print(json.dumps(report.as_dict(lang), ensure_ascii=False, default=str, indent=2))
    else:
        print_report(report, lang, args.show)
    return report.exit_code


COMMAND = Command(
    "import",
    t("ingest.cli.help", "en"),
    t("ingest.cli.help", "en")
    + " Exit codes: 0 success, 2 rejected rows without --accept-valid, 1 unreadable input.",
    arguments,
    run,
)
