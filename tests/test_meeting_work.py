"""Blocks 3–5 at work inside the meeting: notes corrected and deleted (core and page), the notes
list with area, KPI and backlog item, block 4 scoring in place, block 5 starting from an item."""

from datetime import date

import pytest
from support import EDITOR, VIEWER, meeting_with_action, open_page

from kpi.access.roles import PermissionDenied
from kpi.cockpit import backlog, meeting, notes
from kpi.cockpit.meeting_record import MeetingError
from kpi.store.database import open_store
from tests.test_backlog import audit_rows

PAGE = "app_pages/meeting.py"


def a_note(store, meeting_id: int, text: str = "Implantaciones retrasadas", **extra) -> dict:
    return meeting.add_note(store, EDITOR, meeting_id, kind="risk", text=text, **extra)


@pytest.fixture
def store(app_env):
    return open_store(app_env)


def test_a_note_is_corrected_and_deleted_audited_by_editors_only(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    note = a_note(store, meeting_id)
    changed = notes.update_note(
        store,
        EDITOR,
        note["id"],
        kind="dependency",
        text="  Implantaciones retrasadas en marzo ",
        area="operations",
        owner="Luis",
        kpi_id="time_to_value_days",
    )
    assert (changed["kind"], changed["text"], changed["area"], changed["kpi_id"]) == (
        "dependency",
        "Implantaciones retrasadas en marzo",
        "operations",
        "time_to_value_days",
    )
    with pytest.raises(MeetingError):
        notes.update_note(store, EDITOR, note["id"], kind="risk", text="   ")
    with pytest.raises(PermissionDenied):
        notes.update_note(store, VIEWER, note["id"], kind="risk", text="otro")
    with pytest.raises(PermissionDenied):
        notes.delete_note(store, VIEWER, note["id"])
    notes.delete_note(store, EDITOR, note["id"])
    assert meeting.list_notes(store, meeting_id) == []
    assert audit_rows(store, "notes") == [
        ("eva", "insert", str(note["id"])),
        ("eva", "update", str(note["id"])),
        ("eva", "delete", str(note["id"])),
    ]
    with pytest.raises(MeetingError):
        notes.delete_note(store, EDITOR, note["id"])


def test_deleting_a_note_sent_to_the_backlog_keeps_the_item(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    note = a_note(store, meeting_id)
    item_id = meeting.note_to_backlog(store, EDITOR, note["id"])
    [listed] = notes.notes_with_items(store, meeting_id)
    assert (listed["backlog_item_id"], listed["backlog_title"]) == (
        item_id,
        "Implantaciones retrasadas",
    )
    notes.delete_note(store, EDITOR, note["id"])
    item = backlog.get_item(store, item_id)
    assert (item["title"], item["status"], item["source_note_id"]) == (
        "Implantaciones retrasadas",
        "open",
        None,
    )


def test_notes_of_a_closed_meeting_are_not_changed(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    note = a_note(store, meeting_id)
    meeting.close_meeting(store, EDITOR, meeting_id, snapshot={"taken_at": "x", "kpis": []})
    with pytest.raises(MeetingError):
        notes.update_note(store, EDITOR, note["id"], kind="risk", text="otro")
    with pytest.raises(MeetingError):
        notes.delete_note(store, EDITOR, note["id"])


def test_a_note_sent_from_the_meeting_waits_unscored_for_block_four(store):
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    item_id = meeting.note_to_backlog(store, EDITOR, a_note(store, meeting_id)["id"])
    item = backlog.get_item(store, item_id)
    assert (item["effort"], item["impact"]) == (None, None)


def test_the_notes_list_shows_area_kpi_and_the_backlog_items_title(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    note = a_note(store, meeting_id, area="operations", kpi_id="time_to_value_days", owner="Luis")
    meeting.note_to_backlog(store, EDITOR, note["id"])
    at = open_page(PAGE, "editor", "eva")
    headings = [m.value for m in at.markdown if m.value.startswith("**Bloqueo")]
    assert headings == [
        "**Bloqueo: riesgo de entrega** · Luis · Operaciones · Tiempo hasta el valor"
    ]
    [link] = [p for p in at.get("page_link") if "En el backlog" in p.proto.label]
    assert link.proto.label == "En el backlog: Implantaciones retrasadas"
    assert link.proto.page.endswith("backlog")
    assert "#" not in link.proto.label


def test_a_note_is_edited_and_deleted_through_dialogs(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    note = a_note(store, meeting_id)
    item_id = meeting.note_to_backlog(store, EDITOR, note["id"])
    at = open_page(PAGE, "editor", "eva")
    at.button(key=f"note_edit_{note['id']}").click().run()
    assert at.text_area(key="note_edit_text").value == "Implantaciones retrasadas"
    at.text_area(key="note_edit_text").input("Implantaciones retrasadas en abril")
    [save] = [b for b in at.button if b.label == "Guardar" and b.form_id == "note_edit_form"]
    save.click().run()
    assert not at.exception, at.exception
    assert meeting.list_notes(store, meeting_id)[0]["text"] == "Implantaciones retrasadas en abril"
    assert any("Nota actualizada." in s.value for s in at.success)
    at.button(key=f"note_delete_{note['id']}").click().run()
    assert meeting.list_notes(store, meeting_id), "one click only opens the confirmation"
    at.button(key="dialog_cancel").click().run()
    assert meeting.list_notes(store, meeting_id), "cancel deletes nothing"
    at.button(key=f"note_delete_{note['id']}").click().run()
    at.button(key="dialog_confirm").click().run()
    assert not at.exception, at.exception
    assert meeting.list_notes(store, meeting_id) == []
    assert backlog.get_item(store, item_id)["title"] == "Implantaciones retrasadas"


def test_block_four_scores_items_in_place(demo_app_env):
    store = open_store(demo_app_env)
    meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    scored = backlog.create_item(store, EDITOR, title="Pozo caro", effort=5, impact=1)
    unscored = backlog.create_item(store, EDITOR, title="Guion nuevo")
    at = open_page(PAGE, "editor", "eva")
    assert any("Sin puntuar" in c.value and "Guion nuevo" in c.value for c in at.caption)
    # Rows: the money pit, then the unscored item; score the second one 1/5 (a quick win).
    at.session_state["meeting_scores_0"] = {
        "edited_rows": {1: {"effort": 1, "impact": 5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="meeting_scores_save").click().run()
    assert not at.exception, at.exception
    item = backlog.get_item(store, unscored["id"])
    assert (item["effort"], item["impact"]) == (1, 5)
    assert backlog.get_item(store, scored["id"])["effort"] == 5
    assert not any("Sin puntuar" in c.value for c in at.caption), "now on the matrix"
    assert any("1 elementos actualizados." in s.value for s in at.success)


def test_block_five_starts_an_action_from_a_backlog_item(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id = meeting.create_meeting(store, EDITOR, meeting_date=date(2026, 3, 2))
    item = backlog.create_item(
        store, EDITOR, title="Guion ICP-A", owner="Ana", effort=1, impact=5, kpi_id="win_rate"
    )
    at = open_page(PAGE, "editor", "eva")
    at.selectbox(key="action_item").set_value(item["id"]).run()
    assert at.text_input(key="action_title").value == "Guion ICP-A"
    assert at.text_input(key="action_owner").value == "Ana"
    assert at.selectbox(key="action_kpi").value == "win_rate"
    at.text_input(key="action_done").input("Guion probado con 20 leads")
    at.button(key="action_add").click().run()
    assert not at.exception, at.exception
    [action] = backlog.sprint_actions(store, meeting_id)
    assert (action["title"], action["owner"], action["backlog_item_id"], action["kpi_id"]) == (
        "Guion ICP-A",
        "Ana",
        item["id"],
        "win_rate",
    )
    assert backlog.get_item(store, item["id"])["status"] == "in_sprint"
    assert any(c.value == "Vinculada a «Guion ICP-A»" for c in at.caption)
    assert at.selectbox(key="action_item").value == 0, "the next action starts typed anew"
    # Two more actions typed anew: the picker's reset never breaks the page (it once failed on
    # the third action in the browser: its callback read a key dropped by the reset).
    for title in ("Plan de capacidad", "Revisar SLA"):
        at.text_input(key="action_title").input(title)
        at.text_input(key="action_owner").input("Luis")
        at.text_input(key="action_done").input("Hecho")
        at.button(key="action_add").click().run()
        assert not at.exception, at.exception
    assert [a["title"] for a in backlog.sprint_actions(store, meeting_id)] == [
        "Guion ICP-A",
        "Plan de capacidad",
        "Revisar SLA",
    ]
    assert [a["backlog_item_id"] for a in backlog.sprint_actions(store, meeting_id)][1:] == [
        None,
        None,
    ]


def test_an_action_is_edited_and_deleted_through_dialogs(demo_app_env):
    store = open_store(demo_app_env)
    meeting_id, action = meeting_with_action(store, EDITOR, date(2026, 3, 2), "Acordar SLA")
    at = open_page(PAGE, "editor", "eva")
    at.button(key=f"action_edit_{action['id']}").click().run()
    prefix = f"action_edit_{action['id']}"
    assert at.text_input(key=f"{prefix}_title").value == "Acordar SLA"
    at.text_input(key=f"{prefix}_owner").input("Luis")
    [save] = [b for b in at.button if b.label == "Guardar" and b.form_id == "action_edit_form"]
    save.click().run()
    assert not at.exception, at.exception
    assert backlog.sprint_actions(store, meeting_id)[0]["owner"] == "Luis"
    at.button(key=f"action_delete_{action['id']}").click().run()
    at.button(key="dialog_confirm").click().run()
    assert not at.exception, at.exception
    assert backlog.sprint_actions(store, meeting_id) == []
