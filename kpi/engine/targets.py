"""Versioned KPI targets: every change is a new row with valid_from and who made it."""

from dataclasses import dataclass
from datetime import date, datetime, time

from kpi.access.roles import Actor
from kpi.agreements.versions import changes_since as agreement_changes_since
from kpi.engine import catalogue as cat
from kpi.engine.periods import quarter_start
from kpi.errors import InvalidInput, finite_number
from kpi.store.database import Store
from kpi.store.settings import setting_changes_since


@dataclass(frozen=True)
class TargetChange:
    """A target or definition change the scorecard banner must name: what, when, who."""

    kind: str  # "target" or "definition"
    key: str  # KPI id or setting key
    valid_from: datetime
    changed_by: str
    text: str | None = None  # the new definition
    target: float | None = None
    tolerance: float | None = None
    previous_target: float | None = None


# KPIs read beside the agreed response SLA (a setting), which is a different number from their
# target: the team's median aim is not the deadline each lead must meet.
SLA_KPIS = ("lead_response_hours", "sla_response_compliance")


def current_targets(store: Store) -> dict[str, tuple[float, float]]:
    """(target, tolerance) per KPI: the newest stored version, else the catalogue default."""
    targets = {kpi.id: (kpi.target, kpi.tolerance) for kpi in cat.CATALOGUE}
    rows = (
        store.state()
        .execute(
            "SELECT kpi_id, arg_max(target, valid_from), arg_max(tolerance, valid_from) "
            "FROM kpi_targets GROUP BY kpi_id"
        )
        .fetchall()
    )
    for kpi_id, target, tolerance in rows:
        if kpi_id in targets:
            targets[kpi_id] = (float(target), float(tolerance))
    return targets


# Plausible targets per unit; tolerances are percentage points for rates, else the KPI's unit.
TARGET_RANGES: dict[str, tuple[float, float]] = {
    "rate": (0.0, 1.0),
    "score": (-100.0, 100.0),
    "hours": (0.0, 24.0 * 365),
    "days": (0.0, 3650.0),
    "currency": (0.0, 1e12),
}
TOLERANCE_RANGES: dict[str, tuple[float, float]] = {
    "rate": (0.0, 100.0),
    "score": (0.0, 200.0),
    "hours": (0.0, 24.0 * 365),
    "days": (0.0, 3650.0),
    "currency": (0.0, 1e12),
}


def validate_target(kpi_id: str, target: float, tolerance: float) -> tuple[float, float]:
    if kpi_id not in cat.BY_ID:
        raise InvalidInput("error.input.choice", field="KPI", value=str(kpi_id)[:40])
    unit = cat.get(kpi_id).unit
    target = finite_number(target, kpi_id, *TARGET_RANGES[unit])
    tolerance = finite_number(tolerance, f"{kpi_id} (tolerancia)", *TOLERANCE_RANGES[unit])
    return target, tolerance


def set_target(store: Store, actor: Actor, kpi_id: str, target: float, tolerance: float) -> dict:
    """Store a new version of a KPI's target (admins only, audited); returns the row."""
    target, tolerance = validate_target(kpi_id, target, tolerance)
    with store.write(actor, "targets") as writer:
        return writer.insert(
            "kpi_targets",
            {
                "kpi_id": kpi_id,
                "target": target,
                "tolerance": tolerance,
                "valid_from": writer.version_time("kpi_targets", {"kpi_id": kpi_id}),
                "changed_by": actor.username,
            },
        )


def target_history(store: Store, kpi_id: str) -> list[dict]:
    return store.rows(
        "SELECT kpi_id, target, tolerance, valid_from, changed_by FROM kpi_targets "
        "WHERE kpi_id = ? ORDER BY valid_from DESC",
        [kpi_id],
    )


def changes_this_quarter(store: Store, today: date) -> list[TargetChange]:
    """Target and definition changes since the start of `today`'s quarter, oldest first."""
    since = datetime.combine(quarter_start(today), time())
    rows = (
        store.state()
        .execute(
            "SELECT kpi_id, target, tolerance, valid_from, changed_by, "
            "lag(target) OVER (PARTITION BY kpi_id ORDER BY valid_from) AS previous "
            "FROM kpi_targets QUALIFY valid_from >= ? ORDER BY valid_from",
            [since],
        )
        .fetchall()
    )
    changes = [
        TargetChange(
            "target",
            kpi_id,
            valid_from,
            who,
            target=target,
            tolerance=tolerance,
            previous_target=cat.get(kpi_id).target if previous is None else previous,
        )
        for kpi_id, target, tolerance, valid_from, who, previous in rows
        if kpi_id in cat.BY_ID
    ]
    for change in [*setting_changes_since(store, since), *agreement_changes_since(store, since)]:
        changes.append(
            TargetChange(
                "definition", change.key, change.valid_from, change.changed_by, text=change.value
            )
        )
    return sorted(changes, key=lambda c: c.valid_from)
