"""Versioned cockpit settings and definitions (MQL, SQL, ICP): every change is a new row."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kpi.roles import Actor
from kpi.store import Store

# Value kinds: each setting is parsed and validated on write, so a bad value is never stored.
DEFAULTS: dict[str, Any] = {
    "language": "es",
    "currency": "EUR",
    "time_zone": "Europe/Madrid",
    "sla_hours": 24.0,
    "cohort_window_days": 90,
    "sprint_anchor": "2025-01-06",
    "committed_icp_share": 0.70,
    "auto_advance": False,
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


def _parse(key: str, value: Any) -> Any:
    default = DEFAULTS[key]
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "sí", "si")
        return bool(value)
    if isinstance(default, int):
        number = int(value)
        if key == "cohort_window_days" and not 0 <= number <= 3650:
            raise ValueError("cohort window must be between 0 and 3650 days")
        return number
    if isinstance(default, float):
        number = float(value)
        if key == "sla_hours" and not 0 < number <= 24 * 30:
            raise ValueError("SLA hours must be between 0 and 720")
        if key == "committed_icp_share" and not 0 <= number <= 1:
            raise ValueError("committed ICP share must be between 0 and 1")
        return number
    text = str(value).strip()
    if not text:
        raise ValueError(f"{key} may not be empty")
    if key == "sprint_anchor":
        date.fromisoformat(text)
    if key == "language" and text not in ("es", "en"):
        raise ValueError("language must be es or en")
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
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    parsed = _parse(key, value)
    with store.write(actor, "settings") as writer:
        writer.insert(
            "settings",
            {
                "key": key,
                "value": json.dumps(parsed, ensure_ascii=False),
                "valid_from": writer.now,
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
