"""Inicio: the user's own e-mail notices, each kind switched on or off, and where they go."""

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.mail.recipients import KINDS, address_of, opted_out, set_opt_outs
from kpi.text import escape_markdown

FLASH = "mail_preferences_flash"


def my_notices() -> None:
    """Which kinds of mail the logged-in user receives (all by default)."""
    tr, store = common.tr, common.store()
    username = common.actor().username
    feedback.show_flash(FLASH)
    with st.expander(tr("mail.mine")):
        address = address_of(common.credentials_path(), username)
        if address:
            st.caption(tr("mail.mine.address", address=escape_markdown(address)))
        else:
            st.caption(tr("mail.mine.no_address"))
        blocked = {kind for who, kind in opted_out(store) if who == username}
        with st.form("mail_preferences", enter_to_submit=False):
            wanted = {
                kind: st.checkbox(
                    tr(f"mail.kind.{kind}"), value=kind not in blocked, key=f"mail_pref_{kind}"
                )
                for kind in KINDS
            }
            if st.form_submit_button(tr("mail.mine.save"), key="mail_pref_save"):
                refused = {kind for kind, on in wanted.items() if not on}
                feedback.attempt(
                    lambda: set_opt_outs(store, username, refused), tr("mail.mine.saved"), FLASH
                )
