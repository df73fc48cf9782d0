"""The 6-item alignment checklist of the method, answered per meeting, and its score trend."""

from kpi.access.roles import Actor, require
from kpi.i18n import DEFAULT_LANGUAGE, t
from kpi.store.database import Store

# Item numbers are stored in checklist_answers.item; texts live in kpi/strings/backlog.toml.
CHECKLIST_ITEMS: tuple[int, ...] = (1, 2, 3, 4, 5, 6)


def item_text(item: int, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"checklist.item.{item}", lang)


def answer_checklist(store: Store, actor: Actor, meeting_id: int, answers: dict[int, bool]) -> int:
    """Record (or correct) a meeting's answers; returns how many items were written."""
    require(actor, "checklist")
    unknown = set(answers) - set(CHECKLIST_ITEMS)
    if unknown:
        raise ValueError(f"unknown checklist items: {sorted(unknown)}")
    exists = (
        store.state().execute("SELECT count(*) FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    )[0]
    if not exists:
        raise ValueError(t("backlog.error.meeting", DEFAULT_LANGUAGE, meeting_id=meeting_id))
    with store.write(actor, "checklist") as w:
        for item in sorted(answers):
            w.upsert(
                "checklist_answers",
                {"meeting_id": meeting_id, "item": item},
                {"answer": bool(answers[item]), "answered_by": actor.username},
            )
    return len(answers)


def meeting_answers(store: Store, meeting_id: int) -> dict[int, bool]:
    rows = (
        store.state()
        .execute("SELECT item, answer FROM checklist_answers WHERE meeting_id = ?", [meeting_id])
        .fetchall()
    )
    return dict(rows)


def alignment_scores(store: Store) -> list[dict]:
    """Per answered meeting, in date order: yes answers (0–6), items answered and the share of
    the 6 items answered yes (an unanswered item counts as not yet true)."""
    rows = (
        store.state()
        .execute(
            "SELECT m.id, m.title, m.meeting_date, count(*) FILTER (a.answer) AS score, "
            "count(*) AS answered FROM meetings m JOIN checklist_answers a ON a.meeting_id = m.id "
            "GROUP BY m.id, m.title, m.meeting_date ORDER BY m.meeting_date, m.id"
        )
        .fetchall()
    )
    return [
        {
            "meeting_id": mid,
            "title": title,
            "meeting_date": day,
            "score": score,
            "answered": answered,
            "share": score / len(CHECKLIST_ITEMS),
        }
        for mid, title, day, score, answered in rows
    ]
