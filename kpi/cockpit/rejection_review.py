"""Rejected-lead review: Marketing's mark on each lead Sales rejected, and what it adds up to."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kpi.access.roles import Actor, require
from kpi.agreements.sla import review_days
from kpi.cockpit.meeting_record import MeetingError, clean_note, meeting_row
from kpi.engine.dimension_labels import channel_namer
from kpi.errors import LONG_TEXT_MAX, SHORT_TEXT_MAX, TextField, one_of
from kpi.errors import FeedbackError as ReviewError
from kpi.i18n import t
from kpi.store.database import Store
from kpi.store.writer import dict_rows

STATUSES = ("agreed", "disputed", "recycled")
COMMENT = TextField("loops.review.comment", LONG_TEXT_MAX, multiline=True)
# What a Pareto may be broken down by: the SQL of each grouping, over the raw leads table.
PARETO_GROUPS = {
    None: "NULL",
    "channel": "coalesce(l.channel, 'unattributed')",
    "campaign": "l.campaign",
}
# A blank reason is no reason: Sales owes one for every rejection.
REASON = "nullif(trim(l.rejection_reason), '')"
# Marking a rejected lead is feedback captured between meetings, the work of the `notes` right.
CAPABILITY = "notes"
# The note a disputed rejection becomes in block 3: Marketing and Sales disagree on a lead.
NOTE_KIND = "dependency"

_PERIOD = "l.rejected_at >= $start AND l.rejected_at < $stop"


@dataclass(frozen=True)
class ReviewCompliance:
    """Rejections of a period first reviewed within N days: in time, late, still pending."""

    rejections: int
    in_time: int
    late: int
    pending: int
    due: int
    rate: float | None


@dataclass(frozen=True)
class ParetoRow:
    """One reason's rejections within a group (None: all leads), ranked with its running share."""

    group: str | None
    reason: str | None
    count: int
    share: float
    cumulative: float


def _bounds(start: date, end: date) -> dict:
    """Query parameters for the days `start` to `end`, both included."""
    if end < start:
        raise ReviewError("loops.error.period")
    stop = datetime.combine(end + timedelta(days=1), datetime.min.time())
    return {"start": datetime.combine(start, datetime.min.time()), "stop": stop}


def _facts_rows(store: Store, sql: str, params: dict) -> list[dict]:
    """Rows of a query over the facts joined with the review marks (`state.` tables)."""
    return dict_rows(store.facts(), sql, params)


def rejected_leads(store: Store, start: date, end: date) -> list[dict]:
    """The leads rejected from `start` to `end` (inclusive), newest first, each with its mark."""
    sql = f"""
        SELECT l.lead_id, l.rejected_at, {REASON} AS reason,
               coalesce(l.channel, 'unattributed') AS channel, l.campaign, l.owner,
               l.created_at, l.mql_at, r.status, r.comment, r.first_reviewed_at,
               r.reviewed_at, r.reviewed_by, r.meeting_id
        FROM leads l LEFT JOIN state.rejection_reviews r ON r.lead_id = l.lead_id
        WHERE {_PERIOD}
        ORDER BY l.rejected_at DESC, l.lead_id"""  # noqa: S608 - code constants only
    return _facts_rows(store, sql, _bounds(start, end))


def review_compliance(
    store: Store, start: date, end: date, days: int | None = None, as_of: datetime | None = None
) -> ReviewCompliance:
    """Of the leads rejected from `start` to `end`, how many Marketing first marked within `days`
    calendar days (default: the SLA document's). A rejection unreviewed while its deadline is
    still ahead of `as_of` is pending: counted neither way."""
    days = review_days(store) if days is None else int(days)
    params = _bounds(start, end) | {"days": days, "as_of": as_of or store.now()}
    deadline = "l.rejected_at + to_days(CAST($days AS INTEGER))"
    sql = f"""
        SELECT count(*) AS rejections,
               count(*) FILTER (WHERE r.first_reviewed_at <= {deadline}) AS in_time,
               count(*) FILTER (WHERE r.first_reviewed_at > {deadline}
                   OR (r.first_reviewed_at IS NULL AND {deadline} < $as_of)) AS late
        FROM leads l LEFT JOIN state.rejection_reviews r ON r.lead_id = l.lead_id
        WHERE {_PERIOD}"""  # noqa: S608 - code constants only
    [row] = _facts_rows(store, sql, params)
    due = row["in_time"] + row["late"]
    return ReviewCompliance(
        rejections=row["rejections"],
        in_time=row["in_time"],
        late=row["late"],
        pending=row["rejections"] - due,
        due=due,
        rate=row["in_time"] / due if due else None,
    )


def review_counts(store: Store, start: date, end: date) -> dict[str, int]:
    """Rejections of the period: in all, without a reason, unreviewed and per mark."""
    marks = ", ".join(f"count(*) FILTER (WHERE r.status = '{s}') AS {s}" for s in STATUSES)
    sql = f"""
        SELECT count(*) AS rejections, count(*) FILTER (WHERE {REASON} IS NULL) AS no_reason,
               count(*) FILTER (WHERE r.status IS NULL) AS unreviewed, {marks}
        FROM leads l LEFT JOIN state.rejection_reviews r ON r.lead_id = l.lead_id
        WHERE {_PERIOD}"""  # noqa: S608 - code constants only
    return _facts_rows(store, sql, _bounds(start, end))[0]


