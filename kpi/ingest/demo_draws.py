"""The demo's random draws: a chunk of leads, the deals they open, and the monthly spend.

Every step draws from the generator it is given in a fixed order: the same seed gives the same
facts. Times are epoch seconds (float), NaN where an event has not happened.
"""

import calendar

import numpy as np
import pyarrow as pa

from kpi.ingest.demo_model import (
    AMOUNT_MEDIAN_TIER,
    BUSY_REWORK_PROB,
    BUSY_TTV_MEDIAN_DAYS,
    BUSY_WIN_FACTOR,
    CAMPAIGNS,
    CHANNELS,
    COST_RATIO_CHANNEL,
    DAY,
    DEAL_PROB_TIER,
    EVENTS_SEASON,
    HISTORY_MONTHS,
    HOUR,
    HOUR_WEIGHT,
    MIN_ODDITIES_FIRST_CHUNK,
    MQL_FACTOR_CHANNEL,
    MQL_PROB_TIER,
    NEGATIVE_DURATION_RATE,
    NORMAL_REWORK_PROB,
    NORMAL_TTV_MEDIAN_DAYS,
    NPS_ANSWER_PROB,
    OTHER_CHANNEL_SHARE,
    OWNER_RESPONSE_FACTOR,
    OWNERS,
    PAID_SOCIAL,
    PAID_SOCIAL_SHARE,
    REASON_MIX,
    REJECT_FACTOR_AFTER,
    REJECT_FACTOR_CHANNEL,
    REJECT_FACTOR_DRIFTED,
    REJECT_PROB_TIER,
    REJECTION_REASONS,
    RESPONSE_HOURS_AFTER,
    RESPONSE_HOURS_CALM,
    RESPONSE_HOURS_DRIFTED,
    SALES_SOURCED_SHARE,
    SALES_SOURCED_TIER_MIX,
    SKIPPED_STAGE_RATE,
    SPEND_BASE,
    SPEND_REFERENCE_LEADS,
    SQL_FACTOR_CHANNEL,
    SQL_PROB_TIER,
    TIER_MIX,
    UNANSWERED_PROB,
    UNATTRIBUTED_COST_RATIO,
    UNDECIDED_PROB,
    WIN_FACTOR_AFTER,
    WIN_FACTOR_CHANNEL,
    WIN_PROB_TIER,
    WON_CYCLE_FACTOR_AFTER,
    Timeline,
    add_months,
    before_and_after,
    pre_programme_drift,
)


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


def _response_median_hours(tl: Timeline, mql_s: np.ndarray) -> np.ndarray:
    """Story (b): ~10 h, drifting to ~30 h before the programme, back to ~10 h after it."""
    drifted = RESPONSE_HOURS_CALM + (
        RESPONSE_HOURS_DRIFTED - RESPONSE_HOURS_CALM
    ) * pre_programme_drift(tl, mql_s)
    return before_and_after(tl, mql_s, drifted, RESPONSE_HOURS_AFTER)


def _oddity_indices(
    rng: np.random.Generator, candidates: np.ndarray, rate: float, first: bool
) -> np.ndarray:
    wanted = int(round(len(candidates) * rate))
    if first:
        wanted = max(wanted, MIN_ODDITIES_FIRST_CHUNK)
    wanted = min(wanted, len(candidates))
    return np.sort(rng.choice(candidates, size=wanted, replace=False)) if wanted else candidates[:0]


def leads_chunk(rng: np.random.Generator, tl: Timeline, days: np.ndarray, first: bool) -> dict:
    """One chunk of leads (chronological), as arrays; times are epoch seconds, NaN = missing.

    Each step draws from `rng` in a fixed order, so a seed always gives the same leads.
    """
    leads = _arrivals(rng, tl, days)
    _first_touch(rng, tl, leads)
    _decisions(rng, tl, leads)
    _data_oddities(rng, leads, first)
    return leads


