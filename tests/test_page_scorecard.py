"""Scorecard, KPI detail and targets settings through AppTest on a real database."""

from datetime import date

import pytest
from support import logged_in, open_page

from kpi.access.roles import Actor
from kpi.engine import grid
from kpi.engine.targets import set_target
from kpi.store.database import ensure_facts_file, open_store, rewrite_facts

LEAD_COLS = (
    "lead_id, created_at, channel, icp_tier, owner, mql_at, sql_at, accepted_at, first_response_at"
)


@pytest.fixture
def computes(monkeypatch) -> list:
    """The engine's computations: its one compute function, wrapped to count and call through."""
    calls, real = [], grid.compute_grid
    monkeypatch.setattr(grid, "compute_grid", lambda *args: calls.append(args) or real(*args))
    return calls


def seed_small(path):
    """Ten January MQLs on web (4 reach SQL) and ads (1 of 4), as of mid-February."""
    rows = []
    for i in range(10):
        channel = "web" if i < 6 else "ads"
        converted = i in (0, 1, 2, 3, 6)
        day = f"2025-01-{10 + i:02d}"
        rows.append(
            (
                f"L{i}",
                day,
                channel,
                "A",
                "ana",
                day,
                f"2025-01-{21 + i:02d}" if converted else None,
                day,
                day + " 05:00",
            )
        )
    with rewrite_facts(path) as con:
        con.executemany(f"INSERT INTO leads ({LEAD_COLS}) VALUES (?,?,?,?,?,?,?,?,?)", rows)
        con.execute(
            "INSERT INTO deals (deal_id, lead_id, created_at, stage, closed_at, amount, delivery_cost) "
            "VALUES ('D1', 'L0', '2025-01-22', 'won', '2025-01-30', 1000, 400)"
        )


@pytest.fixture
def small_app(app_env):
    seed_small(app_env)
    return app_env


def test_scorecard_shows_every_kpi_by_area(small_app):
    at = open_page("app_pages/scorecard.py", sc_period="month", sc_as_of=date(2025, 1, 31))
    labels = [m.label for m in at.metric]
    assert len(labels) == 18
    assert [s.value for s in at.subheader][:4] == [
        "Marketing",
        "Ventas",
        "Operaciones",
        "Dirección",
    ]
    mql = next(m for m in at.metric if "Conversión MQL→SQL" in m.label)
    # January: 5 of 10 MQLs reached SQL.
    assert mql.value == "50,0 %"
    # Below the minimum sample of 30: grey, said in words.
    assert "⚪" in mql.label
    assert any("muestra insuficiente (n = 10 < 30)" in md.value for md in at.markdown)
    assert any("MQLs: 10" in md.value for md in at.markdown)


def test_channel_filter_changes_the_numbers(small_app):
    at = open_page(
        "app_pages/scorecard.py", sc_period="month", sc_as_of=date(2025, 1, 31), sc_channel="ads"
    )
    mql = next(m for m in at.metric if "Conversión MQL→SQL" in m.label)
    assert mql.value == "25,0 %"  # ads: 1 of 4


def test_empty_database_shows_dashes_and_a_hint(app_env):
    # A real empty database: a missing one is no longer filled with demo data once users exist.
    ensure_facts_file(app_env)
    at = open_page("app_pages/scorecard.py", sc_as_of=date(2025, 1, 31))
    assert all(m.value == "—" for m in at.metric)
    assert any("No hay datos todavía" in i.value for i in at.info)


def test_detail_page_trend_breakdown_and_rows(small_app):
    at = open_page(
        "app_pages/kpi_detail.py",
        role="viewer",
        detail_kpi="mql_to_sql_rate",
        sc_period="month",
        sc_as_of=date(2025, 1, 31),
    )
    assert at.metric[0].value == "50,0 %"
    charts = at.get("vega_lite_chart")
    assert charts, "trend chart missing"
    frames = at.dataframe
    # Breakdown by channel first, by name: ads (1 of 4) and web (4 of 6), humanised.
    channel = frames[0].value
    assert sorted(channel.iloc[:, 0]) == ["Ads", "Web"]
    numerator, denominator = frames[-2].value, frames[-1].value
    assert len(numerator) == 5 and len(denominator) == 10
    assert len(at.get("download_button")) == 2


def test_settings_target_edit_writes_a_version_and_banner(small_app):
    at = open_page("app_pages/settings.py")
    at.selectbox(key="target_kpi").set_value("win_rate").run()
    # Typed as a Spanish reader writes them (decimal comma).
    at.text_input(key="target_value_win_rate").input("40,0").run()
    at.text_input(key="target_tolerance_win_rate").input("4,0").run()
    at.button(key="target_save").click().run()
    assert not at.exception
    store = open_store(small_app)
    rows = (
        store.state()
        .execute("SELECT kpi_id, target, tolerance, changed_by FROM kpi_targets")
        .fetchall()
    )
    assert rows == [("win_rate", 0.4, 4.0, "admin")]
    at.switch_page("app_pages/scorecard.py").run()
    assert any("Tasa de cierre" in w.value and "40,0 %" in w.value for w in at.warning)


def test_settings_refused_to_editors(small_app):
    at = logged_in("editor").run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/settings.py").run()


def test_banner_names_a_target_change(small_app):
    store = open_store(small_app)
    set_target(store, Actor("marta", "admin"), "mql_to_sql_rate", 0.3, 3)
    at = open_page("app_pages/scorecard.py", sc_as_of=date(2025, 1, 31))
    banner = " ".join(w.value for w in at.warning)
    assert "marta" in banner and "Conversión MQL→SQL" in banner and "25,0 % → 30,0 %" in banner


def test_scorecard_is_cached_by_data_version(small_app, computes):
    at = open_page("app_pages/scorecard.py", sc_as_of=date(2025, 1, 31))
    # The counter is live: the first run computed the scorecard.
    calls = len(computes)
    assert calls > 0
    at.run()
    assert calls == len(computes)


def test_pages_in_english(small_app):
    at = open_page(
        "app_pages/scorecard.py", lang="en", sc_period="month", sc_as_of=date(2025, 1, 31)
    )
    assert [s.value for s in at.subheader][:4] == ["Marketing", "Sales", "Operations", "Leadership"]
    mql = next(m for m in at.metric if "MQL→SQL conversion" in m.label)
    assert mql.value == "50.0%"
    at.switch_page("app_pages/kpi_detail.py").run()
    assert not at.exception
    at.switch_page("app_pages/settings.py").run()
    assert not at.exception


def test_detail_shows_the_quarter_baseline(small_app):
    # As of 15 April, the baseline is Q1 as known on 31 March: 5 of the 10 January MQLs.
    at = open_page(
        "app_pages/kpi_detail.py",
        detail_kpi="mql_to_sql_rate",
        sc_period="month",
        sc_as_of=date(2025, 4, 15),
    )
    captions = [c.value for c in at.caption]
    assert "Base del trimestre (trimestre anterior, a su cierre): 50,0 %" in captions
