"""Quarterly outcomes (at most 3 per quarter) whose baseline and progress come from the data.

Definitions (all values through the scorecard engine, `kpi.engine.compute.kpi_value`, with the
outcome's filter, so they equal the scorecard's own numbers for the same window and as-of):
- baseline = the KPI over the whole quarter before the outcome's quarter, as known on that
  quarter's last day (the data available when the outcome's quarter starts); a person may
  override it, and the override is stored and flagged;
- current = the KPI from the quarter's first day to today (or the quarter's last day), as of
  that same day;
- progress = (current − baseline) ÷ (target − baseline): 0 at the baseline, 1 at the target,
  for higher- and lower-is-better KPIs alike; undefined when a value is missing or
  target = baseline;
- elapsed = days of the quarter gone by, today included, ÷ days in the quarter;
- on track when progress ≥ elapsed (the straight path from baseline to target);
- no progress yet (and no verdict) while the current value is provisional (a maturing cohort
  or below the KPI's minimum sample) and behind the baseline: a maturing cohort rate only
  grows as conversions arrive and a small sample swings, so a new outcome does not start at
  «Progreso −342 %».
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kpi.access.roles import Actor, require
from kpi.cockpit.backlog_rules import BacklogError
from kpi.engine import catalogue
from kpi.engine.compute import Filters, KpiResult, kpi_value
from kpi.engine.periods import Period, period_containing
from kpi.engine.targets import TARGET_RANGES
from kpi.errors import (
    EARLIEST_DATE,
    LATEST_DATE,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    InvalidInput,
    TextField,
    finite_number,
)
from kpi.i18n import t
from kpi.store.database import Store

MAX_OUTCOMES = 3
ICP_TIERS = ("A", "B", "C")
TRAJECTORY_STEP_DAYS = 7
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
# The text people type into an outcome (limits and line rules in kpi.errors.user_text).
OUTCOME_TEXT = {
    "title": TextField("outcomes.create.title", TITLE_MAX),
    "owner": TextField("outcomes.create.owner", SHORT_TEXT_MAX),
    "channel": TextField("outcomes.create.channel", SHORT_TEXT_MAX),
}


class OutcomesFull(BacklogError):
    """The quarter already has its three outcomes."""


@dataclass(frozen=True)
class OutcomeStatus:
    """Where one outcome stands: windows, values, progress and the on/off-track verdict."""

    outcome: dict
    baseline_window: Period
    current_window: Period
    baseline_result: KpiResult  # the engine's numbers for the baseline window
    current_result: KpiResult | None  # None before the quarter starts
    baseline: float | None  # the override when set, else the computed value
    current: float | None
    progress: float | None
    elapsed: float
    on_track: bool | None


# ---- pure rules ------------------------------------------------------------------------------


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_name(label: str, lang: str) -> str:
    """`2026-Q4` as people read it: «T4 2026» in Spanish, «Q4 2026» in English."""
    match = _QUARTER.match(label)
    if not match:
        return label
    return t("quarter.name", lang, number=match.group(2), year=match.group(1))


def quarter_period(label: str) -> Period:
    match = _QUARTER.match(label or "")
    if not match:
        raise BacklogError("outcomes.error.quarter", quarter=str(label)[:40])
    year, number = int(match[1]), int(match[2])
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise BacklogError("outcomes.error.quarter", quarter=label)
    return period_containing("quarter", date(year, 3 * number - 2, 1), date(year, 1, 1))


def previous_quarter(period: Period) -> Period:
    day_before = period.start - timedelta(days=1)
    return period_containing("quarter", day_before, day_before)


def progress(baseline: float | None, current: float | None, target: float) -> float | None:
    if baseline is None or current is None or target == baseline:
        return None
    return (current - baseline) / (target - baseline)


def measured_progress(
    baseline: float | None, current: KpiResult | None, target: float
) -> float | None:
    """Progress, withheld while the current value is provisional and behind the baseline."""
    value = progress(baseline, current.value if current else None, target)
    provisional = current is not None and (current.maturing or current.insufficient)
    return None if value is not None and value < 0 and provisional else value


def elapsed_fraction(period: Period, today: date) -> float:
    days_gone = (min(today, period.end) - period.start).days + 1
    return max(0.0, min(1.0, days_gone / period.days))


def on_track(progress_value: float | None, elapsed: float) -> bool | None:
    return None if progress_value is None else progress_value >= elapsed


def target_against_direction(baseline: float | None, target: float, direction: int) -> bool:
    """True when the target asks the KPI to get worse (below the baseline of a
    higher-is-better KPI, or above that of a lower-is-better one)."""
    return baseline is not None and (target - baseline) * direction < 0


def plan_value(baseline: float, target: float, period: Period, day: date) -> float:
    """The straight path from the baseline (quarter start) to the target (quarter end)."""
    return baseline + (target - baseline) * elapsed_fraction(period, day)


# ---- data ------------------------------------------------------------------------------------


def filters_of(outcome: dict) -> Filters:
    return Filters(channel=outcome.get("channel"), icp_tier=outcome.get("icp_tier"))


def result_between(store: Store, outcome: dict, start: date, end: date) -> KpiResult:
    """The outcome's KPI over [start, end] (days included) as known on `end`."""
    return kpi_value(store, outcome["kpi_id"], start, end, filters=filters_of(outcome), as_of=end)


