"""In Chromium: Marketing (an editor) disputes a lead Sales rejected in the demo data, and the
dispute shows up in block 3 of the next meeting, where one click makes it a blocker note."""

import re

import pytest
from browser_support import create_meeting, settle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BLOCK_3 = "3 · Aprendizajes y bloqueos"


def dispute_first_rejection(page) -> str:
    """Leads rechazados: the newest unreviewed rejection is picked already; one click disputes it.
    Returns its lead id."""
    page.get_by_test_id("stSidebarNav").get_by_text("Leads rechazados", exact=True).click()
    page.locator(".st-key-mark_disputed").wait_for(timeout=60_000)
    settle(page)
    picked = page.locator(".st-key-mark_lead input").input_value()
    lead = re.search(r"L\d{8}", picked).group(0)
    page.locator(".st-key-mark_comment textarea").fill("Encaja en el ICP: 200 empleados")
    page.locator(".st-key-mark_disputed button").click()
    expect(page.get_by_text(f"Lead {lead}: En disputa.")).to_be_visible(timeout=30_000)
    settle(page)
    return lead


def test_a_disputed_rejection_reaches_block_3_of_the_next_meeting(page, app_server, log_in, shot):
    log_in(page, "editor")
    lead = dispute_first_rejection(page)
    shot(page, "rejections-disputed")
    create_meeting(page, "Tracción")
    page.get_by_role("tab", name=BLOCK_3).click()
    candidate = page.get_by_text(re.compile(rf"^Lead {lead} · rechazado el"))
    expect(candidate).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Encaja en el ICP: 200 empleados")).to_be_visible()
    shot(page, "rejections-block-3")
    page.locator(f".st-key-take_{lead} button").click()
    expect(page.get_by_text("Rechazo en disputa añadido como bloqueo.")).to_be_visible(
        timeout=30_000
    )
    settle(page)
    page.get_by_role("tab", name=BLOCK_3).click()
    # Now a blocker note of this meeting, and no longer a candidate.
    expect(page.get_by_text(re.compile(rf"Rechazo en disputa: lead {lead}"))).to_be_visible()
    expect(page.locator(f".st-key-take_{lead}")).to_have_count(0)
