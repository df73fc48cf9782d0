"""What the commands share: the Command record each declares, a calendar day and a whole number
within bounds as argument types."""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Command:
    """One `python -m kpi` command: name, one-line help, description, its arguments, its runner."""

    name: str
    summary: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]

    def register(self, subparsers) -> None:
        parser = subparsers.add_parser(self.name, help=self.summary, description=self.description)
        self.arguments(parser)
        parser.set_defaults(run=self.run, parser=parser)


def iso_day(text: str) -> date:
    """A YYYY-MM-DD day, or an argparse error that shows what was typed."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type for a whole number from `low` up to `high` (no upper bound if None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"{low}..{high}"
            raise argparse.ArgumentTypeError(f"must be {bounds}: {value}")
        return value

    return parse
