"""The string catalogue is complete in both languages; formats follow each locale."""

import re
from datetime import date

import pytest

from kpi.i18n import (
    CATALOGUE,
    fmt_currency,
    fmt_date,
    fmt_number,
    fmt_percent,
    fmt_points,
    load_catalogue,
    parse_number,
    t,
)


def test_every_key_has_spanish_and_english_with_the_same_placeholders():
    for key, texts in CATALOGUE.items():
        assert texts["es"].strip() and texts["en"].strip(), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in texts}
        assert placeholders["es"] == placeholders["en"], key


def test_the_catalogue_kept_as_json_follows_its_toml_files(tmp_path):
    (tmp_path / "a.toml").write_text('[hello]\nes = "Hola"\nen = "Hello"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[bye]\nes = "Adiós"\nen = "Bye"\n', encoding="utf-8")
    expected = {"hello": {"es": "Hola", "en": "Hello"}, "bye": {"es": "Adiós", "en": "Bye"}}
    assert load_catalogue(tmp_path) == expected
    assert len(list((tmp_path / "__pycache__").glob("catalogue-*.json"))) == 1
    assert load_catalogue(tmp_path) == expected  # read back from the copy
    (tmp_path / "b.toml").write_text('[bye]\nes = "Hasta luego"\nen = "Bye"\n', encoding="utf-8")
    assert load_catalogue(tmp_path)["bye"]["es"] == "Hasta luego"
    assert len(list((tmp_path / "__pycache__").glob("catalogue-*.json"))) == 1


def test_spanish_is_the_default():
    assert t("login.failed") == "Usuario o contraseña incorrectos."
    assert t("login.failed", "en") == "Wrong username or password."


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(0.22, "es", "22,0 %"), (0.22, "en", "22.0%"), (0.3456, "es", "34,6 %"), (None, "es", "—")],
)
def test_percent(value, lang, expected):
    assert fmt_percent(value, lang) == expected


def test_numbers_currency_points_and_dates_per_locale():
    assert fmt_number(1234.5, "es") == "1.234,5"
    assert fmt_number(1234.5, "en") == "1,234.5"
    assert fmt_currency(1234.5, "es") == "1.234,50 €"
    assert fmt_currency(1234.5, "en") == "€1,234.50"
    assert fmt_currency(1234.5, "es", digits=0) == "1.235 €"
    assert fmt_points(2.5, "es") == "+2,5 p. p."
    assert fmt_points(-1.25, "en", 2) == "-1.25 pp"
    assert fmt_date(date(2026, 11, 22), "es") == "22 nov 2026"
    assert fmt_date(date(2026, 11, 22), "en") == "22 Nov 2026"


def test_numbers_are_parsed_the_way_each_language_writes_them():
    assert parse_number("1.234,5", "es") == 1234.5
    assert parse_number(" 25,5 ", "es") == 25.5
    assert parse_number("1,234.5", "en") == 1234.5
    # Ambiguous or foreign: refused, never guessed (255 or 25,5?).
    assert parse_number("25.5", "es") is None
    assert parse_number("25,5", "en") is None
    assert parse_number("veinte", "es") is None
