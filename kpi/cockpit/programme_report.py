"""The programme's before/after report as a document outline: the page's PDF and Markdown."""

from collections.abc import Callable
from datetime import date

from kpi.access.roles import actor_name
from kpi.cockpit.documents import Outline, Section, Table, outline_markdown, outline_pdf
from kpi.engine import catalogue as cat
from kpi.engine.dimension_labels import channel_label, tier_label
from kpi.i18n import DASH, DEFAULT_LANGUAGE, fmt_date, fmt_percent, t
from kpi.programme.texts import band_text, change_text, phase_text
from kpi.text import escape_markdown

UserText = Callable[[str], str]


def _day(text: str | None, lang: str) -> str:
    return fmt_date(date.fromisoformat(text[:10]), lang) if text else DASH


def _metrics_section(report: dict, lang: str, currency: str) -> Section:
    columns = ("metric", "baseline", "current", "change", "target", "status")
    rows = [
        [
            t(f"programme.metric.{m['id']}", lang),
            cat.format_value(m["unit"], m["baseline"], lang, currency),
            cat.format_value(m["unit"], m["current"], lang, currency),
            change_text(m, lang, currency),
            band_text(m, lang, currency),
            t(f"programme.status.{m['status']}", lang),
        ]
        for m in report["metrics"]
    ]
    header = [t(f"programme.report.col.{c}", lang) for c in columns]
    section = Section(
        t("programme.report.metrics", lang), table=Table(header, rows, (44, 26, 26, 32, 30, 22))
    )
    if any(m["kpi"] is None and not m.get("survey_available") for m in report["metrics"]):
        section.paragraphs.append(t("programme.report.no_survey", lang))
    return section


def _origin_section(metric: dict, lang: str, currency: str, user: UserText, channels) -> Section:
    """Where one metric's change came from, by channel then by ICP tier."""
    rows = []
    for dimension, name in (("channel", channels), ("icp_tier", lambda k: tier_label(k, lang))):
        for row in metric["breakdown"][dimension]:
            rows.append(
                [
                    user(name(row["key"])),
                    cat.format_value(metric["unit"], row["baseline"], lang, currency),
                    cat.format_value(metric["unit"], row["current"], lang, currency),
                    cat.format_delta(metric["unit"], row["contribution"], lang, currency) or DASH,
                ]
            )
    header = [
        t(f"programa.report.origin.{c}", lang) for c in ("group", "baseline", "current", "share")
    ]
    title = t("programa.report.origin", lang, metric=t(f"programme.metric.{metric['id']}", lang))
    return Section(title, table=Table(header, rows, (60, 40, 40, 40)))


def _roi_section(roi: dict, lang: str, currency: str) -> Section:
    def money(value: float | None) -> str:
        return cat.format_value("currency", value, lang, currency)

    section = Section(t("programme.report.roi", lang))
    section.bullets = [
        t("programme.report.roi.cost", lang, value=money(roi["cost"])),
        t(
            f"programme.report.roi.margin_{roi['margin_source']}",
            lang,
            value=fmt_percent(roi["gross_margin"], lang),
        ),
        t(
            "programme.report.roi.baseline_revenue",
            lang,
            value=money(roi["baseline_monthly_won_revenue"]),
        ),
        t("programme.report.roi.incremental", lang, value=money(roi["incremental_gross_margin"])),
        t("programme.report.roi.no_cost", lang)
        if roi["roi"] is None
        else t("programme.report.roi.value", lang, value=fmt_percent(roi["roi"], lang)),
    ]
    if roi["months"]:
        header = [
            t(f"programa.roi.{c}", lang) for c in ("month", "won", "increment", "margin_increment")
        ]
        rows = [
            [
                f"{_day(m['start'], lang)} – {_day(m['end'], lang)}",
                money(m["won_revenue"]),
                money(m["incremental_revenue"]),
                money(m["incremental_margin"]),
            ]
            for m in roi["months"]
        ]
        section.table = Table(header, rows, (60, 40, 40, 40))
    else:
        section.paragraphs.append(t("programme.report.roi.no_months", lang))
    section.paragraphs.append(t("programa.roi.formula", lang))
    section.paragraphs.append(t("programme.report.caveat", lang))
    return section


def _benchmarks_section(report: dict, lang: str, currency: str, user: UserText) -> Section | None:
    if not report["benchmarks"]:
        return None
    columns = ("kpi", "baseline", "benchmark", "gap", "source")
    rows = []
    for kpi_id, mark in report["benchmarks"].items():
        kpi = cat.get(kpi_id)
        rows.append(
            [
                kpi.label(lang),
                cat.format_value(kpi, mark["baseline"], lang, currency),
                cat.format_value(kpi, mark["value"], lang, currency),
                cat.format_delta(kpi, mark["gap"], lang, currency) or DASH,
                user(mark["source"]),
            ]
        )
    header = [t(f"programa.col.{c}", lang) for c in columns]
    return Section(
        t("programa.report.benchmarks", lang), table=Table(header, rows, (46, 28, 28, 28, 50))
    )


def report_outline(
    report: dict,
    lang: str = DEFAULT_LANGUAGE,
    currency: str = "EUR",
    user: UserText = str,
    channel_labels: dict[str, str] | None = None,
) -> Outline:
    """Everything the report says, in order; every user text passes through `user`."""
    p = report["programme"]
    facts = [
        (t("programa.report.start", lang), f"{_day(p['start'], lang)} – {_day(p['end'], lang)}"),
        (t("programa.report.phase", lang), phase_text(p["current_phase"], lang)),
        (
            t("programa.report.baseline", lang),
            t(
                "programa.report.baseline.value",
                lang,
                start=_day(p["baseline_start"], lang),
                end=_day(p["baseline_end"], lang),
                version=p["baseline_version"],
                frozen=_day(p["baseline_frozen_at"], lang),
                who=user(actor_name(p["baseline_frozen_by"], lang)),
            ),
        ),
        (t("programa.report.as_of", lang), _day(p["as_of"], lang)),
    ]
    sections = [_metrics_section(report, lang, currency)]

    def channels(code: str | None) -> str:
        return channel_label(code, lang, channel_labels)

    sections += [
        _origin_section(m, lang, currency, user, channels)
        for m in report["metrics"]
        if m["breakdown"]["channel"] or m["breakdown"]["icp_tier"]
    ]
    sections.append(_roi_section(report["roi"], lang, currency))
    benchmarks = _benchmarks_section(report, lang, currency, user)
    if benchmarks:
        sections.append(benchmarks)
    return Outline(t("programme.report.title", lang, name=user(p["name"])), facts, sections)


def report_markdown(report: dict, lang: str, currency: str = "EUR", channel_labels=None) -> str:
    """The report as Markdown in which everything a user typed reads literally."""
    return outline_markdown(report_outline(report, lang, currency, escape_markdown, channel_labels))


def report_pdf(report: dict, lang: str, currency: str, channel_labels=None) -> bytes:
    """The report as an A4 PDF (the minutes' fonts and engine)."""
    return outline_pdf(report_outline(report, lang, currency, str, channel_labels))
