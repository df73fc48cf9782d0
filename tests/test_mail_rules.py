"""The rules of e-mail without a server: addresses, SMTP settings, retry waits, who receives what."""

from datetime import date, datetime, timedelta

import pytest
import yaml

from kpi.access.roles import SYSTEM
from kpi.access.users import UserError, check_email, email_of
from kpi.cockpit import meeting
from kpi.errors import InvalidInput
from kpi.mail.due import due_on
from kpi.mail.outbox import backoff
from kpi.mail.recipients import named, recipients, set_email, set_opt_outs
from kpi.mail.secret import save_password
from kpi.store.settings import get_settings, set_setting


@pytest.mark.parametrize("typed", ["ana@example.com", " a.b+c@mail.co.uk ", "x_y-z@sub.dominio.es"])
def test_plain_addresses_are_accepted_trimmed(typed):
    assert check_email(typed) == typed.strip()


@pytest.mark.parametrize(
    "typed",
    [
        "admin@localhost",  # the first run's placeholder: no dot in the domain
        "ana@",
        "@example.com",
        "ana example@x.com",
        "ana@x.com, eve@y.com",  # a second recipient
        "Ana <ana@x.com>",
        "ana@x.com\nBcc: eve@y.com",  # a second header
        "añá@x.es",  # SMTP without SMTPUTF8 carries ASCII addresses only
        "a" * 250 + "@x.com",
    ],
)
def test_anything_but_one_plain_address_is_refused(typed):
    with pytest.raises(UserError):
        check_email(typed)


def test_an_empty_address_means_none_and_a_placeholder_receives_nothing():
    assert check_email("  ") is None and check_email(None) is None
    assert email_of({"email": "admin@localhost"}) is None
    assert email_of({}) is None
    assert email_of({"email": "ana@example.com"}) == "ana@example.com"


def test_smtp_settings_are_validated_and_the_host_can_be_cleared(store):
    assert get_settings(store)["smtp_host"] == ""  # mail is off until an admin sets a host
    set_setting(store, SYSTEM, "smtp_host", "smtp.example.com")
    set_setting(store, SYSTEM, "smtp_port", 465)
    set_setting(store, SYSTEM, "smtp_security", "tls")
    set_setting(store, SYSTEM, "smtp_sender", "cockpit@example.com")
    for key, bad in {
        "smtp_port": 70000,
        "smtp_security": "ssl3",
        "smtp_sender": "Cockpit <cockpit@example.com>",
        "smtp_host": "smtp example.com",
    }.items():
        with pytest.raises(InvalidInput):
            set_setting(store, SYSTEM, key, bad)
    settings = get_settings(store)
    assert (settings["smtp_host"], settings["smtp_port"]) == ("smtp.example.com", 465)
    assert (settings["smtp_security"], settings["smtp_sender"]) == ("tls", "cockpit@example.com")
    set_setting(store, SYSTEM, "smtp_host", "")
    assert get_settings(store)["smtp_host"] == ""


def test_retries_wait_longer_each_time_and_never_stop():
    assert [backoff(n) for n in (1, 2, 3, 4, 5, 6, 7, 50)] == [
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=12),
        timedelta(days=1),
        timedelta(days=1),
        timedelta(days=1),
    ]


def test_a_password_smtplib_cannot_send_is_refused_and_nothing_is_written(store, tmp_path):
    path = tmp_path / "auth.smtp-password"
    with pytest.raises(InvalidInput):
        save_password(store, SYSTEM, path, "contraseña")
    assert not path.exists()


def test_set_email_changes_only_the_address_and_refuses_unknown_users(store, users_file):
    set_email(store, SYSTEM, users_file, "Admin", "ada@example.com")
    entry = yaml.safe_load(users_file.read_text())["credentials"]["usernames"]["admin"]
    assert entry["email"] == "ada@example.com" and entry["roles"] == ["admin"]
    with pytest.raises(UserError):
        set_email(store, SYSTEM, users_file, "nobody", "n@example.com")
    assert "nobody" not in yaml.safe_load(users_file.read_text())["credentials"]["usernames"]
    set_email(store, SYSTEM, users_file, "admin", "")
    assert recipients(users_file, "es") == {}


def test_names_match_usernames_or_display_names_once_each(store, users_file):
    set_email(store, SYSTEM, users_file, "admin", "ada@example.com")
    people = recipients(users_file, "en")
    assert [r.username for r in named(people, ["ADMIN ", "admin", "Admin", "Nadie"])] == ["admin"]
    assert people["admin"].lang == "en"  # no language chosen: the cockpit's


def test_opt_outs_are_replaced_and_unknown_kinds_refused(store):
    set_opt_outs(store, "ana", {"brief", "minutes"})
    set_opt_outs(store, "ana", {"brief"})
    rows = store.state().execute("SELECT username, kind FROM mail_opt_outs").fetchall()
    assert rows == [("ana", "brief")]
    with pytest.raises(ValueError):
        set_opt_outs(store, "ana", {"everything"})


def test_news_older_than_a_week_is_not_sent(store):
    today = date(2026, 3, 20)
    recent = meeting.create_meeting(store, SYSTEM, title="Reciente", attendees=["ana"])
    old = meeting.create_meeting(store, SYSTEM, title="Antigua", attendees=["ana"])
    meeting.close_meeting(store, SYSTEM, recent, snapshot={}, now=datetime(2026, 3, 13, 18))
    meeting.close_meeting(store, SYSTEM, old, snapshot={}, now=datetime(2026, 3, 12, 18))
    # 20 March minus 7 days is 13 March: the meeting closed that day is the oldest news.
    assert [(d.kind, d.object_id, d.due_on) for d in due_on(store, today)] == [
        ("minutes", recent, date(2026, 3, 13))
    ]
