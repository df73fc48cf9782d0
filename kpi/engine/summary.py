"""What the database holds, in a few numbers for the home page."""

from dataclasses import dataclass
from datetime import datetime

from kpi.store.database import Store


@dataclass(frozen=True)
class DataSummary:
    leads: int
    deals: int
    spend_months: int
    first_lead: datetime | None
    last_lead: datetime | None


def data_summary(store: Store) -> DataSummary:
    cur = store.facts()
    leads, first, last = cur.execute(
        "SELECT count(*), min(created_at), max(created_at) FROM leads"
    ).fetchone()
    deals = cur.execute("SELECT count(*) FROM deals").fetchone()[0]
    months = cur.execute("SELECT count(DISTINCT month) FROM marketing_spend").fetchone()[0]
    return DataSummary(leads, deals, months, first, last)
