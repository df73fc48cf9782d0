"""The scorecard recomputed in plain pandas from DESIGN §4, independently of kpi/engine/compute.py.

It serves twice: as the "straightforward pandas computation" the engine is timed against, and
as an independent cross-check of the engine's numbers. Nothing here reads the engine's SQL:
every KPI is written out again from its definition (cohorts with window W, inclusive stages,
medians of exact differences, win rate over closed deals, spend spread over its month's days).
Only the catalogue's data (targets, tolerances, minimum samples, breakdown dimensions) is
shared, because those are settings, not formulas.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kpi.engine import catalogue

TREND = 8
DIMENSIONS = ("channel", "icp_tier", "owner")
HOUR = pd.Timedelta(hours=1)
DAY = pd.Timedelta(days=1)


@dataclass
class Frames:
    leads: pd.DataFrame
    deals: pd.DataFrame
    spend: pd.DataFrame


def load(db_path: Path | str) -> Frames:
    """Every fact table, whole, into pandas: what a straightforward pandas script would do."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return Frames(
            con.execute("SELECT * FROM leads").df(),
            con.execute("SELECT * FROM deals").df(),
            con.execute("SELECT * FROM marketing_spend").df(),
        )
    finally:
        con.close()


def period_grid(kind: str, as_of: date, anchor: date, count: int = TREND + 1) -> list:
    """(start, end) day pairs, oldest first, the last containing `as_of`."""

    def containing(day: date) -> tuple[date, date]:
        if kind == "quincena":
            start = anchor + timedelta(days=14 * ((day - anchor).days // 14))
            return start, start + timedelta(days=13)
        first_month = day.month if kind == "month" else 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        months = 1 if kind == "month" else 3
        index = start.year * 12 + start.month - 1 + months
        return start, date(index // 12, index % 12 + 1, 1) - timedelta(days=1)

    grid = [containing(as_of)]
    while len(grid) < count:
        grid.insert(0, containing(grid[0][0] - timedelta(days=1)))
    return grid


@dataclass(frozen=True)
class Context:
    as_of_ts: pd.Timestamp  # first instant after the as-of day
    window: int  # cohort window in days; 0 = unlimited
    sla: pd.Timedelta

    def within(self, to: pd.Series, start: pd.Series) -> pd.Series:
        """To-date ≤ from-date + W days, as calendar dates (README: how people count days)."""
        if self.window == 0:
            return pd.Series(True, index=to.index)
        return to.dt.normalize() <= start.dt.normalize() + self.window * DAY


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, time()))


def _period_index(stamps: pd.Series, bounds: np.ndarray, as_of_ts: pd.Timestamp) -> np.ndarray:
    """Grid position of each timestamp (0 = oldest), -1 outside the grid, after as-of or missing."""
    values = stamps.to_numpy(dtype="datetime64[us]")
    position = np.searchsorted(bounds, values, side="right") - 1
    outside = (
        np.isnat(values)
        | (values < bounds[0])
        | (values >= bounds[-1])
        | (values >= np.datetime64(as_of_ts.to_datetime64(), "us"))
    )
    return np.where(outside, -1, position)


def lead_facts(frames: Frames, ctx: Context) -> pd.DataFrame:
    leads = frames.leads
    deals = frames.deals
    facts = pd.DataFrame(
        {
            "channel": leads["channel"].fillna("unattributed"),
            "icp_tier": leads["icp_tier"],
            "owner": leads["owner"],
            "mql_at": leads["mql_at"],
            "sql_at": leads["sql_at"],
            # Inclusive stages: an SQL without an MQL date was an MQL at its SQL date.
            "mql_eff": leads["mql_at"].fillna(leads["sql_at"]),
            "accepted_at": leads["accepted_at"],
            "rejected_at": leads["rejected_at"],
            "first_response_at": leads["first_response_at"],
        }
    )
    facts["sla_due"] = facts["mql_eff"] + ctx.sla
    won = deals.loc[
        (deals["stage"] == "won") & (deals["closed_at"] < ctx.as_of_ts) & deals["lead_id"].notna(),
        ["lead_id", "closed_at", "amount"],
    ]
    won = won.merge(leads[["lead_id", "sql_at"]], on="lead_id")
    in_window = (won["closed_at"] >= won["sql_at"]) & ctx.within(won["closed_at"], won["sql_at"])
    won = won.assign(revenue=won["amount"].where(in_window, 0.0))
    per_lead = won.groupby("lead_id").agg(
        first_won_at=("closed_at", "min"), revenue=("revenue", "sum")
    )
    joined = leads[["lead_id"]].merge(per_lead, left_on="lead_id", right_index=True, how="left")
    facts["first_won_at"] = joined["first_won_at"].to_numpy()
    facts["won_revenue"] = joined["revenue"].fillna(0.0).to_numpy()
    # Each lead's first deal, created on its own date or else its lead's MQL or creation date.
    opened = deals[["lead_id", "created_at"]].merge(
        leads[["lead_id", "mql_at", "created_at"]], on="lead_id", suffixes=("", "_lead")
    )
    opened = opened.assign(
        at=opened["created_at"].fillna(opened["mql_at"]).fillna(opened["created_at_lead"])
    )
    first_deal = leads[["lead_id"]].merge(
        opened.groupby("lead_id")["at"].min(), left_on="lead_id", right_index=True, how="left"
    )
    facts["first_deal_at"] = first_deal["at"].to_numpy()
    return facts


def deal_facts(frames: Frames) -> pd.DataFrame:
    lead = frames.leads[["lead_id", "mql_at", "created_at", "channel", "icp_tier", "owner"]]
    d = frames.deals.merge(
        lead.add_prefix("lead_"),
        left_on="lead_id",
        right_on="lead_lead_id",
        how="left",
        indicator=True,
    )
    return pd.DataFrame(
        {
            "created_eff": d["created_at"].fillna(d["lead_mql_at"]).fillna(d["lead_created_at"]),
            "created_inferred": d["created_at"].isna() | d["created_at_inferred"],
            "channel": d["channel"].fillna(d["lead_channel"]).fillna("unattributed"),
            "icp_tier": d["icp_tier"].fillna(d["lead_icp_tier"]),
            "owner": d["owner"].fillna(d["lead_owner"]),
            "stage": d["stage"],
            "closed_at": d["closed_at"],
            "amount": d["amount"],
            "delivery_cost": d["delivery_cost"],
            "value_delivered_at": d["value_delivered_at"],
            "nps_score": d["nps_score"].astype("float64"),
            "reworked": d["reworked"],
            "no_lead": d["_merge"] == "left_only",
        }
    )


def anchor_times(lf: pd.DataFrame, df: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, pd.Series]]:
    closed = df["stage"].isin(["won", "lost"])
    won = df["stage"] == "won"
    return {
        "mql": (lf, lf["mql_eff"]),
        "sql": (lf, lf["sql_at"]),
        "sla_due": (lf, lf["sla_due"]),
        "opportunity": (df, df["created_eff"]),
        "close": (df, df["closed_at"].where(closed)),
        "delivery": (df, df["value_delivered_at"].where(won)),
    }


