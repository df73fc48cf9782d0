"""Meeting minutes as Markdown and PDF from one outline, so both always say the same."""

from collections.abc import Callable
from datetime import date, datetime

from kpi.cockpit import backlog, checklist, meeting
from kpi.cockpit.agenda_templates import template
from kpi.cockpit.documents import Outline, Section, Table, outline_markdown, outline_pdf
from kpi.engine import catalogue
from kpi.engine.compute import default_as_of
from kpi.engine.periods import Period, period_containing
from kpi.i18n import DASH, DEFAULT_LANGUAGE, fmt_date, fmt_number, t
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

# How user text enters the outline: escaped for Markdown, as typed for the PDF.
UserText = Callable[[str], str]


def _time(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else DASH


def _minutes(seconds: float | None, lang: str) -> str:
    return fmt_number((seconds or 0) / 60, lang)


def snapshot_period(store: Store, snapshot: dict) -> Period:
    """The period a snapshot's scorecard reported: stored with it, or for an older snapshot the
    fortnight the scorecard reported on the day it was taken (its as-of rule, that day)."""
    if snapshot.get("start") and snapshot.get("end"):
        return Period(date.fromisoformat(snapshot["start"]), date.fromisoformat(snapshot["end"]))
    taken = datetime.fromisoformat(snapshot["taken_at"]).date()
    anchor = date.fromisoformat(get_settings(store)["sprint_anchor"])
    return period_containing("quincena", default_as_of(store, taken), anchor)


def target_text(kpi_id: str, unit: str, target: float | None, lang: str, currency: str) -> str:
    """A frozen target: with its side (≥/≤) while the KPI is in the catalogue, else bare."""
    if kpi_id not in catalogue.BY_ID:
        return catalogue.format_value(unit, target, lang, currency)
    return catalogue.format_target(catalogue.BY_ID[kpi_id], target, lang, currency)


def _snapshot_section(store: Store, current: meeting.Meeting, lang: str, currency: str) -> Section:
    section = Section(t("minutes.snapshot", lang))
    if not current.kpi_snapshot:
        section.paragraphs.append(t("minutes.snapshot.none", lang))
        return section
    taken = datetime.fromisoformat(current.kpi_snapshot["taken_at"])
    period = snapshot_period(store, current.kpi_snapshot)
    section.paragraphs += [
        t(
            "minutes.snapshot.period",
            lang,
            start=fmt_date(period.start, lang),
            end=fmt_date(period.end, lang),
        ),
        t("minutes.snapshot.taken", lang, when=fmt_date(taken, lang)),
    ]
    section.table = Table(
        [t(f"minutes.col.{c}", lang) for c in ("kpi", "value", "target", "status")],
        [
            [
                # The unit frozen with the snapshot, so the minutes show what the room saw.
                catalogue.label_of(k["kpi_id"], lang),
                catalogue.format_value(k["unit"], k["value"], lang, currency),
                target_text(k["kpi_id"], k["unit"], k["target"], lang, currency),
                t(f"meeting.status.{k['status']}", lang),
            ]
            for k in current.kpi_snapshot["kpis"]
        ],
        (5, 2, 2, 2),
    )
    return section


def _notes_sections(store: Store, notes: list[dict], lang: str, user: UserText) -> list[Section]:
    learnings = Section(t("minutes.learnings", lang))
    blockers = Section(t("minutes.blockers", lang))
    for note in notes:
        kind = t(f"meeting.kind.{note['kind']}", lang)
        details = [
            f"{t('meeting.note.why', lang)}: {user(note['why'])}" if note["why"] else "",
            t(f"backlog.area.{note['area']}", lang) if note["area"] in backlog.AREAS else "",
            f"{t('meeting.note.root_cause', lang)}: {user(note['root_cause'])}"
            if note["root_cause"]
            else "",
            f"{t('meeting.note.owner', lang)}: {user(note['owner'])}" if note["owner"] else "",
            f"KPI: {catalogue.label_of(note['kpi_id'], lang)}" if note["kpi_id"] else "",
            _backlog_title(store, note["backlog_item_id"], lang, user),
        ]
        text = f"[{kind}] {user(note['text'])}" + "".join(f" · {d}" for d in details if d)
        (learnings if note["kind"] in meeting.LEARNING_KINDS else blockers).bullets.append(text)
    for section in (learnings, blockers):
        if not section.bullets:
            section.paragraphs.append(t("minutes.nothing", lang))
    return [learnings, blockers]


def _backlog_title(store: Store, item_id: int | None, lang: str, user: UserText) -> str:
    """«En el backlog: <title>» for a note sent there (nothing when it was not, or is gone)."""
    item = backlog.get_item(store, item_id) if item_id else None
    return t("minutes.in_backlog.title", lang, title=user(item["title"])) if item else ""


def _actions_table(actions: list[dict], lang: str, with_status: bool, user: UserText) -> Table:
    columns = ["n", "action", "owner", "done", "due"] + (["status"] if with_status else [])
    rows = [
        [
            str(number),
            user(a["title"]),
            user(a["owner"]),
            user(a["definition_of_done"]),
            fmt_date(a["due_date"], lang),
            *([t(f"sprint.status.{a['status']}", lang)] if with_status else []),
        ]
        for number, a in enumerate(actions, start=1)
    ]
    widths = (1, 5, 3, 5, 3) + ((3,) if with_status else ())
    return Table([t(f"minutes.col.{c}", lang) for c in columns], rows, widths)


def _timing_section(current: meeting.Meeting, lang: str, user: UserText) -> Section:
    rows = []
    for block in current.blocks:
        planned = block.minutes * 60
        rows.append(
            [
                f"{block.position + 1}. {user(block.name)}",
                _minutes(planned, lang),
                _minutes(block.actual_seconds, lang),
                ("+" if block.actual_seconds > planned else "")
                + _minutes(block.actual_seconds - planned, lang),
                _time(block.actual_start),
                _time(block.actual_end),
            ]
        )
    planned_total = sum(b.minutes * 60 for b in current.blocks)
    actual_total = sum(b.actual_seconds for b in current.blocks)
    rows.append(
        [
            t("minutes.total", lang),
            _minutes(planned_total, lang),
            _minutes(actual_total, lang),
            ("+" if actual_total > planned_total else "")
            + _minutes(actual_total - planned_total, lang),
            "",
            "",
        ]
    )
    columns = ("block", "planned", "actual", "difference", "start", "end")
    return Section(
        t("minutes.timing", lang),
        paragraphs=[t("minutes.timing.help", lang)],
        table=Table([t(f"minutes.col.{c}", lang) for c in columns], rows, (6, 2, 2, 2, 2, 2)),
    )


def _state(current: meeting.Meeting, lang: str, user: UserText) -> str:
    """The meeting's state, and when and by whom it was last reopened for corrections."""
    status = t(f"minutes.status.{current.status}", lang)
    # Read defensively: the reopening fields exist from state migration 4 on.
    reopened_at = getattr(current, "reopened_at", None)
    if not reopened_at:
        return status
    by = user(getattr(current, "reopened_by", None) or DASH)
    day = reopened_at.date() if isinstance(reopened_at, datetime) else reopened_at
    return f"{status} · {t('minutes.reopened', lang, when=fmt_date(day, lang), by=by)}"


def _checklist_section(store: Store, meeting_id: int, lang: str) -> Section:
    answers = checklist.meeting_answers(store, meeting_id)
    alignment = Section(
        t(
            "minutes.checklist",
            lang,
            score=sum(answers.values()),
            total=len(checklist.CHECKLIST_ITEMS),
        )
    )
    for item in checklist.CHECKLIST_ITEMS:
        # The mark is the item's bullet: one line each, never a bullet before a mark.
        mark = {True: "✓", False: "✗", None: "○"}[answers.get(item)]
        alignment.paragraphs.append(f"{mark} {checklist.item_text(item, lang)}")
    return alignment


def outline(
    store: Store, meeting_id: int, lang: str = DEFAULT_LANGUAGE, user: UserText = str
) -> Outline:
    """Everything the minutes say, in order (DESIGN §5); every user text passes through `user`."""
    current = meeting.get_meeting(store, meeting_id)
    facts = [
        (t("minutes.date", lang), fmt_date(current.meeting_date, lang)),
        (t("calendar.minutes.template", lang), template(current.template).name(lang)),
        (t("minutes.state", lang), _state(current, lang, user)),
        (t("minutes.attendees", lang), ", ".join(map(user, current.attendees)) or DASH),
        (t("minutes.next_review", lang), fmt_date(current.review_date, lang)),
    ]
    sections = [_snapshot_section(store, current, lang, get_settings(store)["currency"])]
    previous_id = meeting.previous_meeting_id(store, meeting_id)
    previous = backlog.sprint_actions(store, previous_id) if previous_id else []
    review = Section(t("minutes.review", lang))
    if previous:
        review.table = _actions_table(previous, lang, with_status=True, user=user)
    else:
        review.paragraphs.append(t("minutes.nothing", lang))
    sections.append(review)
    sections.extend(_notes_sections(store, meeting.list_notes(store, meeting_id), lang, user))
    sections.append(
        Section(
            t("minutes.decisions", lang),
            paragraphs=[
                user(current.decisions) if current.decisions else t("minutes.nothing", lang)
            ],
        )
    )
    actions = backlog.sprint_actions(store, meeting_id)
    sprint = Section(t("minutes.actions", lang, count=len(actions), cap=backlog.MAX_ACTIONS))
    if actions:
        sprint.table = _actions_table(actions, lang, with_status=False, user=user)
    else:
        sprint.paragraphs.append(t("minutes.nothing", lang))
    sections.append(sprint)
    sections.append(_timing_section(current, lang, user))
    sections.append(_checklist_section(store, meeting_id, lang))
    given = meeting.ratings(store, meeting_id)
    average = meeting.average_rating(store, meeting_id)
    rating = Section(
        t(
            "minutes.ratings",
            lang,
            average=fmt_number(average, lang) if average is not None else DASH,
            count=len(given),
        )
    )
    rating.bullets = [f"{user(name)}: {value}" for name, value in given.items()]
    sections.append(rating)
    return Outline(user(current.title), facts, sections)


def minutes_markdown(store: Store, meeting_id: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """The minutes as Markdown in which everything a user typed reads literally (no markup)."""
    return outline_markdown(outline(store, meeting_id, lang, user=escape_markdown))


def minutes_pdf(store: Store, meeting_id: int, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The minutes as an A4 PDF (user text as typed: the PDF renders no markup)."""
    return outline_pdf(outline(store, meeting_id, lang))
