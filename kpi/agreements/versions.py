"""What both agreement documents share: numbered versions with approvers, audited writes, and
the changes the scorecard's banner names."""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kpi.access.roles import Actor
from kpi.errors import SHORT_TEXT_MAX, InvalidInput, TextField, TextRefused, business_date
from kpi.store.database import Store
from kpi.store.settings import Change, write_setting

# Each document's versions table, named by the key its banner line and strings use.
TABLES = {"sla_document": "sla_versions", "qualification_guide": "qualification_guide_versions"}
# Changing an agreement is admin work, like the definitions it stands beside.
CAPABILITY = "settings"
APPROVER = TextField("agreements.approvers", SHORT_TEXT_MAX)
NOTE = TextField("agreements.note", SHORT_TEXT_MAX)
MAX_APPROVERS = 12


@dataclass(frozen=True)
class Approval:
    """Who approved a version and on which day, and who recorded it when."""

    version: int
    approvers: tuple[str, ...]
    approved_on: date
    note: str
    valid_from: datetime
    changed_by: str


def clean_approval(approvers: Any, approved_on: Any, note: Any) -> dict:
    """The approval columns of a new version, refused rather than altered when invalid."""
    names = approvers.split(",") if isinstance(approvers, str) else list(approvers or [])
    cleaned = [APPROVER.clean(name) for name in names]
    cleaned = list(dict.fromkeys(name for name in cleaned if name))
    if not cleaned:
        raise TextRefused("error.input.blank", field=APPROVER.label)
    if len(cleaned) > MAX_APPROVERS:
        raise InvalidInput("agreements.error.approvers", limit=MAX_APPROVERS)
    return {
        "approvers": json.dumps(cleaned, ensure_ascii=False),
        "approved_on": business_date(approved_on, "approved_on"),
        "note": NOTE.clean(note),
    }


def approval_of(row: dict) -> Approval:
    return Approval(
        row["version"],
        tuple(json.loads(row["approvers"])),
        row["approved_on"],
        row["note"] or "",
        row["valid_from"],
        row["changed_by"],
    )


def save_version(
    store: Store, actor: Actor, document: str, values: dict, settings: dict | None = None
) -> dict:
    """Store `values` (already cleaned) as the next version of `document`, and the `settings`
    the version sets, in one transaction; returns the row."""
    table = TABLES[document]
    with store.write(actor, CAPABILITY) as writer:
        for key, value in (settings or {}).items():
            write_setting(writer, actor, key, value)
        sql = f"SELECT coalesce(max(version), 0) AS last FROM {table}"  # noqa: S608 - constant
        last = writer.rows(sql)[0]["last"]
        return writer.insert(
            table,
            {
                **values,
                "version": last + 1,
                "valid_from": writer.now,
                "changed_by": actor.username,
            },
        )


def latest_row(store: Store, document: str) -> dict | None:
    sql = f"SELECT * FROM {TABLES[document]} ORDER BY version DESC LIMIT 1"  # noqa: S608
    rows = store.rows(sql)
    return rows[0] if rows else None


def history(store: Store, document: str) -> list[Approval]:
    """Every version of `document`, newest first."""
    sql = f"SELECT * FROM {TABLES[document]} ORDER BY version DESC"  # noqa: S608 - constant
    return [approval_of(row) for row in store.rows(sql)]


def changes_since(store: Store, since: datetime) -> list[Change]:
    """New versions of either document recorded on or after `since` (the banner names them)."""
    changes = []
    for document, table in TABLES.items():
        sql = f"SELECT version, valid_from, changed_by FROM {table} WHERE valid_from >= ?"  # noqa: S608
        for version, valid_from, who in store.state().execute(sql, [since]).fetchall():
            changes.append(Change("agreement", document, f"v{version}", valid_from, who))
    return sorted(changes, key=lambda change: change.valid_from)
