"""Versioned cockpit settings and definitions (MQL, SQL, ICP): every change is a new row."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpi.access.roles import Actor
from kpi.access.users import check_email
from kpi.errors import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    InvalidInput,
    TextField,
    business_date,
    finite_number,
)
from kpi.store.database import Store
from kpi.store.writer import Writer

# Each setting is parsed and validated on write, so a bad value is never stored.
DEFAULTS: dict[str, Any] = {
    "language": "es",
    "currency": "EUR",
    "time_zone": "Europe/Madrid",
    "sla_hours": 24.0,
    "cohort_window_days": 90,
    "sprint_anchor": "2025-01-06",
    "committed_icp_share": 0.70,
    "auto_advance": False,
    # Which stage is a "qualified lead" for cost_per_sql and revenue_per_sql (catalogue.at_stage).
    "qualified_stage": "sql",
    # The alignment programme's ROI uses this gross margin when no won deal records its
    # delivery cost (kpi/programme/roi.py).
    "programme_gross_margin": 0.35,
    # Governance calendar cadences (kpi/cockpit/governance_calendar.py): the tracción counts its
    # days from sprint_anchor; the monthly review and the quarterly committee repeat the day of
    # the month of their anchor.
    "traccion_days": 14,
    "review_anchor": "2025-01-27",
    "committee_anchor": "2025-01-13",
    # Months between two internal NPS surveys (kpi/cockpit/team_survey.py).
    "survey_cadence_months": 3,
    # Channel code -> the label an admin chose (kpi/engine/dimension_labels.py reads it).
    "channel_labels": {},
    # Outgoing mail (kpi/mail/): without a host nothing is sent. The password is not a setting:
    # it lives in a 0600 file beside the credentials (kpi/mail/secret.py), never in a database.
    "smtp_host": "",
    "smtp_port": 587,
    "smtp_security": "starttls",
    "smtp_sender": "",
    "smtp_user": "",
    "definition_mql": (
        "Lead que encaja con el ICP y ha mostrado intención (demo, precio o contenido de "
        "fondo de embudo) y que Marketing entrega a Ventas."
    ),
    "definition_sql": (
        "MQL aceptado por Ventas tras una primera conversación con necesidad, presupuesto y "
        "plazo confirmados."
    ),
    "definition_icp": (
        "ICP-A: empresa de 50–500 empleados en sector objetivo con dolor confirmado; ICP-B: encaja "
        "en tamaño o sector; ICP-C: fuera de ambos."
    ),
}

DEFINITION_KEYS = ("definition_mql", "definition_sql", "definition_icp")


# Accepted ranges and choices, declared once: the settings page and the core both read them.
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "survey_cadence_months": (1, 12),
    "sla_hours": (0.25, 720.0),
    "cohort_window_days": (0, 3650),
    "committed_icp_share": (0.0, 1.0),
    "programme_gross_margin": (0.0, 1.0),
    "smtp_port": (1, 65535),
    "traccion_days": (7, 28),
}
# Calendar days stored as ISO text.
DATE_KEYS = ("sprint_anchor", "review_anchor", "committee_anchor")
CHOICES: dict[str, tuple[str, ...]] = {"language": ("es", "en"), "qualified_stage": ("sql", "mql")}
CHOICES["smtp_security"] = ("none", "starttls", "tls")
# Text settings an admin may clear (no host: no mail; no user: no login).
MAY_BE_BLANK = ("smtp_host", "smtp_sender", "smtp_user")
# Text settings as typed (limits and line rules in kpi.errors.user_text), checked on write only:
# a stored value always reads back, whatever the limits were when it was written.
TEXT_FIELDS: dict[str, TextField] = {
    key: (
        TextField(f"scorecard.{key}", LONG_TEXT_MAX, multiline=True)
        if key in DEFINITION_KEYS
        else TextField(key, SHORT_TEXT_MAX)
    )
    for key, default in DEFAULTS.items()
    if isinstance(default, str)
}


def _labels(key: str, value: Any) -> dict[str, str]:
    """Code -> label, each a one-line text; an empty label is dropped (the default returns)."""
    if not isinstance(value, dict):
        raise InvalidInput("error.input.choice", field=key, value=str(value)[:40])
    field = TextField(key, SHORT_TEXT_MAX)
    cleaned = {field.clean(code): field.clean(label) for code, label in value.items()}
    return {code: label for code, label in sorted(cleaned.items()) if code and label}


def _parse(key: str, value: Any) -> Any:
    default = DEFAULTS[key]
    if isinstance(default, dict):
        return _labels(key, value)
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "sí", "si")
        return bool(value)
    if isinstance(default, int | float):
        low, high = NUMBER_RANGES[key]
        number = finite_number(value, key, low, high)
        if isinstance(default, int):
            if number != int(number):
                raise InvalidInput("error.input.number", field=key, value=str(value)[:40])
            return int(number)
        return number
    text = str(value).strip()
    if not text and key in MAY_BE_BLANK:
        return text
    if not text:
        raise InvalidInput("error.input.blank", field=key)
    if key == "smtp_sender":
        return check_email(text)
    if key == "smtp_host" and len(text.split()) != 1:
        raise InvalidInput("error.input.choice", field=key, value=text[:40])
    if key in DATE_KEYS:
        return business_date(text, key).isoformat()
    if key == "time_zone":
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput("error.input.choice", field=key, value=text[:40]) from None
    if key == "currency" and not (len(text) == 3 and text.isascii() and text.isupper()):
        raise InvalidInput("error.input.choice", field=key, value=text[:40])
    if key in CHOICES and text not in CHOICES[key]:
        raise InvalidInput("error.input.choice", field=key, value=text[:40])
    return text


def get_settings(store: Store) -> dict[str, Any]:
    """Current value of every setting: the newest stored version, else the default."""
    rows = (
        store.state()
        .execute("SELECT key, arg_max(value, valid_from) FROM settings GROUP BY key")
        .fetchall()
    )
    current = dict(DEFAULTS)
    for key, raw in rows:
        if key in DEFAULTS:
            current[key] = _parse(key, json.loads(raw))
    return current


def set_setting(store: Store, actor: Actor, key: str, value: Any) -> Any:
    with store.write(actor, "settings") as writer:
        return write_setting(writer, actor, key, value)


def write_setting(writer: Writer, actor: Actor, key: str, value: Any) -> Any:
    """Validate and store a new version of setting `key` inside `writer`'s transaction (another
    audited write may change a setting with its own rows, all or nothing)."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    if key in TEXT_FIELDS:
        value = TEXT_FIELDS[key].clean(value)
    parsed = _parse(key, value)
    writer.insert(
        "settings",
        {
            "key": key,
            "value": json.dumps(parsed, ensure_ascii=False),
            "valid_from": writer.version_time("settings", {"key": key}),
            "changed_by": actor.username,
        },
    )
    return parsed


@dataclass(frozen=True)
class Change:
    """A versioned change a banner must name: what, when, who."""

    kind: str
    key: str
    value: str
    valid_from: datetime
    changed_by: str


def setting_changes_since(store: Store, since: datetime) -> list[Change]:
    """Definition changes made on or after `since` (the method warns against moving goalposts)."""
    rows = (
        store.state()
        .execute(
            "SELECT key, value, valid_from, changed_by FROM settings "
            "WHERE valid_from >= ? AND key IN (?, ?, ?) ORDER BY valid_from",
            [since, *DEFINITION_KEYS],
        )
        .fetchall()
    )
    return [Change("definition", k, json.loads(v), at, who) for k, v, at, who in rows]
