"""The KPI engine: DuckDB SQL over the facts, one statement per fact table for the whole grid.

Every KPI of the catalogue is evaluated for all periods of the trend (and the breakdowns) in a
single statement per source: leads, deals and spend. The lead <-> deal relations are resolved
when facts are written (`lead_facts`, `deal_facts`, kpi/store/schema.py), so a query joins nothing.
Each anchor event (MQL date, SQL date, SLA deadline, deal creation, close, delivery) reads only
the rows whose anchor can fall in the grid, tags them with their period and aggregates every
numerator, denominator, median and data-quality counter of its KPIs at once. The three
statements run side by side.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from duckdb import DuckDBPyConnection

from kpi import clock
from kpi.engine import catalogue as cat
from kpi.engine.periods import (
    CUSTOM,
    PERIOD_KINDS,
    Period,
    end_of_day,
    period_containing,
    period_grid,
)
from kpi.engine.targets import current_targets
from kpi.store.database import Store
from kpi.store.settings import get_settings

# Incremented by every compute_scorecard call: proves that timer ticks never recompute it.
COMPUTE_CALLS = 0

DIMENSION_COLUMNS = {"channel": 3, "icp_tier": 5, "owner": 6}  # grouping() bitmask per dimension
OVERALL = 7
EPSILON = 1e-9

# What a row means to the KPIs, read from the stored `lead_facts` and `deal_facts` (built on
# every facts write, kpi/store/schema.py): for leads, the SLA deadline, and the first win and the
# revenue won within W of the SQL date, both counted up to as-of. `{window}` bounds the anchor.
LEAD_VIEW = """
SELECT lead_id, created_at, channel, campaign, icp_tier, owner, mql_at, sql_at, mql_eff,
       accepted_at, rejected_at, rejection_reason, first_response_at,
       mql_eff + to_microseconds(CAST(round($sla * 3600000000) AS BIGINT)) AS sla_due,
       CASE WHEN first_won_at < $asof THEN first_won_at END AS first_won_at,
       -- CASE keeps the list lambda off the many leads that never won.
       CASE WHEN wins IS NOT NULL THEN
           list_sum([x.amount FOR x IN wins IF x.at >= sql_at AND x.at < $asof
                     AND ($w = 0 OR CAST(x.at AS DATE)
                                    <= CAST(sql_at AS DATE) + CAST($w AS INTEGER))])
       END AS won_revenue
FROM lead_facts
WHERE ($channel IS NULL OR channel = $channel) AND ($icp IS NULL OR icp_tier = $icp)
  AND ($owner IS NULL OR owner = $owner) AND {window}"""

DEAL_VIEW = """
SELECT * FROM deal_facts
WHERE ($channel IS NULL OR channel = $channel) AND ($icp IS NULL OR icp_tier = $icp)
  AND ($owner IS NULL OR owner = $owner) AND {window}"""

VIEWS = {"leads": LEAD_VIEW, "deals": DEAL_VIEW}

# The stored column that bounds each anchor, and whether its window starts an SLA earlier (a
# deadline inside the window can come from an earlier MQL). A plain range on a stored column
# lets DuckDB skip whole row groups by their min/max instead of reading the table.
ANCHOR_BOUNDS = {
    "mql": ("mql_eff", False),
    "sql": ("sql_at", False),
    "sla_due": ("mql_eff", True),
    "opportunity": ("created_eff", False),
    "close": ("closed_at", False),
    "delivery": ("value_delivered_at", False),
}

# Scorecard-wide data-quality counters: (source, anchor, SQL condition).
QUALITY = {
    "skipped_stages": ("leads", "mql", "mql_at IS NULL"),
    "backward_stages": ("leads", "mql", "sql_at < mql_eff"),
    "negative_response_times": ("leads", "mql", "first_response_at < mql_eff"),
    "deals_without_lead": ("deals", "opportunity", "no_lead"),
    "inferred_created_at": ("deals", "opportunity", "created_inferred"),
    "negative_sales_cycles": ("deals", "close", "stage = 'won' AND closed_at < created_eff"),
    "negative_times_to_value": ("deals", "delivery", "value_delivered_at < closed_at"),
}

# Context volumes (never goals): (source, anchor, summed SQL expression or None to count rows,
# SQL condition).
VOLUMES = {
    "mqls": ("leads", "mql", None, "TRUE"),
    "sqls": ("leads", "sql", None, "TRUE"),
    "opportunities": ("deals", "opportunity", None, "TRUE"),
    "wins": ("deals", "close", None, "stage = 'won'"),
    "won_revenue": ("deals", "close", "amount", "stage = 'won'"),
}


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


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _bind(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters the statement uses (DuckDB refuses extra ones)."""
    names = set(re.findall(r"\$([a-z_0-9]+)", sql))
    return {name: values[name] for name in names}


