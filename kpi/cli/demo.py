"""`python -m kpi demo`: replace a database's facts with deterministic demo data."""

import argparse
import sys
import time
from pathlib import Path

import duckdb

from kpi.cli.arguments import Command, iso_day, whole_number
from kpi.cli.progress import progress_bar


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", required=True, type=Path, help="DuckDB facts file (created if missing)"
    )
    parser.add_argument("--seed", type=whole_number(0), default=42, help="random seed (default 42)")
    parser.add_argument(
        "--leads", type=whole_number(1), default=25_000, help="number of leads (default 25000)"
    )
    parser.add_argument(
        "--today",
        type=iso_day,
        default=None,
        help="generate as if today were this date, YYYY-MM-DD (default: today)",
    )


def run(args: argparse.Namespace) -> int:
    # numpy and pyarrow only when this command runs
    from kpi.ingest.demo import create_demo_programme, generate

    started = time.monotonic()
    try:
        args.db.parent.mkdir(parents=True, exist_ok=True)
        with progress_bar("demo", bar_format="{l_bar}{bar}| {elapsed}") as advance:
            counts = generate(
                args.db, seed=args.seed, leads=args.leads, today=args.today, progress=advance
            )
        create_demo_programme(args.db, leads=args.leads, today=args.today)
    except (ValueError, OSError, duckdb.Error) as exc:
        print(f"error: demo: {exc}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(
        f"demo: {counts['leads']} leads, {counts['deals']} deals, "
        f"{counts['marketing_spend']} spend rows in {seconds:.1f} s -> {args.db}"
    )
    return 0


COMMAND = Command(
    "demo",
    "fill a database with deterministic demo data / generar datos de demostración",
    "Replace all facts (leads, deals, marketing spend) of the database with synthetic, "
    "deterministic data covering about 18 months up to today. Cockpit state is kept.",
    arguments,
    run,
)
