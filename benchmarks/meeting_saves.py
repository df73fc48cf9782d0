"""Benchmark child: a note, an action and a rating saved on the meeting page, server time each.

Measured through AppTest on the real page (the facilitator's path): one run = the click's rerun,
in which the save is written and the whole page is drawn again. Issue 15's budget: ≤ 1 s at
25,000 leads for each kind of save.
"""

import statistics
import time
from pathlib import Path

from benchmarks.common import Row, fmt_seconds, row

SAVES_PER_KIND = 3  # the sprint holds three actions: three saves of each kind
SAVE_SECONDS = 1.0
KINDS = ("note", "action", "rating")


def _new_meeting(attendees: list[str]) -> int:
    """A fresh, running meeting in the cached database's state (each run adds its own)."""
    from app_pages.widgets import common
    from kpi.access.roles import Actor
    from kpi.cockpit import meeting

    store = common.store()
    admin = Actor("benchmark", "admin")
    # A title of its own: AppTest picks a select option by its shown text.
    title = f"Benchmark saves {time.time_ns()}"
    meeting_id = meeting.create_meeting(store, admin, title=title, attendees=attendees)
    meeting.timer_command(store, admin, meeting_id, "start")
    return meeting_id


def _timed_click(at, key: str) -> float:
    started = time.perf_counter()
    at.button(key=key).click().run()
    return time.perf_counter() - started


def child_meeting_saves(db: Path, options: dict, logged_in_app, exceptions) -> dict:
    """`logged_in_app` and `exceptions` are the harness's AppTest helpers (benchmarks/run.py)."""
    from kpi.cockpit import backlog, meeting

    attendees = [f"Persona {n}" for n in range(1, SAVES_PER_KIND + 1)]
    meeting_id = _new_meeting(attendees)
    at = logged_in_app()
    at.run()
    at.switch_page("app_pages/meeting.py").run()
    at.selectbox(key="meeting_id").set_value(meeting_id).run()  # picked as the facilitator does
    page_run = []
    for _ in range(3):
        started = time.perf_counter()
        at.run()
        page_run.append(time.perf_counter() - started)
    notes, actions, ratings = [], [], []
    for n in range(SAVES_PER_KIND):
        at.text_area(key="note_text").input(f"Aprendizaje {n + 1} del benchmark")
        notes.append(_timed_click(at, "note_add"))
        at.text_input(key="action_title").input(f"Acción {n + 1}")
        at.text_input(key="action_owner").input("Benchmark")
        at.text_input(key="action_done").input("Hecho cuando se mida")
        actions.append(_timed_click(at, "action_add"))
        at.number_input(key=f"rating_{meeting_id}_{n}").set_value(7 + n % 3)
        ratings.append(_timed_click(at, "save_ratings"))
    from app_pages.widgets import common

    store = common.store()
    return {
        "page_run": min(page_run),
        "note_median": statistics.median(notes),
        "action_median": statistics.median(actions),
        "rating_median": statistics.median(ratings),
        "slowest": max(notes + actions + ratings),
        # What the clicks wrote, so a save that silently failed cannot pass as fast.
        "notes_written": len(meeting.list_notes(store, meeting_id)),
        "actions_written": len(backlog.sprint_actions(store, meeting_id)),
        "ratings_written": len(meeting.ratings(store, meeting_id)),
        "exceptions": exceptions(at),
    }


def budget(result: dict) -> tuple[float, bool, str]:
    """The slowest median of the three kinds against the budget, and whether every save landed."""
    slowest = max(result[f"{kind}_median"] for kind in KINDS)
    landed = all(result[f"{k}_written"] == SAVES_PER_KIND for k in ("notes", "actions", "ratings"))
    ok = slowest <= SAVE_SECONDS and landed and not result["exceptions"]
    text = (
        f"meeting saves at {result['leads']:,} leads ≤ {SAVE_SECONDS:.0f} s each: note "
        f"{result['note_median']:.2f} s, action {result['action_median']:.2f} s, rating "
        f"{result['rating_median']:.2f} s (medians of {SAVES_PER_KIND}; "
        f"{'all written' if landed else 'NOT ALL WRITTEN'})"
    )
    return slowest, ok, text


def rows(result: dict) -> list[Row]:
    """The table line: the slowest kind's median save, each kind's beside it."""
    medians = {kind: result[f"{kind}_median"] for kind in KINDS}
    each = ", ".join(f"{kind} {fmt_seconds(median)}" for kind, median in medians.items())
    notes = f"slowest kind's median; {each}; plain rerun {fmt_seconds(result['page_run'])}"
    label = f"meeting save + page back, {result['leads']:,} leads (AppTest)"
    return [row(label, max(medians.values()), result, notes)]
