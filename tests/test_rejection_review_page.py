"""The Leads rechazados page and block 3's disputed candidates through AppTest, in es and en."""

from datetime import timedelta

from kpi import clock
from kpi.access.roles import Actor
from kpi.cockpit import meeting, rejection_review
from kpi.store.database import open_store, rewrite_facts
from tests import support

PAGE = "app_pages/rejections.py"
EVA = Actor("eva", "editor")


def seed_rejections(db) -> None:
    """Three rejections in the last 30 days (one without reason), one accepted lead."""
    now = clock.now()
    rows = [
        ("R1", "web", "*camp*", "Ana", now - timedelta(days=2), "fuera de ICP"),
        ("R2", "web", "c1", "Ana", now - timedelta(days=12), "fuera de ICP"),
        ("R3", "ads", None, "Bea", now - timedelta(days=20), None),
        ("A1", "ads", None, "Bea", None, None),
    ]
    with rewrite_facts(db) as con:
        con.executemany(
            "INSERT INTO leads (lead_id, created_at, channel, campaign, owner, mql_at, "
            "rejected_at, rejection_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (i, now - timedelta(days=40), ch, ca, o, now - timedelta(days=30), r, w)
                for i, ch, ca, o, r, w in rows
            ],
        )


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_editor_sees_the_figures_and_marks_a_lead_with_one_click(app_env):
    seed_rejections(app_env)
    at = support.open_page(PAGE, "editor")
    # 3 rejections, 1 without a reason; R2 and R3 are past 5 days unreviewed: 0 of 2 in time.
    assert metrics(at) == {
        "Rechazos": "3",
        "Sin motivo": "1",
        "Revisados en 5 días": "0,0 %",
        "En disputa": "0",
    }
    assert list(at.dataframe[0].value["Lead"]) == ["R1", "R2", "R3"]
    at.selectbox(key="mark_lead").select("R2")
    at.text_area(key="mark_comment").input("Encaja en el ICP")
    at.button(key="mark_disputed").click().run()
    assert not at.exception
    assert "Lead R2: En disputa." in [s.value for s in at.success]
    assert metrics(at)["En disputa"] == "1"
    store = open_store(app_env)
    [row] = store.rows("SELECT lead_id, status, comment, reviewed_by FROM rejection_reviews")
    assert row == {
        "lead_id": "R2",
        "status": "disputed",
        "comment": "Encaja en el ICP",
        "reviewed_by": "editor",
    }
    # Reviewed leads leave the default list; R2 reviewed 12 days after: late, so still 0 of 2.
    assert list(at.dataframe[0].value["Lead"]) == ["R1", "R3"]
    assert metrics(at)["Revisados en 5 días"] == "0,0 %"
    at.radio(key="pareto_by").set_value("campaign").run()
    by_campaign = at.dataframe[1].value
    # Imported text stays text: the campaign "*camp*" is shown as typed.
    assert list(by_campaign["Grupo"]) == ["*camp*", "c1", "—"]
    assert list(by_campaign["Acumulado"]) == ["100,0 %", "100,0 %", "100,0 %"]


def test_viewer_reads_in_english_without_the_mark_buttons_and_sees_the_pareto(app_env):
    seed_rejections(app_env)
    at = support.open_page(PAGE, "viewer", lang="en")
    assert metrics(at)["Rejections"] == "3" and metrics(at)["Without a reason"] == "1"
    assert not [b for b in at.button if b.key and b.key.startswith("mark_")]
    assert len(at.get("vega_lite_chart")) == 1
    # Pareto: fuera de ICP 2 of 3, no reason 1 of 3.
    pareto = at.dataframe[1].value
    assert list(pareto["Reason"]) == ["fuera de ICP", "no reason"]
    assert list(pareto["Share"]) == ["66.7%", "33.3%"]
    assert list(pareto["Cumulative"]) == ["66.7%", "100.0%"]


def test_a_disputed_rejection_is_a_block_3_candidate_taken_as_a_note(app_env):
    seed_rejections(app_env)
    store = open_store(app_env)
    rejection_review.mark_rejection(store, EVA, "R3", "disputed", "Sí tenía presupuesto")
    meeting_id = meeting.create_meeting(store, EVA, title="Tracción")
    at = support.open_page("app_pages/meeting.py", "editor", meeting_id=meeting_id)
    shown = [t.value for t in at.text]
    assert any(s.startswith("Lead R3 · rechazado el") and "sin motivo" in s for s in shown)
    assert "Sí tenía presupuesto" in shown
    at.button(key="take_R3").click().run()
    assert not at.exception
    [note] = store.rows("SELECT kind, text, why FROM notes WHERE meeting_id = ?", [meeting_id])
    assert note["kind"] == "dependency" and "R3" in note["text"]
    assert note["why"] == "Sí tenía presupuesto"
    assert not any(b.key == "take_R3" for b in at.button)
    assert rejection_review.disputed_candidates(store) == []
