"""Misalignment alerts from the data, after the method's symptoms; each names its numbers."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kpi.engine import catalogue as cat
from kpi.engine.compute import Scorecard
from kpi.engine.targets import changes_this_quarter
from kpi.i18n import fmt_date, fmt_number, fmt_percent, t
from kpi.store.database import Store
from kpi.store.settings import get_settings

VOLUME_GROWTH = 0.10  # MQLs up by at least 10 % ...
FLAT = 0.02  # ... while SQLs or wins grow by less than 2 %


@dataclass(frozen=True)
class Alert:
    """One symptom: `kind` selects the sentence; `numbers` are the figures behind it."""

    kind: str
    severity: str  # "warning" or "error"
    numbers: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str, currency: str = "EUR") -> str:
        return t(f"alert.{self.kind}", lang, **_formatted(self, lang, currency))


def _growth(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before


def _complete(scorecard: Scorecard) -> tuple[int, int]:
    """Indices (now, before) in the trend of the last two periods that are over by as-of."""
    last = len(scorecard.periods) - 1
    if scorecard.periods[last].end > scorecard.as_of and last >= 2:
        return last - 1, last - 2
    return last, last - 1


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


def _volume_without_quality(vol: dict, now: int, before: int) -> list[Alert]:
    """More MQLs while SQLs or wins stay flat: volume bought without quality."""
    mqls_change = _growth(vol["mqls"][now], vol["mqls"][before])
    sqls_change = _growth(vol["sqls"][now], vol["sqls"][before])
    wins_change = _growth(vol["wins"][now], vol["wins"][before])
    if (
        mqls_change is None
        or mqls_change < VOLUME_GROWTH
        or ((sqls_change or 0) >= FLAT and (wins_change or 0) >= FLAT)
    ):
        return []
    numbers = {
        "mqls_before": vol["mqls"][before],
        "mqls_now": vol["mqls"][now],
        "mqls_change": mqls_change,
        "sqls_before": vol["sqls"][before],
        "sqls_now": vol["sqls"][now],
        "wins_before": vol["wins"][before],
        "wins_now": vol["wins"][now],
    }
    return [Alert("volume_without_quality", "warning", numbers)]


def _icp_share(scorecard: Scorecard, committed: float) -> list[Alert]:
    share = scorecard.get("icp_opportunity_share")
    if share.value is not None and not share.insufficient and share.value < committed:
        return [Alert("icp_share", "warning", {"value": share.value, "committed": committed})]
    return []


def _response_sla(scorecard: Scorecard, sla: float, now: int, before: int) -> list[Alert]:
    response = scorecard.get("lead_response_hours").trend
    if all(p.value is not None and p.value > sla for p in (response[before], response[now])):
        numbers = {"sla": sla, "before": response[before].value, "now": response[now].value}
        return [Alert("response_sla", "error", numbers)]
    return []


def _promises(scorecard: Scorecard, now: int, before: int) -> list[Alert]:
    """More wins while delivery gets slower or sloppier: promises the team cannot keep."""
    wins = scorecard.volumes["wins"]
    if wins[now] <= wins[before]:
        return []
    alerts = []
    for kpi_id in ("time_to_value_days", "rework_rate"):
        trend = scorecard.get(kpi_id).trend
        then, latest = trend[before].value, trend[now].value
        if then is not None and latest is not None and latest > then:
            numbers = {"kpi_id": kpi_id, "wins_before": wins[before], "wins_now": wins[now]}
            alerts.append(Alert("promises", "warning", {**numbers, "before": then, "now": latest}))
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
    now, before = _complete(scorecard)
    if before < 0:
        return []
    settings = get_settings(store)
    return [
        *_volume_without_quality(scorecard.volumes, now, before),
        *_icp_share(scorecard, settings["committed_icp_share"]),
        *_response_sla(scorecard, settings["sla_hours"], now, before),
        *_promises(scorecard, now, before),
        *_targets_changed(store, today or store.now().date()),
    ]
