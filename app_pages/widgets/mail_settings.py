"""Ajustes: the SMTP server and its password, a test e-mail, and the outbox (what waits, and why)."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.roles import Actor
from kpi.access.users import check_email
from kpi.errors import TranslatedError
from kpi.i18n import fmt_date
from kpi.mail.notify import send_due, send_test
from kpi.mail.outbox import unsent
from kpi.mail.secret import read_password, save_password, secret_path_for
from kpi.store.database import Store
from kpi.store.settings import CHOICES, NUMBER_RANGES, TEXT_FIELDS, get_settings, set_setting
from kpi.text import escape_markdown

TEXT_KEYS = ("smtp_host", "smtp_sender", "smtp_user")


def mail_form(store: Store, user: Actor, flash: str) -> None:
    """The server settings as one form; a typed password replaces the stored one."""
    tr = common.tr
    settings = get_settings(store)
    secret = secret_path_for(store.path)
    st.subheader(tr("mail.settings"))
    st.caption(tr("mail.settings.help"))
    with st.form("mail_form", enter_to_submit=False):
        cols = st.columns(3)
        values = {
            key: column.text_input(
                tr(key), settings[key], max_chars=TEXT_FIELDS[key].limit, key=f"mail_{key}"
            )
            for column, key in zip(cols, TEXT_KEYS, strict=True)
        }
        low, high = NUMBER_RANGES["smtp_port"]
        values["smtp_port"] = cols[0].number_input(
            tr("smtp_port"), int(low), int(high), int(settings["smtp_port"]), key="mail_port"
        )
        options = CHOICES["smtp_security"]
        values["smtp_security"] = cols[1].selectbox(
            tr("smtp_security"),
            options,
            index=options.index(settings["smtp_security"]),
            format_func=lambda code: tr(f"mail.security.{code}"),
            key="mail_security",
        )
        stored = read_password(secret) is not None
        password = cols[2].text_input(
            tr("mail.password"),
            type="password",
            help=tr("mail.password.help_set" if stored else "mail.password.help_unset"),
            key="mail_password",
        )
        forget = stored and st.checkbox(tr("mail.password.forget"), key="mail_forget")
        if st.form_submit_button(tr("mail.save"), key="mail_save"):
            changed = {k: v for k, v in values.items() if v != settings[k]}

            def write():
                # Refused before anything is saved: a host alone would half-configure mail.
                check_email(values["smtp_sender"])
                for key, value in changed.items():
                    set_setting(store, user, key, value)
                if password or forget:
                    save_password(store, user, secret, None if forget else password)

            unchanged = not (changed or password or forget)
            feedback.attempt(
                write, tr("settings.unchanged" if unchanged else "settings.saved"), flash
            )
    test_mail(store)
    outbox_state(store, user)


def test_mail(store: Store) -> None:
    """Send one message now to a typed address, and say what the server answered."""
    tr, lang = common.tr, common.lang()
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    address = left.text_input(tr("mail.test.to"), key="mail_test_to")
    if right.button(tr("mail.test.send"), key="mail_test_send"):
        try:
            send_test(store, address, lang)
        except TranslatedError as error:
            st.error(escape_markdown(error.message(lang)))
        else:
            st.success(tr("mail.test.sent", address=escape_markdown(address.strip())))


def outbox_state(store: Store, user: Actor) -> None:
    """Messages not sent yet, with their last error; and sending what is due now."""
    tr, lang = common.tr, common.lang()
    waiting = unsent(store)
    if not waiting:
        st.caption(tr("mail.outbox.empty"))
    else:
        st.warning(tr("mail.outbox.waiting", count=len(waiting)))
        table = pd.DataFrame(
            [
                [m["recipient"], m["subject"], m["attempts"], fmt_date(m["next_try_at"], lang)]
                + [m["last_error"] or ""]
                for m in waiting
            ],
            columns=[
                tr(f"mail.outbox.col.{c}") for c in ("to", "subject", "attempts", "next", "error")
            ],
        )
        st.dataframe(table, hide_index=True, width="stretch")
    if st.button(tr("mail.send_now"), key="mail_send_now", help=tr("mail.send_now.help")):
        done, report = common.run_write(lambda: send_due(store, user))
        if done and not report.configured:
            st.error(tr("mail.error.off"))
        elif done:
            failed = len(report.failed)
            sent = len(report.deliveries) - failed
            st.info(tr("mail.send_now.done", queued=report.queued, sent=sent, failed=failed))
