"""Versioned targets: defaults, new versions with who/when, admin only, the quarter's change list."""

from datetime import date, datetime

import pytest
from support import state_value

from kpi.access.roles import Actor, PermissionDenied
from kpi.engine import catalogue as cat
from kpi.engine.targets import changes_this_quarter, current_targets, set_target, target_history
from kpi.store.database import Store
from kpi.store.settings import set_setting

ADMIN = Actor("marta", "admin")


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def timed(tmp_path):
    clock = Clock(datetime(2025, 2, 10, 9, 0))
    store = Store(tmp_path / "targets.duckdb", now=clock)
    yield store, clock
    store.close()


def test_defaults_come_from_the_catalogue(store):
    targets = current_targets(store)
    assert targets["win_rate"] == (0.25, 3)
    assert len(targets) == len(cat.CATALOGUE)


def test_new_versions_keep_history(timed):
    store, clock = timed
    set_target(store, ADMIN, "win_rate", 0.30, 4)
    clock.now = datetime(2025, 3, 1, 12, 0)
    set_target(store, Actor("luis", "admin"), "win_rate", 0.28, 2)
    assert current_targets(store)["win_rate"] == (0.28, 2)
    history = target_history(store, "win_rate")
    assert [(h["target"], h["changed_by"], h["valid_from"]) for h in history] == [
        (0.28, "luis", datetime(2025, 3, 1, 12, 0)),
        (0.30, "marta", datetime(2025, 2, 10, 9, 0)),
    ]
    audited = state_value(store, "SELECT count(*) FROM audit_log WHERE table_name = 'kpi_targets'")
    assert audited == 2


def test_only_admins_change_targets(store):
    with pytest.raises(PermissionDenied):
        set_target(store, Actor("eva", "editor"), "win_rate", 0.3, 3)
    assert current_targets(store)["win_rate"] == (0.25, 3)


@pytest.mark.parametrize(
    ("kpi_id", "target", "tolerance"),
    [("win_rate", 1.5, 3), ("win_rate", 0.3, -1), ("cac", -10, 5), ("nps_post_delivery", 120, 5)],
)
def test_invalid_targets_are_refused(store, kpi_id, target, tolerance):
    with pytest.raises(ValueError):
        set_target(store, ADMIN, kpi_id, target, tolerance)


def test_unknown_kpi_is_refused(store):
    with pytest.raises(ValueError, match="happiness"):
        set_target(store, ADMIN, "happiness", 1, 0)


def test_changes_this_quarter_name_what_when_who(timed):
    store, clock = timed
    clock.now = datetime(2024, 12, 20, 10, 0)  # previous quarter: not announced
    set_target(store, ADMIN, "cac", 5000, 500)
    clock.now = datetime(2025, 1, 15, 10, 0)
    set_target(store, ADMIN, "cac", 4500, 500)
    clock.now = datetime(2025, 2, 1, 10, 0)
    set_setting(store, Actor("luis", "admin"), "definition_mql", "Nueva definición de MQL")
    changes = changes_this_quarter(store, date(2025, 2, 20))
    assert [(c.kind, c.key, c.changed_by) for c in changes] == [
        ("target", "cac", "marta"),
        ("definition", "definition_mql", "luis"),
    ]
    assert (changes[0].previous_target, changes[0].target) == (5000, 4500)
    assert changes[0].valid_from == datetime(2025, 1, 15, 10, 0)
    assert changes[1].text == "Nueva definición de MQL"
    assert changes_this_quarter(store, date(2025, 4, 2)) == []


def test_first_change_compares_with_the_default(timed):
    store, _clock = timed
    set_target(store, ADMIN, "win_rate", 0.3, 3)
    (change,) = changes_this_quarter(store, date(2025, 2, 10))
    assert change.previous_target == 0.25
