"""`python -m kpi scorecard`: every catalogue KPI for a period, as a table, JSON or CSV."""

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.cli.arguments import Command, iso_day, whole_number
from kpi.engine import catalogue as cat
from kpi.engine.periods import PERIOD_KINDS
from kpi.i18n import fmt_date, t
from kpi.store.database import Store, StoreError, open_store
from kpi.store.settings import get_settings

if TYPE_CHECKING:
    from kpi.engine.compute import Scorecard

CSV_COLUMNS = (
    "id",
    "label",
    "value",
    "numerator",
    "denominator",
    "n",
    "unit",
    "status",
    "maturing",
    "target",
    "tolerance",
    "previous",
    "delta",
)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, type=Path, help="DuckDB facts file")
    parser.add_argument("--period", choices=PERIOD_KINDS, default="quincena")
    parser.add_argument("--as-of", dest="as_of", type=iso_day, help="YYYY-MM-DD")
    parser.add_argument("--from", dest="start", type=iso_day, help="YYYY-MM-DD (with --to)")
    parser.add_argument("--to", dest="end", type=iso_day, help="YYYY-MM-DD (with --from)")
    parser.add_argument(
        "--window",
        type=whole_number(0, 3650),
        help="cohort window in days, 0 = unlimited (default: setting)",
    )
    parser.add_argument("--channel")
    parser.add_argument("--icp", choices=("A", "B", "C"))
    parser.add_argument("--owner")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")


def scorecard_json(scorecard: "Scorecard") -> dict:
    return {
        "from": scorecard.start.isoformat(),
        "to": scorecard.end.isoformat(),
        "as_of": scorecard.as_of.isoformat(),
        "period": scorecard.period_kind,
        "window": scorecard.window,
        "filters": {
            "channel": scorecard.filters.channel,
            "icp": scorecard.filters.icp_tier,
            "owner": scorecard.filters.owner,
        },
        "kpis": [result.as_dict() for result in scorecard.results],
        "volumes": {name: series[-1] for name, series in scorecard.volumes.items()},
        "data_quality": scorecard.data_quality,
    }


def scorecard_csv(scorecard: "Scorecard", lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in scorecard.results:
        writer.writerow(
            [
                r.kpi_id,
                r.kpi.label(lang),
                r.value,
                r.numerator,
                r.denominator,
                r.n,
                r.unit,
                r.status,
                r.maturing,
                r.target,
                r.tolerance,
                r.previous,
                r.delta,
            ]
        )
    return out.getvalue()


def scorecard_table(scorecard: "Scorecard", lang: str, currency: str) -> str:
    header = t(
        "cli.scorecard.header",
        lang,
        start=fmt_date(scorecard.start, lang),
        end=fmt_date(scorecard.end, lang),
        as_of=fmt_date(scorecard.as_of, lang),
        window=scorecard.window,
    )
    rows = [
        (
            t("cli.col.kpi", lang),
            t("cli.col.value", lang),
            "n",
            t("cli.col.target", lang),
            t("cli.col.status", lang),
        )
    ]
    for r in scorecard.results:
        kpi = r.kpi
        status = t(f"kpi.status.{r.status}", lang)
        if r.maturing:
            status += " · " + t("kpi.maturing", lang)
        elif r.insufficient:
            status += " · " + t("kpi.insufficient", lang, n=r.n, min=kpi.min_sample)
        rows.append(
            (
                kpi.label(lang),
                cat.format_value(kpi, r.value, lang, currency),
                str(r.n),
                cat.format_value(kpi, r.target, lang, currency),
                status,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [header, ""]
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from kpi.engine.compute import Filters, compute_scorecard  # the engine only for this command

    if (args.start is None) != (args.end is None):
        args.parser.error("--from and --to go together")
    if args.start and args.end < args.start:
        args.parser.error("--to is before --from")
    try:
        store = open_store(args.db)
    except StoreError as error:
        if error.kind != "locked":
            raise
        # The running app holds the settings file and DuckDB lets no other process open it;
        # the facts file is shared, so only the settings and targets fall back to defaults.
        store = Store(args.db, state_in_memory=True)
        print(
            "warning: the running app holds this database's settings file: default settings "
            "(cohort window, SLA hours, sprint anchor; --window overrides W) and default "
            "targets are used",
            file=sys.stderr,
        )
    scorecard = compute_scorecard(
        store,
        period=args.period,
        as_of=args.as_of,
        start=args.start,
        end=args.end,
        window=args.window,
        filters=Filters(channel=args.channel, icp_tier=args.icp, owner=args.owner),
    )
    settings = get_settings(store)
    lang, currency = settings["language"], settings["currency"]
    if args.format == "json":
        text = json.dumps(scorecard_json(scorecard), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = scorecard_csv(scorecard, lang)
    else:
        text = scorecard_table(scorecard, lang, currency)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`| head`) left early: not an error of ours; silence the exit-time flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


COMMAND = Command(
    "scorecard",
    "compute the shared KPIs / calcular los KPIs compartidos",
    "Compute every catalogue KPI for the period containing --as-of (default: the last "
    "day with data, at most today), or for one explicit --from/--to window.",
    arguments,
    run,
)
