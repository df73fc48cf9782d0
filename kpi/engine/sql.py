"""SQL building: one statement per fact table for the whole grid, and the spend statement.

Every KPI of the catalogue is evaluated for all periods of the trend (and the breakdowns) in a
single statement per source: leads, deals and spend. The lead <-> deal relations are resolved
when facts are written (`lead_facts`, `deal_facts`, kpi/store/schema.py), so a query joins nothing.
Each anchor event (kpi/engine/formula.py) reads only the rows whose anchor can fall in the grid,
tags them with their period and aggregates every numerator, denominator, median and data-quality
counter of its KPIs at once.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kpi.engine.formula import ANCHORS, QUALITY, VOLUMES, Kpi, within_window
from kpi.engine.results import Query

DIMENSION_COLUMNS = {"channel": 3, "icp_tier": 5, "owner": 6}  # grouping() bitmask per dimension
OVERALL = 7

# What a row means to the KPIs, read from the stored `lead_facts` and `deal_facts` (built on
# every facts write, kpi/store/schema.py): for leads, the SLA deadline, and the first win and the
# revenue won within W of the SQL date, both counted up to as-of. `{window}` bounds the anchor.
LEAD_VIEW = f"""
SELECT lead_id, created_at, channel, campaign, icp_tier, owner, mql_at, sql_at, mql_eff,
       accepted_at, rejected_at, rejection_reason, first_response_at,
       mql_eff + to_microseconds(CAST(round($sla * 3600000000) AS BIGINT)) AS sla_due,
       CASE WHEN first_won_at < $asof THEN first_won_at END AS first_won_at, first_deal_at,
       -- CASE keeps the list lambda off the many leads that never won.
       CASE WHEN wins IS NOT NULL THEN
           list_sum([x.amount FOR x IN wins IF x.at >= sql_at AND x.at < $asof
                     AND {within_window("x.at", "sql_at")}])
       END AS won_revenue,
       -- The same from the MQL date: revenue per qualified lead when MQLs qualify (a setting).
       CASE WHEN wins IS NOT NULL THEN
           list_sum([x.amount FOR x IN wins IF x.at >= mql_eff AND x.at < $asof
                     AND {within_window("x.at", "mql_eff")}])
       END AS won_revenue_mql
FROM lead_facts
WHERE ($channel IS NULL OR channel = $channel) AND ($icp IS NULL OR icp_tier = $icp)
  AND ($owner IS NULL OR owner = $owner) AND {{window}}"""  # noqa: S608 (a code constant)

DEAL_VIEW = """
SELECT * FROM deal_facts
WHERE ($channel IS NULL OR channel = $channel) AND ($icp IS NULL OR icp_tier = $icp)
  AND ($owner IS NULL OR owner = $owner) AND {window}"""

VIEWS = {"leads": LEAD_VIEW, "deals": DEAL_VIEW}


@dataclass(frozen=True)
class SourceStatement:
    """One fact table's statement and, per anchor and metric name, the JSON key it returns."""

    source: str
    sql: str
    keys: dict[str, dict[str, str]]