def _arrivals(rng: np.random.Generator, tl: Timeline, days: np.ndarray) -> dict:
    """When each lead arrives, through which channel and campaign, and its ICP tier."""
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
    return {
        "created": created,
        "channel": channel,
        "tier": tier,
        "campaign": campaign,
        "campaign_missing": rng.random(n) < 0.02,
    }


def _first_touch(rng: np.random.Generator, tl: Timeline, leads: dict) -> None:
    """Adds `mql`, `owner` and `response`: story (b) lives in the response times."""
    created, channel, tier = leads["created"], leads["channel"], leads["tier"]
    n = len(created)
    is_mql = rng.random(n) < np.minimum(MQL_PROB_TIER[tier] * MQL_FACTOR_CHANNEL[channel], 0.98)
    mql = _before(
        np.where(is_mql, created + _lognormal_seconds(rng, 18.0, 1.0, n, HOUR), np.nan),
        tl.horizon_s,
    )
    owner = rng.integers(0, len(OWNERS), n)

    answered = ~np.isnan(mql) & (rng.random(n) >= UNANSWERED_PROB)
    median_hours = _response_median_hours(tl, mql) * OWNER_RESPONSE_FACTOR[owner]
    response = _before(
        np.where(answered, mql + _lognormal_seconds(rng, median_hours, 0.7, n, HOUR), np.nan),
        tl.horizon_s,
    )
    leads.update(mql=mql, owner=owner, response=response)


def _decisions(rng: np.random.Generator, tl: Timeline, leads: dict) -> None:
    """Adds acceptance or rejection (with its reason) after the response, then the SQL date."""
    channel, tier, response = leads["channel"], leads["tier"], leads["response"]
    n = len(response)
    decided = ~np.isnan(response) & (rng.random(n) >= UNDECIDED_PROB)
    decision = _before(
        np.where(decided, response + _lognormal_seconds(rng, 6.0, 1.0, n, HOUR), np.nan),
        tl.horizon_s,
    )
    programme = before_and_after(
        tl,
        leads["mql"],
        1.0 + (REJECT_FACTOR_DRIFTED - 1.0) * pre_programme_drift(tl, leads["mql"]),
        REJECT_FACTOR_AFTER,
    )
    rejected = rng.random(n) < (REJECT_PROB_TIER[tier] * REJECT_FACTOR_CHANNEL[channel] * programme)
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
    leads.update(
        accepted=accepted_at,
        rejected=rejected_at,
        reason=reason,
        sql=sql,
        # A lead nobody qualified has no owner yet (decided before the oddities blank an MQL).
        owner_missing=np.isnan(leads["mql"]) & np.isnan(sql),
    )


def _data_oddities(rng: np.random.Generator, leads: dict, first: bool) -> None:
    """A few SQLs lose their MQL date (skipped stage) or get one after the SQL (negative
    duration); `skipped` and `negative` count them."""
    mql, sql = leads["mql"], leads["sql"]
    sql_rows = np.flatnonzero(~np.isnan(sql))
    skipped = _oddity_indices(rng, sql_rows, SKIPPED_STAGE_RATE, first)
    remaining = np.setdiff1d(sql_rows, skipped)
    negative = _oddity_indices(rng, remaining, NEGATIVE_DURATION_RATE, first)
    # A CRM glitch: the SQL date was typed before the MQL date.
    sql[negative] = mql[negative] - np.ceil(rng.uniform(1.0, 48.0, len(negative)) * HOUR)
    mql[skipped] = np.nan
    leads.update(skipped=len(skipped), negative=len(negative))


def deals_chunk(rng: np.random.Generator, tl: Timeline, leads: dict, first: bool) -> dict:
    """Deals from this chunk's SQLs plus a few sales-sourced ones without a lead."""
    deals = _deal_origins(rng, tl, leads, first)
    _closing(rng, tl, deals)
    _delivery(rng, tl, deals)
    return deals


