"""Compliance with each SLA commitment per period, computed from the facts in SQL.

Every figure counts the cases whose deadline (or, for lead quality, MQL date) falls in the
period and has passed as of the as-of day; cases still within their deadline are left for a
later period, never counted as missed.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from kpi.agreements.sla import OWNERS, TIERS, Sla
from kpi.cockpit.rejection_review import review_compliance
from kpi.engine.compute import default_as_of
from kpi.engine.periods import Period, end_of_day, period_grid, reported_period
from kpi.store.database import Store
from kpi.store.settings import get_settings

# The response deadline of each lead: its MQL instant plus its tier's agreed hours.
RESPONSE_SQL = """
WITH due AS (
    SELECT mql_eff, first_response_at,
           mql_eff + to_microseconds(CAST(round(3600000000 * CASE icp_tier
               WHEN 'A' THEN $hours_a WHEN 'B' THEN $hours_b WHEN 'C' THEN $hours_c
               ELSE $hours END) AS BIGINT)) AS deadline
    FROM lead_facts
    WHERE mql_eff >= $earliest AND mql_eff < $hi
)
SELECT count(*) FILTER (WHERE first_response_at <= deadline), count(*)
FROM due
WHERE deadline >= $lo AND deadline < $hi AND deadline < $asof
  -- A response before the MQL is a data-quality issue the scorecard reports: not a case here.
  AND (first_response_at IS NULL OR first_response_at >= mql_eff)
"""

QUALITY_SQL = """
SELECT count(*) FILTER (WHERE icp_tier = 'A'), count(*), count(*) FILTER (WHERE icp_tier IS NULL)
FROM lead_facts
WHERE mql_eff >= $lo AND mql_eff < $hi AND mql_eff < $asof
"""

# The feedback deadline: the end of the N-th business day (Monday to Friday) after the
# rejection day; a weekend rejection counts from the Friday before (Saturday + 1 = Monday).
FEEDBACK_SQL = """
WITH rejected AS (
    SELECT rejection_reason, CAST(rejected_at AS DATE) AS day, isodow(rejected_at) AS dow
    FROM lead_facts
    WHERE rejected_at IS NOT NULL AND rejected_at >= $earliest AND rejected_at < $hi
),
due AS (
    SELECT rejection_reason,
           day + CAST($whole_weeks + $rest - greatest(dow - 5, 0)
               + CASE WHEN least(dow, 5) + $rest > 5 THEN 2 ELSE 0 END AS INTEGER) AS deadline
    FROM rejected
)
SELECT count(*) FILTER (WHERE nullif(trim(rejection_reason), '') IS NOT NULL), count(*)
FROM due
WHERE deadline >= $start AND deadline <= $end AND deadline <= $asof_day
"""


@dataclass(frozen=True)
class ItemCompliance:
    """One commitment's figure for one period: value = numerator ÷ denominator."""

    item: str
    owner: str
    numerator: int | None
    denominator: int | None
    target: float
    details: dict[str, int] = field(default_factory=dict)

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def status(self) -> str:
        """met or missed against the agreed share; no_data when nothing fell due."""
        if self.value is None:
            return "no_data"
        return "met" if self.value >= self.target else "missed"


def _response(store: Store, sla: Sla, period: Period, asof) -> ItemCompliance:
    hours = {f"hours_{t.lower()}": sla.hours_for(t) for t in TIERS}
    longest = max([sla.response_hours, *hours.values()])
    params = {
        **hours,
        "hours": sla.response_hours,
        "earliest": period.start_ts - timedelta(hours=longest),
        "lo": period.start_ts,
        "hi": period.end_ts,
        "asof": asof,
    }
    met, due = store.facts().execute(RESPONSE_SQL, params).fetchone()
    return ItemCompliance("response", OWNERS["response"], met, due, sla.compliance_target)


def _quality(store: Store, sla: Sla, period: Period, asof) -> ItemCompliance:
    params = {"lo": period.start_ts, "hi": period.end_ts, "asof": asof}
    tier_a, mqls, unknown = store.facts().execute(QUALITY_SQL, params).fetchone()
    details = {"unknown_tier": unknown}
    return ItemCompliance("quality", OWNERS["quality"], tier_a, mqls, sla.min_icp_a_share, details)


def _feedback(store: Store, sla: Sla, period: Period, as_of: date) -> ItemCompliance:
    days = sla.feedback_business_days
    params = {
        # N business days never span more than N // 5 + 1 weeks, plus a weekend start.
        "earliest": period.start_ts - timedelta(days=7 * (days // 5 + 1) + 2),
        "hi": period.end_ts,
        "whole_weeks": 7 * (days // 5),
        "rest": days % 5,
        "start": period.start,
        "end": period.end,
        "asof_day": as_of,
    }
    given, due = store.facts().execute(FEEDBACK_SQL, params).fetchone()
    return ItemCompliance("feedback", OWNERS["feedback"], given, due, sla.compliance_target)


def _review(store: Store, sla: Sla, period: Period, as_of: date) -> ItemCompliance:
    # Marketing's marks live with the rejected-lead review, which counts them against our days.
    found = review_compliance(store, period.start, period.end, sla.review_days, end_of_day(as_of))
    details = {"pending": found.pending}
    target = sla.compliance_target
    return ItemCompliance("review", OWNERS["review"], found.in_time, found.due, target, details)


def sla_compliance(store: Store, sla: Sla, period: Period, as_of: date) -> list[ItemCompliance]:
    """Each commitment of `sla` over `period`, counting what had fallen due by `as_of`."""
    asof = end_of_day(as_of)
    return [
        _response(store, sla, period, asof),
        _quality(store, sla, period, asof),
        _feedback(store, sla, period, as_of),
        _review(store, sla, period, as_of),
    ]


def recent_periods(store: Store, kind: str, count: int) -> tuple[list[Period], date]:
    """The last `count` complete periods of `kind` as of the data (oldest first), and that as-of."""
    as_of = default_as_of(store)
    anchor = date.fromisoformat(get_settings(store)["sprint_anchor"])
    last = reported_period(kind, as_of, anchor)
    return period_grid(kind, last, anchor, count), as_of
