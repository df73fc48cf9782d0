"""Server-authoritative meeting timer: a pure state machine with an injected `now`, persisted in DuckDB.

Why derived time: nothing ticks on the server. The database holds when the current run of a
block began and how many seconds each block had already used; every screen computes the
remaining time from those timestamps and its own `now`, so a refresh, a second browser or a
late joiner shows the same block and the same seconds.
"""

import html
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import duckdb

from kpi.store.database import Writer

COMMANDS = ("start", "pause", "resume", "next", "previous", "jump", "end")
WARNING_SECONDS = 60

# Contrast on the projector's near-black background (WCAG AAA for all but the grey states).
COLOURS = {
    "idle": "#E8EAED",
    "running": "#FFFFFF",
    "warning": "#FFC107",
    "overrun": "#FF5252",
    "paused": "#9AA0A6",
    "ended": "#9AA0A6",
}


class TimerError(ValueError):
    """A command that does not apply to the timer's state; `kind` names the translated reason."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class BlockClock:
    """One agenda block as the timer sees it: planned seconds, seconds used, first start, last end."""

    planned_seconds: float
    spent_seconds: float = 0.0
    actual_start: datetime | None = None
    actual_end: datetime | None = None


@dataclass(frozen=True)
class Timer:
    """The whole timer; `segment_started_at` is when the current block last started running."""

    blocks: tuple[BlockClock, ...]
    status: str = "idle"
    current: int = 0
    segment_started_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    revision: int = 0

    def _segment(self, now: datetime) -> float:
        if self.status != "running" or self.segment_started_at is None:
            return 0.0
        return max(0.0, (now - self.segment_started_at).total_seconds())

    def block_elapsed(self, now: datetime) -> float:
        return self.blocks[self.current].spent_seconds + self._segment(now)

    def remaining(self, now: datetime) -> float:
        """Seconds left in the current block; negative once it overruns."""
        return self.blocks[self.current].planned_seconds - self.block_elapsed(now)

    def total_elapsed(self, now: datetime) -> float:
        """Running time of the whole meeting (pauses excluded), to compare with the plan."""
        return sum(b.spent_seconds for b in self.blocks) + self._segment(now)

    @property
    def planned_total(self) -> float:
        return sum(b.planned_seconds for b in self.blocks)


def new_timer(planned_minutes: list[float]) -> Timer:
    if not planned_minutes:
        raise TimerError("no_blocks")
    return Timer(tuple(BlockClock(m * 60.0) for m in planned_minutes))


def _bump(timer: Timer, **changes) -> Timer:
    return replace(timer, revision=timer.revision + 1, **changes)


def _move(timer: Timer, target: int, now: datetime) -> Timer:
    """Leave the current block at `now` (banking its seconds) and enter `target`."""
    blocks = list(timer.blocks)
    old = blocks[timer.current]
    blocks[timer.current] = replace(
        old, spent_seconds=old.spent_seconds + timer._segment(now), actual_end=now
    )
    entering = blocks[target]
    blocks[target] = replace(entering, actual_start=entering.actual_start or now, actual_end=None)
    return replace(
        timer,
        blocks=tuple(blocks),
        current=target,
        segment_started_at=now if timer.status == "running" else None,
    )


def _require(timer: Timer, *statuses: str) -> None:
    if timer.status not in statuses:
        kind = {"idle": "not_started", "ended": "ended"}.get(timer.status, "bad_state")
        raise TimerError(kind)


def start(timer: Timer, now: datetime) -> Timer:
    if timer.status != "idle":
        raise TimerError("already_started")
    blocks = list(timer.blocks)
    blocks[0] = replace(blocks[0], actual_start=now)
    return _bump(
        timer,
        blocks=tuple(blocks),
        status="running",
        current=0,
        segment_started_at=now,
        started_at=now,
    )


def pause(timer: Timer, now: datetime) -> Timer:
    _require(timer, "running")
    blocks = list(timer.blocks)
    current = blocks[timer.current]
    blocks[timer.current] = replace(
        current, spent_seconds=current.spent_seconds + timer._segment(now)
    )
    return _bump(timer, blocks=tuple(blocks), status="paused", segment_started_at=None)


def resume(timer: Timer, now: datetime) -> Timer:
    """Run again after a pause, or after an end pressed too early: the block goes on from the
    seconds it had used (the time in between is not counted)."""
    _require(timer, "paused", "ended")
    blocks = list(timer.blocks)
    blocks[timer.current] = replace(blocks[timer.current], actual_end=None)
    return _bump(
        timer, blocks=tuple(blocks), status="running", segment_started_at=now, ended_at=None
    )


def jump(timer: Timer, target: int, now: datetime) -> Timer:
    _require(timer, "running", "paused")
    if not 0 <= target < len(timer.blocks):
        raise TimerError("bad_block")
    if target == timer.current:
        return timer
    moved = _move(timer, target, now)
    return _bump(moved)


def next_block(timer: Timer, now: datetime) -> Timer:
    if timer.status in ("running", "paused") and timer.current + 1 >= len(timer.blocks):
        raise TimerError("no_next")
    return jump(timer, timer.current + 1, now)


def previous_block(timer: Timer, now: datetime) -> Timer:
    if timer.status in ("running", "paused") and timer.current == 0:
        raise TimerError("no_previous")
    return jump(timer, timer.current - 1, now)


def end(timer: Timer, now: datetime) -> Timer:
    _require(timer, "running", "paused")
    blocks = list(timer.blocks)
    current = blocks[timer.current]
    blocks[timer.current] = replace(
        current, spent_seconds=current.spent_seconds + timer._segment(now), actual_end=now
    )
    return _bump(
        timer,
        blocks=tuple(blocks),
        status="ended",
        segment_started_at=None,
        ended_at=now,
    )


def settle(timer: Timer, now: datetime, auto_advance: bool) -> Timer:
    """Apply auto-advance: a running block that crossed 0:00 hands over at that exact instant.

    Derived, not stored, so a read-only screen shows it too; the next write stores it. A block
    entered already at or past its plan (revisited after an overrun) is not skipped.
    """
    while auto_advance and timer.status == "running" and timer.current + 1 < len(timer.blocks):
        block = timer.blocks[timer.current]
        left = block.planned_seconds - block.spent_seconds
        if left <= 0:
            break
        zero_at = timer.segment_started_at + timedelta(seconds=left)
        if zero_at > now:
            break
        timer = _move(timer, timer.current + 1, zero_at)
    return timer


def apply(timer: Timer, command: str, now: datetime, target: int | None = None) -> Timer:
    """Dispatch one facilitator command by name (the names in COMMANDS)."""
    if command == "jump":
        if target is None:
            raise TimerError("bad_block")
        return jump(timer, target, now)
    steps = {"start": start, "pause": pause, "resume": resume, "end": end}
    steps |= {"next": next_block, "previous": previous_block}
    if command not in steps:
        raise TimerError("unknown_command")
    return steps[command](timer, now)


def clock_text(seconds: float) -> str:
    """Whole seconds as mm:ss (minutes keep counting past 59: a 75-minute meeting is 75:00)."""
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class TimerView:
    """What every screen shows at `now`: a pure function of the stored timer and the time."""

    status: str
    current: int
    phase: str
    clock: str
    colour: str
    progress: float
    remaining_seconds: int
    overrun_seconds: int
    total_seconds: int
    planned_total_seconds: int
    total_clock: str
    planned_total_clock: str
    total_over: bool


def view(timer: Timer, now: datetime, auto_advance: bool = False) -> TimerView:
    timer = settle(timer, now, auto_advance)
    planned = timer.blocks[timer.current].planned_seconds
    remaining = timer.remaining(now)
    # Count down in whole seconds rounded up: the first second of a 5-minute block reads 05:00.
    shown_remaining = max(0, math.ceil(remaining - 1e-9))
    overrun = 0 if remaining > 0 else int(math.floor(-remaining))
    if timer.status in ("idle", "paused", "ended"):
        phase = timer.status
    elif remaining <= 0:
        phase = "overrun"
    elif remaining <= WARNING_SECONDS:
        phase = "warning"
    else:
        phase = "running"
    clock = clock_text(shown_remaining) if remaining > 0 else "+" + clock_text(overrun)
    total = timer.total_elapsed(now)
    colour = COLOURS[phase]
    if timer.status == "paused" and remaining <= 0:
        colour = COLOURS["overrun"]
    return TimerView(
        status=timer.status,
        current=timer.current,
        phase=phase,
        clock=clock,
        colour=colour,
        progress=min(1.0, max(0.0, timer.block_elapsed(now) / planned)),
        remaining_seconds=shown_remaining,
        overrun_seconds=overrun,
        total_seconds=int(total),
        planned_total_seconds=int(timer.planned_total),
        total_clock=clock_text(total),
        planned_total_clock=clock_text(timer.planned_total),
        total_over=total > timer.planned_total,
    )


@dataclass(frozen=True)
class BlockLabel:
    """The user-written words the timer panel shows next to the clock."""

    name: str
    leader: str
    content: str


def panel_html(
    shown: TimerView,
    block: BlockLabel,
    following: BlockLabel | None,
    words: dict[str, str],
    clock_px: int = 200,
) -> str:
    """The fixed timer template; every user text is escaped, so only our own markup is HTML.

    `words` carries the translated labels: status, block (with {n}/{total}), leader, next,
    total, last.
    """
    esc = html.escape
    bar = round(shown.progress * 100)
    bar_colour = COLOURS["overrun"] if shown.phase == "overrun" else shown.colour
    warning_ring = "box-shadow:0 0 0 6px #FFC107 inset;" if shown.phase == "warning" else ""
    following_html = (
        f"{esc(words['next'])}: <b>{esc(following.name)}</b>"
        + (f" · {esc(following.leader)}" if following.leader else "")
        if following
        else esc(words["last"])
    )
    total_colour = COLOURS["overrun"] if shown.total_over else "#E8EAED"
    content = (
        f'<div style="font-size:{max(18, clock_px // 8)}px;color:#BDC1C6;margin-top:8px">'
        f"{esc(block.content)}</div>"
        if block.content
        else ""
    )
    return (
        f'<div data-testid="timer-panel" data-phase="{esc(shown.phase)}" '
        f'style="background:#121212;color:#FFFFFF;border-radius:16px;padding:24px 32px;'
        f'font-family:sans-serif;{warning_ring}">'
        f'<div style="font-size:{max(16, clock_px // 9)}px;color:#BDC1C6">'
        f"{esc(words['block'])} · {esc(words['status'])}</div>"
        f'<div data-testid="timer-block" style="font-size:{max(24, clock_px // 4)}px;'
        f'font-weight:700;line-height:1.15">'
        f"{esc(block.name)}</div>"
        f'<div style="font-size:{max(18, clock_px // 7)}px;color:#E8EAED">'
        f"{esc(words['leader'])}: {esc(block.leader or '—')}</div>"
        f'<div data-testid="timer-clock" style="font-size:{clock_px}px;font-weight:800;'
        f"line-height:1;color:{shown.colour};font-variant-numeric:tabular-nums;"
        f'margin:12px 0">{esc(shown.clock)}</div>'
        f'<div style="background:#3C4043;height:{max(10, clock_px // 12)}px;border-radius:8px">'
        f'<div style="width:{bar}%;height:100%;background:{bar_colour};border-radius:8px"></div>'
        f"</div>"
        f'<div style="display:flex;justify-content:space-between;gap:24px;margin-top:12px;'
        f'font-size:{max(16, clock_px // 8)}px">'
        f"<div>{following_html}</div>"
        f'<div data-testid="timer-total" style="color:{total_colour}">'
        f"{esc(words['total'])}: {esc(shown.total_clock)} / {esc(shown.planned_total_clock)}"
        f"</div></div>{content}</div>"
    )


def load(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> Timer:
    """The stored timer of a meeting (idle over its agenda if it was never started)."""
    rows = cur.execute(
        "SELECT position, minutes, actual_seconds, actual_start, actual_end "
        "FROM agenda_blocks WHERE meeting_id = ? ORDER BY position",
        [meeting_id],
    ).fetchall()
    if not rows:
        raise TimerError("no_blocks")
    blocks = [BlockClock(m * 60.0, spent or 0.0, start, stop) for _, m, spent, start, stop in rows]
    state = cur.execute(
        "SELECT status, current_block, block_started_at, block_elapsed_before, started_at, "
        "ended_at, revision FROM timer_state WHERE meeting_id = ?",
        [meeting_id],
    ).fetchone()
    if state is None:
        return Timer(tuple(blocks))
    status, current, segment, before, started, ended, revision = state
    # The current block's banked seconds live in timer_state; the other blocks' in agenda_blocks.
    blocks[current] = replace(blocks[current], spent_seconds=before)
    return Timer(tuple(blocks), status, current, segment, started, ended, revision)


def save(writer: Writer, meeting_id: int, before: Timer, after: Timer) -> None:
    """Store `after`, touching only the agenda rows whose clock changed."""
    for position, (old, new) in enumerate(zip(before.blocks, after.blocks, strict=True)):
        if old != new:
            writer.update(
                "agenda_blocks",
                {"meeting_id": meeting_id, "position": position},
                {
                    "actual_seconds": new.spent_seconds,
                    "actual_start": new.actual_start,
                    "actual_end": new.actual_end,
                },
            )
    writer.upsert(
        "timer_state",
        {"meeting_id": meeting_id},
        {
            "status": after.status,
            "current_block": after.current,
            "block_started_at": after.segment_started_at,
            "block_elapsed_before": after.blocks[after.current].spent_seconds,
            "started_at": after.started_at,
            "ended_at": after.ended_at,
            "revision": after.revision,
        },
    )


def run_command(
    writer: Writer,
    meeting_id: int,
    command: str,
    *,
    now: datetime,
    target: int | None = None,
    expected_revision: int | None = None,
    auto_advance: bool = False,
) -> Timer:
    """Read, change and store the timer inside the caller's one write transaction.

    `expected_revision` is the revision the pressing screen showed: if another screen changed
    the timer in between, the command is refused instead of being applied twice.
    """
    stored = load(writer.cur, meeting_id)
    if expected_revision is not None and expected_revision != stored.revision:
        raise TimerError("conflict")
    settled = settle(stored, now, auto_advance)
    changed = apply(settled, command, now, target)
    save(writer, meeting_id, stored, changed)
    return changed
