"""The README's KPI table, rendered from the catalogue so the two never disagree."""

from kpi.engine.catalogue import CATALOGUE
from kpi.engine.formula import Kpi


def _target_text(kpi: Kpi) -> str:
    arrow = "≥" if kpi.direction > 0 else "≤"
    if kpi.unit == "rate":
        return f"{arrow} {kpi.target * 100:g}% (±{kpi.tolerance:g} pp)"
    unit = {"hours": " h", "days": " d", "currency": " €", "score": ""}[kpi.unit]
    return f"{arrow} {kpi.target:g}{unit} (±{kpi.tolerance:g}{unit})"


def kpi_table_markdown() -> str:
    """The README's KPI table, rendered from the catalogue so the two never disagree."""
    lines = [
        "| id | area | KPI | definition | good | default target | min. sample | breakdowns |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kpi in CATALOGUE:
        good = "↑" if kpi.direction > 0 else "↓"
        lines.append(
            f"| `{kpi.id}` | {kpi.area} | {kpi.label_en} | {kpi.definition_en} | {good} | "
            f"{_target_text(kpi)} | {kpi.min_sample} | {', '.join(kpi.breakdowns)} |"
        )
    return "\n".join(lines) + "\n"
