"""Alignment checklist: six items, answers per meeting, score trend, roles."""

from datetime import date, datetime

import pytest
from support import EDITOR, VIEWER

from kpi.access.roles import Actor, PermissionDenied
from kpi.cockpit.checklist import (
    CHECKLIST_ITEMS,
    alignment_scores,
    answer_checklist,
    item_text,
    meeting_answers,
)


def add_meeting(store, day: date) -> int:
    with store.write(Actor("system", "admin"), "meeting") as w:
        return w.insert(
            "meetings",
            {
                "title": f"Tracción {day}",
                "meeting_date": day,
                "created_by": "system",
                "created_at": datetime(2026, 1, 1),
            },
        )["id"]


def test_six_items_in_both_languages():
    assert CHECKLIST_ITEMS == (1, 2, 3, 4, 5, 6)
    assert item_text(1, "es") == "Tenemos 3 outcomes trimestrales que todo el mundo conoce."
    assert item_text(6, "en") == "We prioritise each sprint with the effort-impact matrix."


def test_scores_per_meeting_in_date_order_and_answers_can_be_corrected(store):
    later = add_meeting(store, date(2026, 3, 2))
    earlier = add_meeting(store, date(2026, 2, 16))
    add_meeting(store, date(2026, 3, 16))  # not answered: not in the trend
    answer_checklist(store, EDITOR, later, {1: True, 2: True, 3: False, 4: True, 5: True, 6: True})
    answer_checklist(store, EDITOR, earlier, {1: True, 2: False, 3: False})
    answer_checklist(store, EDITOR, earlier, {3: True})  # correction
    assert meeting_answers(store, earlier) == {1: True, 2: False, 3: True}
    scores = alignment_scores(store)
    assert [(s["meeting_id"], s["score"], s["answered"]) for s in scores] == [
        (earlier, 2, 3),
        (later, 5, 6),
    ]
    assert scores[0]["share"] == pytest.approx(2 / 6)
    assert scores[1]["share"] == pytest.approx(5 / 6)


def test_refusals(store):
    meeting = add_meeting(store, date(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        answer_checklist(store, VIEWER, meeting, {1: True})
    with pytest.raises(ValueError, match="unknown checklist items"):
        answer_checklist(store, EDITOR, meeting, {7: True})
    with pytest.raises(ValueError, match="No existe la reunión"):
        answer_checklist(store, EDITOR, 999, {1: True})
    assert alignment_scores(store) == []
