"""Import conversion in SQL: parse every cell of a field with the formats detected for the file.

Parsing yields, per field, the converted value and a reason code when the text cannot be
converted (NULL reason = fine).
"""

from dataclasses import dataclass

from kpi.ingest.fields import FIELDS
from kpi.ingest.formats import (
    CURRENCY,
    SPACES,
    SPREADSHEET_NUMBER,
    WORDY_DATES,
    DatePlan,
    Params,
)
from kpi.ingest.source import MAX_CELL_CHARS

STAGES = {
    "won": (
        "won", "win", "closed won", "closedwon", "closed_won", "ganado", "ganada",
        "cerrado ganado", "cerrada ganada", "ganho", "ganha", "fechado ganho", "fechada ganha",
    ),
    "lost": (
        "lost", "lose", "closed lost", "closedlost", "closed_lost", "perdido", "perdida",
        "cerrado perdido", "cerrada perdida", "fechado perdido", "fechada perdida",
    ),
    "open": (
        "open", "opened", "in progress", "abierto", "abierta", "en curso", "aberto", "aberta",
        "em andamento", "pending", "pendiente", "pendente", "prospecting", "prospect",
        "engaging", "engaged", "qualification", "qualified", "discovery", "demo", "proposal",
        "negotiation", "prospección", "prospeccion", "cualificación", "calificación",
        "propuesta", "negociación", "negociacion", "prospecção", "qualificação", "proposta",
        "negociação",
    ),
}  # fmt: skip
TRUE_WORDS = ("true", "t", "yes", "y", "si", "sí", "sim", "1", "verdadero", "verdadeiro", "x")
FALSE_WORDS = ("false", "f", "no", "n", "não", "nao", "0", "falso")

MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic|fev|mai|set|out|dez"
# Values a spreadsheet turned into dates: "1-5" -> "01-May", "5-20" -> "May-20".
MANGLED = rf"(?i)^(\d{{1,2}}[-/ .]({MONTHS})[a-z]*\.?|({MONTHS})[a-z]*\.?[-/ .]\d{{1,4}})$"
SCIENTIFIC = r"-?\d+([.,]\d+)?[eE][+-]?\d+"
YMD_SLASH = ("%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d")
# Excel day numbers for 1950-01-01 and 2100-12-31: outside that, a number is not a date.
SERIAL_RANGE = (18264, 73415)


def _regex_char(char: str) -> str:
    return "\\" + char if char in ".$^*+?()[]{}|\\/" else char


@dataclass
class FieldSql:
    """Three steps for one field: prepare the text, parse it, explain a failure (or NULL)."""

    prep: str
    parsed: str
    reason: str


def _timestamp(v: str, usual: list[str], plan: DatePlan, q: Params) -> str:
    serial = (
        f"CASE WHEN TRY_CAST({v} AS DOUBLE) BETWEEN {SERIAL_RANGE[0]} AND {SERIAL_RANGE[1]} "
        f"THEN TIMESTAMP '1899-12-30' + "
        f"to_seconds(CAST(round(CAST({v} AS DOUBLE) * 86400) AS BIGINT)) END"
    )
    branches = [
        f"WHEN regexp_matches({v}, '^\\d{{4}}-\\d') THEN TRY_CAST({v} AS TIMESTAMP)",
        f"WHEN regexp_matches({v}, '^\\d{{4}}[/.]\\d') THEN try_strptime({v}, {q.p(list(YMD_SLASH))})",
        f"WHEN regexp_full_match({v}, '\\d{{5}}(\\.\\d+)?') THEN {serial}",
    ]
    if not plan.user_formats:
        branches += [
            f"WHEN regexp_matches({v}, '^\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{4}}') "
            f"THEN try_strptime({v}, {q.p(plan.formats(4))})",
            f"WHEN regexp_matches({v}, '^\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{2}}($|[ T])') "
            f"THEN try_strptime({v}, {q.p(plan.formats(2))})",
            f"WHEN regexp_matches({v}, '[A-Za-z]') THEN try_strptime({v}, {q.p(list(WORDY_DATES))})",
        ]
    general = f"CASE {' '.join(branches)} END"
    fast = plan.user_formats or usual
    # The column's usual formats first: one parse per cell in the common case.
    return f"coalesce(try_strptime({v}, {q.p(fast)}), {general})" if fast else general


