"""The before/after report of a programme as one JSON-ready dict (the CLI, the page and the PDF
read it): the programme and its phase, the frozen baseline, the success metrics and the ROI."""

from datetime import date

from kpi.engine.compute import default_as_of
from kpi.programme.evaluation import evaluate_metrics
from kpi.programme.model import (
    active_programme,
    baseline,
    benchmarks,
    current_phase,
    get_programme,
    target_overrides,
)
from kpi.programme.roi import roi
from kpi.store.database import Store


def _benchmark_gaps(snapshot: dict, entered: dict[str, dict]) -> dict[str, dict]:
    """Each benchmark with the baseline's gap to it (baseline − benchmark, in the KPI's unit)."""
    out = {}
    for kpi_id, bench in entered.items():
        value = snapshot["kpis"].get(kpi_id, {}).get("value")
        gap = None if value is None else value - bench["value"]
        out[kpi_id] = {**bench, "baseline": value, "gap": gap}
    return out


def report(store: Store, as_of: date | None = None, programme_id: int | None = None) -> dict | None:
    """The programme's report as of `as_of` (default: the scorecard's default as-of); the active
    programme unless `programme_id` names an earlier one; None when there is none."""
    programme = (
        get_programme(store, programme_id) if programme_id is not None else active_programme(store)
    )
    if programme is None:
        return None
    as_of = as_of or default_as_of(store)
    frozen = baseline(store, programme.id)
    snapshot = frozen.snapshot
    phase = current_phase(programme, as_of)
    return {
        "programme": {
            **programme.as_dict(),
            "as_of": as_of.isoformat(),
            "current_phase": {"key": phase.key, "week": phase.week, "weeks": phase.weeks},
            "baseline_version": frozen.version,
            "baseline_frozen_at": frozen.frozen_at.isoformat(),
            "baseline_frozen_by": frozen.frozen_by,
            "baseline_as_of": snapshot["as_of"],
        },
        "metrics": evaluate_metrics(
            store, programme, snapshot, target_overrides(store, programme.id), as_of
        ),
        "roi": roi(store, programme, snapshot, as_of),
        "benchmarks": _benchmark_gaps(snapshot, benchmarks(store, programme.id)),
        "baseline": snapshot,
    }
