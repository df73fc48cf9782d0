"""Cached scorecard computations (keyed by the data version) and the filter bar the KPI pages share."""

from dataclasses import dataclass, replace
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
from kpi.engine.dimension_labels import channel_namer
from kpi.engine.display import is_no_change
from kpi.engine.periods import (
    CUSTOM,
    PERIOD_KINDS,
    Period,
    period_containing,
    period_label,
    reported_period,
)
from kpi.engine.targets import SLA_KPIS
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
    """What the visitor asked for: the period kind, as-of, the dates shown (the last complete
    period of the kind by default, or explicit dates) and the filters."""

    period: str
    as_of: date
    start: date
    end: date
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
    # Explicit dates of a whole fortnight, month or quarter trend like that kind (periods.py).
    card = compute_scorecard(
        common.store(),
        as_of=choice.as_of,
        start=choice.start,
        end=choice.end,
        filters=choice.filters,
    )
    return replace(card, period_kind=choice.period)


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
    channel_name = channel_namer(common.store(), common.lang())
    channel = cols[2].selectbox(
        tr("kpi.dim.channel"),
        [all_label, *dims["channel"]],
        format_func=lambda code: code if code == all_label else channel_name(code),
        key="sc_channel",
    )
    icp = cols[3].selectbox(tr("kpi.dim.icp_tier"), [all_label, "A", "B", "C"], key="sc_icp")
    owner = cols[4].selectbox(tr("kpi.dim.owner"), [all_label, *dims["owner"]], key="sc_owner")
    if period == CUSTOM:
        start, end = _explicit_dates(as_of)
    else:
        shown = _shown_period(period, as_of)
        start, end = shown.start, shown.end
    filters = Filters(
        channel=None if channel == all_label else channel,
        icp_tier=None if icp == all_label else icp,
        owner=None if owner == all_label else owner,
    )
    return Choice(period, as_of, start, end, filters)


def _explicit_dates(as_of: date) -> tuple[date, date]:
    tr = common.tr
    left, right = st.columns(2)
    start = left.date_input(
        tr("scorecard.from"), value=as_of.replace(day=1), key="sc_from", format="DD/MM/YYYY"
    )
    end = right.date_input(tr("scorecard.to"), value=as_of, key="sc_to", format="DD/MM/YYYY")
    if end < start:
        st.error(tr("scorecard.bad_dates"))
        common.end_page()
    return start, end


def _shown_period(kind: str, as_of: date) -> Period:
    """The last complete period of `kind`; the running one is one click away, marked partial."""
    anchor = date.fromisoformat(get_settings(common.store())["sprint_anchor"])
    complete = reported_period(kind, as_of, anchor)
    current = reported_period(kind, as_of, anchor, running=True)
    if complete == current:
        return current
    lang, periods = common.lang(), {"complete": complete, "running": current}
    shown = st.segmented_control(
        common.tr("scorecard.shown"),
        tuple(periods),
        default="complete",
        required=True,
        format_func=lambda name: period_label(periods[name], lang, as_of),
        help=common.tr("scorecard.shown.help"),
        key=f"sc_shown_{kind}_{as_of.isoformat()}",
    )
    return periods[shown]


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


def delta_args(result, card: Scorecard, money: str) -> dict:
    """A card's change against the period before: coloured by the KPI's status, like its sparkline
    (Streamlit gives both one colour); a change that rounds to zero has no arrow."""
    kpi, lang = cat.get(result.kpi_id), common.lang()
    before = card.periods[-2] if len(card.periods) > 1 else None
    return {
        "delta": cat.format_delta(kpi, result.delta, lang, money),
        "delta_color": STATUS_BADGE[result.status],
        "delta_arrow": "off" if is_no_change(kpi, result.delta, lang, money) else "auto",
        "delta_description": (
            common.tr("scorecard.vs", period=period_label(before, lang, card.as_of))
            if before and result.delta is not None
            else None
        ),
    }


def target_text(result, money: str) -> str:
    """The target; beside the response SLA it is named the team's target (not the SLA)."""
    kpi = cat.get(result.kpi_id)
    target = cat.format_target(kpi, result.target, common.lang(), money)
    if kpi.id in SLA_KPIS:
        return common.tr("scorecard.team_target", target=target)
    return common.tr("kpi.target", target=target)


def sla_text(kpi_id: str) -> str | None:
    """The agreed response SLA, for the KPIs read beside it; None for the others."""
    if kpi_id not in SLA_KPIS:
        return None
    hours = float(get_settings(common.store())["sla_hours"])
    return common.tr("scorecard.agreed_sla", sla=cat.format_value("hours", hours, common.lang()))
