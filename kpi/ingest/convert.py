"""Import conversion in SQL: detect the file's date order and decimal mark, then parse every cell.

Detection looks at a sample first and at the whole column only when the sample cannot decide,
so a million rows cost a few vectorised scans. Parsing yields, per field, the converted value
and a reason code when the text cannot be converted (NULL reason = fine).
"""

from dataclasses import dataclass, field

from kpi.ingest.mapping import FIELDS, IngestError
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
# How a spreadsheet shows a long number it rounded: one digit, maybe a decimal part, and an
# exponent with its sign ("1.23457E+11", "4,01013E+31"). A hash such as "4010e56..." has no sign.
SPREADSHEET_NUMBER = r"-?\d([.,]\d+)?[eE][+-]\d{1,3}"
CURRENCY = r"R\$|US\$|U\$S|\$|€|£|EUR|USD|BRL|GBP|MXN|ARS|COP|CLP|PEN"
SPACES = "[ \t\u00a0\u202f'’]"
NUMERIC_TEXT = r"[<>≥≤+]?\s*\d+([.,]\d+)?\s*(-|a|to|até|hasta)?\s*\d*([.,]\d+)?\s*\+?"
DATE_TIMES = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", "T%H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
WORDY_DATES = ("%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y")
YMD_SLASH = ("%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d")
# Excel day numbers for 1950-01-01 and 2100-12-31: outside that, a number is not a date.
SERIAL_RANGE = (18264, 73415)
SAMPLE_ROWS = 20000
DAY_MONTH = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})"


class Params(dict):
    """Named parameters of one statement: `p(value)` stores it and returns its `$name`."""

    def p(self, value) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f"${name}"


def _regex_char(char: str) -> str:
    return "\\" + char if char in ".$^*+?()[]{}|\\/" else char


@dataclass
class DatePlan:
    """The file's day/month order (or the mapping's formats) and each column's usual formats."""

    order: str = "dmy"
    user_formats: list[str] | None = None
    usual: dict[str, list[str]] = field(default_factory=dict)
    # Whether any date written day/month (or month/day) was seen; otherwise the order is moot.
    seen: bool = True

    def formats(self, year_digits: int) -> list[str]:
        year = "%Y" if year_digits == 4 else "%y"
        day_month = ("%d", "%m") if self.order == "dmy" else ("%m", "%d")
        return [
            sep.join((*day_month, year)) + suffix
            for sep in ("/", "-", ".")
            for suffix in DATE_TIMES
        ]

    def describe(self) -> str:
        if self.user_formats:
            return self.user_formats[0]
        if not self.seen:
            return "yyyy-mm-dd"
        return "dd/mm/yyyy" if self.order == "dmy" else "mm/dd/yyyy"


@dataclass
class NumberPlan:
    decimal: str = "."
    thousands: str = ","


def _expand_user_format(fmt: str) -> list[str]:
    if any(code in fmt for code in ("%H", "%I", "%M")):
        return [fmt]
    return [fmt + suffix for suffix in DATE_TIMES]


def _values(names: list[str], sample: bool) -> str:
    """Non-empty values of the given columns: of the row sample `vals_sample`, or all distinct."""
    relation = "vals_sample" if sample else "vals"
    unions = " UNION ALL ".join(
        f"SELECT {n} AS v FROM {relation} WHERE {n} IS NOT NULL"  # noqa: S608
        for n in names
    )
    return f"SELECT v FROM ({unions})" if sample else f"SELECT DISTINCT v FROM ({unions})"  # noqa: S608


def _day_month_evidence(con, names: list[str], sample: bool) -> tuple:
    return con.execute(
        f"""
        WITH m AS (
            SELECT v, TRY_CAST(nullif(regexp_extract(v, $p, 1), '') AS INTEGER) AS a,
                      TRY_CAST(nullif(regexp_extract(v, $p, 2), '') AS INTEGER) AS b
            FROM ({_values(names, sample)})
        )
        SELECT count(*) FILTER (WHERE a > 12 AND b <= 12), min(v) FILTER (WHERE a > 12 AND b <= 12),
               count(*) FILTER (WHERE b > 12 AND a <= 12), min(v) FILTER (WHERE b > 12 AND a <= 12),
               count(*) FILTER (WHERE a <= 12 AND b <= 12 AND a <> b),
               min(v) FILTER (WHERE a <= 12 AND b <= 12 AND a <> b)
        FROM m
        """,  # noqa: S608
        {"p": DAY_MONTH},
    ).fetchone()


def _usual_formats(con, name: str, candidates: list[str]) -> list[str]:
    """The candidate formats that parse the sampled values of one column, most frequent first."""
    q = Params()
    counts = ", ".join(
        f"count(*) FILTER (WHERE year(try_strptime(v, {q.p(fmt)})) BETWEEN 1900 AND 2100)"
        for fmt in candidates
    )
    row = con.execute(f"SELECT {counts} FROM ({_values([name], True)} LIMIT 2000)", q).fetchone()  # noqa: S608
    hits = sorted((-n, i) for i, n in enumerate(row) if n)
    return [candidates[i] for _, i in hits]


