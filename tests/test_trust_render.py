"""User text is text: the one Markdown-escaping rule (kpi.text), the brief, and every page's
Markdown-rendering element bodies and labels (AppTest) hold user text only escaped."""

from datetime import date, timedelta

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest
from support import APP
from test_security_render import page_files

from kpi.access import auth
from kpi.access.roles import Actor
from kpi.cockpit import backlog, brief, meeting, outcomes
from kpi.store import settings
from kpi.store.database import open_store
from kpi.text import escape_markdown

ADA = Actor("admin", "admin")
WJ = "\u2060"  # word joiner: keeps a bare URL or e-mail address from becoming a link
PAYLOAD = "![x](http://127.0.0.1:9/x.png) [link](http://127.0.0.1:9/l)"
# PAYLOAD escaped by hand: a backslash before ! [ ] ( ) :, a word joiner after "http".
ESCAPED = (
    f"\\!\\[x\\]\\(http{WJ}\\://127.0.0.1\\:9/x.png\\) \\[link\\]\\(http{WJ}\\://127.0.0.1\\:9/l\\)"
)
RAW_MARKERS = ("![x](", "[link](", "http://", "http:")


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        (PAYLOAD, ESCAPED),
        # Line starts: list items, ordered lists, setext underlines, after \n and \r alike.
        ("- a\n1. b\r+ c\n  === d", "\\- a\n1\\. b\r\\+ c\n  \\=== d"),
        # Ordinary text keeps its dashes, dots, commas and numbers untouched.
        ("Ana Núñez, ICP-A. 22,4 % → 3/4", "Ana Núñez, ICP-A. 22,4 % → 3/4"),
        ("ana@x.com www.x.com HTTPS://y", f"ana{WJ}@x.com www{WJ}.x.com HTTPS{WJ}\\://y"),
        ("<b>&amp;</b> `c` *e* _u_ ~s~", "\\<b\\>\\&amp;\\</b\\> \\`c\\` \\*e\\* \\_u\\_ \\~s\\~"),
        # Streamlit's own extensions: colours, emoji and icon shortcodes, maths.
        (":red[x] :smile: $x$ # h", "\\:red\\[x\\] \\:smile\\: \\$x\\$ \\# h"),
        ("a\\b | c {d}", "a\\\\b \\| c \\{d\\}"),
        (None, ""),
    ],
)
def test_escape_markdown_by_hand(typed, escaped):
    assert escape_markdown(typed) == escaped


def test_brief_escapes_every_user_text(store):
    day = date(2026, 3, 2)
    earlier = meeting.create_meeting(store, ADA, meeting_date=day - timedelta(days=14))
    backlog.add_sprint_action(
        store,
        ADA,
        meeting_id=earlier,
        title=PAYLOAD,
        owner=PAYLOAD,
        definition_of_done=PAYLOAD,
        due_date=day,
    )
    current = meeting.create_meeting(store, ADA, meeting_date=day, title=PAYLOAD)
    text = brief.brief_markdown(store, "es", meeting_id=current, today=day)
    assert not any(marker in text for marker in RAW_MARKERS), text
    assert text.startswith(f"# Brief previo: {ESCAPED}\n")
    assert f"- {ESCAPED} · {ESCAPED} · vence el 2 mar 2026 · hecho = {ESCAPED}" in text


