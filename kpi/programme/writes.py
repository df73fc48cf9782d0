"""Every change to a programme, each one audited transaction: create (freezing the baseline),
re-freeze, phase lengths, cost, success-metric targets and industry benchmarks (admins only)."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kpi.access.roles import Actor, require
from kpi.engine import catalogue as cat
from kpi.engine.compute import default_as_of
from kpi.engine.targets import TARGET_RANGES
from kpi.errors import (
    SHORT_TEXT_MAX,
    TITLE_MAX,
    InvalidInput,
    TextField,
    business_date,
    finite_number,
)
from kpi.i18n import fmt_date, t
from kpi.programme import metrics as sm
from kpi.programme.cadence import months_before
from kpi.programme.model import (
    BASELINE_MONTHS_RANGE,
    DEFAULT_BASELINE_MONTHS,
    DEFAULT_WEEKS,
    PHASE_WEEKS_RANGE,
    PHASES,
    Programme,
    baseline,
    get_programme,
)
from kpi.programme.snapshot import snapshot_changes, take_snapshot
from kpi.store.database import Store
from kpi.store.settings import get_settings

# Creating a programme, re-freezing its baseline and entering its cost change what every later
# judgement is measured against: admin work, like the settings.
CAPABILITY = "settings"
# The success metrics' bands are targets, as the KPIs' own.
TARGETS_CAPABILITY = "targets"
NAME = TextField("programme.name", TITLE_MAX)
SOURCE = TextField("programme.benchmark.source", SHORT_TEXT_MAX)
COST_MAX = 1e12
# Bands in each target kind: relative changes as fractions, points of NPS.
BAND_RANGES = {"relative": (-1.0, 10.0), "points": (-200.0, 200.0)}


def _whole(value: Any, field: str, low: int, high: int) -> int:
    number = finite_number(value, field, low, high)
    if number != int(number):
        raise InvalidInput("error.input.number", field=field, value=str(value)[:40])
    return int(number)


def _weeks(weeks: dict[str, Any] | None) -> dict[str, int]:
    given = {**DEFAULT_WEEKS, **(weeks or {})}
    return {key: _whole(given[key], f"programme.phase.{key}", *PHASE_WEEKS_RANGE) for key in PHASES}


def _existing(store: Store, programme_id: int) -> Programme:
    programme = get_programme(store, programme_id)
    if programme is None:
        raise InvalidInput("error.input.choice", field="programme", value=str(programme_id)[:40])
    return programme


def create_programme(
    store: Store,
    actor: Actor,
    *,
    start: date | str,
    name: str | None = None,
    baseline_months: int = DEFAULT_BASELINE_MONTHS,
    weeks: dict[str, int] | None = None,
    as_of: date | None = None,
) -> Programme:
    """A new active programme (the earlier one stays, inactive), its baseline frozen (version 1)
    over the `baseline_months` before `start`, as known on `as_of` (default: the data's)."""
    require(actor, CAPABILITY)
    start = business_date(start, "programme.start")
    months = _whole(baseline_months, "programme.baseline_months", *BASELINE_MONTHS_RANGE)
    phases = _weeks(weeks)
    lang = get_settings(store)["language"]
    if not (name and str(name).strip()):
        name = t("programme.default_name", lang, start=fmt_date(start, lang))
    name = NAME.clean(name)
    as_of = as_of or default_as_of(store)
    snapshot = take_snapshot(
        store, months_before(start, months), start - timedelta(days=1), months, as_of
    )
    with store.write(actor, CAPABILITY) as writer:
        for row in writer.rows("SELECT id FROM programmes WHERE active"):
            writer.update("programmes", {"id": row["id"]}, {"active": False})
        row = writer.insert(
            "programmes",
            {
                "name": name,
                "start_date": start,
                "baseline_months": months,
                **{f"{key}_weeks": phases[key] for key in PHASES},
                "active": True,
                "created_by": actor.username,
                "created_at": writer.now,
            },
        )
        _freeze(writer, row["id"], 1, snapshot)
    return get_programme(store, row["id"])


def _freeze(writer, programme_id: int, version: int, snapshot: dict) -> dict:
    return writer.insert(
        "programme_baselines",
        {
            "programme_id": programme_id,
            "version": version,
            "snapshot": json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
            "frozen_at": writer.now,
            "frozen_by": writer.actor.username,
        },
    )


@dataclass(frozen=True)
class Refreeze:
    """A re-freeze worked out before it is stored: its version, the fresh snapshot, what changes."""

    version: int
    snapshot: dict
    changes: list[dict]


def plan_refreeze(store: Store, programme: Programme, as_of: date | None = None) -> Refreeze:
    """What re-freezing the baseline over the same window with the facts as of `as_of` would
    store, and how it differs from the current version (the confirm dialog shows it)."""
    previous = baseline(store, programme.id)
    snapshot = take_snapshot(
        store,
        programme.baseline_start,
        programme.baseline_end,
        programme.baseline_months,
        as_of or default_as_of(store),
    )
    return Refreeze(
        (previous.version if previous else 0) + 1,
        snapshot,
        snapshot_changes(previous.snapshot if previous else {}, snapshot),
    )


def refreeze_baseline(
    store: Store, actor: Actor, programme_id: int, as_of: date | None = None
) -> dict:
    """Freeze the baseline again over the same window with today's facts (a new version; the
    earlier ones stay); returns {"version", "frozen_at", "changes": [{"path", "before", "after"}]}."""
    require(actor, CAPABILITY)
    plan = plan_refreeze(store, _existing(store, programme_id), as_of)
    with store.write(actor, CAPABILITY) as writer:
        row = _freeze(writer, programme_id, plan.version, plan.snapshot)
    return {"version": row["version"], "frozen_at": row["frozen_at"], "changes": plan.changes}


def set_phases(store: Store, actor: Actor, programme_id: int, weeks: dict[str, int]) -> Programme:
    """New phase lengths in weeks (the start and the baseline window stay)."""
    phases = _weeks(weeks)
    with store.write(actor, CAPABILITY) as writer:
        _existing(store, programme_id)
        writer.update("programmes", {"id": programme_id}, {f"{k}_weeks": phases[k] for k in PHASES})
    return get_programme(store, programme_id)


def set_cost(store: Store, actor: Actor, programme_id: int, cost: float | None) -> Programme:
    """The programme's cost (the ROI's denominator), in the configured currency; None clears it."""
    value = None if cost is None else finite_number(cost, "programme.cost", 0.0, COST_MAX)
    with store.write(actor, CAPABILITY) as writer:
        _existing(store, programme_id)
        writer.update("programmes", {"id": programme_id}, {"cost": value})
    return get_programme(store, programme_id)


def set_metric_target(
    store: Store, actor: Actor, programme_id: int, metric_id: str, near: float, far: float
) -> dict:
    """A success metric's target band (near and far edge, in its target kind: see metrics.py)."""
    if metric_id not in sm.BY_ID:
        raise InvalidInput(
            "error.input.choice", field="programme.metric", value=str(metric_id)[:40]
        )
    metric = sm.BY_ID[metric_id]
    if metric.target_kind == "absolute":
        low, high = TARGET_RANGES[cat.get(metric.kpi_id).unit]
    else:
        low, high = BAND_RANGES[metric.target_kind]
    near = finite_number(near, "programme.target.near", low, high)
    far = finite_number(far, "programme.target.far", low, high)
    with store.write(actor, TARGETS_CAPABILITY) as writer:
        _existing(store, programme_id)
        return writer.upsert(
            "programme_targets",
            {"programme_id": programme_id, "metric_id": metric_id},
            {
                "target_low": near,
                "target_high": far,
                "changed_by": actor.username,
                "changed_at": writer.now,
            },
        )


def set_benchmark(
    store: Store,
    actor: Actor,
    programme_id: int,
    kpi_id: str,
    value: float | None,
    source: str = "",
) -> dict | None:
    """An industry value for a KPI with its source (text); None removes it. Returns the row."""
    if kpi_id not in cat.BY_ID:
        raise InvalidInput("error.input.choice", field="KPI", value=str(kpi_id)[:40])
    key = {"programme_id": programme_id, "kpi_id": kpi_id}
    if value is None:
        with store.write(actor, CAPABILITY) as writer:
            _existing(store, programme_id)
            writer.delete("programme_benchmarks", key)
        return None
    number = finite_number(value, "programme.benchmark.value", *TARGET_RANGES[cat.get(kpi_id).unit])
    text = SOURCE.clean(source)
    if not text:
        raise InvalidInput("error.input.blank", field="programme.benchmark.source")
    with store.write(actor, CAPABILITY) as writer:
        _existing(store, programme_id)
        return writer.upsert(
            "programme_benchmarks",
            key,
            {
                "value": number,
                "source": text,
                "changed_by": actor.username,
                "changed_at": writer.now,
            },
        )
