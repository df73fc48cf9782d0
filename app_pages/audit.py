"""Audit log (admin): filter every write by user, table, action, dates and row; before/after."""

import streamlit as st

from app_pages.widgets import common
from kpi.access.roles import actor_name
from kpi.engine.dimension_labels import custom_channel_labels
from kpi.i18n import fmt_date
from kpi.ingest.csv_safety import safe_csv_bytes
from kpi.store.audit import (
    DEFAULT_LIMIT,
    AuditFilter,
    change_summary,
    changes,
    code_label,
    filter_options,
    query_audit,
)

common.guard("users")
store = common.store()
tr = common.tr
channel_labels = custom_channel_labels(store)

st.title(f"🧾 {tr('nav.audit')}")
st.caption(tr("audit.intro"))

options = filter_options(store)
ALL = tr("audit.all")


def words(kind: str, code: str) -> str:
    """A stored code as the page shows it: the user who acted, a table or an action."""
    lang = common.lang()
    return actor_name(code, lang) if kind == "actor" else code_label(kind, code, lang)


def pick(label_key: str, values: list[str], key: str, kind: str) -> str | None:
    choice = st.selectbox(
        tr(label_key),
        [ALL, *values],
        format_func=lambda value: value if value == ALL else words(kind, value),
        key=key,
    )
    return None if choice == ALL else choice


cols = st.columns(3)
with cols[0]:
    actor = pick("audit.filter.actor", options["actor"], "audit_actor", "actor")
with cols[1]:
    table = pick("audit.filter.table", options["table_name"], "audit_table", "table")
with cols[2]:
    action = pick("audit.filter.action", options["action"], "audit_action", "action")
cols = st.columns(3)
with cols[0]:
    start = st.date_input(
        tr("audit.filter.dates"), value=None, key="audit_start", format="DD/MM/YYYY"
    )
with cols[1]:
    end = st.date_input("→", value=None, key="audit_end", format="DD/MM/YYYY")
with cols[2]:
    row_id = st.text_input(tr("audit.filter.row"), key="audit_row").strip() or None

rows = query_audit(store, AuditFilter(actor, table, action, start, end, row_id))
st.caption(tr("audit.count", shown=len(rows), limit=DEFAULT_LIMIT))
if rows.empty:
    st.info(tr("audit.empty"))
    common.end_page()

# The list reads as words (field: old → new); the CSV keeps the stored JSON for machines.
shown = rows.drop(columns=["before", "after"]).assign(
    actor=[words("actor", a) for a in rows["actor"]],
    action=[words("action", a) for a in rows["action"]],
    table_name=[words("table", n) for n in rows["table_name"]],
    changes=[
        change_summary(b, a, common.lang(), channel_labels)
        for b, a in zip(rows["before"], rows["after"], strict=True)
    ],
)
labels = {c: tr(f"audit.col.{c}") for c in shown.columns}
st.dataframe(shown.rename(columns=labels), hide_index=True, width="stretch")
st.download_button(
    tr("audit.download"),
    safe_csv_bytes(rows),
    file_name="auditoria.csv",
    mime="text/csv",
    key="audit_csv",
)

st.subheader(tr("audit.detail"))
entries = {
    int(r.id): f"#{r.id} · {fmt_date(r.happened_at, common.lang())} · {words('actor', r.actor)} · "
    f"{words('action', r.action)} · {words('table', r.table_name)} "
    f"{r.row_id if isinstance(r.row_id, str) else ''}"
    for r in rows.itertuples()
}
chosen = st.selectbox(
    tr("audit.pick"), list(entries), format_func=lambda i: entries.get(i, f"#{i}"), key="audit_pick"
)
entry = rows[rows["id"] == chosen].iloc[0]
diff = changes(entry["before"], entry["after"], common.lang(), channel_labels)
st.dataframe(
    diff.rename(columns={c: tr(f"audit.col.{c}") for c in diff.columns}),
    hide_index=True,
    width="stretch",
)