def _hours(end: pd.Series, start: pd.Series) -> pd.Series:
    return (end - start) / HOUR


def _days(end: pd.Series, start: pd.Series) -> pd.Series:
    return (end - start) / DAY


def _true(f: pd.DataFrame, _ctx: Context) -> pd.Series:
    return pd.Series(True, index=f.index)


@dataclass(frozen=True)
class Spec:
    """One KPI written out in pandas: which rows count, which succeed or what is measured."""

    anchor: str
    kind: str  # rate | ratio | median | nps | spend
    eligible: Callable = _true
    success: Callable | None = None
    duration: Callable | None = None
    numerator: Callable | None = None
    denominator: Callable | None = None


def _won(f, _ctx):
    return f["stage"] == "won"


def _reached_from_mql(column: str) -> Callable:
    """Success of a rate from the MQL: `column` after the MQL, before as-of, within the window."""
    return lambda f, c: (
        (f[column] >= f["mql_eff"]) & (f[column] < c.as_of_ts) & c.within(f[column], f["mql_eff"])
    )


SPECS: dict[str, Spec] = {
    "mql_to_sql_rate": Spec("mql", "rate", success=_reached_from_mql("sql_at")),
    "lead_acceptance_rate": Spec(
        "mql",
        "rate",
        eligible=lambda f, c: (f["accepted_at"] < c.as_of_ts) | (f["rejected_at"] < c.as_of_ts),
        success=lambda f, c: f["accepted_at"] < c.as_of_ts,
    ),
    "icp_opportunity_share": Spec(
        "opportunity", "rate", success=lambda f, c: (f["icp_tier"] == "A").fillna(False)
    ),
    "cost_per_opportunity": Spec("opportunity", "spend"),
    "lead_response_hours": Spec(
        "mql",
        "median",
        eligible=lambda f, c: f["first_response_at"] < c.as_of_ts,
        duration=lambda f, c: _hours(f["first_response_at"], f["mql_eff"]),
    ),
    "sla_response_compliance": Spec(
        "sla_due",
        "rate",
        eligible=lambda f, c: (
            f["first_response_at"].isna() | (f["first_response_at"] >= f["mql_eff"])
        ),
        success=lambda f, c: f["first_response_at"] <= f["sla_due"],
    ),
    "win_rate": Spec("close", "rate", success=_won),
    "win_rate_icp": Spec(
        "close", "rate", eligible=lambda f, c: (f["icp_tier"] == "A").fillna(False), success=_won
    ),
    "sales_cycle_days": Spec(
        "close",
        "median",
        eligible=lambda f, c: _won(f, c) & f["created_eff"].notna(),
        duration=lambda f, c: _days(f["closed_at"], f["created_eff"]),
    ),
    "margin_by_channel": Spec(
        "close",
        "ratio",
        eligible=lambda f, c: _won(f, c) & f["amount"].notna() & f["delivery_cost"].notna(),
        numerator=lambda f, c: f["amount"] - f["delivery_cost"],
        denominator=lambda f, c: f["amount"],
    ),
    "time_to_value_days": Spec(
        "delivery",
        "median",
        eligible=lambda f, c: f["closed_at"].notna(),
        duration=lambda f, c: _days(f["value_delivered_at"], f["closed_at"]),
    ),
    "nps_post_delivery": Spec("delivery", "nps", eligible=lambda f, c: f["nps_score"].notna()),
    "rework_rate": Spec(
        "delivery",
        "rate",
        eligible=lambda f, c: f["reworked"].notna(),
        success=lambda f, c: f["reworked"].fillna(False).astype(bool),
    ),
    "mql_to_won_rate": Spec(
        "mql",
        "rate",
        success=lambda f, c: (
            (f["first_won_at"] >= f["mql_eff"]) & c.within(f["first_won_at"], f["mql_eff"])
        ),
    ),
    "lead_to_opportunity_rate": Spec("mql", "rate", success=_reached_from_mql("first_deal_at")),
    "cost_per_sql": Spec("sql", "spend"),
    "cac": Spec("close", "spend", eligible=_won),
    "revenue_per_sql": Spec(
        "sql",
        "ratio",
        numerator=lambda f, c: f["won_revenue"],
        denominator=lambda f, c: pd.Series(1.0, index=f.index),
    ),
}

