"""Import CRM exports into the facts file: validate and convert in DuckDB SQL, upsert, report.

Every cell is loaded as text, converted column by column with SQL (so a million rows take
seconds), and every value that cannot be converted becomes a rejection with its line, column,
value and reason — never a silent guess. The write happens inside `rewrite_facts`, so it is one
transaction on a private copy that is swapped in atomically while the app keeps serving.
"""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpi import clock
from kpi.access.roles import Actor, require
from kpi.i18n import DEFAULT_LANGUAGE, t
from kpi.ingest.convert import (
    SAMPLE_ROWS,
    build_typed,
    numeric_like_text,
    plan_dates,
    plan_numbers,
    spreadsheet_ids_are_damage,
)
from kpi.ingest.mapping import (
    FIELDS,
    KEYS,
    REQUIRED_FOR_INSERT,
    TARGET_TABLES,
    IngestError,
    Mapping,
    MappingError,
    detect_columns,
    resolve_columns,
)
from kpi.ingest.source import (
    MAX_CELL_CHARS,
    MAX_RECORD_BYTES,
    flag_rows,
    load_raw,
    megabytes,
    open_source,
)
from kpi.store.database import MEMORY_LIMIT, ensure_facts_file, rewrite_facts

# SQL here is assembled from canonical field names and generated column names (c0, v_owner...)
# that come from code, never from the file or the user; every value is a bound parameter.
REJECTIONS_KEPT = 1000
PREVIEW_ROWS = 20
# A rejected value is shown (and written to --rejects) up to this many characters.
VALUE_SHOWN_CHARS = 500

Progress = Callable[[float], None]


class ImportAborted(Exception):
    """Raised inside the rewrite to roll back (dry run, or rejections not accepted)."""


@dataclass
class Rejection:
    line: int
    field: str
    column: str
    value: str | None
    reason: str
    detail: str = ""

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(f"ingest.reason.{self.reason}", lang, detail=self.detail, field=self.field)


@dataclass
class ImportReport:
    """What an import read, changed and refused; `written` says whether the facts changed."""

    table: str
    source: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    rejection_count: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    created_at_inferred: int = 0
    unknown_leads: int = 0
    unknown_lead_examples: list[str] = field(default_factory=list)
    inherited: int = 0
    footer_lines: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    skipped_fields: list[str] = field(default_factory=list)
    date_order: str | None = None
    decimal: str | None = None
    preview: list[dict] = field(default_factory=list)
    dry_run: bool = False
    accept_valid: bool = False
    written: bool = False
    generation: int | None = None
    rejects_file: str | None = None
    # The encoding of the lines refused because the rest of the file is in another one.
    mixed_encoding: str | None = None

    @property
    def exit_code(self) -> int:
        return 2 if self.rejected_rows and not self.accept_valid else 0

    def as_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k not in ("rejections", "preview")}
        data["rejections"] = [
            {
                "line": r.line,
                "column": r.column,
                "field": r.field,
                "value": r.value,
                "reason": r.reason,
                "message": r.text(lang),
            }
            for r in self.rejections
        ]
        return data


def error_message(error: IngestError, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"ingest.error.{error.code}", lang, **error.params)


# --- The import --------------------------------------------------------------------------


def _literal(text: str) -> str:
    """A SQL string literal: views cannot take bound parameters, so constants are quoted."""
    return "'" + text.replace("'", "''") + "'"


