"""Versioned KPI targets: every change is a new row with valid_from and who made it."""

from dataclasses import dataclass
from datetime import date, datetime, time

from kpi import catalogue as cat
from kpi.periods import quarter_start
from kpi.roles import Actor
from kpi.settings import setting_changes_since
from kpi.store import Store


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


def validate_target(kpi_id: str, target: float, tolerance: float) -> tuple[float, float]:
    kpi = cat.get(kpi_id)
    target, tolerance = float(target), float(tolerance)
    if tolerance < 0:
        raise ValueError("the tolerance cannot be negative")
    if kpi.unit == "rate" and not 0 <= target <= 1:
        raise ValueError("a rate target must be between 0 and 1 (0 % and 100 %)")
    if kpi.unit == "score" and not -100 <= target <= 100:
        raise ValueError("an NPS target must be between −100 and 100")
    if kpi.unit in ("hours", "days", "currency") and target < 0:
        raise ValueError("the target cannot be negative")
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
                "valid_from": writer.now,
                "changed_by": actor.username,
            },
        )


def target_history(store: Store, kpi_id: str) -> list[dict]:
    rel = store.state().execute(
        "SELECT kpi_id, target, tolerance, valid_from, changed_by FROM kpi_targets "
        "WHERE kpi_id = ? ORDER BY valid_from DESC",
        [kpi_id],
    )
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


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
    for change in setting_changes_since(store, since):
        changes.append(
            TargetChange(
                "definition", change.key, change.valid_from, change.changed_by, text=change.value
            )
        )
    return sorted(changes, key=lambda c: c.valid_from)
