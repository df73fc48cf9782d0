"""Backlog core: quadrants, ordering, editor changes, the three-action sprint, carry-over, roles."""

import json
from datetime import date, datetime

import pytest
from support import EDITOR, VIEWER

from kpi.access.roles import Actor, PermissionDenied
from kpi.cockpit import backlog
from kpi.cockpit.backlog import (
    BacklogError,
    SprintFull,
    add_sprint_action,
    apply_editor_changes,
    create_item,
    editor_ids,
    list_items,
    order_items,
    quadrant,
    review_action,
    sprint_actions,
    sprint_completion_trend,
    update_item,
)
from kpi.cockpit.matrix_chart import effort_impact_chart, jittered_positions
from kpi.store.database import Store, rewrite_facts

SYSTEM = Actor("system", "admin")


@pytest.fixture
def fixed_store(tmp_path):
    """A store whose clock says 2026-03-04 10:00 (sprint anchor default 2025-01-06)."""
    fixed = Store(tmp_path / "b.duckdb", now=lambda: datetime(2026, 3, 4, 10, 0))
    yield fixed
    fixed.close()


def add_meeting(store, day: date, status: str = "planned", title: str = "Tracción") -> int:
    with store.write(SYSTEM, "meeting") as w:
        row = w.insert(
            "meetings",
            {
                "title": title,
                "meeting_date": day,
                "status": status,
                "created_by": "system",
                "created_at": datetime(2026, 1, 1),
            },
        )
    return row["id"]


def action(store, meeting_id=None, title="Llamar a leads ICP-A", **extra):
    return add_sprint_action(
        store,
        EDITOR,
        meeting_id=meeting_id,
        title=title,
        owner=extra.pop("owner", "Ana"),
        definition_of_done=extra.pop("definition_of_done", "100 % contactados en 24 h"),
        **extra,
    )


@pytest.mark.parametrize(
    ("effort", "impact", "expected"),
    [
        (1, 5, "quick_win"),
        (2, 3, "quick_win"),
        (3, 3, "big_bet"),
        (5, 5, "big_bet"),
        (1, 1, "fill_in"),
        (2, 2, "fill_in"),
        (3, 2, "money_pit"),
        (5, 1, "money_pit"),
    ],
)
def test_quadrant_splits_between_two_and_three(effort, impact, expected):
    assert quadrant(effort, impact) == expected


def test_order_is_quadrant_then_impact_desc_then_effort_asc():
    items = [
        {"id": 1, "effort": 5, "impact": 1},  # money pit
        {"id": 2, "effort": 1, "impact": 1},  # fill-in
        {"id": 3, "effort": 4, "impact": 5},  # big bet, impact 5
        {"id": 4, "effort": 2, "impact": 3},  # quick win, impact 3
        {"id": 5, "effort": 2, "impact": 5},  # quick win, impact 5, effort 2
        {"id": 6, "effort": 1, "impact": 5},  # quick win, impact 5, effort 1
        {"id": 7, "effort": 3, "impact": 5},  # big bet, impact 5, effort 3
        {"id": 8, "effort": 3, "impact": 4},  # big bet, impact 4
    ]
    assert [i["id"] for i in order_items(items)] == [6, 5, 4, 7, 3, 8, 2, 1]


def test_quincena_start_counts_fourteen_day_windows_from_the_anchor():
    anchor = date(2025, 1, 6)
    # 2026-03-04 is 422 days after the anchor: 30 whole windows (420 days) → 2026-03-02.
    assert backlog.quincena_start(date(2026, 3, 4), anchor) == date(2026, 3, 2)
    assert backlog.quincena_start(date(2026, 3, 2), anchor) == date(2026, 3, 2)
    assert backlog.quincena_start(date(2026, 3, 1), anchor) == date(2026, 2, 16)
    assert backlog.quincena_start(date(2025, 1, 5), anchor) == date(2024, 12, 23)