EMPTY = {"value": None, "numerator": None, "denominator": None, "n": 0, "p90": None, "mean": None}


def _key(value) -> object:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _groups(rows: pd.DataFrame, spec: Spec, ctx: Context, keys: list[str]) -> dict:
    """Metric per group of `keys` over the anchored rows (a group exists if it has any row)."""
    eligible = spec.eligible(rows, ctx).fillna(False).astype(bool)
    work = rows[keys].copy()
    if spec.kind in ("rate", "spend"):
        work["den"] = eligible
        if spec.kind == "rate":
            work["num"] = eligible & spec.success(rows, ctx).fillna(False).astype(bool)
    elif spec.kind == "ratio":
        work["num"] = spec.numerator(rows, ctx).where(eligible)
        work["den"] = spec.denominator(rows, ctx).where(eligible)
        work["n"] = eligible
    elif spec.kind == "nps":
        score = rows["nps_score"]
        work["prom"] = eligible & (score >= 9)
        work["detr"] = eligible & (score <= 6)
        work["n"] = eligible
    else:
        duration = spec.duration(rows, ctx)
        work["d"] = duration.where(eligible & (duration >= 0))
    grouped = work.groupby(keys, dropna=False, sort=False)
    out = {}
    if spec.kind == "median":
        table = grouped["d"].agg(["median", "count", "mean", lambda s: s.quantile(0.9)])
        table.columns = ["median", "count", "mean", "p90"]
        for key, r in table.iterrows():
            n = int(r["count"])
            out[_norm(key)] = {
                **EMPTY,
                "value": None if n == 0 else float(r["median"]),
                "denominator": n,
                "n": n,
                "p90": None if n == 0 else float(r["p90"]),
                "mean": None if n == 0 else float(r["mean"]),
            }
        return out
    table = grouped.sum(min_count=0)
    for key, r in table.iterrows():
        key = _norm(key)
        if spec.kind == "rate":
            num, den = int(r["num"]), int(r["den"])
            out[key] = {**EMPTY, "value": num / den if den else None, "numerator": num}
            out[key].update(denominator=den, n=den)
        elif spec.kind == "spend":
            den = int(r["den"])
            out[key] = {**EMPTY, "denominator": den, "n": den}
        elif spec.kind == "ratio":
            num, den, n = float(r["num"]), float(r["den"]), int(r["n"])
            value = num / den if n and den else None
            out[key] = {**EMPTY, "value": value, "numerator": num, "denominator": den, "n": n}
        else:
            prom, detr, n = int(r["prom"]), int(r["detr"]), int(r["n"])
            value = 100.0 * (prom - detr) / n if n else None
            out[key] = {**EMPTY, "value": value, "numerator": prom - detr}
            out[key].update(denominator=n, n=n)
    return out


