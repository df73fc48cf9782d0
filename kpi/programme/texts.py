"""The programme's phrases shared by its page and its report: phase, change, target band."""

from datetime import date

from kpi.engine import catalogue as cat
from kpi.i18n import DASH, fmt_date, fmt_percent, t


def _day(text: str | None, lang: str) -> str:
    return fmt_date(date.fromisoformat(text), lang) if text else DASH


def phase_text(phase: dict, lang: str) -> str:
    """The programme's phase on the report's day: "Implementación, semana 3 de 8"."""
    name = t(f"programme.phase.{phase['key']}", lang)
    if phase["week"] is None:
        return name
    return t("programme.phase.week", lang, phase=name, week=phase["week"], weeks=phase["weeks"])


def _value(metric: dict, value: float | None, lang: str, currency: str) -> str:
    return cat.format_value(metric["unit"], value, lang, currency)


def change_text(metric: dict, lang: str, currency: str = "EUR") -> str:
    """A metric's change: absolute in the KPI's unit, relative in brackets ("+14,2 p. p. (+18,7 %)")."""
    absolute = cat.format_delta(metric["unit"], metric["change_abs"], lang, currency)
    if absolute is None:
        return DASH
    if metric["change_rel"] is None:
        return absolute
    return f"{absolute} ({'+' if metric['change_rel'] > 0 else ''}{fmt_percent(metric['change_rel'], lang)})"


def band_text(metric: dict, lang: str, currency: str = "EUR") -> str:
    """A metric's target band as KPI values ("91,0 % – 98,5 %"), one value when both edges agree."""
    if metric["target_low"] is None:
        return DASH
    low = _value(metric, metric["target_low"], lang, currency)
    high = _value(metric, metric["target_high"], lang, currency)
    return low if low == high else f"{low} – {high}"
