"""The programme's eight success metrics as data, and how one is judged against its target band.

A target band is two changes from the baseline, in the metric's `target_kind`:
- "relative": fractions of the baseline (+0.20 = 20 % more; −0.40 = 40 % less);
- "absolute": values of the KPI itself (0.90 = 90 % compliance), whatever the baseline;
- "points": points added to the baseline (NPS +20).
`near` is the band's edge closest to the baseline (the smallest change that reaches it), `far`
the other. In the report, target_low/target_high are the band's edges as KPI values, low ≤ high.

Status of a current value (KPI direction d = +1 higher is better, −1 lower is better):
- "no_data" without a baseline or a current value;
- "maturing" / "insufficient" when the current point is a maturing cohort or below the KPI's
  minimum sample (grey, the scorecard's rules);
- "reached" at or beyond the near edge (inside or beyond the band);
- "on_pace" at or beyond the straight line from the baseline (at the start) to the near edge
  (at the horizon), read at the current point's last day;
- "behind" otherwise.
"""

from dataclasses import dataclass
from datetime import date

from kpi.engine import catalogue as cat
from kpi.engine.grid import EPSILON

TARGET_KINDS = ("relative", "absolute", "points")
CADENCES = ("week", "month", "quarter")
STATUSES = ("reached", "on_pace", "behind", "maturing", "insufficient", "no_data")


@dataclass(frozen=True)
class SuccessMetric:
    """One row of the programme's table: which KPI, its default target band and cadence."""

    id: str
    kpi_id: str | None  # None: measured outside the catalogue (the team's internal NPS)
    target_kind: str
    near: float  # default band edge closest to the baseline
    far: float  # default band edge farthest from it (== near for a single threshold)
    horizon_months: int
    cadence: str
    statistic: str = "value"  # "value" (the KPI's own) or "mean" (the KPI's mean beside it)
    direction: int = 0  # for a metric without a KPI; else the KPI's

    @property
    def sign(self) -> int:
        return cat.get(self.kpi_id).direction if self.kpi_id else self.direction


SUCCESS_METRICS: tuple[SuccessMetric, ...] = (
    SuccessMetric("acceptance", "lead_acceptance_rate", "relative", 0.20, 0.30, 3, "month"),
    # The programme says "promedio": the mean, with the median (the KPI's value) beside it.
    SuccessMetric(
        "response_time", "lead_response_hours", "relative", -0.40, -0.50, 3, "week", "mean"
    ),
    SuccessMetric(
        "lead_to_opportunity", "lead_to_opportunity_rate", "relative", 0.15, 0.25, 6, "month"
    ),
    SuccessMetric("sla_compliance", "sla_response_compliance", "absolute", 0.90, 1.0, 3, "week"),
    SuccessMetric("team_nps", None, "points", 20, 20, 6, "quarter", direction=1),
    SuccessMetric("revenue_per_qualified", "revenue_per_sql", "relative", 0.10, 0.15, 6, "month"),
    SuccessMetric("sales_cycle", "sales_cycle_days", "relative", -0.15, -0.20, 6, "month"),
    SuccessMetric("cost_per_qualified", "cost_per_sql", "relative", -0.10, -0.15, 6, "month"),
)
BY_ID = {metric.id: metric for metric in SUCCESS_METRICS}


def band(kind: str, near: float, far: float, baseline: float | None) -> tuple[float, float] | None:
    """The band's (near, far) edges as KPI values, or None when they need a missing baseline."""
    if kind == "absolute":
        return near, far
    if baseline is None:
        return None
    if kind == "relative":
        return baseline * (1 + near), baseline * (1 + far)
    return baseline + near, baseline + far


def expected_at(
    baseline: float, near_edge: float, start: date, horizon_end: date, day: date
) -> float:
    """The straight line from the baseline at `start` to the near edge at `horizon_end`."""
    span = (horizon_end - start).days
    elapsed = min(max((day - start).days, 0), span)
    return baseline + (near_edge - baseline) * (elapsed / span if span else 1.0)


def judge(
    direction: int,
    baseline: float | None,
    current: float | None,
    edges: tuple[float, float] | None,
    expected: float | None,
    *,
    maturing: bool = False,
    insufficient: bool = False,
) -> str:
    """A metric's status (see the module docstring)."""
    if baseline is None or current is None or edges is None:
        return "no_data"
    if maturing:
        return "maturing"
    if insufficient:
        return "insufficient"
    if (current - edges[0]) * direction >= -EPSILON:
        return "reached"
    if expected is not None and (current - expected) * direction >= -EPSILON:
        return "on_pace"
    return "behind"
