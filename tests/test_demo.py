"""Demo data generator: determinism, invariants, the stories it must tell, and its command line."""

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from kpi import clock
from kpi.ingest.demo import generate
from kpi.store.database import open_store

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 1)
HORIZON = datetime(2026, 11, 1)
# 18 months back from November 2026, on the first of the month.
HISTORY_START = datetime(2025, 5, 1)
# Two quarters before 2026-Q4.
BUSY_QUARTER = datetime(2026, 4, 1)
TABLE_ORDER = {"leads": "lead_id", "deals": "deal_id", "marketing_spend": "month, channel"}
REASONS = {
    "fuera de ICP",
    "sin presupuesto",
    "datos de contacto erróneos",
    "duplicado",
    "sin necesidad",
}


def contents(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            for table, order in TABLE_ORDER.items()
        }
    finally:
        con.close()


def scalar(con, sql: str):
    return con.execute(sql).fetchone()[0]


def assert_no_row(con, table: str, checks: dict[str, str]) -> None:
    """No row of `table` meets any of the named conditions (the name says which one did)."""
    for name, condition in checks.items():
        assert scalar(con, f"SELECT count(*) FROM {table} WHERE {condition}") == 0, name


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "small.duckdb"
    counts = generate(path, seed=7, leads=3000, today=TODAY)
    return path, counts


