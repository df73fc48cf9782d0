"""The canonical tables an import fills: each field and its kind, keys and required columns."""

# Field kinds drive validation and conversion in kpi.ingest.convert (one SQL expression per kind).
FIELDS: dict[str, dict[str, str]] = {
    "leads": {
        "lead_id": "id",
        "created_at": "timestamp",
        "channel": "text",
        "campaign": "text",
        "icp_tier": "tier",
        "owner": "text",
        "mql_at": "timestamp",
        "accepted_at": "timestamp",
        "rejected_at": "timestamp",
        "rejection_reason": "text",
        "sql_at": "timestamp",
        "first_response_at": "timestamp",
    },
    "deals": {
        "deal_id": "id",
        "lead_id": "ref",
        "created_at": "timestamp",
        "channel": "text",
        "icp_tier": "tier",
        "owner": "text",
        "stage": "stage",
        "closed_at": "timestamp",
        "amount": "money",
        "delivery_cost": "money",
        "value_delivered_at": "timestamp",
        "nps_score": "score",
        "reworked": "bool",
    },
    "spend": {"month": "month", "channel": "id", "amount": "money"},
}
TARGET_TABLES = {"leads": "leads", "deals": "deals", "spend": "marketing_spend"}
KEYS = {"leads": ("lead_id",), "deals": ("deal_id",), "spend": ("month", "channel")}
# A new row cannot exist without these (the schema declares them NOT NULL).
REQUIRED_FOR_INSERT = {"leads": (), "deals": ("stage",), "spend": ("amount",)}
TABLES = tuple(FIELDS)
