"""Usuarios: the e-mail address of the user being edited (where their notices go)."""

from pathlib import Path

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.users import MAX_EMAIL
from kpi.mail.recipients import address_of, set_email
from kpi.text import escape_markdown


def email_form(path: Path, username: str, flash: str) -> None:
    """Set or clear (empty) `username`'s address (admin, audited like every user change)."""
    tr = common.tr
    with st.form(f"users_email_{username}", enter_to_submit=False):
        typed = st.text_input(
            tr("users.email"),
            value=address_of(path, username) or "",
            max_chars=MAX_EMAIL,
            help=tr("users.email_help"),
            key=f"users_email_{username}_value",
        )
        if st.form_submit_button(tr("users.email_save", username=escape_markdown(username))):
            feedback.attempt(
                lambda: set_email(common.store(), common.actor(), path, username, typed),
                tr("users.email_saved", username=escape_markdown(username)),
                flash,
            )
