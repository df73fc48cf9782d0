"""What an alignment programme is: its record, its phases and baseline window, and how to read it."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kpi.programme.cadence import months_before
from kpi.store.database import Store

PHASES = ("diagnosis", "implementation", "measurement")
DEFAULT_WEEKS = {"diagnosis": 4, "implementation": 8, "measurement": 6}
PHASE_WEEKS_RANGE = (1, 52)
BASELINE_MONTHS_RANGE = (6, 12)
DEFAULT_BASELINE_MONTHS = 6


@dataclass(frozen=True)
class Phase:
    """One phase: its key (PHASES), first and last day, and length in weeks."""

    key: str
    start: date
    end: date
    weeks: int


@dataclass(frozen=True)
class PhaseNow:
    """Where a programme stands on a day: the phase (or "before"/"after") and its week."""

    key: str  # a PHASES key, "before" the start or "after" the measurement
    week: int | None  # 1-based week within the phase; None before or after
    weeks: int | None  # the phase's length
    phase: Phase | None


@dataclass(frozen=True)
class Programme:
    id: int
    name: str
    start: date
    baseline_months: int
    weeks: dict[str, int]  # phase key -> weeks
    cost: float | None
    active: bool
    created_by: str
    created_at: datetime

    @property
    def baseline_start(self) -> date:
        return months_before(self.start, self.baseline_months)

    @property
    def baseline_end(self) -> date:
        return self.start - timedelta(days=1)

    @property
    def phases(self) -> list[Phase]:
        out, day = [], self.start
        for key in PHASES:
            end = day + timedelta(weeks=self.weeks[key]) - timedelta(days=1)
            out.append(Phase(key, day, end, self.weeks[key]))
            day = end + timedelta(days=1)
        return out

    @property
    def end(self) -> date:
        return self.phases[-1].end

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "baseline_months": self.baseline_months,
            "baseline_start": self.baseline_start.isoformat(),
            "baseline_end": self.baseline_end.isoformat(),
            "phases": [
                {
                    "key": p.key,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "weeks": p.weeks,
                }
                for p in self.phases
            ],
            "cost": self.cost,
            "active": self.active,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Baseline:
    """One frozen baseline: the snapshot as frozen, when, by whom, and its version (1 = first)."""

    programme_id: int
    version: int
    snapshot: dict
    frozen_at: datetime
    frozen_by: str


def current_phase(programme: Programme, today: date) -> PhaseNow:
    """The phase `today` falls in, with its 1-based week; "before" or "after" outside them."""
    if today < programme.start:
        return PhaseNow("before", None, None, None)
    for phase in programme.phases:
        if today <= phase.end:
            return PhaseNow(phase.key, (today - phase.start).days // 7 + 1, phase.weeks, phase)
    return PhaseNow("after", None, None, None)


def _programme(row: dict) -> Programme:
    return Programme(
        id=row["id"],
        name=row["name"],
        start=row["start_date"],
        baseline_months=row["baseline_months"],
        weeks={key: row[f"{key}_weeks"] for key in PHASES},
        cost=row["cost"],
        active=row["active"],
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def programmes(store: Store) -> list[Programme]:
    """Every programme, the newest first (the active one, then the earlier ones)."""
    return [_programme(r) for r in store.rows("SELECT * FROM programmes ORDER BY id DESC")]


def get_programme(store: Store, programme_id: int) -> Programme | None:
    rows = store.rows("SELECT * FROM programmes WHERE id = ?", [programme_id])
    return _programme(rows[0]) if rows else None


def active_programme(store: Store) -> Programme | None:
    """The one active programme, or None."""
    rows = store.rows("SELECT * FROM programmes WHERE active ORDER BY id DESC LIMIT 1")
    return _programme(rows[0]) if rows else None


def _baseline(row: dict) -> Baseline:
    return Baseline(
        row["programme_id"],
        row["version"],
        json.loads(row["snapshot"]),
        row["frozen_at"],
        row["frozen_by"],
    )


def baseline(store: Store, programme_id: int) -> Baseline | None:
    """The programme's current (latest) frozen baseline."""
    rows = store.rows(
        "SELECT * FROM programme_baselines WHERE programme_id = ? ORDER BY version DESC LIMIT 1",
        [programme_id],
    )
    return _baseline(rows[0]) if rows else None


def baselines(store: Store, programme_id: int) -> list[Baseline]:
    """Every frozen version of the programme's baseline, oldest first."""
    rows = store.rows(
        "SELECT * FROM programme_baselines WHERE programme_id = ? ORDER BY version",
        [programme_id],
    )
    return [_baseline(r) for r in rows]


def target_overrides(store: Store, programme_id: int) -> dict[str, tuple[float, float]]:
    """The success metrics' target bands an admin edited: metric id -> (low, high)."""
    rows = store.rows(
        "SELECT metric_id, target_low, target_high FROM programme_targets WHERE programme_id = ?",
        [programme_id],
    )
    return {r["metric_id"]: (r["target_low"], r["target_high"]) for r in rows}


def benchmarks(store: Store, programme_id: int) -> dict[str, dict]:
    """Industry benchmarks an admin entered: KPI id -> {"value", "source"}."""
    rows = store.rows(
        "SELECT kpi_id, value, source FROM programme_benchmarks WHERE programme_id = ?",
        [programme_id],
    )
    return {r["kpi_id"]: {"value": r["value"], "source": r["source"]} for r in rows}
