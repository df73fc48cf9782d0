"""How KPI values read: the unit labels, the one value formatter and the delta formatter."""

from kpi.engine.formula import Kpi
from kpi.i18n import DASH, currency_symbol, fmt_currency, fmt_number, fmt_percent, fmt_points

UNIT_LABELS = {
    "rate": ("%", "%"),
    "hours": ("horas", "hours"),
    "days": ("días", "days"),
    "score": ("puntos", "points"),
}


def unit_label(kpi: Kpi, lang: str, currency: str = "EUR") -> str:
    """A KPI's unit for an axis title; money in the configured currency's symbol."""
    if kpi.unit != "currency":
        return UNIT_LABELS[kpi.unit][0 if lang == "es" else 1]
    return currency_symbol(currency, lang)


def format_value(kpi: Kpi | str, value: float | None, lang: str, currency: str = "EUR") -> str:
    """A KPI value as people read it: 22,0 %, 18,5 h, 1.234 €, NPS 31 (the one formatter).

    `kpi` may be a unit name, for values frozen with their unit (a meeting's snapshot)."""
    unit = kpi if isinstance(kpi, str) else kpi.unit
    if value is None:
        return DASH
    if unit == "rate":
        return fmt_percent(value, lang)
    if unit == "currency":
        return fmt_currency(value, lang, currency, digits=0)
    if unit == "score":
        return fmt_number(value, lang, 0)
    suffix = {"hours": " h", "days": " d"}[unit]
    return fmt_number(value, lang, 1) + suffix


def format_delta(
    kpi: Kpi | str, delta: float | None, lang: str, currency: str = "EUR"
) -> str | None:
    """A change between two values: rates in percentage points, others in the KPI's unit."""
    if delta is None:
        return None
    if (kpi if isinstance(kpi, str) else kpi.unit) == "rate":
        return fmt_points(delta * 100, lang)
    sign = "+" if delta > 0 else ("-" if delta < 0 else "")
    return sign + format_value(kpi, abs(delta), lang, currency)
