"""The engine's public API: scorecards, single KPI values, drill-down rows and filter pickers.

The work is split by job: kpi/engine/sql.py builds one statement per fact table for the whole
grid, runner.py runs them side by side, grid.py assembles each KPI from the aggregates,
drill.py reads the rows behind a KPI and pickers.py the filter choices.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from kpi import clock
from kpi.engine import catalogue as cat
from kpi.engine import drill, grid
from kpi.engine.drill import ROWS_LIMIT, KpiRows
from kpi.engine.formula import at_stage
from kpi.engine.grid import is_maturing, status_for
from kpi.engine.periods import (
    CUSTOM,
    PERIOD_KINDS,
    Period,
    period_containing,
    period_grid,
    reported_period,
)
from kpi.engine.pickers import dimension_values
from kpi.engine.results import Filters, KpiResult, Query, Scorecard
from kpi.engine.targets import current_targets
from kpi.store.database import Store
from kpi.store.settings import get_settings

__all__ = [
    "ROWS_LIMIT",
    "Filters",
    "KpiResult",
    "KpiRows",
    "Scorecard",
    "compute_scorecard",
    "default_as_of",
    "dimension_values",
    "is_maturing",
    "kpi_rows",
    "kpi_series",
    "kpi_value",
    "status_for",
]


def default_as_of(store: Store, today: date | None = None) -> date:
    """Today, or the last day with data when the data ends earlier (a historical CRM export)."""
    today = today or clock.today()
    latest = store.facts().execute("SELECT leads, deals FROM facts_latest").fetchone()
    known = [ts.date() for ts in latest if ts is not None]
    return min(today, max(known)) if known else today


@dataclass(frozen=True)
class _Settings:
    """What a computation reads from the settings, with the caller's window and as-of applied."""

    window: int
    sla_hours: float
    anchor: date
    as_of: date
    qualified_stage: str

    def kpis(self, kpi_ids: list[str] | None = None) -> list[cat.Kpi]:
        """The KPIs asked for (all by default) as the qualified-stage setting reads them."""
        kpis = [cat.get(k) for k in kpi_ids] if kpi_ids else list(cat.CATALOGUE)
        return [at_stage(kpi, self.qualified_stage) for kpi in kpis]


def _settings_for(store: Store, window: int | None, as_of: date | None) -> _Settings:
    settings = get_settings(store)
    window = settings["cohort_window_days"] if window is None else int(window)
    if window < 0:
        raise ValueError("the cohort window cannot be negative")
    return _Settings(
        window,
        float(settings["sla_hours"]),
        date.fromisoformat(settings["sprint_anchor"]),
        as_of or default_as_of(store),
        settings["qualified_stage"],
    )


def _reported_period(
    period: str, as_of: date, start: date | None, end: date | None, anchor: date
) -> tuple[str, Period]:
    """The period kind and the period to report: the explicit start–end, or the one of as-of."""
    if (start is None) != (end is None):
        raise ValueError("give both start and end, or neither")
    if start is not None:
        if end < start:
            raise ValueError("end is before start")
        return CUSTOM, Period(start, end)
    if period not in PERIOD_KINDS:
        raise ValueError(f"unknown period {period!r}")
    return period, period_containing(period, as_of, anchor)


def compute_scorecard(
    store: Store,
    *,
    period: str = "quincena",
    as_of: date | None = None,
    start: date | None = None,
    end: date | None = None,
    window: int | None = None,
    filters: Filters | None = None,
    kpi_ids: list[str] | None = None,
) -> Scorecard:
    """Every catalogue KPI for the period containing `as_of` (or the explicit start–end)."""
    filters = filters or Filters()
    settings = _settings_for(store, window, as_of)
    kind, current = _reported_period(period, settings.as_of, start, end, settings.anchor)
    periods = tuple(period_grid(kind, current, settings.anchor))
    query = Query(periods, settings.as_of, settings.window, settings.sla_hours, filters)
    evaluation = grid.compute_grid(store, query, settings.kpis(kpi_ids), current_targets(store))
    return Scorecard(
        kind,
        current.start,
        current.end,
        settings.as_of,
        settings.window,
        filters,
        evaluation.results,
        list(periods[1:]),
        {name: series[1:] for name, series in evaluation.volumes.items()},
        evaluation.quality,
    )


def last_complete_scorecard(
    store: Store, period: str = "quincena", today: date | None = None
) -> Scorecard:
    """The scorecard of the last complete `period` as of the data: what the meeting, its brief,
    its minutes and Inicio review (the running period is partial; the scorecard page offers it)."""
    settings = _settings_for(store, None, default_as_of(store, today))
    shown = reported_period(period, settings.as_of, settings.anchor)
    card = compute_scorecard(store, as_of=settings.as_of, start=shown.start, end=shown.end)
    return replace(card, period_kind=period)


def kpi_value(
    store: Store,
    kpi_id: str,
    start: date,
    end: date,
    *,
    filters: Filters | None = None,
    as_of: date | None = None,
    window: int | None = None,
) -> KpiResult:
    """One KPI over one explicit window (outcomes, sprint reviews), without the trend."""
    settings = _settings_for(store, window, as_of)
    current = Period(start, end)
    before = replace(
        current, start=start - timedelta(days=current.days), end=start - timedelta(days=1)
    )
    periods = (before, current)
    query = Query(
        periods, settings.as_of, settings.window, settings.sla_hours, filters or Filters()
    )
    evaluation = grid.compute_grid(store, query, settings.kpis([kpi_id]), current_targets(store))
    return evaluation.results[0]


def kpi_series(
    store: Store,
    kpi_ids: list[str],
    periods: list[Period],
    *,
    as_of: date | None = None,
    window: int | None = None,
) -> grid.Evaluation:
    """KPIs over explicit consecutive periods (a programme's cadence since its start): each
    result's trend has one point per period after the first, the last is its value, and its
    breakdown compares the last period with the one before; volumes cover every period."""
    settings = _settings_for(store, window, as_of)
    query = Query(tuple(periods), settings.as_of, settings.window, settings.sla_hours, Filters())
    return grid.compute_grid(store, query, settings.kpis(kpi_ids), current_targets(store))


def kpi_rows(
    store: Store,
    kpi_id: str,
    start: date,
    end: date,
    *,
    filters: Filters | None = None,
    as_of: date | None = None,
    window: int | None = None,
    limit: int = ROWS_LIMIT,
) -> KpiRows:
    """The exact rows behind a KPI's numerator and denominator for one window and filters."""
    settings = _settings_for(store, window, as_of)
    return drill.rows_behind(
        store,
        settings.kpis([kpi_id])[0],
        Period(start, end),
        filters=filters or Filters(),
        as_of=settings.as_of,
        window=settings.window,
        sla_hours=settings.sla_hours,
        limit=limit,
    )
