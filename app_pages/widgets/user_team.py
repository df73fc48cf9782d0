"""Usuarios: the team (for the internal NPS) of the user being edited."""

from pathlib import Path

import streamlit as st

from app_pages.widgets import common, feedback
from kpi.access.teams import set_team, teams
from kpi.access.users import TEAMS
from kpi.text import escape_markdown


def team_editor(path: Path, username: str, flash: str) -> None:
    """Set or clear `username`'s team (admin, audited like every user change)."""
    tr = common.tr
    current = teams(path).get(username)
    options = [None, *TEAMS]
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    team = left.selectbox(
        tr("users.team", username=escape_markdown(username)),
        options,
        index=options.index(current),
        format_func=lambda code: tr(f"team.{code or 'none'}"),
        placeholder=tr("team.none"),
        key=f"users_team_{username}",
    )
    if right.button(tr("users.team.save"), key=f"users_team_save_{username}"):
        feedback.attempt(
            # A fresh Actor: rights are read from the credentials at the moment of the write.
            lambda: set_team(common.store(), common.actor(), path, username, team),
            tr("users.team.saved", username=escape_markdown(username)),
            flash,
        )
