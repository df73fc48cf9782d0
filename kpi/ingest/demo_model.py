"""The demo's world: channels, tiers, owners, the rates behind each story, and its timeline."""

from dataclasses import dataclass
from datetime import date

import numpy as np

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
REJECTION_REASONS = (
    "fuera de ICP",
    "sin presupuesto",
    "datos de contacto erróneos",
    "duplicado",
    "sin necesidad",
)

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
# The alignment programme (issue 17): it starts on the first of the month four months before
# today; its effects ramp in over the implementation phase and hold through the measurement.
PROGRAMME_MONTHS_AGO = 4
DIAGNOSIS_WEEKS, IMPLEMENTATION_WEEKS = 4, 8
# Story (b): in the half year before the start, first responses slow from ~10 h to ~30 h (past
# the 24 h SLA: what the diagnosis finds); the programme brings them down to ~10 h.
RESPONSE_HOURS_CALM, RESPONSE_HOURS_DRIFTED, RESPONSE_HOURS_AFTER = 10.0, 30.0, 10.0
DRIFT_DAYS = 182.0
# Slow answers make Sales reject more before the start; the agreed definitions cut rejections.
REJECT_FACTOR_DRIFTED, REJECT_FACTOR_AFTER = 1.25, 0.35
# Faster answers and agreed hand-offs: deals opened once it works close sooner and win more.
WON_CYCLE_FACTOR_AFTER, WIN_FACTOR_AFTER = 0.9, 1.35
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
    programme_start: date
    programme_s: float


def epoch_seconds(day: date) -> float:
    return float(
        (np.datetime64(day, "D") - np.datetime64("1970-01-01", "D")) / np.timedelta64(1, "s")
    )


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def timeline_for(today: date) -> Timeline:
    """History starts on the first day of the month 18 months back; nothing at or after today."""
    start = add_months(today, -HISTORY_MONTHS)
    programme_start = add_months(today, -PROGRAMME_MONTHS_AGO)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    busy_start = add_months(quarter_start, -6)
    return Timeline(
        today=today,
        start=start,
        start_s=epoch_seconds(start),
        horizon_s=epoch_seconds(today),
        busy_start_s=epoch_seconds(busy_start),
        busy_end_s=epoch_seconds(add_months(busy_start, 3)),
        programme_start=programme_start,
        programme_s=epoch_seconds(programme_start),
    )


def programme_effect(tl: Timeline, times: np.ndarray) -> np.ndarray:
    """0 until the diagnosis ends, rising linearly over the implementation, then 1 (NaN → 0)."""
    effect_start = tl.programme_s + DIAGNOSIS_WEEKS * 7 * DAY
    ramp = (np.nan_to_num(times, nan=0.0) - effect_start) / (IMPLEMENTATION_WEEKS * 7 * DAY)
    return np.clip(ramp, 0.0, 1.0)


def pre_programme_drift(tl: Timeline, times: np.ndarray) -> np.ndarray:
    """0 until half a year before the start, rising linearly to 1 at the start, then 1."""
    ramp = (np.nan_to_num(times, nan=0.0) - tl.programme_s) / (DRIFT_DAYS * DAY) + 1.0
    return np.clip(ramp, 0.0, 1.0)


def before_and_after(tl: Timeline, times: np.ndarray, before: np.ndarray, after: float):
    """`before` until the programme works, blending into `after` as its effect ramps in."""
    effect = programme_effect(tl, times)
    return before * (1.0 - effect) + after * effect


def day_weights(tl: Timeline) -> np.ndarray:
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
