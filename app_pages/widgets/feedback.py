"""Attempt a core write from a page and flash its result: one mechanism for every page."""

import streamlit as st

from app_pages.widgets import common

FLASH = "flash"


def attempt(write, success) -> None:
    """Run a core write; show a refusal in the user's language, or flash success and rerun.

    `success` is the flash text, or a function of the write's result returning it."""
    done, result = common.run_write(write)
    if not done:
        return
    message = success(result) if callable(success) else success
    # Kept until the next write: reruns (a chart's selection event, say) must not eat it.
    st.session_state[FLASH] = (message, common.store().data_version())
    st.rerun()


def show_flash() -> None:
    message, version = st.session_state.get(FLASH) or (None, None)
    if message and version == common.store().data_version():
        st.success(message)
