"""Drill-down: the exact rows behind a KPI's numerator and denominator, for reading and export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

# pandas (about 0.3 s to import) loads only when rows are drilled: the CLI scorecard never does.
if TYPE_CHECKING:
    import pandas as pd

from kpi.engine import catalogue as cat
from kpi.engine import sql
from kpi.engine.dimension_labels import value_label
from kpi.engine.formula import ANCHORS
from kpi.engine.periods import Period, end_of_day
from kpi.engine.results import Filters
from kpi.i18n import CATALOGUE, DASH, fmt_date, fmt_number, t
from kpi.store.database import Store

# Drill-down rows are for reading and exporting; beyond this a CSV import is the better tool.
ROWS_LIMIT = 100_000

LEAD_COLUMNS = (
    "lead_id, created_at, channel, campaign, icp_tier, owner, mql_at, sql_at, accepted_at, "
    "rejected_at, first_response_at"
)
DEAL_COLUMNS = (
    "deal_id, lead_id, created_eff AS created_at, created_inferred, channel, icp_tier, owner, "
    "stage, closed_at, amount, delivery_cost, value_delivered_at, nps_score, reworked"
)

SPEND_ROWS = f"""
    SELECT month, channel, amount,
           {sql.spend_in_period("date_trunc('month', month)::DATE", "last_day(month)", "$s", "$e")}
               AS amount_in_period
    FROM marketing_spend
    WHERE ($channel IS NULL OR channel = $channel)
      AND date_trunc('month', month) <= $e AND last_day(month) >= $s AND $s <= $e
    ORDER BY month, channel
"""  # noqa: S608 (code constants)


@dataclass
class KpiRows:
    numerator: pd.DataFrame
    denominator: pd.DataFrame


def rows_behind(
    store: Store,
    kpi: cat.Kpi,
    current: Period,
    *,
    filters: Filters,
    as_of: date,
    window: int,
    sla_hours: float,
    limit: int = ROWS_LIMIT,
) -> KpiRows:
    """The rows of one KPI in one window (compute.kpi_rows fills in the settings)."""
    values = {
        "asof": end_of_day(as_of),
        "w": window,
        "sla": sla_hours,
        "start": current.start_ts,
        "end": current.end_ts,
        "limit": limit,
        **filters.params(),
        **sql.window_values(current.start_ts, min(current.end_ts, end_of_day(as_of)), sla_hours),
    }
    at = ANCHORS[kpi.anchor].expression
    in_period = f"{at} >= $start AND {at} < $end AND {at} < $asof"
    columns = LEAD_COLUMNS if kpi.source == "leads" else DEAL_COLUMNS
    extra = ""
    if kpi.kind == "sum_ratio":
        extra = (
            f", {kpi.numerator_sum} AS numerator_value, {kpi.denominator_sum} AS denominator_value"
        )
    elif kpi.kind == "median":
        extra = f", {kpi.duration} AS duration"
    relation = sql.view(kpi.source, kpi.anchor)

    def frame(condition: str) -> pd.DataFrame:
        query = (
            f"SELECT {columns}{extra} FROM ({relation}) "  # noqa: S608
            f"WHERE {in_period} AND ({condition}) ORDER BY 1 LIMIT $limit"
        )
        return store.facts().execute(query, sql.bind(query, values)).df()

    denominator = frame(kpi.eligible)
    if kpi.kind != "spend_per":
        return KpiRows(frame(sql.numerator_condition(kpi)), denominator)
    spend_values = {**values, "s": current.start, "e": min(current.end, as_of)}
    numerator = store.facts().execute(SPEND_ROWS, sql.bind(SPEND_ROWS, spend_values)).df()
    if filters.splits_spend:
        numerator = numerator.iloc[0:0]
    return KpiRows(numerator, denominator)


def column_label(column: str, lang: str) -> str:
    """A drill-down column's header: a fact field as the import names it, a computed column
    (duration, amounts of a ratio) from the KPI detail's strings."""
    computed = f"detail.field.{column}"
    return t(computed if computed in CATALOGUE else f"ingest.field.{column}", lang)


def _cell_text(value, lang: str, digits: int) -> str:
    import pandas as pd

    if value is None or pd.isna(value):
        return DASH
    if isinstance(value, bool):
        return t("users.yes" if value else "users.no", lang)
    if isinstance(value, datetime | date):
        return fmt_date(value, lang)
    if isinstance(value, int | float):
        return fmt_number(value, lang, digits)
    return str(value)


def _digits(column: pd.Series) -> int:
    """Decimals for a column's numbers: none when every value is whole, else two, alike down
    the column so the figures line up."""
    import pandas as pd

    numbers = pd.to_numeric(column.dropna(), errors="coerce").dropna()
    return 0 if (numbers == numbers.round()).all() else 2


def readable_rows(
    frame: pd.DataFrame, lang: str, channel_labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The rows as a person reads them, as text: translated headers, channels and ICP tiers by
    name, dates and numbers in the reader's locale, «—» for an empty cell (the CSV export keeps
    the stored values)."""
    import pandas as pd

    shown = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if column in ("channel", "icp_tier"):
            cells = [
                value_label(column, None if pd.isna(v) else v, lang, channel_labels)
                for v in frame[column]
            ]
        else:
            digits = _digits(frame[column]) if pd.api.types.is_numeric_dtype(frame[column]) else 0
            cells = [_cell_text(v, lang, digits) for v in frame[column].astype(object)]
        shown[column_label(column, lang)] = cells
    return shown
