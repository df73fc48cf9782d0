"""Inicio's Monday sections: each item links to the page where it is worked on."""

import streamlit as st

from app_pages.widgets import common
from kpi.cockpit.monday import Monday, monday
from kpi.engine import catalogue as cat
from kpi.engine.periods import period_label
from kpi.i18n import CATALOGUE, fmt_date
from kpi.text import escape_markdown

MEETING_PAGE = "app_pages/meeting.py"
PROJECTOR_PAGE = "app_pages/projector.py"
BACKLOG_PAGE = "app_pages/backlog.py"
DETAIL_PAGE = "app_pages/kpi_detail.py"
OUTCOMES_PAGE = "app_pages/outcomes.py"
SCORECARD_PAGE = "app_pages/scorecard.py"
IMPORT_PAGE = "app_pages/import_data.py"


@st.cache_data(show_spinner=False, max_entries=16)
def _monday(path: str, version: tuple, today) -> Monday:
    return monday(common.store(), today)


def load() -> Monday:
    """The Monday view, recomputed only when the data or the day changes."""
    store = common.store()
    return _monday(str(store.path), store.data_version(), store.now().date())


def _open(label: str, page: str, key: str, state: dict, forget: tuple = ()) -> None:
    """A button that opens `page` with `state` set (the item it names selected there); `forget`
    drops the page's own pick, which would otherwise win over `state`."""
    if st.button(escape_markdown(label), key=key, width="stretch"):
        for name in forget:
            st.session_state.pop(name, None)
        st.session_state.update(state)
        st.switch_page(page)


# Per listing section: its icon, and the page (with its name's key) where its items are worked.
SECTIONS = {
    "actions": ("🗂️", BACKLOG_PAGE, "nav.backlog"),
    "red": ("📊", SCORECARD_PAGE, "nav.scorecard"),
    "outcomes": ("🎯", OUTCOMES_PAGE, "nav.outcomes"),
}


def _section(name: str, has_items: bool, caption: str | None = None) -> bool:
    """A section's heading; without items, what to do next and a link to where it is done."""
    tr = common.tr
    icon, page, nav_key = SECTIONS[name]
    st.subheader(f"{icon} {tr(f'home.{name}.title')}")
    if caption:
        st.caption(caption)
    if not has_items:
        st.info(tr(f"home.{name}.empty"))
        st.page_link(page, label=tr(nav_key), icon=icon)
    return has_items


def next_meeting(view: Monday) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(f"📅 {tr('home.next.title')}")
    found = view.next_meeting
    can_run = common.actor().can("meeting")
    if found is None:
        st.info(tr("home.next.empty" if can_run else "home.next.empty_viewer"))
        if can_run:
            st.page_link(MEETING_PAGE, label=tr("nav.meeting"), icon="⏱️")
        return
    status = tr(f"home.next.status.{found['status']}")
    st.caption(tr("home.next.when", date=fmt_date(found["meeting_date"], lang), status=status))
    if can_run:
        _open(found["title"], MEETING_PAGE, "home_meeting", {"meeting_id": found["id"]})
    else:
        st.page_link(PROJECTOR_PAGE, label=escape_markdown(found["title"]), icon="📽️")


def actions(view: Monday) -> None:
    tr, lang = common.tr, common.lang()
    if not _section("actions", bool(view.actions)):
        return
    for action in view.actions:
        text = tr(
            "home.actions.item",
            title=action["title"],
            owner=action["owner"],
            due=fmt_date(action["due_date"], lang),
        )
        if action["overdue"]:
            text = f"{tr('home.actions.overdue')} · {text}"
        icon = "🔴" if action["overdue"] else "🗓️"
        st.page_link(BACKLOG_PAGE, label=escape_markdown(text), icon=icon)


def red_kpis(view: Monday) -> None:
    tr, lang = common.tr, common.lang()
    older, newer = view.red.periods
    periods = tr(
        "home.red.periods", older=period_label(older, lang), newer=period_label(newer, lang)
    )
    if not _section("red", bool(view.red.kpi_ids), periods):
        return
    for kpi_id in view.red.kpi_ids:
        label = cat.label_of(kpi_id, lang)
        _open(label, DETAIL_PAGE, f"home_kpi_{kpi_id}", {"detail_kpi": kpi_id}, ("detail_pick",))


def outcomes(view: Monday) -> None:
    tr, lang = common.tr, common.lang()
    if not _section("outcomes", bool(view.off_track)):
        return
    for status in view.off_track:
        outcome = status.outcome
        text = tr(
            "home.outcomes.item", title=outcome["title"], kpi=cat.label_of(outcome["kpi_id"], lang)
        )
        st.page_link(OUTCOMES_PAGE, label=escape_markdown(text), icon="🎯")


def last_import(view: Monday) -> None:
    tr, lang = common.tr, common.lang()
    st.subheader(f"📥 {tr('home.import.title')}")
    is_admin = common.actor().can("import")
    found = view.last_import
    if found is None:
        st.info(tr("home.import.empty"))
    else:
        table_key = f"import.table.{found.table_name}"
        table = tr(table_key) if table_key in CATALOGUE else found.table_name
        st.text(
            tr(
                "home.import.when",
                date=fmt_date(found.imported_at, lang),
                table=table,
                actor=found.actor,
            )
        )
    if is_admin:
        st.page_link(IMPORT_PAGE, label=tr("home.import.open"), icon="📥")
