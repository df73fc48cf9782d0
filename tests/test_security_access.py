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
from kpi.store.state_schema import STATE_TABLES

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


SLA_TERMS = {
    "response_hours": 24,
    "min_icp_a_share": 0.5,
    "feedback_business_days": 2,
    "review_days": 5,
    "compliance_target": 0.9,
    "approvers": "Ana, Luis",
    "approved_on": "2025-04-01",
}
GUIDE_ROW = {
    "mql_criteria": "m",
    "sql_criteria": "s",
    "disqualification": "d",
    "reasons": "[]",
    "approvers": '["Ana"]',
    "approved_on": date(2025, 4, 1),
}


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
    WriteCase(
        "kpi.cockpit.meeting.apply_template",
        "meeting",
        lambda s, a, c: _fn("kpi.cockpit.meeting.apply_template")(s, a, c["meeting"], "monthly"),
        ("meetings", "agenda_blocks"),
        _meeting,
    ),
]


def _rejected_lead(store, tmp):
    """A lead Sales rejected, in the store's facts file (issue 18 rejected-lead review)."""
    from kpi.store.database import rewrite_facts

    with rewrite_facts(store.path) as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, rejected_at, rejection_reason) "
            "VALUES ('L1', '2025-03-01', '2025-03-02', 'duplicado')"
        )
    return {}


def _disputed_rejection(store, tmp):
    _rejected_lead(store, tmp)
    _fn("kpi.cockpit.rejection_review.mark_rejection")(store, SYSTEM, "L1", "disputed")
    return _meeting(store, tmp)


CASES += [
    WriteCase(
        "kpi.cockpit.rejection_review.mark_rejection",
        "notes",
        lambda s, a, c: _fn("kpi.cockpit.rejection_review.mark_rejection")(
            s, a, "L1", "agreed", "ok"
        ),
        ("rejection_reviews",),
        _rejected_lead,
    ),
    WriteCase(
        "kpi.cockpit.rejection_review.take_to_meeting",
        "notes",
        lambda s, a, c: _fn("kpi.cockpit.rejection_review.take_to_meeting")(
            s, a, c["meeting"], "L1", "es"
        ),
        ("notes", "rejection_reviews"),
        _disputed_rejection,
    ),
    WriteCase(
        "kpi.cockpit.team_survey.answer_survey",
        "survey",
        lambda s, a, c: _fn("kpi.cockpit.team_survey.answer_survey")(s, a, 8, "bien", "ventas"),
        ("survey_responses",),
    ),
    WriteCase(
        "kpi.access.teams.set_team",
        "users",
        lambda s, a, c: _fn("kpi.access.teams.set_team")(s, a, c["auth"], "admin", "direccion"),
        ("users",),
        _auth_file,
    ),
]


def _mail_message(store, tmp):
    """One message in the outbox (issue 18 e-mail)."""
    message = {
        "message_key": "minutes:1:ana:2025-03-03",
        "kind": "minutes",
        "object_id": 1,
        "recipient": "ana",
        "address": "ana@example.test",
        "lang": "es",
        "due_on": date(2025, 3, 3),
        "subject": "Acta",
        "body": "Adjunta.",
        "attachment_name": None,
        "attachment": None,
    }
    _fn("kpi.mail.outbox.enqueue")(store, SYSTEM, [message])
    return {"message": message}


CASES += [
    WriteCase(
        "kpi.mail.secret.save_password",
        "settings",
        lambda s, a, c: _fn("kpi.mail.secret.save_password")(
            s, a, c["tmp"] / "auth.smtp-password", "smtp-pass-1"
        ),
        ("settings",),
        lambda store, tmp: {"tmp": tmp},
    ),
    WriteCase(
        "kpi.mail.outbox.enqueue",
        "meeting",
        lambda s, a, c: _fn("kpi.mail.outbox.enqueue")(
            s, a, [{**c["message"], "message_key": "minutes:1:bea:2025-03-03"}]
        ),
        ("mail_outbox",),
        _mail_message,
    ),
    WriteCase(
        "kpi.mail.outbox.record_attempt",
        "meeting",
        lambda s, a, c: _fn("kpi.mail.outbox.record_attempt")(s, a, 1, "421 try later"),
        ("mail_outbox",),
        _mail_message,
    ),
    WriteCase(
        "kpi.mail.recipients.set_email",
        "users",
        lambda s, a, c: _fn("kpi.mail.recipients.set_email")(
            s, a, c["auth"], "admin", "admin@example.com"
        ),
        ("users",),
        _auth_file,
    ),
]


def _programme(store, tmp):
    """An active alignment programme (issue 17), its baseline frozen on the empty facts."""
    programme = _fn("kpi.programme.writes.create_programme")(store, SYSTEM, start="2025-09-01")
    return {"programme": programme.id}


CASES += [
    WriteCase(
        "kpi.programme.writes.create_programme",
        "settings",
        lambda s, a, c: _fn("kpi.programme.writes.create_programme")(s, a, start="2026-01-05"),
        ("programmes", "programme_baselines"),
        _programme,
    ),
    WriteCase(
        "kpi.programme.writes.refreeze_baseline",
        "settings",
        lambda s, a, c: _fn("kpi.programme.writes.refreeze_baseline")(s, a, c["programme"]),
        ("programme_baselines",),
        _programme,
    ),
    WriteCase(
        "kpi.programme.writes.set_phases",
        "settings",
        lambda s, a, c: _fn("kpi.programme.writes.set_phases")(
            s, a, c["programme"], {"diagnosis": 6}
        ),
        ("programmes",),
        _programme,
    ),
    WriteCase(
        "kpi.programme.writes.set_cost",
        "settings",
        lambda s, a, c: _fn("kpi.programme.writes.set_cost")(s, a, c["programme"], 25000),
        ("programmes",),
        _programme,
    ),
    WriteCase(
        "kpi.programme.writes.set_metric_target",
        "targets",
        lambda s, a, c: _fn("kpi.programme.writes.set_metric_target")(
            s, a, c["programme"], "acceptance", 0.25, 0.35
        ),
        ("programme_targets",),
        _programme,
    ),
    WriteCase(
        "kpi.programme.writes.set_benchmark",
        "settings",
        lambda s, a, c: _fn("kpi.programme.writes.set_benchmark")(
            s, a, c["programme"], "win_rate", 0.2, "Informe sectorial"
        ),
        ("programme_benchmarks",),
        _programme,
    ),
    WriteCase(
        "kpi.agreements.sla.save_sla",
        "settings",
        lambda s, a, c: _fn("kpi.agreements.sla.save_sla")(s, a, **SLA_TERMS),
        ("sla_versions",),
    ),
    WriteCase(
        "kpi.agreements.guide.save_guide",
        "settings",
        lambda s, a, c: _fn("kpi.agreements.guide.save_guide")(
            s,
            a,
            mql_criteria="ICP A o B",
            sql_criteria="Presupuesto y plazo",
            disqualification="Estudiantes",
            reasons=[("Sin presupuesto", "budget")],
            approvers="Ana",
            approved_on="2025-04-01",
        ),
        ("qualification_guide_versions",),
    ),
    WriteCase(
        "kpi.agreements.versions.save_version",
        "settings",
        lambda s, a, c: _fn("kpi.agreements.versions.save_version")(
            s, a, "qualification_guide", GUIDE_ROW
        ),
        ("qualification_guide_versions",),
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
    assert not any(VIEWER.can(c) for c in CAPABILITIES["admin"] - {"survey"})
    # Everyone answers the team survey; nothing else is open to a viewer.
    assert CAPABILITIES["viewer"] == {"survey"}


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