def outcome_status(store: Store, outcome: dict, today: date | None = None) -> OutcomeStatus:
    today = today or store.now().date()
    period = quarter_period(outcome["quarter"])
    before = previous_quarter(period)
    baseline_result = result_between(store, outcome, before.start, before.end)
    baseline = outcome["baseline"] if outcome["baseline_overridden"] else baseline_result.value
    current_end = min(max(today, period.start), period.end)
    current_result = (
        result_between(store, outcome, period.start, current_end) if today >= period.start else None
    )
    current = current_result.value if current_result else None
    done = measured_progress(baseline, current_result, outcome["target"])
    elapsed = elapsed_fraction(period, today)
    return OutcomeStatus(
        outcome,
        before,
        Period(period.start, current_end),
        baseline_result,
        current_result,
        baseline,
        current,
        done,
        elapsed,
        on_track(done, elapsed),
    )


def trajectory(store: Store, status: OutcomeStatus, today: date | None = None) -> list[dict]:
    """Quarter-to-date values every 7 days up to today, with the straight plan beside them."""
    today = today or store.now().date()
    outcome = status.outcome
    period = quarter_period(outcome["quarter"])
    last = min(today, period.end)
    days = []
    day = period.start + timedelta(days=TRAJECTORY_STEP_DAYS - 1)
    while day < last:
        days.append(day)
        day += timedelta(days=TRAJECTORY_STEP_DAYS)
    if last >= period.start:
        days.append(last)
    points = []
    for day in days:
        plan = (
            None
            if status.baseline is None
            else plan_value(status.baseline, outcome["target"], period, day)
        )
        actual = result_between(store, outcome, period.start, day).value
        points.append({"day": day, "actual": actual, "plan": plan})
    return points


# ---- writes ----------------------------------------------------------------------------------


def _clean(kpi_id: str, channel: str | None, icp_tier: str | None) -> tuple:
    if kpi_id not in catalogue.BY_ID:
        raise BacklogError("outcomes.error.kpi", kpi_id=str(kpi_id)[:40])
    channel = OUTCOME_TEXT["channel"].clean(channel) or None
    icp_tier = str(icp_tier or "").strip().upper() or None
    if icp_tier is not None and icp_tier not in ICP_TIERS:
        raise BacklogError("outcomes.error.icp")
    return kpi_id, channel, icp_tier


def _number(value, kpi_id: str) -> float:
    """A target or baseline within the plausible range of the KPI's unit (as for targets)."""
    low, high = TARGET_RANGES[catalogue.get(kpi_id).unit]
    try:
        return finite_number(value, "target", low, high)
    except InvalidInput:
        raise BacklogError("outcomes.error.target") from None


def create_outcome(
    store: Store,
    actor: Actor,
    *,
    quarter: str,
    title: str,
    kpi_id: str,
    target: float,
    channel: str | None = None,
    icp_tier: str | None = None,
    owner: str | None = None,
    baseline: float | None = None,
) -> dict:
    """Add one of the quarter's outcomes (rates as fractions: 30 % = 0.30); refuses a fourth."""
    require(actor, "outcomes")
    quarter_period(quarter)
    title = OUTCOME_TEXT["title"].clean(title)
    owner = OUTCOME_TEXT["owner"].clean(owner) or None
    if not title:
        raise BacklogError("outcomes.error.title")
    kpi_id, channel, icp_tier = _clean(kpi_id, channel, icp_tier)
    target = _number(target, kpi_id)
    with store.write(actor, "outcomes") as w:
        count = w.cur.execute(
            "SELECT count(*) FROM outcomes WHERE quarter = ?", [quarter]
        ).fetchone()[0]
        if count >= MAX_OUTCOMES:
            raise OutcomesFull("outcomes.error.full", quarter=quarter, cap=MAX_OUTCOMES)
        return w.insert(
            "outcomes",
            {
                "quarter": quarter,
                "title": title,
                "kpi_id": kpi_id,
                "channel": channel,
                "icp_tier": icp_tier,
                "baseline": None if baseline is None else _number(baseline, kpi_id),
                "baseline_overridden": baseline is not None,
                "target": target,
                "owner": owner,
                "created_by": actor.username,
                "created_at": w.now,
            },
        )


def set_baseline(store: Store, actor: Actor, outcome_id: int, baseline: float | None) -> dict:
    """Override the computed baseline (None returns to the value computed from the data)."""
    require(actor, "outcomes")
    with store.write(actor, "outcomes") as w:
        row = w.cur.execute("SELECT kpi_id FROM outcomes WHERE id = ?", [outcome_id]).fetchone()
        if row is None:
            raise BacklogError("outcomes.error.unknown", outcome_id=outcome_id)
        changes = {"baseline": None if baseline is None else _number(baseline, row[0])}
        changes["baseline_overridden"] = baseline is not None
        return w.update("outcomes", {"id": outcome_id}, changes)


def list_outcomes(store: Store, quarter: str) -> list[dict]:
    return store.rows("SELECT * FROM outcomes WHERE quarter = ? ORDER BY id", [quarter])


def known_channels(store: Store) -> list[str]:
    rows = (
        store.facts()
        .execute("SELECT DISTINCT channel FROM leads WHERE channel IS NOT NULL ORDER BY channel")
        .fetchall()
    )
    return [row[0] for row in rows]


def quarters_with_outcomes(store: Store) -> list[str]:
    rows = (
        store.state().execute("SELECT DISTINCT quarter FROM outcomes ORDER BY quarter").fetchall()
    )
    return [row[0] for row in rows]