# Fields Streamlit shows as plain text (checked in Chromium): everything else is Markdown.
PLAIN_FIELDS = {
    ("Selectbox", "options"),
    ("Selectbox", "rawValue"),
    ("MultiSelect", "options"),
    ("TextInput", "default"),
    ("TextArea", "default"),
    ("Text", "body"),
}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def markdown_texts(at: AppTest) -> tuple[list[str], list[str]]:
    """(Markdown-rendered strings of every element and block on the page, raw-HTML bodies)."""
    rendered, html_bodies = [], []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            kind = type(proto).__name__
            fields = MessageToDict(proto)
            if kind == "Markdown" and fields.get("allowHtml"):
                html_bodies.append(fields["body"])
            else:
                for name, value in fields.items():
                    if (kind, name) not in PLAIN_FIELDS:
                        rendered.extend(_strings(value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return rendered, html_bodies


def seed(db) -> None:
    """Every kind of user text, written through the core, holds PAYLOAD."""
    store = open_store(db)
    path = auth.auth_path_for(db)
    auth.ensure_auth_config(path)
    for username, role in (("ana", "admin"), ("eva", "editor"), ("vera", "viewer")):
        auth.save_user(store, ADA, path, username, PAYLOAD, role, "password-123")
    for key in ("definition_mql", "definition_sql", "definition_icp"):
        settings.set_setting(store, ADA, key, PAYLOAD)
    today = date.today()
    previous = meeting.create_meeting(
        store, ADA, title=PAYLOAD, meeting_date=today - timedelta(days=14)
    )
    backlog.add_sprint_action(
        store,
        ADA,
        meeting_id=previous,
        title=PAYLOAD,
        owner=PAYLOAD,
        definition_of_done=PAYLOAD,
        due_date=today,
    )
    meeting.close_meeting(store, ADA, previous, snapshot={"taken_at": "2026-01-01", "kpis": []})
    agenda = [{"name": PAYLOAD, "minutes": 5, "leader": PAYLOAD, "content": f"a\n\n{PAYLOAD}"}]
    agenda.append({"name": PAYLOAD, "minutes": 5, "leader": PAYLOAD, "content": PAYLOAD})
    current = meeting.create_meeting(
        store, ADA, title=PAYLOAD, meeting_date=today, attendees=[PAYLOAD], agenda=agenda
    )
    meeting.update_meeting(store, ADA, current, decisions=PAYLOAD)
    meeting.rate(store, ADA, current, PAYLOAD, 8)
    for kind in ("worked", "risk"):
        meeting.add_note(
            store,
            ADA,
            current,
            kind=kind,
            text=PAYLOAD,
            why=PAYLOAD,
            root_cause=PAYLOAD,
            owner=PAYLOAD,
        )
    backlog.create_item(
        store, ADA, title=PAYLOAD, description=PAYLOAD, owner=PAYLOAD, effort=2, impact=4
    )
    backlog.add_sprint_action(
        store, ADA, meeting_id=current, title=PAYLOAD, owner=PAYLOAD, definition_of_done=PAYLOAD
    )
    outcomes.create_outcome(
        store,
        ADA,
        quarter=outcomes.quarter_label(today),
        title=PAYLOAD,
        kpi_id="win_rate",
        target=0.3,
        owner=PAYLOAD,
    )


def visit(db, username: str, role: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    # The display name as the login puts it in the session: from the credentials file.
    users = {u["username"]: u for u in auth.list_users(auth.auth_path_for(db))}
    at.session_state["name"] = users[username]["name"]
    at.session_state["roles"] = [role]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


# Pages that show user text through Markdown elements (not only tables and select boxes).
SHOWS_USER_TEXT = {
    "app_pages/home.py",
    "app_pages/outcomes.py",
    "app_pages/meeting.py",
    "app_pages/projector.py",
    "app_pages/history.py",
}


@pytest.mark.parametrize("page", page_files())
def test_every_markdown_element_holds_user_text_escaped(demo_app_env, page):
    seed(demo_app_env)
    at = visit(demo_app_env, "ana", "admin", page)
    rendered, html_bodies = markdown_texts(at)
    for text in rendered:
        assert not any(marker in text for marker in RAW_MARKERS), (page, text[:300])
    # Raw HTML holding user text (the timer panel) is one line: Markdown never parses inside.
    for body in html_bodies:
        if "127.0.0.1" in body:
            assert "\n" not in body and "\r" not in body, (page, body[:300])
    assert page not in SHOWS_USER_TEXT or any(ESCAPED in text for text in rendered), page
    # The sidebar greets the user by display name, escaped.
    assert any(ESCAPED in text for text in rendered), page


@pytest.mark.parametrize(
    "page", ["app_pages/backlog.py", "app_pages/history.py", "app_pages/projector.py"]
)
def test_a_viewer_sees_user_text_escaped_too(demo_app_env, page):
    seed(demo_app_env)
    rendered, _ = markdown_texts(visit(demo_app_env, "vera", "viewer", page))
    assert not any(marker in text for text in rendered for marker in RAW_MARKERS), page
    assert any(ESCAPED in text for text in rendered), page