def test_create_validates_and_lists_in_priority_order(store):
    create_item(store, EDITOR, title="Pozo", effort=5, impact=1)
    create_item(
        store, EDITOR, title="  Quick  ", effort=1, impact=4, owner="Ana", kpi_id="win_rate"
    )
    create_item(store, EDITOR, title="Apuesta", effort=4, impact=4)
    items = list_items(store)
    assert [i["title"] for i in items] == ["Quick", "Apuesta", "Pozo"]
    assert [i["quadrant"] for i in items] == ["quick_win", "big_bet", "money_pit"]
    assert items[0]["status"] == "open" and items[0]["created_by"] == "eva"
    with pytest.raises(ValueError, match="título"):
        create_item(store, EDITOR, title="   ")
    with pytest.raises(ValueError, match="1 a 5"):
        create_item(store, EDITOR, title="x", effort=6)
    with pytest.raises(ValueError, match="1 a 5"):
        create_item(store, EDITOR, title="x", impact=0)
    assert len(list_items(store)) == 3


def test_update_item_changes_and_validates(store):
    item = create_item(store, EDITOR, title="Guion de cualificación")
    updated = update_item(store, EDITOR, item["id"], impact=5, effort=1, owner="Luis")
    assert (updated["impact"], updated["effort"], updated["owner"]) == (5, 1, "Luis")
    with pytest.raises(BacklogError):
        update_item(store, EDITOR, item["id"], effort=2.5)
    with pytest.raises(BacklogError):
        update_item(store, EDITOR, 999, title="nada")


def test_viewer_cannot_write_through_the_core(store):
    item = create_item(store, EDITOR, title="Algo")
    with pytest.raises(PermissionDenied):
        create_item(store, VIEWER, title="Intruso")
    with pytest.raises(PermissionDenied):
        update_item(store, VIEWER, item["id"], title="Cambiado")
    with pytest.raises(PermissionDenied):
        add_sprint_action(store, VIEWER, title="x", owner="y", definition_of_done="z")
    planned = action(store)
    with pytest.raises(PermissionDenied):
        review_action(store, VIEWER, planned["id"], "done")
    assert list_items(store)[0]["title"] == "Algo"


