"""The audit log read back for people: filter who changed what, when, and compare before/after."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from kpi.i18n import DASH
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


def _parsed(raw: str | None) -> dict[str, Any]:
    # pandas 3 reads a missing value of a text column as NaN (a float), not None.
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {"": raw}
    return value if isinstance(value, dict) else {"": value}


def changes(before: str | None, after: str | None) -> pd.DataFrame:
    """Field-by-field comparison of one audit row; changed fields first, values as text (— = absent)."""
    old, new = _parsed(before), _parsed(after)
    rows = []
    for name in list(dict.fromkeys([*old, *new])):
        was, now = old.get(name), new.get(name)
        rows.append(
            {
                "field": name,
                "before": DASH if was is None else str(was),
                "after": DASH if now is None else str(now),
                "changed": was != now,
            }
        )
    frame = pd.DataFrame(rows, columns=["field", "before", "after", "changed"])
    return frame.sort_values("changed", ascending=False, kind="stable").reset_index(drop=True)
