"""One string catalogue (es default, en) and locale-aware formats through Babel (CLDR).

The catalogue is data: one TOML file per product area in `kpi/strings/`, so the areas can grow
independently; every key must exist in both languages (a test checks it).
"""

import contextlib
import decimal
import hashlib
import json
import os
import tomllib
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    parse_decimal,
)

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LOCALES = {"es": "es_ES", "en": "en_GB"}
DASH = "—"
STRINGS_FOLDER = Path(__file__).parent / "strings"


def load_catalogue(folder: Path = STRINGS_FOLDER) -> dict[str, dict[str, str]]:
    """The merged catalogue, from a JSON copy beside the TOML files while they are unchanged:
    parsing 19 TOML files in pure Python took a third of a CLI scorecard's own time."""
    sources = [(path.name, path.read_bytes()) for path in sorted(folder.glob("*.toml"))]
    digest = hashlib.sha256(repr(sources).encode()).hexdigest()[:20]
    cache = folder / "__pycache__" / f"catalogue-{digest}.json"
    with contextlib.suppress(OSError, ValueError):
        return json.loads(cache.read_text(encoding="utf-8"))
    catalogue: dict[str, dict[str, str]] = {}
    for _name, raw in sources:
        for key, texts in tomllib.loads(raw.decode("utf-8")).items():
            if key in catalogue:
                raise ValueError(f"string key {key!r} declared twice")
            catalogue[key] = {lang: texts[lang] for lang in LANGUAGES}
    _keep_copy(cache, catalogue)
    return catalogue


def _keep_copy(cache: Path, catalogue: dict) -> None:
    """Write the JSON copy atomically (a read-only install simply parses every time)."""
    with contextlib.suppress(OSError):
        cache.parent.mkdir(exist_ok=True)
        for stale in cache.parent.glob("catalogue-*.json"):
            stale.unlink(missing_ok=True)
        partial = cache.with_name(f".{cache.name}.{os.getpid()}")
        partial.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, cache)


CATALOGUE = load_catalogue()


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `values`."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES[DEFAULT_LANGUAGE])


def _half_up() -> decimal.Context:
    # Babel rounds half-to-even by default; people reading money and rates expect half-up.
    return decimal.localcontext(rounding=decimal.ROUND_HALF_UP)


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    with _half_up():
        return format_decimal(value, format=pattern, locale=_locale(lang))


def parse_number(text: str, lang: str = DEFAULT_LANGUAGE) -> float | None:
    """A number typed the way `lang` writes it (es «1.234,5», en «1,234.5»); None when it is not
    one or could be read two ways («25.5» in Spanish: 255 or 25,5?), never a silent guess."""
    try:
        return float(parse_decimal(text.strip(), locale=_locale(lang), strict=True))
    except (NumberFormatError, ValueError):
        return None


def fmt_percent(rate: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A rate in [0, 1] as a percentage: es `22,0 %`, en `22.0%`."""
    if rate is None:
        return DASH
    decimals = "." + "0" * digits if digits else ""
    pattern = f"#,##0{decimals}\u00a0%" if lang == "es" else f"#,##0{decimals}%"
    with _half_up():
        text = format_percent(rate, format=pattern, locale=_locale(lang))
    return text.replace("\u00a0", " ")


def fmt_points(points: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A difference between two rates, in percentage points, with its sign."""
    if points is None:
        return DASH
    sign = "+" if points > 0 else ""
    unit = "p. p." if lang == "es" else "pp"
    return f"{sign}{fmt_number(points, lang, digits)} {unit}"


def fmt_currency(
    value: float | None, lang: str = DEFAULT_LANGUAGE, currency: str = "EUR", digits: int = 2
) -> str:
    if value is None:
        return DASH
    pattern = None
    if digits == 0:
        pattern = "#,##0\u00a0¤" if lang == "es" else "¤#,##0"
    with _half_up():
        text = format_currency(
            value, currency, format=pattern, locale=_locale(lang), currency_digits=digits != 0
        )
    return text.replace("\u00a0", " ")


def currency_symbol(currency: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A currency's symbol as `lang` writes it: USD is `US$` (es and en_GB), EUR is `€`."""
    return get_currency_symbol(currency, _locale(lang))


def fmt_date(value: date | datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return format_datetime(value, "medium", locale=_locale(lang))
    return format_date(value, "medium", locale=_locale(lang))
