"""The effort-impact matrix as an Altair chart: shaded named quadrants, labelled jittered points."""

import math

import altair as alt
import pandas as pd

from kpi.cockpit.backlog_rules import HIGH_SCORE, is_scored, quadrant
from kpi.engine.catalogue import label_of
from kpi.i18n import DEFAULT_LANGUAGE, t

SELECTION = "pick"
JITTER_RADIUS = 0.22
LABEL_CHARS = 22
LOW, HIGH = 0.5, 5.5
SPLIT = HIGH_SCORE - 0.5
# Quadrant → (effort range, impact range, colour): quick wins top-left, money pits bottom-right.
QUADRANT_BOXES = {
    "quick_win": ((LOW, SPLIT), (SPLIT, HIGH), "#2e7d32"),
    "big_bet": ((SPLIT, HIGH), (SPLIT, HIGH), "#1565c0"),
    "fill_in": ((LOW, SPLIT), (LOW, SPLIT), "#9e9e9e"),
    "money_pit": ((SPLIT, HIGH), (LOW, SPLIT), "#c62828"),
}


def jittered_positions(items: list[dict]) -> list[tuple[float, float]]:
    """(x, y) per item: alone in its cell it sits on the grid point; k items sharing a cell are
    spread evenly on a small circle around it, in list order, so the layout never changes
    between runs."""
    cells: dict[tuple[int, int], list[int]] = {}
    for index, item in enumerate(items):
        cells.setdefault((item["effort"], item["impact"]), []).append(index)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(items)
    for (effort, impact), members in cells.items():
        count = len(members)
        for rank, index in enumerate(members):
            if count == 1:
                positions[index] = (float(effort), float(impact))
                continue
            angle = math.pi / 2 + 2 * math.pi * rank / count
            positions[index] = (
                effort + JITTER_RADIUS * math.cos(angle),
                impact + JITTER_RADIUS * math.sin(angle),
            )
    return positions


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def effort_impact_chart(
    items: list[dict],
    lang: str = DEFAULT_LANGUAGE,
    selectable: bool = True,
    height: int = 460,
) -> alt.LayerChart:
    """Items (id, title, owner, kpi_id, effort, impact) on the four shaded, named quadrants;
    unscored items have no place on it and are left out.

    With `selectable`, clicking points selects their ids under the selection name `pick`
    (shift+click adds), for `st.altair_chart(..., on_select="rerun")`.
    """
    boxes = pd.DataFrame(
        [
            {
                "x": xs[0],
                "x2": xs[1],
                "y": ys[0],
                "y2": ys[1],
                "name": t(f"backlog.quadrant.{name}", lang),
                "colour": colour,
                "label_x": xs[0] + 0.08,
                "label_y": ys[1] - 0.12,
            }
            for name, (xs, ys, colour) in QUADRANT_BOXES.items()
        ]
    )
    x_scale = alt.Scale(domain=[LOW, HIGH], nice=False, zero=False)
    y_scale = alt.Scale(domain=[LOW, HIGH], nice=False, zero=False)
    x_axis = alt.Axis(
        values=[1, 2, 3, 4, 5], format="d", title=t("backlog.matrix.effort", lang), grid=False
    )
    y_axis = alt.Axis(
        values=[1, 2, 3, 4, 5], format="d", title=t("backlog.matrix.impact", lang), grid=False
    )
    shades = (
        alt.Chart(boxes)
        .mark_rect(opacity=0.12)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=x_axis),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=y_scale, axis=y_axis),
            y2="y2:Q",
            color=alt.Color("colour:N", scale=None),
        )
    )
    names = (
        alt.Chart(boxes)
        .mark_text(align="left", baseline="top", fontSize=14, fontWeight="bold", opacity=0.7)
        .encode(
            x=alt.X("label_x:Q", scale=x_scale),
            y=alt.Y("label_y:Q", scale=y_scale),
            text="name:N",
            color=alt.Color("colour:N", scale=None),
        )
    )
    items = [item for item in items if is_scored(item)]
    positions = jittered_positions(items)
    points_frame = pd.DataFrame(
        [
            {
                "id": item["id"],
                "title": item["title"],
                "label": _short(item["title"]),
                "owner": item.get("owner") or "—",
                "kpi": label_of(item.get("kpi_id"), lang),
                "effort": item["effort"],
                "impact": item["impact"],
                "quadrant": t(f"backlog.quadrant.{quadrant(item['effort'], item['impact'])}", lang),
                "px": x,
                "py": y,
            }
            for item, (x, y) in zip(items, positions, strict=True)
        ],
        columns=[
            "id",
            "title",
            "label",
            "owner",
            "kpi",
            "effort",
            "impact",
            "quadrant",
            "px",
            "py",
        ],
    )
    tooltip = [
        alt.Tooltip("title:N", title=t("backlog.col.title", lang)),
        alt.Tooltip("owner:N", title=t("backlog.col.owner", lang)),
        alt.Tooltip("kpi:N", title=t("backlog.col.kpi", lang)),
        alt.Tooltip("effort:Q", title=t("backlog.col.effort", lang)),
        alt.Tooltip("impact:Q", title=t("backlog.col.impact", lang)),
        alt.Tooltip("quadrant:N", title=t("backlog.col.quadrant", lang)),
    ]
    base = alt.Chart(points_frame).encode(
        x=alt.X("px:Q", scale=x_scale), y=alt.Y("py:Q", scale=y_scale)
    )
    points = base.mark_circle(size=220, color="#263238", stroke="white", strokeWidth=1.5).encode(
        tooltip=tooltip
    )
    if selectable:
        pick = alt.selection_point(name=SELECTION, fields=["id"])
        points = points.add_params(pick).encode(
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.35))
        )
    labels = base.mark_text(dy=-15, fontSize=11, color="#263238").encode(text="label:N")
    return alt.layer(shades, names, points, labels).properties(height=height)
