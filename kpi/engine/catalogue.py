"""The 16 shared KPIs, each declared once as data: the engine, pages, CLI, README and tests read it.

A KPI's formula is a handful of SQL fragments over the rows of two derived relations (the
`lead_facts` and `deal_facts` tables of kpi/store/schema.py, as kpi/engine/compute.py reads them). Fragments may use the parameters
`$asof` (first instant after the as-of day) and `$w` (cohort window in days, 0 = unlimited).
They are code constants, never user text.
"""

from dataclasses import dataclass

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

# Each anchor is the event that puts a row into a period: (relation, SQL timestamp expression).
ANCHORS: dict[str, tuple[str, str]] = {
    "mql": ("leads", "mql_eff"),
    "sql": ("leads", "sql_at"),
    "sla_due": ("leads", "sla_due"),
    "opportunity": ("deals", "created_eff"),
    "close": ("deals", "CASE WHEN stage IN ('won', 'lost') THEN closed_at END"),
    "delivery": ("deals", "CASE WHEN stage = 'won' THEN value_delivered_at END"),
}

# "To-date ≤ from-date + W days" compares calendar dates, as people count days.
WITHIN_WINDOW = "($w = 0 OR CAST({to} AS DATE) <= CAST({start} AS DATE) + CAST($w AS INTEGER))"
HOURS = "date_diff('second', {start}, {end}) / 3600.0"
DAYS = "date_diff('second', {start}, {end}) / 86400.0"

DEALS_QUALITY = {
    "deals_without_lead": "no_lead",
    "inferred_created_at": "created_inferred",
    "missing_created_at": "created_eff IS NULL",
}


@dataclass(frozen=True)
class Kpi:
    """One KPI: what it means (es/en), how it is computed, and how it is judged."""

    id: str
    area: str
    label_es: str
    label_en: str
    definition_es: str
    definition_en: str
    unit: str
    direction: int  # +1 higher is better, -1 lower is better
    target: float  # rates as fractions (0.25 = 25 %)
    tolerance: float  # rates in percentage points, otherwise in the KPI's unit
    anchor: str
    kind: str
    min_sample: int
    breakdowns: tuple[str, ...]
    eligible: str = "TRUE"  # SQL: the row belongs to the denominator
    success: str = ""  # SQL (rate): the row counts in the numerator
    numerator_sum: str = ""  # SQL (sum_ratio): summed into the numerator
    denominator_sum: str = "1"  # SQL (sum_ratio): summed into the denominator
    duration: str = ""  # SQL (median): exact difference in the KPI's unit
    cohort: bool = False  # conversion within the window W: young cohorts are maturing
    quality: tuple[tuple[str, str], ...] = ()  # (counter name, SQL condition) over anchored rows

    @property
    def source(self) -> str:
        return ANCHORS[self.anchor][0]

    def label(self, lang: str) -> str:
        return self.label_es if lang == "es" else self.label_en

    def definition(self, lang: str) -> str:
        return self.definition_es if lang == "es" else self.definition_en


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
        success="sql_at >= mql_eff AND sql_at < $asof AND "
        + WITHIN_WINDOW.format(to="sql_at", start="mql_eff"),
        cohort=True,
        quality=_q(skipped_stages="mql_at IS NULL", backward_stages="sql_at < mql_eff"),
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
        quality=_q(skipped_stages="mql_at IS NULL"),
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
        duration=HOURS.format(start="mql_eff", end="first_response_at"),
        quality=_q(negative_durations="first_response_at < mql_eff"),
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
        quality=_q(negative_durations="first_response_at < mql_eff"),
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
        duration=DAYS.format(start="created_eff", end="closed_at"),
        quality=_q(negative_durations="stage = 'won' AND closed_at < created_eff", **DEALS_QUALITY),
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
        duration=DAYS.format(start="closed_at", end="value_delivered_at"),
        quality=_q(negative_durations="value_delivered_at < closed_at"),
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
        success="first_won_at >= mql_eff AND "
        + WITHIN_WINDOW.format(to="first_won_at", start="mql_eff"),
        cohort=True,
        quality=_q(skipped_stages="mql_at IS NULL", backward_stages="first_won_at < mql_eff"),
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
        quality=_q(skipped_stages="mql_at IS NULL"),
    ),
)

BY_ID: dict[str, Kpi] = {kpi.id: kpi for kpi in CATALOGUE}

UNIT_LABELS = {
    "rate": ("%", "%"),
    "hours": ("horas", "hours"),
    "days": ("días", "days"),
    "score": ("puntos", "points"),
}


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
    from kpi.i18n import DASH

    if kpi_id in BY_ID:
        return BY_ID[kpi_id].label(lang)
    return kpi_id or DASH


def unit_label(kpi: Kpi, lang: str, currency: str = "EUR") -> str:
    """A KPI's unit for an axis title; money in the configured currency's symbol."""
    if kpi.unit != "currency":
        return UNIT_LABELS[kpi.unit][0 if lang == "es" else 1]
    from kpi.i18n import currency_symbol

    return currency_symbol(currency, lang)


def format_value(kpi: Kpi | str, value: float | None, lang: str, currency: str = "EUR") -> str:
    """A KPI value as people read it: 22,0 %, 18,5 h, 1.234 €, NPS 31 (the one formatter).

    `kpi` may be a unit name, for values frozen with their unit (a meeting's snapshot)."""
    from kpi.i18n import DASH, fmt_currency, fmt_number, fmt_percent

    unit = kpi if isinstance(kpi, str) else kpi.unit
    if value is None:
        return DASH
    if unit == "rate":
        return fmt_percent(value, lang)
    if unit == "currency":
        return fmt_currency(value, lang, currency, digits=0)
    if unit == "score":
        return fmt_number(value, lang, 0)
    suffix = {"hours": " h", "days": " d"}[unit]
    return fmt_number(value, lang, 1) + suffix


def format_delta(
    kpi: Kpi | str, delta: float | None, lang: str, currency: str = "EUR"
) -> str | None:
    """A change between two values: rates in percentage points, others in the KPI's unit."""
    from kpi.i18n import fmt_points

    if delta is None:
        return None
    if (kpi if isinstance(kpi, str) else kpi.unit) == "rate":
        return fmt_points(delta * 100, lang)
    sign = "+" if delta > 0 else ("-" if delta < 0 else "")
    return sign + format_value(kpi, abs(delta), lang, currency)
