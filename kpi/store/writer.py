"""The audited state transaction: every change records who, when, what before and after."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from kpi.access.roles import Actor
from kpi.store.state_schema import STATE_TABLES


def dict_rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Run `sql` on `cur` and return its rows as dicts keyed by column name."""
    rel = cur.execute(sql, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row_json(row: dict | None) -> str | None:
    if row is None:
        return None
    return json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False)


@dataclass
class Writer:
    """One audited state transaction: every change records who, when, what before and after."""

    cur: duckdb.DuckDBPyConnection
    actor: Actor
    columns: dict[str, tuple[str, ...]]
    now: datetime

    def _check(self, table: str, names: list[str]) -> None:
        if table not in STATE_TABLES:
            raise ValueError(f"unknown state table {table!r}")
        unknown = set(names) - set(self.columns[table])
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)} for {table}")

    def _fetch(self, table: str, key: dict) -> dict | None:
        self._check(table, list(key))
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"SELECT * FROM {table} WHERE {where}"  # noqa: S608 - identifiers checked by _check
        rows = self.rows(sql, list(key.values()))
        return rows[0] if rows else None

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        """Rows read inside this transaction (they see its own uncommitted changes)."""
        return dict_rows(self.cur, sql, params)

    def audit(self, action: str, table: str, row_id: Any, before: dict | None, after: dict | None):
        self.cur.execute(
            "INSERT INTO audit_log (happened_at, actor, action, table_name, row_id, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                self.now,
                self.actor.username,
                action,
                table,
                None if row_id is None else str(row_id),
                _row_json(before),
                _row_json(after),
            ],
        )

    def insert(self, table: str, values: dict) -> dict:
        self._check(table, list(values))
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) RETURNING *"  # noqa: S608 - checked
        [row] = self.rows(sql, list(values.values()))
        self.audit("insert", table, row.get("id", _key_text(values)), None, row)
        return row

    def update(self, table: str, key: dict, changes: dict) -> dict:
        self._check(table, list(key) + list(changes))
        before = self._fetch(table, key)
        if before is None:
            raise LookupError(f"{table} {key} not found")
        sets = ", ".join(f"{k} = ?" for k in changes)
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"UPDATE {table} SET {sets} WHERE {where}"  # noqa: S608 - identifiers checked
        self.cur.execute(sql, list(changes.values()) + list(key.values()))
        after = self._fetch(table, key)
        self.audit("update", table, _key_text(key), before, after)
        return after

    def version_time(self, table: str, key: dict) -> datetime:
        """A valid_from later than every stored version of `key`, even within one clock tick."""
        self._check(table, [*key, "valid_from"])
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"SELECT max(valid_from) FROM {table} WHERE {where}"  # noqa: S608 - checked
        last = self.cur.execute(sql, list(key.values())).fetchone()[0]
        return self.now if last is None or self.now > last else last + timedelta(microseconds=1)

    def upsert(self, table: str, key: dict, values: dict) -> dict:
        if self._fetch(table, key) is None:
            return self.insert(table, {**key, **values})
        return self.update(table, key, values)

    def delete(self, table: str, key: dict) -> dict | None:
        before = self._fetch(table, key)
        if before is None:
            return None
        self._check(table, list(key))
        where = " AND ".join(f"{k} = ?" for k in key)
        sql = f"DELETE FROM {table} WHERE {where}"  # noqa: S608 - identifiers checked by _check
        self.cur.execute(sql, list(key.values()))
        self.audit("delete", table, _key_text(key), before, None)
        return before


def _key_text(key: dict) -> str:
    return "/".join(str(_jsonable(v)) for v in key.values())
