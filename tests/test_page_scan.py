"""Every page, as admin on the demo data, in Spanish and in English: no `None`, `nan`, raw KPI
id, channel code or Streamlit English placeholder in what the user sees."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1.element_tree import Block
from support import EDITOR, ROOT, open_page

from kpi.cockpit import backlog, meeting, outcomes
from kpi.engine import catalogue
from kpi.ingest.demo_model import CHANNELS
from kpi.store.database import open_store

PAGES = sorted(
    str(Path(p).relative_to(ROOT))
    for p in (ROOT / "app_pages").glob("*.py")
    if p.stem != "__init__"
)
# Text fields of an element's message that reach the screen (ids, keys and form ids do not).
VISIBLE_FIELDS = {
    *("label", "body", "placeholder", "help", "options", "delta", "caption", "title"),
    *("content", "captions"),
}
# What Streamlit shows in English when a page leaves it to the defaults.
ENGLISH_DEFAULTS = {"multiselect": "Choose options", "selectbox": "Choose an option"}
LEAKS = [re.compile(r"\bNone\b"), re.compile(r"\bnan\b", re.IGNORECASE)]
RAW_IDS = [re.compile(rf"\b{re.escape(k.id)}\b") for k in catalogue.CATALOGUE]
RAW_CHANNELS = [
    re.compile(rf"(?<![\w/.-]){re.escape(c)}(?![\w/.-])") for c in (*CHANNELS, "unattributed")
]


def _proto_texts(proto) -> list[str]:
    texts = []
    for field, value in proto.ListFields():
        if field.name not in VISIBLE_FIELDS:
            continue
        items = list(value) if field.is_repeated else [value]
        for item in items:
            # Button groups (period pickers, pills) carry each option as a message.
            texts += [item] if isinstance(item, str) else _proto_texts(item)
    return texts


def _frame_texts(node) -> list[str]:
    """A table's headers and cells as the grid draws them: a column's configured label, and a
    select column's option label in place of the stored value (the browser shows those); an
    empty cell (None, NaN, NaT) is "None"."""
    frame = node.value
    config = json.loads(getattr(node.proto, "columns", "") or "{}")
    texts = []
    for name in frame.columns:
        column = config.get(str(name), {})
        options = column.get("type_config", {}).get("options") or []
        labels = {o["value"]: o["label"] for o in options if isinstance(o, dict)}
        texts.append(column.get("label") or str(name))
        texts += [
            "None" if pd.isna(v) else labels.get(v, str(v)) if isinstance(v, str) else str(v)
            for v in frame[name]
        ]
    return texts


def _chart_texts(proto) -> list[str]:
    """Titles, and the values of the fields a chart encodes (axis ticks, legend, tooltips);
    Streamlit sends an Altair chart's data beside its spec, as Arrow datasets."""
    spec = json.loads(proto.spec)
    texts, fields = [], set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    texts.append(value)
                elif key == "field" and isinstance(value, str):
                    fields.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    for dataset in proto.datasets:
        frame = convert_arrow_bytes_to_pandas_df(dataset.data.data)
        shown = frame[[c for c in frame.columns if c in fields]].select_dtypes(
            exclude=["number", "datetime"]
        )
        texts += [str(v) for v in shown.to_numpy().ravel()]
    return texts


def _nothing_picked(widget) -> bool:
    return widget.value is None if widget.type == "selectbox" else not widget.value


