"""The audit log read back for people: filter who changed what, when, and compare before/after."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from kpi.engine.catalogue import label_of
from kpi.engine.dimension_labels import channel_label
from kpi.engine.periods import Period, period_label
from kpi.i18n import CATALOGUE, DASH, DEFAULT_LANGUAGE, t
from kpi.store.database import Store

AUDIT_COLUMNS = ("id", "happened_at", "actor", "action", "table_name", "row_id", "before", "after")
DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked for; every field is optional and combined with AND."""

    actor: str | None = None
    table_name: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None
    row_id: str | None = None


def filter_options(store: Store) -> dict[str, list[str]]:
    """The values that exist in the log, so the filters offer only real choices."""
    cur = store.state()
    return {
        column: [
            row[0]
            for row in cur.execute(
                # Column names come from this fixed tuple, never from the request.
                f"SELECT DISTINCT {column} FROM audit_log ORDER BY {column}"  # noqa: S608
            ).fetchall()
        ]
        for column in ("actor", "table_name", "action")
    }


def query_audit(store: Store, where: AuditFilter, limit: int = DEFAULT_LIMIT) -> pd.DataFrame:
    """Matching audit rows, newest first, at most `limit` (values are bound, never spliced)."""
    clauses, params = [], []
    for column, value in (
        ("actor", where.actor),
        ("table_name", where.table_name),
        ("action", where.action),
        ("row_id", where.row_id),
    ):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if where.start:
        clauses.append("happened_at >= ?")
        params.append(datetime.combine(where.start, datetime.min.time()))
    if where.end:
        clauses.append("happened_at < ?")
        params.append(datetime.combine(where.end + timedelta(days=1), datetime.min.time()))
    condition = " AND ".join(clauses) or "true"
    sql = (
        f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE {condition} "  # noqa: S608
        "ORDER BY happened_at DESC, id DESC LIMIT ?"
    )
    return store.state().execute(sql, [*params, int(limit)]).df()


def _parsed(raw: object) -> dict[str, Any]:
    # pandas 3 reads a missing value of a text column as NaN (a float), not None; a row written
    # by hand or by an older build may hold any JSON value: never fail on what the log holds.
    if isinstance(raw, bytes | bytearray):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"": raw}
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {"": value}


def code_label(kind: str, code: str, lang: str | None) -> str:
    """A stored code (kind "field", "table" or "action") in words when the catalogue has them
    (`audit.<kind>.<code>`), else as stored: a code added later still shows."""
    key = f"audit.{kind}.{code}"
    return t(key, lang) if lang and key in CATALOGUE else code


def _value_text(value: Any, lang: str | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, bool):
        return t("users.yes" if value else "users.no", lang or DEFAULT_LANGUAGE)
    if isinstance(value, list):
        return ", ".join(_value_text(item, lang) for item in value) or DASH
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value_text(v, lang)}" for k, v in value.items()) or DASH
    return str(value)


def _snapshot_text(snapshot: Any, lang: str) -> str:
    """A meeting's frozen scorecard in words: «instantánea de 16 KPI, 9 nov 2026 – 22 nov 2026»."""
    if isinstance(snapshot, str):  # the meetings table stores it as JSON text
        snapshot = _parsed(snapshot)
    if not isinstance(snapshot, dict):
        return _value_text(snapshot, lang)
    count = len(snapshot.get("kpis") or [])
    try:
        period = Period(date.fromisoformat(snapshot["start"]), date.fromisoformat(snapshot["end"]))
    except (KeyError, TypeError, ValueError):  # older snapshots stored no period
        return t("audit.snapshot", lang, count=count)
    return t("audit.snapshot.period", lang, count=count, period=period_label(period, lang))


def _field_text(
    name: str, value: Any, lang: str | None, channel_labels: Mapping[str, str] | None
) -> str:
    """One stored value as people read it; with `lang`, codes that have a name show it."""
    if lang is None or value is None:
        return _value_text(value, lang)
    if name == "kpi_id" and isinstance(value, str):
        return label_of(value, lang)
    if name == "channel" and isinstance(value, str):
        return channel_label(value, lang, channel_labels)
    if name == "kpi_snapshot":
        return _snapshot_text(value, lang)
    return _value_text(value, lang)


def changes(
    before: object,
    after: object,
    lang: str | None = None,
    channel_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Field-by-field comparison of one audit row; changed fields first, values as text (— =
    absent). With `lang`, fields, KPIs, channels (`channel_labels`: the admin's names) and a
    meeting's snapshot read in words."""
    old, new = _parsed(before), _parsed(after)
    rows = []
    for name in list(dict.fromkeys([*old, *new])):
        was, now = old.get(name), new.get(name)
        rows.append(
            {
                "field": code_label("field", name, lang),
                "before": _field_text(name, was, lang, channel_labels),
                "after": _field_text(name, now, lang, channel_labels),
                "changed": was != now,
            }
        )
    frame = pd.DataFrame(rows, columns=["field", "before", "after", "changed"])
    return frame.sort_values("changed", ascending=False, kind="stable").reset_index(drop=True)


def change_summary(
    before: object,
    after: object,
    lang: str | None = None,
    channel_labels: Mapping[str, str] | None = None,
) -> str:
    """The changed fields of one audit row on one line: «Campo: antes → después; …»."""
    diff = changes(before, after, lang, channel_labels)
    return "; ".join(
        f"{r.field}: {r.before} → {r.after}" if r.field else f"{r.before} → {r.after}"
        for r in diff[diff["changed"]].itertuples()
    )