def plan_dates(con, names: list[str], options: dict, columns: str) -> DatePlan:
    """Decide the day/month order across every date column of the file.

    Day-first evidence (a first number above 12) and month-first evidence must not both appear;
    if neither appears but some dates read both ways, the file is ambiguous and the mapping must
    say `date_format`. Without any such date (ISO, serials) the order does not matter.
    """
    user = options.get("date_format")
    if user:
        return DatePlan(user_formats=_expand_user_format(user))
    if not names:
        return DatePlan()
    evidence = _day_month_evidence(con, names, sample=True)
    if evidence[4] and not (evidence[0] or evidence[2]):
        # Only ambiguous dates in the sample: the whole file may still settle it.
        evidence = _day_month_evidence(con, names, sample=False)
    day_first, day_example, month_first, month_example, ambiguous, ambiguous_example = evidence
    if day_first and month_first:
        raise IngestError(
            "mixed_dates", day_first=day_example, month_first=month_example, columns=columns
        )
    if ambiguous and not (day_first or month_first):
        raise IngestError("ambiguous_dates", example=ambiguous_example, columns=columns)
    plan = DatePlan("mdy" if month_first else "dmy", seen=bool(day_first or month_first))
    candidates = plan.formats(4) + plan.formats(2) + list(WORDY_DATES)
    plan.usual = {name: _usual_formats(con, name, candidates) for name in names}
    return plan


def _number_evidence(con, names: list[str], sample: bool) -> tuple:
    q = Params()
    stripped = (
        f"regexp_replace(regexp_replace(regexp_replace(v, '(?i)^\\s*-?\\s*({CURRENCY})\\s*', ''), "
        f"'(?i)\\s*({CURRENCY})\\s*$', ''), {q.p(SPACES)}, '', 'g')"
    )
    comma = (
        "regexp_full_match(s, '-?\\d+,(\\d{1,2}|\\d{4,})') "
        "OR regexp_full_match(s, '-?\\d{1,3}(\\.\\d{3})+,\\d+') "
        "OR regexp_full_match(s, '-?\\d{1,3}(\\.\\d{3}){2,}') OR regexp_full_match(s, '-?\\d{4,},\\d+')"
    )
    dot = (
        "regexp_full_match(s, '-?\\d+\\.(\\d{1,2}|\\d{4,})') "
        "OR regexp_full_match(s, '-?\\d{1,3}(,\\d{3})+\\.\\d+') "
        "OR regexp_full_match(s, '-?\\d{1,3}(,\\d{3}){2,}') OR regexp_full_match(s, '-?\\d{4,}\\.\\d+')"
    )
    ambiguous = "regexp_full_match(s, '-?\\d{1,3}[.,]\\d{3}')"
    return con.execute(
        f"""
        SELECT count(*) FILTER (WHERE {comma}), min(v) FILTER (WHERE {comma}),
               count(*) FILTER (WHERE {dot}), min(v) FILTER (WHERE {dot}),
               count(*) FILTER (WHERE {ambiguous}), min(v) FILTER (WHERE {ambiguous})
        FROM (SELECT v, {stripped} AS s FROM ({_values(names, sample)}))
        """,  # noqa: S608
        q,
    ).fetchone()


def plan_numbers(con, names: list[str], delimiter: str, options: dict) -> NumberPlan:
    """Decide the decimal mark across every amount column, or take it from the mapping."""
    decimal = options.get("decimal")
    if decimal:
        return NumberPlan(decimal, options.get("thousands") or ("." if decimal == "," else ","))
    if not names:
        return NumberPlan()
    evidence = _number_evidence(con, names, sample=True)
    if evidence[4] and not (evidence[0] or evidence[2]):
        evidence = _number_evidence(con, names, sample=False)
    comma, comma_example, dot, dot_example, ambiguous, ambiguous_example = evidence
    if comma and dot:
        raise IngestError("mixed_decimal", comma=comma_example, dot=dot_example)
    if comma:
        return NumberPlan(",", ".")
    if dot:
        return NumberPlan(".", ",")
    # "1.500" alone could be either; the delimiter tells the locale (";" goes with decimal ",").
    if delimiter == ";":
        return NumberPlan(",", ".")
    if delimiter == "," or not ambiguous:
        return NumberPlan(".", ",")
    raise IngestError("ambiguous_decimal", example=ambiguous_example)


def numeric_like_text(con, name: str) -> bool:
    """Whether a text column mostly holds numbers or ranges, where "01-May" must be damage."""
    total, numeric = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE regexp_full_match(v, $p)) "  # noqa: S608
        f"FROM ({_values([name], True)})",
        {"p": NUMERIC_TEXT},
    ).fetchone()
    return total > 0 and numeric * 2 >= total


def spreadsheet_ids_are_damage(con, name: str) -> bool:
    """Whether IDs written like a spreadsheet's rounded number stand out in their column.

    They are damage unless most of the column's (sampled) IDs are written that way: then it is
    the column's own format. A lone ID has nothing to agree with and is refused.
    """
    total, rounded = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE regexp_full_match(v, $p)) "  # noqa: S608
        f"FROM ({_values([name], True)})",
        {"p": SPREADSHEET_NUMBER},
    ).fetchone()
    return total < 2 or rounded * 2 <= total


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
