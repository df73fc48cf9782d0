"""Rejected-lead review on a hand-made facts file: marks, review-within-SLA, the reasons Pareto and
disputed rejections becoming block-3 notes. Every expected number is counted by hand below."""

from datetime import date, datetime

import pytest

from kpi.access.roles import Actor, PermissionDenied
from kpi.cockpit import meeting, rejection_review
from kpi.cockpit.rejection_review import ParetoRow, ReviewCompliance, ReviewError
from kpi.errors import InvalidInput
from kpi.store.database import Store, rewrite_facts

EVA = Actor("eva", "editor")
VERA = Actor("vera", "viewer")
MARCH = (date(2025, 3, 1), date(2025, 3, 31))
T = datetime

# lead, channel, campaign, owner, rejected_at, reason (accepted leads have no rejection)
LEADS = [
    ("L0", "web", "c1", "Ana", T(2025, 2, 28, 23), "duplicado"),  # February: outside
    ("L1", "web", "c1", "Ana", T(2025, 3, 2, 10), "fuera de ICP"),
    ("L2", "web", "c1", "Ana", T(2025, 3, 5, 9), "fuera de ICP"),
    ("L3", "web", "c2", "Bea", T(2025, 3, 10, 9), "sin presupuesto"),
    ("L4", "ads", "c3", "Bea", T(2025, 3, 20, 9), None),
    ("L5", "ads", "c3", "Ana", T(2025, 3, 31, 18), "  "),  # blank: no reason
    ("L6", "ads", "c3", "Ana", T(2025, 3, 29, 9), "fuera de ICP"),
    ("L7", "ads", "c3", "Ana", None, None),  # accepted
    ("L8", "ads", None, "Ana", T(2025, 4, 1, 0), "duplicado"),  # April: outside
]


@pytest.fixture
def clock():
    return [T(2025, 3, 1)]


@pytest.fixture
def reviews(tmp_path, clock):
    path = tmp_path / "loops.duckdb"
    with rewrite_facts(path) as con:
        con.executemany(
            "INSERT INTO leads (lead_id, created_at, channel, campaign, owner, mql_at, "
            "rejected_at, rejection_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (i, T(2025, 2, 1), ch, ca, o, T(2025, 2, 2), r, why)
                for i, ch, ca, o, r, why in LEADS
            ],
        )
    store = Store(path, now=lambda: clock[0])
    yield store
    store.close()


def mark(store, clock, at, lead, status, comment=None):
    clock[0] = at
    return rejection_review.mark_rejection(store, EVA, lead, status, comment)


def test_the_period_lists_its_rejected_leads_newest_first_with_their_marks(reviews, clock):
    mark(reviews, clock, T(2025, 3, 7), "L1", "agreed")
    rows = rejection_review.rejected_leads(reviews, *MARCH)
    assert [r["lead_id"] for r in rows] == ["L5", "L6", "L4", "L3", "L2", "L1"]
    assert rows[-1]["status"] == "agreed" and rows[-1]["reviewed_by"] == "eva"
    assert rows[0]["reason"] is None and rows[2]["reason"] is None
    assert (rows[3]["campaign"], rows[3]["owner"], rows[3]["channel"]) == ("c2", "Bea", "web")


def test_review_within_sla_counts_first_reviews_by_the_deadline(reviews, clock):
    # Deadlines at 5 days: L1 03-07 10:00, L2 03-10 09:00, L3 03-15 09:00, L4 03-25 09:00,
    # L6 04-03 09:00, L5 04-05 18:00.
    mark(reviews, clock, T(2025, 3, 7, 10), "L1", "agreed")  # exactly at the deadline: in time
    mark(reviews, clock, T(2025, 3, 10, 10), "L2", "disputed")  # an hour late
    mark(reviews, clock, T(2025, 3, 11), "L3", "agreed")  # in time...
    mark(reviews, clock, T(2025, 3, 25), "L3", "recycled")  # ...and a later change keeps it so
    result = rejection_review.review_compliance(reviews, *MARCH, days=5, as_of=T(2025, 4, 3, 12))
    # L4 and L6 unreviewed past their deadline: late; L5 unreviewed, deadline ahead: pending.
    assert result == ReviewCompliance(rejections=6, in_time=2, late=3, pending=1, due=5, rate=0.4)
    # A day earlier L6 was still within its window too.
    earlier = rejection_review.review_compliance(reviews, *MARCH, days=5, as_of=T(2025, 4, 2))
    assert (earlier.late, earlier.pending, earlier.rate) == (2, 2, 2 / 4)
    # At 1 day only L3 (rejected 03-10 09:00, first reviewed 03-11 00:00) made it; every other
    # deadline (the last, L5's, 04-01 18:00) has passed.
    strict = rejection_review.review_compliance(reviews, *MARCH, days=1, as_of=T(2025, 4, 3, 12))
    assert (strict.in_time, strict.late, strict.pending, strict.rate) == (1, 5, 0, 1 / 6)


def test_review_days_default_to_the_setting_and_no_due_rejection_has_no_rate(reviews, clock):
    assert rejection_review.review_days(reviews) == 5
    clock[0] = T(2025, 3, 1)
    empty = rejection_review.review_compliance(reviews, date(2025, 3, 30), date(2025, 3, 31))
    # L5 (03-31) is not due before 04-05: pending, so there is no rate yet.
    assert empty == ReviewCompliance(rejections=1, in_time=0, late=0, pending=1, due=0, rate=None)


