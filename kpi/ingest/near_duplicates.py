"""Near-duplicate dimension values an import brings: «Eventos» beside an existing `events`.

Rule: two values of one dimension (channel, campaign, owner, rejection reason) are near
duplicates when they differ as typed but are equal once folded: lower case, accents removed,
runs of spaces, `_`, `-`, `.` and `/` made one space, a known Spanish name replaced by its
English one (`SPANISH_TO_ENGLISH`), and a plural `s` dropped from each word longer than three
letters. Why folding and a pair list rather than an edit distance: dimension values are short
codes and names, where one or two edits separate genuinely different values (owners «Ana» and
«Ada», channels `seo` and `sem`); the folding catches how one value actually drifts between
CRMs and people, and flags nothing else. The rows are still imported: the report only warns,
naming both values and how many lines carry each.
"""

import re
import unicodedata
from dataclasses import dataclass

from kpi.i18n import t
from kpi.ingest.fields import FIELDS, TARGET_TABLES
from kpi.ingest.rejections import REFUSED_LINES

DIMENSIONS = ("channel", "campaign", "owner", "rejection_reason")
# Folded Spanish names of common channels and reasons -> their folded English names.
SPANISH_TO_ENGLISH = {
    "evento": "event",
    "eventos": "events",
    "busqueda de pago": "paid search",
    "busqueda pagada": "paid search",
    "redes sociales de pago": "paid social",
    "social de pago": "paid social",
    "recomendacion": "referral",
    "recomendaciones": "referrals",
    "referido": "referral",
    "referidos": "referrals",
    "socios": "partners",
    "alianzas": "partners",
    "prospeccion saliente": "outbound",
    "saliente": "outbound",
    "organico": "organic",
    "sin atribuir": "unattributed",
    "presupuesto": "budget",
    "precio": "price",
    "competencia": "competitor",
}
_SEPARATORS = re.compile(r"[\s_\-./]+")


@dataclass(frozen=True)
class NearDuplicate:
    """An imported value that folds like another one: in the facts already, or in the file."""

    field: str
    value: str
    lines: int  # lines of the file with `value`
    other: str
    other_count: int  # rows of the facts (stored) or lines of the file (not stored) with `other`
    stored: bool

    def text(self, lang: str) -> str:
        kind = "stored" if self.stored else "file"
        return t(
            f"ingest.near_duplicate.{kind}",
            lang,
            field=t(f"ingest.field.{self.field}", lang),
            value=self.value,
            lines=self.lines,
            other=self.other,
            count=self.other_count,
        )


def fold(value: str) -> str:
    """The form two spellings of one value share (see the module's rule)."""
    plain = unicodedata.normalize("NFKD", value.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = _SEPARATORS.sub(" ", plain).strip()
    plain = SPANISH_TO_ENGLISH.get(plain, plain)
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in plain.split())


def _by_fold(values) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for value in values:
        groups.setdefault(fold(value), []).append(value)
    return groups


def _stored_union(field: str) -> str:
    """Every facts table's `field` as one column `v` (the tables come from FIELDS, not input)."""
    tables = [TARGET_TABLES[t] for t, fields in FIELDS.items() if field in fields]
    return " UNION ALL ".join(f"SELECT {field} AS v FROM {t}" for t in tables)  # noqa: S608


def _stored_count(con, field: str, value: str) -> int:
    sql = f"SELECT count(*) FROM ({_stored_union(field)}) WHERE v = ?"  # noqa: S608
    return con.execute(sql, [value]).fetchone()[0]


def find_near_duplicates(con, table: str, fields: list[str]) -> list[NearDuplicate]:
    """Each value of the file's accepted rows that folds like a different stored or imported
    value, per dimension (needs TEMP `typed` and `rejects`; reads the open facts). Stored values
    are read as distinct values and counted only for a match, so a large database stays fast."""
    found = []
    for field in (f for f in DIMENSIONS if f in fields and f in FIELDS[table]):
        imported = dict(
            con.execute(
                f"SELECT {field}, count(*) FROM typed WHERE {field} IS NOT NULL "  # noqa: S608
                f"AND line NOT IN {REFUSED_LINES} GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
        if not imported:
            continue
        stored = {
            v
            for (v,) in con.execute(
                f"SELECT DISTINCT v FROM ({_stored_union(field)}) WHERE v IS NOT NULL"  # noqa: S608
            ).fetchall()
        }
        stored_groups, imported_groups = _by_fold(stored), _by_fold(imported)
        seen = set()
        for value, lines in imported.items():
            if value in stored:
                continue
            key = fold(value)
            others = [(o, True) for o in sorted(stored_groups.get(key, []))]
            others += [(o, False) for o in imported_groups[key] if o != value and o not in stored]
            for other, is_stored in others:
                if frozenset((value, other)) in seen:
                    continue
                seen.add(frozenset((value, other)))
                count = _stored_count(con, field, other) if is_stored else imported[other]
                found.append(NearDuplicate(field, value, lines, other, count, is_stored))
    return found
