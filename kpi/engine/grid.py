"""Assembly: each KPI's value, trend, breakdowns and status from the grid's aggregates."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kpi.engine.formula import QUALITY, VOLUMES, Kpi
from kpi.engine.periods import Period, end_of_day
from kpi.engine.results import BreakdownRow, Filters, KpiResult, Metric, Query, TrendPoint
from kpi.engine.runner import Aggregates, Cell, aggregate, number
from kpi.store.database import Store

EPSILON = 1e-9


@dataclass(frozen=True)
class Evaluation:
    """The KPIs of one query, with the context volumes and the scorecard's quality counters."""

    results: list[KpiResult]
    volumes: dict[str, list[float | None]]  # one value per grid period, oldest first
    quality: dict[str, int]  # over the reported (last) period


def _metric(kpi: Kpi, row: dict | None, spend: float | None, filters: Filters) -> Metric:
    """Value, numerator, denominator, n (and p90/mean) of one KPI in one group."""
    k = kpi.id
    if kpi.kind == "spend_per":
        den = int(row[f"{k}__den"]) if row else 0
        # No spend recorded for the period (or not attributable): no value, never a free 0 €.
        if filters.splits_spend or spend is None:
            return Metric(denominator=den, n=den)
        return Metric(spend / den if den else None, spend, den, den)
    if row is None:
        zero = 0.0 if kpi.kind == "sum_ratio" else 0
        return Metric(numerator=None if kpi.kind == "median" else zero, denominator=zero)
    if kpi.kind == "rate":
        num, den = int(row[f"{k}__num"]), int(row[f"{k}__den"])
        return Metric(num / den if den else None, num, den, den)
    if kpi.kind == "sum_ratio":
        num, den = number(row[f"{k}__num"]), number(row[f"{k}__den"])
        n = int(row[f"{k}__n"])
        return Metric(num / den if n and den else None, num, den, n)
    if kpi.kind == "median":
        n = int(row[f"{k}__n"])
        # No quantile row comes back for a group without a valid duration.
        median, p90 = row.get(f"{k}__q") or (None, None)
        mean = number(row.get(f"{k}__mean"))
        return Metric(number(median), None, n, n, number(p90), mean)
    prom, detr, n = int(row[f"{k}__prom"]), int(row[f"{k}__detr"]), int(row[f"{k}__n"])
    return Metric(100.0 * (prom - detr) / n if n else None, prom - detr, n, n)


def _weight_base(kpi: Kpi, metric: Metric) -> float | None:
    if kpi.kind in ("median", "nps"):
        return metric.n
    return metric.denominator


def status_for(
    kpi: Kpi, value: float | None, n: int, target: float, tolerance: float, maturing: bool
) -> str:
    """Green at or beyond target, amber within tolerance, red beyond; grey without evidence."""
    if value is None or n < kpi.min_sample:
        return "grey"
    tol = tolerance / 100 if kpi.unit == "rate" else tolerance
    gap = (value - target) * kpi.direction
    if gap >= -EPSILON:
        return "green"
    if gap >= -tol - EPSILON:
        return "amber"
    # A young cohort can still convert: never red while maturing.
    return "grey" if maturing else "red"


def is_maturing(kpi: Kpi, period: Period, as_of: date, window: int) -> bool:
    if not kpi.cohort:
        return False
    # W = 0 means an unlimited window: any cohort can still convert, so none is ever final.
    return window == 0 or period.end_ts + timedelta(days=window) > end_of_day(as_of)


def contributions(
    kpi: Kpi,
    current: Metric,
    previous: Metric,
    rows_now: dict[Any, Metric],
    rows_before: dict[Any, Metric],
) -> dict[Any, float | None]:
    """Each group's share of the change: w_now·(v_now − P) − w_before·(v_before − P).

    For ratios and NPS the contributions add up exactly to the total change; for medians
    they are an approximation that still ranks the groups that moved the KPI most.
    """
    reference = previous.value if previous.value is not None else current.value
    total_now, total_before = _weight_base(kpi, current), _weight_base(kpi, previous)
    out = {}
    for key in set(rows_now) | set(rows_before):
        parts = []
        for rows, total in ((rows_now, total_now), (rows_before, total_before)):
            metric = rows.get(key)
            weight = _weight_base(kpi, metric) if metric else None
            if (
                metric is None
                or metric.value is None
                or not total
                or not weight
                or reference is None
            ):
                parts.append(0.0)
            else:
                parts.append(weight / total * (metric.value - reference))
        out[key] = None if reference is None else parts[0] - parts[1]
    return out


