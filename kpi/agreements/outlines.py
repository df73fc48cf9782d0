"""How the agreements read: each commitment's terms, owner and figure, and both documents as
outlines for the one Markdown/PDF renderer (kpi/cockpit/documents.py)."""

from collections.abc import Callable

from kpi.agreements import compliance, versions
from kpi.agreements.compliance import ItemCompliance
from kpi.agreements.guide import Guide, current_guide
from kpi.agreements.reasons import reason_counts
from kpi.agreements.sla import ITEMS, OWNERS, TIERS, Sla, current_sla
from kpi.cockpit.documents import Outline, Section, Table, outline_markdown, outline_pdf
from kpi.engine.catalogue import AREA_LABELS, format_value
from kpi.engine.periods import period_label
from kpi.i18n import fmt_date, fmt_number, t
from kpi.store.database import Store
from kpi.text import escape_markdown

# How user text enters the outline: escaped for Markdown, as typed for the PDF.
UserText = Callable[[str], str]
# The period whose figures the downloaded documents report.
DOCUMENT_PERIOD = "month"


def owner_label(item: str, lang: str) -> str:
    return AREA_LABELS[OWNERS[item]][0 if lang == "es" else 1]


def term_text(sla: Sla, item: str, lang: str) -> str:
    """What `sla` commits to for `item`, as one sentence."""
    if item == "response":
        text = t(
            "agreements.term.response", lang, hours=format_value("hours", sla.response_hours, lang)
        )
        tiers = [
            t("agreements.term.tier", lang, tier=tier, hours=format_value("hours", hours, lang))
            for tier in TIERS
            if (hours := sla.tier_hours.get(tier))
        ]
        return f"{text} ({', '.join(tiers)})" if tiers else text
    if item == "quality":
        return t(
            "agreements.term.quality", lang, share=format_value("rate", sla.min_icp_a_share, lang)
        )
    days = sla.feedback_business_days if item == "feedback" else sla.review_days
    return t(f"agreements.term.{item}", lang, days=fmt_number(days, lang, 0))


def figure_text(found: ItemCompliance, lang: str) -> str:
    """A figure with the counts behind it: «50,0 % (3/6)»; «sin datos» when nothing fell due."""
    if found.value is None:
        return t("agreements.status.no_data", lang)
    counts = f"{fmt_number(found.numerator, lang, 0)}/{fmt_number(found.denominator, lang, 0)}"
    return f"{format_value('rate', found.value, lang)} ({counts})"


def target_text(sla: Sla, item: str, lang: str) -> str:
    share = sla.min_icp_a_share if item == "quality" else sla.compliance_target
    return f"≥ {format_value('rate', share, lang)}"


def approval_text(approval: versions.Approval | None, lang: str, user: UserText = str) -> str:
    """«v2, aprobada el 01/04/2025 por Ana, Luis», or that no version was approved yet."""
    if approval is None:
        return t("agreements.unapproved", lang)
    return t(
        "agreements.approved",
        lang,
        version=approval.version,
        day=fmt_date(approval.approved_on, lang),
        approvers=", ".join(user(name) for name in approval.approvers),
    )


def _facts(approval: versions.Approval | None, lang: str, user: UserText) -> list[tuple[str, str]]:
    facts = [(t("agreements.doc.version", lang), approval_text(approval, lang, user))]
    if approval and approval.note:
        facts.append((t("agreements.note", lang), user(approval.note)))
    return facts


def sla_outline(store: Store, lang: str, user: UserText = str) -> Outline:
    sla = current_sla(store)
    (period,), as_of = compliance.recent_periods(store, DOCUMENT_PERIOD, 1)
    found = compliance.sla_compliance(store, sla, period, as_of)
    rows = [
        [
            t(f"agreements.item.{item}", lang),
            owner_label(item, lang),
            term_text(sla, item, lang),
            target_text(sla, item, lang),
            figure_text(figure, lang),
            t(f"agreements.status.{figure.status}", lang),
        ]
        for item, figure in zip(ITEMS, found, strict=True)
    ]
    header = [t(f"agreements.col.{c}", lang) for c in ("item", "owner", "term", "target")]
    header += [t("agreements.col.figure", lang), t("agreements.col.status", lang)]
    section = Section(
        t("agreements.doc.commitments", lang),
        paragraphs=[t("agreements.doc.period", lang, period=period_label(period, lang))],
        table=Table(header, rows, (26, 28, 50, 16, 28, 18)),
    )
    return Outline(t("agreements.sla.title", lang), _facts(sla.approval, lang, user), [section])


def guide_outline(store: Store, lang: str, user: UserText = str) -> Outline:
    guide: Guide = current_guide(store)
    sections = [
        Section(t(f"agreements.guide.{key}", lang), paragraphs=[user(getattr(guide, key))])
        for key in ("mql_criteria", "sql_criteria", "disqualification")
    ]
    (period,), as_of = compliance.recent_periods(store, DOCUMENT_PERIOD, 1)
    counts = reason_counts(store, guide, period, as_of)
    aliases = {reason.name: reason.aliases for reason in guide.reasons}
    rows = [
        [user(name), ", ".join(user(a) for a in aliases[name]), fmt_number(count, lang, 0)]
        for name, count in counts.by_reason
    ]
    header = [t(f"agreements.col.{c}", lang) for c in ("reason", "aliases", "count")]
    period_text = t("agreements.doc.reasons_period", lang, period=period_label(period, lang))
    sections.append(
        Section(
            t("agreements.guide.reasons", lang),
            paragraphs=[period_text],
            table=Table(header, rows, (55, 90, 35)),
        )
    )
    count = fmt_number(counts.without_reason, lang, 0)
    unknown = Section(
        t("agreements.reasons.unknown", lang),
        paragraphs=[t("agreements.reasons.without", lang, count=count)],
    )
    unknown.bullets += [
        t("agreements.reasons.unknown_one", lang, reason=user(name), count=fmt_number(n, lang, 0))
        for name, n in counts.unknown
    ]
    if not counts.unknown:
        unknown.paragraphs.append(t("agreements.reasons.all_known", lang))
    sections.append(unknown)
    return Outline(t("agreements.guide.title", lang), _facts(guide.approval, lang, user), sections)


OUTLINES = {"sla": sla_outline, "guide": guide_outline}


def document_markdown(store: Store, document: str, lang: str) -> str:
    return outline_markdown(OUTLINES[document](store, lang, user=escape_markdown))


def document_pdf(store: Store, document: str, lang: str) -> bytes:
    return outline_pdf(OUTLINES[document](store, lang))
