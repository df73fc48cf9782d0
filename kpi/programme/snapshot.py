"""The baseline snapshot: every KPI, the funnel, acceptance and response time over a window.

The KPIs come from the scorecard engine (compute_scorecard over the baseline window, as known on
the as-of day), so a baseline equals `kpi scorecard --from <start> --to <end>`. The funnel counts
each stage's events in the window (leads created, MQLs, SQLs, deals created, deals won: the
scorecard's anchors), so a stage conversion is a ratio of flows, not a cohort. Everything is
broken down by channel and ICP tier. The snapshot is plain JSON: frozen once, never recomputed.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from kpi.engine import catalogue as cat
from kpi.engine.compute import compute_scorecard, default_as_of
from kpi.engine.periods import Period, end_of_day
from kpi.engine.results import KpiResult
from kpi.engine.sql import bind
from kpi.store.database import Store
from kpi.store.writer import dict_rows

DIMENSIONS = ("channel", "icp_tier")
FUNNEL = ("leads", "mql", "sql", "opportunity", "won")

# GROUPING SETS of every snapshot query: overall, by channel, by ICP tier.
_SETS = "GROUPING SETS ((), (channel), (icp_tier))"
_GROUP = "grouping(channel, icp_tier) AS g"  # 3 overall, 1 by channel, 2 by tier
_LEAD_ROWS = "FROM lead_facts WHERE mql_eff >= $lo AND mql_eff < $hi"

FUNNEL_SQL = f"""
SELECT stage, channel, icp_tier, {_GROUP}, count(*) AS n FROM (
    SELECT 'leads' AS stage, coalesce(channel, 'unattributed') AS channel, icp_tier
    FROM leads WHERE created_at >= $lo AND created_at < $hi
    UNION ALL SELECT 'mql', channel, icp_tier {_LEAD_ROWS}
    UNION ALL SELECT 'sql', channel, icp_tier FROM lead_facts WHERE sql_at >= $lo AND sql_at < $hi
    UNION ALL SELECT 'opportunity', channel, icp_tier FROM deal_facts
    WHERE created_eff >= $lo AND created_eff < $hi
    UNION ALL SELECT 'won', channel, icp_tier FROM deal_facts
    WHERE stage = 'won' AND closed_at >= $lo AND closed_at < $hi
) GROUP BY stage, {_SETS}
"""  # noqa: S608 (code constants)

# The lead_acceptance_rate rule: decided = accepted or rejected by as-of; accepted wins.
ACCEPTANCE_SQL = f"""
SELECT channel, icp_tier, {_GROUP},
       sum(CASE WHEN accepted_at < $asof THEN 1 ELSE 0 END) AS accepted,
       sum(CASE WHEN accepted_at < $asof THEN 0 WHEN rejected_at < $asof THEN 1 ELSE 0 END)
           AS rejected
{_LEAD_ROWS} GROUP BY {_SETS}
"""  # noqa: S608 (code constants)

REASONS_SQL = f"""
SELECT channel, icp_tier, {_GROUP}, rejection_reason AS reason, count(*) AS n
{_LEAD_ROWS} AND NOT coalesce(accepted_at < $asof, false) AND rejected_at < $asof
GROUP BY rejection_reason, {_SETS}
"""  # noqa: S608 (code constants)

# The lead_response_hours rule: answered by as-of, durations that are not negative.
RESPONSE_SQL = f"""
SELECT channel, icp_tier, {_GROUP}, count(*) AS n, avg(h) AS mean_hours,
       quantile_cont(h, 0.5) AS median_hours
FROM (SELECT channel, icp_tier, date_diff('second', mql_eff, first_response_at) / 3600.0 AS h
      {_LEAD_ROWS} AND first_response_at < $asof)
