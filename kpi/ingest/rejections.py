"""Every value an import refuses, collected in TEMP `rejects` with its line, column and reason."""

from kpi.ingest.fields import FIELDS, KEYS
from kpi.ingest.mapping import Mapping
from kpi.ingest.source import MAX_CELL_CHARS, MAX_RECORD_BYTES, megabytes

# The lines whose row must not be stored. Rows the reader refused (`unparsed`) never reach
# `raw`; their line comes from DuckDB's count, which a quoted multi-line cell can shift, so
# they must not exclude any parsed row by line.
REFUSED_LINES = "(SELECT line FROM rejects WHERE NOT unparsed)"


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


def collect_rejects(
    con, mapping: Mapping, fields: list[str], headers: dict[str, str], plans, encoding: str
) -> None:
    """TEMP `rejects`: unreadable rows, values that do not convert and duplicated keys."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rejects (line BIGINT, field VARCHAR, column_name VARCHAR, "
        "value VARCHAR, reason VARCHAR, detail VARCHAR, unparsed BOOLEAN DEFAULT false)"
    )
    _collect_unreadable(con, encoding)
    _collect_unconverted(con, mapping.table, fields, headers, plans)
    _collect_duplicates(con, mapping.table, headers)


def _collect_unconverted(con, table: str, fields: list[str], headers: dict[str, str], plans):
    """Each cell whose text does not convert, with the format it was expected in."""
    dates, numbers = plans
    kinds = FIELDS[table]
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


def _collect_duplicates(con, table: str, headers: dict[str, str]) -> None:
    """Each row whose key another row of the file holds too, naming that other row's line."""
    keys = KEYS[table]
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
