"""Numbered schema migrations of the two DuckDB files: facts (imported records) and cockpit state."""

import duckdb

from kpi import clock

# Lead <-> deal relations resolved once per facts write instead of on every query: each lead's
# wins (first won date and every won amount) and first deal, and each deal's inherited channel,
# tier, owner and creation date; and the latest event of each table (the default as-of date). Rebuilt by every
# `rewrite_facts` (and by migrations 2 to 4 for older files). Leads without an MQL or SQL date
# anchor no KPI, so they are left out. Rows are stored in the order of the date most KPIs are
# anchored on, so that a window of a few periods reads a few row groups, not all of them: at 10M
# leads the sort costs about 3 s per write and saves a tenth of every cold scorecard.
DERIVED_FACTS = """
CREATE OR REPLACE TABLE lead_facts AS
WITH won AS (
    SELECT lead_id, min(closed_at) AS first_won_at, list({'at': closed_at, 'amount': amount}) AS wins
    FROM deals
    WHERE stage = 'won' AND closed_at IS NOT NULL AND lead_id IS NOT NULL
    GROUP BY lead_id
),
opened AS (
    -- A deal's creation date as deal_facts states it (its own, else inherited from the lead).
    SELECT d.lead_id, min(coalesce(d.created_at, l.mql_at, l.created_at)) AS first_deal_at
    FROM deals d JOIN leads l ON l.lead_id = d.lead_id
    GROUP BY d.lead_id
)
SELECT l.lead_id, l.created_at, coalesce(l.channel, 'unattributed') AS channel, l.campaign,
       l.icp_tier, l.owner, l.mql_at, l.sql_at, coalesce(l.mql_at, l.sql_at) AS mql_eff,
       l.accepted_at, l.rejected_at, l.rejection_reason, l.first_response_at,
       w.first_won_at, w.wins, o.first_deal_at
FROM leads l LEFT JOIN won w ON w.lead_id = l.lead_id LEFT JOIN opened o ON o.lead_id = l.lead_id
WHERE coalesce(l.mql_at, l.sql_at) IS NOT NULL
ORDER BY mql_eff;

CREATE OR REPLACE TABLE deal_facts AS
SELECT d.deal_id, d.lead_id,
       coalesce(d.created_at, l.mql_at, l.created_at) AS created_eff,
       (d.created_at_inferred OR (d.created_at IS NULL
           AND coalesce(l.mql_at, l.created_at) IS NOT NULL)) AS created_inferred,
       coalesce(d.channel, l.channel, 'unattributed') AS channel,
       coalesce(d.icp_tier, l.icp_tier) AS icp_tier,
       coalesce(d.owner, l.owner) AS owner,
       d.stage, d.closed_at, d.amount, d.delivery_cost, d.value_delivered_at,
       d.nps_score, d.reworked, l.lead_id IS NULL AS no_lead
FROM deals d LEFT JOIN leads l ON l.lead_id = d.lead_id
ORDER BY coalesce(d.closed_at, created_eff);

CREATE OR REPLACE TABLE facts_latest AS
SELECT (SELECT max(greatest(created_at, mql_at, sql_at, first_response_at)) FROM leads) AS leads,
       (SELECT max(greatest(created_at, closed_at, value_delivered_at)) FROM deals) AS deals;
"""

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