def _norm(key) -> tuple:
    return tuple(_key(k) for k in key) if isinstance(key, tuple) else (_key(key),)


def spend_by_period(spend: pd.DataFrame, grid: list, as_of: date) -> dict[tuple, float]:
    """Monthly spend spread evenly over its days, summed per period up to as-of: {(p, channel|None)}."""
    month = spend["month"].dt.normalize()
    month_end = month + pd.offsets.MonthEnd(0)
    days_in_month = month_end.dt.day
    out: dict[tuple, float] = {}
    for p, (start, end) in enumerate(grid):
        last = min(end, as_of)
        if last < start:
            continue
        overlap_start = month.where(month > _ts(start), _ts(start))
        overlap_end = month_end.where(month_end < _ts(last), _ts(last))
        days = ((overlap_end - overlap_start) / DAY + 1).clip(lower=0)
        share = spend["amount"] * days / days_in_month
        touching = days > 0
        if not touching.any():
            continue
        out[(p, None)] = float(share[touching].sum())
        for channel, value in share[touching].groupby(spend["channel"][touching]).sum().items():
            out[(p, channel)] = float(value)
    return out


def compute(
    frames: Frames,
    *,
    kind: str,
    as_of: date,
    anchor: date,
    window: int,
    sla_hours: float,
) -> dict:
    """Every catalogue KPI over the period grid: per KPI the trend, the breakdowns, maturity.

    Shape: {"grid": [(start, end)...], "kpis": {id: {"trend": [metric per period],
    "breakdown": {dim: {key: {"now": metric, "before": metric}}}, "maturing": bool,
    "status": str}}, "quality": {...}}.
    """
    grid = period_grid(kind, as_of, anchor)
    as_of_ts = _ts(as_of + timedelta(days=1))
    ctx = Context(as_of_ts, window, pd.Timedelta(hours=sla_hours))
    bounds = np.array(
        [_ts(s).to_datetime64() for s, _ in grid] + [_ts(grid[-1][1] + timedelta(days=1))]
    )
    bounds = bounds.astype("datetime64[us]")
    lf, df = lead_facts(frames, ctx), deal_facts(frames)
    spend = spend_by_period(frames.spend, grid, as_of)
    last = len(grid) - 1

    anchored: dict[str, pd.DataFrame] = {}
    for name, (facts, stamps) in anchor_times(lf, df).items():
        position = _period_index(stamps, bounds, as_of_ts)
        rows = facts[position >= 0].copy()
        rows["p"] = position[position >= 0]
        anchored[name] = rows

    kpis = {}
    for kpi in catalogue.CATALOGUE:
        spec = SPECS[kpi.id]
        rows = anchored[spec.anchor]
        by_period = _groups(rows, spec, ctx, ["p"])
        trend = []
        for p in range(len(grid)):
            metric = dict(by_period.get((p,), EMPTY))
            if spec.kind == "spend":
                metric = _spend_metric(metric, spend.get((p, None)))
            trend.append(metric)
        recent = rows[rows["p"] >= last - 1]
        breakdown = {}
        for dim in kpi.breakdowns:
            groups = _groups(recent, spec, ctx, ["p", dim])
            keys = {key for (p, key) in groups}
            if spec.kind == "spend" and dim == "channel":
                keys |= {c for (p, c) in spend if c is not None and p >= last - 1}
            table = {}
            for key in keys:
                now = dict(groups.get((last, key), EMPTY))
                before = dict(groups.get((last - 1, key), EMPTY))
                if spec.kind == "spend":
                    spent = dim == "channel"
                    now = _spend_metric(now, spend.get((last, key)) if spent else None)
                    before = _spend_metric(before, spend.get((last - 1, key)) if spent else None)
                table[key] = {"now": now, "before": before}
            breakdown[dim] = table
        start, end = grid[-1]
        maturing = kpi.cohort and _ts(end + timedelta(days=1)) + window * DAY > as_of_ts
        current = trend[-1]
        kpis[kpi.id] = {
            "trend": trend,
            "breakdown": breakdown,
            "maturing": bool(maturing),
            "status": status(kpi, current["value"], current["n"], maturing),
        }
    return {"grid": grid, "kpis": kpis, "quality": _quality(anchored, last)}