def bind(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters the statement uses (DuckDB refuses extra ones)."""
    names = set(re.findall(r"\$([a-z_0-9]+)", sql))
    return {name: values[name] for name in names}


def _period_case(expr: str, count: int) -> str:
    """SQL mapping a timestamp to its grid index (0 = oldest), NULL outside the grid or as-of."""
    arms = " ".join(f"WHEN {expr} < $b{i + 1} THEN {i}" for i in range(count))
    return f"CASE WHEN {expr} < $b0 OR {expr} >= $asof THEN NULL {arms} END"


def base_values(query: Query) -> dict[str, Any]:
    """The parameters of the source statements: grid bounds, as-of, window, SLA and filters."""
    values: dict[str, Any] = {
        "asof": query.asof_ts,
        "w": query.window,
        "sla": query.sla_hours,
        **query.filters.params(),
    }
    for i, period in enumerate(query.periods):
        values[f"b{i}"] = period.start_ts
    values[f"b{len(query.periods)}"] = query.periods[-1].end_ts
    values.update(window_values(query.periods[0].start_ts, query.asof_ts, query.sla_hours))
    recent = query.periods[recent_index(len(query.periods))].start_ts
    values.update(recent=recent, recent_sla=recent - timedelta(hours=query.sla_hours))
    return values


def spend_values(query: Query, values: dict[str, Any]) -> dict[str, Any]:
    """The spend statement's parameters: each period's first and last day, up to as-of."""
    spend = dict(values)
    for i, period in enumerate(query.periods):
        spend[f"s{i}"] = period.start
        spend[f"e{i}"] = min(period.end, query.as_of)
    return spend


def window_values(lo: datetime, hi: datetime, sla_hours: float) -> dict[str, datetime]:
    """Bounds of the row pre-filter; an SLA deadline in the window can come from an earlier MQL."""
    return {"lo": lo, "hi": hi, "lo_sla": lo - timedelta(hours=sla_hours)}


def recent_index(count: int) -> int:
    """Index of the first period that shows breakdowns (the last two periods do)."""
    return max(count - 2, 0)


def _lower(anchor: str, start: str = "lo") -> str:
    """The parameter that bounds an anchor's stored column from below."""
    return f"{start}_sla" if ANCHORS[anchor].sla_shift else start


def _range(column: str, lower: str) -> str:
    return f"{column} >= ${lower} AND {column} < $hi"


def view(source: str, anchor: str, start: str = "lo") -> str:
    """The rows of `source` whose anchor may fall between the `$start` parameter and `$hi`."""
    return VIEWS[source].format(window=_range(ANCHORS[anchor].column, _lower(anchor, start)))


def _count(condition: str) -> str:
    # A CASE sum costs DuckDB about half of what count(*) FILTER (WHERE …) does.
    return "count(*)" if condition == "TRUE" else f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _sum(expr: str, condition: str) -> str:
    return f"sum({expr})" if condition == "TRUE" else f"sum(CASE WHEN {condition} THEN {expr} END)"


def valid_duration(kpi: Kpi) -> str:
    """A median KPI's rows: eligible, with a duration that is not negative."""
    return f"({kpi.eligible}) AND ({kpi.duration}) >= 0"


def numerator_condition(kpi: Kpi) -> str:
    """The rows a KPI's numerator counts, among its eligible rows."""
    if kpi.kind == "rate":
        return f"({kpi.eligible}) AND ({kpi.success})"
    if kpi.kind == "median":
        return valid_duration(kpi)
    if kpi.kind == "nps":
        return f"({kpi.eligible}) AND (nps_score >= 9 OR nps_score <= 6)"
    return kpi.eligible


def _kpi_distribution(kpi: Kpi) -> tuple[str, list[tuple[str, str]]] | None:
    """A median KPI's rows and its (name, SQL aggregate) pairs that cannot be added up."""
    if kpi.kind != "median":
        return None
    k = kpi.id
    return valid_duration(kpi), [
        (f"{k}__q", f"quantile_cont({kpi.duration}, [0.5, 0.9])"),
        (f"{k}__mean", f"avg({kpi.duration})"),
    ]


def _kpi_aggregates(kpi: Kpi) -> list[tuple[str, str]]:
    """(name, SQL count or sum) pairs of one KPI, over rows already tagged with its anchor."""
    base = kpi.eligible
    k = kpi.id
    if kpi.kind == "rate":
        aggs = [(f"{k}__den", _count(base)), (f"{k}__num", _count(numerator_condition(kpi)))]
    elif kpi.kind == "sum_ratio":
        aggs = [
            (f"{k}__num", _sum(kpi.numerator_sum, base)),
            (f"{k}__den", _sum(kpi.denominator_sum, base)),
            (f"{k}__n", _count(base)),
        ]
    elif kpi.kind == "median":
        aggs = [(f"{k}__n", _count(valid_duration(kpi)))]
    elif kpi.kind == "nps":
        aggs = [
            (f"{k}__prom", _count(f"{base} AND nps_score >= 9")),
            (f"{k}__detr", _count(f"{base} AND nps_score <= 6")),
            (f"{k}__n", _count(base)),
        ]
    else:  # spend_per: the spend query supplies the numerator
        aggs = [(f"{k}__den", _count(base))]
    for name, condition in kpi.quality:
        aggs.append((f"{k}__q__{name}", _count(condition)))
    return aggs


def _anchor_aggregates(anchor: str, kpis: list[Kpi]) -> list[tuple[str, str]]:
    aggs = [agg for kpi in kpis if kpi.anchor == anchor for agg in _kpi_aggregates(kpi)]
    for name, (at, condition) in QUALITY.items():
        if at == anchor:
            aggs.append((f"dq__{name}", _count(condition)))
    for name, (at, expr, condition) in VOLUMES.items():
        if at == anchor:
            aggs.append(
                (f"vol__{name}", _count(condition) if expr is None else _sum(expr, condition))
            )
    return aggs


def _group_branches(
    anchor: str, p: str, aggregates: dict[str, str], rows: str, recent_rows: str = ""
) -> list[str]:
    """SELECTs of an anchor's aggregates by period, and by each dimension (over `recent_rows`
    when given). No HAVING: the caller drops the groups outside the grid, because DuckDB pushes
    such conditions down and evaluates every period CASE twice."""
    if not aggregates:
        return []
    metrics = "to_json({" + ", ".join(f"'{k}': {a}" for a, k in aggregates.items()) + "})"
    nulls = ", ".join(f"NULL::VARCHAR AS {dim}" for dim in DIMENSION_COLUMNS)
    # Fragments come from the catalogue and this module (code constants); values are parameters.
    out = [
        f"SELECT '{anchor}' AS anchor, {p} AS p, {nulls}, {OVERALL} AS g, "  # noqa: S608
        f"{metrics} AS metrics FROM {rows} GROUP BY {p}"
    ]
    for dim, mask in DIMENSION_COLUMNS.items():
        columns = ", ".join(d if d == dim else "NULL::VARCHAR" for d in DIMENSION_COLUMNS)
        out.append(
            f"SELECT '{anchor}', {p}, {columns}, {mask}, {metrics} "  # noqa: S608
            f"FROM {recent_rows or rows} GROUP BY {p}, {dim}"
        )
    return out


def _distribution_branches(
    source: str, anchor: str, kpis: list[Kpi], count: int, keys: dict[str, str]
) -> list[str]:
    """The branches of an anchor's quantiles and means, each over its own rows read again."""
    distributions: dict[str, dict[str, str]] = {}
    for kpi in kpis:
        if kpi.anchor == anchor and (distribution := _kpi_distribution(kpi)):
            rows, aggregates = distribution
            for name, agg in aggregates:
                keys[name] = distributions.setdefault(rows, {}).setdefault(agg, f"x{len(keys)}")
    branches = []
    tag = f"SELECT *, {_period_case(ANCHORS[anchor].expression, count)} AS p FROM "  # noqa: S608
    for condition, aggregates in distributions.items():
        branches += _group_branches(
            anchor,
            "p",
            aggregates,
            f"({tag}({view(source, anchor)}) WHERE {condition})",
            f"({tag}({view(source, anchor, 'recent')}) WHERE {condition})",
        )
    return branches


def _window_pieces(source: str, anchors: list[str]) -> list[str]:
    """Rows of any anchor's window, as disjoint pieces, one per stored column (the widest range
    of the anchors it bounds): DuckDB skips row groups on a plain range, never on an OR of
    ranges over different columns."""
    lowest: dict[str, str] = {}
    for anchor in anchors:
        if ANCHORS[anchor].sla_shift or ANCHORS[anchor].column not in lowest:
            lowest[ANCHORS[anchor].column] = _lower(anchor)
    bounds = [_range(column, lower) for column, lower in lowest.items()]
    return [
        VIEWS[source].format(
            window=" AND ".join([bound] + [f"NOT coalesce({b}, false)" for b in bounds[:i]])
        )
        for i, bound in enumerate(bounds)
    ]


def source_sql(source: str, kpis: list[Kpi], count: int) -> SourceStatement:
    """One statement over a fact table for every KPI, period and breakdown of that source.

    The rows whose anchors can fall in the grid are read once and tagged with the period of
    each anchor; one GROUP BY over (every anchor's period, channel, tier, owner) computes every
    count and sum of every KPI at once. Each anchor then adds those fine groups up by its own
    period (the trend) and by each dimension, which costs nothing next to the scan. Quantiles
    and means cannot be added up: each anchor that has them reads its own rows again for just
    those, the breakdowns only over the last two periods (the only ones that show them; the
    caller keeps no other breakdown). Results travel back as one JSON object per group so the
    branches share a UNION ALL; a group can come back twice (sums and quantiles).
    """
    kpis = [kpi for kpi in kpis if kpi.source == source]
    anchors = [name for name, anchor in ANCHORS.items() if anchor.relation == source]
    periods = [f"p_{a}" for a in anchors]
    fine: dict[str, str] = {}
    keys: dict[str, dict[str, str]] = {}
    rollups, branches = [], []
    for anchor in anchors:
        keys[anchor] = {}
        summed: dict[str, str] = {}
        for name, agg in _anchor_aggregates(anchor, kpis) or [("rows", "count(*)")]:
            column = fine.setdefault(agg, f"f{len(fine)}")
            keys[anchor][name] = summed.setdefault(f"sum({column})", f"e{len(summed)}")
        rollups += _group_branches(anchor, f"p_{anchor}", summed, "fine")
        branches += _distribution_branches(source, anchor, kpis, count, keys[anchor])
    pieces = _window_pieces(source, anchors)
    tags = ", ".join(f"{_period_case(ANCHORS[a].expression, count)} AS p_{a}" for a in anchors)
    # Dimensions are kept only on rows with an anchor in the last two periods (the only ones
    # broken down): the fine groups of older periods then collapse, a third of the cost.
    shown = f"greatest({', '.join(periods)}) >= {recent_index(count)}"
    dims = ", ".join(f"CASE WHEN {shown} THEN {dim} END AS {dim}" for dim in DIMENSION_COLUMNS)
    sums = ", ".join(f"{agg} AS {column}" for agg, column in fine.items())
    # Fragments come from the catalogue and this module (code constants); values are parameters.
    sql = (
        f"WITH fine AS MATERIALIZED (SELECT {', '.join(periods)}, {dims}, "  # noqa: S608
        f"{sums} FROM (SELECT *, {tags} FROM ({' UNION ALL '.join(pieces)})) "
        f"GROUP BY ALL)\n" + "\nUNION ALL\n".join(rollups + branches)
    )
    return SourceStatement(source, sql, keys)


def spend_in_period(month: str, month_end: str, start: str, end: str) -> str:
    """Monthly spend spread evenly over the month's days: the share between start and end."""
    return (
        f"amount * (date_diff('day', greatest({month}, {start}), least({month_end}, {end})) + 1)"
        f" / day({month_end})"
    )


def spend_sql(count: int) -> str:
    """Spend per period (and per channel) of the grid, up to as-of."""
    grid = ", ".join(f"({i}, CAST($s{i} AS DATE), CAST($e{i} AS DATE))" for i in range(count))
    return f"""
        WITH grid(p, s, e) AS (VALUES {grid}),
        spend AS (
            SELECT date_trunc('month', month)::DATE AS m, last_day(month) AS m_end, channel, amount
            FROM marketing_spend WHERE ($channel IS NULL OR channel = $channel)
        )
        SELECT g.p, spend.channel, grouping(spend.channel) AS g,
               sum({spend_in_period("spend.m", "spend.m_end", "g.s", "g.e")}) AS spend
        FROM spend JOIN grid g ON spend.m <= g.e AND spend.m_end >= g.s AND g.s <= g.e
        GROUP BY GROUPING SETS ((g.p), (g.p, spend.channel))
    """  # noqa: S608