def field_sql(kind: str, name: str, *, usual, plans, q: Params, damage: bool) -> FieldSql:
    """SQL for one field of `vals`: prep reads v_<name>; parse reads w_<name> (the prepared
    text); the reason reads w_<name>, p_<name> (the parsed value) and src_<name> (the cell).
    `damage`: look for spreadsheet damage (dates in a numeric text column, rounded IDs)."""
    # Long on purpose: one short branch per field kind, so every kind's rules read side by side.
    dates, numbers = plans
    text, v, p, raw = f"v_{name}", f"w_{name}", f"p_{name}", f"src_{name}"

    def mangled() -> str:
        return f"regexp_matches({raw}, {q.p(MANGLED)})"

    def failed(code: str, extra: str = "") -> str:
        return f"CASE WHEN {v} IS NULL THEN NULL WHEN {p} IS NULL THEN '{code}' {extra} END"

    if kind in ("id", "ref"):
        whens = [f"WHEN {v} IS NULL THEN 'missing'"] if kind == "id" else []
        if damage:
            whens.append(f"WHEN regexp_full_match({v}, '{SPREADSHEET_NUMBER}') THEN 'scientific'")
        return FieldSql(text, v, f"CASE {' '.join(whens)} END" if whens else "NULL")
    if kind == "text":
        reason = f"CASE WHEN {mangled()} THEN 'spreadsheet_damage' END" if damage else "NULL"
        return FieldSql(text, v, reason)
    if kind == "tier":
        letter = f"upper(regexp_replace({text}, '(?i)^\\s*(icp|tier|nivel|nível)[\\s_:-]*', ''))"
        parsed = (
            f"CASE WHEN {v} IN ('A', 'B', 'C') THEN {v} WHEN {v} IN ('1', '2', '3') "
            f"THEN chr(CAST({v} AS INTEGER) + 64) END"
        )
        return FieldSql(letter, parsed, failed("bad_tier"))
    if kind in ("stage", "bool"):
        choices = (
            STAGES.items() if kind == "stage" else (("true", TRUE_WORDS), ("false", FALSE_WORDS))
        )
        whens = " ".join(
            f"WHEN list_contains({q.p(list(words))}, {v}) THEN {q.p(value)}"
            for value, words in choices
        )
        parsed = f"CASE {whens} END"
        if kind == "bool":
            parsed = f"CAST({parsed} AS BOOLEAN)"
        return FieldSql(f"lower({text})", parsed, failed(f"bad_{kind}"))
    if kind == "score":
        parsed = (
            f"CASE WHEN regexp_full_match({v}, '\\d{{1,3}}([.,]0+)?') "
            f"THEN CAST(regexp_extract({v}, '^\\d+') AS SMALLINT) END"
        )
        reason = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {mangled()} THEN 'spreadsheet_damage' "
            f"WHEN {p} IS NULL THEN 'bad_number' WHEN {p} NOT BETWEEN 0 AND 10 THEN 'bad_score' END"
        )
        return FieldSql(text, parsed, reason)
    if kind == "money":
        prep = (
            f"regexp_replace(regexp_replace(regexp_replace({text}, "
            f"'(?i)^\\s*(-?)\\s*({CURRENCY})\\s*', '\\1'), '(?i)\\s*({CURRENCY})\\s*$', ''), "
            f"{q.p(SPACES)}, '', 'g')"
        )
        dec, thousands = _regex_char(numbers.decimal), _regex_char(numbers.thousands)
        pattern = f"-?(\\d{{1,3}}({thousands}\\d{{3}})+|\\d+)({dec}\\d+)?"
        plain = f"replace(replace({v}, {q.p(numbers.thousands)}, ''), {q.p(numbers.decimal)}, '.')"
        parsed = (
            f"CASE WHEN regexp_full_match({v}, {q.p(pattern)}) "
            f"THEN TRY_CAST({plain} AS DECIMAL(18, 2)) END"
        )
        reason = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {mangled()} THEN 'spreadsheet_damage' "
            f"WHEN regexp_full_match({v}, '{SCIENTIFIC}') THEN 'scientific' "
            f"WHEN {p} IS NULL THEN 'bad_number' WHEN {p} < 0 THEN 'negative' END"
        )
        return FieldSql(prep, parsed, reason)
    in_range = f"WHEN year({p}) NOT BETWEEN 1900 AND 2100 THEN 'date_out_of_range'"
    if kind == "timestamp":
        return FieldSql(text, _timestamp(v, usual, dates, q), failed("bad_date", in_range))
    if kind == "month":
        parsed = (
            f"CAST(date_trunc('month', CASE WHEN regexp_full_match({v}, '\\d{{4}}[-/.]\\d{{1,2}}') "
            f"THEN try_strptime(regexp_replace({v}, '[/.]', '-') || '-01', '%Y-%m-%d') "
            f"WHEN regexp_full_match({v}, '\\d{{1,2}}[-/.]\\d{{4}}') "
            f"THEN try_strptime('01-' || regexp_replace({v}, '[/.]', '-'), '%d-%m-%Y') "
            f"ELSE {_timestamp(v, usual, dates, q)} END) AS DATE)"
        )
        reason = (
            f"CASE WHEN {v} IS NULL THEN 'missing' WHEN {p} IS NULL THEN 'bad_month' {in_range} END"
        )
        return FieldSql(text, parsed, reason)
    raise ValueError(f"unknown field kind {kind!r}")


def build_typed(con, table: str, fields: list[str], plans, damage: set[str]) -> None:
    """TEMP table `typed`: line, and per field src_<f>, r_<f> (reason) and <f> (converted)."""
    q = Params()
    kinds = FIELDS[table]
    dates = plans[0]
    prep, parse, explain, final = ["line"], ["line"], ["line"], ["line"]
    for name in fields:
        sql = field_sql(
            kinds[name],
            name,
            usual=dates.usual.get(f"v_{name}", []),
            plans=plans,
            q=q,
            damage=name in damage,
        )
        prep += [f"src_{name}", f"{sql.prep} AS w_{name}"]
        parse += [f"src_{name}", f"w_{name}", f"{sql.parsed} AS p_{name}"]
        # strlen is the stored byte length: the character count is needed only past it.
        too_long = (
            f"strlen(src_{name}) > {MAX_CELL_CHARS} AND length(src_{name}) > {MAX_CELL_CHARS}"
        )
        reason = f"CASE WHEN {too_long} THEN 'too_long_value' ELSE {sql.reason} END"
        explain += [f"src_{name}", f"w_{name}", f"p_{name}", f"{reason} AS r_{name}"]
        final += [
            f"src_{name}",
            f"r_{name}",
            f"CASE WHEN r_{name} IS NULL THEN p_{name} END AS {name}",
        ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE typed AS SELECT {', '.join(final)} FROM ("  # noqa: S608
        f"SELECT {', '.join(explain)} FROM (SELECT {', '.join(parse)} FROM ("
        f"SELECT {', '.join(prep)} FROM vals)))",
        q,
    )
