"""KPI detail (issue 15 point 15): the breakdown and the exact rows read in words: channels by
name (the admin's first), translated headers, «—» for an empty cell; the CSV keeps the codes."""

from datetime import date

import pandas as pd
from support import open_page

from kpi.access.roles import Actor
from kpi.engine.dimension_labels import set_channel_label
from kpi.engine.drill import readable_rows
from kpi.store.database import open_store, rewrite_facts

ADA = Actor("ada", "admin")


def seed(db) -> None:
    """Three March MQLs: L1 from events (ICP-A, ana, SQL two days later), L2 with no channel,
    tier, owner or SQL date, L3 from a channel the admin named «Ferias»."""
    with rewrite_facts(db) as con:
        con.execute(
            "INSERT INTO leads (lead_id, created_at, channel, icp_tier, owner, mql_at, sql_at) "
            "VALUES ('L1', '2026-03-02 09:00', 'events', 'A', 'ana', '2026-03-03 09:00', "
            "'2026-03-05 09:00'), "
            "('L2', '2026-03-04 09:00', NULL, NULL, NULL, '2026-03-05 09:00', NULL), "
            "('L3', '2026-03-06 09:00', 'trade_fairs', 'B', 'bea', '2026-03-07 09:00', NULL)"
        )
    set_channel_label(open_store(db), ADA, "trade_fairs", "Ferias")


def march_detail(lang: str):
    """The MQL→SQL detail for March 2026 (custom dates) in `lang`."""
    return open_page(
        "app_pages/kpi_detail.py",
        lang=lang,
        detail_kpi="mql_to_sql_rate",
        sc_period="custom",
        sc_from=date(2026, 3, 1),
        sc_to=date(2026, 3, 31),
    )


def test_rows_and_breakdown_show_names_headers_and_dashes(app_env):
    seed(app_env)
    at = march_detail("es")
    by_channel, by_tier, by_owner, numerator, denominator = (f.value for f in at.dataframe)
    # No channel reads «Sin atribuir», as in every KPI's channel filter.
    assert sorted(by_channel["Grupo"]) == ["Eventos", "Ferias", "Sin atribuir"]
    assert sorted(by_tier["Grupo"]) == ["ICP sin asignar", "ICP-A", "ICP-B"]
    assert sorted(by_owner["Grupo"]) == ["ana", "bea", "—"]
    assert list(denominator.columns) == [
        "Id. de lead",
        "Fecha de creación",
        "Canal",
        "Campaña",
        "Nivel ICP",
        "Responsable",
        "Fecha MQL",
        "Fecha SQL",
        "Aceptado por Ventas",
        "Rechazado por Ventas",
        "Primera respuesta",
    ]
    assert denominator["Id. de lead"].tolist() == ["L1", "L2", "L3"]
    assert denominator["Canal"].tolist() == ["Eventos", "Sin atribuir", "Ferias"]
    assert denominator["Nivel ICP"].tolist() == ["ICP-A", "ICP sin asignar", "ICP-B"]
    assert denominator["Responsable"].tolist() == ["ana", "—", "bea"]
    assert denominator["Fecha SQL"].tolist() == ["5 mar 2026, 9:00:00", "—", "—"]
    assert denominator["Campaña"].tolist() == ["—"] * 3
    # Only L1 became an SQL (two days after its MQL).
    assert numerator["Id. de lead"].tolist() == ["L1"]
    assert numerator["Canal"].tolist() == ["Eventos"]


def test_rows_read_in_english(app_env):
    seed(app_env)
    at = march_detail("en")
    denominator = at.dataframe[-1].value
    assert denominator["Channel"].tolist() == ["Events", "Unattributed", "Ferias"]
    assert denominator["ICP tier"].tolist() == ["ICP-A", "No ICP tier", "ICP-B"]


def test_deal_rows_read_as_text_with_computed_headers():
    frame = pd.DataFrame(
        {
            "deal_id": ["D1", "D2"],
            "reworked": [True, False],
            "amount": [1200.0, 1234.5],
            "nps_score": pd.array([9, None], dtype="Int64"),
            "duration": [3.25, None],
            "created_inferred": pd.array([True, None], dtype="boolean"),
        }
    )
    assert readable_rows(frame, "es").to_dict("list") == {
        "Id. de oportunidad": ["D1", "D2"],
        "Retrabajo": ["sí", "no"],
        # Two decimals down the whole column once one amount has cents.
        "Importe": ["1.200,00", "1.234,50"],
        "Puntuación NPS": ["9", "—"],
        "Duración": ["3,25", "—"],
        "Fecha de creación deducida": ["sí", "—"],
    }
