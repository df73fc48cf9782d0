"""Deterministic synthetic facts (leads, deals, monthly spend) that tell stories a meeting can discuss.

Stories built into the numbers (all relative to `today`):
  (a) paid_social brings the most leads but the poorest ICP-A share and MQL→SQL rate;
  (b) first-response times drift from ~10 h to above the 24 h SLA in the last 6 fortnights;
  (c) ICP-A deals win about 45 % of the time, ICP-C about 15 %;
  (d) in the quarter two quarters before today's, more deals are won while rework and
      time-to-value rise.
Deliberate data-quality oddities, in small numbers, so the quality counters have something to
show: SQLs without an MQL date (skipped stage) and SQLs dated before their MQL (negative
duration). `generate` returns how many of each it wrote.
"""

import argparse
import calendar
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kpi import clock
from kpi.store.database import rewrite_facts

CHANNELS = ("paid_search", "paid_social", "seo", "events", "outbound", "referral", "partners")
PAID_SOCIAL = CHANNELS.index("paid_social")
CAMPAIGNS = {
    "paid_search": ("google_marca", "google_generico", "bing_generico"),
    "paid_social": ("linkedin_leadgen", "meta_retargeting", "linkedin_webinar", "meta_ebook"),
    "seo": ("blog_organico", "guia_kpis", "comparativas"),
    "events": ("feria_madrid", "webinar_trimestral", "meetup_barcelona"),
    "outbound": ("secuencia_cfo", "secuencia_operaciones"),
    "referral": ("programa_clientes",),
    "partners": ("partner_integracion", "partner_consultora"),
}
OWNERS = (
    "Lucía Fernández",
    "Javier Ortega",
    "Marta Gil",
    "Pablo Ruiz",
    "Carmen Navarro",
    "Diego Santos",
)
TIERS = ("A", "B", "C")  # code 3 = unknown (NULL)
UNKNOWN_TIER = 3
REJECTION_REASONS = (
    "fuera de ICP",
    "sin presupuesto",
    "datos de contacto erróneos",
    "duplicado",
    "sin necesidad",
)

CHUNK_LEADS = 500_000
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
HISTORY_MONTHS = 18
HOUR = 3600.0
DAY = 86_400.0

