"""The 16 shared KPIs, each declared once as data: the engine, pages, CLI, README and tests read it.

Their SQL fragments and the rules they share are written in kpi/engine/formula.py's vocabulary.
"""

# Pages, the minutes, the brief and the CLI read the formatters here, beside the KPIs.
from kpi.engine.display import format_delta as format_delta
from kpi.engine.display import format_target as format_target
from kpi.engine.display import format_value as format_value
from kpi.engine.display import unit_label as unit_label
from kpi.engine.formula import (
    DEALS_QUALITY,
    DELIVERED_BEFORE_WON,
    RESPONSE_BEFORE_MQL,
    SKIPPED_STAGES,
    SQL_BEFORE_MQL,
    WON_BEFORE_CREATED,
    Kpi,
    days,
    hours,
    within_window,
)
from kpi.i18n import DASH

AREAS = ("Marketing", "Ventas", "Operaciones", "Dirección")
AREA_LABELS = {
    "Marketing": ("Marketing", "Marketing"),
    "Ventas": ("Ventas", "Sales"),
    "Operaciones": ("Operaciones", "Operations"),
    "Dirección": ("Dirección", "Leadership"),
}
UNITS = ("rate", "hours", "days", "currency", "score")
KINDS = ("rate", "sum_ratio", "median", "nps", "spend_per")
DIMENSIONS = ("channel", "icp_tier", "owner")


