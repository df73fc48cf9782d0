"""Users (admin): list who can log in, add a user, change a role, reset a password, deactivate."""

import pandas as pd
import streamlit as st

from app_pages.widgets import common, feedback, user_email, user_team
from kpi import clock
from kpi.access import auth
from kpi.access.roles import ROLES
from kpi.access.users import MAX_NAME, MAX_USERNAME
from kpi.i18n import DASH
from kpi.store.backup import BackupError, backup_store
from kpi.text import escape_markdown

user = common.guard("users")
store = common.store()
tr = common.tr
path = auth.auth_path_for(common.db_path())

st.title(f"👥 {tr('nav.users')}")
st.caption(tr("users.intro"))


def role_label(role: str) -> str:
    return tr(f"role.{role}")


users = auth.list_users(path)
for row in users:  # labels before the frame: pandas would make a missing team NaN
    row["team"] = tr(f"team.{row['team'] or 'none'}")
    row["email"] = row["email"] or DASH
table = pd.DataFrame(users, columns=["username", "name", "role", "team", "email", "active"])
table["role"] = table["role"].map(role_label)
table["active"] = table["active"].map(lambda a: tr("users.yes" if a else "users.no"))
st.dataframe(
    table.rename(columns={c: tr(f"users.col.{c}") for c in table.columns}),
    hide_index=True,
    width="stretch",
)

FLASH = "users_flash"
feedback.show_flash(FLASH)


NEW_USER_KEYS = ("users_new_username", "users_new_name", "users_new_role", "users_new_password")
# Widgets a saved write made stale, emptied on the next run before they render: the add form
# after a user is created (a refusal keeps what was typed), the "active" box after a switch.
STALE = "users_stale_widgets"
for widget_key in st.session_state.pop(STALE, ()):
    st.session_state.pop(widget_key, None)


def attempt(username, name, role, password, done_key, active=None, new=False, stale=()) -> None:
    def write():
        # A fresh Actor: rights are read from the credentials at the moment of the write.
        saved = auth.save_user(
            store, common.actor(), path, username, name, role, password, active, new
        )
        st.session_state[STALE] = stale
        return saved

    feedback.attempt(write, lambda saved: tr(done_key, username=escape_markdown(saved)), FLASH)


with st.form("users_add", clear_on_submit=False, enter_to_submit=False):
    st.subheader(tr("users.add"))
    new_username = st.text_input(
        tr("users.username"), max_chars=MAX_USERNAME, key="users_new_username"
    )
    new_name = st.text_input(tr("users.name"), max_chars=MAX_NAME, key="users_new_name")
    new_role = st.selectbox(
        tr("users.role"), ROLES[::-1], format_func=role_label, key="users_new_role"
    )
    new_password = st.text_input(tr("users.password"), type="password", key="users_new_password")
    if st.form_submit_button(tr("users.create"), type="primary"):
        attempt(
            new_username,
            new_name,
            new_role,
            new_password,
            "users.created",
            new=True,
            stale=NEW_USER_KEYS,
        )

st.subheader(tr("users.edit"))
by_name = {u["username"]: u for u in users}
target = st.selectbox(tr("users.pick"), list(by_name), key="users_edit_pick")
current = by_name[target]
with st.form("users_edit", enter_to_submit=False):
    edit_role = st.selectbox(
        tr("users.role"),
        ROLES,
        index=ROLES.index(current["role"]),
        format_func=role_label,
        key=f"users_edit_role_{target}",
    )
    edit_password = st.text_input(tr("users.new_password"), type="password", key="users_edit_pw")
    edit_active = st.checkbox(
        tr("users.active"),
        value=current["active"],
        help=tr("users.active_help"),
        key=f"users_edit_active_{target}",
    )
    st.caption(tr("users.sessions_note"))
    if st.form_submit_button(tr("users.apply", username=escape_markdown(target))):
        attempt(
            target, current["name"], edit_role, edit_password or None, "users.saved", edit_active
        )
# One click each way, beside the form: deactivating ends the user's sessions at once.
switch = "deactivate" if current["active"] else "reactivate"
if st.button(
    tr(f"users.{switch}", username=escape_markdown(target)),
    help=tr(f"users.{switch}.help"),
    key=f"users_{switch}_{target}",
):
    attempt(
        target,
        current["name"],
        current["role"],
        None,
        f"users.{switch}d",
        active=switch == "reactivate",
        stale=(f"users_edit_active_{target}",),
    )
user_email.email_form(path, target, FLASH)
user_team.team_editor(path, target, FLASH)

st.subheader(tr("backup.title"))
st.caption(tr("backup.intro"))
default_target = common.db_path().parent / "backups" / f"brujula-{clock.now():%Y%m%d-%H%M%S}"
target = st.text_input(tr("backup.folder"), value=str(default_target), key="backup_target")
if st.button(tr("backup.run"), key="backup_run"):
    try:
        manifest = backup_store(store, user, target)
    except BackupError as error:
        st.error(escape_markdown(error.message(common.lang())))
    else:
        tables = len(manifest["facts"]) + len(manifest["state"])
        rows = sum(manifest["facts"].values()) + sum(manifest["state"].values())
        st.success(tr("backup.done", target=escape_markdown(target), tables=tables, rows=rows))
