"""Sprint and backlog widgets: the sprint, its review, the matrix, the items and their editor
(shared with the meeting's block 4), the trends.

Every function takes a `key` prefix so two panels can live on one page without widget clashes.
Writes go through the core (which checks the role); refusals are shown in the user's language.
"""

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from app_pages.widgets.feedback import FLASH, attempt
from app_pages.widgets.fields import kpi_select
from kpi.access.roles import Actor
from kpi.cockpit import backlog
from kpi.cockpit.backlog import (
    ACTION_TEXT,
    AREAS,
    ITEM_STATUSES,
    ITEM_TEXT,
    MAX_ACTIONS,
    REVIEW_STATUSES,
    Sprint,
)
from kpi.cockpit.matrix_chart import effort_impact_chart
from kpi.engine import catalogue
from kpi.i18n import DASH, fmt_date
from kpi.ingest.csv_safety import safe_csv_bytes
from kpi.store.database import Store
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

# Selectbox sentinels for "none": a None option is shown by Streamlit as an empty placeholder.
NO_ITEM = 0
CANDIDATES = "sprint_candidates"
CHART_ROUND = "matrix_chart_round"
SCORES = (0, 1, 2, 3, 4, 5)
ITEM_COLUMNS = ("id", "title", "owner", "area", "effort", "impact", "kpi_id", "expected_effect")
ITEM_COLUMNS += ("status", "quadrant")


def describe_action(where, action: dict, heading: str, *, status: bool = False) -> None:
    """An action in two lines: «heading · owner», then its definition of done, due date and
    (with `status`) its review status. `heading` is Markdown; the action's own text is escaped."""
    tr = common.tr
    where.markdown(f"**{heading}** · {escape_markdown(action['owner'])}")
    parts = [
        f"{tr('sprint.col.done')}: {escape_markdown(action['definition_of_done'])}",
        f"{tr('sprint.col.due')}: {fmt_date(action['due_date'], common.lang())}",
    ]
    if status:
        parts.append(tr(f"sprint.status.{action['status']}"))
    where.caption(" · ".join(parts))


def sprint_caption(store: Store, sprint: Sprint) -> str:
    lang = common.lang()
    dates = {"date": fmt_date(sprint.start, lang), "review": fmt_date(sprint.review_date, lang)}
    if sprint.meeting_id is None:
        return common.tr("sprint.no_meeting", **dates)
    title = escape_markdown(backlog.meeting_title(store, sprint.meeting_id))
    return common.tr("sprint.of_meeting", title=title, **dates)


