"""Agenda templates as data: the governance meetings, their timed blocks and their titles."""

from dataclasses import dataclass
from datetime import date

from kpi.errors import InvalidInput
from kpi.i18n import DEFAULT_LANGUAGE, fmt_date, t

TRACCION = "traccion"
MONTHLY = "monthly"
COMMITTEE = "committee"


@dataclass(frozen=True)
class Template:
    """One kind of meeting: its blocks as (string key suffix, planned minutes), the prefix of
    their name/leader/content strings and the key of a new meeting's title."""

    key: str
    blocks: tuple[tuple[str, int], ...]
    block_strings: str
    title_key: str

    def name(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(f"calendar.template.{self.key}", lang)

    def title(self, day: date, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(self.title_key, lang, date=fmt_date(day, lang))

    @property
    def minutes(self) -> int:
        return sum(minutes for _, minutes in self.blocks)

    def agenda(self, lang: str = DEFAULT_LANGUAGE) -> list[dict]:
        """The blocks a new meeting of this kind starts with (editable before the timer starts)."""
        return [
            {
                "name": t(f"{self.block_strings}.{key}.name", lang),
                "minutes": minutes,
                "leader": t(f"{self.block_strings}.{key}.leader", lang),
                "content": t(f"{self.block_strings}.{key}.content", lang),
            }
            for key, minutes in self.blocks
        ]


TEMPLATES: dict[str, Template] = {
    # The method's 45 minutes (DESIGN §1): outcomes, board, learnings, prioritise, close.
    TRACCION: Template(
        TRACCION,
        (("1", 5), ("2", 10), ("3", 15), ("4", 10), ("5", 5)),
        "meeting.block",
        "meeting.default_title",
    ),
    # Monthly strategic review: SLA compliance, rejected leads, qualification guide.
    MONTHLY: Template(
        MONTHLY,
        (("1", 20), ("2", 20), ("3", 15), ("4", 5)),
        "calendar.monthly.block",
        "calendar.monthly.title",
    ),
    # Quarterly committee: outcomes, SLA revision, programme report.
    COMMITTEE: Template(
        COMMITTEE,
        (("1", 30), ("2", 25), ("3", 25), ("4", 10)),
        "calendar.committee.block",
        "calendar.committee.title",
    ),
}


def template(key: str) -> Template:
    """The template named `key`; an unknown name is refused, never stored."""
    if key not in TEMPLATES:
        raise InvalidInput("error.input.choice", field="calendar.template", value=str(key)[:40])
    return TEMPLATES[key]
