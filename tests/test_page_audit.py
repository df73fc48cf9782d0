"""Audit log: the core query filters by user, table, action, dates and row; the admin page shows it."""

import json
from datetime import date, datetime

import pytest
from streamlit.testing.v1 import AppTest
from support import logged_in, open_page

from kpi.access.roles import SYSTEM, Actor
from kpi.cockpit import backlog, meeting
from kpi.i18n import CATALOGUE
from kpi.store import audit
from kpi.store.audit import AuditFilter, change_summary, changes, filter_options, query_audit
from kpi.store.database import open_store
from kpi.store.settings import set_setting
from kpi.store.state_schema import STATE_TABLES

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
        {"field": "c", "before": "—", "after": "sí", "changed": True},
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
    assert detail.loc[detail["Campo"] == "Texto", "Después"].tolist() == [XSS]

    at.selectbox(key="audit_actor").select("ana").run()
    assert at.dataframe[0].value["Usuario"].tolist() == ["ana", "ana"]
    at.selectbox(key="audit_pick").select(1).run()
    detail = at.dataframe[1].value
    assert detail.loc[detail["Campo"] == "Valor", "Después"].tolist() == ["12.0"]

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
    assert f"Texto: — → {XSS}" in at.dataframe[0].value["Cambios (campo: antes → después)"].iloc[0]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_admins_reach_the_page(app_env, role):
    open_store(app_env)
    at = logged_in(role).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/audit.py")


def test_diff_names_fields_in_words_and_reads_any_stored_value():
    diff = changes('{"status": "open", "attendees": ["Ana"]}', '{"status": "closed"}', "es")
    assert diff.to_dict("records")[:2] == [
        {"field": "Estado", "before": "open", "after": "closed", "changed": True},
        {"field": "Asistentes", "before": "Ana", "after": "—", "changed": True},
    ]
    assert changes(float("nan"), "[1, 2]", "en").to_dict("records") == [
        {"field": "", "before": "—", "after": "1, 2", "changed": True}
    ]
    assert change_summary(None, '{"text": "hola", "kind": "learning"}', "es") == (
        "Texto: — → hola; Tipo: — → learning"
    )


@pytest.mark.parametrize("newest", ["insert", "update", "delete"])
def test_page_renders_whatever_the_newest_entry_is(app_env, newest):
    store = open_store(app_env)
    store.now = lambda: datetime(2025, 3, 1, 10, 0)
    note = write_note(store, BEA, "primera")
    store.now = lambda: datetime(2025, 3, 2, 10, 0)
    with store.write(BEA, "notes") as w:
        if newest == "insert":
            w.insert(
                "notes",
                {"kind": "risk", "text": "*nueva*", "created_by": "bea", "created_at": w.now},
            )
        elif newest == "update":
            w.update("notes", {"id": note["id"]}, {"text": "*cambiada*"})
        else:
            w.delete("notes", {"id": note["id"]})
    at = admin_page()
    assert not at.exception
    words = {"insert": "alta", "update": "cambio", "delete": "baja"}
    assert at.dataframe[0].value["Acción"].tolist() == [words[newest], "alta"]
    assert at.dataframe[0].value["Tabla"].tolist() == ["notas", "notas"]
    detail = at.dataframe[1].value
    expected = {
        "insert": ("—", "*nueva*"),
        "update": ("primera", "*cambiada*"),
        "delete": ("primera", "—"),
    }[newest]
    assert tuple(detail.loc[detail["Campo"] == "Texto", ["Antes", "Después"]].iloc[0]) == expected
    assert not any("<" in m.value or "*nueva*" in m.value for m in at.markdown)


def test_diff_names_kpis_channels_and_summarises_a_meeting_snapshot():
    # A meeting's snapshot is stored as JSON text inside the audited row.
    snapshot = json.dumps(
        {
            "taken_at": "2026-11-23T09:00:00",
            "start": "2026-11-09",
            "end": "2026-11-22",
            "kpis": [{}] * 16,
        }
    )
    before = json.dumps({"status": "planned", "kpi_snapshot": None})
    after = json.dumps({"status": "closed", "kpi_snapshot": snapshot})
    assert change_summary(before, after, "es") == (
        "Estado: planned → closed; "
        "Instantánea del scorecard: — → instantánea de 16 KPI, 9 nov 2026 – 22 nov 2026"
    )
    older = json.dumps({"kpi_snapshot": {"taken_at": "2025-01-01T00:00:00", "kpis": [{}, {}]}})
    assert change_summary(None, older, "en") == "Scorecard snapshot: — → snapshot of 2 KPIs"
    row = json.dumps({"kpi_id": "win_rate", "channel": "paid_search", "icp_tier": "A"})
    assert changes(None, row, "es").to_dict("records") == [
        {"field": "KPI", "before": "—", "after": "Tasa de cierre", "changed": True},
        {"field": "Canal", "before": "—", "after": "Búsqueda de pago", "changed": True},
        {"field": "Nivel ICP", "before": "—", "after": "A", "changed": True},
    ]
    # The admin's name for a channel wins; without a language the stored codes show.
    renamed = changes(None, row, "en", {"paid_search": "Google Ads"})
    assert renamed["after"].tolist() == ["Win rate", "Google Ads", "A"]
    assert changes(None, row)["after"].tolist() == ["win_rate", "paid_search", "A"]


def test_page_shows_a_closed_meeting_in_words(app_env):
    store = open_store(app_env)
    meeting_id = meeting.create_meeting(store, BEA)
    backlog.create_item(store, BEA, title="Revisar eventos", kpi_id="win_rate", effort=2, impact=4)
    meeting.close_meeting(store, BEA, meeting_id)
    at = admin_page()
    assert not at.exception
    summaries = " ".join(at.dataframe[0].value["Cambios (campo: antes → después)"])
    assert "KPI: — → Tasa de cierre" in summaries
    assert "Instantánea del scorecard: — → instantánea de 18 KPI" in summaries
    assert "win_rate" not in summaries and "taken_at" not in summaries


def test_every_audited_table_and_column_has_words(store):
    """The audit page names tables and fields in words (both languages: test_i18n), also those
    added by later features: every state table is written through the audited writer but the
    login attempts."""
    columns = (
        store.state()
        .execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = 'state'"
        )
        .fetchall()
    )
    audited = STATE_TABLES - {"login_attempts"}
    keys = {f"audit.table.{table}" for table, _ in columns if table in audited}
    keys |= {f"audit.field.{column}" for table, column in columns if table in audited}
    assert sorted(keys - CATALOGUE.keys()) == []
    assert audit.code_label("table", "rejection_reviews", "es") == "revisión de leads rechazados"
    assert audit.code_label("field", "note_id", "en") == "Note"


def test_brujulas_own_writes_are_named_in_words(app_env):
    """The demo, the CLI import and the mail schedule write as the internal "system" account."""
    set_setting(open_store(app_env), SYSTEM, "sla_hours", 12)
    at = admin_page()
    assert at.dataframe[0].value["Usuario"].tolist() == ["Brújula (automático)"]
    actor_picker = at.selectbox(key="audit_actor")
    assert actor_picker.options == ["(todos)", "Brújula (automático)"]
    actor_picker.select("system").run()
    assert at.dataframe[0].value["Usuario"].tolist() == ["Brújula (automático)"]
