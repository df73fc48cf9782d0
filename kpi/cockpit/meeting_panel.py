"""What the facilitator's panel shows: the method's KPIs, the reds, outcomes, alerts, snapshots."""

from datetime import date

from kpi.cockpit import outcomes
from kpi.engine import catalogue
from kpi.engine.alerts import misalignment_alerts
from kpi.engine.compute import last_complete_scorecard
from kpi.i18n import DASH, DEFAULT_LANGUAGE, t
from kpi.store.database import Store
from kpi.store.settings import get_settings


def scorecard_inputs(store: Store) -> tuple:
    """A cache key for the scorecard: facts, targets, settings and the day. Timer clicks, notes
    and actions leave it unchanged, so they never cause a recomputation."""
    versions = (
        store.state()
        .execute(
            "SELECT (SELECT count(*) FROM kpi_targets), (SELECT max(valid_from) FROM kpi_targets), "
            "(SELECT count(*) FROM settings), (SELECT max(valid_from) FROM settings)"
        )
        .fetchone()
    )
    return (store.facts_generation(), *versions, store.now().date())


def scorecard_snapshot(store: Store) -> dict:
    """The scorecard as it stands: its period, and value, status, target and unit of every KPI."""
    scorecard = last_complete_scorecard(store)
    return {
        "taken_at": store.now().isoformat(),
        "start": scorecard.start.isoformat(),
        "end": scorecard.end.isoformat(),
        "kpis": [
            {
                "kpi_id": r.kpi_id,
                "value": r.value,
                "status": r.status,
                "target": r.target,
                "unit": r.unit,
            }
            for r in scorecard.results
        ],
    }


# The method's four panel KPIs (DESIGN §1, block 2): MQL→SQL, win rate by ICP, time-to-value, NPS.
METHOD_KPIS = ("mql_to_sql_rate", "win_rate_icp", "time_to_value_days", "nps_post_delivery")


def method_results(scorecard) -> list:
    return [scorecard.get(kpi_id) for kpi_id in METHOD_KPIS]


def red_results(scorecard) -> list:
    """Every KPI in red this period (the method's four included: red is red)."""
    return [r for r in scorecard.results if r.status == "red"]


def outcome_rows(store: Store, quarter: str, today: date, lang: str = DEFAULT_LANGUAGE) -> list:
    """The quarter's outcomes with progress computed from the data, ready to show."""
    rows = []
    currency = get_settings(store)["currency"]
    for outcome in outcomes.list_outcomes(store, quarter):
        status = outcomes.outcome_status(store, outcome, today)
        kpi = catalogue.BY_ID[outcome["kpi_id"]]
        shown = {
            name: catalogue.format_value(kpi, value, lang, currency)
            for name, value in (
                ("baseline", status.baseline),
                ("current", status.current),
                ("target", outcome["target"]),
            )
        }
        verdict = {True: "on_track", False: "off_track", None: "unknown"}[status.on_track]
        rows.append(
            {
                "title": outcome["title"],
                "kpi": kpi.label(lang),
                "owner": outcome["owner"] or DASH,
                **shown,
                "progress": status.progress,
                "on_track": status.on_track,
                "summary": t(
                    "meeting.outcome.summary",
                    lang,
                    **shown,
                    verdict=t(f"meeting.outcome.{verdict}", lang),
                ),
            }
        )
    return rows


def note_text(note: dict, why_label: str, root_label: str) -> str:
    lines = [note["text"]]
    if note.get("why"):
        lines.append(f"{why_label}: {note['why']}")
    if note.get("root_cause"):
        lines.append(f"{root_label}: {note['root_cause']}")
    return "\n".join(lines)


def alert_texts(store: Store, scorecard, lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """The scorecard's misalignment alerts as (severity, sentence in `lang`)."""
    currency = get_settings(store)["currency"]
    return [
        (alert.severity, alert.text(lang, currency))
        for alert in misalignment_alerts(store, scorecard)
    ]
