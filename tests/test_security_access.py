"""Roles are enforced in the core: a viewer (or an editor on admin work) cannot write, even by
calling kpi/ directly, and every allowed write leaves a complete audit_log row."""

import ast
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from kpi.access import auth
from kpi.access.roles import CAPABILITIES, SYSTEM, Actor, PermissionDenied
from kpi.store.schema import STATE_TABLES

ROOT = Path(__file__).resolve().parent.parent
VIEWER = Actor("vera", "viewer")
EDITOR = Actor("eda", "editor")
ADMIN = Actor("ada", "admin")


def _fn(dotted: str) -> Callable:
    module, name = dotted.rsplit(".", 1)
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        # A renamed or moved write function must not silently drop out of the access checks.
        pytest.fail(f"{dotted} is missing: update this list of write functions")


@dataclass
class WriteCase:
    """One write function of the core: how to prepare for it and how to call it."""

    function: str
    capability: str
    call: Callable
    tables: tuple[str, ...]
    setup: Callable = field(default=lambda store, tmp: {})


def _auth_file(store, tmp):
    path = tmp / "auth.yaml"
    auth.ensure_auth_config(path)
    return {"auth": path}


def _backlog_item(store, tmp):
    item = _fn("kpi.cockpit.backlog.create_item")(
        store, SYSTEM, title="Existing item", effort=2, impact=4
    )
    return {"item": item["id"]}


def _planned_action(store, tmp):
    action = _fn("kpi.cockpit.backlog.add_sprint_action")(
        store, SYSTEM, title="Call back", owner="ana", definition_of_done="10 calls"
    )
    return {"action": action["id"]}


def _meeting(store, tmp):
    meeting_id = _fn("kpi.cockpit.meeting.create_meeting")(
        store, SYSTEM, title="Reunión", attendees=["ana", "bea"]
    )
    return {"meeting": meeting_id, "tmp": tmp}


def _meeting_with_note(store, tmp):
    context = _meeting(store, tmp)
    note = _fn("kpi.cockpit.meeting.add_note")(
        store, SYSTEM, context["meeting"], kind="risk", text="dep"
    )
    return {**context, "note": note["id"]}


def _closed_meeting(store, tmp):
    context = _meeting(store, tmp)
    _fn("kpi.cockpit.meeting.close_meeting")(store, SYSTEM, context["meeting"], snapshot={})
    return context


def _outcome(store, tmp):
    row = _fn("kpi.cockpit.outcomes.create_outcome")(
        store, SYSTEM, quarter="2025-Q2", title="Subir conversión", kpi_id="win_rate", target=0.3
    )
    return {"outcome": row["id"]}


