"""Cached scorecard computations (keyed by the data version) and the filter bar the KPI pages share."""

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from app_pages.widgets import common
from kpi.engine import catalogue as cat
from kpi.engine.compute import (
    Filters,
    KpiRows,
    Scorecard,
    compute_scorecard,
    default_as_of,
    dimension_values,
    kpi_rows,
    kpi_value,
)
from kpi.engine.periods import CUSTOM, PERIOD_KINDS, period_containing
from kpi.store.settings import get_settings

STATUS_DOT = {"green": "🟢", "amber": "🟡", "red": "🔴", "grey": "⚪"}
STATUS_BADGE = {"green": "green", "amber": "orange", "red": "red", "grey": "gray"}

# Large, high-contrast numbers for the projector; static CSS, no user content.
BIG_NUMBERS_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; font-weight: 700; color: #111; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; font-weight: 600; }
</style>
"""


@dataclass(frozen=True)
class Choice:
    """What the visitor asked for: period, as-of, explicit dates, filters."""

    period: str
    as_of: date
    start: date | None
    end: date | None
    filters: Filters


def _key() -> tuple[str, tuple[int, int]]:
    store = common.store()
    return str(store.path), store.data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def _as_of(path: str, version: tuple) -> date:
    return default_as_of(common.store())


@st.cache_data(show_spinner=False, max_entries=64)
def _dimensions(path: str, version: tuple) -> dict[str, list[str]]:
    return dimension_values(common.store())


@st.cache_data(show_spinner=False, max_entries=64)
def _scorecard(path: str, version: tuple, choice: Choice) -> Scorecard:
    return compute_scorecard(
        common.store(),
        period=choice.period if choice.period != CUSTOM else "quincena",
        as_of=choice.as_of,
        start=choice.start,
        end=choice.end,
        filters=choice.filters,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _rows(path: str, version: tuple, kpi_id: str, start, end, choice: Choice) -> KpiRows:
    return kpi_rows(common.store(), kpi_id, start, end, filters=choice.filters, as_of=choice.as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def _baseline(path: str, version: tuple, kpi_id: str, choice: Choice) -> float | None:
    """The KPI over the quarter before as-of's quarter, as known when that quarter closed."""
    quarter = period_containing("quarter", choice.as_of, choice.as_of)
    before = period_containing("quarter", quarter.start - timedelta(days=1), choice.as_of)
    return kpi_value(
        common.store(), kpi_id, before.start, before.end, filters=choice.filters, as_of=before.end
    ).value


def baseline(kpi_id: str, choice: Choice) -> float | None:
    return _baseline(*_key(), kpi_id, choice)


def scorecard(choice: Choice) -> Scorecard:
    return _scorecard(*_key(), choice)


def rows(kpi_id: str, start: date, end: date, choice: Choice) -> KpiRows:
    return _rows(*_key(), kpi_id, start, end, choice)


def currency() -> str:
    return get_settings(common.store())["currency"]


def filter_bar() -> Choice:
    """Period, as-of and filters; the keys are shared so the choice follows across pages."""
    tr = common.tr
    dims = _dimensions(*_key())
    latest = _as_of(*_key())
    cols = st.columns([1.8, 1, 1, 1, 1])
    kinds = (*PERIOD_KINDS, CUSTOM)
    period = cols[0].segmented_control(
        tr("scorecard.period"),
        kinds,
        default="quincena",
        required=True,
        format_func=lambda k: tr(f"kpi.period.{k}"),
        key="sc_period",
    )
    as_of = cols[1].date_input(
        tr("scorecard.as_of"), value=latest, key="sc_as_of", format="DD/MM/YYYY"
    )
    all_label = tr("kpi.all")
    channel = cols[2].selectbox(
        tr("kpi.dim.channel"), [all_label, *dims["channel"]], key="sc_channel"
    )
    icp = cols[3].selectbox(tr("kpi.dim.icp_tier"), [all_label, "A", "B", "C"], key="sc_icp")
    owner = cols[4].selectbox(tr("kpi.dim.owner"), [all_label, *dims["owner"]], key="sc_owner")
    start = end = None
    if period == CUSTOM:
        left, right = st.columns(2)
        start = left.date_input(
            tr("scorecard.from"), value=as_of.replace(day=1), key="sc_from", format="DD/MM/YYYY"
        )
        end = right.date_input(tr("scorecard.to"), value=as_of, key="sc_to", format="DD/MM/YYYY")
        if end < start:
            st.error(tr("scorecard.bad_dates"))
            st.stop()
    filters = Filters(
        channel=None if channel == all_label else channel,
        icp_tier=None if icp == all_label else icp,
        owner=None if owner == all_label else owner,
    )
    return Choice(period, as_of, start, end, filters)


def status_note(result, lang: str) -> str:
    """The card's one-line state: status, or why it is not judged."""
    tr = common.tr
    kpi = cat.get(result.kpi_id)
    if result.not_applicable:
        return tr("kpi.not_applicable")
    if result.value is None:
        return tr("kpi.no_value")
    # A grey card says why it is not judged rather than "not judged".
    judged = result.status != "grey" or not (result.maturing or result.insufficient)
    parts = [tr(f"kpi.status.{result.status}")] if judged else []
    if result.maturing:
        parts.append(tr("kpi.maturing"))
    if result.insufficient:
        parts.append(tr("kpi.insufficient", n=result.n, min=kpi.min_sample))
    return " · ".join(parts)


def delta_color(kpi: cat.Kpi) -> str:
    return "normal" if kpi.direction > 0 else "inverse"


def target_text(result, money: str) -> str:
    kpi = cat.get(result.kpi_id)
    arrow = "≥" if kpi.direction > 0 else "≤"
    return common.tr(
        "kpi.target", target=f"{arrow} {cat.format_value(kpi, result.target, common.lang(), money)}"
    )
