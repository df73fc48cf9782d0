"""Near-duplicate dimension values: an import warns about «Eventos» beside a stored `events`,
names both values and their line counts, and still imports the rows."""

import pytest
from ingest_support import rows, write

from kpi.access.roles import Actor
from kpi.ingest.importer import run_import
from kpi.ingest.near_duplicates import NearDuplicate, fold
from kpi.ingest.report import near_duplicate_notes
from kpi.store.database import rewrite_facts

ADMIN = Actor("admin", "admin")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Eventos", "events"),
        ("EVENTS ", "events"),
        ("paid_search", "Paid Search"),
        ("Búsqueda de pago", "paid-search"),
        ("José  Pérez", "jose perez"),
        ("referral", "Referidos"),
    ],
)
def test_spellings_of_one_value_fold_alike(one, other):
    assert fold(one) == fold(other)


@pytest.mark.parametrize(("one", "other"), [("seo", "sem"), ("Ana", "Ada"), ("ads", "ad")])
def test_different_short_values_stay_apart(one, other):
    assert fold(one) != fold(other)


@pytest.fixture
def db(tmp_path):
    """Four stored leads owned by José Pérez: three on `events`, one on `seo`."""
    path = tmp_path / "facts.duckdb"
    with rewrite_facts(path) as con:
        for lead_id, channel in (
            ("S1", "events"),
            ("S2", "events"),
            ("S3", "events"),
            ("S4", "seo"),
        ):
            con.execute(
                "INSERT INTO leads (lead_id, created_at, channel, owner) "
                "VALUES (?, '2025-01-01', ?, 'José Pérez')",
                [lead_id, channel],
            )
    return path


def test_import_warns_about_near_duplicates_and_still_imports(db, tmp_path):
    source = write(
        tmp_path / "leads.csv",
        "lead_id,channel,owner\n"
        "L1,Eventos,José Pérez\nL2,Eventos,jose perez\nL3,events,Ana\n"
        "L4,sem,Ada\nL5,Paid Search,Ana\nL6,paid_search,Ana\nL7,paid_search,Ana\n",
    )
    report = run_import(db, "leads", source, ADMIN)
    assert report.written and report.inserted == 7
    assert rows(db, "SELECT count(*) FROM leads WHERE channel = 'Eventos'") == [(2,)]
    # Eventos: 2 lines vs 3 stored events rows; "Paid Search" (1 line) vs "paid_search" (2
    # lines, both new); jose perez (1 line) vs 4 stored José Pérez rows. sem/seo, Ana/Ada: no.
    assert sorted(report.near_duplicates, key=lambda d: (d.field, d.value)) == [
        NearDuplicate("channel", "Eventos", 2, "events", 3, stored=True),
        NearDuplicate("channel", "Paid Search", 1, "paid_search", 2, stored=False),
        NearDuplicate("owner", "jose perez", 1, "José Pérez", 4, stored=True),
    ]
    notes = near_duplicate_notes(report, "es")
    assert (
        "Canal: «Eventos» (2 líneas del fichero) se parece a «events», que ya existe "
        "(3 filas guardadas)."
    ) in " ".join(notes)
    assert report.as_dict("en")["near_duplicates"][0]["message"].startswith("Channel: 'Eventos'")


def test_a_dry_run_warns_too_and_exact_values_do_not(db, tmp_path):
    source = write(tmp_path / "leads.csv", "lead_id,channel\nL1,events\nL2,seo\n")
    assert run_import(db, "leads", source, ADMIN, dry_run=True).near_duplicates == []
    source = write(tmp_path / "more.csv", "lead_id,channel\nL1,Events\n")
    report = run_import(db, "leads", source, ADMIN, dry_run=True)
    assert report.near_duplicates == [NearDuplicate("channel", "Events", 1, "events", 3, True)]