@dataclass(frozen=True)
class _Judged:
    """One KPI under one query, with the target it is judged against."""

    kpi: Kpi
    query: Query
    aggregates: Aggregates
    target: float
    tolerance: float

    def metric_at(self, p: int, dim: str | None = None, key: Any = None) -> Metric:
        row = self.aggregates.groups.get(Cell(self.kpi.anchor, p, dim, key))
        spent = (
            self.aggregates.spend.get((p, key if dim == "channel" else None))
            if dim in (None, "channel")
            else None
        )
        return _metric(self.kpi, row, spent, self.query.filters)


def _trend(judged: _Judged) -> list[TrendPoint]:
    kpi, query = judged.kpi, judged.query
    trend = []
    for p, period in enumerate(query.periods):
        metric = judged.metric_at(p)
        maturing = is_maturing(kpi, period, query.as_of, query.window)
        status = status_for(kpi, metric.value, metric.n, judged.target, judged.tolerance, maturing)
        trend.append(
            TrendPoint(
                period.start, period.end, metric.value, metric.n, maturing, status, metric.mean
            )
        )
    return trend


def _breakdown(judged: _Judged, dim: str, current: Metric, previous: Metric | None):
    """The rows of one dimension in the reported period, the groups that moved the KPI first."""
    kpi, last = judged.kpi, len(judged.query.periods) - 1
    shown = (last, last - 1)
    keys = {
        c.key
        for c in judged.aggregates.groups
        if c.anchor == kpi.anchor and c.dimension == dim and c.period in shown
    }
    if dim == "channel" and kpi.kind == "spend_per":
        keys |= {key for (p, key) in judged.aggregates.spend if key is not None and p in shown}
    now = {key: judged.metric_at(last, dim, key) for key in keys}
    before = {key: judged.metric_at(last - 1, dim, key) for key in keys} if last else {}
    contrib = contributions(kpi, current, previous or current, now, before)
    rows = [
        BreakdownRow(
            dim,
            key,
            now[key].value,
            now[key].numerator,
            now[key].denominator,
            now[key].n,
            before[key].value if key in before else None,
            contrib.get(key),
        )
        for key in keys
    ]
    rows.sort(
        key=lambda r: (
            r.contribution is None,
            (r.contribution or 0.0) * kpi.direction,
            -(r.n or 0),
            str(r.key),
        )
    )
    return rows


def _kpi_result(judged: _Judged) -> KpiResult:
    kpi, query = judged.kpi, judged.query
    last = len(query.periods) - 1
    trend = _trend(judged)
    current, previous = judged.metric_at(last), judged.metric_at(last - 1) if last else None
    row = judged.aggregates.groups.get(Cell(kpi.anchor, last))
    prev_value = previous.value if previous else None
    return KpiResult(
        kpi_id=kpi.id,
        value=current.value,
        numerator=current.numerator,
        denominator=current.denominator,
        n=current.n,
        unit=kpi.unit,
        status=trend[-1].status,
        maturing=trend[-1].maturing,
        insufficient=current.value is not None and current.n < kpi.min_sample,
        target=judged.target,
        tolerance=judged.tolerance,
        previous=prev_value,
        delta=None if current.value is None or prev_value is None else current.value - prev_value,
        start=query.periods[-1].start,
        end=query.periods[-1].end,
        trend=trend[1:] if last else trend,
        breakdown={dim: _breakdown(judged, dim, current, previous) for dim in kpi.breakdowns},
        data_quality={
            name: int(row[f"{kpi.id}__q__{name}"]) if row else 0 for name, _ in kpi.quality
        },
        p90=current.p90,
        mean=current.mean,
        not_applicable=kpi.kind == "spend_per" and query.filters.splits_spend,
    )


def _counter(aggregates: Aggregates, anchor: str, p: int, name: str) -> float | None:
    row = aggregates.groups.get(Cell(anchor, p))
    return number(row[name]) if row else 0.0


def compute_grid(
    store: Store, query: Query, kpis: list[Kpi], targets: dict[str, tuple[float, float]]
) -> Evaluation:
    """The engine's one computation: every KPI of `kpis` over the query's grid of periods."""
    aggregates = aggregate(store, query, kpis)
    results = [
        _kpi_result(
            _Judged(kpi, query, aggregates, *targets.get(kpi.id, (kpi.target, kpi.tolerance)))
        )
        for kpi in kpis
    ]
    count = len(query.periods)
    volumes = {
        name: [_counter(aggregates, anchor, p, f"vol__{name}") for p in range(count)]
        for name, (anchor, _expr, _condition) in VOLUMES.items()
    }
    quality = {
        name: int(_counter(aggregates, anchor, count - 1, f"dq__{name}"))
        for name, (anchor, _condition) in QUALITY.items()
    }
    return Evaluation(results, volumes, quality)
