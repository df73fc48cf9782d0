"""Helpers that several modules share since issue 14: a user field set by an admin, the page text
with dates written the viewer's way, and the re-freeze worked out before it is stored."""

from datetime import date

import pytest
import test_programme_report as programme_fixture
import yaml

from app_pages.widgets import common
from kpi.access.profile import set_user_field
from kpi.access.roles import SYSTEM
from kpi.access.users import UserError
from kpi.programme import baseline, create_programme, get_programme, refreeze_baseline
from kpi.programme.writes import plan_refreeze
from kpi.store.database import open_store


def _entry(users_file, username: str) -> dict:
    return yaml.safe_load(users_file.read_text())["credentials"]["usernames"][username]


def test_a_user_field_is_set_removed_with_none_and_refused_for_an_unknown_user(store, users_file):
    set_user_field(store, SYSTEM, users_file, "admin", "team", "ventas", "users.error.team_unknown")
    assert _entry(users_file, "admin")["team"] == "ventas"
    assert _entry(users_file, "admin")["roles"] == ["admin"]  # the rest of the entry is kept
    set_user_field(store, SYSTEM, users_file, "admin", "team", None, "users.error.team_unknown")
    assert "team" not in _entry(users_file, "admin")
    with pytest.raises(UserError) as refused:
        set_user_field(store, SYSTEM, users_file, "nobody", "team", "x", "users.error.team_unknown")
    assert refused.value.key == "users.error.team_unknown"
    audited = store.rows("SELECT action FROM audit_log WHERE table_name = 'users' ORDER BY id")
    assert audited == [{"action": "update"}] * 2


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "Medición · 6 semanas  \n1 jul 2025 – 11 ago 2025"),
        ("en", "Medición · 6 weeks  \n1 Jul 2025 – 11 Aug 2025"),  # the en_GB locale
    ],
)
def test_tr_dates_writes_every_date_the_viewers_way_and_leaves_the_rest(
    monkeypatch, lang, expected
):
    monkeypatch.setattr(common, "lang", lambda: lang)
    text = common.tr_dates(
        "programa.phase.box",
        phase="Medición",
        weeks=6,
        start=date(2025, 7, 1),
        end=date(2025, 8, 11),
    )
    assert text == expected


def test_the_refreeze_plan_stores_nothing_and_is_what_the_refreeze_then_stores(tmp_path):
    path = tmp_path / "p.duckdb"
    programme_fixture.seed(path)
    store = open_store(path)
    start, as_of = date(2025, 7, 1), date(2025, 7, 1)
    create_programme(store, programme_fixture.ADMIN, start=start, name="Piloto", as_of=as_of)
    # A late import adds an accepted March MQL to the baseline window (as in test_programme_report).
    late = ("L9", "2025-03-05", "web", "A", "2025-03-05", None, "2025-03-06", None, None, None)
    programme_fixture.seed(path, leads=[*programme_fixture.LEADS, late])
    plan = plan_refreeze(store, get_programme(store, 1), as_of=as_of)
    assert (plan.version, baseline(store, 1).version) == (2, 1)
    changes = {c["path"]: (c["before"], c["after"]) for c in plan.changes}
    # Accepted of decided in the window: 1 of 4 before, 2 of 5 with L9.
    assert changes["kpis.lead_acceptance_rate.value"] == (0.25, 0.4)
    done = refreeze_baseline(store, programme_fixture.ADMIN, 1, as_of=as_of)
    assert (done["version"], done["changes"]) == (2, plan.changes)
