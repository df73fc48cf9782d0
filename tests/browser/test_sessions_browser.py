"""In Chromium: a demoted admin loses admin rights at the next click; a copied cookie stops
working after logout and after a password reset. Every click happens once."""

import time

import pytest
import yaml
from browser_support import demo_database, login, serve, wait_for_app, write_auth

pytestmark = pytest.mark.browser

COOKIE = "brujula_sessions_test"
USERS = {"admin": "admin", "dana": "admin", "leo": "editor"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own: these tests change users' roles and passwords."""
    workdir = tmp_path_factory.mktemp("sessions")
    db, auth = demo_database(workdir, "sessions", seed=9, leads=1000), workdir / "auth.yaml"
    cookie = {"name": COOKIE, "key": "s" * 48, "expiry_days": 1}
    write_auth(auth, {name: (name.title(), role) for name, role in USERS.items()}, cookie)
    with serve(db, auth, workdir) as url:
        yield {"url": url, "auth": auth}


def new_context(browser):
    """A separate browser profile: its own cookies, as on another computer."""
    return browser.new_context(locale="es-ES", viewport={"width": 1600, "height": 1000})


def log_in_once(page, url: str, username: str, password: str | None = None) -> None:
    """Log in with one click (browser_support.login), then wait until the browser holds the
    auth cookie: the tests copy it or reload with it."""
    login(page, url, username, password)
    auth_cookie(page.context)


def open_page(page, title: str) -> None:
    """Click the page's link once; return when its run is over (its heading drawn first, so
    the wait does not end on the previous page's idle state)."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    wait_for_app(page)


def shows_only_login(page) -> bool:
    page.get_by_role("button", name="Entrar").wait_for(timeout=60_000)
    wait_for_app(page)
    return page.get_by_test_id("stSidebarNav").count() == 0


def pick(page, scope, label: str, option: str) -> None:
    """Choose a selectbox option by typing it (the list then offers only that one) and
    clicking it once."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.scroll_into_view_if_needed()
    box.press_sequentially(option)  # key events open the list; a plain fill may not
    # One click on the option typed: Enter would pick whichever option is highlighted, and
    # the highlight may still be on its way when the list is drawn.
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def edit_user(page, username: str, role: str | None = None, password: str | None = None):
    """As an admin on the Usuarios page: change `username`'s role or password, save once."""
    open_page(page, "Usuarios")
    pick(page, page, "Usuario a cambiar", username)
    # The form's button names whom it saves: once it names `username`, the pick is in.
    save = page.get_by_role("button", name=f"Guardar cambios de «{username}»")
    save.wait_for(timeout=30_000)
    form = page.get_by_test_id("stForm").filter(has=save)
    if role:
        pick(page, form, "Rol", role)
    if password:
        form.get_by_label("Nueva contraseña (vacío = no cambiar)").fill(password)
    save.click()
    page.get_by_text(f"Cambios guardados para «{username}».").wait_for(timeout=30_000)


def auth_cookie(context) -> list[dict]:
    """The auth cookie once the browser has it (the cookie component sets it after login)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE]
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the login never set the auth cookie")


def opens_with(browser, url: str, cookies: list[dict]) -> bool:
    """Whether a fresh browser holding only `cookies` gets into the app (not the login form)."""
    context = new_context(browser)
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(url)
        # The first run shows either the app (the cookie was accepted) or the login form.
        page.locator("[data-testid='stSidebarNav'], button:has-text('Entrar')").first.wait_for(
            timeout=60_000
        )
        # Time for a cookie login that needs a rerun: a refusal must not be a mere race.
        page.wait_for_timeout(1_500)
        wait_for_app(page)
        return page.get_by_test_id("stSidebarNav").count() > 0
    finally:
        context.close()


def test_a_demoted_admin_has_no_admin_rights_at_the_next_click(browser, server, shot):
    contexts = [new_context(browser), new_context(browser)]
    dana, admin = (context.new_page() for context in contexts)
    try:
        log_in_once(dana, server["url"], "dana")
        open_page(dana, "Usuarios")
        dana.get_by_label("Usuario (letras, números, '.' o '_')").fill("intruso")
        dana.get_by_label("Contraseña (mín. 8 caracteres)").fill("clave-del-intruso")

        log_in_once(admin, server["url"], "admin")
        edit_user(admin, "dana", role="lector")

        # Dana's screen still shows the form she filled as an admin: her next click.
        dana.get_by_role("button", name="Crear usuario").click()
        assert shows_only_login(dana)
        shot(dana, "sessions-demoted-next-click")
        users = yaml.safe_load(server["auth"].read_text())["credentials"]["usernames"]
        assert "intruso" not in users and users["dana"]["roles"] == ["viewer"]

        log_in_once(dana, server["url"], "dana")
        nav = dana.get_by_test_id("stSidebarNav")
        assert nav.get_by_text("Backlog", exact=True).count() == 1
        for admin_page in ("Usuarios", "Ajustes", "Importar", "Auditoría", "Reunión"):
            assert nav.get_by_text(admin_page, exact=True).count() == 0, admin_page
        assert dana.get_by_text("Usuario: Dana (lector)").count() == 1
    finally:
        for context in contexts:
            context.close()


def test_a_copied_cookie_opens_only_the_login_form_after_logout_and_reset(browser, server):
    context = new_context(browser)
    leo = context.new_page()
    try:
        log_in_once(leo, server["url"], "leo")
        copied = auth_cookie(context)
        assert opens_with(browser, server["url"], copied), "control: the cookie logs in"
        leo.get_by_role("button", name="Cerrar sesión").click()
        assert shows_only_login(leo)
        assert not opens_with(browser, server["url"], copied), "cookie outlived the logout"

        context.clear_cookies()
        log_in_once(leo, server["url"], "leo")
        copied = auth_cookie(context)
        assert opens_with(browser, server["url"], copied)
        admin = new_context(browser)
        try:
            page = admin.new_page()
            log_in_once(page, server["url"], "admin")
            edit_user(page, "leo", password="otra-clave-de-leo")
        finally:
            admin.close()
        assert not opens_with(browser, server["url"], copied), "cookie outlived the reset"
    finally:
        context.close()
