"""Scorecard cards while a programme runs: each KPI's change against the programme's frozen
baseline, beside the card's change against the previous period."""

from datetime import date

import streamlit as st

from app_pages.widgets import common
from kpi.engine import catalogue as cat
from kpi.engine.results import Filters
from kpi.i18n import fmt_date
from kpi.programme import active_programme, baseline


@st.cache_data(show_spinner=False, max_entries=8)
def _frozen(path: str, version: tuple) -> dict | None:
    """The active programme's frozen baseline snapshot, or None without a programme."""
    store = common.store()
    programme = active_programme(store)
    frozen = baseline(store, programme.id) if programme else None
    return frozen.snapshot if frozen else None


def baseline_value(entry: dict | None, filters: Filters) -> float | None:
    """The frozen value for the card's filters: overall, or one channel's or one ICP tier's;
    None for a filter the baseline was not broken down by (owner, channel and tier together)."""
    if entry is None or filters.owner or (filters.channel and filters.icp_tier):
        return None
    for dimension, wanted in (("channel", filters.channel), ("icp_tier", filters.icp_tier)):
        if wanted:
            rows = entry["breakdown"].get(dimension, [])
            return next((row["value"] for row in rows if row["key"] == wanted), None)
    return entry["value"]


def baseline_change(result, filters: Filters, money: str) -> None:
    """A caption under a card: the change against the programme's baseline (none without one)."""
    store = common.store()
    frozen = _frozen(str(store.path), store.data_version())
    if frozen is None or result.value is None:
        return
    base = baseline_value(frozen["kpis"].get(result.kpi_id), filters)
    if base is None:
        return
    tr, lang = common.tr, common.lang()
    kpi = cat.get(result.kpi_id)
    st.caption(
        tr(
            "programa.card.vs_baseline",
            change=cat.format_delta(kpi, result.value - base, lang, money),
        ),
        help=tr(
            "programa.card.help",
            value=cat.format_value(kpi, base, lang, money),
            start=fmt_date(date.fromisoformat(frozen["start"]), lang),
            end=fmt_date(date.fromisoformat(frozen["end"]), lang),
        ),
    )
