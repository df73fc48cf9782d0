"""`python -m kpi`: the command line of the core (demo, import, scorecard, backup, restore)."""

import argparse
import importlib
import sys

from kpi.store.database import StoreError

# Each command module declares its COMMAND (or COMMANDS): kpi.cli.arguments.Command records.
# Modules are imported by name so that `--help` and each command load only their own parts.
COMMAND_MODULES = (
    "kpi.cli.init",
    "kpi.cli.demo",
    "kpi.cli.scorecard",
    "kpi.cli.backup",
    "kpi.cli.import_file",
    "kpi.cli.programme",
    "kpi.cli.notify",
    "kpi.cli.calendar",
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `command`, only the modules up to the one declaring it, so
    that a command loads no other command's dependencies (the scorecard loads no importer)."""
    parser = argparse.ArgumentParser(
        prog="python -m kpi",
        description="Brújula: shared Marketing/Sales/Operations KPIs from a DuckDB file.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        commands = getattr(module, "COMMANDS", None) or (module.COMMAND,)
        for declared in commands:
            declared.register(subparsers)
        if command in {declared.name for declared in commands}:
            break
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return args.run(args)
    except StoreError as exc:
        print(f"error: {exc.kind}: {exc.path}: {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
