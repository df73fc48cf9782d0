"""What a KPI is made of: its record, the anchors, and the SQL rules the catalogue shares once.

A KPI's formula is a handful of SQL fragments; fragments are SQL over the derived `lead_facts` and `deal_facts` relations (kpi/store/schema.py)
and may use `$asof` (first instant after the as-of day) and `$w` (cohort window in days, 0 =
unlimited). They are code constants, never user text.
"""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Anchor:
    """The event that puts a row into a period, and how the engine bounds the rows it reads."""

    relation: str  # "leads" or "deals"
    expression: str  # SQL timestamp of the event
    column: str  # stored column a plain range can bound (DuckDB skips row groups on it)
    sla_shift: bool = False  # the window starts SLA hours earlier (a deadline of an earlier MQL)


ANCHORS: dict[str, Anchor] = {
    "mql": Anchor("leads", "mql_eff", "mql_eff"),
    "sql": Anchor("leads", "sql_at", "sql_at"),
    "sla_due": Anchor("leads", "sla_due", "mql_eff", sla_shift=True),
    "opportunity": Anchor("deals", "created_eff", "created_eff"),
    "close": Anchor("deals", "CASE WHEN stage IN ('won', 'lost') THEN closed_at END", "closed_at"),
    "delivery": Anchor(
        "deals", "CASE WHEN stage = 'won' THEN value_delivered_at END", "value_delivered_at"
    ),
}


def within_window(to: str, start: str) -> str:
    """The cohort rule: `to` at most W calendar days after `start` (days as people count them)."""
    return f"($w = 0 OR CAST({to} AS DATE) <= CAST({start} AS DATE) + CAST($w AS INTEGER))"


def hours(start: str, end: str) -> str:
    return f"date_diff('second', {start}, {end}) / 3600.0"


def days(start: str, end: str) -> str:
    return f"date_diff('second', {start}, {end}) / 86400.0"


# Data-quality conditions: a KPI counts them over its own rows, the scorecard over its anchor's.
SKIPPED_STAGES = "mql_at IS NULL"
SQL_BEFORE_MQL = "sql_at < mql_eff"
RESPONSE_BEFORE_MQL = "first_response_at < mql_eff"
WON_BEFORE_CREATED = "stage = 'won' AND closed_at < created_eff"
DELIVERED_BEFORE_WON = "value_delivered_at < closed_at"
DEALS_QUALITY = {
    "deals_without_lead": "no_lead",
    "inferred_created_at": "created_inferred",
    "missing_created_at": "created_eff IS NULL",
}

# Scorecard-wide data-quality counters: (anchor, SQL condition).
QUALITY: dict[str, tuple[str, str]] = {
    "skipped_stages": ("mql", SKIPPED_STAGES),
    "backward_stages": ("mql", SQL_BEFORE_MQL),
    "negative_response_times": ("mql", RESPONSE_BEFORE_MQL),
    "deals_without_lead": ("opportunity", DEALS_QUALITY["deals_without_lead"]),
    "inferred_created_at": ("opportunity", DEALS_QUALITY["inferred_created_at"]),
    "negative_sales_cycles": ("close", WON_BEFORE_CREATED),
    "negative_times_to_value": ("delivery", DELIVERED_BEFORE_WON),
}

# Context volumes (never goals): (anchor, summed SQL expression or None to count rows, condition).
VOLUMES: dict[str, tuple[str, str | None, str]] = {
    "mqls": ("mql", None, "TRUE"),
    "sqls": ("sql", None, "TRUE"),
    "opportunities": ("opportunity", None, "TRUE"),
    "wins": ("close", None, "stage = 'won'"),
    "won_revenue": ("close", "amount", "stage = 'won'"),
}


@dataclass(frozen=True)
class Kpi:
    """One KPI: what it means (es/en), how it is computed, and how it is judged."""

    id: str
    area: str
    label_es: str
    label_en: str
    definition_es: str
    definition_en: str
    unit: str
    direction: int  # +1 higher is better, -1 lower is better
    target: float  # rates as fractions (0.25 = 25 %)
    tolerance: float  # rates in percentage points, otherwise in the KPI's unit
    anchor: str
    kind: str
    min_sample: int
    breakdowns: tuple[str, ...]
    eligible: str = "TRUE"  # SQL: the row belongs to the denominator
    success: str = ""  # SQL (rate): the row counts in the numerator
    numerator_sum: str = ""  # SQL (sum_ratio): summed into the numerator
    denominator_sum: str = "1"  # SQL (sum_ratio): summed into the denominator
    duration: str = ""  # SQL (median): exact difference in the KPI's unit
    cohort: bool = False  # conversion within the window W: young cohorts are maturing
    quality: tuple[tuple[str, str], ...] = ()  # (counter name, SQL condition) over anchored rows

    @property
    def source(self) -> str:
        return ANCHORS[self.anchor].relation

    def label(self, lang: str) -> str:
        return self.label_es if lang == "es" else self.label_en

    def definition(self, lang: str) -> str:
        return self.definition_es if lang == "es" else self.definition_en


def _q(**counters: str) -> tuple[tuple[str, str], ...]:
    return tuple(counters.items())


# The setting `qualified_stage` (sql, the default, or mql) says which stage a "qualified lead"
# is: these KPIs then count their leads at that stage's date (and revenue from it).
QUALIFIED_STAGE_VARIANTS: dict[str, dict[str, dict[str, str]]] = {
    "cost_per_sql": {"mql": {"anchor": "mql"}},
    "revenue_per_sql": {"mql": {"anchor": "mql", "numerator_sum": "coalesce(won_revenue_mql, 0)"}},
}


def at_stage(kpi: Kpi, qualified_stage: str) -> Kpi:
    """`kpi` as the qualified-stage setting reads it (unchanged unless it counts qualified leads)."""
    variant = QUALIFIED_STAGE_VARIANTS.get(kpi.id, {}).get(qualified_stage)
    return replace(kpi, **variant) if variant else kpi