def _spend_metric(metric: dict, spent: float | None) -> dict:
    """Spend ÷ count; a period or channel without any spend row has no value (not 0 €)."""
    den = metric["denominator"] or 0
    if spent is None:
        return {**EMPTY, "denominator": den, "n": den}
    value = spent / den if den else None
    return {**EMPTY, "value": value, "numerator": spent, "denominator": den, "n": den}


def _quality(anchored: dict[str, pd.DataFrame], last: int) -> dict[str, int]:
    """Data-quality counters of the reported period (DESIGN §4: reported, never hidden)."""
    mql = anchored["mql"][anchored["mql"]["p"] == last]
    opp = anchored["opportunity"][anchored["opportunity"]["p"] == last]
    close = anchored["close"][anchored["close"]["p"] == last]
    delivery = anchored["delivery"][anchored["delivery"]["p"] == last]
    return {
        "skipped_stages": int(mql["mql_at"].isna().sum()),
        "backward_stages": int((mql["sql_at"] < mql["mql_eff"]).sum()),
        "negative_response_times": int((mql["first_response_at"] < mql["mql_eff"]).sum()),
        "deals_without_lead": int(opp["no_lead"].sum()),
        "inferred_created_at": int(opp["created_inferred"].sum()),
        "negative_sales_cycles": int(
            ((close["stage"] == "won") & (close["closed_at"] < close["created_eff"])).sum()
        ),
        "negative_times_to_value": int(
            (delivery["value_delivered_at"] < delivery["closed_at"]).sum()
        ),
    }


def status(kpi: catalogue.Kpi, value: float | None, n: int, maturing: bool) -> str:
    """DESIGN §4 colours with the catalogue's default target and tolerance."""
    if value is None or n < kpi.min_sample:
        return "grey"
    tolerance = kpi.tolerance / 100 if kpi.unit == "rate" else kpi.tolerance
    gap = (value - kpi.target) * kpi.direction
    if gap >= -1e-9:
        return "green"
    if gap >= -tolerance - 1e-9:
        return "amber"
    return "grey" if maturing else "red"
