"""Refusals a person can read: a catalogue key plus values, rendered in the viewer's language."""

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpi.i18n import CATALOGUE, DEFAULT_LANGUAGE, fmt_number, t

# Business dates outside this range are typing mistakes (year 1, 9999), never real plans.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)

# Length limits of the text people type, in characters, declared once: the core refuses longer
# text on every write and the pages pass the same numbers to their inputs as `max_chars`.
TITLE_MAX = 200  # one line naming a thing: backlog items, actions, outcomes, meetings, blocks
SHORT_TEXT_MAX = 120  # one line naming a person or a group: owners, attendees, leaders, channels
LONG_TEXT_MAX = 2000  # free text: descriptions, notes, definitions of done and of MQL/SQL/ICP
DECISIONS_MAX = 4 * LONG_TEXT_MAX  # a meeting's decisions: the minutes of 45 minutes of work

# Control characters (Unicode category Cc). Tab is harmless anywhere; line breaks only where the
# text may span lines. Format characters (right-to-left marks, emoji joiners) are text: kept.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class TranslatedError(Exception):
    """A refusal whose text lives in the catalogue: a key plus values, in any language."""

    def __init__(self, key: str, **values: Any):
        self.key = key
        self.values = values
        super().__init__(t(key, DEFAULT_LANGUAGE, **values))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(self.key, lang, **self.values)


class InvalidInput(TranslatedError, ValueError):
    """A refused value, with its explanation in both languages."""


class FeedbackError(InvalidInput):
    """A refused feedback-loop entry (a rejected lead's review mark, a survey answer)."""


def business_date(value: Any, field: str) -> date:
    """A date between 2000 and 2100 from a date or ISO text; refuses anything else clearly."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput("error.input.date", field=field, value=value[:40]) from None
    if not isinstance(value, date):
        raise InvalidInput("error.input.date", field=field, value=str(value)[:40])
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidInput(
            "error.input.date_range",
            field=field,
            value=value.isoformat(),
            earliest=EARLIEST_DATE.year,
            latest=LATEST_DATE.year,
        )
    return value


def finite_number(value: Any, field: str, low: float, high: float) -> float:
    """A real number within [low, high]; NaN, infinities and text are refused clearly."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput("error.input.number", field=field, value=str(value)[:40]) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidInput(
            "error.input.range", field=field, value=str(value)[:40], low=low, high=high
        )
    return number


class TextRefused(InvalidInput):
    """Refused text; `field` is the catalogue key of the field's label, named in each language."""

    def __init__(self, key: str, **values: Any):
        super().__init__(key, **values)
        self.args = (self.message(),)

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        field = self.values["field"]
        label = t(field, lang) if field in CATALOGUE else field
        values = {**self.values, "field": label}
        if "length" in values:
            values["length"] = fmt_number(values["length"], lang, 0)
            values["limit"] = fmt_number(values["limit"], lang, 0)
        return t(self.key, lang, **values)


def user_text(value: Any, field: str, limit: int, *, multiline: bool = False) -> str:
    """Text a person typed, trimmed ('' for None), refused with TextRefused rather than altered.

    - longer than `limit` characters once trimmed: refused, never truncated (the message gives
      the field, the limit and the actual length);
    - control characters: refused, never stripped. One-line fields accept tab only; multi-line
      fields (`multiline=True`) also accept line breaks (LF, CR).
    `field` is the catalogue key of the field's label (else shown as given).
    """
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise TextRefused("error.input.too_long", field=field, limit=limit, length=len(text))
    control = (_CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE).search(text)
    if control:
        kind = "error.input.line_break" if control[0] in "\n\r" else "error.input.control"
        raise TextRefused(kind, field=field, code=f"U+{ord(control[0]):04X}")
    return text


@dataclass(frozen=True)
class TextField:
    """One text field people type into: its label (catalogue key), limit and whether it may
    span lines. The core cleans with it; the page gives `limit` to its input as `max_chars`."""

    label: str
    limit: int
    multiline: bool = False

    def clean(self, value: Any) -> str:
        return user_text(value, self.label, self.limit, multiline=self.multiline)


def one_of(value: Any, field: str, options) -> str | None:
    """A code picked from `options` (None for empty); anything else is refused, never stored."""
    if value is None or str(value).strip() == "":
        return None
    code = str(value).strip()
    if code not in options:
        raise TextRefused("error.input.choice", field=field, value=code[:40])
    return code