# Share of leads per channel when paid_social is excluded; paid_social's own share grows over time.
OTHER_CHANNEL_SHARE = np.array([0.27, 0.0, 0.22, 0.11, 0.16, 0.12, 0.12])
PAID_SOCIAL_SHARE = (0.27, 0.36)  # at the start and at the end of the history
# ICP tier mix (A, B, C, unknown) per channel: paid_social is volume without fit.
TIER_MIX = np.array(
    [
        [0.25, 0.35, 0.28, 0.12],
        [0.07, 0.25, 0.46, 0.22],
        [0.22, 0.36, 0.30, 0.12],
        [0.34, 0.36, 0.18, 0.12],
        [0.40, 0.35, 0.17, 0.08],
        [0.38, 0.34, 0.18, 0.10],
        [0.33, 0.37, 0.20, 0.10],
    ]
)
MQL_PROB_TIER = np.array([0.92, 0.86, 0.76, 0.62])
MQL_FACTOR_CHANNEL = np.array([1.0, 0.92, 1.0, 1.02, 0.95, 1.05, 1.02])
UNANSWERED_PROB = 0.03
UNDECIDED_PROB = 0.04
REJECT_PROB_TIER = np.array([0.06, 0.14, 0.32, 0.40])
REJECT_FACTOR_CHANNEL = np.array([1.0, 1.3, 1.0, 0.9, 1.0, 0.8, 0.9])
# Rejection reason weights per tier (rows) in REJECTION_REASONS order.
REASON_MIX = np.array(
    [
        [0.05, 0.35, 0.15, 0.20, 0.25],
        [0.20, 0.30, 0.15, 0.15, 0.20],
        [0.55, 0.15, 0.10, 0.08, 0.12],
        [0.25, 0.10, 0.35, 0.20, 0.10],
    ]
)
SQL_PROB_TIER = np.array([0.58, 0.42, 0.24, 0.22])
SQL_FACTOR_CHANNEL = np.array([1.0, 0.5, 0.95, 1.0, 1.05, 1.15, 1.1])
DEAL_PROB_TIER = np.array([0.52, 0.44, 0.36, 0.36])
# Sales-owners' response speed relative to the team (one of them is slow).
OWNER_RESPONSE_FACTOR = np.array([0.9, 1.0, 1.6, 0.95, 1.1, 1.0])
WIN_PROB_TIER = np.array([0.42, 0.28, 0.14, 0.20])
WIN_FACTOR_CHANNEL = np.array([1.0, 0.9, 1.0, 1.0, 1.0, 1.15, 1.05])
AMOUNT_MEDIAN_TIER = np.array([24_000.0, 15_000.0, 8_500.0, 11_000.0])
COST_RATIO_CHANNEL = np.array([0.47, 0.50, 0.46, 0.50, 0.48, 0.44, 0.60])
UNATTRIBUTED_COST_RATIO = 0.50
SALES_SOURCED_SHARE = 0.03
SALES_SOURCED_TIER_MIX = np.array([0.35, 0.35, 0.20, 0.10])
# Story (d): in the "busy quarter" sales push harder and delivery suffers.
BUSY_WIN_FACTOR = 1.3
BUSY_TTV_MEDIAN_DAYS, NORMAL_TTV_MEDIAN_DAYS = 52.0, 28.0
BUSY_REWORK_PROB, NORMAL_REWORK_PROB = 0.30, 0.08
NPS_ANSWER_PROB = 0.6
# Monthly spend per channel for the default 25,000 leads (scaled with the lead count).
SPEND_BASE = np.array([38_000.0, 46_000.0, 12_000.0, 22_000.0, 18_000.0, 4_000.0, 9_000.0])
SPEND_REFERENCE_LEADS = 25_000
# Events concentrate in spring, early summer and autumn; August is dead.
EVENTS_SEASON = {3: 2.0, 6: 1.8, 8: 0.2, 10: 2.2}
WEEKDAY_WEIGHT = np.array([1.15, 1.2, 1.15, 1.1, 0.95, 0.3, 0.25])
HOUR_WEIGHT = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 17, 14, 12, 15, 17, 16, 13, 10, 7, 5, 4, 3, 2],
    dtype=float,
)
# Data-quality oddities: the share of SQL leads affected (at least MIN in the first chunk).
SKIPPED_STAGE_RATE = 0.002
NEGATIVE_DURATION_RATE = 0.0005
MIN_ODDITIES_FIRST_CHUNK = 2


@dataclass(frozen=True)
class Timeline:
    """The generated history: [start, horizon) in epoch seconds, plus the busy quarter."""

    today: date
    start: date
    start_s: float
    horizon_s: float
    busy_start_s: float
    busy_end_s: float


