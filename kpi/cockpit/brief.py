"""Pre-meeting brief (Markdown) from the data: KPIs off target, red streaks, actions due, outcomes off track."""

from datetime import date

from kpi.cockpit import backlog, meeting, outcomes
from kpi.cockpit.minutes import target_text
from kpi.engine import catalogue
from kpi.engine.compute import last_complete_scorecard
from kpi.i18n import DEFAULT_LANGUAGE, fmt_date, t
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

MIN_STREAK = 2


def red_streak(statuses: list[str]) -> int:
    """How many of the latest periods in a row were red (the newest period is last)."""
    streak = 0
    for status in reversed(statuses):
        if status != "red":
            break
        streak += 1
    return streak


def brief_markdown(
    store: Store,
    lang: str = DEFAULT_LANGUAGE,
    *,
    meeting_id: int | None = None,
    scorecard=None,
    today: date | None = None,
) -> str:
    """What a facilitator should know before the meeting (or before today, without one).

    Markdown in which every text a user typed reads literally (escaped, never markup)."""
    if meeting_id is not None:
        current = meeting.get_meeting(store, meeting_id)
        day, title = current.meeting_date, escape_markdown(current.title)
    else:
        day = today or store.now().date()
        title = t("brief.untitled", lang)
    scorecard = scorecard or last_complete_scorecard(store)
    lines = [
        f"# {t('brief.heading', lang, title=title)}",
        "",
        t(
            "brief.period",
            lang,
            start=fmt_date(scorecard.start, lang),
            end=fmt_date(scorecard.end, lang),
            as_of=fmt_date(scorecard.as_of, lang),
        ),
    ]

    def section(key: str, items: list[str], **values) -> None:
        lines.extend(["", f"## {t(key, lang, count=len(items), **values)}", ""])
        lines.extend([f"- {item}" for item in items] or [t("brief.none", lang)])

    currency = get_settings(store)["currency"]
    off = [r for r in scorecard.results if r.status in ("red", "amber")]
    off.sort(key=lambda r: (r.status != "red", r.kpi_id))
    section(
        "brief.off_target",
        [
            t(
                "brief.off_target.item",
                lang,
                kpi=catalogue.label_of(r.kpi_id, lang),
                value=catalogue.format_value(r.unit, r.value, lang, currency),
                target=target_text(r.kpi_id, r.unit, r.target, lang, currency),
                status=t(f"meeting.status.{r.status}", lang),
            )
            for r in off
        ],
    )
    streaks = [(red_streak([p.status for p in r.trend]), r) for r in scorecard.results if r.trend]
    section(
        "brief.streaks",
        [
            t("brief.streaks.item", lang, kpi=catalogue.label_of(r.kpi_id, lang), periods=n)
            for n, r in sorted(streaks, key=lambda pair: (-pair[0], pair[1].kpi_id))
            if n >= MIN_STREAK
        ],
        minimum=MIN_STREAK,
    )
    due = [a for a in backlog.pending_reviews(store) if a["due_date"] <= day]
    section(
        "brief.actions_due",
        [
            t(
                "brief.actions_due.item",
                lang,
                title=escape_markdown(a["title"]),
                owner=escape_markdown(a["owner"]),
                due=fmt_date(a["due_date"], lang),
                done=escape_markdown(a["definition_of_done"]),
            )
            for a in due
        ],
        date=fmt_date(day, lang),
    )
    quarter = outcomes.quarter_label(day)
    off_track = [
        row for row in meeting.outcome_rows(store, quarter, day, lang) if row["on_track"] is False
    ]
    section(
        "brief.outcomes",
        [f"{escape_markdown(row['title'])} ({row['kpi']}): {row['summary']}" for row in off_track],
        quarter=outcomes.quarter_name(quarter, lang),
    )
    return "\n".join(lines) + "\n"
