"""`python -m kpi calendar`: the governance calendar of the coming months as an .ics file."""

import argparse
import sys
from pathlib import Path

from kpi.cli.arguments import Command, iso_day, whole_number
from kpi.cockpit.governance_calendar import MAX_MONTHS, events, ics_bytes
from kpi.i18n import LANGUAGES
from kpi.store.database import DEFAULT_DB_PATH


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB_PATH, help="DuckDB facts file")
    parser.add_argument(
        "--months", type=whole_number(1, MAX_MONTHS), default=6, help="months ahead (default 6)"
    )
    parser.add_argument("--from", dest="start", type=iso_day, help="first day (default today)")
    parser.add_argument("--out", type=Path, help="write the .ics here (default: standard output)")
    parser.add_argument("--lang", choices=LANGUAGES, help="default: the language setting")


def run(args: argparse.Namespace) -> int:
    from kpi.store.database import open_store
    from kpi.store.settings import get_settings

    # The cadences are the store's settings: a store the app holds is refused (one line, by
    # kpi.cli.main) rather than answered with the default cadences.
    store = open_store(args.db)
    settings = get_settings(store)
    lang = args.lang or settings["language"]
    found = events(settings, args.start or store.now().date(), args.months)
    data = ics_bytes(found, lang)
    if args.out:
        args.out.write_bytes(data)
        print(f"{len(found)} events -> {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


COMMAND = Command(
    "calendar",
    "governance calendar as .ics / calendario de gobierno en .ics",
    "The tracción meetings, monthly reviews and quarterly committees of the next --months "
    "months from the cadence settings, each with its agenda, as an iCalendar file.",
    arguments,
    run,
)
