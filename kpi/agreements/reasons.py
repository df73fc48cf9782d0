"""Imported rejection reasons read against the guide's catalogue: counted per catalogue reason,
with the reasons it does not know and the rejections without any reason listed apart."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from kpi.agreements.guide import Guide
from kpi.engine.periods import Period, end_of_day
from kpi.store.database import Store

REASONS_SQL = """
SELECT nullif(trim(rejection_reason), '') AS reason, count(*)
FROM lead_facts
WHERE rejected_at >= $lo AND rejected_at < $hi AND rejected_at < $asof
GROUP BY ALL
"""


@dataclass(frozen=True)
class ReasonCounts:
    """The period's rejections by catalogue reason (every reason listed, most frequent first),
    the imported reasons the catalogue does not know (as imported), and those without one."""

    by_reason: list[tuple[str, int]]
    unknown: list[tuple[str, int]]
    without_reason: int

    @property
    def total(self) -> int:
        known = sum(n for _, n in self.by_reason)
        return known + sum(n for _, n in self.unknown) + self.without_reason


def reason_counts(store: Store, guide: Guide, period: Period, as_of: date) -> ReasonCounts:
    """How the rejections of `period` (known by `as_of`) map onto `guide`'s reasons."""
    params = {"lo": period.start_ts, "hi": period.end_ts, "asof": end_of_day(as_of)}
    rows = store.facts().execute(REASONS_SQL, params).fetchall()
    known: Counter[str] = Counter({reason.name: 0 for reason in guide.reasons})
    unknown: Counter[str] = Counter()
    without = 0
    for imported, count in rows:
        if imported is None:
            without += count
        elif reason := guide.match(imported):
            known[reason.name] += count
        else:
            unknown[imported] += count
    order = {reason.name: i for i, reason in enumerate(guide.reasons)}
    by_reason = sorted(known.items(), key=lambda item: (-item[1], order[item[0]]))
    return ReasonCounts(by_reason, sorted(unknown.items(), key=lambda x: (-x[1], x[0])), without)
