"""The Outcomes page's widgets: one card per outcome (with the baseline override) and the
form that creates one."""

from functools import partial

import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.fields import channel_select, kpi_select
from kpi.access.roles import Actor
from kpi.cockpit import outcomes
from kpi.cockpit.outcome_charts import trajectory_chart
from kpi.cockpit.outcomes import OUTCOME_TEXT
from kpi.engine import catalogue
from kpi.engine.dimension_labels import channel_namer, tier_label
from kpi.i18n import fmt_date, fmt_percent
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

# The Outcomes page's confirmations show there only.
FLASH = "outcomes_flash"


@st.cache_data(show_spinner=False, max_entries=64)
def status_and_path(_store, db: str, version: tuple, outcome: dict, day):
    """Cached per data version: a write or an import invalidates it."""
    status = outcomes.outcome_status(_store, outcome, day)
    return status, outcomes.trajectory(_store, status, day)


def scale_of(kpi: catalogue.Kpi) -> int:
    """Rates are typed as percentages and stored as fractions."""
    return 100 if kpi.unit == "rate" else 1


def outcome_card(store: Store, user: Actor, outcome: dict, today) -> None:
    """Scope, baseline/current/target, the verdict, progress against time and the trajectory."""
    with st.container(border=True):
        outcome_body(store, user, outcome, today)


def outcome_body(store: Store, user: Actor, outcome: dict, today) -> None:
    tr, lang = common.tr, common.lang()
    kpi = catalogue.BY_ID[outcome["kpi_id"]]
    status, path = status_and_path(store, str(store.path), store.data_version(), outcome, today)
    st.subheader(escape_markdown(outcome["title"]), anchor=False)
    channel = channel_namer(store, lang)(outcome["channel"])
    scope = [tr("outcomes.filter.channel", channel=channel)] if outcome["channel"] else []
    scope += [tr("outcomes.filter.icp", tier=outcome["icp_tier"])] if outcome["icp_tier"] else []
    filter_text = ", ".join(scope) or tr("outcomes.filter.none")
    st.caption(
        f"{kpi.label(lang)} · {escape_markdown(tr('outcomes.filter', filter=filter_text))} · "
        + escape_markdown(tr("outcomes.owner", owner=outcome["owner"] or "—"))
    )
    left, middle, right, verdict = st.columns(4)
    overridden = "_overridden" if outcome["baseline_overridden"] else ""
    shown = partial(
        catalogue.format_value, kpi, lang=lang, currency=get_settings(store)["currency"]
    )
    left.metric(tr(f"outcomes.baseline{overridden}"), shown(status.baseline))
    middle.metric(tr("outcomes.current"), shown(status.current))
    right.metric(tr("outcomes.target"), shown(outcome["target"]))
    if outcomes.target_against_direction(status.baseline, outcome["target"], kpi.direction):
        st.warning(tr("outcomes.target_backwards"))
    track = {True: "on_track", False: "off_track", None: "unknown"}[status.on_track]
    show = {True: verdict.success, False: verdict.error, None: verdict.info}[status.on_track]
    show(tr(f"outcomes.{track}"))
    elapsed = fmt_percent(status.elapsed, lang, 0)
    text = (
        tr("outcomes.progress.none", elapsed=elapsed)
        if status.progress is None
        else tr(
            "outcomes.progress", progress=fmt_percent(status.progress, lang, 0), elapsed=elapsed
        )
    )
    st.progress(max(0.0, min(1.0, status.progress or 0.0)), text=text)
    windows = {"b_start": status.baseline_window.start, "b_end": status.baseline_window.end}
    windows |= {"b_asof": status.baseline_window.end, "c_start": status.current_window.start}
    windows |= {"c_end": status.current_window.end}
    st.caption(tr("outcomes.windows", **{k: fmt_date(v, lang) for k, v in windows.items()}))
    if path:
        st.altair_chart(trajectory_chart(path, outcome["target"], kpi.unit, lang), width="stretch")
    if user.can("outcomes"):
        baseline_form(store, user, outcome, scale_of(kpi))


def baseline_form(store: Store, user: Actor, outcome: dict, scale: int) -> None:
    tr = common.tr
    with st.form(f"baseline_{outcome['id']}", enter_to_submit=False):
        override = st.number_input(
            tr("outcomes.create.baseline"),
            value=None if outcome["baseline"] is None else outcome["baseline"] * scale,
            key=f"oc_base_{outcome['id']}",
        )
        if st.form_submit_button(tr("common.save")):
            new = None if override is None else override / scale
            feedback.attempt(
                partial(outcomes.set_baseline, store, user, outcome["id"], new),
                tr("outcomes.baseline_saved"),
                key=FLASH,
            )


def create_form(store: Store, user: Actor, quarter: str, expanded: bool) -> None:
    tr = common.tr
    with (
        st.expander(tr("outcomes.create"), expanded=expanded),
        st.form("outcome_create", enter_to_submit=False),
    ):
        title = st.text_input(
            tr("outcomes.create.title"), max_chars=OUTCOME_TEXT["title"].limit, key="oc_title"
        )
        kpi_id = kpi_select(st, tr("outcomes.create.kpi"), key="oc_kpi", optional=False)
        left, right = st.columns(2)
        every = tr("outcomes.create.icp_all")
        channels, label = outcomes.known_channels(store), tr("outcomes.create.channel")
        channel = channel_select(left, store, channels, label, "oc_channel", every)
        tier = right.selectbox(
            tr("outcomes.create.icp"),
            ["", *outcomes.ICP_TIERS],
            format_func=lambda v: tier_label(v, common.lang()) if v else every,
            key="oc_icp",
        )
        target = left.number_input(tr("outcomes.create.target"), value=None, key="oc_target")
        baseline = right.number_input(tr("outcomes.create.baseline"), value=None, key="oc_baseline")
        owner = st.text_input(
            tr("outcomes.create.owner"), max_chars=OUTCOME_TEXT["owner"].limit, key="oc_owner"
        )
        if not st.form_submit_button(tr("outcomes.create.submit"), type="primary"):
            return
    scale = scale_of(catalogue.BY_ID[kpi_id])
    feedback.attempt(
        lambda: outcomes.create_outcome(
            store,
            user,
            quarter=quarter,
            title=title,
            kpi_id=kpi_id,
            target=None if target is None else target / scale,
            channel=channel,
            icp_tier=tier,
            owner=owner,
            baseline=None if baseline is None else baseline / scale,
        ),
        tr("outcomes.created", title=escape_markdown(title.strip())),
        key=FLASH,
    )
