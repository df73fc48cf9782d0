"""What the benchmark modules share: how a figure prints and when an import budget applies."""

# The import time budgets are stated for a million-row file; a smaller run prints them as n/a.
BUDGET_ROWS = 1_000_000

# One line of the results table: measurement, wall, CPU, peak RSS, notes.
Row = tuple[str, str, str, str, str]


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_bytes(value: int | None) -> str:
    if not value:
        return "—"
    return f"{value / 1024**2:,.0f} MB"


def row(label: str, wall: float, figures: dict, notes: str) -> Row:
    """A line of its own process: CPU and peak RSS where `figures` measured them, else blank."""
    cpu = fmt_seconds(figures["cpu"]) if "cpu" in figures else ""
    peak = fmt_bytes(figures["peak_bytes"]) if "peak_bytes" in figures else ""
    return (label, fmt_seconds(wall), cpu, peak, notes)


def row_in_same_process(label: str, wall: float, notes: str) -> Row:
    """A line measured in the process of the line above: its CPU and memory are that line's."""
    return (label, fmt_seconds(wall), "", "same process", notes)


def import_verdict(seconds: float, limit: float, rows: int) -> bool | None:
    """Whether an import of `rows` met its time budget; None below the size the budget is for."""
    return seconds <= limit if rows >= BUDGET_ROWS else None