def _q(**counters: str) -> tuple[tuple[str, str], ...]:
    return tuple(counters.items())


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        id="mql_to_sql_rate",
        area="Marketing",
        label_es="Conversión MQL→SQL",
        label_en="MQL→SQL conversion",
        definition_es="Porcentaje de los MQL del periodo que llegaron a SQL dentro de la ventana de cohorte.",
        definition_en="Share of the period's MQLs that reached SQL within the cohort window.",
        unit="rate",
        direction=1,
        target=0.25,
        tolerance=3,
        anchor="mql",
        kind="rate",
        min_sample=30,
        breakdowns=DIMENSIONS,
        success="sql_at >= mql_eff AND sql_at < $asof AND " + within_window("sql_at", "mql_eff"),
        cohort=True,
        quality=_q(skipped_stages=SKIPPED_STAGES, backward_stages=SQL_BEFORE_MQL),
    ),
    Kpi(
        id="lead_acceptance_rate",
        area="Marketing",
        label_es="Aceptación de leads por Ventas",
        label_en="Lead acceptance by Sales",
        definition_es="Aceptados ÷ (aceptados + rechazados) entre los MQL del periodo ya decididos.",
        definition_en="Accepted ÷ (accepted + rejected) among the period's MQLs already decided.",
        unit="rate",
        direction=1,
        target=0.80,
        tolerance=5,
        anchor="mql",
        kind="rate",
        min_sample=30,
        breakdowns=DIMENSIONS,
        eligible="(accepted_at < $asof OR rejected_at < $asof)",
        success="accepted_at < $asof",
        quality=_q(skipped_stages=SKIPPED_STAGES),
    ),
    Kpi(
        id="icp_opportunity_share",
        area="Marketing",
        label_es="Oportunidades ICP-A",
        label_en="ICP-A opportunities",
        definition_es="Porcentaje de las oportunidades creadas en el periodo con ICP nivel A.",
        definition_en="Share of the opportunities created in the period with ICP tier A.",
        unit="rate",
        direction=1,
        target=0.70,
        tolerance=5,
        anchor="opportunity",
        kind="rate",
        min_sample=20,
        breakdowns=("channel", "owner"),
        success="icp_tier = 'A'",
        quality=_q(**DEALS_QUALITY),
    ),
    Kpi(
        id="cost_per_opportunity",
        area="Marketing",
        label_es="Coste por oportunidad",
        label_en="Cost per opportunity",
        definition_es="Inversión de marketing del periodo ÷ oportunidades creadas en el periodo, por canal.",
        definition_en="Marketing spend in the period ÷ opportunities created in the period, per channel.",
        unit="currency",
        direction=-1,
        target=1500,
        tolerance=300,
        anchor="opportunity",
        kind="spend_per",
        min_sample=10,
        breakdowns=("channel",),
        quality=_q(**DEALS_QUALITY),
    ),
    Kpi(
        id="lead_response_hours",
        area="Ventas",
        label_es="Tiempo de primera respuesta",
        label_en="First response time",
        definition_es="Mediana de horas entre el MQL y la primera respuesta de Ventas, para los MQL del periodo.",
        definition_en="Median hours from MQL to Sales' first response, for the period's MQLs.",
        unit="hours",
        direction=-1,
        target=8,
        tolerance=4,
        anchor="mql",
        kind="median",
        min_sample=30,
        breakdowns=DIMENSIONS,
        eligible="first_response_at < $asof",
        duration=hours("mql_eff", "first_response_at"),
        quality=_q(negative_durations=RESPONSE_BEFORE_MQL),
    ),
    Kpi(
        id="sla_response_compliance",
        area="Ventas",
        label_es="Cumplimiento del SLA de respuesta",
        label_en="Response SLA compliance",
        definition_es="Porcentaje de los MQL cuyo plazo de SLA vence en el periodo que se respondieron dentro del SLA.",
        definition_en="Share of the MQLs whose SLA deadline falls in the period that were answered within the SLA.",
        unit="rate",
        direction=1,
        target=0.90,
        tolerance=5,
        anchor="sla_due",
        kind="rate",
        min_sample=30,
        breakdowns=DIMENSIONS,
        eligible="(first_response_at IS NULL OR first_response_at >= mql_eff)",
        success="first_response_at <= sla_due",
        quality=_q(negative_durations=RESPONSE_BEFORE_MQL),
    ),
    Kpi(
        id="win_rate",
        area="Ventas",
        label_es="Tasa de cierre",
        label_en="Win rate",
        definition_es="Ganadas ÷ (ganadas + perdidas) de las oportunidades cerradas en el periodo.",
        definition_en="Won ÷ (won + lost) of the deals closed in the period.",
        unit="rate",
        direction=1,
        target=0.25,
        tolerance=3,
        anchor="close",
        kind="rate",
        min_sample=20,
        breakdowns=DIMENSIONS,
        success="stage = 'won'",
        quality=_q(**DEALS_QUALITY),
    ),
    Kpi(
        id="win_rate_icp",
        area="Ventas",
        label_es="Tasa de cierre ICP-A",
        label_en="ICP-A win rate",
        definition_es="Tasa de cierre de las oportunidades ICP-A cerradas en el periodo (el desglose por nivel está en la tasa de cierre).",
        definition_en="Win rate of the ICP-A deals closed in the period (the tier breakdown is on the win rate).",
        unit="rate",
        direction=1,
        target=0.35,
        tolerance=5,
        anchor="close",
        kind="rate",
        min_sample=15,
        breakdowns=("channel", "owner"),
        eligible="icp_tier = 'A'",
        success="stage = 'won'",
        quality=_q(**DEALS_QUALITY),
    ),
    Kpi(
        id="sales_cycle_days",
        area="Ventas",
        label_es="Ciclo de venta",
        label_en="Sales cycle",
        definition_es="Mediana de días desde la creación de la oportunidad hasta ganarla, para las ganadas en el periodo.",
        definition_en="Median days from opportunity creation to win, for the deals won in the period.",
        unit="days",
        direction=-1,
        target=45,
        tolerance=10,
        anchor="close",
        kind="median",
        min_sample=15,
        breakdowns=DIMENSIONS,
        eligible="stage = 'won' AND created_eff IS NOT NULL",
        duration=days("created_eff", "closed_at"),
        quality=_q(negative_durations=WON_BEFORE_CREATED, **DEALS_QUALITY),
    ),
    Kpi(
        id="margin_by_channel",
        area="Ventas",
        label_es="Margen por canal",
        label_en="Margin by channel",
        definition_es="Σ(importe − coste de entrega) ÷ Σ importe de las oportunidades ganadas en el periodo con ambos datos.",
        definition_en="Σ(amount − delivery cost) ÷ Σ amount of the deals won in the period with both figures.",
        unit="rate",
        direction=1,
        target=0.35,
        tolerance=5,
        anchor="close",
        kind="sum_ratio",
        min_sample=10,
        breakdowns=DIMENSIONS,
        eligible="stage = 'won' AND amount IS NOT NULL AND delivery_cost IS NOT NULL",
        numerator_sum="amount - delivery_cost",
        denominator_sum="amount",
        quality=_q(
            missing_amount_or_cost="stage = 'won' AND (amount IS NULL OR delivery_cost IS NULL)"
        ),
    ),
    Kpi(
        id="time_to_value_days",
        area="Operaciones",
        label_es="Tiempo hasta el valor",
        label_en="Time to value",
        definition_es="Mediana de días entre ganar la oportunidad y entregar el valor, para las entregas del periodo.",
        definition_en="Median days from winning a deal to delivering its value, for the period's deliveries.",
        unit="days",
        direction=-1,
        target=30,
        tolerance=7,
        anchor="delivery",
        kind="median",
        min_sample=10,
        breakdowns=DIMENSIONS,
        eligible="closed_at IS NOT NULL",
        duration=days("closed_at", "value_delivered_at"),
        quality=_q(negative_durations=DELIVERED_BEFORE_WON),
    ),
    Kpi(
        id="nps_post_delivery",
        area="Operaciones",
        label_es="NPS tras la entrega",
        label_en="Post-delivery NPS",
        definition_es="% de promotores (9–10) − % de detractores (0–6) entre los clientes con entrega en el periodo que respondieron.",
        definition_en="% promoters (9–10) − % detractors (0–6) among customers with a delivery in the period who answered.",
        unit="score",
        direction=1,
        target=30,
        tolerance=10,
        anchor="delivery",
        kind="nps",
        min_sample=20,
        breakdowns=DIMENSIONS,
        eligible="nps_score IS NOT NULL",
    ),
    Kpi(
        id="rework_rate",
        area="Operaciones",
        label_es="Tasa de retrabajo",
        label_en="Rework rate",
        definition_es="Entregas con retrabajo ÷ entregas del periodo con el dato informado.",
        definition_en="Deliveries with rework ÷ the period's deliveries where it is recorded.",
        unit="rate",
        direction=-1,
        target=0.10,
        tolerance=3,
        anchor="delivery",
        kind="rate",
        min_sample=15,
        breakdowns=DIMENSIONS,
        eligible="reworked IS NOT NULL",
        success="reworked",
    ),
    Kpi(
        id="mql_to_won_rate",
        area="Dirección",
        label_es="Conversión MQL→cliente",
        label_en="MQL→won conversion",
        definition_es="Porcentaje de los MQL del periodo con una oportunidad ganada dentro de la ventana de cohorte.",
        definition_en="Share of the period's MQLs with a deal won within the cohort window.",
        unit="rate",
        direction=1,
        target=0.05,
        tolerance=1,
        anchor="mql",
        kind="rate",
        min_sample=50,
        breakdowns=DIMENSIONS,
        success="first_won_at >= mql_eff AND " + within_window("first_won_at", "mql_eff"),
        cohort=True,
        quality=_q(skipped_stages=SKIPPED_STAGES, backward_stages="first_won_at < mql_eff"),
    ),
    Kpi(
        id="cac",
        area="Dirección",
        label_es="Coste de adquisición (CAC)",
        label_en="Customer acquisition cost",
        definition_es="Inversión de marketing del periodo ÷ clientes nuevos (oportunidades ganadas) en el periodo.",
        definition_en="Marketing spend in the period ÷ new customers (deals won) in the period.",
        unit="currency",
        direction=-1,
        target=6000,
        tolerance=1000,
        anchor="close",
        kind="spend_per",
        min_sample=5,
        breakdowns=("channel",),
        eligible="stage = 'won'",
        quality=_q(**DEALS_QUALITY),
    ),
    Kpi(
        id="revenue_per_sql",
        area="Dirección",
        label_es="Ingresos por SQL",
        label_en="Revenue per SQL",
        definition_es="Ingresos ganados dentro de la ventana por los SQL del periodo ÷ número de esos SQL.",
        definition_en="Revenue won within the window by the period's SQLs ÷ the number of those SQLs.",
        unit="currency",
        direction=1,
        target=3000,
        tolerance=500,
        anchor="sql",
        kind="sum_ratio",
        min_sample=20,
        breakdowns=DIMENSIONS,
        numerator_sum="coalesce(won_revenue, 0)",
        cohort=True,
        quality=_q(skipped_stages=SKIPPED_STAGES),
    ),
)

BY_ID: dict[str, Kpi] = {kpi.id: kpi for kpi in CATALOGUE}


def get(kpi_id: str) -> Kpi:
    try:
        return BY_ID[kpi_id]
    except KeyError:
        raise KeyError(f"unknown KPI {kpi_id!r}") from None


def by_area() -> dict[str, list[Kpi]]:
    return {area: [k for k in CATALOGUE if k.area == area] for area in AREAS}


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


def label_of(kpi_id: str | None, lang: str) -> str:
    """A KPI's name by id; an id no longer in the catalogue reads as itself, none as a dash."""
    if kpi_id in BY_ID:
        return BY_ID[kpi_id].label(lang)
    return kpi_id or DASH
