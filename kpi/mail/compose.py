"""The text of each kind of mail in the recipient's language: subject, plain-text body and the
minutes PDF. Plain text only, so whatever a user typed reaches the reader as typed."""

from collections.abc import Callable
from dataclasses import dataclass

from kpi.cockpit import brief, minutes
from kpi.cockpit.meeting_record import get_meeting
from kpi.i18n import fmt_date, t
from kpi.mail.due import Due
from kpi.store.database import Store


@dataclass(frozen=True)
class Content:
    subject: str
    body: str
    attachment_name: str | None = None
    attachment: bytes | None = None


def one_line(text: str) -> str:
    """A header value: whitespace runs (line breaks included) become one space."""
    return " ".join(text.split())


def _with_footer(body: str, lang: str) -> str:
    return f"{body.rstrip()}\n\n-- \n{t('mail.footer', lang)}\n"


def _minutes(store: Store, due: Due, lang: str) -> Content:
    meeting = get_meeting(store, due.object_id)
    values = {"title": meeting.title, "date": fmt_date(meeting.meeting_date, lang)}
    return Content(
        one_line(t("mail.minutes.subject", lang, **values)),
        _with_footer(t("mail.minutes.body", lang, **values), lang),
        f"acta-{meeting.meeting_date.isoformat()}-{meeting.id}.pdf",
        minutes.minutes_pdf(store, meeting.id, lang),
    )


def _brief(store: Store, due: Due, lang: str) -> Content:
    meeting = get_meeting(store, due.object_id)
    values = {"title": meeting.title, "date": fmt_date(meeting.meeting_date, lang)}
    text = brief.brief_markdown(store, lang, meeting_id=meeting.id)
    return Content(one_line(t("mail.brief.subject", lang, **values)), _with_footer(text, lang))


def _action(store: Store, due: Due, lang: str) -> Content:
    [action] = store.rows("SELECT * FROM sprint_actions WHERE id = ?", [due.object_id])
    values = {
        "title": action["title"],
        "owner": action["owner"],
        "done": action["definition_of_done"],
        "due": fmt_date(action["due_date"], lang),
    }
    return Content(
        one_line(t(f"mail.{due.kind}.subject", lang, **values)),
        _with_footer(t(f"mail.{due.kind}.body", lang, **values), lang),
    )


COMPOSERS: dict[str, Callable[[Store, Due, str], Content]] = {
    "minutes": _minutes,
    "brief": _brief,
    "action_due": _action,
    "action_overdue": _action,
}


def compose(store: Store, due: Due, lang: str) -> Content:
    return COMPOSERS[due.kind](store, due, lang)
