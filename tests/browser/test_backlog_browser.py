"""In Chromium: an editor captures a blocker in a meeting and turns it into a backlog item, commits
the sprint's three actions (one from that item) and is refused a fourth; a viewer then sees the
same sprint and can change nothing."""

import re

import browser_support
import pytest
from browser_support import choose, create_meeting, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ITEM = "Guion de cualificación ICP-A"


def settle(page) -> None:
    """Wait for the run a click starts and for the one the redrawn matrix may trigger (later
    than most follow-up runs)."""
    browser_support.settle(page, pause_ms=1500)


def open_backlog(page) -> None:
    """Open the Backlog page with one click on the sidebar, once the app is idle."""
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Backlog", exact=True).click()
    page.get_by_role("heading", name="Sprint actual: 3 acciones").wait_for(timeout=30_000)
    settle(page)


def blocker_to_backlog(page, title: str) -> None:
    """Meeting block 3: capture a dependency blocker, then send it to the backlog in one click."""
    create_meeting(page, "Reunión con bloqueo", pause_ms=1500)
    page.get_by_role("tab", name="3 · Aprendizajes y bloqueos").click()
    choose(page, "Tipo", "Bloqueo: dependencia")
    page.locator(".st-key-note_text textarea").fill(title)
    page.locator(".st-key-note_root_cause input").fill("Ventas no tiene guion para ICP-A")
    page.locator(".st-key-note_owner input").fill("Ana")
    page.locator(".st-key-note_add button").click()
    expect(page.get_by_text("Nota añadida.")).to_be_visible(timeout=30_000)
    settle(page)
    page.get_by_role("tab", name="3 · Aprendizajes y bloqueos").click()
    page.get_by_role("button", name="→ Backlog").last.click()
    # The note now names the item it became, as a link (issue 15 point 7).
    expect(page.get_by_role("link", name=f"En el backlog: {title}")).to_be_visible(timeout=30_000)
    settle(page)


def sprint_form(page):
    return page.get_by_test_id("stForm").filter(has_text="Añadir acción al sprint")


def committed(page) -> int:
    text = page.get_by_text(re.compile(r"\d de 3 acciones comprometidas")).first.inner_text()
    return int(text.split()[0])


def add_action(page, title: str, owner: str, done: str, from_item: str | None = None) -> None:
    form = sprint_form(page)
    if from_item:
        choose(page, "Desde el backlog (opcional)", from_item)
    else:
        form.get_by_label("Acción (si no viene del backlog)").fill(title)
    form.get_by_label("Responsable").fill(owner)
    form.get_by_label("Definición de hecho").fill(done)
    form.get_by_role("button", name="Comprometer acción").click()
    settle(page)


def test_three_actions_then_a_fourth_is_refused_and_the_viewer_only_reads(
    page, app_server, log_in, shot
):
    log_in(page, "editor")
    blocker_to_backlog(page, ITEM)
    open_backlog(page)
    wait_for_app(page)
    matrix = page.get_by_test_id("stVegaLiteChart").first
    matrix.wait_for()

    already = committed(page)
    assert already < 3, "the new meeting starts an empty sprint"
    for n in range(already, 3):
        if n == already:
            add_action(page, ITEM, "Ana", "Guion probado en 20 llamadas", from_item=ITEM)
            expect(page.get_by_text(f"Acción «{ITEM}» añadida al sprint.")).to_be_visible()
        else:
            add_action(page, f"Acción {n + 1}", "Luis", f"Hecho {n + 1}")
        expect(page.get_by_text(f"{n + 1} de 3 acciones comprometidas.")).to_be_visible()
    assert committed(page) == 3
    expect(page.get_by_text("El sprint ya tiene sus 3 acciones")).to_be_visible()

    add_action(page, "Cuarta acción", "Marta", "Nunca")
    refusal = page.get_by_test_id("stAlertContentError")
    refusal.first.wait_for()
    assert "no se admite una cuarta" in refusal.first.inner_text()
    assert committed(page) == 3
    shot(page, "backlog-sprint-full")

    page.context.clear_cookies()
    log_in(page, "viewer")
    open_backlog(page)
    main = page.get_by_test_id("stMain")
    expect(page.get_by_text("Solo lectura")).to_be_visible()
    assert committed(page) == 3
    assert page.get_by_test_id("stVegaLiteChart").count() >= 1
    assert main.get_by_test_id("stForm").count() == 0
    for label in ("Comprometer acción", "Crear elemento", "Guardar cambios de la tabla"):
        assert main.get_by_role("button", name=label).count() == 0
    assert main.get_by_test_id("stDataFrame").count() >= 2
    shot(page, "backlog-viewer")
