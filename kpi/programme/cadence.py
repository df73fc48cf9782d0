"""The periods a success metric is measured over: weeks, months or quarters since the start."""

from datetime import date, timedelta

from kpi.engine.periods import Period, period_containing


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    first = date(year, month + 1, 1)
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return first + timedelta(days=min(day.day, last.day) - 1)


def cadence_period(cadence: str, day: date) -> Period:
    """The calendar week (Monday to Sunday), month or quarter containing `day`."""
    if cadence == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    return period_containing(cadence, day, day)


def periods_since(cadence: str, start: date, as_of: date) -> list[Period]:
    """The complete periods from `start` to `as_of`, oldest first; the first begins at `start`
    (cut short when `start` is inside a period), the last ends on or before `as_of`."""
    out, day = [], start
    while True:
        period = Period(day, cadence_period(cadence, day).end)
        if period.end > as_of:
            return out
        out.append(period)
        day = period.end + timedelta(days=1)


def months_since(start: date, as_of: date) -> list[Period]:
    """The whole months counted from `start` (start + i months to the day before start + i + 1)
    that have ended on or before `as_of`: the ROI's months."""
    out, i = [], 0
    while (end := months_before(start, -(i + 1)) - timedelta(days=1)) <= as_of:
        out.append(Period(months_before(start, -i), end))
        i += 1
    return out