def _epoch_seconds(day: date) -> float:
    return float(
        (np.datetime64(day, "D") - np.datetime64("1970-01-01", "D")) / np.timedelta64(1, "s")
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def timeline_for(today: date) -> Timeline:
    """History starts on the first day of the month 18 months back; nothing at or after today."""
    start = _add_months(today, -HISTORY_MONTHS)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    busy_start = _add_months(quarter_start, -6)
    return Timeline(
        today=today,
        start=start,
        start_s=_epoch_seconds(start),
        horizon_s=_epoch_seconds(today),
        busy_start_s=_epoch_seconds(busy_start),
        busy_end_s=_epoch_seconds(_add_months(busy_start, 3)),
    )


def _day_weights(tl: Timeline) -> np.ndarray:
    days = np.arange(np.datetime64(tl.start), np.datetime64(tl.today))
    progress = np.linspace(0.0, 1.0, len(days))
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[M]").astype("int64") % 12 + 1
    day_of_month = (days - days.astype("datetime64[M]")).astype("int64") + 1
    season = np.where(months == 8, 0.7, 1.0) * np.where(
        (months == 12) & (day_of_month > 20), 0.5, 1.0
    )
    weights = (1.0 + 0.35 * progress) * WEEKDAY_WEIGHT[weekday] * season
    return weights / weights.sum()


def _lognormal_seconds(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, size: int, unit: float
) -> np.ndarray:
    """Whole seconds, at least one minute: later stages stay strictly after earlier ones."""
    values = rng.lognormal(np.log(median), sigma, size) * unit
    return np.maximum(np.ceil(values), 60.0)


def _before(times: np.ndarray, horizon_s: float) -> np.ndarray:
    """Events not yet happened by the horizon are unknown (NaN)."""
    return np.where(times < horizon_s, times, np.nan)


def _pick(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of `probabilities` (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities))[:, None]
    return np.minimum((u > cumulative).sum(axis=1), probabilities.shape[1] - 1)


def _response_median_hours(mql_s: np.ndarray, horizon_s: float) -> np.ndarray:
    """Story (b): ~10 h long ago, creeping up, then 28 → 42 h over the last 84 days."""
    days_ago = (horizon_s - mql_s) / DAY
    creeping = 10.0 + np.clip((140.0 - days_ago) / 56.0, 0.0, 1.0) * 10.0
    drifted = 28.0 + np.clip((84.0 - days_ago) / 84.0, 0.0, 1.0) * 14.0
    return np.where(days_ago <= 84.0, drifted, creeping)


def _timestamps(values: np.ndarray) -> pa.Array:
    missing = np.isnan(values)
    return pa.array(
        np.where(missing, 0, values).astype(np.int64), type=pa.timestamp("s"), mask=missing
    )


def _labels(
    codes: np.ndarray, labels: tuple[str, ...], missing: np.ndarray | None = None
) -> pa.Array:
    mask = codes >= len(labels) if missing is None else missing | (codes >= len(labels))
    indices = pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels))


def _oddity_indices(
    rng: np.random.Generator, candidates: np.ndarray, rate: float, first: bool
) -> np.ndarray:
    wanted = int(round(len(candidates) * rate))
    if first:
        wanted = max(wanted, MIN_ODDITIES_FIRST_CHUNK)
    wanted = min(wanted, len(candidates))
    return np.sort(rng.choice(candidates, size=wanted, replace=False)) if wanted else candidates[:0]