def visible_texts(at) -> list[tuple[str, str]]:
    """(element type, text) for every text a user of the rendered page can read."""
    found: list[tuple[str, str]] = []

    def visit(node):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind in ("dataframe", "table"):
            found.extend((kind, text) for text in _frame_texts(node))
        elif kind == "vega_lite_chart":
            found.extend((kind, text) for text in _chart_texts(proto))
        elif proto is not None:
            # A block's message wraps its kind's (expander, tab, form); an element's is its own.
            wraps = "type" in proto.DESCRIPTOR.oneofs_by_name
            block_kind = isinstance(node, Block) and wraps and proto.WhichOneof("type")
            sub = getattr(proto, block_kind) if block_kind else proto
            found.extend((kind, text) for text in _proto_texts(sub))
            # Streamlit's English placeholder shows while nothing is picked.
            if kind in ENGLISH_DEFAULTS and not sub.placeholder and _nothing_picked(node):
                found.append((kind, ENGLISH_DEFAULTS[kind]))
            if kind == "form" and proto.form.enter_to_submit:
                found.append((kind, "Press Enter to submit form"))
            # A date field shows its format: day first, as both languages' readers here write it.
            if kind == "date_input" and proto.format != "DD/MM/YYYY":
                found.append((kind, f"date format {proto.format}"))
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return found


def leaks_in(texts: list[tuple[str, str]], lang: str) -> set[tuple[str, str]]:
    patterns = LEAKS + RAW_IDS + RAW_CHANNELS
    leaks = {(kind, text) for kind, text in texts if any(p.search(text) for p in patterns)}
    leaks |= {(kind, text) for kind, text in texts if text.startswith("date format ")}
    if lang == "es":
        english = set(ENGLISH_DEFAULTS.values()) | {"Press Enter to submit form"}
        leaks |= {(kind, text) for kind, text in texts if text in english}
    return leaks


@pytest.fixture
def cockpit_state(demo_app_env):
    """The demo data plus what a fortnight of use leaves: a closed meeting with a note and an
    action, a backlog item, and an outcome filtered by channel and tier (each names a KPI)."""
    store = open_store(demo_app_env)
    quarter = outcomes.quarter_label(store.now().date())
    outcomes.create_outcome(
        store,
        EDITOR,
        quarter=quarter,
        title="Más SQL de búsqueda",
        kpi_id="mql_to_sql_rate",
        target=0.3,
        channel="paid_search",
        icp_tier="A",
    )
    meeting_id = meeting.create_meeting(store, EDITOR)
    meeting.add_note(
        store,
        EDITOR,
        meeting_id,
        kind="worked",
        text="Los eventos traen SQL",
        kpi_id="win_rate",
    )
    backlog.create_item(
        store, EDITOR, title="Revisar eventos", kpi_id="win_rate", effort=2, impact=4
    )
    backlog.add_sprint_action(
        store,
        EDITOR,
        meeting_id=meeting_id,
        title="Llamar a los MQL",
        owner="eva",
        definition_of_done="Todos llamados",
        kpi_id="lead_response_hours",
    )
    meeting.close_meeting(store, EDITOR, meeting_id)
    return demo_app_env


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_page_shows_raw_codes_none_nan_or_english_placeholders(cockpit_state, lang):
    leaks = {}
    for page in PAGES:
        at = open_page(page, lang=lang)
        assert at.session_state["lang"] == lang
        found = leaks_in(visible_texts(at), lang)
        if found:
            leaks[page] = sorted(found)
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


def test_the_scan_catches_each_kind_of_leak():
    texts = [
        ("selectbox", "paid_search"),
        ("dataframe", "None"),
        ("dataframe", "nan"),
        ("caption", "KPI: win_rate"),
        ("multiselect", "Choose options"),
        ("caption", "Búsqueda de pago · Eventos · events-2025.csv"),
    ]
    assert leaks_in(texts, "es") == set(texts[:5])
    assert leaks_in(texts, "en") == set(texts[:4])


def test_the_scan_reads_a_select_column_as_the_grid_draws_it():
    # A data editor's select column shows each option's label, an empty cell shows "None".
    config = {
        "kpi_id": {
            "label": "KPI",
            "type_config": {
                "type": "selectbox",
                "options": [{"value": "win_rate", "label": "Tasa de cierre"}],
            },
        }
    }
    node = SimpleNamespace(
        value=pd.DataFrame({"kpi_id": ["win_rate", None], "owner": ["eva", None]}),
        proto=SimpleNamespace(columns=json.dumps(config)),
    )
    assert _frame_texts(node) == ["KPI", "Tasa de cierre", "None", "owner", "eva", "None"]
