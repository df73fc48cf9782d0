"""Form fields several widgets share, so each is declared once."""

from functools import partial

from app_pages.widgets import common
from kpi.engine import catalogue


def kpi_select(
    where, label: str, key: str, none: str | None = None, optional: bool = True
) -> str | None:
    """A KPI picker showing labels in the viewer's language; an optional one offers `none` first
    (the "no KPI" choice)."""
    return where.selectbox(
        label,
        [none, *catalogue.BY_ID] if optional else list(catalogue.BY_ID),
        format_func=partial(catalogue.label_of, lang=common.lang()),
        key=key,
    )