def reason_pareto(store: Store, start: date, end: date, by: str | None = None) -> list[ParetoRow]:
    """The rejection reasons of the period, most frequent first, within each value of `by`
    (channel or campaign; None: all leads) with their share and running share of the group.
    Ties rank by reason; rejections without a reason count as reason None, ranked last on ties."""
    if by not in PARETO_GROUPS:
        raise ValueError(f"unknown Pareto grouping {by!r}")
    sql = f"""
        SELECT {PARETO_GROUPS[by]} AS grp, {REASON} AS reason, count(*) AS n
        FROM leads l WHERE {_PERIOD}
        GROUP BY ALL
        ORDER BY grp NULLS LAST, n DESC, reason NULLS LAST"""  # noqa: S608 - code constants only
    rows = _facts_rows(store, sql, _bounds(start, end))
    totals: dict[str | None, int] = {}
    for row in rows:
        totals[row["grp"]] = totals.get(row["grp"], 0) + row["n"]
    ranked, running = [], {}
    for row in rows:
        group = row["grp"]
        running[group] = running.get(group, 0) + row["n"]
        share, total = row["n"] / totals[group], totals[group]
        ranked.append(ParetoRow(group, row["reason"], row["n"], share, running[group] / total))
    return ranked


def _rejected_lead(store: Store, lead_id: str) -> dict:
    rows = _facts_rows(
        store,
        "SELECT lead_id FROM leads WHERE lead_id = $id AND rejected_at IS NOT NULL",
        {"id": str(lead_id)},
    )
    if not rows:
        raise ReviewError("loops.error.not_rejected", lead=str(lead_id)[:40])
    return rows[0]


def mark_rejection(
    store: Store, actor: Actor, lead_id: str, status: str, comment: str | None = None
) -> dict:
    """Marketing's mark on a rejected lead (agreed, disputed or recycled to nurturing) with an
    optional comment; a new mark replaces the old one, the first review's time is kept."""
    require(actor, CAPABILITY)
    status = one_of(status, "loops.review.status", STATUSES)
    if status is None:
        raise ReviewError("loops.error.status")
    clean = COMMENT.clean(comment) or None
    _rejected_lead(store, lead_id)
    with store.write(actor, CAPABILITY) as w:
        mark = {"status": status, "comment": clean, "reviewed_at": w.now}
        mark["reviewed_by"] = actor.username
        if not w.rows("SELECT 1 FROM rejection_reviews WHERE lead_id = ?", [lead_id]):
            mark["first_reviewed_at"] = w.now
        elif status != "disputed":
            # Taken back: it leaves the meeting candidates, and a new dispute comes back to them.
            mark |= {"meeting_id": None, "note_id": None}
        return w.upsert("rejection_reviews", {"lead_id": lead_id}, mark)


def disputed_candidates(store: Store) -> list[dict]:
    """Disputed rejections no meeting has taken up yet, oldest dispute first, with their facts."""
    sql = f"""
        SELECT r.lead_id, r.comment, r.reviewed_at, r.reviewed_by, l.rejected_at,
               {REASON} AS reason, coalesce(l.channel, 'unattributed') AS channel,
               l.campaign, l.owner
        FROM state.rejection_reviews r JOIN leads l ON l.lead_id = r.lead_id
        WHERE r.status = 'disputed' AND r.note_id IS NULL
        ORDER BY r.reviewed_at, r.lead_id"""  # noqa: S608 - code constants only
    return _facts_rows(store, sql, {})


def take_to_meeting(store: Store, actor: Actor, meeting_id: int, lead_id: str, lang: str) -> dict:
    """Block 3: a disputed rejection becomes a blocker note of the meeting (once: it then leaves
    the candidates); the note says which lead, why Sales rejected it and Marketing's comment."""
    require(actor, CAPABILITY)
    [lead] = [c for c in disputed_candidates(store) if c["lead_id"] == lead_id] or [None]
    if lead is None:
        raise ReviewError("loops.error.not_candidate", lead=str(lead_id)[:40])
    text = t(
        "loops.note.text",
        lang,
        lead=lead["lead_id"],
        reason=lead["reason"] or t("loops.reason.none", lang),
        channel=channel_namer(store, lang)(lead["channel"]),
        campaign=lead["campaign"] or "—",
    )
    # The Sales owner answers for the rejection; a longer imported name is cut to the note's field.
    owner = (lead["owner"] or "")[:SHORT_TEXT_MAX]
    note = clean_note(kind=NOTE_KIND, text=text, why=lead["comment"], owner=owner)
    with store.write(actor, CAPABILITY) as w:
        if meeting_row(w, meeting_id)["status"] == "closed":
            raise MeetingError("meeting.error.closed")
        row = w.insert(
            "notes",
            {"meeting_id": meeting_id, **note, "created_by": actor.username, "created_at": w.now},
        )
        w.update(
            "rejection_reviews",
            {"lead_id": lead_id},
            {"meeting_id": meeting_id, "note_id": row["id"]},
        )
        return row
