"""The cockpit state file's numbered migrations and the tables Store.write may change."""

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
    (
        7,
        "alignment programmes",
        # kpi/programme/: one active programme at a time (earlier ones stay readable), its frozen
        # baselines (each re-freeze a new version, the JSON snapshot never rewritten), the
        # success metrics' edited target bands, and optional industry benchmarks with a source.
        """
        CREATE SEQUENCE seq_programmes;
        CREATE TABLE programmes (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_programmes'),
            name TEXT NOT NULL,
            start_date DATE NOT NULL,
            baseline_months INTEGER NOT NULL CHECK (baseline_months BETWEEN 6 AND 12),
            diagnosis_weeks INTEGER NOT NULL CHECK (diagnosis_weeks > 0),
            implementation_weeks INTEGER NOT NULL CHECK (implementation_weeks > 0),
            measurement_weeks INTEGER NOT NULL CHECK (measurement_weeks > 0),
            cost DOUBLE CHECK (cost >= 0),
            active BOOLEAN NOT NULL,
            created_by TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE SEQUENCE seq_programme_baselines;
        CREATE TABLE programme_baselines (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_programme_baselines'),
            programme_id BIGINT NOT NULL,
            version INTEGER NOT NULL,
            snapshot TEXT NOT NULL,
            frozen_at TIMESTAMP NOT NULL,
            frozen_by TEXT NOT NULL,
            UNIQUE (programme_id, version)
        );
        CREATE TABLE programme_targets (
            programme_id BIGINT NOT NULL,
            metric_id TEXT NOT NULL,
            target_low DOUBLE NOT NULL,
            target_high DOUBLE NOT NULL,
            changed_by TEXT NOT NULL,
            changed_at TIMESTAMP NOT NULL,
            PRIMARY KEY (programme_id, metric_id)
        );
        CREATE TABLE programme_benchmarks (
            programme_id BIGINT NOT NULL,
            kpi_id TEXT NOT NULL,
            value DOUBLE NOT NULL,
            source TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            changed_at TIMESTAMP NOT NULL,
            PRIMARY KEY (programme_id, kpi_id)
        );
        """,
    ),
    (
        8,
        "meetings record their agenda template",
        # kpi/cockpit/agenda_templates.py TEMPLATES; every meeting before it was a tracción.
        "ALTER TABLE meetings ADD COLUMN template TEXT NOT NULL DEFAULT 'traccion'",
    ),
    (
        9,
        "mail outbox",
        # kpi/mail/outbox.py: each message once (message_key), kept until sent, retried with
        # backoff. Subject, body and attachment are frozen at enqueue time in the recipient's
        # language; the SMTP password is never here (kpi/mail/secret.py).
        """
        CREATE SEQUENCE seq_mail_outbox;
        CREATE TABLE mail_outbox (
            id BIGINT PRIMARY KEY DEFAULT nextval('seq_mail_outbox'),
            message_key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            object_id BIGINT,
            recipient TEXT NOT NULL,
            address TEXT NOT NULL,
            lang TEXT NOT NULL,
            due_on DATE NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            attachment_name TEXT,
            attachment BLOB,
            status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at TIMESTAMP NOT NULL,
            last_error TEXT,
            created_at TIMESTAMP NOT NULL,
            sent_at TIMESTAMP
        );
        -- The kinds of mail a user chose not to receive (their own preference, any role).
        CREATE TABLE mail_opt_outs (
            username TEXT NOT NULL,
            kind TEXT NOT NULL,
            PRIMARY KEY (username, kind)
        );
        """,
    ),
    (
        10,
        "SLA document and qualification guide versions",
        # kpi/agreements/: each approval is a new numbered version; reasons are a JSON list of
        # {"name", "aliases"} (the imported spellings that mean that reason).
        """
        CREATE TABLE sla_versions (
            version INTEGER PRIMARY KEY,
            response_hours DOUBLE NOT NULL,
            response_hours_a DOUBLE,
            response_hours_b DOUBLE,
            response_hours_c DOUBLE,
            min_icp_a_share DOUBLE NOT NULL,
            feedback_business_days INTEGER NOT NULL,
            review_days INTEGER NOT NULL,
            compliance_target DOUBLE NOT NULL,
            approvers TEXT NOT NULL,
            approved_on DATE NOT NULL,
            note TEXT,
            valid_from TIMESTAMP NOT NULL,
            changed_by TEXT NOT NULL
        );
        CREATE TABLE qualification_guide_versions (
            version INTEGER PRIMARY KEY,
            mql_criteria TEXT NOT NULL,
            sql_criteria TEXT NOT NULL,
            disqualification TEXT NOT NULL,
            reasons TEXT NOT NULL,
            approvers TEXT NOT NULL,
            approved_on DATE NOT NULL,
            note TEXT,
            valid_from TIMESTAMP NOT NULL,
            changed_by TEXT NOT NULL
        );
        """,
    ),
    (
        11,
        "rejected-lead review and internal NPS survey",
        # kpi/cockpit/rejection_review.py and kpi/cockpit/team_survey.py. Survey answers carry no
        # username, and survey_responses records only who took part: the NPS stays anonymous.
        """
        CREATE TABLE rejection_reviews (
            lead_id TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('agreed', 'disputed', 'recycled')),
            comment TEXT,
            first_reviewed_at TIMESTAMP NOT NULL,
            reviewed_at TIMESTAMP NOT NULL,
            reviewed_by TEXT NOT NULL,
            meeting_id BIGINT,
            note_id BIGINT
        );
        CREATE TABLE survey_responses (
            survey_start DATE NOT NULL,
            username TEXT NOT NULL,
            answered_at TIMESTAMP NOT NULL,
            PRIMARY KEY (survey_start, username)
        );
        CREATE TABLE survey_answers (
            id TEXT PRIMARY KEY,
            survey_start DATE NOT NULL,
            survey_end DATE NOT NULL,
            team TEXT,
            score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
            comment TEXT
        );
        """,
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
        "sla_versions",
        "qualification_guide_versions",
        "programmes",
        "programme_baselines",
        "programme_targets",
        "programme_benchmarks",
        "rejection_reviews",
        "survey_responses",
        "survey_answers",
        "mail_outbox",
        "mail_opt_outs",
    }
)
