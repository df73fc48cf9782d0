"""The demo's drawn arrays as Arrow tables, and the SQL that stores them as facts."""

import numpy as np
import pyarrow as pa

from kpi.ingest.demo_model import CAMPAIGNS, CHANNELS, OWNERS, REJECTION_REASONS, TIERS


def _timestamps(values: np.ndarray) -> pa.Array:
    missing = np.isnan(values)
    return pa.array(
        np.where(missing, 0, values).astype(np.int64), type=pa.timestamp("s"), mask=missing
    )


def _labels(
    codes: np.ndarray, labels: tuple[str, ...], missing: np.ndarray | None = None
) -> pa.Array:
    mask = codes >= len(labels) if missing is None else missing | (codes >= len(labels))
    indices = pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(labels))


def leads_table(leads: dict, first_number: int) -> pa.Table:
    n = len(leads["created"])
    return pa.table(
        {
            "number": np.arange(first_number, first_number + n, dtype=np.int64),
            "created_at": _timestamps(leads["created"]),
            "channel": _labels(leads["channel"], CHANNELS),
            "campaign": _labels(
                leads["campaign"], sum(CAMPAIGNS.values(), ()), leads["campaign_missing"]
            ),
            "icp_tier": _labels(leads["tier"], TIERS),
            "owner": _labels(leads["owner"], OWNERS, leads["owner_missing"]),
            "mql_at": _timestamps(leads["mql"]),
            "accepted_at": _timestamps(leads["accepted"]),
            "rejected_at": _timestamps(leads["rejected"]),
            "rejection_reason": _labels(leads["reason"], REJECTION_REASONS),
            "sql_at": _timestamps(leads["sql"]),
            "first_response_at": _timestamps(leads["response"]),
        }
    )


def deals_table(deals: dict, first_number: int, first_lead_number: int) -> pa.Table:
    n = len(deals["created"])
    lead_index = deals["lead_index"]
    sales_sourced = lead_index < 0
    return pa.table(
        {
            "number": np.arange(first_number, first_number + n, dtype=np.int64),
            "lead_number": pa.array(lead_index + first_lead_number, mask=sales_sourced),
            "created_at": _timestamps(deals["created"]),
            "channel": _labels(deals["channel"], CHANNELS),
            "icp_tier": _labels(deals["tier"], TIERS),
            "owner": _labels(deals["owner"], OWNERS),
            "stage": _labels(deals["stage"], ("open", "won", "lost")),
            "closed_at": _timestamps(deals["closed"]),
            "amount": deals["amount"],
            "delivery_cost": pa.array(
                np.nan_to_num(deals["delivery_cost"]), mask=np.isnan(deals["delivery_cost"])
            ),
            "value_delivered_at": _timestamps(deals["delivered"]),
            "nps_score": pa.array(deals["nps"].astype(np.int16), mask=deals["nps_missing"]),
            "reworked": pa.array(deals["reworked"], mask=deals["reworked_missing"]),
        }
    )


INSERT_LEADS = """
    INSERT INTO leads SELECT printf('L%08d', number), created_at, channel, campaign, icp_tier,
        owner, mql_at, accepted_at, rejected_at, rejection_reason, sql_at, first_response_at
    FROM demo_chunk
"""
INSERT_DEALS = """
    INSERT INTO deals (deal_id, lead_id, created_at, channel, icp_tier, owner, stage, closed_at,
        amount, delivery_cost, value_delivered_at, nps_score, reworked)
    SELECT printf('D%07d', number), printf('L%08d', lead_number), created_at, channel, icp_tier,
        owner, stage, closed_at, amount, delivery_cost, value_delivered_at, nps_score, reworked
    FROM demo_chunk
"""
