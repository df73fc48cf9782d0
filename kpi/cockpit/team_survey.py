"""Internal NPS: one anonymous answer per user and survey, and eNPS per team only where safe."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from kpi.access.roles import Actor, require
from kpi.access.users import TEAMS, check_team
from kpi.errors import LONG_TEXT_MAX, TextField
from kpi.errors import FeedbackError as SurveyError
from kpi.store.database import Store
from kpi.store.settings import get_settings

# Below this many answers a group's figures are not shown: one or two people would be exposed.
MIN_ANSWERS = 3
COMMENT = TextField("loops.survey.comment", LONG_TEXT_MAX, multiline=True)
# Everyone answers, viewers too (kpi/access/roles.py gives every role this right).
CAPABILITY = "survey"
# The group of answers given by users without a team.
NO_TEAM = "none"


@dataclass(frozen=True)
class Survey:
    """One survey: the days it covers (periods restart every January)."""

    start: date
    end: date


@dataclass(frozen=True)
class GroupResult:
    """A team's (or everyone's) figures; `enps` and `answers` are None when hidden."""

    group: str
    answers: int | None
    enps: float | None


@dataclass(frozen=True)
class NpsPoint:
    """One survey's eNPS for the trend; `answers` and `enps` None when survey_results hides them."""

    survey: Survey
    answers: int | None
    enps: float | None


def survey_for(day: date, cadence_months: int) -> Survey:
    """The survey running on `day` when one opens every `cadence_months` months from January (a
    cadence that does not divide the year ends its last survey on 31 December)."""
    first_month = (day.month - 1) // cadence_months * cadence_months + 1
    start = date(day.year, first_month, 1)
    after = first_month + cadence_months
    end = date(day.year + 1, 1, 1) if after > 12 else date(day.year, after, 1)
    return Survey(start, end - timedelta(days=1))


def current_survey(store: Store, today: date | None = None) -> Survey:
    cadence = int(get_settings(store)["survey_cadence_months"])
    return survey_for(today or store.now().date(), cadence)


def has_answered(store: Store, username: str, survey: Survey) -> bool:
    rows = store.rows(
        "SELECT 1 FROM survey_responses WHERE survey_start = ? AND username = ?",
        [survey.start, username],
    )
    return bool(rows)


def _score(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise SurveyError("loops.error.score", value=str(value)[:40])
    return value


def answer_survey(
    store: Store,
    actor: Actor,
    score: int,
    comment: str | None = None,
    team: str | None = None,
    today: date | None = None,
) -> Survey:
    """Record `actor`'s answer (0–10, optional comment) to the current survey, once. `team` is the
    actor's team from the credentials, stored with the answer (a later move keeps old answers
    where they were given)."""
    require(actor, CAPABILITY)
    score, team = _score(score), check_team(team)
    clean = COMMENT.clean(comment) or None
    survey = current_survey(store, today)
    with store.write(actor, CAPABILITY) as w:
        if w.rows(
            "SELECT 1 FROM survey_responses WHERE survey_start = ? AND username = ?",
            [survey.start, actor.username],
        ):
            raise SurveyError("loops.error.answered")
        w.insert(
            "survey_responses",
            {"survey_start": survey.start, "username": actor.username, "answered_at": w.now},
        )
        # Not through w.insert: its audit row would name who gave which score. The answer has a
        # random key and no time, so nothing ties it to the response row above.
        w.cur.execute(
            "INSERT INTO survey_answers VALUES (?, ?, ?, ?, ?, ?)",
            [str(uuid.uuid4()), survey.start, survey.end, team, score, clean],
        )
    return survey


def enps(scores: list[int]) -> float | None:
    """% promoters (9–10) − % detractors (0–6), in points from −100 to 100; None without answers."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100 * (promoters - detractors) / len(scores)


def _answers(store: Store, survey_start: date) -> list[dict]:
    return store.rows(
        "SELECT team, score, comment FROM survey_answers WHERE survey_start = ? ORDER BY id",
        [survey_start],
    )


def _group(group: str, scores: list[int]) -> GroupResult:
    """A group's figures, hidden (None) below MIN_ANSWERS."""
    if len(scores) < MIN_ANSWERS:
        return GroupResult(group, None, None)
    return GroupResult(group, len(scores), enps(scores))


def survey_results(store: Store, survey: Survey) -> tuple[GroupResult, list[GroupResult]]:
    """Everyone's figures and each team's (TEAMS order, then NO_TEAM), each hidden below
    MIN_ANSWERS. Everyone's are hidden too when the hidden teams hold one or two answers in all:
    subtracting the shown teams from the total would expose them."""
    by_group: dict[str, list[int]] = {}
    for row in _answers(store, survey.start):
        by_group.setdefault(row["team"] or NO_TEAM, []).append(row["score"])
    teams = [_group(group, by_group.get(group, [])) for group in (*TEAMS, NO_TEAM)]
    hidden = sum(len(by_group.get(g.group, [])) for g in teams if g.answers is None)
    everyone = [s for scores in by_group.values() for s in scores]
    overall = _group("all", everyone if not 0 < hidden < MIN_ANSWERS else [])
    return overall, teams


def survey_comments(store: Store, survey: Survey) -> list[str]:
    """The survey's comments, without names or teams, in a random order (the answers' keys);
    none until MIN_ANSWERS people answered."""
    rows = _answers(store, survey.start)
    if len(rows) < MIN_ANSWERS:
        return []
    return [row["comment"] for row in rows if row["comment"]]


def surveys_answered(store: Store) -> list[Survey]:
    """Every survey with at least one answer, oldest first."""
    rows = store.rows(
        "SELECT DISTINCT survey_start, survey_end FROM survey_answers ORDER BY survey_start"
    )
    return [Survey(r["survey_start"], r["survey_end"]) for r in rows]


def team_nps_series(
    store: Store, team: str | None = None, start: date | None = None, end: date | None = None
) -> list[NpsPoint]:
    """The eNPS of every survey that started from `start` to `end` (inclusive; None: unbounded),
    for everyone (`team` None) or one team, oldest first; a point's `enps` is None where
    survey_results hides it. Empty when no survey was answered."""
    points = []
    for survey in surveys_answered(store):
        if (start and survey.start < start) or (end and survey.start > end):
            continue
        overall, teams = survey_results(store, survey)
        wanted = "all" if team is None else (check_team(team) or NO_TEAM)
        [result] = [g for g in (overall, *teams) if g.group == wanted]
        points.append(NpsPoint(survey, result.answers, result.enps))
    return points


def enps_by_period(store: Store, periods: list) -> list[float | None] | None:
    """Everyone's eNPS per period (objects with `start` and `end` dates, e.g. kpi.engine.periods
    .Period): the latest survey that started within it, None where none did or it is hidden.
    None when no survey was ever answered (the programme's team-satisfaction metric then reads
    "sin datos"); the shape of kpi/programme/team_nps.py's hook."""
    points = team_nps_series(store)
    if not points:
        return None
    values = []
    for period in periods:
        inside = [p for p in points if period.start <= p.survey.start <= period.end]
        values.append(inside[-1].enps if inside else None)
    return values
