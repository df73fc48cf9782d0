"""`python -m kpi programme`: create the alignment programme (freezing its baseline) and print its
before/after report as JSON or Markdown."""

import argparse
import json
import sys
from pathlib import Path

from kpi.access.roles import SYSTEM
from kpi.cli.arguments import Command, iso_day, whole_number
from kpi.errors import InvalidInput
from kpi.i18n import fmt_date, t
from kpi.programme.model import BASELINE_MONTHS_RANGE
from kpi.store.database import open_store
from kpi.store.settings import get_settings


def arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="create the active programme and freeze its baseline"
    )
    create.add_argument("--db", required=True, type=Path, help="DuckDB facts file")
    create.add_argument("--start", required=True, type=iso_day, help="YYYY-MM-DD")
    create.add_argument(
        "--baseline-months",
        dest="baseline_months",
        type=whole_number(*BASELINE_MONTHS_RANGE),
        default=6,
        help="months before the start the baseline covers (6-12)",
    )
    create.add_argument("--name")
    report = actions.add_parser("report", help="print the before/after report")
    report.add_argument("--db", required=True, type=Path, help="DuckDB facts file")
    report.add_argument("--as-of", dest="as_of", type=iso_day, help="YYYY-MM-DD")
    report.add_argument("--format", choices=("json", "md"), default="json")


def _create(args: argparse.Namespace, store, lang: str) -> int:
    from kpi.programme.writes import create_programme

    try:
        # The command line acts as the system admin, as `kpi import` does by default.
        programme = create_programme(
            store, SYSTEM, start=args.start, name=args.name, baseline_months=args.baseline_months
        )
    except InvalidInput as error:
        print(f"error: {error.message(lang)}", file=sys.stderr)
        return 2
    print(
        t(
            "programme.cli.created",
            lang,
            id=programme.id,
            name=programme.name,
            start=fmt_date(programme.start, lang),
            baseline_start=fmt_date(programme.baseline_start, lang),
            baseline_end=fmt_date(programme.baseline_end, lang),
        )
    )
    return 0


def _report(args: argparse.Namespace, store, lang: str, currency: str) -> int:
    from kpi.cockpit.programme_report import report_markdown
    from kpi.programme.report import report

    data = report(store, as_of=args.as_of)
    if data is None:
        print(t("programme.cli.none", lang), file=sys.stderr)
        return 1
    if args.format == "md":
        sys.stdout.write(report_markdown(data, lang, currency))
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    return 0


def run(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    settings = get_settings(store)
    if args.action == "create":
        return _create(args, store, settings["language"])
    return _report(args, store, settings["language"], settings["currency"])


COMMAND = Command(
    "programme",
    "alignment programme: create, report / programa de alineación: crear, informe",
    "Create the alignment programme (its baseline frozen over the months before --start) or "
    "print its before/after report: success metrics against the baseline and the ROI.",
    arguments,
    run,
)