def _period_case(expr: str, count: int) -> str:
    """SQL mapping a timestamp to its grid index (0 = oldest), NULL outside the grid or as-of."""
    arms = " ".join(f"WHEN {expr} < $b{i + 1} THEN {i}" for i in range(count))
    return f"CASE WHEN {expr} < $b0 OR {expr} >= $asof THEN NULL {arms} END"


def _base_values(query: Query) -> dict[str, Any]:
    values: dict[str, Any] = {
        "asof": query.asof_ts,
        "w": query.window,
        "sla": query.sla_hours,
        **query.filters.params(),
    }
    for i, period in enumerate(query.periods):
        values[f"b{i}"] = period.start_ts
    values[f"b{len(query.periods)}"] = query.periods[-1].end_ts
    values.update(_window_values(query.periods[0].start_ts, query.asof_ts, query.sla_hours))
    recent = query.periods[_recent(len(query.periods))].start_ts
    values.update(recent=recent, recent_sla=recent - timedelta(hours=query.sla_hours))
    return values


def _window_values(lo: datetime, hi: datetime, sla_hours: float) -> dict[str, datetime]:
    """Bounds of the row pre-filter; an SLA deadline in the window can come from an earlier MQL."""
    return {"lo": lo, "hi": hi, "lo_sla": lo - timedelta(hours=sla_hours)}


def _recent(count: int) -> int:
    """Index of the first period that shows breakdowns (the last two periods do)."""
    return max(count - 2, 0)


def _lower(anchor: str, start: str = "lo") -> str:
    """The parameter that bounds an anchor's stored column from below."""
    return f"{start}_sla" if ANCHOR_BOUNDS[anchor][1] else start


def _range(column: str, lower: str) -> str:
    return f"{column} >= ${lower} AND {column} < $hi"


def _bound(anchor: str, start: str = "lo") -> str:
    """Rows whose anchor may fall between the `$start` parameter and `$hi`."""
    return _range(ANCHOR_BOUNDS[anchor][0], _lower(anchor, start))


def _view(source: str, anchor: str, start: str = "lo") -> str:
    return VIEWS[source].format(window=_bound(anchor, start))


def _count(condition: str) -> str:
    # A CASE sum costs DuckDB about half of what count(*) FILTER (WHERE …) does.
    return "count(*)" if condition == "TRUE" else f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _sum(expr: str, condition: str) -> str:
    return f"sum({expr})" if condition == "TRUE" else f"sum(CASE WHEN {condition} THEN {expr} END)"


def _valid_duration(kpi: cat.Kpi) -> str:
    return f"{kpi.eligible} AND ({kpi.duration}) >= 0"


def _kpi_distribution(kpi: cat.Kpi) -> tuple[str, list[tuple[str, str]]] | None:
    """A median KPI's rows and its (name, SQL aggregate) pairs that cannot be added up."""
    if kpi.kind != "median":
        return None
    k = kpi.id
    return _valid_duration(kpi), [
        (f"{k}__q", f"quantile_cont({kpi.duration}, [0.5, 0.9])"),
        (f"{k}__mean", f"avg({kpi.duration})"),
    ]


def _kpi_aggregates(kpi: cat.Kpi) -> list[tuple[str, str]]:
    """(name, SQL count or sum) pairs of one KPI, over rows already tagged with its anchor."""
    base = kpi.eligible
    k = kpi.id
    if kpi.kind == "rate":
        aggs = [
            (f"{k}__den", _count(base)),
            (f"{k}__num", _count(f"{base} AND ({kpi.success})")),
        ]
    elif kpi.kind == "sum_ratio":
        aggs = [
            (f"{k}__num", _sum(kpi.numerator_sum, base)),
            (f"{k}__den", _sum(kpi.denominator_sum, base)),
            (f"{k}__n", _count(base)),
        ]
    elif kpi.kind == "median":
        aggs = [(f"{k}__n", _count(_valid_duration(kpi)))]
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


