"""The governance calendar: the meetings of the coming months from the cadence settings, each
with its agenda, and the same events as an iCalendar (.ics) file."""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kpi.cockpit.agenda_templates import COMMITTEE, MONTHLY, TEMPLATES, TRACCION, Template
from kpi.i18n import DEFAULT_LANGUAGE, t

# Months between two meetings of the calendar-month cadences.
MONTH_STEPS = {MONTHLY: 1, COMMITTEE: 3}
# The setting each cadence repeats from (the tracción's step is its own setting).
ANCHORS = {TRACCION: "sprint_anchor", MONTHLY: "review_anchor", COMMITTEE: "committee_anchor"}
PRODID = "-//Brújula//governance calendar//ES"
# The longest look ahead the page and the command offer.
MAX_MONTHS = 24


@dataclass(frozen=True)
class Event:
    """One meeting of the calendar: its day and its template."""

    day: date
    template: Template


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, on the last day of a month too short for it."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _every_days(anchor: date, step: int, start: date, end: date) -> list[date]:
    """anchor + k·step (any whole k) within [start, end)."""
    first = anchor + timedelta(days=-((anchor - start).days // step) * step)
    return [first + timedelta(days=n) for n in range(0, (end - first).days, step)]


def _every_months(anchor: date, step: int, start: date, end: date) -> list[date]:
    """The anchor's day of the month (clamped), every `step` months in phase with the anchor,
    within [start, end)."""
    offset = (start.year * 12 + start.month) - (anchor.year * 12 + anchor.month)
    months = offset - offset % step - step  # one step back: a clamped day may still be in range
    days = []
    while (day := add_months(anchor, months)) < end:
        if day >= start:
            days.append(day)
        months += step
    return days


def events(settings: dict[str, Any], start: date, months: int) -> list[Event]:
    """The meetings from `start` (included) to `months` calendar months later (excluded), by day
    and, on a day with several, in the order of TEMPLATES."""
    end = add_months(start, months)
    found = []
    for key, template in TEMPLATES.items():
        anchor = date.fromisoformat(settings[ANCHORS[key]])
        if key == TRACCION:
            days = _every_days(anchor, int(settings["traccion_days"]), start, end)
        else:
            days = _every_months(anchor, MONTH_STEPS[key], start, end)
        found += [Event(day, template) for day in days]
    order = list(TEMPLATES)
    return sorted(found, key=lambda e: (e.day, order.index(e.template.key)))


def agenda_text(template: Template, lang: str = DEFAULT_LANGUAGE) -> str:
    """The template's agenda, one numbered block a line (an event's description)."""
    return "\n".join(
        t("calendar.block.line", lang, n=n, **block)
        for n, block in enumerate(template.agenda(lang), start=1)
    )


def ics_bytes(
    found: list[Event], lang: str = DEFAULT_LANGUAGE, now: datetime | None = None
) -> bytes:
    """The events as an iCalendar file: all-day events named by their template, the agenda as
    description, and a UID stable across downloads (a re-import updates, never duplicates)."""
    import icalendar  # here, so that `python -m kpi --help` does not load it

    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", t("calendar.ics.name", lang))
    for event in found:
        entry = icalendar.Event()
        entry.add("uid", f"{event.day.isoformat()}-{event.template.key}@brujula")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.day)
        entry.add("dtend", event.day + timedelta(days=1))
        entry.add("summary", event.template.name(lang))
        entry.add("description", agenda_text(event.template, lang))
        cal.add_component(entry)
    return cal.to_ical()
