"""The governance calendar: dates of each cadence computed by hand, the .ics read back with the
icalendar library, and `python -m kpi calendar`."""

from datetime import date

import icalendar
import pytest
from support import TEMPLATE_BLOCKS

from kpi.access.roles import Actor
from kpi.cli.main import main
from kpi.cockpit import governance_calendar as gc
from kpi.store.settings import DEFAULTS, get_settings, set_setting

ADA = Actor("ada", "admin")
# Tracción every 14 days from Monday 6 Jan 2025; the review on the 31st (clamped in short
# months); the committee every 3 months from 15 Feb 2025.
CADENCES = {
    **DEFAULTS,
    "sprint_anchor": "2025-01-06",
    "traccion_days": 14,
    "review_anchor": "2025-01-31",
    "committee_anchor": "2025-02-15",
}
# From 1 Mar 2025 for 6 months (to 31 Aug 2025), by hand.
TRACCION_DAYS = [
    (3, 3), (3, 17), (3, 31), (4, 14), (4, 28), (5, 12), (5, 26),
    (6, 9), (6, 23), (7, 7), (7, 21), (8, 4), (8, 18),
]  # fmt: skip
MONTHLY_DAYS = [(3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31)]
COMMITTEE_DAYS = [(5, 15), (8, 15)]
SUMMARY = {
    "traccion": "Reunión de tracción",
    "monthly": "Revisión estratégica mensual",
    "committee": "Comité trimestral",
}


def _expected() -> list[tuple[date, str]]:
    days = [(date(2025, m, d), "traccion") for m, d in TRACCION_DAYS]
    days += [(date(2025, m, d), "monthly") for m, d in MONTHLY_DAYS]
    days += [(date(2025, m, d), "committee") for m, d in COMMITTEE_DAYS]
    order = ["traccion", "monthly", "committee"]
    return sorted(days, key=lambda e: (e[0], order.index(e[1])))


def test_six_months_of_each_cadence_with_a_day_of_two_meetings():
    found = [(e.day, e.template.key) for e in gc.events(CADENCES, date(2025, 3, 1), 6)]
    assert found == _expected()
    assert len(found) == 13 + 6 + 2
    # 31 March holds a tracción and the monthly review, in that order.
    assert [k for d, k in found if d == date(2025, 3, 31)] == ["traccion", "monthly"]


def test_months_are_clamped_and_the_cadence_runs_before_its_anchor():
    assert gc.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert gc.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert gc.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    found = [(e.day, e.template.key) for e in gc.events(CADENCES, date(2024, 12, 1), 1)]
    # 6 Jan 2025 − 28 and − 14 days; the 31st; 15 Feb − 3 months = 15 Nov, so none in December.
    assert found == [
        (date(2024, 12, 9), "traccion"),
        (date(2024, 12, 23), "traccion"),
        (date(2024, 12, 31), "monthly"),
    ]


def _check_ics(data: bytes) -> None:
    """The file parses, holds the hand-computed events, each with its agenda as description."""
    parsed = icalendar.Calendar.from_ical(data)
    found = list(parsed.walk("VEVENT"))
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in found] == [
        (day, SUMMARY[key]) for day, key in _expected()
    ]
    assert len({str(e["uid"]) for e in found}) == len(found)
    for event, (_, key) in zip(found, _expected(), strict=True):
        lines = str(event["description"]).split("\n")
        assert len(lines) == len(TEMPLATE_BLOCKS[key])
        for n, (line, (name, minutes)) in enumerate(
            zip(lines, TEMPLATE_BLOCKS[key], strict=True), 1
        ):
            assert line.startswith(f"{n}. {name} ({minutes} min) · ")


def test_the_ics_holds_every_event_with_its_agenda():
    _check_ics(gc.ics_bytes(gc.events(CADENCES, date(2025, 3, 1), 6), "es"))


def test_cli_writes_the_ics_from_the_stored_cadences(tmp_path, capsysbinary):
    from kpi.store.database import close_all, open_store

    db = tmp_path / "cal.duckdb"
    store = open_store(db)
    for key in ("review_anchor", "committee_anchor"):
        set_setting(store, ADA, key, CADENCES[key])
    assert get_settings(store)["traccion_days"] == 14
    close_all()
    out = tmp_path / "gobierno.ics"
    argv = ["calendar", "--db", str(db), "--months", "6", "--from", "2025-03-01"]
    assert main([*argv, "--out", str(out), "--lang", "es"]) == 0
    _check_ics(out.read_bytes())
    assert capsysbinary.readouterr().err == f"21 events -> {out}\n".encode()
    assert main(argv) == 0  # standard output, in the language setting (es by default)
    _check_ics(capsysbinary.readouterr().out)


def test_cli_refuses_a_month_count_out_of_range(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["calendar", "--db", str(tmp_path / "x.duckdb"), "--months", "0"])
    assert "must be 1..24: 0" in capsys.readouterr().err


def test_the_cadence_settings_are_validated(store):
    from kpi.errors import InvalidInput

    with pytest.raises(InvalidInput):
        set_setting(store, ADA, "traccion_days", 3)
    with pytest.raises(InvalidInput):
        set_setting(store, ADA, "review_anchor", "2025-02-30")
    assert set_setting(store, ADA, "committee_anchor", " 2025-04-01 ") == "2025-04-01"
    assert get_settings(store)["committee_anchor"] == "2025-04-01"


def test_cli_refuses_in_one_line_a_store_the_app_holds(tmp_path):
    import subprocess
    import sys

    from kpi.store.database import open_store

    db = tmp_path / "held.duckdb"
    open_store(db)  # this process holds the state file, as the serving app does
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "calendar", "--db", str(db), "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: locked: ") and done.stderr.count("\n") == 1
    assert not (tmp_path / "x").exists()