def _leads_chunk(rng: np.random.Generator, tl: Timeline, days: np.ndarray, first: bool) -> dict:
    """One chunk of leads (chronological), as arrays; times are epoch seconds, NaN = missing."""
    n = len(days)
    tod = rng.choice(24, size=n, p=HOUR_WEIGHT / HOUR_WEIGHT.sum()) * HOUR + np.floor(
        rng.random(n) * HOUR
    )
    created = tl.start_s + days * DAY + tod
    order = np.argsort(created, kind="stable")
    created = created[order]
    progress = (created - tl.start_s) / (tl.horizon_s - tl.start_s)

    social_share = PAID_SOCIAL_SHARE[0] + (PAID_SOCIAL_SHARE[1] - PAID_SOCIAL_SHARE[0]) * progress
    other = rng.choice(len(CHANNELS), size=n, p=OTHER_CHANNEL_SHARE / OTHER_CHANNEL_SHARE.sum())
    channel = np.where(rng.random(n) < social_share, PAID_SOCIAL, other)
    tier = _pick(rng, TIER_MIX[channel])

    campaign_counts = np.array([len(CAMPAIGNS[c]) for c in CHANNELS])
    campaign_offsets = np.concatenate([[0], np.cumsum(campaign_counts)[:-1]])
    campaign = campaign_offsets[channel] + np.floor(
        rng.random(n) * campaign_counts[channel]
    ).astype(int)
    campaign_missing = rng.random(n) < 0.02

    is_mql = rng.random(n) < np.minimum(MQL_PROB_TIER[tier] * MQL_FACTOR_CHANNEL[channel], 0.98)
    mql = _before(
        np.where(is_mql, created + _lognormal_seconds(rng, 18.0, 1.0, n, HOUR), np.nan),
        tl.horizon_s,
    )
    has_mql = ~np.isnan(mql)
    owner = rng.integers(0, len(OWNERS), n)

    answered = has_mql & (rng.random(n) >= UNANSWERED_PROB)
    median_hours = (
        _response_median_hours(np.nan_to_num(mql, nan=tl.horizon_s), tl.horizon_s)
        * OWNER_RESPONSE_FACTOR[owner]
    )
    response = _before(
        np.where(answered, mql + _lognormal_seconds(rng, median_hours, 0.7, n, HOUR), np.nan),
        tl.horizon_s,
    )

    decided = ~np.isnan(response) & (rng.random(n) >= UNDECIDED_PROB)
    decision = _before(
        np.where(decided, response + _lognormal_seconds(rng, 6.0, 1.0, n, HOUR), np.nan),
        tl.horizon_s,
    )
    rejected = rng.random(n) < REJECT_PROB_TIER[tier] * REJECT_FACTOR_CHANNEL[channel]
    has_decision = ~np.isnan(decision)
    accepted_at = np.where(has_decision & ~rejected, decision, np.nan)
    rejected_at = np.where(has_decision & rejected, decision, np.nan)
    reason = np.where(has_decision & rejected, _pick(rng, REASON_MIX[tier]), len(REJECTION_REASONS))

    becomes_sql = ~np.isnan(accepted_at) & (
        rng.random(n) < SQL_PROB_TIER[tier] * SQL_FACTOR_CHANNEL[channel]
    )
    sql = _before(
        np.where(becomes_sql, accepted_at + _lognormal_seconds(rng, 4.0, 0.8, n, DAY), np.nan),
        tl.horizon_s,
    )

    sql_rows = np.flatnonzero(~np.isnan(sql))
    skipped = _oddity_indices(rng, sql_rows, SKIPPED_STAGE_RATE, first)
    remaining = np.setdiff1d(sql_rows, skipped)
    negative = _oddity_indices(rng, remaining, NEGATIVE_DURATION_RATE, first)
    # A CRM glitch: the SQL date was typed before the MQL date.
    sql[negative] = mql[negative] - np.ceil(rng.uniform(1.0, 48.0, len(negative)) * HOUR)
    mql[skipped] = np.nan

    return {
        "created": created,
        "channel": channel,
        "tier": tier,
        "campaign": campaign,
        "campaign_missing": campaign_missing,
        "owner": owner,
        "owner_missing": ~has_mql & np.isnan(sql),
        "mql": mql,
        "accepted": accepted_at,
        "rejected": rejected_at,
        "reason": reason,
        "sql": sql,
        "response": response,
        "skipped": len(skipped),
        "negative": len(negative),
    }