WHERE h >= 0 GROUP BY {_SETS}
"""  # noqa: S608 (code constants)


def _grouped(rows: list[dict], fill: Callable[[Callable[[dict], bool]], dict]) -> dict:
    """A GROUPING SETS query's groups as {"overall": …, "channel": [...], "icp_tier": [...]}:
    `fill(keep)` builds one group from the rows `keep` selects."""
    out: dict[str, Any] = {"overall": fill(lambda r: r["g"] == 3)}
    for dim, g in (("channel", 1), ("icp_tier", 2)):
        keys = sorted({r[dim] for r in rows if r["g"] == g}, key=lambda k: (k is None, str(k)))
        out[dim] = [
            {"key": key, **fill(lambda r, g=g, dim=dim, key=key: r["g"] == g and r[dim] == key)}
            for key in keys
        ]
    return out


def _ratio(num: float | None, den: float | None) -> float | None:
    return num / den if num is not None and den else None


def _funnel(rows: list[dict]) -> dict:
    """Each stage's count and each stage's conversion from the one before it."""
    counts = {stage: sum(r["n"] for r in rows if r["stage"] == stage) for stage in FUNNEL}
    conversions = {
        f"{a}_to_{b}": _ratio(counts[b], counts[a])
        for a, b in zip(FUNNEL, FUNNEL[1:], strict=False)
    }
    return {"counts": counts, "conversions": conversions}


def _acceptance(rows: list[dict], reasons: list[dict]) -> dict:
    """Accepted, rejected and their rates, and the rejection reasons, most frequent first."""
    accepted = sum(r["accepted"] or 0 for r in rows)
    rejected = sum(r["rejected"] or 0 for r in rows)
    decided = accepted + rejected
    pareto, cumulative = [], 0
    for r in sorted(reasons, key=lambda r: (-r["n"], r["reason"] is None, str(r["reason"]))):
        cumulative += r["n"]
        pareto.append(
            {
                "reason": r["reason"],
                "count": r["n"],
                "share": _ratio(r["n"], rejected),
                "cumulative_share": _ratio(cumulative, rejected),
            }
        )
    return {
        "accepted": accepted,
        "rejected": rejected,
        "decided": decided,
        "acceptance_rate": _ratio(accepted, decided),
        "rejection_rate": _ratio(rejected, decided),
        "rejection_reasons": pareto,
    }


def _response(rows: list[dict]) -> dict:
    if not rows:
        return {"n": 0, "mean_hours": None, "median_hours": None}
    [row] = rows
    return {"n": row["n"], "mean_hours": row["mean_hours"], "median_hours": row["median_hours"]}


def _kpi_entry(result: KpiResult) -> dict:
    """A KPI as the scorecard's JSON has it, broken down by channel and ICP tier only."""
    entry = result.as_dict()
    entry["breakdown"] = {dim: entry["breakdown"].get(dim, []) for dim in DIMENSIONS}
    return {**entry, "insufficient": result.insufficient}


def take_snapshot(
    store: Store, start: date, end: date, months: int, as_of: date | None = None
) -> dict:
    """Every catalogue KPI, the funnel, acceptance (with the Pareto of rejection reasons) and
    response time over [start, end] (`months` long) as known on `as_of` (default: the
    scorecard's default as-of), and the average won revenue per month of the window."""
    as_of = as_of or default_as_of(store)
    card = compute_scorecard(store, start=start, end=end, as_of=as_of)
    window = Period(start, end)
    values = {
        "lo": window.start_ts,
        "hi": min(window.end_ts, end_of_day(as_of)),
        "asof": end_of_day(as_of),
    }
    cur = store.facts()

    def run(statement: str) -> list[dict]:
        return dict_rows(cur, statement, bind(statement, values))

    won_revenue = card.volumes["won_revenue"][-1] or 0.0
    funnel, accepted, reasons, response = (
        run(FUNNEL_SQL),
        run(ACCEPTANCE_SQL),
        run(REASONS_SQL),
        run(RESPONSE_SQL),
    )

    def pick(rows: list[dict], keep) -> list[dict]:
        return [r for r in rows if keep(r)]

    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "cohort_window": card.window,
        "kpis": {result.kpi_id: _kpi_entry(result) for result in card.results},
        "volumes": {name: series[-1] for name, series in card.volumes.items()},
        "months": months,
        "monthly_won_revenue": won_revenue / months,
        "funnel": _grouped(funnel, lambda keep: _funnel(pick(funnel, keep))),
        "acceptance": _grouped(
            accepted, lambda keep: _acceptance(pick(accepted, keep), pick(reasons, keep))
        ),
        "response": _grouped(response, lambda keep: _response(pick(response, keep))),
        "catalogue": [kpi.id for kpi in cat.CATALOGUE],
    }


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf of a snapshot by path; list items by their key or reason, not their position."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_leaves(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list) and all(isinstance(i, dict) for i in value):
        out = {}
        for i, item in enumerate(value):
            name = item.get("key", item.get("reason", i))
            rest = {k: v for k, v in item.items() if k not in ("key", "reason")}
            out.update(_leaves(rest, f"{path}[{name}]"))
        return out
    return {path: value}


def snapshot_changes(before: dict, after: dict) -> list[dict]:
    """What a re-freeze changed: each leaf whose value differs, with its old and new value."""
    old, new = _leaves(before), _leaves(after)
    changed = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        same = (
            a == b
            if not (isinstance(a, float | int) and isinstance(b, float | int))
            else abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
        )
        if not same:
            changed.append({"path": path, "before": a, "after": b})
    return changed
