"""Decide per valid row whether it inserts, updates or changes nothing, then write it."""

from dataclasses import dataclass, field

from kpi import clock
from kpi.access.roles import Actor
from kpi.ingest.fields import FIELDS, KEYS, REQUIRED_FOR_INSERT, TARGET_TABLES
from kpi.ingest.rejections import REFUSED_LINES

# SQL here is assembled from canonical field names and generated column names that come from
# code, never from the file or the user; every value is a bound parameter.

# Fields a deal takes from its lead when the file leaves them empty.
FROM_LEAD = {
    "channel": "l.channel",
    "icp_tier": "l.icp_tier",
    "created_at": "coalesce(l.mql_at, l.created_at)",
}


@dataclass
class Upsert:
    """How each target column is computed (`exprs`) and updated (`sets`), and the report flags."""

    columns: list[str]
    exprs: dict[str, str]
    sets: dict[str, str]
    flags: dict[str, str] = field(
        default_factory=lambda: {"unknown_lead": "false", "inherited": "false", "inferred": "false"}
    )
    # Fields the file does not carry that an existing row only gets when it lacks them.
    fills: list[str] = field(default_factory=list)
    lead_join: str = ""


def _given(mapped: list[str], name: str) -> str:
    return f"c.{name}" if name in mapped else "NULL"


def _inherit_from_lead(plan: Upsert, mapped: list[str]) -> None:
    """Deals take channel, ICP tier and created_at from their lead when the file leaves them
    empty, and an existing deal that lacks them gets them once its lead is known, whatever the
    order of the imports."""
    lead = dict.fromkeys(FROM_LEAD, "NULL")
    if "lead_id" in mapped:
        plan.lead_join = "LEFT JOIN leads l ON l.lead_id = c.lead_id"
        lead = dict(FROM_LEAD)
        plan.flags["unknown_lead"] = "(c.lead_id IS NOT NULL AND l.lead_id IS NULL)"
    for name in lead:
        plan.exprs[name] = f"coalesce({_given(mapped, name)}, {lead[name]})"
    plan.columns.append("created_at_inferred")
    plan.exprs["created_at_inferred"] = (
        f"({_given(mapped, 'created_at')} IS NULL AND {lead['created_at']} IS NOT NULL)"
    )
    plan.flags["inherited"] = (
        f"(({_given(mapped, 'channel')} IS NULL AND {lead['channel']} IS NOT NULL) OR "
        f"({_given(mapped, 'icp_tier')} IS NULL AND {lead['icp_tier']} IS NOT NULL))"
    )
    plan.flags["inferred"] = plan.exprs["created_at_inferred"]
    if "created_at" in mapped:
        plan.sets["created_at_inferred"] = "f.created_at_inferred"
    plan.fills = [name for name in lead if name not in mapped]
    for name in plan.fills:
        plan.sets[name] = f"coalesce(t.{name}, f.{name})"
    if "created_at" in plan.fills:
        plan.sets["created_at_inferred"] = (
            "CASE WHEN t.created_at IS NULL AND f.created_at IS NOT NULL THEN true "
            "ELSE t.created_at_inferred END"
        )


def _plan(table: str, mapped: list[str]) -> Upsert:
    """An update sets only the fields the mapping names, so a file with a few columns (say, NPS
    scores) never blanks the others."""
    columns = list(FIELDS[table])
    plan = Upsert(
        columns=columns,
        exprs={c: _given(mapped, c) for c in columns},
        sets={c: f"f.{c}" for c in mapped if c not in KEYS[table]},
    )
    if table == "deals":
        _inherit_from_lead(plan, mapped)
    return plan


def _changed_sql(plan: Upsert, mapped: list[str]) -> str:
    """When an existing row counts as updated: a field the file names differs, or a gap fills."""
    changed = [f"f.{c} IS DISTINCT FROM t.{c}" for c in plan.sets if c not in plan.fills]
    changed = [c for c in changed if "created_at_inferred" not in c or "created_at" in mapped]
    changed += [f"(t.{c} IS NULL AND f.{c} IS NOT NULL)" for c in plan.fills]
    return " OR ".join(changed) or "false"


def build_final(con, table: str, mapped: list[str]) -> Upsert:
    """TEMP table `final`: every target column of each valid row, its flags and its action."""
    plan = _plan(table, mapped)
    select = ", ".join(
        [
            *(f"{plan.exprs[c]} AS {c}" for c in plan.columns),
            *(f"{v} AS {k}" for k, v in plan.flags.items()),
        ]
    )
    keys = KEYS[table]
    old_created = ", t.created_at AS old_created_at" if "created_at" in plan.fills else ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE final AS
        SELECT f.*, CASE WHEN t.{keys[0]} IS NULL THEN 'insert'
                         WHEN {_changed_sql(plan, mapped)} THEN 'update'
                         ELSE 'same' END AS action {old_created}
        FROM (
            SELECT c.line, {select}
            FROM typed c {plan.lead_join}
            WHERE c.line NOT IN {REFUSED_LINES}
        ) f
        LEFT JOIN {TARGET_TABLES[table]} t ON {" AND ".join(f"t.{k} = f.{k}" for k in keys)}
        """  # noqa: S608
    )
    if old_created:
        # An existing deal's own created_at is never replaced by its lead's date.
        con.execute(
            "UPDATE final SET inferred = false WHERE action <> 'insert' AND old_created_at IS NOT NULL"
        )
    for required in REQUIRED_FOR_INSERT[table]:
        con.execute(
            "INSERT INTO rejects SELECT line, $field, '', NULL, 'missing_required', $field, "  # noqa: S608
            f"false FROM final WHERE action = 'insert' AND {required} IS NULL",
            {"field": required},
        )
    return plan


def write_final(con, table: str, plan: Upsert) -> None:
    """Insert the new rows and update the changed ones of `final` into the facts table."""
    target = TARGET_TABLES[table]
    valid = f"line NOT IN {REFUSED_LINES}"
    cols = ", ".join(plan.columns)
    con.execute(
        f"INSERT INTO {target} ({cols}) SELECT {cols} FROM final "  # noqa: S608
        f"WHERE action = 'insert' AND {valid} ORDER BY line"
    )
    if plan.sets:
        assignments = ", ".join(f"{c} = {expr}" for c, expr in plan.sets.items())
        on = " AND ".join(f"t.{k} = f.{k}" for k in KEYS[table])
        con.execute(
            f"UPDATE {target} AS t SET {assignments} FROM final f WHERE {on} "  # noqa: S608
            f"AND f.action = 'update' AND f.{valid}"
        )


def touched_keys(table: str) -> dict[str, str]:
    """The keys of the rows `write_final` inserts or updates, as `FactsUpdate.write` takes them
    (a refused row among them only costs a derived row rebuilt unchanged)."""
    if table not in ("leads", "deals"):
        return {}  # marketing spend has no derived rows
    return {table: f"SELECT {KEYS[table][0]} FROM final WHERE action <> 'same'"}  # noqa: S608


def log_import(con, actor: Actor, report) -> int:
    """One row in the import log; returns the facts generation the write will become."""
    con.execute(
        "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            clock.now(),
            actor.username,
            report.table,
            report.source,
            report.rows_read,
            report.inserted,
            report.updated,
            report.unchanged,
            report.rejected_rows,
        ],
    )
    return (
        int(con.execute("SELECT value FROM facts_meta WHERE key = 'generation'").fetchone()[0]) + 1
    )
