"""The programme's return, with every input shown: a before/after comparison, not proof of cause.

incremental gross margin = Σ over the whole months since the start of
    (won revenue in the month − the baseline's average monthly won revenue) × gross margin;
ROI = (incremental gross margin − programme cost) ÷ programme cost.
The gross margin is the won deals' own, Σ(amount − delivery cost) ÷ Σ amount over those months
(the margin_by_channel KPI), where deals record it; else the setting programme_gross_margin.
"""

from datetime import date, timedelta

from kpi.engine.compute import kpi_series, kpi_value
from kpi.engine.periods import Period
from kpi.programme.cadence import months_since
from kpi.programme.model import Programme
from kpi.store.database import Store
from kpi.store.settings import get_settings

MARGIN_KPI = "margin_by_channel"


def _margin(store: Store, months: list[Period], as_of: date) -> tuple[float, str]:
    """(gross margin, "deals" or "setting")."""
    if months:
        result = kpi_value(store, MARGIN_KPI, months[0].start, months[-1].end, as_of=as_of)
        if result.value is not None:
            return result.value, "deals"
    return float(get_settings(store)["programme_gross_margin"]), "setting"


def roi(store: Store, programme: Programme, snapshot: dict, as_of: date) -> dict:
    """The ROI and each of its inputs (None where an input is missing)."""
    months = months_since(programme.start, as_of)
    baseline_monthly = snapshot["monthly_won_revenue"]
    margin, margin_source = _margin(store, months, as_of)
    rows = []
    if months:
        eve = programme.start - timedelta(days=1)
        lead = Period(eve - (months[0].end - months[0].start), eve)
        won = kpi_series(store, [MARGIN_KPI], [lead, *months], as_of=as_of).volumes["won_revenue"]
        for month, revenue in zip(months, won[1:], strict=True):
            revenue = revenue or 0.0
            rows.append(
                {
                    "start": month.start.isoformat(),
                    "end": month.end.isoformat(),
                    "won_revenue": revenue,
                    "incremental_revenue": revenue - baseline_monthly,
                    "incremental_margin": (revenue - baseline_monthly) * margin,
                }
            )
    incremental = sum(r["incremental_margin"] for r in rows) if rows else None
    cost = programme.cost
    value = None if incremental is None or not cost else (incremental - cost) / cost
    return {
        "cost": cost,
        "gross_margin": margin,
        "margin_source": margin_source,
        "baseline_monthly_won_revenue": baseline_monthly,
        "months": rows,
        "incremental_gross_margin": incremental,
        "roi": value,
    }
