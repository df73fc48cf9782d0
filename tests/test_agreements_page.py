"""Acuerdos through AppTest: the SLA and the guide in Spanish and English, admins approve new
versions (audited, on the scorecard's banner), viewers read only, and meeting block 1 shows them."""

from datetime import date

import pytest
from support import logged_in, open_page

from kpi.access.roles import Actor
from kpi.agreements import guide, sla
from kpi.cockpit import meeting
from kpi.store.database import open_store
from kpi.store.settings import get_settings, set_setting

PAGE = "app_pages/agreements.py"


def texts(at) -> str:
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown += [h.value for h in at.subheader]
    shown += [t.value for t in at.text] + [w.value for w in at.warning]
    return "\n".join(shown)


def table_cells(at) -> str:
    return "\n".join(str(frame.value.to_dict()) for frame in at.dataframe)


@pytest.mark.parametrize(
    ("lang", "title", "item", "owner"),
    [
        ("es", "Acuerdos", "Tiempo de respuesta", "Ventas"),
        ("en", "Agreements", "Response time", "Sales"),
    ],
)
def test_both_documents_show_in_each_language(demo_app_env, lang, title, item, owner):
    at = open_page(PAGE, "admin", lang=lang)
    assert at.title[0].value.endswith(title)
    cells = table_cells(at)
    assert item in cells and owner in cells
    labels = {b.label for b in at.get("download_button")}
    assert len(labels) == 2
    assert "Fuera de ICP" in cells  # the default catalogue of reasons, before any approval


def test_admin_approves_an_sla_version_which_the_banner_announces(demo_app_env):
    at = open_page(PAGE, "admin")
    at.text_input(key="agreements_sla_by").input("Ana, Luis")
    at.text_input(key="agreements_sla_hours").input("12,5")
    at.text_input(key="agreements_sla_tier_A").input("4")
    at.button(key="agreements_sla_save").click().run()
    assert not at.exception, at.exception
    current = sla.current_sla(open_store(demo_app_env))
    assert (current.version, current.response_hours, current.tier_hours["A"]) == (1, 12.5, 4.0)
    assert current.approval.approvers == ("Ana", "Luis")
    assert "Versión 1 aprobada." in [s.value for s in at.success]
    assert "12,5 h" in table_cells(at) and "ICP-A: 4,0 h" in table_cells(at)
    # The scorecard now measures the approved 12,5 h; when Ajustes later says otherwise, the
    # page says they differ.
    store = open_store(demo_app_env)
    assert get_settings(store)["sla_hours"] == 12.5
    assert "no coincide con el acuerdo" not in texts(at)
    set_setting(store, Actor("ada", "admin"), "sla_hours", 24)
    at.run()
    assert "no coincide con el acuerdo (12,5 h)" in texts(at)
    at.switch_page("app_pages/scorecard.py").run()
    banner = "\n".join(w.value for w in at.warning)
    assert "«Documento de SLA» (nueva versión aprobada)" in banner


def test_admin_approves_a_guide_and_unknown_reasons_are_listed(demo_app_env):
    at = open_page(PAGE, "admin")
    at.text_area(key="agreements_guide_reasons").input("Sin presupuesto: budget\nOtro")
    at.text_input(key="agreements_guide_by").input("Dirección")
    at.button(key="agreements_guide_save").click().run()
    assert not at.exception, at.exception
    current = guide.current_guide(open_store(demo_app_env))
    assert [(r.name, r.aliases) for r in current.reasons] == [
        ("Sin presupuesto", ("budget",)),
        ("Otro", ()),
    ]
    assert "Motivos que el catálogo no conoce" in texts(at)


def test_a_refused_version_says_why_and_writes_nothing(demo_app_env):
    at = open_page(PAGE, "admin")
    at.button(key="agreements_sla_save").click().run()  # nobody named as approver
    assert at.error and "Aprobado por" in at.error[0].value
    assert sla.current_sla(open_store(demo_app_env)).version == 0


def test_viewer_reads_but_cannot_approve(demo_app_env):
    at = open_page(PAGE, "viewer")
    assert "Solo los administradores aprueban" in texts(at)
    keys = {b.key for b in at.button}
    assert "agreements_sla_save" not in keys and "agreements_guide_save" not in keys


def test_meeting_block_one_shows_the_agreements_in_force(demo_app_env):
    store = open_store(demo_app_env)
    sla.save_sla(
        store,
        Actor("admin", "admin"),
        response_hours=8,
        min_icp_a_share=0.6,
        feedback_business_days=2,
        review_days=4,
        compliance_target=0.9,
        approvers="Ana",
        approved_on=date(2026, 1, 5),
    )
    meeting.create_meeting(store, Actor("eva", "editor"), meeting_date=date(2026, 3, 2))
    at = logged_in("editor", "eva")
    at.session_state["meeting_tab"] = "1. Aterrizar outcomes y definiciones"
    at.run()
    at.switch_page("app_pages/meeting.py").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Acuerdos vigentes" in shown
    assert "v1, aprobada el 5 ene 2026 por Ana" in shown
    assert "Ventas responde a cada MQL en 8,0 h" in shown
