"""How KPI values read: the unit labels, the one value formatter, targets and deltas."""

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


def format_target(kpi: Kpi, target: float | None, lang: str, currency: str = "EUR") -> str:
    """A target with the side that meets it: ≥ when higher is better, ≤ when lower is."""
    value = format_value(kpi, target, lang, currency)
    if target is None:
        return value
    return f"{'≥' if kpi.direction > 0 else '≤'} {value}"


def is_no_change(kpi: Kpi | str, delta: float | None, lang: str, currency: str = "EUR") -> bool:
    """Whether a change reads as zero once rounded like the KPI's values (0,0 p. p., 0,0 h)."""
    if delta is None:
        return False
    if (kpi if isinstance(kpi, str) else kpi.unit) == "rate":
        # Points are written with fmt_points' one decimal.
        return fmt_number(abs(delta) * 100, lang, 1) == fmt_number(0, lang, 1)
    return format_value(kpi, abs(delta), lang, currency) == format_value(kpi, 0, lang, currency)


def format_delta(
    kpi: Kpi | str, delta: float | None, lang: str, currency: str = "EUR"
) -> str | None:
    """A change between two values: rates in percentage points, others in the KPI's unit; a change
    that rounds to zero reads as an unsigned zero (never "+0,0 p. p." or "-0,0 h")."""
    if delta is None:
        return None
    if is_no_change(kpi, delta, lang, currency):
        delta = 0.0
    if (kpi if isinstance(kpi, str) else kpi.unit) == "rate":
        return fmt_points(delta * 100, lang)
    sign = "+" if delta > 0 else ("-" if delta < 0 else "")
    return sign + format_value(kpi, abs(delta), lang, currency)
