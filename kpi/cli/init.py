"""`python -m kpi init`: the first run's demo database and admin credentials, if missing."""

import argparse
from pathlib import Path

from kpi.cli.arguments import Command
from kpi.cli.progress import progress_bar


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=Path("data/brujula.duckdb"))


def run(args: argparse.Namespace) -> int:
    from kpi.access import bootstrap  # bcrypt and the credentials only when this command runs

    with progress_bar("demo", leave=False) as advance:
        created = bootstrap.ensure_database(args.db, progress=advance)
    print(f"{'created' if created else 'kept'}: {args.db}")
    first = bootstrap.ensure_credentials(args.db)
    if first.admin_password:
        print(bootstrap.first_run_message(first))
    else:
        print(f"kept: {first.path}")
    return 0


COMMAND = Command(
    "init",
    "first run: demo database and admin credentials if missing / primer arranque",
    "Create the database with demo data and the credentials file with an `admin` user "
    "if they are missing; the admin password is printed once. Existing files are kept.",
    arguments,
    run,
)
