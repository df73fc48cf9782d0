"""Detecting a file's formats in SQL: date order, decimal mark, and spreadsheet damage.

Detection looks at a sample first and at the whole column only when the sample cannot decide,
so a million rows cost a few vectorised scans.
"""

from dataclasses import dataclass, field

from kpi.ingest.mapping import IngestError

# How a spreadsheet shows a long number it rounded: one digit, maybe a decimal part, and an
# exponent with its sign ("1.23457E+11", "4,01013E+31"). A hash such as "4010e56..." has no sign.
SPREADSHEET_NUMBER = r"-?\d([.,]\d+)?[eE][+-]\d{1,3}"
CURRENCY = r"R\$|US\$|U\$S|\$|€|£|EUR|USD|BRL|GBP|MXN|ARS|COP|CLP|PEN"
SPACES = "[ \t\u00a0\u202f'’]"
NUMERIC_TEXT = r"[<>≥≤+]?\s*\d+([.,]\d+)?\s*(-|a|to|até|hasta)?\s*\d*([.,]\d+)?\s*\+?"
DATE_TIMES = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", "T%H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
WORDY_DATES = ("%d %b %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y")
SAMPLE_ROWS = 20000
DAY_MONTH = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})"


class Params(dict):
    """Named parameters of one statement: `p(value)` stores it and returns its `$name`."""

    def p(self, value) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f"${name}"


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
    """The file's decimal mark and thousands separator, detected or from the mapping."""

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


def _settled(evidence_of, con, names: list[str]) -> tuple:
    """Evidence (one way, example, the other way, example, ambiguous, example) from the sample,
    or from the whole file when the sample holds only ambiguous values: it may still settle."""
    evidence = evidence_of(con, names, sample=True)
    if evidence[4] and not (evidence[0] or evidence[2]):
        evidence = evidence_of(con, names, sample=False)
    return evidence


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
    evidence = _settled(_day_month_evidence, con, names)
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
    evidence = _settled(_number_evidence, con, names)
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


def _sampled_matches(con, name: str, pattern: str) -> tuple[int, int]:
    """(sampled values, how many of them `pattern` matches whole) of one column."""
    return con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE regexp_full_match(v, $p)) "  # noqa: S608
        f"FROM ({_values([name], True)})",
        {"p": pattern},
    ).fetchone()


def numeric_like_text(con, name: str) -> bool:
    """Whether a text column mostly holds numbers or ranges, where "01-May" must be damage."""
    total, numeric = _sampled_matches(con, name, NUMERIC_TEXT)
    return total > 0 and numeric * 2 >= total


def spreadsheet_ids_are_damage(con, name: str) -> bool:
    """Whether IDs written like a spreadsheet's rounded number stand out in their column.

    They are damage unless most of the column's (sampled) IDs are written that way: then it is
    the column's own format. A lone ID has nothing to agree with and is refused.
    """
    total, rounded = _sampled_matches(con, name, SPREADSHEET_NUMBER)
    return total < 2 or rounded * 2 <= total
