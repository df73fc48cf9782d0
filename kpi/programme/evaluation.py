"""The success metrics of a programme measured: baseline, series since the start, current value,
change, target band, status and where the change came from (by channel and ICP tier)."""

from datetime import date, timedelta
from typing import Any

from kpi.cockpit.team_survey import enps_by_period
from kpi.engine import catalogue as cat
from kpi.engine.compute import kpi_series
from kpi.engine.grid import contributions
from kpi.engine.periods import Period
from kpi.engine.results import BreakdownRow, KpiResult, Metric, TrendPoint
from kpi.programme import metrics as sm
from kpi.programme.cadence import cadence_period, months_before, periods_since
from kpi.programme.model import Programme
from kpi.programme.snapshot import DIMENSIONS
from kpi.store.database import Store


def _point(point: TrendPoint, statistic: str) -> dict:
    return {
        "start": point.start.isoformat(),
        "end": point.end.isoformat(),
        "value": point.mean if statistic == "mean" else point.value,
        "median": point.value if statistic == "mean" else None,
        "n": point.n,
        "maturing": point.maturing,
    }


def _metric_of(entry: dict) -> Metric:
    return Metric(entry["value"], entry["numerator"], entry["denominator"], entry["n"])


def _row_metric(row: BreakdownRow) -> Metric:
    return Metric(row.value, row.numerator, row.denominator, row.n)


def _breakdown(kpi: cat.Kpi, base: dict, result: KpiResult | None) -> dict[str, list[dict]]:
    """Per channel and ICP tier: baseline, current and each group's share of the change (the
    scorecard's contribution method, with the baseline as the reference period)."""
    out = {}
    for dim in DIMENSIONS:
        if dim not in kpi.breakdowns or result is None:
            out[dim] = []
            continue
        before = {row["key"]: _metric_of(row) for row in base["breakdown"].get(dim, [])}
        now = {row.key: _row_metric(row) for row in result.breakdown.get(dim, [])}
        current = Metric(result.value, result.numerator, result.denominator, result.n)
        shares = contributions(kpi, current, _metric_of(base), now, before)
        rows = [
            {
                "key": key,
                "baseline": before[key].value if key in before else None,
                "current": now[key].value if key in now else None,
                "contribution": shares.get(key),
            }
            for key in set(before) | set(now)
        ]
        rows.sort(key=lambda r: (r["contribution"] is None, -abs(r["contribution"] or 0.0)))
        out[dim] = rows
    return out


def _judged(
    metric: sm.SuccessMetric,
    programme: Programme,
    baseline: float | None,
    band: tuple[float, float],
    last: dict | None,
    min_sample: int,
) -> dict[str, Any]:
    """Change, band edges, the straight-line expectation and the status of the last point."""
    current = last["value"] if last else None
    edges = sm.band(metric.target_kind, *band, baseline)
    expected = None
    if edges is not None and baseline is not None and last is not None:
        horizon = months_before(programme.start, -metric.horizon_months)
        expected = sm.expected_at(
            baseline, edges[0], programme.start, horizon, date.fromisoformat(last["end"])
        )
    change = None if current is None or baseline is None else current - baseline
    return {
        "current": current,
        "change_abs": change,
        "change_rel": change / baseline if change is not None and baseline else None,
        "target_low": min(edges) if edges else None,
        "target_high": max(edges) if edges else None,
        "target_near": band[0],
        "target_far": band[1],
        "expected": expected,
        "status": sm.judge(
            metric.sign,
            baseline,
            current,
            edges,
            expected,
            maturing=bool(last and last["maturing"]),
            insufficient=bool(last and last["n"] < min_sample),
        ),
        "current_start": last["start"] if last else None,
        "current_end": last["end"] if last else None,
    }


def _kpi_metric(
    metric: sm.SuccessMetric,
    programme: Programme,
    snapshot: dict,
    band: tuple[float, float],
    result: KpiResult | None,
) -> dict:
    kpi = cat.get(metric.kpi_id)
    base = snapshot["kpis"][kpi.id]
    baseline = base["mean"] if metric.statistic == "mean" else base["value"]
    series = [_point(p, metric.statistic) for p in result.trend] if result else []
    last = series[-1] if series else None
    return {
        "id": metric.id,
        "kpi": kpi.id,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "cadence": metric.cadence,
        "horizon_months": metric.horizon_months,
        "statistic": metric.statistic,
        "target_kind": metric.target_kind,
        "baseline": baseline,
        "baseline_median": base["value"] if metric.statistic == "mean" else None,
        "current_median": last["median"] if last else None,
        **_judged(metric, programme, baseline, band, last, kpi.min_sample),
        "series": series,
        "breakdown": _breakdown(kpi, base, result),
    }


def _survey_metric(
    metric: sm.SuccessMetric, programme: Programme, store: Store, band, as_of: date
) -> dict:
    """The team's NPS from the internal survey (kpi/cockpit/team_survey.py): the first survey
    since the start is the baseline, the latest the current value; "sin datos" until one is
    answered. A survey's figure is shown only with enough answers, so no sample rule applies."""
    periods = periods_since(metric.cadence, programme.start, as_of)
    values = enps_by_period(store, periods)
    series = [
        {"start": p.start.isoformat(), "end": p.end.isoformat(), "value": v, "n": None}
        for p, v in zip(periods, values or [], strict=False)
    ]
    measured = [point for point in series if point["value"] is not None]
    baseline = measured[0]["value"] if measured else None
    last = {**measured[-1], "maturing": False, "n": 0} if measured else None
    return {
        "id": metric.id,
        "kpi": None,
        "unit": "score",
        "direction": metric.direction,
        "cadence": metric.cadence,
        "horizon_months": metric.horizon_months,
        "statistic": metric.statistic,
        "target_kind": metric.target_kind,
        "baseline": baseline,
        **_judged(metric, programme, baseline, band, last, 0),
        "series": series,
        "breakdown": {dim: [] for dim in DIMENSIONS},
        "survey_available": values is not None,
    }


def evaluate_metrics(
    store: Store,
    programme: Programme,
    snapshot: dict,
    overrides: dict[str, tuple[float, float]],
    as_of: date,
) -> list[dict]:
    """Every success metric of the programme as of `as_of`, in the table's order."""
    results: dict[str, KpiResult] = {}
    for cadence in sm.CADENCES:
        kpi_ids = [m.kpi_id for m in sm.SUCCESS_METRICS if m.cadence == cadence and m.kpi_id]
        periods = periods_since(cadence, programme.start, as_of)
        if not kpi_ids or not periods:
            continue
        # The period before the start leads the grid: the engine compares each with the one before.
        eve = programme.start - timedelta(days=1)
        lead = Period(cadence_period(cadence, eve).start, eve)
        evaluation = kpi_series(store, kpi_ids, [lead, *periods], as_of=as_of)
        results.update({r.kpi_id: r for r in evaluation.results})
    out = []
    for metric in sm.SUCCESS_METRICS:
        band = overrides.get(metric.id, (metric.near, metric.far))
        if metric.kpi_id is None:
            out.append(_survey_metric(metric, programme, store, band, as_of))
        else:
            result = results.get(metric.kpi_id)
            out.append(_kpi_metric(metric, programme, snapshot, band, result))
    return out
