"""The Programa page's admin forms: create a programme, phase lengths, target bands, benchmarks
with their source, the programme's cost, and re-freezing the baseline after a confirm dialog."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets.fields import decimal_input, kpi_select
from kpi.access.roles import Actor
from kpi.engine import catalogue as cat
from kpi.errors import SHORT_TEXT_MAX, TITLE_MAX
from kpi.programme import metrics as sm
from kpi.programme import model, writes
from kpi.programme.model import Programme
from kpi.store.database import Store

FLASH = "programme_flash"
DAY_FIRST = "DD/MM/YYYY"
REFREEZE = "programme_refreeze"  # set while the re-freeze dialog is open
attempt = partial(feedback.attempt, key=FLASH)


def _weeks_inputs(prefix: str, weeks: dict[str, int]) -> dict[str, int]:
    columns = st.columns(len(model.PHASES))
    return {
        key: column.number_input(
            common.tr("programa.admin.weeks", phase=common.tr(f"programme.phase.{key}")),
            *model.PHASE_WEEKS_RANGE,
            value=weeks[key],
            step=1,
            key=f"{prefix}_{key}",
        )
        for column, key in zip(columns, model.PHASES, strict=True)
    }


def create_form(store: Store, user: Actor, today: date, expanded: bool) -> None:
    """A new programme; the active one (if any) stays readable, inactive."""
    tr = common.tr
    with (
        st.expander(tr("programa.admin.create"), expanded=expanded),
        st.form("programme_create", enter_to_submit=False),
    ):
        name = st.text_input(tr("programa.admin.name"), max_chars=TITLE_MAX, key="pg_name")
        left, right = st.columns(2)
        start = left.date_input(tr("programa.admin.start"), today, format=DAY_FIRST, key="pg_start")
        months = right.selectbox(
            tr("programa.admin.baseline_months"),
            list(range(model.BASELINE_MONTHS_RANGE[0], model.BASELINE_MONTHS_RANGE[1] + 1)),
            index=0,
            key="pg_months",
        )
        weeks = _weeks_inputs("pg_new", model.DEFAULT_WEEKS)
        st.caption(tr("programa.admin.create.help", months=model.DEFAULT_BASELINE_MONTHS))
        if st.form_submit_button(tr("programa.admin.create.button"), type="primary"):
            write = partial(
                writes.create_programme,
                store,
                user,
                start=start,
                name=name,
                baseline_months=months,
                weeks=weeks,
            )
            attempt(write, tr("programa.admin.created"))


def phases_form(store: Store, user: Actor, programme: Programme) -> None:
    tr = common.tr
    with st.form("programme_phases", enter_to_submit=False):
        st.markdown(f"**{tr('programa.admin.phases')}**")
        weeks = _weeks_inputs(f"pg_{programme.id}", programme.weeks)
        if st.form_submit_button(tr("programa.admin.save")):
            write = partial(writes.set_phases, store, user, programme.id, weeks)
            attempt(write, tr("programa.admin.saved"))


def _band_scale(metric: sm.SuccessMetric) -> tuple[int, float, float]:
    """(scale, low, high) of a band typed by people: relative changes and rates in %."""
    if metric.target_kind == "points":
        return 1, *writes.BAND_RANGES["points"]
    low, high = writes.BAND_RANGES.get(metric.target_kind, (0.0, 1.0))
    return 100, low * 100, high * 100


def targets_form(store: Store, user: Actor, programme: Programme, bands: dict) -> None:
    """One success metric's band: its near edge (what reaches it) and its far edge."""
    tr = common.tr
    st.markdown(f"**{tr('programa.admin.targets')}**")
    # Outside the form: picking a metric shows its own band at once.
    metric_id = st.selectbox(
        tr("programa.admin.metric"),
        [m.id for m in sm.SUCCESS_METRICS],
        format_func=lambda m: tr(f"programme.metric.{m}"),
        key="pg_metric",
    )
    metric = sm.BY_ID[metric_id]
    scale, low, high = _band_scale(metric)
    band = bands.get(metric_id, (metric.near, metric.far))
    with st.form("programme_targets", enter_to_submit=False):
        unit = tr(f"programa.admin.band.{metric.target_kind}")
        typed = [
            decimal_input(
                column,
                tr(f"programa.admin.{edge}", unit=unit),
                value * scale,
                f"pg_{edge}_{metric_id}",
                low,
                high,
            )
            for column, edge, value in zip(st.columns(2), ("near", "far"), band, strict=True)
        ]
        st.caption(tr("programa.admin.targets.help"))
        if st.form_submit_button(tr("programa.admin.save")) and None not in typed:
            write = partial(
                writes.set_metric_target,
                store,
                user,
                programme.id,
                metric_id,
                *(value / scale for value in typed),
            )
            attempt(write, tr("programa.admin.saved"))