def _deals_chunk(rng: np.random.Generator, tl: Timeline, leads: dict, first: bool) -> dict:
    """Deals from this chunk's SQLs plus a few sales-sourced ones without a lead."""
    sql = leads["sql"]
    candidates = np.flatnonzero(~np.isnan(sql))
    candidate_tier = leads["tier"][candidates]
    takes = rng.random(len(candidates)) < DEAL_PROB_TIER[candidate_tier]
    lead_rows = candidates[takes]
    lead_created = _before(
        sql[lead_rows] + _lognormal_seconds(rng, 3.0, 0.7, len(lead_rows), DAY), tl.horizon_s
    )
    keep = ~np.isnan(lead_created)
    lead_rows, lead_created = lead_rows[keep], lead_created[keep]

    n_sales = rng.binomial(len(lead_rows), SALES_SOURCED_SHARE)
    if first:
        n_sales = max(n_sales, 2)
    span_start, span_end = leads["created"][0], leads["created"][-1]
    sales_created = np.floor(rng.uniform(span_start, span_end, n_sales))

    created = np.concatenate([lead_created, sales_created])
    lead_index = np.concatenate([lead_rows, np.full(n_sales, -1)])
    channel = np.concatenate([leads["channel"][lead_rows], np.full(n_sales, len(CHANNELS))])
    tier = np.concatenate(
        [leads["tier"][lead_rows], _pick(rng, np.tile(SALES_SOURCED_TIER_MIX, (n_sales, 1)))]
    )
    owner = np.concatenate([leads["owner"][lead_rows], rng.integers(0, len(OWNERS), n_sales)])
    order = np.argsort(created, kind="stable")
    created, lead_index, channel, tier, owner = (
        a[order] for a in (created, lead_index, channel, tier, owner)
    )
    n = len(created)

    win_channel = np.append(WIN_FACTOR_CHANNEL, 1.0)[channel]
    will_win = rng.random(n)
    won_cycle = _lognormal_seconds(rng, 38.0, 0.55, n, DAY)
    lost_cycle = _lognormal_seconds(rng, 28.0, 0.6, n, DAY)
    stalls = rng.random(n) < 0.03
    # Story (d): deals that would close in the busy quarter are pushed harder to a win.
    close_if_won = created + won_cycle
    busy_close = (close_if_won >= tl.busy_start_s) & (close_if_won < tl.busy_end_s)
    win_prob = np.minimum(
        WIN_PROB_TIER[tier] * win_channel * np.where(busy_close, BUSY_WIN_FACTOR, 1.0), 0.9
    )
    wins = will_win < win_prob
    closed = np.where(wins, close_if_won, created + lost_cycle)
    closed = np.where(stalls, np.nan, _before(closed, tl.horizon_s))
    is_closed = ~np.isnan(closed)
    stage = np.where(is_closed, np.where(wins, 1, 2), 0)
    won = stage == 1

    amount = np.round(rng.lognormal(np.log(AMOUNT_MEDIAN_TIER[tier]), 0.5, n), 2)
    busy_won = won & (closed >= tl.busy_start_s) & (closed < tl.busy_end_s)
    ratio = np.append(COST_RATIO_CHANNEL, UNATTRIBUTED_COST_RATIO)[channel] + rng.normal(
        0.0, 0.06, n
    )
    ratio = np.clip(ratio + np.where(busy_won, 0.08, 0.0), 0.2, 0.9)
    delivery_cost = np.where(won, np.round(amount * ratio, 2), np.nan)

    ttv_median = np.where(busy_won, BUSY_TTV_MEDIAN_DAYS, NORMAL_TTV_MEDIAN_DAYS)
    delivered = _before(
        np.where(won, closed + _lognormal_seconds(rng, ttv_median, 0.45, n, DAY), np.nan),
        tl.horizon_s,
    )
    is_delivered = ~np.isnan(delivered)
    reworked = is_delivered & (
        rng.random(n) < np.where(busy_won, BUSY_REWORK_PROB, NORMAL_REWORK_PROB)
    )
    nps_mean = 8.4 - 3.0 * reworked - 0.6 * (tier == 2)
    nps = np.clip(np.round(rng.normal(nps_mean, 1.6, n)), 0, 10)
    answered_nps = is_delivered & (rng.random(n) < NPS_ANSWER_PROB)

    return {
        "lead_index": lead_index,
        "created": created,
        "channel": channel,
        "tier": tier,
        "owner": owner,
        "stage": stage,
        "closed": closed,
        "amount": amount,
        "delivery_cost": delivery_cost,
        "delivered": delivered,
        "nps": nps,
        "nps_missing": ~answered_nps,
        "reworked": reworked,
        "reworked_missing": ~is_delivered,
    }


def _leads_table(leads: dict, first_number: int) -> pa.Table:
    n = len(leads["created"])
    return pa.table(
        {
            "number": np.arange(first_number, first_number + n, dtype=np.int64),
            "created_at": _timestamps(leads["created"]),
            "channel": _labels(leads["channel"], CHANNELS),
            "campaign": _labels(
                leads["campaign"], sum(CAMPAIGNS.values(), ()), leads["campaign_missing"]
            ),
            "icp_tier": _labels(leads["tier"], TIERS),
            "owner": _labels(leads["owner"], OWNERS, leads["owner_missing"]),
            "mql_at": _timestamps(leads["mql"]),
            "accepted_at": _timestamps(leads["accepted"]),
            "rejected_at": _timestamps(leads["rejected"]),
            "rejection_reason": _labels(leads["reason"], REJECTION_REASONS),
            "sql_at": _timestamps(leads["sql"]),
            "first_response_at": _timestamps(leads["response"]),
        }
    )


