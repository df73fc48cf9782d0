"""Reporting periods: quincenas anchored at the sprint date, months, quarters and explicit windows."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

PERIOD_KINDS = ("quincena", "month", "quarter")
CUSTOM = "custom"
TREND_LENGTH = 8


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def end_ts(self) -> datetime:
        """The first instant after the period (half-open bound for SQL)."""
        return datetime.combine(self.end + timedelta(days=1), time())


def end_of_day(day: date) -> datetime:
    """The first instant after `day`: events strictly before it are known as of `day`."""
    return datetime.combine(day + timedelta(days=1), time())


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(kind: str, day: date, anchor: date) -> Period:
    if kind == "quincena":
        offset = (day - anchor).days // 14
        start = anchor + timedelta(days=14 * offset)
        return Period(start, start + timedelta(days=13))
    if kind == "month":
        start = _month_start(day)
        return Period(start, _add_months(start, 1) - timedelta(days=1))
    if kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period(start, _add_months(start, 3) - timedelta(days=1))
    raise ValueError(f"unknown period kind {kind!r}")


def previous_period(kind: str, period: Period, anchor: date) -> Period:
    if kind == CUSTOM:
        return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))
    return period_containing(kind, period.start - timedelta(days=1), anchor)


def period_grid(kind: str, current: Period, anchor: date, count: int = TREND_LENGTH + 1) -> list:
    """`count` consecutive periods, oldest first, ending with `current`."""
    grid = [current]
    while len(grid) < count:
        grid.insert(0, previous_period(kind, grid[0], anchor))
    return grid


def quarter_start(day: date) -> date:
    return period_containing("quarter", day, day).start