# Cockpit state: one read-write file per app process; every write goes through Store.write().
STATE_MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "cockpit state",
        """
        CREATE TABLE data_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL);
        INSERT INTO data_version VALUES (1, 0);
        CREATE TABLE settings (
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            valid_from TIMESTAMP NOT NULL,
            changed_by TEXT NOT NULL,
            PRIMARY KEY (key, valid_from)
        );
        CREATE TABLE kpi_targets (
            kpi_id TEXT NOT NULL,
            target DOUBLE NOT NULL,
            tolerance DOUBLE NOT NULL,
            valid_from TIMESTAMP NOT NULL,
            changed_by TEXT NOT NULL,
            PRIMARY KEY (kpi_id, valid_from)
        );
        CREATE SEQUENCE seq_outcomes;
        CREATE TABLE outcomes (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_outcomes'),
            quarter TEXT NOT NULL,
            title TEXT NOT NULL,
            kpi_id TEXT NOT NULL,
            channel TEXT,
            icp_tier TEXT,
            baseline DOUBLE,
            baseline_overridden BOOLEAN NOT NULL DEFAULT false,
            target DOUBLE NOT NULL,
            owner TEXT,
            created_by TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE SEQUENCE seq_meetings;
        CREATE TABLE meetings (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_meetings'),
            title TEXT NOT NULL,
            meeting_date DATE NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'running', 'closed')),
            attendees TEXT NOT NULL DEFAULT '[]',
            next_review DATE,
            kpi_snapshot TEXT,
            decisions TEXT,
            created_by TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL,
            closed_at TIMESTAMP
        );
        CREATE TABLE agenda_blocks (
            meeting_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            minutes DOUBLE NOT NULL CHECK (minutes > 0),
            leader TEXT,
            content TEXT,
            actual_start TIMESTAMP,
            actual_end TIMESTAMP,
            PRIMARY KEY (meeting_id, position)
        );
        CREATE TABLE timer_state (
            meeting_id BIGINT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('idle', 'running', 'paused', 'ended')),
            current_block INTEGER NOT NULL,
            block_started_at TIMESTAMP,
            block_elapsed_before DOUBLE NOT NULL DEFAULT 0,
            started_at TIMESTAMP,
            ended_at TIMESTAMP,
            paused_at TIMESTAMP,
            revision BIGINT NOT NULL DEFAULT 0
        );
        CREATE SEQUENCE seq_notes;
        CREATE TABLE notes (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_notes'),
            meeting_id BIGINT,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            why TEXT,
            area TEXT,
            root_cause TEXT,
            kpi_id TEXT,
            owner TEXT,
            backlog_item_id BIGINT,
            created_by TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE SEQUENCE seq_backlog;
        CREATE TABLE backlog_items (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_backlog'),
            title TEXT NOT NULL,
            description TEXT,
            area TEXT,
            owner TEXT,
            effort INTEGER NOT NULL CHECK (effort BETWEEN 1 AND 5),
            impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
            kpi_id TEXT,
            expected_effect TEXT,
            status TEXT NOT NULL DEFAULT 'open',
            source_note_id BIGINT,
            created_by TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        );
        CREATE SEQUENCE seq_actions;
        CREATE TABLE sprint_actions (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_actions'),
            meeting_id BIGINT,
            sprint_start DATE NOT NULL,
            backlog_item_id BIGINT,
            title TEXT NOT NULL,
            owner TEXT NOT NULL,
            definition_of_done TEXT NOT NULL,
            due_date DATE NOT NULL,
            status TEXT NOT NULL DEFAULT 'planned'
                CHECK (status IN ('planned', 'done', 'not_done', 'carried_over')),
            kpi_id TEXT,
            kpi_value_at_start DOUBLE,
            kpi_value_at_review DOUBLE,
            reviewed_at TIMESTAMP,
            carried_from BIGINT,
            created_by TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE TABLE checklist_answers (
            meeting_id BIGINT NOT NULL,
            item INTEGER NOT NULL CHECK (item BETWEEN 1 AND 6),
            answer BOOLEAN NOT NULL,
            answered_by TEXT NOT NULL,
            PRIMARY KEY (meeting_id, item)
        );
        CREATE TABLE meeting_ratings (
            meeting_id BIGINT NOT NULL,
            attendee TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
            PRIMARY KEY (meeting_id, attendee)
        );
        CREATE SEQUENCE seq_audit;
        CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_audit'),
            happened_at TIMESTAMP NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_id TEXT,
            before TEXT,
            after TEXT
        );
        CREATE TABLE login_attempts (
            username TEXT NOT NULL,
            attempted_at TIMESTAMP NOT NULL,
            success BOOLEAN NOT NULL
        );
        """,
    ),
    (
        2,
        "agenda block running seconds",
        # The timer banks each block's running time (pauses excluded, revisits summed) for
        # plan-vs-actual minutes; actual_start/actual_end alone cannot tell pauses apart.
        "ALTER TABLE agenda_blocks ADD COLUMN actual_seconds DOUBLE DEFAULT 0",
    ),
    # Written on every pause and never read: the timer derives everything from the block times.
    (3, "timer without pause time", "ALTER TABLE timer_state DROP COLUMN paused_at"),
    (
        4,
        "meetings reopened for corrections",
        # The latest reopening (when, by whom) for the minutes; every one is in the audit log.
        "ALTER TABLE meetings ADD COLUMN reopened_at TIMESTAMP;"
        " ALTER TABLE meetings ADD COLUMN reopened_by TEXT;",
    ),
    (
        5,
        "projector mode per meeting",
        # The facilitator's choice of what the room sees (kpi/cockpit/projector.py MODES).
        """
        CREATE TABLE projector_modes (
            meeting_id BIGINT PRIMARY KEY,
            mode TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            changed_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        6,
        "backlog items may be unscored",
        # A note sent to the backlog in block 3 is scored in block 4; a silent 3/3 would file it
        # among the big bets before anyone judged it.
        "ALTER TABLE backlog_items ALTER COLUMN effort DROP NOT NULL;"
        " ALTER TABLE backlog_items ALTER COLUMN impact DROP NOT NULL;",
    ),
]

STATE_TABLES = frozenset(
    {
        "settings",
        "kpi_targets",
        "outcomes",
        "meetings",
        "agenda_blocks",
        "timer_state",
        "notes",
        "backlog_items",
        "sprint_actions",
        "checklist_answers",
        "meeting_ratings",
        "login_attempts",
        "projector_modes",
    }
)


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