def benchmark_form(store: Store, user: Actor, programme: Programme) -> None:
    """An industry value for a KPI, with where it comes from (no benchmark ships by default)."""
    tr = common.tr
    with st.form("programme_benchmark", enter_to_submit=False):
        st.markdown(f"**{tr('programa.admin.benchmark')}**")
        kpi_id = kpi_select(st, tr("programa.admin.kpi"), "pg_bench_kpi", optional=False)
        kpi = cat.get(kpi_id)
        scale = 100 if kpi.unit == "rate" else 1
        value = decimal_input(
            st, tr("programa.admin.benchmark.value"), 0.0, "pg_bench_value", 0.0, 1e9
        )
        source = st.text_input(
            tr("programa.admin.benchmark.source"), max_chars=SHORT_TEXT_MAX, key="pg_bench_src"
        )
        st.caption(tr("programa.admin.benchmark.help"))
        save, remove = st.columns(2)
        if save.form_submit_button(tr("programa.admin.save")) and value is not None:
            write = partial(
                writes.set_benchmark, store, user, programme.id, kpi_id, value / scale, source
            )
            attempt(write, tr("programa.admin.saved"))
        if remove.form_submit_button(tr("programa.admin.benchmark.remove")):
            write = partial(writes.set_benchmark, store, user, programme.id, kpi_id, None)
            attempt(write, tr("programa.admin.saved"))


def cost_form(store: Store, user: Actor, programme: Programme) -> None:
    tr = common.tr
    with st.form("programme_cost", enter_to_submit=False):
        st.markdown(f"**{tr('programa.admin.cost')}**")
        cost = decimal_input(
            st, tr("programa.admin.cost.value"), programme.cost or 0.0, "pg_cost", 0.0, 1e12, 2
        )
        st.caption(tr("programa.admin.cost.help"))
        if st.form_submit_button(tr("programa.admin.save")) and cost is not None:
            write = partial(writes.set_cost, store, user, programme.id, cost)
            attempt(write, tr("programa.admin.saved"))


def refreeze_button(store: Store, user: Actor, programme: Programme, money: str) -> None:
    """Re-freezing asks first, showing which KPI values of the baseline would change."""
    tr = common.tr
    st.markdown(f"**{tr('programa.admin.refreeze')}**")
    st.caption(tr("programa.admin.refreeze.help"))
    if st.button(tr("programa.admin.refreeze.button"), key="pg_refreeze"):
        st.session_state[REFREEZE] = programme.id
    if st.session_state.get(REFREEZE) == programme.id:
        title = tr("programa.admin.refreeze.title")
        st.dialog(title, on_dismiss=_forget)(_confirm_refreeze)(store, user, programme, money)


def _forget() -> None:
    st.session_state.pop(REFREEZE, None)


def _kpi_changes(changes: list[dict], money: str) -> tuple[pd.DataFrame, int]:
    """The changed KPI values as a table (label, before, after), and how many other figures
    (funnel, acceptance, response, breakdowns) changed."""
    tr, lang = common.tr, common.lang()
    rows, others = [], 0
    for change in changes:
        parts = change["path"].split(".")
        if len(parts) == 3 and parts[0] == "kpis" and parts[2] == "value" and parts[1] in cat.BY_ID:
            kpi = cat.get(parts[1])
            rows.append(
                {
                    tr("programa.col.kpi"): kpi.label(lang),
                    tr("programa.col.before"): cat.format_value(kpi, change["before"], lang, money),
                    tr("programa.col.after"): cat.format_value(kpi, change["after"], lang, money),
                }
            )
        else:
            others += 1
    return pd.DataFrame(rows), others


def _confirm_refreeze(store: Store, user: Actor, programme: Programme, money: str) -> None:
    tr = common.tr
    table, others = _kpi_changes(writes.plan_refreeze(store, programme).changes, money)
    if table.empty and not others:
        st.info(tr("programa.admin.refreeze.same"))
    else:
        if not table.empty:
            st.dataframe(table, hide_index=True)
        st.caption(tr("programa.admin.refreeze.others", count=others))
    yes, no = st.columns(2)
    if no.button(tr("programa.admin.cancel"), key="pg_refreeze_no", width="stretch"):
        _forget()
        st.rerun()
    if yes.button(
        tr("programa.admin.refreeze.yes"), type="primary", key="pg_refreeze_yes", width="stretch"
    ):
        _forget()
        write = partial(writes.refreeze_baseline, store, user, programme.id)
        attempt(write, lambda done: tr("programa.admin.refrozen", version=done["version"]))