def test_apply_editor_changes_keeps_only_real_validated_changes():
    items = [
        {"id": 10, "title": "A", "owner": "Ana", "effort": 1, "impact": 5, "status": "open"},
        {"id": 11, "title": "B", "owner": None, "effort": 3, "impact": 3, "status": "open"},
        {"id": 12, "title": "C", "owner": "Luis", "effort": 2, "impact": 2, "status": "open"},
    ]
    state = {
        "edited_rows": {
            "2": {"effort": 4.0, "owner": "Luis"},  # owner unchanged → only effort
            0: {"title": "A"},  # no real change
            1: {"owner": "Marta", "quadrant": "ignored"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    shown = [10, 11, 12]
    assert apply_editor_changes(items, shown, state) == [
        (11, {"owner": "Marta"}),
        (12, {"effort": 4}),
    ]
    with pytest.raises(BacklogError):
        apply_editor_changes(items, shown, {"edited_rows": {0: {"impact": 7}}})
    with pytest.raises(BacklogError):
        apply_editor_changes(items, shown, {"edited_rows": {1: {"title": " "}}})
    assert apply_editor_changes(items, shown, {}) == []


def test_editor_edits_name_the_items_shown_not_the_current_order():
    added = {"id": 13, "title": "Nuevo", "owner": None, "effort": 1, "impact": 5}
    items = [
        {"id": 10, "title": "A", "owner": "Ana", "effort": 1, "impact": 5},
        added,
        {"id": 11, "title": "B", "owner": None, "effort": 3, "impact": 3},
    ]
    edits = {"edited_rows": {1: {"owner": "Marta"}}}
    # Shown before item 13 existed: row 1 was item 11, and stays so while the edit is unsaved.
    assert editor_ids(items, [10, 11], edits) == [10, 11]
    assert apply_editor_changes(items, [10, 11], edits) == [(11, {"owner": "Marta"})]
    # With nothing unsaved (or never shown) the editor shows every item in the given order.
    assert editor_ids(items, [10, 11], {"edited_rows": {}}) == [10, 13, 11]
    assert editor_ids(items, None, None) == [10, 13, 11]


def test_sprint_without_meeting_is_the_current_quincena_and_refuses_a_fourth(fixed_store):
    store = fixed_store
    for n in range(3):
        action(store, title=f"Acción {n + 1}")
    actions = sprint_actions(store)
    assert [a["title"] for a in actions] == ["Acción 1", "Acción 2", "Acción 3"]
    # 2026-03-04 lies in the quincena starting 2026-03-02; due defaults to the next review.
    assert {a["sprint_start"] for a in actions} == {date(2026, 3, 2)}
    assert {a["due_date"] for a in actions} == {date(2026, 3, 16)}
    assert {a["meeting_id"] for a in actions} == {None}
    with pytest.raises(SprintFull) as refused:
        action(store, title="Acción 4")
    assert "cuarta" in str(refused.value)
    assert "fourth is refused" in refused.value.message("en")
    assert isinstance(refused.value, ValueError)
    assert len(sprint_actions(store)) == 3


def test_action_requires_owner_and_definition_of_done(fixed_store):
    with pytest.raises(BacklogError, match="responsable"):
        action(fixed_store, owner=" ")
    with pytest.raises(BacklogError, match="definición de hecho"):
        action(fixed_store, definition_of_done="")
    with pytest.raises(BacklogError, match="anterior al inicio"):
        action(fixed_store, due_date=date(2026, 3, 1))
    assert sprint_actions(fixed_store) == []


def test_meeting_sprint_starts_on_meeting_date_and_is_the_current_one(fixed_store):
    store = fixed_store
    closed = add_meeting(store, date(2026, 2, 16), status="closed")
    current = add_meeting(store, date(2026, 3, 2), status="running")
    action(store, meeting_id=closed, title="Vieja")
    item = create_item(store, EDITOR, title="Del backlog", effort=1, impact=5)
    added = action(store, title="Nueva", backlog_item_id=item["id"], due_date=date(2026, 3, 10))
    assert (added["meeting_id"], added["sprint_start"]) == (current, date(2026, 3, 2))
    assert added["due_date"] == date(2026, 3, 10)
    assert [a["title"] for a in sprint_actions(store)] == ["Nueva"]
    assert [a["title"] for a in sprint_actions(store, closed)] == ["Vieja"]
    assert backlog.get_item(store, item["id"])["status"] == "in_sprint"


def test_closed_meeting_sprint_stays_current_for_its_fourteen_days(fixed_store):
    store = fixed_store
    recent = add_meeting(store, date(2026, 2, 25), status="closed")
    assert backlog.current_sprint(store) == backlog.Sprint(recent, date(2026, 2, 25))
    # 2026-02-25 + 14 days = 2026-03-11: on that day the sprint is over.
    later = backlog.current_sprint(store, today=date(2026, 3, 11))
    assert later == backlog.Sprint(None, date(2026, 3, 2))


def test_a_planned_next_meeting_does_not_hide_the_running_sprint(fixed_store):
    store = fixed_store  # today 2026-03-04
    closed = add_meeting(store, date(2026, 2, 23), status="closed")
    upcoming = add_meeting(store, date(2026, 3, 9), status="planned")
    assert backlog.current_sprint(store) == backlog.Sprint(closed, date(2026, 2, 23))
    # On the planned meeting's day its sprint becomes the current one.
    assert backlog.current_sprint(store, today=date(2026, 3, 9)) == backlog.Sprint(
        upcoming, date(2026, 3, 9)
    )
    # The closed sprint runs 23 Feb – 8 Mar; with no sprint running, the next planned one.
    assert backlog.current_sprint(store, today=date(2026, 3, 8)).meeting_id == closed
    assert backlog.current_sprint(store, today=date(2026, 2, 20)).meeting_id == upcoming


def test_review_marks_and_carry_over_copies_into_the_next_sprint(fixed_store):
    store = fixed_store
    first = add_meeting(store, date(2026, 2, 16), status="closed")
    second = add_meeting(store, date(2026, 3, 2), status="running")
    item = create_item(store, EDITOR, title="Item", effort=2, impact=4)
    a1 = action(store, meeting_id=first, title="Hecha", backlog_item_id=item["id"])
    a2 = action(store, meeting_id=first, title="No hecha")
    a3 = action(store, meeting_id=first, title="Arrastrada", owner="Luis")
    assert review_action(store, EDITOR, a1["id"], "done")["status"] == "done"
    assert backlog.get_item(store, item["id"])["status"] == "done"
    review_action(store, EDITOR, a2["id"], "not_done")
    review_action(store, EDITOR, a3["id"], "carried_over")
    copies = sprint_actions(store, second)
    assert len(copies) == 1
    copy = copies[0]
    assert (copy["title"], copy["owner"], copy["carried_from"]) == ("Arrastrada", "Luis", a3["id"])
    assert (copy["status"], copy["sprint_start"]) == ("planned", date(2026, 3, 2))
    # Original due 2026-03-02 (first meeting + 14); the copy is due at the next review 03-16.
    assert copy["due_date"] == date(2026, 3, 16)
    with pytest.raises(BacklogError, match="ya se arrastró"):
        review_action(store, EDITOR, a3["id"], "done")
    with pytest.raises(BacklogError):
        review_action(store, EDITOR, a2["id"], "maybe")


def test_carry_over_is_subject_to_the_cap_and_changes_nothing_when_refused(fixed_store):
    store = fixed_store
    first = add_meeting(store, date(2026, 2, 16), status="closed")
    second = add_meeting(store, date(2026, 3, 2), status="running")
    old = action(store, meeting_id=first, title="Vieja")
    for n in range(3):
        action(store, meeting_id=second, title=f"Nueva {n}")
    with pytest.raises(SprintFull):
        review_action(store, EDITOR, old["id"], "carried_over")
    assert sprint_actions(store, first)[0]["status"] == "planned"
    assert len(sprint_actions(store, second)) == 3


def test_carry_over_without_a_later_meeting_goes_to_the_next_quincena(fixed_store):
    store = fixed_store
    planned = action(store, title="Sin reunión")
    review_action(store, EDITOR, planned["id"], "carried_over")
    rows = (
        store.state()
        .execute(
            "SELECT sprint_start, meeting_id, carried_from FROM sprint_actions WHERE id <> ?",
            [planned["id"]],
        )
        .fetchall()
    )
    assert rows == [(date(2026, 3, 16), None, planned["id"])]


def test_completion_trend_counts_done_over_reviewed(fixed_store):
    store = fixed_store
    first = add_meeting(store, date(2026, 2, 2), status="closed")
    second = add_meeting(store, date(2026, 2, 16), status="closed")
    third = add_meeting(store, date(2026, 3, 2), status="running")
    a = [action(store, meeting_id=first, title=f"a{n}") for n in range(3)]
    b = [action(store, meeting_id=second, title=f"b{n}") for n in range(2)]
    action(store, meeting_id=third, title="c0")
    review_action(store, EDITOR, a[0]["id"], "done")
    review_action(store, EDITOR, a[1]["id"], "done")
    review_action(store, EDITOR, a[2]["id"], "not_done")
    review_action(store, EDITOR, b[0]["id"], "done")
    review_action(store, EDITOR, b[1]["id"], "carried_over")  # goes to the third meeting
    trend = sprint_completion_trend(store)
    assert [(r["meeting_id"], r["actions"], r["done"], r["pending"]) for r in trend] == [
        (first, 3, 2, 0),
        (second, 2, 1, 0),
        (third, 2, 0, 2),
    ]
    assert trend[0]["rate"] == pytest.approx(2 / 3)
    assert trend[1]["rate"] == pytest.approx(1 / 2)
    assert trend[2]["rate"] is None


def test_matrix_jitter_is_deterministic_and_spreads_shared_cells():
    items = [
        {"id": 1, "effort": 1, "impact": 5},
        {"id": 2, "effort": 3, "impact": 3},
        {"id": 3, "effort": 3, "impact": 3},
        {"id": 4, "effort": 3, "impact": 3},
        {"id": 5, "effort": 3, "impact": 3},
    ]
    positions = jittered_positions(items)
    # Alone: on the grid point. Four in cell (3, 3): radius 0.22 at 90°, 180°, 270°, 0°.
    assert positions[0] == (1.0, 5.0)
    expected = [(3.0, 3.22), (2.78, 3.0), (3.0, 2.78), (3.22, 3.0)]
    for (x, y), (ex, ey) in zip(positions[1:], expected, strict=True):
        assert x == pytest.approx(ex) and y == pytest.approx(ey)
    assert jittered_positions(items) == positions


def test_matrix_chart_names_the_four_quadrants_and_carries_tooltips():
    items = [
        {
            "id": 7,
            "title": "Guion ICP-A",
            "owner": "Ana",
            "kpi_id": "mql_to_sql_rate",
            "effort": 1,
            "impact": 5,
        },
    ]
    spec = json.dumps(
        effort_impact_chart(items, "es").to_dict(),
        ensure_ascii=False,
    )
    for name in ("Victorias rápidas", "Grandes apuestas", "Rellenos", "Pozos sin fondo"):
        assert name in spec
    assert "Conversión MQL→SQL" in spec and "Ana" in spec and '"pick"' in spec
    english = json.dumps(effort_impact_chart(items, "en", selectable=False).to_dict())
    assert "Money pits" in english and '"pick"' not in english


def test_closed_loop_records_the_kpi_at_sprint_start_and_at_review(tmp_path):
    """MQL→SQL, unfiltered. Sprint starts 2 Mar 2026 (quincena of 4 Mar).
    At start: MQLs 16 Feb–1 Mar as known on 1 Mar: L1 ✓, L2, L3 (SQL 10 Mar, not yet), L4 → 1/4.
    At review on 18 Mar: MQLs 4–17 Mar as known on 17 Mar: L5 ✓, L6 ✓, L7 → 2/3."""
    path = tmp_path / "loop.duckdb"
    leads = [
        ("L1", "2026-02-17", "2026-02-20"),
        ("L2", "2026-02-20", None),
        ("L3", "2026-02-25", "2026-03-10"),
        ("L4", "2026-02-28", None),
        ("L5", "2026-03-05", "2026-03-08"),
        ("L6", "2026-03-10", "2026-03-12"),
        ("L7", "2026-03-12", None),
    ]
    with rewrite_facts(path) as con:
        for lead_id, mql, sql in leads:
            con.execute(
                "INSERT INTO leads (lead_id, created_at, mql_at, sql_at) VALUES (?, ?, ?, ?)",
                [lead_id, mql, mql, sql],
            )
    store = Store(path, now=lambda: datetime(2026, 3, 4, 10, 0))
    try:
        planned = action(store, kpi_id="mql_to_sql_rate")
        assert planned["kpi_value_at_start"] == pytest.approx(1 / 4)
        store.now = lambda: datetime(2026, 3, 18, 9, 0)
        reviewed = review_action(store, EDITOR, planned["id"], "done")
        assert reviewed["kpi_value_at_review"] == pytest.approx(2 / 3)
        [row] = backlog.closed_loop(store, {"mql_to_sql_rate": 1})
        assert row["change"] == pytest.approx(2 / 3 - 1 / 4)
        assert row["improved"] is True
        assert backlog.closed_loop(store, {"mql_to_sql_rate": -1})[0]["improved"] is False
    finally:
        store.close()


def audit_rows(store, table: str) -> list[tuple]:
    return (
        store.state()
        .execute(
            "SELECT actor, action, row_id FROM audit_log WHERE table_name = ? ORDER BY happened_at",
            [table],
        )
        .fetchall()
    )


def test_an_item_without_scores_is_unscored_last_and_off_the_matrix(store):
    create_item(store, EDITOR, title="Sin datos")
    create_item(store, EDITOR, title="Pozo", effort=5, impact=1)
    create_item(store, EDITOR, title="Medio", effort=4)
    items = list_items(store)
    # Scored items first in quadrant order; the two missing a score come last, oldest first.
    assert [(i["title"], i["quadrant"]) for i in items] == [
        ("Pozo", "money_pit"),
        ("Sin datos", "unscored"),
        ("Medio", "unscored"),
    ]
    assert (items[1]["effort"], items[1]["impact"]) == (None, None), "no silent 3/3"
    spec = json.dumps(effort_impact_chart(items, "es").to_dict(), ensure_ascii=False)
    assert "Pozo" in spec and "Sin datos" not in spec and "Medio" not in spec
    scored = update_item(store, EDITOR, items[1]["id"], effort="2", impact=5.0)
    assert (scored["effort"], scored["impact"]) == (2, 5)
    assert list_items(store)[0]["title"] == "Sin datos", "scored 2/5 it is now a quick win"
    # A cleared editor cell unscores it again.
    assert update_item(store, EDITOR, scored["id"], effort=None)["effort"] is None


def test_an_action_is_corrected_and_deleted_audited_and_only_while_planned(fixed_store):
    store = fixed_store
    item = create_item(store, EDITOR, title="Guion", effort=1, impact=5)
    linked = action(store, title="Del guion", backlog_item_id=item["id"])
    assert (linked["backlog_item_id"], backlog.get_item(store, item["id"])["status"]) == (
        item["id"],
        "in_sprint",
    )
    other = action(store, title="Otra")

    def correct(actor=EDITOR, **changes):
        fields = {"title": "t", "owner": "o", "definition_of_done": "d"}
        fields |= {"due_date": date(2026, 3, 12), **changes}
        return backlog.update_action(store, actor, other["id"], **fields)

    changed = correct(title=" Otra, corregida ", owner="Luis")
    assert (changed["title"], changed["owner"], changed["due_date"]) == (
        "Otra, corregida",
        "Luis",
        date(2026, 3, 12),
    )
    with pytest.raises(BacklogError, match="responsable"):
        correct(owner=" ")
    with pytest.raises(BacklogError, match="anterior al inicio"):
        correct(due_date=date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        correct(VIEWER)
    with pytest.raises(PermissionDenied):
        backlog.delete_action(store, VIEWER, linked["id"])
    assert sprint_actions(store)[1]["title"] == "Otra, corregida", "refusals changed nothing"
    backlog.delete_action(store, EDITOR, linked["id"])
    assert [a["title"] for a in sprint_actions(store)] == ["Otra, corregida"]
    assert backlog.get_item(store, item["id"])["status"] == "open", "free for another sprint"
    assert audit_rows(store, "sprint_actions")[-2:] == [
        ("eva", "update", str(other["id"])),
        ("eva", "delete", str(linked["id"])),
    ]
    review_action(store, EDITOR, other["id"], "done")
    with pytest.raises(BacklogError, match="sin revisar"):
        backlog.delete_action(store, EDITOR, other["id"])
    with pytest.raises(BacklogError):
        backlog.delete_action(store, EDITOR, 999)
