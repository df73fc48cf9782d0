"""User text full of markup reaches every page as text: no page passes it to an element that
renders raw HTML, and every page still renders without an exception."""

import ast
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest
from support import APP, ROOT

from kpi.access import auth
from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, outcomes
from kpi.store import settings
from kpi.store.database import open_store

ADA = Actor("admin", "admin")
PAYLOADS = (
    "<img src=x onerror=window.__xss=1>",
    "<script>window.__xss=2</script>",
    "<a href='javascript:window.__xss=3'>clic</a>",
)
MARKERS = ("onerror", "<script", "javascript:")


def page_files() -> list[str]:
    """The page files the router lists (read from app.py, not imported: it runs Streamlit)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            sections = node.value.values
            return [entry.elts[0].value for section in sections for entry in section.elts]
    raise AssertionError("PAGES not found in app.py")


def seed(db):
    store = open_store(db)
    path = auth.auth_path_for(db)
    auth.ensure_auth_config(path)
    auth.save_user(store, ADA, path, "eve", PAYLOADS[0], "editor", "password-123")
    for key, payload in zip(
        ("definition_mql", "definition_sql", "definition_icp"), PAYLOADS, strict=True
    ):
        settings.set_setting(store, ADA, key, payload)
    meeting_id = meeting.create_meeting(
        store, ADA, title=PAYLOADS[1], meeting_date=date.today(), attendees=list(PAYLOADS)
    )
    for kind, payload in zip(("worked", "did_not_work", "risk"), PAYLOADS, strict=True):
        meeting.add_note(
            store, ADA, meeting_id, kind=kind, text=payload, why=payload, owner=payload
        )
    for payload in PAYLOADS:
        backlog.create_item(
            store, ADA, title=payload, description=payload, owner=payload, effort=2, impact=4
        )
        backlog.add_sprint_action(
            store,
            ADA,
            meeting_id=meeting_id,
            title=payload,
            owner=payload,
            definition_of_done=payload,
        )
    quarter = outcomes.quarter_label(date.today())
    outcomes.create_outcome(
        store,
        ADA,
        quarter=quarter,
        title=PAYLOADS[0],
        kpi_id="win_rate",
        target=0.3,
        owner=PAYLOADS[2],
    )


def raw_html_elements(at: AppTest) -> list[str]:
    """The text of every element that the browser would render as HTML."""
    texts = [m.value for m in at.markdown if getattr(m.proto, "allow_html", False)]
    texts += [getattr(e.proto, "body", "") for e in at.get("html")]
    return texts


@pytest.mark.parametrize("page", page_files())
def test_markup_in_user_text_never_reaches_raw_html(demo_app_env, page):
    seed(demo_app_env)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.session_state["name"] = PAYLOADS[0]
    at.session_state["roles"] = ["admin"]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    for text in raw_html_elements(at):
        assert not any(marker in text for marker in MARKERS), (page, text[:300])


def visible_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(d.value.to_dict()) for d in at.dataframe]
    parts += [getattr(e.proto, "body", "") for e in at.get("html")]
    return "\n".join(parts)


@pytest.mark.parametrize(
    "page", ["app_pages/backlog.py", "app_pages/audit.py", "app_pages/users.py"]
)
def test_the_payloads_do_reach_the_pages_as_text(demo_app_env, page):
    seed(demo_app_env)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.session_state["roles"] = ["admin"]
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert PAYLOADS[0] in visible_text(at)
