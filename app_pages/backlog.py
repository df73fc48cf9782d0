"""Backlog: the prioritised items, the effort-impact matrix, the 3-action sprint and its review."""

from functools import partial

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from app_pages.widgets import sprint as widgets
from kpi.cockpit import backlog
from kpi.cockpit.backlog import AREAS, ITEM_STATUSES, ITEM_TEXT
from kpi.engine import catalogue
from kpi.ingest.csv_safety import safe_csv_bytes
from kpi.text import escape_markdown

user = common.guard()
tr, store = common.tr, common.store()
can_edit = user.can("backlog")
COLUMNS = ["id", "title", "owner", "area", "effort", "impact", "kpi_id", "expected_effect"]
COLUMNS += ["status", "quadrant"]

st.title(tr("nav.backlog"))
feedback.show_flash()
if not can_edit:
    st.info(tr("backlog.readonly"))

st.header(tr("sprint.title"))
widgets.sprint_panel(store, user)
if user.can("sprint"):
    with st.expander(tr("sprint.review")):
        widgets.review_panel(store, user)

st.header(tr("backlog.matrix.title"))
widgets.matrix_panel(store, user)

st.header(tr("backlog.items"))
items = backlog.list_items(store)
kpi_ids = list(catalogue.BY_ID)
if items:
    frame = pd.DataFrame([{c: i[c] for c in COLUMNS} for i in items])
    frame["quadrant"] = frame["quadrant"].map(lambda q: tr(f"backlog.quadrant.{q}"))
    titles = {c: tr(f"backlog.col.{'kpi' if c == 'kpi_id' else c}") for c in COLUMNS}
    config = {c: st.column_config.Column(titles[c]) for c in COLUMNS}
    # The table's own CSV export is off (client.disableDataExport): this one neutralises formulas.
    st.download_button(
        tr("leaks.backlog.download"),
        safe_csv_bytes(frame.rename(columns=titles)),
        file_name="backlog.csv",
        mime="text/csv",
        key="backlog_csv",
    )
    if not can_edit:
        st.dataframe(frame, column_config=config, hide_index=True, width="stretch")
    else:
        score = {"min_value": 1, "max_value": 5, "step": 1}
        config |= {
            **{
                c: st.column_config.TextColumn(titles[c], max_chars=ITEM_TEXT[c].limit)
                for c in ("title", "owner", "expected_effect")
            },
            "effort": st.column_config.NumberColumn(titles["effort"], **score),
            "impact": st.column_config.NumberColumn(titles["impact"], **score),
            "status": st.column_config.SelectboxColumn(titles["status"], options=ITEM_STATUSES),
            "kpi_id": st.column_config.SelectboxColumn(titles["kpi_id"], options=kpi_ids),
            "area": st.column_config.SelectboxColumn(titles["area"], options=AREAS),
        }
        key = f"backlog_editor_{st.session_state.setdefault('backlog_editor_round', 0)}"
        # Rows stay as shown while edits are unsaved (see backlog.editor_ids); kept with the key.
        shown = st.session_state.get(f"{key}_ids"), st.session_state.get(key)
        st.session_state[f"{key}_ids"] = shown_ids = backlog.editor_ids(items, *shown)
        st.data_editor(
            frame.set_index("id").loc[shown_ids].reset_index(),
            column_config=config,
            disabled=["id", "quadrant"],
            hide_index=True,
            width="stretch",
            key=key,
        )
        if st.button(tr("backlog.edit.save"), key="backlog_save"):

            def save() -> int:
                updates = backlog.apply_editor_changes(items, shown_ids, st.session_state[key])
                for item_id, changes in updates:
                    backlog.update_item(store, user, item_id, **changes)
                # A fresh editor key drops the applied edit state and shows every item again.
                st.session_state["backlog_editor_round"] += 1
                return len(updates)

            feedback.attempt(save, lambda count: tr("backlog.edit.saved", count=count))
else:
    st.caption(tr("backlog.empty"))

if can_edit:
    with (
        st.expander(tr("backlog.create"), expanded=not items),
        st.form("backlog_create", clear_on_submit=True),
    ):
        title = st.text_input(
            tr("backlog.col.title"), max_chars=ITEM_TEXT["title"].limit, key="new_title"
        )
        description = st.text_area(
            tr("backlog.col.description"),
            max_chars=ITEM_TEXT["description"].limit,
            key="new_description",
        )
        left, right = st.columns(2)
        owner = left.text_input(
            tr("backlog.col.owner"), max_chars=ITEM_TEXT["owner"].limit, key="new_owner"
        )
        area = right.selectbox(
            tr("backlog.col.area"),
            ["", *AREAS],
            format_func=lambda a: tr(f"backlog.area.{a}") if a else "—",
            key="new_area",
        )
        effort = left.slider(tr("backlog.col.effort"), 1, 5, 3, key="new_effort")
        impact = right.slider(tr("backlog.col.impact"), 1, 5, 3, key="new_impact")
        kpi_id = left.selectbox(
            tr("backlog.col.kpi"),
            ["", *kpi_ids],
            format_func=partial(catalogue.label_of, lang=common.lang()),
            key="new_kpi",
        )
        effect = right.text_input(
            tr("backlog.col.expected_effect"),
            max_chars=ITEM_TEXT["expected_effect"].limit,
            key="new_effect",
        )
        submitted = st.form_submit_button(tr("backlog.create.submit"), type="primary")
    if submitted:
        feedback.attempt(
            lambda: backlog.create_item(
                store,
                user,
                title=title,
                description=description,
                area=area,
                owner=owner,
                effort=effort,
                impact=impact,
                kpi_id=kpi_id,
                expected_effect=effect,
            ),
            tr("backlog.created", title=escape_markdown(title.strip())),
        )

st.header(tr("sprint.trend"))
widgets.completion_trend(store)
st.header(tr("backlog.loop.title"))
widgets.closed_loop_table(store)