def _deal_origins(rng: np.random.Generator, tl: Timeline, leads: dict, first: bool) -> dict:
    """Which SQLs open a deal and when, plus the sales-sourced deals; in creation order."""
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
    return {
        "lead_index": lead_index[order],
        "created": created[order],
        "channel": channel[order],
        "tier": tier[order],
        "owner": owner[order],
    }


def _closing(rng: np.random.Generator, tl: Timeline, deals: dict) -> None:
    """Adds `stage` and `closed`: story (c) by tier, story (d) pushes wins in the busy quarter,
    and once the programme works deals close sooner and win more often."""
    created, channel, tier = deals["created"], deals["channel"], deals["tier"]
    n = len(created)
    win_channel = np.append(WIN_FACTOR_CHANNEL, 1.0)[channel]
    will_win = rng.random(n)
    won_cycle = np.ceil(
        _lognormal_seconds(rng, 38.0, 0.55, n, DAY)
        * before_and_after(tl, created, np.ones(n), WON_CYCLE_FACTOR_AFTER)
    )
    lost_cycle = _lognormal_seconds(rng, 28.0, 0.6, n, DAY)
    stalls = rng.random(n) < 0.03
    # Story (d): deals that would close in the busy quarter are pushed harder to a win.
    close_if_won = created + won_cycle
    busy_close = (close_if_won >= tl.busy_start_s) & (close_if_won < tl.busy_end_s)
    win_prob = np.minimum(
        WIN_PROB_TIER[tier]
        * win_channel
        * np.where(busy_close, BUSY_WIN_FACTOR, 1.0)
        * before_and_after(tl, close_if_won, np.ones(n), WIN_FACTOR_AFTER),
        0.9,
    )
    wins = will_win < win_prob
    closed = np.where(wins, close_if_won, created + lost_cycle)
    closed = np.where(stalls, np.nan, _before(closed, tl.horizon_s))
    deals.update(stage=np.where(~np.isnan(closed), np.where(wins, 1, 2), 0), closed=closed)


def _delivery(rng: np.random.Generator, tl: Timeline, deals: dict) -> None:
    """Adds amount, delivery cost, delivery date, rework and NPS of each won deal; story (d)
    makes delivery slower and rework likelier for wins of the busy quarter."""
    channel, tier, closed = deals["channel"], deals["tier"], deals["closed"]
    n = len(closed)
    won = deals["stage"] == 1
    amount = np.round(rng.lognormal(np.log(AMOUNT_MEDIAN_TIER[tier]), 0.5, n), 2)
    busy_won = won & (closed >= tl.busy_start_s) & (closed < tl.busy_end_s)
    ratio = np.append(COST_RATIO_CHANNEL, UNATTRIBUTED_COST_RATIO)[channel] + rng.normal(
        0.0, 0.06, n
    )
    ratio = np.clip(ratio + np.where(busy_won, 0.08, 0.0), 0.2, 0.9)

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
    deals.update(
        amount=amount,
        delivery_cost=np.where(won, np.round(amount * ratio, 2), np.nan),
        delivered=delivered,
        nps=nps,
        nps_missing=~answered_nps,
        reworked=reworked,
        reworked_missing=~is_delivered,
    )


def spend_table(rng: np.random.Generator, tl: Timeline, leads: int) -> pa.Table:
    """One row per channel and month; the current month only up to yesterday."""
    scale = leads / SPEND_REFERENCE_LEADS
    months, channels, amounts = [], [], []
    month = tl.start
    total_months = HISTORY_MONTHS
    index = 0
    while month <= tl.today:
        days_in_month = calendar.monthrange(month.year, month.month)[1]
        elapsed = days_in_month if add_months(month, 1) <= tl.today else tl.today.day - 1
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
        month = add_months(month, 1)
        index += 1
    return pa.table(
        {"month": pa.array(months, pa.date32()), "channel": channels, "amount": amounts}
    )
