"""E-mail against a real SMTP server on localhost: minutes with their PDF to the attendees, each
message once, failures kept and retried, reminders on the right days, the password kept apart."""

import stat
import threading
import time
from datetime import date, timedelta

import pytest
import yaml
from mail_support import Inbox, Server, self_signed
from support import meeting_with_action, write_credentials

from kpi.access.roles import SYSTEM
from kpi.cli.main import main
from kpi.cockpit import meeting
from kpi.mail import outbox
from kpi.mail.notify import keep_sending, queue_due, send_due, send_due_in_background
from kpi.mail.recipients import set_opt_outs
from kpi.mail.secret import save_password, secret_path_for
from kpi.store.database import close_all
from kpi.store.settings import set_setting

COOKIE = {"name": "c", "key": "k" * 40, "expiry_days": 1}
SENDER = "brujula@example.test"


@pytest.fixture
def inbox():
    server = Server(Inbox()).start()
    yield server.inbox, server
    server.stop()


@pytest.fixture
def mail_store(store, tmp_path, monkeypatch, inbox):
    """The `store` with four users beside it and its SMTP settings aimed at the test server:
    ana (Spanish), bea (English), carla (the first-run placeholder address), dani (inactive)."""
    monkeypatch.delenv("BRUJULA_AUTH", raising=False)
    users = {
        "ana": ("Ana Ruiz", ["editor"]),
        "bea": ("Beatriz", ["editor"]),
        "carla": ("Carla", ["viewer"]),
        "dani": ("Dani", ["viewer"]),
    }
    path = write_credentials(tmp_path / "auth.yaml", users, COOKIE)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = config["credentials"]["usernames"]
    entries["bea"]["language"] = "en"
    entries["carla"]["email"] = "carla@localhost"
    entries["dani"]["active"] = False
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    _, server = inbox
    for key, value in {
        "smtp_host": "127.0.0.1",
        "smtp_port": server.port,
        "smtp_security": "none",
        "smtp_sender": SENDER,
    }.items():
        set_setting(store, SYSTEM, key, value)
    return store


def closed_meeting(store, title="Tracción *marzo* <b>", day=date(2026, 3, 2)) -> int:
    attendees = ["Ana Ruiz", "bea", "carla", "dani", "Nadie"]
    meeting_id = meeting.create_meeting(
        store, SYSTEM, title=title, meeting_date=day, attendees=attendees
    )
    meeting.close_meeting(store, SYSTEM, meeting_id, snapshot={})
    return meeting_id


def test_minutes_reach_each_attendee_once_in_their_language_with_the_pdf(mail_store, inbox):
    received, _ = inbox
    meeting_id = closed_meeting(mail_store)
    report = send_due(mail_store, SYSTEM)
    assert report.configured and report.queued == 2 and not report.failed
    # carla's placeholder, inactive dani and an unknown name receive nothing.
    mail = received.by_address()
    assert sorted(mail) == ["ana@example.test", "bea@example.test"]
    assert all(r.sender == SENDER for r in received.received)
    spanish, english = mail["ana@example.test"], mail["bea@example.test"]
    assert spanish["Subject"] == "[Brújula] Acta: Tracción *marzo* <b> (2 mar 2026)"
    assert english["Subject"] == "[Brújula] Minutes: Tracción *marzo* <b> (2 Mar 2026)"
    body = spanish.get_body(("plain",)).get_content()
    assert "Adjuntamos el acta de la reunión «Tracción *marzo* <b>» del 2 mar 2026." in body
    assert "\\*" not in body, "user text reaches the reader as typed, not escaped"
    [attachment] = list(spanish.iter_attachments())
    assert attachment.get_filename() == f"acta-2026-03-02-{meeting_id}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
    # The second run finds everything sent: nothing new is queued, nothing sent again.
    again = send_due(mail_store, SYSTEM)
    assert (again.queued, again.deliveries) == (0, [])
    assert len(received.received) == 2


def test_the_page_can_send_in_the_background_without_waiting(mail_store, inbox):
    received, _ = inbox
    closed_meeting(mail_store)
    send_due_in_background(mail_store, SYSTEM).join(timeout=30)
    assert sorted(received.by_address()) == ["ana@example.test", "bea@example.test"]


