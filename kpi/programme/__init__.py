"""The alignment programme (issue 17): baseline, success metrics, before/after and ROI; no Streamlit.

Public API (stable; the Programa page, the PDF, the demo story and the cards read it):
- model: `Programme` (id, name, start, baseline_months, weeks, cost, active, created_by,
  created_at; .baseline_start/.baseline_end/.phases/.end/.as_dict()), `Phase`, `PhaseNow`,
  `PHASES`, `active_programme(store)`, `programmes(store)`, `get_programme(store, id)`,
  `baseline(store, id) -> Baseline | None` (.version, .snapshot, .frozen_at, .frozen_by),
  `baselines(store, id)`, `current_phase(programme, today) -> PhaseNow`.
- writes (audited, admins only): `create_programme(store, actor, *, start, name=None,
  baseline_months=6, weeks=None, as_of=None)`, `refreeze_baseline(store, actor, id, as_of=None)
  -> {"version", "frozen_at", "changes"}` (`plan_refreeze(store, programme, as_of=None)`: the
  same worked out without storing it, for the confirm dialog), `set_phases`, `set_cost`,
  `set_metric_target`, `set_benchmark`.
- `report(store, as_of=None, programme_id=None) -> dict | None` (kpi/programme/report.py); its
  Markdown and PDF are kpi/cockpit/programme_report.py (the one document renderer).
- `SUCCESS_METRICS` (kpi/programme/metrics.py); the team NPS comes from kpi/cockpit/team_survey.py.
"""

from kpi.programme.metrics import STATUSES, SUCCESS_METRICS
from kpi.programme.model import (
    PHASES,
    Baseline,
    Phase,
    PhaseNow,
    Programme,
    active_programme,
    baseline,
    baselines,
    current_phase,
    get_programme,
    programmes,
)
from kpi.programme.report import report
from kpi.programme.writes import (
    create_programme,
    refreeze_baseline,
    set_benchmark,
    set_cost,
    set_metric_target,
    set_phases,
)

__all__ = [
    "PHASES",
    "STATUSES",
    "SUCCESS_METRICS",
    "Baseline",
    "Phase",
    "PhaseNow",
    "Programme",
    "active_programme",
    "baseline",
    "baselines",
    "create_programme",
    "current_phase",
    "get_programme",
    "programmes",
    "refreeze_baseline",
    "report",
    "set_benchmark",
    "set_cost",
    "set_metric_target",
    "set_phases",
]
