"""Invariants of the engine on random facts (hypothesis): rates in [0, 1], parts ≤ whole, partitions."""

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.engine.compute import Filters, compute_scorecard
from kpi.store.database import open_store, rewrite_facts

BASE = datetime(2025, 1, 1)
CHANNELS = ("web", "ads", "events")
START, END, AS_OF = date(2025, 1, 15), date(2025, 2, 14), date(2025, 3, 31)

offset = st.integers(min_value=0, max_value=60 * 24)  # hours after BASE
maybe_hours = st.one_of(st.none(), st.integers(min_value=-48, max_value=24 * 40))

lead = st.fixed_dictionaries(
    {
        "channel": st.one_of(st.none(), st.sampled_from(CHANNELS)),
        "icp_tier": st.one_of(st.none(), st.sampled_from("ABC")),
        "mql": st.one_of(st.none(), offset),
        "sql": maybe_hours,
        "response": maybe_hours,
        "accepted": st.booleans(),
    }
)
deal = st.fixed_dictionaries(
    {
        "lead": st.one_of(st.none(), st.integers(min_value=0, max_value=29)),
        "channel": st.one_of(st.none(), st.sampled_from(CHANNELS)),
        "created": st.one_of(st.none(), offset),
        "stage": st.sampled_from(("open", "won", "lost")),
        "close_after": st.integers(min_value=-5, max_value=40),
        "amount": st.integers(min_value=0, max_value=5000),
        "cost": st.integers(min_value=0, max_value=6000),
        "nps": st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
        "reworked": st.one_of(st.none(), st.booleans()),
    }
)


def write(path, leads, deals):
    with rewrite_facts(path) as con:
        con.execute("DELETE FROM leads")
        con.execute("DELETE FROM deals")
        con.execute("DELETE FROM marketing_spend")
        for i, row in enumerate(leads):
            mql = BASE + timedelta(hours=row["mql"]) if row["mql"] is not None else None
            anchor = mql or BASE + timedelta(days=20)
            sql = anchor + timedelta(hours=row["sql"]) if row["sql"] is not None else None
            resp = (
                anchor + timedelta(hours=row["response"]) if row["response"] is not None else None
            )
            con.execute(
                "INSERT INTO leads (lead_id, created_at, channel, icp_tier, mql_at, sql_at, "
                "first_response_at, accepted_at, rejected_at) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    f"L{i}",
                    anchor,
                    row["channel"],
                    row["icp_tier"],
                    mql,
                    sql,
                    resp,
                    anchor if row["accepted"] else None,
                    None if row["accepted"] else anchor,
                ],
            )
        for i, row in enumerate(deals):
            created = BASE + timedelta(hours=row["created"]) if row["created"] is not None else None
            closed = (
                (created or BASE + timedelta(days=30)) + timedelta(days=row["close_after"])
                if row["stage"] != "open"
                else None
            )
            delivered = closed + timedelta(days=3) if closed and row["stage"] == "won" else None
            con.execute(
                "INSERT INTO deals (deal_id, lead_id, created_at, channel, stage, closed_at, amount, "
                "delivery_cost, value_delivered_at, nps_score, reworked) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    f"D{i}",
                    None if row["lead"] is None else f"L{row['lead']}",
                    created,
                    row["channel"],
                    row["stage"],
                    closed,
                    row["amount"],
                    row["cost"],
                    delivered,
                    row["nps"],
                    row["reworked"],
                ],
            )
        for month in (date(2025, 1, 1), date(2025, 2, 1)):
            for channel in CHANNELS:
                con.execute("INSERT INTO marketing_spend VALUES (?, ?, ?)", [month, channel, 900])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    leads=st.lists(lead, min_size=0, max_size=30),
    deals=st.lists(deal, min_size=0, max_size=20),
    window=st.sampled_from((0, 7, 90)),
)
def test_invariants(tmp_path, leads, deals, window):
    path = tmp_path / "prop.duckdb"
    write(path, leads, deals)
    store = open_store(path)
    whole = compute_scorecard(store, start=START, end=END, as_of=AS_OF, window=window)
    parts = [
        compute_scorecard(
            store, start=START, end=END, as_of=AS_OF, window=window, filters=Filters(channel=c)
        )
        for c in (*CHANNELS, "unattributed")
    ]
    for result in whole.results:
        kpi = result.kpi
        if kpi.kind == "rate":
            assert 0 <= result.numerator <= result.denominator
            if result.value is not None:
                assert 0 <= result.value <= 1
            else:
                assert result.denominator == 0
            # Every row has exactly one channel: the channel filters partition the counts.
            assert sum(p.get(kpi.id).numerator for p in parts) == result.numerator
            assert sum(p.get(kpi.id).denominator for p in parts) == result.denominator
            by_channel = result.breakdown.get("channel", [])
            assert sum(row.denominator for row in by_channel) == result.denominator
        if kpi.kind == "median" and result.value is not None:
            assert result.value >= 0 and result.p90 >= result.value - 1e-9
        if kpi.kind == "nps" and result.value is not None:
            assert -100 <= result.value <= 100
        if result.value is None:
            assert result.status == "grey"
