"""Running the grid's statements side by side and reading their rows back into typed groups."""

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from duckdb import DuckDBPyConnection

from kpi.engine import sql
from kpi.engine.formula import Kpi
from kpi.engine.results import Query
from kpi.store.database import Store
from kpi.store.writer import dict_rows


@dataclass(frozen=True)
class Cell:
    """Where a group sits: its anchor, its period of the grid, and its breakdown (if any)."""

    anchor: str
    period: int
    dimension: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Aggregates:
    """What the statements returned: each group's metrics by name, and spend per period."""

    groups: dict[Cell, dict[str, Any]]
    spend: dict[tuple[int, str | None], float | None]  # (period, channel or None for all)


def number(value: Any) -> float | None:
    return None if value is None else float(value)


def _run(cur: DuckDBPyConnection, statement: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    return dict_rows(cur, statement, sql.bind(statement, values))


def _run_side_by_side(store: Store, statements: list[tuple[str, dict]]) -> list[list[dict]]:
    """Each statement's rows, the statements run at once on one facts generation.

    One statement alone keeps both cores busy only part of the time (scans of a few row
    groups, the final merge of its groups); side by side they fill each other's gaps.
    """
    cursors = store.facts_cursors(len(statements))
    with ThreadPoolExecutor(max_workers=len(statements)) as pool:
        futures = [
            pool.submit(_run, cur, statement, values)
            for cur, (statement, values) in zip(cursors, statements, strict=True)
        ]
        return [future.result() for future in futures]


def _dimension_of(g: int) -> str | None:
    for dim, mask in sql.DIMENSION_COLUMNS.items():
        if g == mask:
            return dim
    return None


def _groups(
    sources: list[sql.SourceStatement], outputs: list[list[dict]], recent: int
) -> dict[Cell, dict[str, Any]]:
    """Each group's metrics by name; a group that comes back twice (sums, quantiles) merges."""
    groups: dict[Cell, dict[str, Any]] = {}
    for statement, rows in zip(sources, outputs, strict=True):
        for row in rows:
            dim = _dimension_of(row["g"])
            # Groups outside the grid, and breakdowns of periods that do not show them.
            if row["p"] is None or (dim and row["p"] < recent):
                continue
            metrics = json.loads(row["metrics"])
            names = statement.keys[row["anchor"]].items()
            cell = Cell(row["anchor"], row["p"], dim, row[dim] if dim else None)
            groups.setdefault(cell, {}).update(
                {name: metrics[key] for name, key in names if key in metrics}
            )
    return groups


def aggregate(store: Store, query: Query, kpis: list[Kpi]) -> Aggregates:
    """Every count, sum, quantile and spend of the KPIs over the query's grid."""
    count = len(query.periods)
    values = sql.base_values(query)
    sources = [sql.source_sql(source, kpis, count) for source in ("leads", "deals")]
    statements = [(statement.sql, values) for statement in sources]
    if any(k.kind == "spend_per" for k in kpis):
        statements.append((sql.spend_sql(count), sql.spend_values(query, values)))
    outputs = _run_side_by_side(store, statements)
    spend = {
        (row["p"], row["channel"] if row["g"] == 0 else None): number(row["spend"])
        for row in (outputs[len(sources)] if len(outputs) > len(sources) else [])
    }
    return Aggregates(_groups(sources, outputs[: len(sources)], sql.recent_index(count)), spend)
