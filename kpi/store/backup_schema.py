"""Whether a database file holds exactly the schema this build creates, at a version it knows.

The reference is not a list kept by hand: it is the catalogue of a fresh in-memory database
migrated by this build's own migrations (kpi/store/schema.py) to the version the file records. A
restored file must match it object for object, so that a view, a macro shadowing a built-in
(`lower`), a foreign table, a changed column type or a migration from a newer build is refused
before it replaces anything.
"""

import functools

import duckdb

from kpi.store.schema import FACTS_MIGRATIONS, migrate
from kpi.store.state_schema import STATE_MIGRATIONS

MIGRATIONS = {"facts": FACTS_MIGRATIONS, "state": STATE_MIGRATIONS}

# Every object of the current database that can change what the app reads or runs, as
# (kind, name, detail, position). Columns carry their type, nullability and default; constraints
# are named by their text, so a changed one is one missing and one extra; a table's detail is its
# full definition, the catch-all for what the parts do not show (a collation, a generated column).
# `position` is a column's place in its table, the order its differences are reported in.
CATALOGUE_SQL = """
WITH here AS (SELECT current_database() AS db)
SELECT 'schema', schema_name, '', 0 FROM duckdb_schemas(), here
 WHERE database_name = here.db AND NOT internal
UNION ALL
SELECT 'table', schema_name || '.' || table_name, sql, 0 FROM duckdb_tables(), here
 WHERE database_name = here.db
UNION ALL
SELECT 'column', schema_name || '.' || table_name || '.' || column_name,
       data_type || CASE WHEN is_nullable THEN '' ELSE ' NOT NULL' END
                 || coalesce(' DEFAULT ' || column_default, ''),
       column_index
  FROM duckdb_columns(), here WHERE database_name = here.db
UNION ALL
SELECT 'constraint', schema_name || '.' || table_name || ': ' || constraint_text, '', 0
  FROM duckdb_constraints(), here
 WHERE database_name = here.db AND constraint_type <> 'NOT NULL'
UNION ALL
SELECT 'view', schema_name || '.' || view_name, '', 0 FROM duckdb_views(), here
 WHERE database_name = here.db AND NOT internal
UNION ALL
SELECT 'macro', schema_name || '.' || function_name, '', 0 FROM duckdb_functions(), here
 WHERE database_name = here.db AND NOT internal
UNION ALL
SELECT 'sequence', schema_name || '.' || sequence_name, '', 0 FROM duckdb_sequences(), here
 WHERE database_name = here.db
UNION ALL
SELECT 'index', schema_name || '.' || index_name, '', 0 FROM duckdb_indexes(), here
 WHERE database_name = here.db
UNION ALL
SELECT 'type', schema_name || '.' || type_name, '', 0 FROM duckdb_types(), here
 WHERE database_name = here.db AND NOT internal
"""

# The order differences are reported in: an added or missing object by its largest unit (the
# table, not each of its columns); a changed one by its smallest (the column, not the table).
KINDS = (
    "schema",
    "table",
    "view",
    "macro",
    "sequence",
    "index",
    "type",
    "column",
    "constraint",
    "migration",
)
# A quoted definition is cut to this many characters around its first difference.
EXCERPT = 160


def catalogue(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(kind, name) -> detail of every object of the connection's current database."""
    return {key: detail for key, detail, _ in _entries(con)}


def _entries(con: duckdb.DuckDBPyConnection) -> list[tuple[tuple[str, str], str, int]]:
    entries = [
        ((kind, _short(name)), detail, position)
        for kind, name, detail, position in con.execute(CATALOGUE_SQL).fetchall()
    ]
    for version, name in _recorded_migrations(con):
        entries.append((("migration", str(version)), str(name), 0))
    return entries


def _short(name: str) -> str:
    return name.removeprefix("main.")


def _recorded_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    try:
        return con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    except duckdb.Error:
        # No such table, or not the columns migrate() writes: the catalogue shows which.
        return []


@functools.cache
def reference(part: str, version: int) -> tuple[tuple[tuple[str, str], str], ...]:
    """The catalogue of a fresh `part` file migrated by this build up to `version`."""
    con = duckdb.connect(":memory:")
    try:
        migrate(con, [m for m in MIGRATIONS[part] if m[0] <= version])
        return tuple(sorted(catalogue(con).items()))
    finally:
        con.close()


def newest_known(part: str) -> int:
    return max(version for version, _, _ in MIGRATIONS[part])


def schema_problem(con: duckdb.DuckDBPyConnection, part: str) -> tuple[str, dict] | None:
    """None when the file matches this build's schema; else a catalogue key and its values.

    The first difference is reported: an object this build does not create; then a changed
    column or migration (in the file's column order); then a missing object; last a table whose
    definition differs in a way its columns and constraints do not show.
    """
    entries = _entries(con)
    found = {key: detail for key, detail, _ in entries}
    position = {key: place for key, _, place in entries}
    if not any(kind == "table" for kind, _ in found):
        return "restore.error.empty", {}
    versions = [int(n) for kind, n in found if kind == "migration" and n.lstrip("-").isdigit()]
    newest = max(versions, default=0)
    if newest > newest_known(part):
        return "restore.error.newer", {"found": newest, "known": newest_known(part)}
    expected = dict(reference(part, newest))
    extra = sorted(found.keys() - expected.keys(), key=_largest_first)
    if extra:
        return _named("restore.error.extra", extra[0])
    changed = [key for key in found.keys() & expected.keys() if found[key] != expected[key]]

    def in_file_order(key: tuple[str, str]) -> tuple:
        return KINDS.index(key[0]), key[1].rpartition(".")[0], position[key], key[1]

    parts = sorted((key for key in changed if key[0] != "table"), key=in_file_order)
    if parts:
        return _changed(parts[0], found, expected)
    missing = sorted(expected.keys() - found.keys(), key=_largest_first)
    if missing:
        return _named("restore.error.missing", missing[0])
    if changed:
        return _changed(min(changed), found, expected)
    return None


def _named(key: str, entry: tuple[str, str]) -> tuple[str, dict]:
    kind, name = entry
    return key, {"kind": kind, "name": name}


def _changed(entry: tuple[str, str], found: dict, expected: dict) -> tuple[str, dict]:
    shown_found, shown_expected = _excerpts(found[entry], expected[entry])
    kind, name = entry
    values = {"kind": kind, "name": name, "found": shown_found, "expected": shown_expected}
    return "restore.error.changed", values


def _excerpts(found: str, expected: str) -> tuple[str, str]:
    """Both texts cut to EXCERPT characters, starting a little before their first difference
    (a table's definition is long, and its difference may sit at its end)."""
    same = next(
        (i for i, (a, b) in enumerate(zip(found, expected, strict=False)) if a != b),
        min(len(found), len(expected)),
    )
    start = max(0, same - EXCERPT // 4)
    if max(len(found), len(expected)) <= EXCERPT:
        start = 0

    def cut(text: str) -> str:
        shown = text[start : start + EXCERPT]
        return ("…" if start else "") + shown + ("…" if start + EXCERPT < len(text) else "")

    return cut(found), cut(expected)


def _largest_first(key: tuple[str, str]) -> tuple[int, str]:
    return KINDS.index(key[0]), key[1]