def test_while_the_app_serves_it_sends_what_is_due_on_its_own(mail_store, inbox):
    """The app holds the state file, so cron cannot run `kpi notify`: the app's own schedule
    sends the minutes at its next turn, once."""
    received, _ = inbox
    closed_meeting(mail_store)
    stop = threading.Event()
    worker = keep_sending(mail_store, SYSTEM, every_seconds=0.2, stop=stop)
    deadline = time.monotonic() + 20
    while len(received.received) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.6)  # three more turns: nothing is sent twice
    stop.set()
    worker.join(timeout=30)
    assert sorted(r.recipients[0] for r in received.received) == [
        "ana@example.test",
        "bea@example.test",
    ]


def test_cli_notify_twice_sends_each_message_once(mail_store, inbox, capsys):
    received, _ = inbox
    closed_meeting(mail_store)
    db = mail_store.path
    assert main(["notify", "--db", str(db), "--lang", "en"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert len(first) == 3  # one line per message, then the summary
    assert sorted(line.split(" <")[0] for line in first[:2]) == [
        "sent: minutes to ana",
        "sent: minutes to bea",
    ]
    assert first[2] == "2 newly queued, 2 sent, 0 failed, 0 waiting for a retry."
    assert main(["notify", "--db", str(db), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "0 newly queued, 0 sent, 0 failed, 0 waiting for a retry."
    ]
    assert len(received.received) == 2


def test_a_refusing_or_absent_server_leaves_the_message_queued_until_a_later_run(
    mail_store, inbox, capsys
):
    received, server = inbox
    received.refuse = "554 5.7.1 Relay refused for the test"
    closed_meeting(mail_store)
    start = mail_store.now()
    assert main(["notify", "--db", str(mail_store.path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("fallido (intento 1, se reintentará): minutes a ana")
    assert "554" in lines[0] and "Relay refused" in lines[0]
    rows = outbox.unsent(mail_store)
    assert [r["attempts"] for r in rows] == [1, 1]
    assert all("554" in r["last_error"] for r in rows)
    # The first retry waits 5 minutes: a run one minute later sends nothing and tries nothing.
    assert all(r["next_try_at"] >= start + timedelta(minutes=5) for r in rows)
    soon = send_due(mail_store, SYSTEM, now=start + timedelta(minutes=1))
    assert soon.deliveries == []
    # The server is down: the connection fails, the messages stay queued with that error.
    server.stop()
    down = send_due(mail_store, SYSTEM, now=start + timedelta(minutes=6))
    assert len(down.failed) == 2
    assert all(r["attempts"] == 2 for r in outbox.unsent(mail_store))
    assert "ConnectionRefusedError" in outbox.unsent(mail_store)[0]["last_error"]
    # Back up and accepting: a run after the second backoff (15 min) sends both, once.
    server.start()
    received.refuse = None
    later = send_due(mail_store, SYSTEM, now=start + timedelta(hours=1))
    assert [d.error for d in later.deliveries] == [None, None]
    assert outbox.unsent(mail_store) == []
    assert sorted(received.by_address()) == ["ana@example.test", "bea@example.test"]


def queued(store) -> list[tuple]:
    return (
        store.state()
        .execute("SELECT kind, recipient, due_on FROM mail_outbox ORDER BY id")
        .fetchall()
    )


def test_action_reminders_two_days_before_and_the_day_after_the_due_date(mail_store):
    # Due Friday 20 March 2026: the reminder on Wednesday 18, the overdue notice on Saturday 21.
    meeting_with_action(
        mail_store,
        SYSTEM,
        date(2026, 3, 2),
        "Llamar a 10 clientes",
        owner="ana",
        definition_of_done="10 llamadas registradas",
        due_date=date(2026, 3, 20),
    )
    expected = {
        date(2026, 3, 17): [],
        date(2026, 3, 18): [("action_due", "ana", date(2026, 3, 18))],
        date(2026, 3, 19): [],
        date(2026, 3, 20): [],
        date(2026, 3, 21): [("action_overdue", "ana", date(2026, 3, 21))],
        date(2026, 3, 22): [],
    }
    seen: list[tuple] = []
    for day, new in expected.items():
        queue_due(mail_store, SYSTEM, day)
        assert queued(mail_store) == seen + new, day
        seen += new
    [reminder] = mail_store.rows("SELECT * FROM mail_outbox WHERE kind = 'action_due'")
    assert reminder["subject"] == "[Brújula] Vence el 20 mar 2026: Llamar a 10 clientes"
    assert "Definición de terminado: 10 llamadas registradas" in reminder["body"]


def test_the_brief_goes_the_day_before_a_planned_meeting(mail_store):
    meeting.create_meeting(
        mail_store, SYSTEM, title="Tracción abril", meeting_date=date(2026, 4, 6), attendees=["bea"]
    )
    queue_due(mail_store, SYSTEM, date(2026, 4, 4))
    assert queued(mail_store) == []
    queue_due(mail_store, SYSTEM, date(2026, 4, 5))
    assert queued(mail_store) == [("brief", "bea", date(2026, 4, 5))]
    [brief] = mail_store.rows("SELECT subject, body FROM mail_outbox")
    assert brief["subject"] == "[Brújula] Pre-meeting brief: Tracción abril (6 Apr 2026)"
    assert brief["body"].startswith("# Pre-meeting brief: Tracción abril\n")
    # On the day itself it is not queued a second time.
    queue_due(mail_store, SYSTEM, date(2026, 4, 6))
    assert len(queued(mail_store)) == 1


def test_a_user_who_opted_out_of_a_kind_does_not_receive_it(mail_store, inbox):
    received, _ = inbox
    set_opt_outs(mail_store, "bea", {"minutes"})
    closed_meeting(mail_store)
    send_due(mail_store, SYSTEM)
    assert sorted(received.by_address()) == ["ana@example.test"]


def test_the_password_is_a_0600_file_used_to_log_in_and_nowhere_in_the_database(
    mail_store, inbox, tmp_path
):
    received, _ = inbox
    password = "Secret-SMTP-password-8721"
    received.password = password
    path = secret_path_for(mail_store.path)
    assert path == tmp_path / "auth.smtp-password"
    save_password(mail_store, SYSTEM, path, password)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == password
    closed_meeting(mail_store)
    assert not send_due(mail_store, SYSTEM).failed
    assert received.logins == [(SENDER, password)] and len(received.received) == 2
    audit = mail_store.rows("SELECT before, after FROM audit_log WHERE row_id = 'smtp_password'")
    assert audit == [
        {"before": '{"smtp_password_set": false}', "after": '{"smtp_password_set": true}'}
    ]
    state_files = [mail_store.state_path, mail_store.path]
    close_all()
    for database in state_files + [p.with_name(p.name + ".wal") for p in state_files]:
        if database.exists():
            assert password.encode() not in database.read_bytes(), database
    assert not any(password in p.read_text("latin-1") for p in tmp_path.glob("*.yaml"))


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_tls_verify_the_server_certificate(
    mail_store, tmp_path, monkeypatch, security
):
    cert, context = self_signed(tmp_path)
    inbox = Inbox()
    if security == "tls":
        server = Server(inbox, ssl_context=context).start()
    else:
        server = Server(inbox, tls_context=context, require_starttls=True).start()
    try:
        set_setting(mail_store, SYSTEM, "smtp_port", server.port)
        set_setting(mail_store, SYSTEM, "smtp_security", security)
        closed_meeting(mail_store)
        # A certificate nobody vouches for is refused: nothing is sent, both stay queued.
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
        refused = send_due(mail_store, SYSTEM)
        assert len(refused.failed) == 2 and inbox.received == []
        assert "CERTIFICATE_VERIFY_FAILED" in refused.failed[0].error
        # Trusted (as a company CA would be), the retry goes through the encrypted session.
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        later = send_due(mail_store, SYSTEM, now=mail_store.now() + timedelta(minutes=6))
        assert [d.error for d in later.deliveries] == [None, None]
        assert sorted(inbox.by_address()) == ["ana@example.test", "bea@example.test"]
    finally:
        server.stop()


def test_a_server_that_requires_starttls_refuses_plain_mail(mail_store, tmp_path):
    _, context = self_signed(tmp_path)
    inbox = Inbox()
    server = Server(inbox, tls_context=context, require_starttls=True).start()
    try:
        set_setting(mail_store, SYSTEM, "smtp_port", server.port)
        closed_meeting(mail_store)
        report = send_due(mail_store, SYSTEM)
        assert len(report.failed) == 2 and inbox.received == []
        assert "530" in report.failed[0].error
    finally:
        server.stop()