CASES = [
    WriteCase(
        "kpi.store.settings.set_setting",
        "settings",
        lambda s, a, c: _fn("kpi.store.settings.set_setting")(s, a, "sla_hours", 12),
        ("settings",),
    ),
    WriteCase(
        "kpi.access.auth.save_user",
        "users",
        lambda s, a, c: _fn("kpi.access.auth.save_user")(
            s, a, c["auth"], "nuevo", "Nuevo", "editor", "pass-1234"
        ),
        ("users",),
        _auth_file,
    ),
    WriteCase(
        "kpi.access.auth.change_user",
        "users",
        lambda s, a, c: _fn("kpi.access.auth.change_user")(
            s, a, c["auth"], "admin", lambda users: {**users["admin"], "active": True}
        ),
        ("users",),
        _auth_file,
    ),
    WriteCase(
        "kpi.cockpit.backlog.create_item",
        "backlog",
        lambda s, a, c: _fn("kpi.cockpit.backlog.create_item")(
            s, a, title="New", effort=1, impact=5
        ),
        ("backlog_items",),
    ),
    WriteCase(
        "kpi.cockpit.backlog.update_item",
        "backlog",
        lambda s, a, c: _fn("kpi.cockpit.backlog.update_item")(s, a, c["item"], title="Renamed"),
        ("backlog_items",),
        _backlog_item,
    ),
    WriteCase(
        "kpi.cockpit.backlog.add_sprint_action",
        "sprint",
        lambda s, a, c: _fn("kpi.cockpit.backlog.add_sprint_action")(
            s, a, title="Act", owner="ana", definition_of_done="done when done"
        ),
        ("sprint_actions",),
    ),
    WriteCase(
        "kpi.cockpit.backlog.review_action",
        "sprint",
        lambda s, a, c: _fn("kpi.cockpit.backlog.review_action")(s, a, c["action"], "done"),
        ("sprint_actions",),
        _planned_action,
    ),
    WriteCase(
        "kpi.cockpit.meeting.create_meeting",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.create_meeting")(s, a, title="Nueva"),
        ("meetings", "agenda_blocks"),
    ),
    WriteCase(
        "kpi.cockpit.meeting.update_meeting",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.update_meeting")(s, a, c["meeting"], title="Otra"),
        ("meetings",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.replace_agenda",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.replace_agenda")(
            s, a, c["meeting"], [{"name": "Único", "minutes": 45}]
        ),
        ("agenda_blocks",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.timer_command",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.timer_command")(s, a, c["meeting"], "start"),
        ("timer_state",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.add_note",
        "notes",
        lambda s, a, c: _fn("kpi.cockpit.meeting.add_note")(
            s, a, c["meeting"], kind="worked", text="x"
        ),
        ("notes",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.note_to_backlog",
        "backlog",
        lambda s, a, c: _fn("kpi.cockpit.meeting.note_to_backlog")(s, a, c["note"]),
        ("backlog_items",),
        _meeting_with_note,
    ),
    WriteCase(
        "kpi.cockpit.meeting.rate",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.rate")(s, a, c["meeting"], "ana", 8),
        ("meeting_ratings",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.close_meeting",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.close_meeting")(s, a, c["meeting"], snapshot={}),
        ("meetings",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.checklist.answer_checklist",
        "checklist",
        lambda s, a, c: _fn("kpi.cockpit.checklist.answer_checklist")(
            s, a, c["meeting"], {1: True}
        ),
        ("checklist_answers",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.outcomes.create_outcome",
        "outcomes",
        lambda s, a, c: _fn("kpi.cockpit.outcomes.create_outcome")(
            s, a, quarter="2025-Q3", title="O", kpi_id="win_rate", target=0.4
        ),
        ("outcomes",),
    ),
    WriteCase(
        "kpi.cockpit.outcomes.set_baseline",
        "outcomes",
        lambda s, a, c: _fn("kpi.cockpit.outcomes.set_baseline")(s, a, c["outcome"], 0.2),
        ("outcomes",),
        _outcome,
    ),
    WriteCase(
        "kpi.engine.targets.set_target",
        "targets",
        lambda s, a, c: _fn("kpi.engine.targets.set_target")(s, a, "win_rate", 0.35, 2),
        ("kpi_targets",),
    ),
    WriteCase(
        "kpi.store.backup.backup_store",
        "backup",
        lambda s, a, c: _fn("kpi.store.backup.backup_store")(s, a, c["tmp"] / "bk"),
        ("database",),
        lambda store, tmp: {"tmp": tmp},
    ),
    WriteCase(
        "kpi.cockpit.backlog.update_action",
        "sprint",
        lambda s, a, c: _fn("kpi.cockpit.backlog.update_action")(
            s,
            a,
            c["action"],
            title="T",
            owner="bea",
            definition_of_done="d",
            due_date=date(2099, 1, 1),
        ),
        ("sprint_actions",),
        _planned_action,
    ),
    WriteCase(
        "kpi.cockpit.backlog.delete_action",
        "sprint",
        lambda s, a, c: _fn("kpi.cockpit.backlog.delete_action")(s, a, c["action"]),
        ("sprint_actions",),
        _planned_action,
    ),
    WriteCase(
        "kpi.cockpit.notes.update_note",
        "notes",
        lambda s, a, c: _fn("kpi.cockpit.notes.update_note")(
            s, a, c["note"], kind="risk", text="dep, corrected"
        ),
        ("notes",),
        _meeting_with_note,
    ),
    WriteCase(
        "kpi.cockpit.notes.delete_note",
        "notes",
        lambda s, a, c: _fn("kpi.cockpit.notes.delete_note")(s, a, c["note"]),
        ("notes",),
        _meeting_with_note,
    ),
    WriteCase(
        "kpi.cockpit.projector.set_mode",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.projector.set_mode")(s, a, c["meeting"], "board"),
        ("projector_modes",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.rate_attendees",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.rate_attendees")(s, a, c["meeting"], {"ana": 8}),
        ("meeting_ratings",),
        _meeting,
    ),
    WriteCase(
        "kpi.cockpit.meeting.reopen_meeting",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.reopen_meeting")(s, a, c["meeting"]),
        ("meetings",),
        _closed_meeting,
    ),
]
IDS = [case.function for case in CASES]


def snapshot(store) -> dict:
    """Row counts of every state table plus the data version: what any write would change."""
    cur = store.state()
    counts = {
        t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in sorted(STATE_TABLES)
    }
    counts["audit_log"] = cur.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    counts["version"] = store.state_version()
    return counts


def file_bytes(context: dict) -> bytes | None:
    return context["auth"].read_bytes() if "auth" in context else None


def weaker_actors(capability: str) -> list[Actor]:
    """Every role lacking `capability`, plus impostors: unknown role, a dict posing as admin."""
    actors = [
        Actor(f"{role}-user", role) for role, caps in CAPABILITIES.items() if capability not in caps
    ]
    return actors + [Actor("root", "superuser"), Actor("", "")]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weaker_roles_are_refused_and_nothing_changes(case, store, tmp_path):
    context = case.setup(store, tmp_path)
    before, before_file = snapshot(store), file_bytes(context)
    for actor in weaker_actors(case.capability):
        with pytest.raises(PermissionDenied):
            case.call(store, actor, context)
    with pytest.raises(PermissionDenied):
        case.call(store, {"username": "x", "role": "admin"}, context)
    assert snapshot(store) == before
    assert file_bytes(context) == before_file
    assert not (tmp_path / "bk").exists(), "a refused backup writes no file"


@pytest.mark.parametrize("capability", sorted(CAPABILITIES["admin"]))
def test_store_write_itself_refuses_roles_without_the_capability(capability, store):
    before = snapshot(store)
    for actor in weaker_actors(capability):
        with pytest.raises(PermissionDenied), store.write(actor, capability) as w:
            w.insert(
                "notes", {"kind": "learning", "text": "x", "created_by": "x", "created_at": w.now}
            )
    assert snapshot(store) == before


def test_editor_may_do_meeting_work_but_no_admin_work():
    assert all(
        EDITOR.can(c) for c in ("meeting", "notes", "backlog", "sprint", "outcomes", "checklist")
    )
    assert not any(EDITOR.can(c) for c in ("import", "settings", "targets", "users", "backup"))
    assert not any(VIEWER.can(c) for c in CAPABILITIES["admin"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_write_leaves_a_complete_audit_row(case, store, tmp_path):
    context = case.setup(store, tmp_path)
    last = store.state().execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    case.call(store, ADMIN, context)
    rel = store.state().execute(
        "SELECT happened_at, actor, action, table_name, row_id, before, after "
        "FROM audit_log WHERE id > ? ORDER BY id",
        [last],
    )
    rows = [dict(zip([d[0] for d in rel.description], r, strict=True)) for r in rel.fetchall()]
    assert rows, f"{case.function} wrote without an audit row"
    assert {r["table_name"] for r in rows} >= set(case.tables)
    for row in rows:
        assert row["actor"] == "ada"
        assert row["happened_at"] is not None
        assert row["row_id"]
        assert row["action"] in ("insert", "update", "delete", "backup")
        if row["action"] in ("insert", "update"):
            assert json.loads(row["after"])
        if row["action"] in ("update", "delete"):
            assert json.loads(row["before"])


def _functions_that_write() -> set[str]:
    """Every kpi/ function whose body opens `<store>.write(...)` (found by reading the source)."""
    found = set()
    for path in sorted((ROOT / "kpi").rglob("*.py")):
        if path == ROOT / "kpi" / "store" / "database.py":
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "write"
                    and isinstance(call.func.value, ast.Name | ast.Attribute)
                    and "store" in ast.unparse(call.func.value)
                ):
                    found.add(f"{module}.{node.name}")
                    break
    return found


def test_every_write_function_in_the_core_is_covered_here():
    missing = _functions_that_write() - set(IDS)
    assert not missing, f"write functions without an access/audit case: {sorted(missing)}"
