"""The engine's records: filters, the query grid, and the results a scorecard is made of."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kpi.engine import catalogue as cat
from kpi.engine.periods import Period, end_of_day


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    icp_tier: str | None = None
    owner: str | None = None

    def params(self) -> dict[str, str | None]:
        return {"channel": self.channel, "icp": self.icp_tier, "owner": self.owner}

    @property
    def splits_spend(self) -> bool:
        """Spend is known per channel only: under an ICP or owner filter it cannot be split."""
        return bool(self.icp_tier or self.owner)


@dataclass(frozen=True)
class TrendPoint:
    start: date
    end: date
    value: float | None
    n: int
    maturing: bool
    status: str
    mean: float | None = None  # median KPIs: the mean beside the median


@dataclass(frozen=True)
class BreakdownRow:
    dimension: str
    key: str | None
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int
    previous: float | None
    contribution: float | None


@dataclass
class KpiResult:
    kpi_id: str
    value: float | None
    numerator: float | None
    denominator: float | None
    n: int
    unit: str
    status: str
    maturing: bool
    insufficient: bool
    target: float
    tolerance: float
    previous: float | None
    delta: float | None
    start: date
    end: date
    trend: list[TrendPoint] = field(default_factory=list)
    breakdown: dict[str, list[BreakdownRow]] = field(default_factory=dict)
    data_quality: dict[str, int] = field(default_factory=dict)
    p90: float | None = None
    mean: float | None = None
    not_applicable: bool = False

    @property
    def kpi(self) -> cat.Kpi:
        return cat.get(self.kpi_id)

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape (DESIGN §7)."""
        return {
            "id": self.kpi_id,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "n": self.n,
            "unit": self.unit,
            "status": self.status,
            "maturing": self.maturing,
            "target": self.target,
            "tolerance": self.tolerance,
            "previous": self.previous,
            "delta": self.delta,
            "p90": self.p90,
            "mean": self.mean,
            "data_quality": self.data_quality,
            "breakdown": {
                dim: [
                    {
                        "key": row.key,
                        "value": row.value,
                        "numerator": row.numerator,
                        "denominator": row.denominator,
                        "n": row.n,
                        "previous": row.previous,
                        "contribution": row.contribution,
                    }
                    for row in rows
                ]
                for dim, rows in self.breakdown.items()
            },
        }


@dataclass
class Scorecard:
    period_kind: str
    start: date
    end: date
    as_of: date
    window: int
    filters: Filters
    results: list[KpiResult]
    periods: list[Period]
    volumes: dict[str, list[float | None]]  # one value per trend period, oldest first
    data_quality: dict[str, int]

    def get(self, kpi_id: str) -> KpiResult:
        for result in self.results:
            if result.kpi_id == kpi_id:
                return result
        raise KeyError(kpi_id)


@dataclass(frozen=True)
class Query:
    """What to compute: a grid of consecutive periods (the last is the reported one)."""

    periods: tuple[Period, ...]
    as_of: date
    window: int
    sla_hours: float
    filters: Filters

    @property
    def asof_ts(self) -> datetime:
        return end_of_day(self.as_of)


@dataclass(frozen=True)
class Metric:
    """One KPI in one group: its value and what it is made of."""

    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    n: int = 0
    p90: float | None = None
    mean: float | None = None