def _anchor_aggregates(source: str, anchor: str, kpis: list[cat.Kpi]) -> list[tuple[str, str]]:
    aggs = [agg for kpi in kpis if kpi.anchor == anchor for agg in _kpi_aggregates(kpi)]
    for name, (src, at, condition) in QUALITY.items():
        if (src, at) == (source, anchor):
            aggs.append((f"dq__{name}", _count(condition)))
    for name, (src, at, expr, condition) in VOLUMES.items():
        if (src, at) == (source, anchor):
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


def _source_sql(
    source: str, kpis: list[cat.Kpi], count: int
) -> tuple[str, dict[str, dict[str, str]]]:
    """One statement over a fact table for every KPI, period and breakdown of that source.

    The rows whose anchors can fall in the grid are read once and tagged with the period of
    each anchor; one GROUP BY over (every anchor's period, channel, tier, owner) computes every
    count and sum of every KPI at once. Each anchor then adds those fine groups up by its own
    period (the trend) and by each dimension, which costs nothing next to the scan. Quantiles
    and means cannot be added up: each anchor that has them reads its own rows again for just
    those, the breakdowns only over the last two periods (the only ones that show them; the
    caller keeps no other breakdown). Results travel back as
    one JSON object per group so the branches share a UNION ALL; a group can come back twice
    (sums and quantiles). Returns the SQL and, per anchor and metric name, its key.
    """
    anchors = [a for a, (src, _) in cat.ANCHORS.items() if src == source]
    periods = [f"p_{a}" for a in anchors]
    fine: dict[str, str] = {}
    keys: dict[str, dict[str, str]] = {}
    rollups, branches = [], []
    for anchor in anchors:
        expr = cat.ANCHORS[anchor][1]
        keys[anchor] = {}
        summed: dict[str, str] = {}
        for name, agg in _anchor_aggregates(source, anchor, kpis) or [("rows", "count(*)")]:
            column = fine.setdefault(agg, f"f{len(fine)}")
            keys[anchor][name] = summed.setdefault(f"sum({column})", f"e{len(summed)}")
        rollups += _group_branches(anchor, f"p_{anchor}", summed, "fine")
        distributions: dict[str, dict[str, str]] = {}
        for kpi in kpis:
            if kpi.anchor == anchor and (distribution := _kpi_distribution(kpi)):
                rows, aggregates = distribution
                for name, agg in aggregates:
                    keys[anchor][name] = distributions.setdefault(rows, {}).setdefault(
                        agg, f"x{len(keys[anchor])}"
                    )
        for condition, aggregates in distributions.items():
            tag = f"SELECT *, {_period_case(expr, count)} AS p FROM "  # noqa: S608
            branches += _group_branches(
                anchor,
                "p",
                aggregates,
                f"({tag}({_view(source, anchor)}) WHERE {condition})",
                f"({tag}({_view(source, anchor, 'recent')}) WHERE {condition})",
            )
    # Rows of any anchor's window, as disjoint pieces, one per stored column (the widest range
    # of the anchors it bounds): DuckDB skips row groups on a plain range, never on an OR of
    # ranges over different columns.
    lowest: dict[str, str] = {}
    for anchor in anchors:
        column, shifted = ANCHOR_BOUNDS[anchor]
        if shifted or column not in lowest:
            lowest[column] = _lower(anchor)
    bounds = [_range(column, lower) for column, lower in lowest.items()]
    pieces = [
        VIEWS[source].format(
            window=" AND ".join([bound] + [f"NOT coalesce({b}, false)" for b in bounds[:i]])
        )
        for i, bound in enumerate(bounds)
    ]
    tags = ", ".join(f"{_period_case(cat.ANCHORS[a][1], count)} AS p_{a}" for a in anchors)
    # Dimensions are kept only on rows with an anchor in the last two periods (the only ones
    # broken down): the fine groups of older periods then collapse, a third of the cost.
    shown = f"greatest({', '.join(periods)}) >= {_recent(count)}"
    dims = ", ".join(f"CASE WHEN {shown} THEN {dim} END AS {dim}" for dim in DIMENSION_COLUMNS)
    sums = ", ".join(f"{agg} AS {column}" for agg, column in fine.items())
    # Fragments come from the catalogue and this module (code constants); values are parameters.
    sql = (
        f"WITH fine AS MATERIALIZED (SELECT {', '.join(periods)}, {dims}, "  # noqa: S608
        f"{sums} FROM (SELECT *, {tags} FROM ({' UNION ALL '.join(pieces)})) "
        f"GROUP BY ALL)\n" + "\nUNION ALL\n".join(rollups + branches)
    )
    return sql, keys