@pytest.fixture
def con(small):
    connection = duckdb.connect(str(small[0]), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def stories(tmp_path_factory):
    """Enough leads that each story stands well clear of sampling noise."""
    path = tmp_path_factory.mktemp("demo") / "stories.duckdb"
    generate(path, seed=42, leads=20_000, today=TODAY)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def test_same_seed_and_day_give_identical_tables(small, tmp_path):
    again = tmp_path / "again.duckdb"
    counts = generate(again, seed=7, leads=3000, today=TODAY)
    assert counts == small[1]
    assert contents(again) == contents(small[0])


def test_another_seed_gives_other_data(small, tmp_path):
    other = tmp_path / "other.duckdb"
    generate(other, seed=8, leads=3000, today=TODAY)
    mine, theirs = contents(small[0]), contents(other)
    assert mine["leads"] != theirs["leads"]
    assert mine["deals"] != theirs["deals"]
    assert mine["marketing_spend"] != theirs["marketing_spend"]


def test_counts_match_the_tables(small, con):
    counts = small[1]
    assert scalar(con, "SELECT count(*) FROM leads") == 3000 == counts["leads"]
    assert scalar(con, "SELECT count(*) FROM deals") == counts["deals"]
    assert scalar(con, "SELECT count(*) FROM marketing_spend") == counts["marketing_spend"]


def test_lead_invariants(small, con):
    checks = {
        "accepted and rejected": "accepted_at IS NOT NULL AND rejected_at IS NOT NULL",
        "reason without rejection": "(rejection_reason IS NULL) <> (rejected_at IS NULL)",
        "response before MQL": "first_response_at < mql_at",
        "MQL before creation": "mql_at < created_at",
        "decision before response": "coalesce(accepted_at, rejected_at) < first_response_at",
        "SQL without acceptance": "sql_at IS NOT NULL AND accepted_at IS NULL",
        "missing created_at": "created_at IS NULL",
    }
    assert_no_row(con, "leads", checks)
    reasons = {r[0] for r in con.execute("SELECT DISTINCT rejection_reason FROM leads").fetchall()}
    assert reasons == REASONS | {None}


def test_deal_invariants(con):
    checks = {
        "closed deal without closed_at": "stage IN ('won', 'lost') AND closed_at IS NULL",
        "open deal with closed_at": "stage = 'open' AND closed_at IS NOT NULL",
        "delivered but not won": "value_delivered_at IS NOT NULL AND stage <> 'won'",
        "delivered before won": "value_delivered_at < closed_at",
        "closed before created": "closed_at < created_at",
        "NPS out of range": "nps_score NOT BETWEEN 0 AND 10",
        "NPS without delivery": "nps_score IS NOT NULL AND value_delivered_at IS NULL",
        "rework flag without delivery": "(reworked IS NULL) <> (value_delivered_at IS NULL)",
        "non-positive amount": "amount <= 0 OR amount IS NULL",
        "cost without win": "delivery_cost IS NOT NULL AND stage <> 'won'",
        "cost above amount": "delivery_cost >= amount",
        "unknown lead": "lead_id IS NOT NULL AND lead_id NOT IN (SELECT lead_id FROM leads)",
    }
    assert_no_row(con, "deals", checks)
    created_before_sql = """
        SELECT count(*) FROM deals d JOIN leads l USING (lead_id) WHERE d.created_at < l.sql_at
    """
    assert scalar(con, created_before_sql) == 0
    assert scalar(con, "SELECT count(*) FROM deals WHERE stage = 'open'") > 0
    assert scalar(con, "SELECT count(*) FROM deals WHERE nps_score IS NOT NULL") > 0
    answered = scalar(
        con,
        "SELECT count(nps_score) / count(*) FROM deals WHERE value_delivered_at IS NOT NULL",
    )
    assert 0.3 < answered < 0.9
    sales_sourced = "SELECT count(*) FROM deals WHERE lead_id IS NULL AND channel IS NULL"
    assert 2 <= scalar(con, sales_sourced) <= 0.06 * scalar(con, "SELECT count(*) FROM deals")


def test_amounts_are_euros_with_cents(con):
    for column in ("amount", "delivery_cost"):
        kind = con.execute(f"SELECT typeof({column}) FROM deals LIMIT 1").fetchone()[0]
        assert kind == "DECIMAL(18,2)"
    assert scalar(con, "SELECT typeof(amount) FROM marketing_spend LIMIT 1") == "DECIMAL(18,2)"
    assert scalar(con, "SELECT count(*) FROM marketing_spend WHERE amount <= 0") == 0


def test_nothing_after_today_nor_before_the_history(con):
    lead_columns = ("created_at", "mql_at", "accepted_at", "rejected_at", "sql_at")
    deal_columns = ("created_at", "closed_at", "value_delivered_at")
    for table, columns in (
        ("leads", (*lead_columns, "first_response_at")),
        ("deals", deal_columns),
    ):
        for column in columns:
            latest = scalar(con, f"SELECT max({column}) FROM {table}")
            assert latest < HORIZON, (table, column)
    assert scalar(con, "SELECT min(created_at) FROM leads") >= HISTORY_START
    assert scalar(con, "SELECT min(created_at) FROM leads") < HISTORY_START + timedelta(days=7)
    months = [r[0] for r in con.execute("SELECT DISTINCT month FROM marketing_spend").fetchall()]
    assert min(months) == HISTORY_START.date()
    assert max(months) == date(2026, 10, 1)
    assert all(m.day == 1 for m in months)
    assert len(months) == 18


def test_default_day_is_the_company_today(tmp_path):
    path = tmp_path / "now.duckdb"
    generate(path, seed=1, leads=500)
    con = duckdb.connect(str(path), read_only=True)
    latest = scalar(con, "SELECT max(greatest(created_at, mql_at, first_response_at)) FROM leads")
    con.close()
    today = clock.today()
    assert today - timedelta(days=10) < latest.date() < today


def test_breadth_of_categories(con):
    channels = scalar(con, "SELECT count(DISTINCT channel) FROM leads")
    assert channels >= 6
    tiers = {r[0] for r in con.execute("SELECT DISTINCT icp_tier FROM leads").fetchall()}
    assert tiers == {"A", "B", "C", None}
    assert scalar(con, "SELECT count(DISTINCT owner) FROM leads") >= 4
    assert scalar(con, "SELECT count(DISTINCT campaign) FROM leads") >= 10
    spend_channels = scalar(con, "SELECT count(DISTINCT channel) FROM marketing_spend")
    assert spend_channels == channels
    stages = {r[0] for r in con.execute("SELECT DISTINCT stage FROM deals").fetchall()}
    assert stages == {"open", "won", "lost"}


def test_funnel_proportions(con):
    mql_share = scalar(con, "SELECT count(mql_at) / count(*) FROM leads")
    assert 0.6 < mql_share < 0.95
    deal_share = scalar(con, "SELECT count(*) / 3000 FROM deals WHERE lead_id IS NOT NULL")
    assert 0.07 < deal_share < 0.13


def test_data_quality_oddities_are_few_and_counted(small, con):
    counts = small[1]
    skipped = scalar(con, "SELECT count(*) FROM leads WHERE sql_at IS NOT NULL AND mql_at IS NULL")
    negative = scalar(con, "SELECT count(*) FROM leads WHERE sql_at < mql_at")
    with_both = scalar(
        con, "SELECT count(*) FROM leads WHERE sql_at IS NOT NULL AND mql_at IS NOT NULL"
    )
    assert skipped == counts["skipped_stages"] >= 2
    assert negative == counts["negative_durations"] >= 2
    assert negative <= max(2, 0.001 * 3000)
    assert skipped <= 0.01 * with_both


def test_story_paid_social_brings_volume_not_fit(stories):
    rows = stories.execute(
        """
        SELECT channel, count(*) AS leads,
               count(*) FILTER (WHERE icp_tier = 'A') / count(*) AS icp_a_share,
               count(sql_at) FILTER (WHERE mql_at IS NOT NULL) / count(mql_at) AS mql_to_sql
        FROM leads GROUP BY channel
        """
    ).fetchall()
    by_channel = {r[0]: r[1:] for r in rows}
    social = by_channel.pop("paid_social")
    assert all(social[0] > other[0] for other in by_channel.values())
    assert all(social[1] < other[1] - 0.1 for other in by_channel.values())
    assert all(social[2] < other[2] - 0.1 for other in by_channel.values())


def test_story_first_response_drifts_above_sla_before_the_programme(stories):
    """Story (b) since issue 17: the slowdown is what the programme (started 2026-07-01) finds;
    once it works, first responses are back under the SLA."""
    hours = """
        SELECT date_trunc('month', mql_at) AS month,
               median(date_diff('second', mql_at, first_response_at) / 3600) AS hours
        FROM leads WHERE first_response_at IS NOT NULL AND mql_at IS NOT NULL GROUP BY month
    """
    by_month = {m.date(): h for m, h in stories.execute(hours).fetchall()}
    assert all(h < 24 for m, h in by_month.items() if m < date(2026, 1, 1))
    assert by_month[date(2026, 6, 1)] > 24 and by_month[date(2026, 7, 1)] > 24
    assert by_month[date(2026, 10, 1)] < min(24, by_month[date(2026, 6, 1)] / 2)


def test_story_icp_a_wins_clearly_more_than_c(stories):
    rates = dict(
        stories.execute(
            """
            SELECT icp_tier, count(*) FILTER (WHERE stage = 'won') / count(*)
            FROM deals WHERE stage IN ('won', 'lost') GROUP BY icp_tier
            """
        ).fetchall()
    )
    assert rates["A"] > rates["C"] + 0.15
    assert 0.35 < rates["A"] < 0.55
    assert 0.08 < rates["C"] < 0.25


def test_story_busy_quarter_wins_more_with_more_rework_and_slower_delivery(stories):
    rows = stories.execute(
        """
        SELECT date_trunc('quarter', closed_at) AS quarter, count(*) AS won,
               avg(reworked::INT) AS rework_rate,
               median(date_diff('second', closed_at, value_delivered_at) / 86400) AS ttv_days
        FROM deals
        WHERE stage = 'won' AND closed_at >= TIMESTAMP '2025-07-01'
          AND closed_at < TIMESTAMP '2026-10-01'
        GROUP BY quarter
        """
    ).fetchall()
    by_quarter = {r[0]: r[1:] for r in rows}
    busy = by_quarter.pop(BUSY_QUARTER)
    assert len(by_quarter) == 4
    for won, rework_rate, ttv_days in by_quarter.values():
        assert busy[0] > won
        assert busy[1] > rework_rate + 0.1
        assert busy[2] > ttv_days + 10


def test_progress_is_reported_up_to_one(tmp_path):
    seen = []
    generate(tmp_path / "p.duckdb", seed=3, leads=1000, today=TODAY, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


def test_regenerating_replaces_all_facts_and_the_app_can_open_it(tmp_path):
    path = tmp_path / "twice.duckdb"
    generate(path, seed=3, leads=1500, today=TODAY)
    generate(path, seed=4, leads=700, today=TODAY)
    cur = open_store(path).facts()
    assert cur.execute("SELECT count(*) FROM leads").fetchone()[0] == 700
    assert cur.execute("SELECT value FROM facts_meta WHERE key = 'generation'").fetchone()[0] == "1"


def test_rejects_nonsense_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path / "x.duckdb", leads=0)
    with pytest.raises(ValueError):
        generate(tmp_path / "x.duckdb", seed=-1)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_same_seed_twice_gives_identical_tables(tmp_path):
    first, second = tmp_path / "new" / "folder" / "A.duckdb", tmp_path / "B.duckdb"
    for path in (first, second):
        done = run_cli(
            "demo", "--db", str(path), "--seed", "7", "--leads", "2000", "--today", "2026-11-01"
        )
        assert done.returncode == 0, done.stderr
        assert "2000 leads" in done.stdout
        assert len(done.stdout.strip().splitlines()) == 1
    assert contents(first) == contents(second)
    assert len(contents(first)["leads"]) == 2000


def test_cli_help_and_clear_errors(tmp_path):
    helped = run_cli("demo", "--help")
    assert helped.returncode == 0
    for option in ("--db", "--seed", "--leads", "--today"):
        assert option in helped.stdout
    wrong = run_cli("demo", "--db", str(tmp_path / "x.duckdb"), "--today", "mañana")
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr
    assert "YYYY-MM-DD" in wrong.stderr
    assert not (tmp_path / "x.duckdb").exists()
    document = tmp_path / "informe.txt"
    document.write_text("no es una base de datos")
    refused = run_cli("demo", "--db", str(document), "--leads", "10")
    assert refused.returncode == 1
    assert "not a DuckDB database" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert document.read_text() == "no es una base de datos"
