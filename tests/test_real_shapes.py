"""Files shaped like real public CRM exports, in the date renderings their copies circulate in,
imported with the example mappings: the scorecard matches a plain-Python reading of DESIGN §4."""

import csv
import io
import statistics
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kpi.access.roles import SYSTEM
from kpi.cli.scorecard import scorecard_json
from kpi.engine.compute import compute_scorecard
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import load_mapping
from kpi.store.database import open_store

MAPPINGS = Path(__file__).resolve().parent.parent / "examples" / "mappings"
AS_OF = date(2018, 12, 31)

# Marketing funnel: (mql_id, first contact, origin). "unknown" and blank are both unattributed.
MQLS = [
    ("a1", date(2018, 1, 5), "social"),
    ("a2", date(2018, 1, 20), "paid_search"),
    ("a3", date(2018, 2, 14), "organic_search"),
    ("a4", date(2018, 2, 28), "unknown"),
    ("a5", date(2018, 3, 13), ""),
    ("a6", date(2018, 3, 30), "organic_search"),
    ("a7", date(2018, 4, 2), "social"),
    ("a8", date(2018, 5, 15), "paid_search"),
    ("a9", date(2017, 12, 31), "email"),
]
# Closed deals: (mql_id, seller_id, sr_id, won at, behaviour profile, average_stock, revenue).
# average_stock carries the spreadsheet damage of the real file ("01-May", "May-20") but is not
# mapped, so it must not reject anything; "zz" is an MQL the MQL file does not have.
CLOSED = [
    ("a1", "s1", "r1", datetime(2018, 2, 26, 19, 58), "cat", "", "0"),
    ("a2", "s2", "r2", datetime(2018, 5, 8, 20, 17), "eagle", "01-May", "0"),
    ("a3", "s3", "r1", datetime(2018, 2, 13, 10, 0), "", "", "100000"),  # won before its MQL
    ("a6", "s4", "r3", datetime(2018, 6, 28, 23, 0), "wolf", "", "0"),  # day 90, late evening
    ("zz", "s5", "r2", datetime(2018, 3, 10, 12, 0), "cat, wolf", "May-20", "30000"),
    ("a7", "s6", "r3", datetime(2018, 4, 17, 3, 0), "cat, wolf", "01-May", "0"),
    ("a9", "s7", "r1", datetime(2018, 1, 10, 12, 0), "shark", "20-50", "6000"),
]
# Pipeline: (id, agent, account, stage, engage, close, value); blank accounts, open deals.
PIPELINE = [
    ("P1", "Moses Frase", "Cancity", "Won", date(2016, 10, 20), date(2017, 3, 1), "1054"),
    ("P2", "Darcel Schlecht", "Isdom", "Won", date(2016, 10, 25), date(2017, 3, 11), "4514"),
    ("P3", "Moses Frase", "", "Lost", date(2016, 10, 25), date(2017, 3, 7), "0"),
    ("P4", "Moses Frase", "", "Engaging", date(2016, 11, 3), None, ""),
    ("P5", "Zane Levy", "", "Prospecting", None, None, ""),
    ("P6", "Darcel Schlecht", "Rantouch", "Won", date(2017, 9, 30), date(2017, 10, 8), "1108"),
    ("P7", "Moses Frase", "Finhigh", "Lost", date(2017, 10, 1), date(2017, 10, 11), "0"),
    ("P8", "Moses Frase", "Silis", "Won", date(2017, 10, 1), date(2017, 12, 24), "55"),
    ("P9", "Zane Levy", "Konex", "Lost", date(2017, 10, 2), date(2017, 10, 14), "0"),
    ("P10", "Zane Levy", "Cheers", "Won", date(2016, 12, 13), date(2017, 3, 31), "578"),
]


def _us(d) -> str:
    return f"{d.month}/{d.day}/{d.year}" if d else ""


def _quarter(d) -> str:
    return f"Q{(d.month - 1) // 3 + 1} {d.year}" if d else ""


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def mql_file(variant: str) -> str:
    if variant == "dd-mm-yyyy":
        header = ["mql_id", "first_contact_date", "landing_page_id", "origin"]
        rows = [
            (i, d.strftime("%d-%m-%Y"), "88740e65d5d6b056e0cda098e1ea6313", o) for i, d, o in MQLS
        ]
    else:  # a copy without landing_page_id and with US dates
        header = ["mql_id", "first_contact_date", "origin"]
        rows = [(i, _us(d), o) for i, d, o in MQLS]
    return _csv(header, rows)


