"""The programme's record and rules: phases and the current one, the baseline window, one active
programme, validation of every write, and the status of a success metric (worked by hand)."""

from datetime import date

import pytest

from kpi.access.roles import Actor, PermissionDenied
from kpi.errors import InvalidInput
from kpi.programme import (
    active_programme,
    create_programme,
    current_phase,
    get_programme,
    programmes,
    set_benchmark,
    set_metric_target,
    set_phases,
)
from kpi.programme import metrics as sm
from kpi.programme.cadence import months_before, months_since, periods_since
from kpi.programme.model import DEFAULT_WEEKS, Programme, target_overrides

ADMIN = Actor("ada", "admin")
EDITOR = Actor("eda", "editor")


def test_default_phases_and_the_current_one():
    p = Programme(1, "P", date(2025, 9, 1), 6, dict(DEFAULT_WEEKS), None, True, "ada", None)
    assert DEFAULT_WEEKS == {"diagnosis": 4, "implementation": 8, "measurement": 6}
    # 4 weeks from Mon 1 Sep: 1–28 Sep; 8 weeks: 29 Sep – 23 Nov; 6 weeks: 24 Nov – 4 Jan.
    assert [(ph.key, ph.start, ph.end) for ph in p.phases] == [
        ("diagnosis", date(2025, 9, 1), date(2025, 9, 28)),
        ("implementation", date(2025, 9, 29), date(2025, 11, 23)),
        ("measurement", date(2025, 11, 24), date(2026, 1, 4)),
    ]
    assert (p.baseline_start, p.baseline_end) == (date(2025, 3, 1), date(2025, 8, 31))
    assert current_phase(p, date(2025, 8, 31)).key == "before"
    now = current_phase(p, date(2025, 10, 13))  # the 15th day of implementation
    assert (now.key, now.week, now.weeks) == ("implementation", 3, 8)
    assert current_phase(p, date(2026, 1, 4)).key == "measurement"
    assert current_phase(p, date(2026, 1, 5)).key == "after"


def test_calendar_helpers():
    assert months_before(date(2025, 8, 31), 6) == date(2025, 2, 28)
    assert months_before(date(2025, 9, 15), 12) == date(2024, 9, 15)
    # Weeks since Wed 3 Sep: the first is cut short at Sunday; the running week is left out.
    weeks = periods_since("week", date(2025, 9, 3), date(2025, 9, 20))
    assert [(w.start, w.end) for w in weeks] == [
        (date(2025, 9, 3), date(2025, 9, 7)),
        (date(2025, 9, 8), date(2025, 9, 14)),
    ]
    months = months_since(date(2025, 9, 15), date(2025, 11, 14))
    assert [(m.start, m.end) for m in months] == [
        (date(2025, 9, 15), date(2025, 10, 14)),
        (date(2025, 10, 15), date(2025, 11, 14)),
    ]


def test_one_active_programme_earlier_ones_stay_readable(store):
    first = create_programme(store, ADMIN, start="2025-09-01", name="Primero")
    second = create_programme(store, ADMIN, start="2026-03-02", baseline_months=12)
    assert active_programme(store).id == second.id
    assert [p.id for p in programmes(store)] == [second.id, first.id]
    assert get_programme(store, first.id).active is False
    assert second.name == "Programa de alineación (2 mar 2026)"
    assert second.baseline_start == date(2025, 3, 2)


