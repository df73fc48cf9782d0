"""The facts file's schema (imported records and the tables derived from them) and the migration runner
shared with the state file (kpi/store/state_schema.py)."""

import duckdb

from kpi import clock

# Lead <-> deal relations resolved once per facts write instead of on every query: each lead's
# wins (first won date and every won amount) and first deal, and each deal's inherited channel,
# tier, owner and creation date; and the latest event of each table (the default as-of date).
# Leads without an MQL or SQL date anchor no KPI, so they are left out. `{leads}` and `{deals}`
# name the rows read: the whole tables in a full rebuild (DERIVED_FACTS, by `rewrite_facts` and
# migrations 2 to 4), only the leads and deals a write touched in an incremental one
# (kpi/store/facts_file.py), so that both follow the same definition.
LEAD_FACTS_SELECT = """
WITH won AS (
    SELECT lead_id, min(closed_at) AS first_won_at, list({'at': closed_at, 'amount': amount}) AS wins
    FROM {deals}
    WHERE stage = 'won' AND closed_at IS NOT NULL AND lead_id IS NOT NULL
    GROUP BY lead_id
),
opened AS (
    -- A deal's creation date as deal_facts states it (its own, else inherited from the lead).
    SELECT d.lead_id, min(coalesce(d.created_at, l.mql_at, l.created_at)) AS first_deal_at
    FROM {deals} d JOIN {leads} l ON l.lead_id = d.lead_id
    GROUP BY d.lead_id
)
SELECT l.lead_id, l.created_at, coalesce(l.channel, 'unattributed') AS channel, l.campaign,
       l.icp_tier, l.owner, l.mql_at, l.sql_at, coalesce(l.mql_at, l.sql_at) AS mql_eff,
       l.accepted_at, l.rejected_at, l.rejection_reason, l.first_response_at,
       w.first_won_at, w.wins, o.first_deal_at
FROM {leads} l LEFT JOIN won w ON w.lead_id = l.lead_id LEFT JOIN opened o ON o.lead_id = l.lead_id
WHERE coalesce(l.mql_at, l.sql_at) IS NOT NULL
ORDER BY mql_eff
"""

DEAL_FACTS_SELECT = """
SELECT d.deal_id, d.lead_id,
       coalesce(d.created_at, l.mql_at, l.created_at) AS created_eff,
       (d.created_at_inferred OR (d.created_at IS NULL
           AND coalesce(l.mql_at, l.created_at) IS NOT NULL)) AS created_inferred,
       coalesce(d.channel, l.channel, 'unattributed') AS channel,
       coalesce(d.icp_tier, l.icp_tier) AS icp_tier,
       coalesce(d.owner, l.owner) AS owner,
       d.stage, d.closed_at, d.amount, d.delivery_cost, d.value_delivered_at,
       d.nps_score, d.reworked, l.lead_id IS NULL AS no_lead
FROM {deals} d LEFT JOIN {leads} l ON l.lead_id = d.lead_id
ORDER BY coalesce(d.closed_at, created_eff)
"""

# The latest event of one lead or deal row; facts_latest holds the maximum over each table.
LEAD_LATEST = "greatest(created_at, mql_at, sql_at, first_response_at)"
DEAL_LATEST = "greatest(created_at, closed_at, value_delivered_at)"


def derived_select(template: str, leads: str = "leads", deals: str = "deals") -> str:
    """`template` reading the relations `leads` and `deals` (str.format would trip on `{'at'`)."""
    return template.replace("{leads}", leads).replace("{deals}", deals)


# Rows are stored in the order of the date most KPIs are anchored on, so that a window of a few
# periods reads a few row groups, not all of them: at 10M leads the sort costs about 3 s per full
# rebuild and saves a tenth of every cold scorecard.
DERIVED_FACTS = f"""
CREATE OR REPLACE TABLE lead_facts AS {derived_select(LEAD_FACTS_SELECT)};
CREATE OR REPLACE TABLE deal_facts AS {derived_select(DEAL_FACTS_SELECT)};
CREATE OR REPLACE TABLE facts_latest AS
SELECT (SELECT max({LEAD_LATEST}) FROM leads) AS leads,
       (SELECT max({DEAL_LATEST}) FROM deals) AS deals;
"""  # noqa: S608

# Facts live in a file the app opens read-only; imports write a new copy and swap it in.
FACTS_MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "facts tables",
        """
        CREATE TABLE leads (
            lead_id TEXT PRIMARY KEY,
            created_at TIMESTAMP,
            channel TEXT,
            campaign TEXT,
            icp_tier TEXT CHECK (icp_tier IN ('A', 'B', 'C')),
            owner TEXT,
            mql_at TIMESTAMP,
            accepted_at TIMESTAMP,
            rejected_at TIMESTAMP,
            rejection_reason TEXT,
            sql_at TIMESTAMP,
            first_response_at TIMESTAMP
        );
        CREATE TABLE deals (
            deal_id TEXT PRIMARY KEY,
            lead_id TEXT,
            created_at TIMESTAMP,
            created_at_inferred BOOLEAN NOT NULL DEFAULT false,
            channel TEXT,
            icp_tier TEXT CHECK (icp_tier IN ('A', 'B', 'C')),
            owner TEXT,
            stage TEXT NOT NULL CHECK (stage IN ('open', 'won', 'lost')),
            closed_at TIMESTAMP,
            amount DECIMAL(18, 2),
            delivery_cost DECIMAL(18, 2),
            value_delivered_at TIMESTAMP,
            nps_score SMALLINT CHECK (nps_score BETWEEN 0 AND 10),
            reworked BOOLEAN
        );
        CREATE TABLE marketing_spend (
            month DATE NOT NULL,
            channel TEXT NOT NULL,
            amount DECIMAL(18, 2) NOT NULL,
            PRIMARY KEY (month, channel)
        );
        CREATE TABLE facts_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO facts_meta VALUES ('generation', '0');
        CREATE TABLE import_log (
            imported_at TIMESTAMP NOT NULL,
            actor TEXT NOT NULL,
            table_name TEXT NOT NULL,
            source TEXT NOT NULL,
            rows_read BIGINT NOT NULL,
            inserted BIGINT NOT NULL,
            updated BIGINT NOT NULL,
            unchanged BIGINT NOT NULL,
            rejected BIGINT NOT NULL
        );
        """,
    ),
    (2, "derived fact tables", DERIVED_FACTS),
    # A marker: `rewrite_facts` rebuilds the derived tables after every migration, so recording
    # it is what makes an older file be rewritten (sorted) once on open.
    (3, "derived fact tables stored in anchor-date order", "SELECT 1"),
    # A marker as 3: the rebuild adds lead_facts.first_deal_at (lead -> opportunity conversion).
    (4, "lead_facts records each lead's first deal", "SELECT 1"),
]


def migrate(con: duckdb.DuckDBPyConnection, migrations: list[tuple[int, str, str]]) -> int:
    """Apply the migrations not yet recorded in schema_migrations; returns how many ran."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = 0
    for version, name, ddl in migrations:
        if version in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(ddl)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, clock.now()]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied += 1
    return applied