def closed_file(variant: str) -> str:
    header = [
        "mql_id",
        "seller_id",
        "sdr_id",
        "sr_id",
        "won_date",
        "business_segment",
        "lead_type",
        "lead_behaviour_profile",
        "has_company",
        "has_gtin",
        "average_stock",
        "business_type",
        "declared_product_catalog_size",
        "declared_monthly_revenue",
    ]
    fmt = "%d-%m-%Y %H:%M" if variant == "dd-mm-yyyy" else "%Y-%m-%d %H:%M:%S"
    rows = [
        (
            m,
            s,
            "sdr",
            r,
            won.strftime(fmt),
            "pet",
            "online_medium",
            prof,
            "",
            "",
            stock,
            "reseller",
            "",
            rev,
        )
        for m, s, r, won, prof, stock, rev in CLOSED
    ]
    return _csv(header, rows)


# The columns of the public CRM sales pipeline export; one variant adds two quarter columns.
PIPELINE_HEADER = [
    "opportunity_id",
    "sales_agent",
    "product",
    "account",
    "deal_stage",
    "engage_date",
    "close_date",
    "close_value",
]


def pipeline_file(variant: str) -> str:
    if variant == "dd-mm-yy":
        header = [*PIPELINE_HEADER, "engage_quarter", "close_quarter"]
        day = lambda d: d.strftime("%d-%m-%y") if d else ""  # noqa: E731
        rows = [
            (i, a, "GTX Basic", acc, st, day(e), day(c), v, _quarter(e), _quarter(c))
            for i, a, acc, st, e, c, v in PIPELINE
        ]
    else:
        header = PIPELINE_HEADER
        day = _us if variant == "m/d/yyyy" else (lambda d: d.isoformat() if d else "")
        rows = [
            (i, a, "GTX Basic", acc, st, day(e), day(c), v) for i, a, acc, st, e, c, v in PIPELINE
        ]
    return _csv(header, rows)


# ---- plain Python from DESIGN §4, on the source rows (never on what the import stored) ----


def _start(d) -> datetime:
    return datetime(d.year, d.month, d.day)


def funnel_deals():
    """Closed deals as the semantics see them: won, created at their lead's MQL date, channel
    inherited from the lead, none of either when the lead is unknown."""
    leads = {i: (d, o if o not in ("", "unknown") else None) for i, d, o in MQLS}
    deals = []
    for mql_id, _seller, owner, won, *_ in CLOSED:
        lead = leads.get(mql_id)
        created = _start(lead[0]) if lead else None
        deals.append(
            {
                "stage": "won",
                "created": created,
                "closed": won,
                "owner": owner,
                "channel": lead[1] if lead else None,
            }
        )
    return deals


def pipeline_deals():
    stage = {"Won": "won", "Lost": "lost", "Engaging": "open", "Prospecting": "open"}
    return [
        {
            "stage": stage[st],
            "created": _start(e) if e else None,
            "closed": _start(c) if c else None,
            "owner": a,
            "channel": "outbound",
        }
        for _i, a, _acc, st, e, c, _v in PIPELINE
    ]


def py_win_rate(deals, start, end, by=None):
    closed = [
        d
        for d in deals
        if d["stage"] in ("won", "lost") and d["closed"] and start <= d["closed"].date() <= end
    ]
    groups: dict = {}
    for d in closed:
        key = (d[by] or "unattributed") if by else None
        won, n = groups.get(key, (0, 0))
        groups[key] = (won + (d["stage"] == "won"), n + 1)
    return groups if by else groups.get(None, (0, 0))


def py_sales_cycle(deals, start, end):
    days = [
        (d["closed"] - d["created"]).total_seconds() / 86400
        for d in deals
        if d["stage"] == "won" and d["created"] and start <= d["closed"].date() <= end
    ]
    days = [x for x in days if x >= 0]
    return (statistics.median(days) if days else None), len(days)


