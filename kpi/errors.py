"""Refusals a person can read: a catalogue key plus values, rendered in the viewer's language."""

import math
from datetime import date
from typing import Any

from kpi.i18n import DEFAULT_LANGUAGE, t

# Business dates outside this range are typing mistakes (year 1, 9999), never real plans.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


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