def _stage_values(con, mapping: Mapping, resolved: dict[str, int]) -> None:
    """TEMP table `vals`: line, src_<field> (trimmed source text), v_<field> (after value maps)."""
    selects, joins = ["r.line"], []
    for name in FIELDS[mapping.table]:
        if name in resolved:
            cell = f"r.c{resolved[name]}"
            # trim() with a character list is several times slower: use it only when needed.
            src = (
                f"nullif(CASE WHEN contains({cell}, chr(160)) OR contains({cell}, chr(9)) "
                f"THEN trim({cell}, ' ' || chr(9) || chr(160)) ELSE trim({cell}) END, '')"
            )
        elif name in mapping.constants:
            src = f"nullif(trim({_literal(mapping.constants[name])}), '')"
        else:
            continue
        value = src
        value_map = mapping.values.get(name)
        if value_map:
            con.execute(f"CREATE OR REPLACE TEMP TABLE vmap_{name} (src VARCHAR, dst VARCHAR)")
            seen: dict[str, str] = {}
            for key, target in value_map.items():
                seen.setdefault(key.strip().lower(), target)
            con.executemany(f"INSERT INTO vmap_{name} VALUES (?, ?)", list(seen.items()))  # noqa: S608
            joins.append(f"LEFT JOIN vmap_{name} m_{name} ON m_{name}.src = lower({src})")
            value = f"CASE WHEN m_{name}.src IS NOT NULL THEN nullif(trim(m_{name}.dst), '') ELSE {src} END"
        selects += [f"{src} AS src_{name}", f"{value} AS v_{name}"]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW vals AS SELECT {', '.join(selects)} FROM raw r "  # noqa: S608
        f"{' '.join(joins)}"
    )
    # Format detection reads a random sample of rows; only ambiguity sends it to the whole file.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE vals_sample AS SELECT {', '.join(selects)} FROM "  # noqa: S608
        f"(SELECT * FROM raw USING SAMPLE {SAMPLE_ROWS} ROWS (reservoir, 7)) r {' '.join(joins)}"
    )


# Rows the reader refused (`unparsed`) never reach `raw`; their line comes from DuckDB's count,
# which a quoted multi-line cell can shift, so they must not exclude any parsed row by line.
def _collect_unreadable(con, encoding: str) -> None:
    """Rows the reader refused (malformed, too long, not in the file's encoding, a quote that
    never closes) and parsed rows that must not be stored (a NUL byte, UTF-8 in Latin-1)."""
    con.execute(
        "INSERT INTO rejects SELECT line, '', '', csv_line, CASE error_type "
        "WHEN 'LINE SIZE OVER MAXIMUM' THEN 'too_long' WHEN 'INVALID ENCODING' THEN 'encoding' "
        "WHEN 'UNCLOSED QUOTE' THEN 'unclosed_quote' ELSE 'malformed' END, CASE error_type WHEN 'LINE SIZE OVER MAXIMUM' THEN $size "
        "WHEN 'INVALID ENCODING' THEN $encoding ELSE error_type END, true FROM raw_bad",
        {"size": megabytes(MAX_RECORD_BYTES), "encoding": encoding.upper()},
    )
    con.execute(
        "INSERT INTO rejects SELECT line, '', column_name, value, reason, '', false FROM raw_flagged"
    )


def _collect_rejects(
    con, mapping: Mapping, fields: list[str], headers: dict[str, str], plans, encoding: str
):
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rejects (line BIGINT, field VARCHAR, column_name VARCHAR, "
        "value VARCHAR, reason VARCHAR, detail VARCHAR, unparsed BOOLEAN DEFAULT false)"
    )
    _collect_unreadable(con, encoding)
    dates, numbers = plans
    kinds = FIELDS[mapping.table]
    for name in fields:
        detail = {
            "timestamp": dates.describe(),
            "month": "yyyy-mm",
            "money": f"decimal '{numbers.decimal}'",
        }.get(kinds[name], "")
        con.execute(
            f"INSERT INTO rejects SELECT line, $field, $column, src_{name}, r_{name}, "  # noqa: S608
            f"CASE WHEN r_{name} = 'too_long_value' THEN $limit ELSE $detail END, false "
            f"FROM typed WHERE r_{name} IS NOT NULL",
            {
                "field": name,
                "column": headers.get(name, ""),
                "detail": detail,
                "limit": f"{MAX_CELL_CHARS:,}",
            },
        )
    keys = KEYS[mapping.table]
    key_list = ", ".join(keys)
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    con.execute(
        f"""
        INSERT INTO rejects (line, field, column_name, value, reason, detail)
        SELECT line, $field, $column, src_{keys[0]}, 'duplicate',
               CAST(CASE WHEN line = first_line THEN next_line ELSE first_line END AS VARCHAR)
        FROM (
            SELECT line, src_{keys[0]}, count(*) OVER w AS n, min(line) OVER w AS first_line,
                   lead(line) OVER (PARTITION BY {key_list} ORDER BY line) AS next_line
            FROM typed WHERE {not_null}
            WINDOW w AS (PARTITION BY {key_list})
        ) WHERE n > 1
        """,  # noqa: S608
        {"field": keys[0], "column": headers.get(keys[0], "")},
    )