def _spend_sql(count: int) -> str:
    grid = ", ".join(f"({i}, CAST($s{i} AS DATE), CAST($e{i} AS DATE))" for i in range(count))
    # Monthly spend is spread evenly over the month's days and summed per period (to as-of).
    return f"""
        WITH grid(p, s, e) AS (VALUES {grid}),
        spend AS (
            SELECT date_trunc('month', month)::DATE AS m, last_day(month) AS m_end, channel, amount
            FROM marketing_spend WHERE ($channel IS NULL OR channel = $channel)
        )
        SELECT g.p, spend.channel, grouping(spend.channel) AS g,
               sum(spend.amount * (date_diff('day', greatest(spend.m, g.s), least(spend.m_end, g.e)) + 1)
                   / day(spend.m_end)) AS spend
        FROM spend JOIN grid g ON spend.m <= g.e AND spend.m_end >= g.s AND g.s <= g.e
        GROUP BY GROUPING SETS ((g.p), (g.p, spend.channel))
    """  # noqa: S608


def _run(cur: DuckDBPyConnection, sql: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    rel = cur.execute(sql, _bind(sql, values))
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _run_side_by_side(store: Store, statements: list[tuple[str, dict]]) -> list[list[dict]]:
    """Each statement's rows, the statements run at once on one facts generation.

    One statement alone keeps both cores busy only part of the time (scans of a few row
    groups, the final merge of its groups); side by side they fill each other's gaps.
    """
    cursors = store.facts_cursors(len(statements))
    with ThreadPoolExecutor(max_workers=len(statements)) as pool:
        futures = [
            pool.submit(_run, cur, sql, values)
            for cur, (sql, values) in zip(cursors, statements, strict=True)
        ]
        return [future.result() for future in futures]


def _dimension_of(g: int) -> str | None:
    for dim, mask in DIMENSION_COLUMNS.items():
        if g == mask:
            return dim
    return None


def _metric(kpi: cat.Kpi, row: dict | None, spend: float | None, filters: Filters) -> dict:
    """Value, numerator, denominator, n (and p90/mean) of one KPI in one group."""
    empty = {
        "value": None,
        "numerator": None,
        "denominator": None,
        "n": 0,
        "p90": None,
        "mean": None,
    }
    k = kpi.id
    if kpi.kind == "spend_per":
        den = int(row[f"{k}__den"]) if row else 0
        # No spend recorded for the period (or not attributable): no value, never a free 0 €.
        if filters.splits_spend or spend is None:
            return {**empty, "denominator": den, "n": den}
        return {
            **empty,
            "value": spend / den if den else None,
            "numerator": spend,
            "denominator": den,
            "n": den,
        }
    if row is None:
        zero = 0.0 if kpi.kind == "sum_ratio" else 0
        return {**empty, "numerator": None if kpi.kind == "median" else zero, "denominator": zero}
    if kpi.kind == "rate":
        num, den = int(row[f"{k}__num"]), int(row[f"{k}__den"])
        return {
            **empty,
            "value": num / den if den else None,
            "numerator": num,
            "denominator": den,
            "n": den,
        }
    if kpi.kind == "sum_ratio":
        num, den = _number(row[f"{k}__num"]), _number(row[f"{k}__den"])
        n = int(row[f"{k}__n"])
        value = num / den if n and den else None
        return {**empty, "value": value, "numerator": num, "denominator": den, "n": n}
    if kpi.kind == "median":
        n = int(row[f"{k}__n"])
        # No quantile row comes back for a group without a valid duration.
        median, p90 = row.get(f"{k}__q") or (None, None)
        return {
            **empty,
            "value": _number(median),
            "denominator": n,
            "n": n,
            "p90": _number(p90),
            "mean": _number(row.get(f"{k}__mean")),
        }
    prom, detr, n = int(row[f"{k}__prom"]), int(row[f"{k}__detr"]), int(row[f"{k}__n"])
    return {
        **empty,
        "value": 100.0 * (prom - detr) / n if n else None,
        "numerator": prom - detr,
        "denominator": n,
        "n": n,
    }


def _weight_base(kpi: cat.Kpi, metric: dict) -> float | None:
    if kpi.kind in ("median", "nps"):
        return metric["n"]
    return metric["denominator"]


def status_for(
    kpi: cat.Kpi, value: float | None, n: int, target: float, tolerance: float, maturing: bool
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


def is_maturing(kpi: cat.Kpi, period: Period, as_of: date, window: int) -> bool:
    if not kpi.cohort:
        return False
    # W = 0 means an unlimited window: any cohort can still convert, so none is ever final.
    return window == 0 or period.end_ts + timedelta(days=window) > end_of_day(as_of)


def _contributions(kpi: cat.Kpi, current: dict, previous: dict, rows_now: dict, rows_before: dict):
    """Each group's share of the change: w_now·(v_now − P) − w_before·(v_before − P).

    For ratios and NPS the contributions add up exactly to the total change; for medians
    they are an approximation that still ranks the groups that moved the KPI most.
    """
    reference = previous["value"] if previous["value"] is not None else current["value"]
    total_now, total_before = _weight_base(kpi, current), _weight_base(kpi, previous)
    out = {}
    for key in set(rows_now) | set(rows_before):
        parts = []
        for rows, total in ((rows_now, total_now), (rows_before, total_before)):
            metric = rows.get(key)
            weight = _weight_base(kpi, metric) if metric else None
            if (
                metric is None
                or metric["value"] is None
                or not total
                or not weight
                or reference is None
            ):
                parts.append(0.0)
            else:
                parts.append(weight / total * (metric["value"] - reference))
        out[key] = None if reference is None else parts[0] - parts[1]
    return out


def _compute(store: Store, query: Query, kpis: list[cat.Kpi], targets: dict) -> tuple:
    count = len(query.periods)
    recent = _recent(count)
    values = _base_values(query)
    sources = {
        source: _source_sql(source, [k for k in kpis if k.source == source], count)
        for source in ("leads", "deals")
    }
    statements = [(sql, values) for sql, _keys in sources.values()]
    if any(k.kind == "spend_per" for k in kpis):
        spend_values = dict(values)
        for i, period in enumerate(query.periods):
            spend_values[f"s{i}"] = period.start
            spend_values[f"e{i}"] = min(period.end, query.as_of)
        statements.append((_spend_sql(count), spend_values))
    outputs = _run_side_by_side(store, statements)
    index: dict[tuple, dict] = {}
    for (_sql, keys), rows in zip(sources.values(), outputs[: len(sources)], strict=True):
        for row in rows:
            dim = _dimension_of(row["g"])
            # Groups outside the grid, and breakdowns of periods that do not show them.
            if row["p"] is None or (dim and row["p"] < recent):
                continue
            metrics = json.loads(row.pop("metrics"))
            row.update(
                {name: metrics[key] for name, key in keys[row["anchor"]].items() if key in metrics}
            )
            key = row[dim] if dim else None
            index.setdefault((row["anchor"], row["p"], dim, key), {}).update(row)
    spend: dict[tuple, float] = {}
    for row in outputs[len(sources)] if len(outputs) > len(sources) else []:
        key = row["channel"] if row["g"] == 0 else None
        spend[(row["p"], key)] = _number(row["spend"])

    last = count - 1
    results = []
    for kpi in kpis:
        target, tolerance = targets.get(kpi.id, (kpi.target, kpi.tolerance))

        def metric_at(p: int, dim: str | None = None, key: Any = None, kpi=kpi) -> dict:
            row = index.get((kpi.anchor, p, dim, key))
            spent = (
                spend.get((p, key if dim == "channel" else None))
                if dim in (None, "channel")
                else None
            )
            return _metric(kpi, row, spent, query.filters)

        trend = []
        for p, period in enumerate(query.periods):
            metric = metric_at(p)
            maturing = is_maturing(kpi, period, query.as_of, query.window)
            trend.append(
                TrendPoint(
                    period.start,
                    period.end,
                    metric["value"],
                    metric["n"],
                    maturing,
                    status_for(kpi, metric["value"], metric["n"], target, tolerance, maturing),
                )
            )
        current, previous = metric_at(last), metric_at(last - 1) if count > 1 else None
        breakdown = {}
        for dim in kpi.breakdowns:
            keys = {
                key
                for (a, p, d, key) in index
                if a == kpi.anchor and d == dim and p in (last, last - 1)
            }
            if dim == "channel" and kpi.kind == "spend_per":
                keys |= {key for (p, key) in spend if key is not None and p in (last, last - 1)}
            now = {key: metric_at(last, dim, key) for key in keys}
            before = {key: metric_at(last - 1, dim, key) for key in keys} if count > 1 else {}
            contrib = _contributions(kpi, current, previous or current, now, before)
            rows = [
                BreakdownRow(
                    dim,
                    key,
                    now[key]["value"],
                    now[key]["numerator"],
                    now[key]["denominator"],
                    now[key]["n"],
                    before[key]["value"] if key in before else None,
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
            breakdown[dim] = rows
        row = index.get((kpi.anchor, last, None, None))
        quality = {name: int(row[f"{kpi.id}__q__{name}"]) if row else 0 for name, _ in kpi.quality}
        prev_value = previous["value"] if previous else None
        point = trend[-1]
        results.append(
            KpiResult(
                kpi_id=kpi.id,
                value=current["value"],
                numerator=current["numerator"],
                denominator=current["denominator"],
                n=current["n"],
                unit=kpi.unit,
                status=point.status,
                maturing=point.maturing,
                insufficient=current["value"] is not None and current["n"] < kpi.min_sample,
                target=target,
                tolerance=tolerance,
                previous=prev_value,
                delta=None
                if current["value"] is None or prev_value is None
                else current["value"] - prev_value,
                start=query.periods[-1].start,
                end=query.periods[-1].end,
                trend=trend[1:] if count > 1 else trend,
                breakdown=breakdown,
                data_quality=quality,
                p90=current["p90"],
                mean=current["mean"],
                not_applicable=kpi.kind == "spend_per" and query.filters.splits_spend,
            )
        )
    volumes = {}
    for name, (_src, anchor, _agg, _cond) in VOLUMES.items():
        series = []
        for p in range(count):
            row = index.get((anchor, p, None, None))
            series.append(_number(row[f"vol__{name}"]) if row else 0.0)
        volumes[name] = series
    quality = {}
    for name, (_src, anchor, _cond) in QUALITY.items():
        row = index.get((anchor, last, None, None))
        quality[name] = int(row[f"dq__{name}"]) if row else 0
    return results, volumes, quality


def default_as_of(store: Store, today: date | None = None) -> date:
    """Today, or the last day with data when the data ends earlier (a historical CRM export)."""
    today = today or clock.today()
    latest = store.facts().execute("SELECT leads, deals FROM facts_latest").fetchone()
    known = [ts.date() for ts in latest if ts is not None]
    return min(today, max(known)) if known else today


def _settings_for(store: Store, window: int | None) -> tuple[int, float, date]:
    settings = get_settings(store)
    window = settings["cohort_window_days"] if window is None else int(window)
    if window < 0:
        raise ValueError("the cohort window cannot be negative")
    return window, float(settings["sla_hours"]), date.fromisoformat(settings["sprint_anchor"])


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
    global COMPUTE_CALLS
    COMPUTE_CALLS += 1
    filters = filters or Filters()
    window, sla_hours, anchor = _settings_for(store, window)
    as_of = as_of or default_as_of(store)
    if (start is None) != (end is None):
        raise ValueError("give both start and end, or neither")
    if start is not None:
        if end < start:
            raise ValueError("end is before start")
        kind, current = CUSTOM, Period(start, end)
    else:
        if period not in PERIOD_KINDS:
            raise ValueError(f"unknown period {period!r}")
        kind, current = period, period_containing(period, as_of, anchor)
    periods = tuple(period_grid(kind, current, anchor))
    query = Query(periods, as_of, window, sla_hours, filters)
    kpis = [cat.get(k) for k in kpi_ids] if kpi_ids else list(cat.CATALOGUE)
    results, volumes, quality = _compute(store, query, kpis, current_targets(store))
    return Scorecard(
        kind,
        current.start,
        current.end,
        as_of,
        window,
        filters,
        results,
        list(periods[1:]),
        {name: series[1:] for name, series in volumes.items()},
        quality,
    )


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
    window, sla_hours, _anchor = _settings_for(store, window)
    as_of = as_of or default_as_of(store)
    current = Period(start, end)
    query = Query(
        (
            replace(
                current, start=start - timedelta(days=current.days), end=start - timedelta(days=1)
            ),
            current,
        ),
        as_of,
        window,
        sla_hours,
        filters or Filters(),
    )
    results, _volumes, _quality = _compute(store, query, [cat.get(kpi_id)], current_targets(store))
    return results[0]


# Drill-down rows are for reading and exporting; beyond this a CSV import is the better tool.
ROWS_LIMIT = 100_000


@dataclass
class KpiRows:
    numerator: pd.DataFrame
    denominator: pd.DataFrame


LEAD_COLUMNS = (
    "lead_id, created_at, channel, campaign, icp_tier, owner, mql_at, sql_at, accepted_at, "
    "rejected_at, first_response_at"
)
DEAL_COLUMNS = (
    "deal_id, lead_id, created_eff AS created_at, created_inferred, channel, icp_tier, owner, "
    "stage, closed_at, amount, delivery_cost, value_delivered_at, nps_score, reworked"
)


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
    kpi = cat.get(kpi_id)
    filters = filters or Filters()
    window, sla_hours, _anchor = _settings_for(store, window)
    as_of = as_of or default_as_of(store)
    values = {
        "asof": end_of_day(as_of),
        "w": window,
        "sla": sla_hours,
        "start": Period(start, end).start_ts,
        "end": Period(start, end).end_ts,
        "limit": limit,
        **filters.params(),
        **_window_values(
            Period(start, end).start_ts,
            min(Period(start, end).end_ts, end_of_day(as_of)),
            sla_hours,
        ),
    }
    source = kpi.source
    anchor_expr = cat.ANCHORS[kpi.anchor][1]
    columns = LEAD_COLUMNS if source == "leads" else DEAL_COLUMNS
    in_period = f"{anchor_expr} >= $start AND {anchor_expr} < $end AND {anchor_expr} < $asof"
    base = f"{in_period} AND ({kpi.eligible})"
    extra = ""
    numerator_where = base
    if kpi.kind == "rate":
        numerator_where = f"{base} AND ({kpi.success})"
    elif kpi.kind == "sum_ratio":
        extra = (
            f", {kpi.numerator_sum} AS numerator_value, {kpi.denominator_sum} AS denominator_value"
        )
    elif kpi.kind == "median":
        extra = f", {kpi.duration} AS duration"
        numerator_where = f"{base} AND ({kpi.duration}) >= 0"
    elif kpi.kind == "nps":
        numerator_where = f"{base} AND (nps_score >= 9 OR nps_score <= 6)"
    relation = _view(source, kpi.anchor)
    order = "ORDER BY 1 LIMIT $limit"

    def frame(where: str) -> pd.DataFrame:
        sql = f"SELECT {columns}{extra} FROM ({relation}) WHERE {where} {order}"  # noqa: S608
        return store.facts().execute(sql, _bind(sql, values)).df()

    denominator = frame(base)
    if kpi.kind == "spend_per":
        spend_sql = """
            SELECT month, channel, amount,
                   amount * (date_diff('day', greatest(date_trunc('month', month)::DATE, $s),
                                       least(last_day(month), $e)) + 1) / day(last_day(month))
                       AS amount_in_period
            FROM marketing_spend
            WHERE ($channel IS NULL OR channel = $channel)
              AND date_trunc('month', month) <= $e AND last_day(month) >= $s AND $s <= $e
            ORDER BY month, channel
        """
        spend_values = {**values, "s": start, "e": min(end, as_of)}
        numerator = store.facts().execute(spend_sql, _bind(spend_sql, spend_values)).df()
        if filters.splits_spend:
            numerator = numerator.iloc[0:0]
    else:
        numerator = frame(numerator_where)
    return KpiRows(numerator, denominator)


def dimension_values(store: Store, limit: int = 500) -> dict[str, list[str]]:
    """The channels and owners present in the facts, for filter pickers."""
    cur = store.facts()
    channels = cur.execute(
        "SELECT DISTINCT coalesce(channel, 'unattributed') FROM leads "
        "UNION SELECT DISTINCT coalesce(channel, 'unattributed') FROM deals "
        "UNION SELECT DISTINCT channel FROM marketing_spend ORDER BY 1 LIMIT ?",
        [limit],
    ).fetchall()
    owners = cur.execute(
        "SELECT owner FROM (SELECT owner FROM leads UNION SELECT owner FROM deals) "
        "WHERE owner IS NOT NULL ORDER BY 1 LIMIT ?",
        [limit],
    ).fetchall()
    return {"channel": [c for (c,) in channels], "owner": [o for (o,) in owners]}
