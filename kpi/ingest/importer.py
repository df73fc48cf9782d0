"""Import CRM exports into the facts file: validate and convert in DuckDB SQL, upsert, report.

Every cell is loaded as text, converted column by column with SQL (so a million rows take
seconds), and every value that cannot be converted becomes a rejection with its line, column,
value and reason — never a silent guess. The file is compared with the live facts under the
writers' lock; a file that changes nothing writes nothing, and a change is one transaction on a
private copy, swapped in atomically while the app keeps serving (kpi/store/facts_file.py).
"""

from collections.abc import Callable
from pathlib import Path

import duckdb

from kpi.access.roles import Actor, require
from kpi.i18n import DEFAULT_LANGUAGE, t
from kpi.ingest.convert import build_typed
from kpi.ingest.fields import FIELDS
from kpi.ingest.formats import (
    SAMPLE_ROWS,
    numeric_like_text,
    plan_dates,
    plan_numbers,
    spreadsheet_ids_are_damage,
)
from kpi.ingest.headers import detect_columns, resolve_columns
from kpi.ingest.loading import flag_rows, load_raw
from kpi.ingest.mapping import IngestError, Mapping, MappingError
from kpi.ingest.near_duplicates import find_near_duplicates
from kpi.ingest.rejections import collect_rejects
from kpi.ingest.report import ImportReport, fill_report, write_rejects_csv
from kpi.ingest.source import open_source
from kpi.ingest.upsert import build_final, log_import, touched_keys, write_final
from kpi.store.facts_file import update_facts

# SQL here is assembled from canonical field names and generated column names (c0, v_owner...)
# that come from code, never from the file or the user; every value is a bound parameter.

Progress = Callable[[float], None]


class ImportAborted(Exception):
    """Raised inside the rewrite to roll back (dry run, or rejections not accepted)."""


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


def error_message(error: IngestError, lang: str = DEFAULT_LANGUAGE) -> str:
    """The one translated line that explains why an import could not run at all."""
    return t(f"ingest.error.{error.code}", lang, **error.params)


def _check_mapping(mapping: Mapping, table: str) -> None:
    if mapping.table != table:
        raise MappingError("table_mismatch", mapping=mapping.table, requested=table)
    mapping.validate()


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
    if mapping:
        _check_mapping(mapping, table)
    # Opened once: sniffing reads the whole file to decide its encoding.
    source = open_source(path, mapping.source if mapping else None, lambda f: step(0.2 * f))
    report = ImportReport(
        table=table,
        source=source_name or Path(path).name,
        dry_run=dry_run,
        accept_valid=accept_valid,
    )
    try:
        if not mapping:
            mapping = Mapping(table=table, columns=detect_columns(table, source.headers))
            _check_mapping(mapping, table)
        resolved, report.skipped_fields = resolve_columns(mapping, source.headers)
        report.columns = {name: source.headers[i] for name, i in resolved.items()}
        headers = dict(report.columns)
        headers.update({name: "=" + value for name, value in mapping.constants.items()})
        step(0.05)
        try:
            # A dry run only reads: no lock, no copy, nothing to roll back. The CLI contract: a
            # --db that does not exist yet is created, empty, even on a dry run (update_facts).
            with update_facts(db_path, lock=not dry_run) as facts:
                upsert = _import_into(facts.con, report, mapping, resolved, source, headers, step)
                if rejects_csv and report.rejection_count:
                    write_rejects_csv(facts.con, Path(rejects_csv))
                    report.rejects_file = str(rejects_csv)
                if dry_run or (report.rejected_rows and not accept_valid):
                    raise ImportAborted
                if report.inserted or report.updated:
                    with facts.write(**touched_keys(table)) as con:
                        write_final(con, table, upsert)
                        report.generation = log_import(con, actor, report)
                else:
                    # Nothing to change: the file, its bytes and the generation stay as they are.
                    report.generation = facts.generation()
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


def _import_into(con, report, mapping, resolved, source, headers, step):
    """Load, convert and validate the file against the open facts; returns how to upsert it."""
    bad, report.footer_lines = load_raw(con, source)
    flag_rows(con, source)
    report.mixed_encoding = source.mixed_encoding
    step(0.35)
    report.rows_read = con.execute("SELECT count(*) FROM raw").fetchone()[0] + bad
    fields = [f for f in FIELDS[mapping.table] if f in resolved or f in mapping.constants]
    _stage_values(con, mapping, resolved)
    plans, damage = _plan_conversion(con, report, mapping, resolved, fields, source, headers)
    step(0.45)
    build_typed(con, mapping.table, fields, plans, damage)
    step(0.6)
    collect_rejects(con, mapping, fields, headers, plans, source.encoding)
    upsert = build_final(con, mapping.table, fields)
    step(0.7)
    fill_report(con, report, fields)
    report.near_duplicates = find_near_duplicates(con, mapping.table, fields)
    return upsert


def _plan_conversion(con, report, mapping, resolved, fields, source, headers):
    """The file's date order and decimal mark, and the fields a spreadsheet damaged."""
    kinds = FIELDS[mapping.table]
    fields = [f for f in kinds if f in resolved or f in mapping.constants]
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
    return (dates, numbers), damage