def py_mql_to_won(start, end, window, by_channel=False):
    won_at: dict = {}
    for mql_id, _s, _o, won, *_ in CLOSED:
        won_at[mql_id] = min(won, won_at.get(mql_id, won))
    groups: dict = {}
    for mql_id, day, origin in MQLS:
        if not start <= day <= end:
            continue
        w = won_at.get(mql_id)
        ok = (
            w is not None
            and w >= _start(day)
            and w.date() <= AS_OF
            and (window == 0 or w.date() <= day + timedelta(days=window))
        )
        key = (origin if origin not in ("", "unknown") else "unattributed") if by_channel else None
        hits, n = groups.get(key, (0, 0))
        groups[key] = (hits + ok, n + 1)
    return groups if by_channel else groups.get(None, (0, 0))


# ---- the product path: example mappings, run_import, compute_scorecard ----


def imported(tmp_path, table, name, text, mapping):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "facts.duckdb"
    mapping = load_mapping(MAPPINGS / mapping, table=table)
    first = run_import(db, table, path, SYSTEM, mapping=mapping)
    again = run_import(db, table, path, SYSTEM, mapping=mapping)
    assert first.written and first.rejected_rows == 0, first.rejections
    assert (again.inserted, again.updated, again.rejected_rows) == (0, 0, 0)
    return db, first


def scorecard(db, start, end, window=90):
    card = compute_scorecard(open_store(db), start=start, end=end, as_of=AS_OF, window=window)
    return {k["id"]: k for k in scorecard_json(card)["kpis"]}


def breakdown(kpi, dimension):
    return {
        (r["key"] or "unattributed"): (r["numerator"], r["denominator"])
        for r in kpi["breakdown"][dimension]
        if r["denominator"]
    }


def assert_sales_cycle(card, deals, start, end, context) -> None:
    """The scorecard's median sales cycle and its count agree with plain Python's."""
    median, count = py_sales_cycle(deals, start, end)
    assert close(card["sales_cycle_days"]["value"], median, 0.01), context
    assert card["sales_cycle_days"]["n"] == count


def close(ours, theirs, tolerance):
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return abs(ours - theirs) < tolerance


QUARTERS_2018 = [
    (date(2017, 10, 1), date(2017, 12, 31)),
    (date(2018, 1, 1), date(2018, 3, 31)),
    (date(2018, 4, 1), date(2018, 6, 30)),
    (date(2018, 1, 1), date(2018, 12, 31)),
]
QUARTERS_2017 = [
    (date(2016, 10, 1), date(2016, 12, 31)),
    (date(2017, 1, 1), date(2017, 3, 31)),
    (date(2017, 10, 1), date(2017, 12, 31)),
    (date(2017, 1, 1), date(2017, 12, 31)),
]


@pytest.mark.parametrize("variant", ["dd-mm-yyyy", "us-and-iso"])
def test_marketing_funnel_matches_plain_python(tmp_path, variant):
    db, leads = imported(
        tmp_path, "leads", "mql.csv", mql_file(variant), "olist_marketing_qualified_leads.toml"
    )
    assert (leads.rows_read, leads.inserted) == (9, 9)
    _, deals = imported(
        tmp_path, "deals", "closed.csv", closed_file(variant), "olist_closed_deals.toml"
    )
    assert (deals.rows_read, deals.inserted, deals.unknown_leads) == (7, 7, 1)
    assert deals.created_at_inferred == 6
    deals_py = funnel_deals()
    for start, end in QUARTERS_2018:
        for window in (90, 0):
            card = scorecard(db, start, end, window)
            hits, n = py_mql_to_won(start, end, window)
            got = card["mql_to_won_rate"]
            assert (got["numerator"], got["denominator"]) == (hits, n), (start, window)
            assert close(got["value"], hits / n if n else None, 1e-4)
            assert breakdown(got, "channel") == py_mql_to_won(start, end, window, True)
        won, n = py_win_rate(deals_py, start, end)
        assert (card["win_rate"]["numerator"], card["win_rate"]["denominator"]) == (won, n)
        assert breakdown(card["win_rate"], "channel") == py_win_rate(
            deals_py, start, end, "channel"
        )
        assert breakdown(card["win_rate"], "owner") == py_win_rate(deals_py, start, end, "owner")
        assert_sales_cycle(card, deals_py, start, end, (start, end))


