"""Deterministic synthetic facts (leads, deals, monthly spend) that tell stories a meeting can discuss.

Stories built into the numbers (all relative to `today`):
  (a) paid_social brings the most leads but the poorest ICP-A share and MQL→SQL rate;
  (b) first-response times drift from ~10 h to above the 24 h SLA in the half year before the
      alignment programme (which starts on the first of the month four months back);
  (c) ICP-A deals win about 45 % of the time, ICP-C about 15 %;
  (d) in the quarter two quarters before today's, more deals are won while rework and
      time-to-value rise;
  (e) once the programme works (from the end of its 4-week diagnosis, fully 8 weeks later),
      Sales accepts more leads, answers them within ~10 h again, and deals close sooner and
      win more often: the before/after story of the Programa page.
Deliberate data-quality oddities, in small numbers, so the quality counters have something to
show: SQLs without an MQL date (skipped stage) and SQLs dated before their MQL (negative
duration). `generate` returns how many of each it wrote.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from kpi import clock
from kpi.access.roles import SYSTEM
from kpi.ingest.demo_draws import deals_chunk, leads_chunk, spend_table
from kpi.ingest.demo_model import SPEND_REFERENCE_LEADS, day_weights, timeline_for
from kpi.ingest.demo_tables import INSERT_DEALS, INSERT_LEADS, deals_table, leads_table
from kpi.programme import active_programme, create_programme, set_cost
from kpi.store.database import open_store, rewrite_facts

CHUNK_LEADS = 500_000
# What the demo company paid for its programme (consultancy and time), at the reference size.
PROGRAMME_COST = 60_000.0
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def _replaceable(path: Path) -> bool:
    """Missing, empty or a DuckDB file: never clobber a document passed as --db by mistake."""
    if not path.exists():
        return True
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        header = handle.read(12)
    return header == b"" or header[8:12] == DUCKDB_MAGIC


def _insert(con, table, sql: str) -> None:
    """Run `sql` with the Arrow `table` visible as `demo_chunk`."""
    con.register("demo_chunk", table)
    con.execute(sql)
    con.unregister("demo_chunk")


def generate(
    db_path: Path | str,
    *,
    seed: int = 42,
    leads: int = 25_000,
    today: date | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict:
    """Replace all facts at `db_path` with synthetic data; same (seed, leads, today) → same rows.

    Returns counts: leads, deals, marketing_spend, skipped_stages, negative_durations.
    """
    if leads < 1:
        raise ValueError("leads must be at least 1")
    if seed < 0:
        raise ValueError("seed must be non-negative")
    if not _replaceable(Path(db_path)):
        raise ValueError(f"not a DuckDB database, refusing to overwrite it: {db_path}")
    tl = timeline_for(today or clock.today())
    day_counts = np.random.default_rng([seed, 0]).multinomial(leads, day_weights(tl))
    cumulative = np.cumsum(day_counts)
    chunks = range(0, leads, CHUNK_LEADS)
    counts = dict.fromkeys(
        ("leads", "deals", "marketing_spend", "skipped_stages", "negative_durations"), 0
    )
    with rewrite_facts(db_path, fresh=True) as con:
        for number, first in enumerate(chunks):
            rng = np.random.default_rng([seed, 1, number])
            indices = np.arange(first, min(first + CHUNK_LEADS, leads))
            days = np.searchsorted(cumulative, indices, side="right")
            lead_arrays = leads_chunk(rng, tl, days, number == 0)
            deal_arrays = deals_chunk(rng, tl, lead_arrays, number == 0)
            _insert(con, leads_table(lead_arrays, first + 1), INSERT_LEADS)
            _insert(con, deals_table(deal_arrays, counts["deals"] + 1, first + 1), INSERT_DEALS)
            counts["leads"] += len(indices)
            counts["deals"] += len(deal_arrays["created"])
            counts["skipped_stages"] += lead_arrays["skipped"]
            counts["negative_durations"] += lead_arrays["negative"]
            # DuckDB holds a transaction's uncommitted rows in memory; committing each chunk
            # keeps memory flat, and readers still see nothing until rewrite_facts swaps the
            # private file in (it expects a transaction open when we hand back).
            con.execute("COMMIT")
            con.execute("BEGIN")
            if progress:
                progress(0.95 * (number + 1) / len(chunks))
        spend = spend_table(np.random.default_rng([seed, 2]), tl, leads)
        _insert(
            con, spend, "INSERT INTO marketing_spend SELECT month, channel, amount FROM demo_chunk"
        )
        counts["marketing_spend"] = spend.num_rows
    if progress:
        progress(1.0)
    return counts


def create_demo_programme(db_path: Path | str, *, leads: int = 25_000, today: date | None = None):
    """Story (e)'s programme in the database's state: started on the first of the month four
    months before `today`, its baseline frozen from the facts, its cost entered (scaled like the
    spend). Call it after `generate`; a programme already running is kept. Returns it."""
    store = open_store(db_path)
    if (running := active_programme(store)) is not None:
        return running  # demo data regenerated over a database that already runs one
    start = timeline_for(today or clock.today()).programme_start
    programme = create_programme(store, SYSTEM, start=start)
    cost = round(PROGRAMME_COST * leads / SPEND_REFERENCE_LEADS, 2)
    return set_cost(store, SYSTEM, programme.id, cost)
