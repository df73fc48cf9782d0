"""Filter pickers: the channels and owners present in the facts."""

from kpi.store.database import Store


def dimension_values(store: Store, limit: int = 500) -> dict[str, list[str]]:
    """The channels and owners present in the facts, for filter pickers."""
    cur = store.facts()
    channels = cur.execute(
        "SELECT DISTINCT coalesce(channel, 'unattributed') FROM leads "
        "UNION SELECT DISTINCT coalesce(channel, 'unattributed') FROM deals "
        "UNION SELECT DISTINCT channel FROM marketing_spend ORDER BY 1 LIMIT ?",
        [limit],
    ).fetchall()
    owners = cur.execute(
        "SELECT owner FROM (SELECT owner FROM leads UNION SELECT owner FROM deals) "
        "WHERE owner IS NOT NULL ORDER BY 1 LIMIT ?",
        [limit],
    ).fetchall()
    return {"channel": [c for (c,) in channels], "owner": [o for (o,) in owners]}
