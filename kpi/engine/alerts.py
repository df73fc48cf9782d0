"""Misalignment alerts from the data, after the method's symptoms; each names its numbers and
the periods they come from, which are the scorecard's own: its reported period and the one before."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpi.engine import catalogue as cat
from kpi.engine.compute import Scorecard
from kpi.engine.periods import Period, period_label
from kpi.engine.targets import changes_this_quarter
from kpi.i18n import fmt_date, fmt_number, fmt_percent, t
from kpi.store.database import Store
from kpi.store.settings import get_settings

VOLUME_GROWTH = 0.10  # MQLs up by at least 10 % ...
FLAT = 0.02  # ... while SQLs or wins grow by less than 2 %


@dataclass(frozen=True)
class Alert:
    """One symptom: `kind` selects the sentence; `numbers` are the figures behind it, measured over
    `periods` (oldest first; none for a change of targets) as known on `as_of`."""

    kind: str
    severity: str  # "warning" or "error"
    numbers: dict[str, Any] = field(default_factory=dict)
    periods: tuple[Period, ...] = ()
    as_of: date | None = None

    def text(self, lang: str, currency: str = "EUR") -> str:
        sentence = t(f"alert.{self.kind}", lang, **_formatted(self, lang, currency))
        labels = [period_label(p, lang, self.as_of) for p in self.periods]
        if len(labels) == 2:
            return f"{sentence} {t('alert.periods', lang, before=labels[0], now=labels[1])}"
        if labels:
            return f"{sentence} {t('alert.period', lang, now=labels[0])}"
        return sentence


def _growth(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


def _formatted(alert: Alert, lang: str, currency: str) -> dict[str, str]:
    n = alert.numbers
    if alert.kind == "volume_without_quality":
        counts = {k: fmt_number(v, lang, 0) for k, v in n.items() if k != "mqls_change"}
        return {**counts, "mqls_change": "+" + fmt_percent(n["mqls_change"], lang, 0)}
    if alert.kind == "icp_share":
        return {
            "value": fmt_percent(n["value"], lang),
            "committed": fmt_percent(n["committed"], lang, 0),
        }
    if alert.kind == "response_sla":
        kpi = cat.get("lead_response_hours")
        return {
            "sla": cat.format_value(kpi, n["sla"], lang),
            "before": cat.format_value(kpi, n["before"], lang),
            "now": cat.format_value(kpi, n["now"], lang),
        }
    if alert.kind == "promises":
        kpi = cat.get(n["kpi_id"])
        return {
            "wins_before": fmt_number(n["wins_before"], lang, 0),
            "wins_now": fmt_number(n["wins_now"], lang, 0),
            "what": kpi.label(lang),
            "before": cat.format_value(kpi, n["before"], lang, currency),
            "now": cat.format_value(kpi, n["now"], lang, currency),
        }
    return {"count": str(n["count"]), "when": fmt_date(n["when"], lang), "who": n["who"]}


def _compared(scorecard: Scorecard) -> tuple[tuple[Period, Period], date]:
    """The two periods every comparing alert reads, the cards' own: the one before, the reported."""
    return (scorecard.periods[-2], scorecard.periods[-1]), scorecard.as_of


def _volume_without_quality(scorecard: Scorecard) -> list[Alert]:
    """More MQLs while SQLs or wins stay flat: volume bought without quality."""
    vol = scorecard.volumes
    mqls_change = _growth(vol["mqls"][-1], vol["mqls"][-2])
    sqls_change = _growth(vol["sqls"][-1], vol["sqls"][-2])
    wins_change = _growth(vol["wins"][-1], vol["wins"][-2])
    if (
        mqls_change is None
        or mqls_change < VOLUME_GROWTH
        or ((sqls_change or 0) >= FLAT and (wins_change or 0) >= FLAT)
    ):
        return []
    numbers = {
        "mqls_before": vol["mqls"][-2],
        "mqls_now": vol["mqls"][-1],
        "mqls_change": mqls_change,
        "sqls_before": vol["sqls"][-2],
        "sqls_now": vol["sqls"][-1],
        "wins_before": vol["wins"][-2],
        "wins_now": vol["wins"][-1],
    }
    return [Alert("volume_without_quality", "warning", numbers, *_compared(scorecard))]


def _icp_share(scorecard: Scorecard, committed: float) -> list[Alert]:
    share = scorecard.get("icp_opportunity_share")
    if share.value is not None and not share.insufficient and share.value < committed:
        numbers = {"value": share.value, "committed": committed}
        return [Alert("icp_share", "warning", numbers, scorecard.periods[-1:], scorecard.as_of)]
    return []


def _response_sla(scorecard: Scorecard, sla: float) -> list[Alert]:
    response = scorecard.get("lead_response_hours")
    if all(v is not None and v > sla for v in (response.previous, response.value)):
        numbers = {"sla": sla, "before": response.previous, "now": response.value}
        return [Alert("response_sla", "error", numbers, *_compared(scorecard))]
    return []


def _promises(scorecard: Scorecard) -> list[Alert]:
    """More wins while delivery gets slower or sloppier: promises the team cannot keep."""
    wins = scorecard.volumes["wins"]
    if wins[-1] <= wins[-2]:
        return []
    alerts = []
    for kpi_id in ("time_to_value_days", "rework_rate"):
        result = scorecard.get(kpi_id)
        then, latest = result.previous, result.value
        if then is not None and latest is not None and latest > then:
            numbers = {"kpi_id": kpi_id, "wins_before": wins[-2], "wins_now": wins[-1]}
            numbers |= {"before": then, "now": latest}
            alerts.append(Alert("promises", "warning", numbers, *_compared(scorecard)))
    return alerts


def _targets_changed(store: Store, today: date) -> list[Alert]:
    changes = changes_this_quarter(store, today)
    if not changes:
        return []
    last = changes[-1]
    numbers = {"count": len(changes), "when": last.valid_from.date(), "who": last.changed_by}
    return [Alert("changed", "warning", numbers)]


def misalignment_alerts(
    store: Store, scorecard: Scorecard, today: date | None = None
) -> list[Alert]:
    """The symptoms in `scorecard`, read from the numbers its cards show."""
    if len(scorecard.periods) < 2:
        return []
    settings = get_settings(store)
    return [
        *_volume_without_quality(scorecard),
        *_icp_share(scorecard, settings["committed_icp_share"]),
        *_response_sla(scorecard, settings["sla_hours"]),
        *_promises(scorecard),
        *_targets_changed(store, today or store.now().date()),
    ]