def _final(con, mapping: Mapping, mapped: list[str]) -> tuple[list[str], dict[str, str]]:
    """TEMP table `final`: every target column plus the action; returns (columns, update SETs).

    Deals take channel, ICP tier and created_at from their lead when the file leaves them
    empty, and an existing deal that lacks them gets them once its lead is known, whatever the
    order of the imports. An update sets only the fields the mapping names, so a file with a
    few columns (say, NPS scores) never blanks the others.
    """
    table = mapping.table
    columns = list(FIELDS[table])

    def given(name: str) -> str:
        return f"c.{name}" if name in mapped else "NULL"

    exprs = {c: given(c) for c in columns}
    sets = {c: f"f.{c}" for c in mapped if c not in KEYS[table]}
    lead_join = ""
    flags = {"unknown_lead": "false", "inherited": "false", "inferred": "false"}
    fills: list[str] = []
    if table == "deals":
        lead = {"channel": "NULL", "icp_tier": "NULL", "created_at": "NULL"}
        if "lead_id" in mapped:
            lead_join = "LEFT JOIN leads l ON l.lead_id = c.lead_id"
            lead = {
                "channel": "l.channel",
                "icp_tier": "l.icp_tier",
                "created_at": "coalesce(l.mql_at, l.created_at)",
            }
            flags["unknown_lead"] = "(c.lead_id IS NOT NULL AND l.lead_id IS NULL)"
        for name in lead:
            exprs[name] = f"coalesce({given(name)}, {lead[name]})"
        columns.append("created_at_inferred")
        exprs["created_at_inferred"] = (
            f"({given('created_at')} IS NULL AND {lead['created_at']} IS NOT NULL)"
        )
        flags["inherited"] = (
            f"(({given('channel')} IS NULL AND {lead['channel']} IS NOT NULL) OR "
            f"({given('icp_tier')} IS NULL AND {lead['icp_tier']} IS NOT NULL))"
        )
        flags["inferred"] = exprs["created_at_inferred"]
        if "created_at" in mapped:
            sets["created_at_inferred"] = "f.created_at_inferred"
        # Fields the file does not carry: only fill what the existing deal lacks.
        fills = [name for name in lead if name not in mapped]
        for name in fills:
            sets[name] = f"coalesce(t.{name}, f.{name})"
        if "created_at" in fills:
            sets["created_at_inferred"] = (
                "CASE WHEN t.created_at IS NULL AND f.created_at IS NOT NULL THEN true "
                "ELSE t.created_at_inferred END"
            )
    select = ", ".join(
        [*(f"{exprs[c]} AS {c}" for c in columns), *(f"{v} AS {k}" for k, v in flags.items())]
    )
    keys = KEYS[table]
    changed = [f"f.{c} IS DISTINCT FROM t.{c}" for c in sets if c not in fills]
    changed = [c for c in changed if "created_at_inferred" not in c or "created_at" in mapped]
    changed += [f"(t.{c} IS NULL AND f.{c} IS NOT NULL)" for c in fills]
    changed_sql = " OR ".join(changed) or "false"
    old_created = ", t.created_at AS old_created_at" if "created_at" in fills else ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE final AS
        SELECT f.*, CASE WHEN t.{keys[0]} IS NULL THEN 'insert' WHEN {changed_sql} THEN 'update'
                         ELSE 'same' END AS action {old_created}
        FROM (
            SELECT c.line, {select}
            FROM typed c {lead_join}
            WHERE c.line NOT IN (SELECT line FROM rejects WHERE NOT unparsed)
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
    return columns, sets


def _write(con, mapping: Mapping, columns: list[str], sets: dict[str, str]) -> None:
    target = TARGET_TABLES[mapping.table]
    keys = KEYS[mapping.table]
    valid = "line NOT IN (SELECT line FROM rejects WHERE NOT unparsed)"
    cols = ", ".join(columns)
    con.execute(
        f"INSERT INTO {target} ({cols}) SELECT {cols} FROM final "  # noqa: S608
        f"WHERE action = 'insert' AND {valid} ORDER BY line"
    )
    if sets:
        assignments = ", ".join(f"{c} = {expr}" for c, expr in sets.items())
        on = " AND ".join(f"t.{k} = f.{k}" for k in keys)
        con.execute(
            f"UPDATE {target} AS t SET {assignments} FROM final f WHERE {on} "  # noqa: S608
            f"AND f.action = 'update' AND f.{valid}"
        )


def _fill_report(con, report: ImportReport, mapping: Mapping, fields: list[str]) -> None:
    # A 30 MB cell is named by its line and its start, in the report and in --rejects alike.
    con.execute(
        "UPDATE rejects SET value = left(value, $n) || '…' "
        "WHERE strlen(value) > $n AND length(value) > $n",
        {"n": VALUE_SHOWN_CHARS},
    )
    report.rejection_count, report.rejected_rows = con.execute(
        "SELECT count(*), count(DISTINCT line) FROM rejects"
    ).fetchone()
    rows = con.execute(
        "SELECT line, field, column_name, value, reason, detail FROM rejects "
        "ORDER BY line, field LIMIT ?",
        [REJECTIONS_KEPT],
    ).fetchall()
    report.rejections = [Rejection(*row) for row in rows]
    counts = con.execute(
        "SELECT count(*) FILTER (WHERE action = 'insert'), count(*) FILTER (WHERE action = 'update'), "
        "count(*) FILTER (WHERE action = 'same'), count(*) FILTER (WHERE inferred), "
        "count(*) FILTER (WHERE unknown_lead), count(*) FILTER (WHERE inherited) "
        "FROM final WHERE line NOT IN (SELECT line FROM rejects WHERE NOT unparsed)"
    ).fetchone()
    (
        report.inserted,
        report.updated,
        report.unchanged,
        report.created_at_inferred,
        report.unknown_leads,
        report.inherited,
    ) = counts
    if report.unknown_leads:
        report.unknown_lead_examples = [
            r[0]
            for r in con.execute(
                "SELECT lead_id FROM final WHERE unknown_lead ORDER BY line LIMIT 5"
            ).fetchall()
        ]
    shown = ", ".join(["line", *fields])
    rel = con.execute(
        f"SELECT {shown}, (SELECT string_agg(DISTINCT r.reason, ', ') FROM rejects r "  # noqa: S608
        f"WHERE r.line = typed.line) AS problems FROM typed ORDER BY line LIMIT ?",
        [PREVIEW_ROWS],
    )
    names = [d[0] for d in rel.description]
    report.preview = [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _write_rejects_csv(con, path: Path) -> None:
    """Every rejection as CSV, each cell neutralised so a spreadsheet runs no formula from it."""
    from kpi.ingest.csv_safety import safe_csv_text  # pandas, only when a file is asked for

    frame = con.execute(
        "SELECT line, column_name AS column, field, value, reason, detail FROM rejects "
        "ORDER BY line, field"
    ).df()
    path.write_text(safe_csv_text(frame), encoding="utf-8", newline="")


@contextlib.contextmanager
def _read_facts(db_path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The current facts, read-only, for a dry run: no copy, no lock, nothing to roll back."""
    con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT})
    try:
        con.execute("ATTACH ? AS facts (READ_ONLY)", [str(Path(db_path).resolve())])
        con.execute("USE facts")
        yield con
    finally:
        con.close()


def detected_mapping(table: str, path: Path | str) -> Mapping:
    """A mapping guessed from the file's headers (English, Spanish and Portuguese synonyms)."""
    source = open_source(path)
    try:
        return Mapping(table=table, columns=detect_columns(table, source.headers))
    finally:
        source.close()


def run_import(
    db_path: Path | str,
    table: str,
    path: Path | str,
    actor: Actor,
    *,
    mapping: Mapping | None = None,
    dry_run: bool = False,
    accept_valid: bool = False,
    progress: Progress | None = None,
    rejects_csv: Path | str | None = None,
    source_name: str | None = None,
) -> ImportReport:
    """Validate `path` against `mapping` and upsert it into the facts of `db_path`.

    Nothing is written on a dry run, or when rows are rejected and `accept_valid` is false;
    the report says what would have happened. Raises IngestError for input that cannot be
    read or interpreted at all (exit code 1 in the CLI).
    """
    require(actor, "import")
    if table not in FIELDS:
        raise MappingError("unknown_table", table=table, valid=", ".join(FIELDS))
    step = progress or (lambda _fraction: None)
    mapping = mapping or detected_mapping(table, path)
    if mapping.table != table:
        raise MappingError("table_mismatch", mapping=mapping.table, requested=table)
    mapping.validate()
    source = open_source(path, mapping.source, lambda f: step(0.2 * f))
    report = ImportReport(
        table=table,
        source=source_name or Path(path).name,
        dry_run=dry_run,
        accept_valid=accept_valid,
    )
    try:
        resolved, report.skipped_fields = resolve_columns(mapping, source.headers)
        report.columns = {name: source.headers[i] for name, i in resolved.items()}
        headers = dict(report.columns)
        headers.update({name: "=" + value for name, value in mapping.constants.items()})
        step(0.05)
        # The CLI contract: a --db that does not exist yet is created, empty, even on a dry run.
        if not Path(db_path).exists():
            ensure_facts_file(db_path)
        try:
            with _read_facts(db_path) if dry_run else rewrite_facts(db_path) as con:
                _import_into(con, report, mapping, resolved, source, headers, actor, step)
                if rejects_csv and report.rejection_count:
                    _write_rejects_csv(con, Path(rejects_csv))
                    report.rejects_file = str(rejects_csv)
                if dry_run or (report.rejected_rows and not accept_valid):
                    raise ImportAborted
                step(0.9)
            report.written = True
        except ImportAborted:
            report.written = False
        except (duckdb.Error, OSError) as exc:
            # The rewrite rolled back and removed its copy: the facts are as they were.
            detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
            raise IngestError("failed", detail=detail) from exc
    finally:
        source.close()
    step(1.0)
    return report


def _import_into(con, report, mapping, resolved, source, headers, actor, step) -> None:
    bad, report.footer_lines = load_raw(con, source)
    flag_rows(con, source)
    report.mixed_encoding = source.mixed_encoding
    step(0.35)
    report.rows_read = con.execute("SELECT count(*) FROM raw").fetchone()[0] + bad
    fields = [f for f in FIELDS[mapping.table] if f in resolved or f in mapping.constants]
    _stage_values(con, mapping, resolved)
    kinds = FIELDS[mapping.table]
    date_fields = [f"v_{f}" for f in fields if kinds[f] in ("timestamp", "month")]
    money_fields = [f"v_{f}" for f in fields if kinds[f] == "money"]
    date_columns = ", ".join(headers[f] for f in fields if kinds[f] in ("timestamp", "month"))
    try:
        dates = plan_dates(con, date_fields, mapping.source, date_columns)
        numbers = plan_numbers(con, money_fields, source.delimiter, mapping.source)
    except duckdb.Error as exc:
        raise IngestError("unreadable", path=str(source.path), detail=str(exc)[:200]) from None
    report.date_order = dates.describe() if date_fields else None
    report.decimal = numbers.decimal if money_fields else None
    damage = {f for f in fields if kinds[f] == "text" and numeric_like_text(con, f"v_{f}")}
    damage |= {
        f
        for f in fields
        if kinds[f] in ("id", "ref") and f in resolved and spreadsheet_ids_are_damage(con, f"v_{f}")
    }
    step(0.45)
    build_typed(con, mapping.table, fields, (dates, numbers), damage)
    step(0.6)
    _collect_rejects(con, mapping, fields, headers, (dates, numbers), source.encoding)
    columns, sets = _final(con, mapping, fields)
    step(0.7)
    _fill_report(con, report, mapping, fields)
    if report.dry_run or (report.rejected_rows and not report.accept_valid):
        return
    _write(con, mapping, columns, sets)
    con.execute(
        "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            clock.now(),
            actor.username,
            mapping.table,
            report.source,
            report.rows_read,
            report.inserted,
            report.updated,
            report.unchanged,
            report.rejected_rows,
        ],
    )
    report.generation = (
        int(con.execute("SELECT value FROM facts_meta WHERE key = 'generation'").fetchone()[0]) + 1
    )