def test_marketing_funnel_hand_values(tmp_path):
    db, _ = imported(
        tmp_path, "leads", "mql.csv", mql_file("us"), "olist_marketing_qualified_leads.toml"
    )
    imported(tmp_path, "deals", "closed.csv", closed_file("dd-mm-yyyy"), "olist_closed_deals.toml")
    q1 = (date(2018, 1, 1), date(2018, 3, 31))
    # Cohort a1..a6. W=90: a1 (day 52) and a6 (won on day 90, in the evening); a2 is day 108;
    # a3 was won before its first contact. Unlimited adds a2.
    assert scorecard(db, *q1, 90)["mql_to_won_rate"]["numerator"] == 2
    card = scorecard(db, *q1, 0)
    assert (card["mql_to_won_rate"]["numerator"], card["mql_to_won_rate"]["denominator"]) == (3, 6)
    # Won in Q1: a1, a3, zz, a9. Cycles: a1 52 d 19:58 = 52.8319 d, a9 10.5 d; a3 is negative
    # and zz has no opportunity date. Median (52.8319 + 10.5) / 2.
    assert card["win_rate"]["value"] == 1.0
    assert card["sales_cycle_days"]["n"] == 2
    assert card["sales_cycle_days"]["value"] == pytest.approx(
        (52 + 1198 / 1440 + 10.5) / 2, abs=1e-6
    )


@pytest.mark.parametrize("variant", ["dd-mm-yy", "m/d/yyyy", "iso"])
def test_pipeline_matches_plain_python(tmp_path, variant):
    db, report = imported(
        tmp_path, "deals", "pipeline.csv", pipeline_file(variant), "crm_sales_pipeline.toml"
    )
    assert (report.rows_read, report.inserted) == (10, 10)
    deals_py = pipeline_deals()
    for start, end in QUARTERS_2017:
        card = scorecard(db, start, end)
        won, n = py_win_rate(deals_py, start, end)
        got = card["win_rate"]
        assert (got["numerator"], got["denominator"]) == (won, n), (variant, start)
        assert close(got["value"], won / n if n else None, 1e-4)
        assert breakdown(got, "owner") == py_win_rate(deals_py, start, end, "owner")
        assert_sales_cycle(card, deals_py, start, end, (variant, start))


def test_pipeline_hand_values(tmp_path):
    db, _ = imported(
        tmp_path, "deals", "pipeline.csv", pipeline_file("dd-mm-yy"), "crm_sales_pipeline.toml"
    )
    q1 = scorecard(db, date(2017, 1, 1), date(2017, 3, 31))
    # Closed in Q1 2017: P1, P2, P10 won, P3 lost; cycles 132, 137 and 108 days.
    assert (q1["win_rate"]["numerator"], q1["win_rate"]["denominator"]) == (3, 4)
    assert q1["sales_cycle_days"]["value"] == 132
    assert breakdown(q1["win_rate"], "owner") == {
        "Moses Frase": (1, 2),
        "Darcel Schlecht": (1, 1),
        "Zane Levy": (1, 1),
    }
    q4 = scorecard(db, date(2017, 10, 1), date(2017, 12, 31))
    # P6 and P8 won (8 and 84 days), P7 and P9 lost.
    assert q4["win_rate"]["value"] == 0.5
    assert q4["sales_cycle_days"]["value"] == 46


def test_inferred_created_at_counts_only_dates_taken_from_the_lead(tmp_path):
    db, _ = imported(
        tmp_path, "leads", "mql.csv", mql_file("us"), "olist_marketing_qualified_leads.toml"
    )
    imported(tmp_path, "deals", "closed.csv", closed_file("dd-mm-yyyy"), "olist_closed_deals.toml")
    card = scorecard(db, date(2018, 1, 1), date(2018, 3, 31))
    # Won in Q1: a1, a3 and a9 take their lead's MQL date; zz has no lead and no date at all.
    assert card["win_rate"]["data_quality"]["deals_without_lead"] == 1
    assert card["win_rate"]["data_quality"]["inferred_created_at"] == 3
