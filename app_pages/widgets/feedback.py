"""Attempt a core write from a page and flash its result: one mechanism for every page."""

import streamlit as st

from app_pages.widgets import common

FLASH = "flash"


def attempt(write, success=None, key: str = FLASH) -> None:
    """Run a core write; show a refusal in the user's language, or flash success and rerun.

    `success` is the flash text, a function of the write's result returning it, or None for a
    write whose result the page itself shows (a review button's new status). A page passes its
    own `key` so its confirmation does not show on another page."""
    done, result = common.run_write(write)
    if not done:
        return
    message = success(result) if callable(success) else success
    # Kept until the next write: reruns (a chart's selection event, the cookie component's
    # right after login) must not eat it.
    st.session_state[key] = (message, common.store().data_version())
    st.rerun()


def show_flash(key: str = FLASH) -> None:
    message, version = st.session_state.get(key) or (None, None)
    if message and version == common.store().data_version():
        st.success(message)