def test_counts_without_reason_and_per_mark(reviews, clock):
    mark(reviews, clock, T(2025, 3, 7), "L1", "agreed")
    mark(reviews, clock, T(2025, 3, 8), "L2", "disputed", "Encaja: 200 empleados")
    mark(reviews, clock, T(2025, 3, 12), "L3", "recycled")
    counts = rejection_review.review_counts(reviews, *MARCH)
    assert counts == {
        "rejections": 6,
        "no_reason": 2,
        "unreviewed": 3,
        "agreed": 1,
        "disputed": 1,
        "recycled": 1,
    }


def test_reason_pareto_overall_by_channel_and_by_campaign(reviews):
    overall = rejection_review.reason_pareto(reviews, *MARCH)
    assert overall == [
        ParetoRow(None, "fuera de ICP", 3, 3 / 6, 3 / 6),
        ParetoRow(None, None, 2, 2 / 6, 5 / 6),
        ParetoRow(None, "sin presupuesto", 1, 1 / 6, 6 / 6),
    ]
    by_channel = rejection_review.reason_pareto(reviews, *MARCH, by="channel")
    assert by_channel == [
        ParetoRow("ads", None, 2, 2 / 3, 2 / 3),
        ParetoRow("ads", "fuera de ICP", 1, 1 / 3, 3 / 3),
        ParetoRow("web", "fuera de ICP", 2, 2 / 3, 2 / 3),
        ParetoRow("web", "sin presupuesto", 1, 1 / 3, 3 / 3),
    ]
    by_campaign = rejection_review.reason_pareto(reviews, *MARCH, by="campaign")
    assert [(r.group, r.reason, r.count) for r in by_campaign] == [
        ("c1", "fuera de ICP", 2),
        ("c2", "sin presupuesto", 1),
        ("c3", None, 2),
        ("c3", "fuera de ICP", 1),
    ]
    with pytest.raises(ValueError):
        rejection_review.reason_pareto(reviews, *MARCH, by="owner; DROP TABLE leads")


def test_marks_are_refused_for_unknown_or_accepted_leads_bad_marks_and_viewers(reviews, clock):
    for lead in ("L7", "nope"):
        with pytest.raises(ReviewError):
            rejection_review.mark_rejection(reviews, EVA, lead, "agreed")
    for status in ("", "maybe"):
        with pytest.raises(InvalidInput):
            rejection_review.mark_rejection(reviews, EVA, "L1", status)
    with pytest.raises(PermissionDenied):
        rejection_review.mark_rejection(reviews, VERA, "L1", "agreed")
    with pytest.raises(ReviewError):
        rejection_review.review_compliance(reviews, date(2025, 3, 2), date(2025, 3, 1))
    assert reviews.rows("SELECT * FROM rejection_reviews") == []


def test_a_disputed_rejection_becomes_a_block_3_note_once(reviews, clock):
    mark(reviews, clock, T(2025, 3, 8), "L2", "disputed", "Encaja: 200 empleados")
    mark(reviews, clock, T(2025, 3, 9), "L1", "agreed")
    assert [c["lead_id"] for c in rejection_review.disputed_candidates(reviews)] == ["L2"]
    meeting_id = meeting.create_meeting(reviews, EVA, meeting_date=date(2025, 3, 10))
    note = rejection_review.take_to_meeting(reviews, EVA, meeting_id, "L2", "es")
    assert note["kind"] == "dependency" and note["meeting_id"] == meeting_id
    assert "L2" in note["text"] and "fuera de ICP" in note["text"] and "c1" in note["text"]
    assert note["why"] == "Encaja: 200 empleados" and note["owner"] == "Ana"
    assert rejection_review.disputed_candidates(reviews) == []
    with pytest.raises(ReviewError):
        rejection_review.take_to_meeting(reviews, EVA, meeting_id, "L2", "es")
    # Agreed after all, then disputed again: a candidate once more.
    mark(reviews, clock, T(2025, 3, 12), "L2", "agreed")
    mark(reviews, clock, T(2025, 3, 13), "L2", "disputed", "Otra vez")
    assert [c["comment"] for c in rejection_review.disputed_candidates(reviews)] == ["Otra vez"]
    first = reviews.rows("SELECT first_reviewed_at FROM rejection_reviews WHERE lead_id = 'L2'")
    assert first == [{"first_reviewed_at": T(2025, 3, 8)}]


def test_marks_and_notes_are_audited(reviews, clock):
    mark(reviews, clock, T(2025, 3, 8), "L2", "disputed")
    meeting_id = meeting.create_meeting(reviews, EVA, meeting_date=date(2025, 3, 10))
    rejection_review.take_to_meeting(reviews, EVA, meeting_id, "L2", "en")
    audited = reviews.rows(
        "SELECT table_name, action, row_id FROM audit_log WHERE table_name IN "
        "('rejection_reviews', 'notes') ORDER BY id"
    )
    assert [(a["table_name"], a["action"]) for a in audited] == [
        ("rejection_reviews", "insert"),
        ("notes", "insert"),
        ("rejection_reviews", "update"),
    ]
