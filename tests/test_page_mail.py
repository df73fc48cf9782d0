"""E-mail on the pages: an admin sets the server and password and sends a test to a real local
SMTP server; an admin sets a user's address; any user switches their own notices off."""

import stat

import pytest
import yaml
from mail_support import Inbox, Server
from support import open_page

from kpi.access import auth
from kpi.mail.recipients import opted_out
from kpi.mail.secret import secret_path_for
from kpi.store.database import open_store
from kpi.store.settings import get_settings
from kpi.text import escape_markdown

SETTINGS, USERS, HOME = "app_pages/settings.py", "app_pages/users.py", "app_pages/home.py"


@pytest.fixture
def smtp_server():
    server = Server(Inbox()).start()
    yield server
    server.stop()


def fill_mail_form(at, port: int, sender: str, password: str = ""):
    at.text_input(key="mail_smtp_host").input("127.0.0.1")
    at.number_input(key="mail_port").set_value(port)
    at.selectbox(key="mail_security").select("none")
    at.text_input(key="mail_smtp_sender").input(sender)
    at.text_input(key="mail_password").input(password)
    return at.button(key="mail_save").click().run()


def test_an_admin_sets_the_server_and_a_test_mail_reaches_it(app_env, smtp_server):
    store = open_store(app_env)
    smtp_server.inbox.password = "smtp-pass-2026"
    at = fill_mail_form(
        open_page(SETTINGS), smtp_server.port, "cockpit@example.test", "smtp-pass-2026"
    )
    assert not at.exception and not at.error
    settings = get_settings(store)
    assert (settings["smtp_host"], settings["smtp_port"]) == ("127.0.0.1", smtp_server.port)
    assert (settings["smtp_security"], settings["smtp_sender"]) == ("none", "cockpit@example.test")
    secret = secret_path_for(app_env)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text(encoding="utf-8") == "smtp-pass-2026"
    at.text_input(key="mail_test_to").input("lucia@example.test")
    at.button(key="mail_test_send").click().run()
    # The settings' flash stays until the next write; the test's answer comes after it.
    assert [s.value for s in at.success] == [
        "Guardado.",
        escape_markdown("El servidor aceptó el correo de prueba para lucia@example.test."),
    ]
    [received] = smtp_server.inbox.received
    assert received.recipients == ["lucia@example.test"]
    assert received.message["Subject"] == "[Brújula] Correo de prueba"
    assert smtp_server.inbox.logins == [("cockpit@example.test", "smtp-pass-2026")]


def test_a_refused_sender_and_an_unreachable_server_are_explained(app_env, smtp_server):
    store = open_store(app_env)
    at = fill_mail_form(open_page(SETTINGS), smtp_server.port, "Cockpit <cockpit@x.test>")
    # The page escapes the message: what was typed reads as typed, not as Markdown.
    assert [e.value for e in at.error] == [
        escape_markdown(
            "«Cockpit <cockpit@x.test>» no es una dirección de correo válida (una sola dirección, "
            "como ana@empresa.com)."
        )
    ]
    assert get_settings(store)["smtp_host"] == ""
    at = fill_mail_form(at, smtp_server.port, "cockpit@example.test")
    smtp_server.stop()
    at.text_input(key="mail_test_to").input("lucia@example.test")
    at.button(key="mail_test_send").click().run()
    assert [e.value for e in at.error] == [
        escape_markdown("No se pudo enviar: ConnectionRefusedError: [Errno 111] Connection refused")
    ]


def test_an_admin_sets_and_clears_a_users_address(app_env):
    open_store(app_env)
    at = open_page(USERS)
    at.selectbox(key="users_edit_pick").select("admin")
    at.run()
    at.text_input(key="users_email_admin_value").input("ada@example.test")
    at.button(key="FormSubmitter:users_email_admin-Guardar el correo de admin").click().run()
    assert not at.exception and not at.error
    path = auth.auth_path_for(app_env)
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))["credentials"]["usernames"]["admin"]
    assert entry["email"] == "ada@example.test"
    at.text_input(key="users_email_admin_value").input("ada@example")
    at.button(key="FormSubmitter:users_email_admin-Guardar el correo de admin").click().run()
    assert [e.value for e in at.error] == [
        escape_markdown(
            "«ada@example» no es una dirección de correo válida (una sola dirección, "
            "como ana@empresa.com)."
        )
    ]
    entry = yaml.safe_load(path.read_text(encoding="utf-8"))["credentials"]["usernames"]["admin"]
    assert entry["email"] == "ada@example.test"


def test_a_viewer_switches_off_their_own_reminders(app_env):
    store = open_store(app_env)
    at = open_page(HOME, role="viewer", username="vera")
    assert not at.exception
    at.checkbox(key="mail_pref_action_due").uncheck()
    at.button(key="mail_pref_save").click().run()
    assert not at.exception and not at.error
    assert opted_out(store) == {("vera", "action_due")}
    assert [s.value for s in at.success] == ["Tus avisos por correo están guardados."]