def _deals_table(deals: dict, first_number: int, first_lead_number: int) -> pa.Table:
    n = len(deals["created"])
    lead_index = deals["lead_index"]
    sales_sourced = lead_index < 0
    return pa.table(
        {
            "number": np.arange(first_number, first_number + n, dtype=np.int64),
            "lead_number": pa.array(lead_index + first_lead_number, mask=sales_sourced),
            "created_at": _timestamps(deals["created"]),
            "channel": _labels(deals["channel"], CHANNELS),
            "icp_tier": _labels(deals["tier"], TIERS),
            "owner": _labels(deals["owner"], OWNERS),
            "stage": _labels(deals["stage"], ("open", "won", "lost")),
            "closed_at": _timestamps(deals["closed"]),
            "amount": deals["amount"],
            "delivery_cost": pa.array(
                np.nan_to_num(deals["delivery_cost"]), mask=np.isnan(deals["delivery_cost"])
            ),
            "value_delivered_at": _timestamps(deals["delivered"]),
            "nps_score": pa.array(deals["nps"].astype(np.int16), mask=deals["nps_missing"]),
            "reworked": pa.array(deals["reworked"], mask=deals["reworked_missing"]),
        }
    )


def _spend_table(rng: np.random.Generator, tl: Timeline, leads: int) -> pa.Table:
    """One row per channel and month; the current month only up to yesterday."""
    scale = leads / SPEND_REFERENCE_LEADS
    months, channels, amounts = [], [], []
    month = tl.start
    total_months = HISTORY_MONTHS
    index = 0
    while month <= tl.today:
        days_in_month = calendar.monthrange(month.year, month.month)[1]
        elapsed = days_in_month if _add_months(month, 1) <= tl.today else tl.today.day - 1
        if elapsed > 0:
            growth = 1.0 + 0.3 * index / total_months
            noise = rng.normal(1.0, 0.08, len(CHANNELS))
            season = np.ones(len(CHANNELS))
            season[CHANNELS.index("events")] = EVENTS_SEASON.get(month.month, 1.0)
            values = (
                SPEND_BASE
                * scale
                * growth
                * np.maximum(noise, 0.6)
                * season
                * elapsed
                / days_in_month
            )
            months.extend([month] * len(CHANNELS))
            channels.extend(CHANNELS)
            amounts.extend(np.round(values, 2).tolist())
        month = _add_months(month, 1)
        index += 1
    return pa.table(
        {"month": pa.array(months, pa.date32()), "channel": channels, "amount": amounts}
    )


INSERT_LEADS = """
    INSERT INTO leads SELECT printf('L%08d', number), created_at, channel, campaign, icp_tier,
        owner, mql_at, accepted_at, rejected_at, rejection_reason, sql_at, first_response_at
    FROM demo_chunk
"""
INSERT_DEALS = """
    INSERT INTO deals (deal_id, lead_id, created_at, channel, icp_tier, owner, stage, closed_at,
        amount, delivery_cost, value_delivered_at, nps_score, reworked)
    SELECT printf('D%07d', number), printf('L%08d', lead_number), created_at, channel, icp_tier,
        owner, stage, closed_at, amount, delivery_cost, value_delivered_at, nps_score, reworked
    FROM demo_chunk
"""


def _replaceable(path: Path) -> bool:
    """Missing, empty or a DuckDB file: never clobber a document passed as --db by mistake."""
    if not path.exists():
        return True
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        header = handle.read(12)
    return header == b"" or header[8:12] == DUCKDB_MAGIC


