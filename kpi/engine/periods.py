"""Reporting periods: quincenas anchored at the sprint date, months, quarters, explicit windows;
which one a scorecard reports by default and how a period reads."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kpi.i18n import fmt_date, t

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


def _calendar_kind(period: Period) -> str | None:
    """The calendar kind (month or quarter) that explicit dates cover exactly, else None."""
    for kind in ("month", "quarter"):
        if period_containing(kind, period.start, period.start) == period:
            return kind
    return None


def previous_period(kind: str, period: Period, anchor: date) -> Period:
    """The period before: the same kind; explicit dates covering a whole month or quarter step by
    the calendar (February is compared with January), other explicit dates by their length."""
    if kind == CUSTOM:
        kind = _calendar_kind(period) or CUSTOM
    if kind == CUSTOM:
        return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))
    return period_containing(kind, period.start - timedelta(days=1), anchor)


def period_grid(kind: str, current: Period, anchor: date, count: int = TREND_LENGTH + 1) -> list:
    """`count` consecutive periods, oldest first, ending with `current`."""
    grid = [current]
    while len(grid) < count:
        grid.insert(0, previous_period(kind, grid[0], anchor))
    return grid


def is_running(period: Period, as_of: date) -> bool:
    """Whether `period` is still under way on `as_of` (its numbers are partial)."""
    return as_of < period.end


def reported_period(kind: str, as_of: date, anchor: date, running: bool = False) -> Period:
    """The period a scorecard reports: the last complete one unless the running one is asked."""
    current = period_containing(kind, as_of, anchor)
    if running or not is_running(current, as_of):
        return current
    return previous_period(kind, current, anchor)


def period_label(period: Period, lang: str, as_of: date | None = None) -> str:
    """A period as people read it: its first and last day, marked when still running."""
    text = f"{fmt_date(period.start, lang)} – {fmt_date(period.end, lang)}"
    if as_of is not None and is_running(period, as_of):
        return t("scorecard.period.running", lang, period=text)
    return text


def quarter_start(day: date) -> date:
    return period_containing("quarter", day, day).start
