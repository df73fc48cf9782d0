"""Audit log: the core query filters by user, table, action, dates and row; the admin page shows it."""

from datetime import date, datetime

import pytest
from streamlit.testing.v1 import AppTest
from support import logged_in, open_page

from kpi.access.roles import Actor
from kpi.store.audit import AuditFilter, changes, filter_options, query_audit
from kpi.store.database import open_store
from kpi.store.settings import set_setting

ANA = Actor("ana", "admin")
BEA = Actor("bea", "editor")
XSS = "<img src=x onerror=window.__xss=1>"


def write_note(store, actor, text):
    with store.write(actor, "notes") as w:
        return w.insert(
            "notes",
            {"kind": "learning", "text": text, "created_by": actor.username, "created_at": w.now},
        )


def seed(store):
    """Three writes on three days: ana sets the SLA twice (1 and 2 March), bea adds a note (3 March)."""
    store.now = lambda: datetime(2025, 3, 1, 10, 0)
    set_setting(store, ANA, "sla_hours", 12)
    store.now = lambda: datetime(2025, 3, 2, 11, 0)
    set_setting(store, ANA, "sla_hours", 36)
    store.now = lambda: datetime(2025, 3, 3, 12, 0)
    write_note(store, BEA, XSS)


def test_filters_combine(store):
    seed(store)
    everything = query_audit(store, AuditFilter())
    assert everything["actor"].tolist() == ["bea", "ana", "ana"], "newest first"
    assert query_audit(store, AuditFilter(actor="ana"))["table_name"].tolist() == ["settings"] * 2
    assert query_audit(store, AuditFilter(table_name="notes"))["actor"].tolist() == ["bea"]
    assert len(query_audit(store, AuditFilter(action="update"))) == 0
    one_day = query_audit(store, AuditFilter(start=date(2025, 3, 2), end=date(2025, 3, 2)))
    assert one_day["happened_at"].tolist() == [datetime(2025, 3, 2, 11, 0)]
    assert len(query_audit(store, AuditFilter(start=date(2025, 3, 2)))) == 2
    assert len(query_audit(store, AuditFilter(end=date(2025, 3, 1)))) == 1
    assert len(query_audit(store, AuditFilter(), limit=1)) == 1
    assert filter_options(store) == {
        "actor": ["ana", "bea"],
        "table_name": ["notes", "settings"],
        "action": ["insert"],
    }


@pytest.mark.parametrize(
    "hostile",
    ["' OR '1'='1", "ana'; DROP TABLE audit_log; --", "%", "*", "ana\x00", "🧭" * 50],
)
def test_sql_injection_in_filters_matches_nothing_and_harms_nothing(store, hostile):
    seed(store)
    for where in (
        AuditFilter(actor=hostile),
        AuditFilter(table_name=hostile),
        AuditFilter(action=hostile),
        AuditFilter(row_id=hostile),
    ):
        assert query_audit(store, where).empty
    assert len(query_audit(store, AuditFilter())) == 3


def test_changes_lists_changed_fields_first():
    diff = changes('{"a": 1, "b": "x"}', '{"a": 1, "b": "y", "c": true}')
    assert diff.to_dict("records") == [
        {"field": "b", "before": "x", "after": "y", "changed": True},
        {"field": "c", "before": "—", "after": "True", "changed": True},
        {"field": "a", "before": "1", "after": "1", "changed": False},
    ]
    assert changes(None, "not json").to_dict("records") == [
        {"field": "", "before": "—", "after": "not json", "changed": True}
    ]


def admin_page() -> AppTest:
    return open_page("app_pages/audit.py", "admin", "ana")


def test_page_lists_filters_and_shows_before_after(app_env):
    seed(open_store(app_env))
    at = admin_page()
    table = at.dataframe[0].value
    assert table["Usuario"].tolist() == ["bea", "ana", "ana"]
    assert "3 filas" in at.caption[1].value
    detail = at.dataframe[1].value
    assert detail.loc[detail["Campo"] == "text", "Después"].tolist() == [XSS]

    at.selectbox(key="audit_actor").select("ana").run()
    assert at.dataframe[0].value["Usuario"].tolist() == ["ana", "ana"]
    at.selectbox(key="audit_pick").select(1).run()
    detail = at.dataframe[1].value
    assert detail.loc[detail["Campo"] == "value", "Después"].tolist() == ["12.0"]

    at.selectbox(key="audit_actor").select("(todos)").run()
    at.date_input(key="audit_start").set_value(date(2025, 3, 2)).run()
    at.date_input(key="audit_end").set_value(date(2025, 3, 2)).run()
    assert at.dataframe[0].value["Cuándo"].tolist() == [datetime(2025, 3, 2, 11, 0)]

    at.text_input(key="audit_row").input("' OR 1=1 --").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Ninguna escritura coincide con el filtro."]


def test_hostile_text_is_never_rendered_as_markup(app_env):
    seed(open_store(app_env))
    at = admin_page()
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<img" in text for text in rendered)
    assert XSS in at.dataframe[0].value["Después"].iloc[0]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_reach_the_page(app_env, role):
    open_store(app_env)
    at = logged_in(role).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/audit.py")