def generate(
    db_path: Path | str,
    *,
    seed: int = 42,
    leads: int = 25_000,
    today: date | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict:
    """Replace all facts at `db_path` with synthetic data; same (seed, leads, today) → same rows.

    Returns counts: leads, deals, marketing_spend, skipped_stages, negative_durations.
    """
    if leads < 1:
        raise ValueError("leads must be at least 1")
    if seed < 0:
        raise ValueError("seed must be non-negative")
    if not _replaceable(Path(db_path)):
        raise ValueError(f"not a DuckDB database, refusing to overwrite it: {db_path}")
    tl = timeline_for(today or clock.today())
    day_counts = np.random.default_rng([seed, 0]).multinomial(leads, _day_weights(tl))
    cumulative = np.cumsum(day_counts)
    chunks = range(0, leads, CHUNK_LEADS)
    counts = {
        "leads": 0,
        "deals": 0,
        "marketing_spend": 0,
        "skipped_stages": 0,
        "negative_durations": 0,
    }
    with rewrite_facts(db_path, fresh=True) as con:
        for number, first in enumerate(chunks):
            rng = np.random.default_rng([seed, 1, number])
            indices = np.arange(first, min(first + CHUNK_LEADS, leads))
            days = np.searchsorted(cumulative, indices, side="right")
            lead_arrays = _leads_chunk(rng, tl, days, number == 0)
            deal_arrays = _deals_chunk(rng, tl, lead_arrays, number == 0)
            for table, sql in (
                (_leads_table(lead_arrays, first + 1), INSERT_LEADS),
                (_deals_table(deal_arrays, counts["deals"] + 1, first + 1), INSERT_DEALS),
            ):
                con.register("demo_chunk", table)
                con.execute(sql)
                con.unregister("demo_chunk")
            counts["leads"] += len(indices)
            counts["deals"] += len(deal_arrays["created"])
            counts["skipped_stages"] += lead_arrays["skipped"]
            counts["negative_durations"] += lead_arrays["negative"]
            # DuckDB holds a transaction's uncommitted rows in memory; committing each chunk
            # keeps memory flat, and readers still see nothing until rewrite_facts swaps the
            # private file in (it expects a transaction open when we hand back).
            con.execute("COMMIT")
            con.execute("BEGIN")
            if progress:
                progress(0.95 * (number + 1) / len(chunks))
        spend = _spend_table(np.random.default_rng([seed, 2]), tl, leads)
        con.register("demo_chunk", spend)
        con.execute("INSERT INTO marketing_spend SELECT month, channel, amount FROM demo_chunk")
        con.unregister("demo_chunk")
        counts["marketing_spend"] = spend.num_rows
    if progress:
        progress(1.0)
    return counts


def _parse_day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="fill a database with deterministic demo data / generar datos de demostración",
        description=(
            "Replace all facts (leads, deals, marketing spend) of the database with synthetic, "
            "deterministic data covering about 18 months up to today. Cockpit state is kept."
        ),
    )
    parser.add_argument(
        "--db", required=True, type=Path, help="DuckDB facts file (created if missing)"
    )
    parser.add_argument("--seed", type=_non_negative, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--leads", type=_positive, default=25_000, help="number of leads (default 25000)"
    )
    parser.add_argument(
        "--today",
        type=_parse_day,
        default=None,
        help="generate as if today were this date, YYYY-MM-DD (default: today)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    started = time.monotonic()
    try:
        args.db.parent.mkdir(parents=True, exist_ok=True)
        with tqdm(
            total=100, desc="demo", unit="%", file=sys.stderr, bar_format="{l_bar}{bar}| {elapsed}"
        ) as bar:

            def advance(fraction: float) -> None:
                bar.update(round(fraction * 100) - bar.n)

            counts = generate(
                args.db, seed=args.seed, leads=args.leads, today=args.today, progress=advance
            )
    except (ValueError, OSError, duckdb.Error) as exc:
        print(f"error: demo: {exc}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(
        f"demo: {counts['leads']} leads, {counts['deals']} deals, "
        f"{counts['marketing_spend']} spend rows in {seconds:.1f} s -> {args.db}"
    )
    return 0