def test_writes_are_validated_and_admin_only(store):
    with pytest.raises(InvalidInput):
        create_programme(store, ADMIN, start="2025-09-01", baseline_months=5)
    with pytest.raises(InvalidInput):
        create_programme(store, ADMIN, start="not a date")
    with pytest.raises(PermissionDenied):
        create_programme(store, EDITOR, start="2025-09-01")
    p = create_programme(store, ADMIN, start="2025-09-01")
    with pytest.raises(InvalidInput):
        set_phases(store, ADMIN, p.id, {"diagnosis": 0})
    assert set_phases(store, ADMIN, p.id, {"implementation": 10}).weeks["implementation"] == 10
    with pytest.raises(InvalidInput):
        set_metric_target(store, ADMIN, p.id, "no_such_metric", 0.1, 0.2)
    with pytest.raises(InvalidInput):
        set_metric_target(store, ADMIN, p.id, "sla_compliance", 1.5, 1.0)  # a rate above 100 %
    set_metric_target(store, ADMIN, p.id, "acceptance", 0.25, 0.35)
    assert target_overrides(store, p.id) == {"acceptance": (0.25, 0.35)}
    with pytest.raises(InvalidInput):
        set_benchmark(store, ADMIN, p.id, "win_rate", 0.2, source="  ")
    row = set_benchmark(store, ADMIN, p.id, "win_rate", 0.2, source="Informe X 2024")
    assert (row["value"], row["source"]) == (0.2, "Informe X 2024")
    assert set_benchmark(store, ADMIN, p.id, "win_rate", None) is None


@pytest.mark.parametrize(
    "direction, baseline, current, day, expected_status",
    [
        # Higher is better, baseline 50 %, band +20–30 % -> 60 %–65 %, horizon 1 Jan -> 1 Apr
        # (90 days). 45 days in, the straight line to the near edge stands at 55 %.
        (1, 0.50, 0.61, date(2025, 2, 15), "reached"),
        (1, 0.50, 0.56, date(2025, 2, 15), "on_pace"),
        (1, 0.50, 0.54, date(2025, 2, 15), "behind"),
        # At the horizon and beyond, the line is the near edge itself.
        (1, 0.50, 0.59, date(2025, 6, 1), "behind"),
        # Lower is better, baseline 20 h, band −40 % to −50 % -> 12 h to 10 h; 45 days in the
        # line stands at 16 h.
        (-1, 20.0, 11.0, date(2025, 2, 15), "reached"),
        (-1, 20.0, 15.5, date(2025, 2, 15), "on_pace"),
        (-1, 20.0, 17.0, date(2025, 2, 15), "behind"),
    ],
)
def test_status_against_the_band_and_the_straight_line(
    direction, baseline, current, day, expected_status
):
    near, far = (0.20, 0.30) if direction > 0 else (-0.40, -0.50)
    edges = sm.band("relative", near, far, baseline)
    expected = sm.expected_at(baseline, edges[0], date(2025, 1, 1), date(2025, 4, 1), day)
    assert sm.judge(direction, baseline, current, edges, expected) == expected_status


def test_status_grey_and_absolute_bands():
    edges = sm.band("absolute", 0.90, 1.0, 0.55)
    assert edges == (0.90, 1.0)
    assert sm.judge(1, 0.55, 0.91, edges, 0.7) == "reached"
    assert sm.judge(1, 0.55, 0.95, edges, 0.7, maturing=True) == "maturing"
    assert sm.judge(1, 0.55, 0.95, edges, 0.7, insufficient=True) == "insufficient"
    assert sm.judge(1, None, 0.95, edges, None) == "no_data"
    assert sm.band("points", 20, 20, 10) == (30, 30)
    assert sm.band("relative", 0.1, 0.2, None) is None


def test_the_eight_success_metrics_of_the_issue():
    rows = {m.id: (m.kpi_id, m.target_kind, m.near, m.far, m.horizon_months, m.cadence)
            for m in sm.SUCCESS_METRICS}  # fmt: skip
    assert rows == {
        "acceptance": ("lead_acceptance_rate", "relative", 0.20, 0.30, 3, "month"),
        "response_time": ("lead_response_hours", "relative", -0.40, -0.50, 3, "week"),
        "lead_to_opportunity": ("lead_to_opportunity_rate", "relative", 0.15, 0.25, 6, "month"),
        "sla_compliance": ("sla_response_compliance", "absolute", 0.90, 1.0, 3, "week"),
        "team_nps": (None, "points", 20, 20, 6, "quarter"),
        "revenue_per_qualified": ("revenue_per_sql", "relative", 0.10, 0.15, 6, "month"),
        "sales_cycle": ("sales_cycle_days", "relative", -0.15, -0.20, 6, "month"),
        "cost_per_qualified": ("cost_per_sql", "relative", -0.10, -0.15, 6, "month"),
    }
    assert sm.BY_ID["response_time"].statistic == "mean"