def actions_table(actions: list[dict]) -> None:
    tr, lang = common.tr, common.lang()
    if not actions:
        st.caption(tr("sprint.empty"))
        return
    frame = pd.DataFrame(
        {
            tr("sprint.col.title"): [a["title"] for a in actions],
            tr("sprint.col.owner"): [a["owner"] for a in actions],
            tr("sprint.col.done"): [a["definition_of_done"] for a in actions],
            tr("sprint.col.due"): [fmt_date(a["due_date"], lang) for a in actions],
            tr("sprint.col.status"): [tr(f"sprint.status.{a['status']}") for a in actions],
            tr("sprint.col.kpi"): [catalogue.label_of(a["kpi_id"], lang) for a in actions],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def sprint_panel(store: Store, user: Actor, meeting_id: int | None = None, key: str = "sprint"):
    """The sprint's actions (≤ 3) and, for editors, the form that commits one more."""
    tr = common.tr
    sprint = backlog.sprint_of(store, meeting_id)
    actions = backlog.sprint_actions(store, sprint.meeting_id)
    st.caption(sprint_caption(store, sprint))
    count = len(actions)
    st.progress(count / MAX_ACTIONS, text=tr("sprint.count", count=count, cap=MAX_ACTIONS))
    actions_table(actions)
    if not user.can("sprint"):
        return
    if count >= MAX_ACTIONS:
        st.warning(tr("sprint.full_note"))
    add_action_form(store, user, sprint, key)


def add_action_form(store: Store, user: Actor, sprint: Sprint, key: str) -> None:
    """Commit one action, from a backlog item (a matrix pick comes preselected) or typed anew."""
    tr = common.tr
    by_id = {i["id"]: i for i in backlog.list_items(store) if i["status"] in ("open", "in_sprint")}
    known = len(st.session_state.get(CANDIDATES, []))
    picked = [i for i in sprint_candidates() if i in by_id]
    if len(st.session_state[CANDIDATES]) > known and st.session_state[CANDIDATES][-1] in by_id:
        # A point just picked on the matrix is the item the team is about to commit.
        st.session_state[f"{key}_item"] = st.session_state[CANDIDATES][-1]
    choices = [NO_ITEM, *picked, *(i for i in by_id if i not in picked)]
    with st.form(f"{key}_add", clear_on_submit=True, enter_to_submit=False):
        st.subheader(tr("sprint.add"))
        item_id = st.selectbox(
            tr("sprint.add.item"),
            choices,
            format_func=lambda i: by_id[i]["title"] if i else tr("sprint.add.no_item"),
            key=f"{key}_item",
        )
        title = st.text_input(
            tr("sprint.add.title"), max_chars=ACTION_TEXT["title"].limit, key=f"{key}_title"
        )
        owner = st.text_input(
            tr("sprint.add.owner"), max_chars=ACTION_TEXT["owner"].limit, key=f"{key}_owner"
        )
        done = st.text_area(
            tr("sprint.add.done"),
            max_chars=ACTION_TEXT["definition_of_done"].limit,
            key=f"{key}_done",
            height=80,
        )
        due = st.date_input(
            tr("sprint.add.due"), value=sprint.review_date, key=f"{key}_due", format="DD/MM/YYYY"
        )
        kpi_id = kpi_select(st, tr("sprint.add.kpi"), key=f"{key}_kpi", none="")
        if not st.form_submit_button(tr("sprint.add.submit"), type="primary"):
            return
    item = by_id.get(item_id) or {}
    action_title = title.strip() or item.get("title", "")
    attempt(
        lambda: backlog.add_sprint_action(
            store,
            user,
            meeting_id=sprint.meeting_id,
            title=action_title,
            owner=owner.strip() or item.get("owner") or "",
            definition_of_done=done,
            due_date=due,
            backlog_item_id=item_id or None,
            kpi_id=kpi_id or item.get("kpi_id"),
        ),
        tr("sprint.added", title=escape_markdown(action_title)),
    )


def review_panel(store: Store, user: Actor, key: str = "review") -> None:
    """Mark pending actions done, not done or carried over (editors only)."""
    tr, lang = common.tr, common.lang()
    if not user.can("sprint"):
        return
    pending = backlog.pending_reviews(store)
    if not pending:
        st.caption(tr("sprint.review.none"))
        return
    labels = {
        a["id"]: f"{a['title']} · {a['owner']} · {fmt_date(a['due_date'], lang)}" for a in pending
    }
    with st.form(f"{key}_form", enter_to_submit=False):
        action_id = st.selectbox(
            tr("sprint.review.action"), list(labels), format_func=labels.get, key=f"{key}_action"
        )
        status = st.radio(
            tr("sprint.review.status"),
            REVIEW_STATUSES,
            format_func=lambda s: tr(f"sprint.status.{s}"),
            horizontal=True,
            key=f"{key}_status",
        )
        submitted = st.form_submit_button(tr("sprint.review.submit"))
    if submitted:
        attempt(
            lambda: backlog.review_action(store, user, action_id, status), tr("sprint.reviewed")
        )


def chart_key(matrix_key: str = "matrix") -> str:
    return f"{matrix_key}_chart_{st.session_state.get(CHART_ROUND, 0)}"


def sprint_candidates(matrix_key: str = "matrix") -> list[int]:
    """Item ids picked on the matrix so far, the chart's current selection merged in (read
    from session state so a form drawn above the chart already sees this run's picks)."""
    candidates = st.session_state.setdefault(CANDIDATES, [])
    for picked in backlog.selected_ids(st.session_state.get(chart_key(matrix_key))):
        if picked not in candidates:
            candidates.append(picked)
    return candidates


def matrix_panel(store: Store, user: Actor, key: str = "matrix") -> None:
    """The effort-impact matrix of open items; editors' selections become sprint candidates."""
    tr = common.tr
    items = [i for i in backlog.list_items(store) if i["status"] in ("open", "in_sprint")]
    st.caption(tr("backlog.quadrant.rule"))
    if not items:
        st.caption(tr("backlog.matrix.empty"))
        return
    unscored_caption(items)
    editable = user.can("sprint")
    chart = effort_impact_chart(items, common.lang(), selectable=editable)
    if not editable:
        st.altair_chart(chart, width="stretch")
        return
    st.caption(tr("backlog.matrix.help"))
    st.altair_chart(chart, width="stretch", on_select="rerun", key=chart_key(key))
    candidates = sprint_candidates(key)
    if candidates:
        titles = ", ".join(escape_markdown(i["title"]) for i in items if i["id"] in candidates)
        st.write(tr("backlog.matrix.candidates", titles=titles))
        if st.button(tr("backlog.matrix.clear"), key=f"{key}_clear"):
            candidates.clear()
            # A fresh chart key drops the chart's own selection, which would re-add them.
            st.session_state[CHART_ROUND] = st.session_state.get(CHART_ROUND, 0) + 1
            st.rerun()


def score_label(score: int) -> str:
    """A score in a picker of SCORES, where 0 stands for "not scored yet"."""
    return str(score) if score else common.tr("backlog.create.unscored")


def items_table(store: Store, user: Actor, items: list[dict]) -> None:
    """The backlog's items: a CSV download, and an editor (editors) or a table (viewers), both
    showing areas, statuses and KPIs by name."""
    tr, lang = common.tr, common.lang()
    frame = pd.DataFrame([{c: i[c] for c in ITEM_COLUMNS} for i in items])
    frame["quadrant"] = frame["quadrant"].map(lambda q: tr(f"backlog.quadrant.{q}"))
    titles = {c: tr(f"backlog.col.{'kpi' if c == 'kpi_id' else c}") for c in ITEM_COLUMNS}
    config = {c: st.column_config.Column(titles[c]) for c in ITEM_COLUMNS}
    # The table's own CSV export is off (client.disableDataExport): this one neutralises formulas.
    st.download_button(
        tr("leaks.backlog.download"),
        safe_csv_bytes(frame.rename(columns=titles)),
        file_name="backlog.csv",
        mime="text/csv",
        key="backlog_csv",
    )
    labels = {
        "area": lambda a: tr(f"backlog.area.{a}"),
        "status": lambda s: tr(f"backlog.status.{s}"),
        "kpi_id": partial(catalogue.label_of, lang=lang),
    }
    if not user.can("backlog"):
        shown = frame.astype(object).where(frame.notna(), DASH)
        for column in ("effort", "impact"):
            shown[column] = frame[column].map(lambda v: DASH if pd.isna(v) else str(int(v)))
        for column, label in labels.items():
            shown[column] = frame[column].map(lambda v, label=label: label(v) if v else DASH)
        st.dataframe(shown, column_config=config, hide_index=True, width="stretch")
        return
    # Empty cells read «—» and are edited as "": the core stores a blank or "" as no value.
    for column in ("owner", "expected_effect", "area", "kpi_id"):
        frame[column] = frame[column].fillna("")
    choices = {"area": ["", *AREAS], "status": ITEM_STATUSES, "kpi_id": ["", *catalogue.BY_ID]}
    config |= {
        c: st.column_config.TextColumn(titles[c], max_chars=ITEM_TEXT[c].limit)
        for c in ("title", "owner", "expected_effect")
    }
    config |= {c: score_column(titles[c]) for c in ("effort", "impact")}
    config |= {
        c: st.column_config.SelectboxColumn(
            titles[c],
            options=options,
            format_func=lambda v, label=labels[c]: label(v) if v else DASH,
        )
        for c, options in choices.items()
    }
    items_editor(
        store,
        user,
        items,
        frame,
        key="backlog_editor",
        save=("backlog_save", "backlog.edit.save"),
        column_config=config,
        disabled=["id", "quadrant"],
    )


def score_column(title: str) -> dict:
    """An editor column for a 1–5 score (empty: not scored yet)."""
    return st.column_config.NumberColumn(title, min_value=1, max_value=5, step=1, format="%d")


def unscored_caption(items: list[dict]) -> None:
    """Name the items the matrix leaves out because they are not scored yet."""
    unscored = [escape_markdown(i["title"]) for i in items if not backlog.is_scored(i)]
    if unscored:
        st.caption(common.tr("backlog.unscored", titles=", ".join(unscored)))


def items_editor(
    store: Store,
    user: Actor,
    items: list[dict],
    frame: pd.DataFrame,
    *,
    key: str,
    save: tuple[str, str],
    flash: str = FLASH,
    **editor,
) -> None:
    """A data editor of backlog items (`frame`: one row per item with an id column; `editor`:
    st.data_editor options) whose edits the `save` (button key, label key) button applies by
    item id through the core."""
    tr = common.tr
    editor_key = f"{key}_{st.session_state.setdefault(f'{key}_round', 0)}"
    # Rows stay as shown while edits are unsaved (see backlog.editor_ids); kept with the key.
    shown = st.session_state.get(f"{editor_key}_ids"), st.session_state.get(editor_key)
    st.session_state[f"{editor_key}_ids"] = shown_ids = backlog.editor_ids(items, *shown)
    st.data_editor(
        frame.set_index("id").loc[shown_ids].reset_index(),
        hide_index=True,
        width="stretch",
        key=editor_key,
        **editor,
    )
    if not st.button(tr(save[1]), key=save[0]):
        return

    def apply() -> int:
        updates = backlog.apply_editor_changes(items, shown_ids, st.session_state[editor_key])
        for item_id, changes in updates:
            backlog.update_item(store, user, item_id, **changes)
        # A fresh editor key drops the applied edit state and shows every item again.
        st.session_state[f"{key}_round"] += 1
        return len(updates)

    attempt(apply, lambda count: tr("backlog.edit.saved", count=count), key=flash)


def completion_trend(store: Store) -> None:
    tr = common.tr
    trend = [r for r in backlog.sprint_completion_trend(store) if r["rate"] is not None]
    if not trend:
        st.caption(tr("sprint.trend.empty"))
        return
    frame = pd.DataFrame(
        {
            "start": [pd.Timestamp(r["sprint_start"]) for r in trend],
            "rate": [r["rate"] for r in trend],
            "done": [f"{r['done']}/{r['actions'] - r['pending']}" for r in trend],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("start:T", title=tr("sprint.trend.start"), axis=alt.Axis(format="%d/%m/%y")),
            y=alt.Y(
                "rate:Q",
                title=tr("sprint.trend.rate"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("start:T", title=tr("sprint.trend.start"), format="%d/%m/%Y"),
                alt.Tooltip("rate:Q", format=".0%", title=tr("sprint.trend.rate")),
                alt.Tooltip("done:N", title="✓"),
            ],
        )
    )
    st.altair_chart(chart, width="stretch")
    st.caption(tr("sprint.trend.caption"))


def closed_loop_table(store: Store) -> None:
    tr, lang = common.tr, common.lang()
    currency = get_settings(store)["currency"]
    loop = backlog.closed_loop(store, {k.id: k.direction for k in catalogue.CATALOGUE})
    if not loop:
        st.caption(tr("backlog.loop.empty"))
        return
    kpis = [(catalogue.BY_ID[r["kpi_id"]], r) for r in loop]
    improved = {None: "—", True: tr("backlog.loop.yes"), False: tr("backlog.loop.no")}
    frame = pd.DataFrame(
        {
            tr("sprint.col.title"): [r["title"] for r in loop],
            tr("sprint.col.status"): [tr(f"sprint.status.{r['status']}") for r in loop],
            tr("sprint.col.kpi"): [catalogue.label_of(r["kpi_id"], lang) for r in loop],
            tr("backlog.loop.col.start"): [
                catalogue.format_value(k, r["kpi_value_at_start"], lang, currency) for k, r in kpis
            ],
            tr("backlog.loop.col.review"): [
                catalogue.format_value(k, r["kpi_value_at_review"], lang, currency) for k, r in kpis
            ],
            tr("backlog.loop.col.change"): [
                catalogue.format_delta(k, r["change"], lang, currency) or DASH for k, r in kpis
            ],
            tr("backlog.loop.col.improved"): [improved[r["improved"]] for r in loop],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(tr("backlog.loop.caption"))
