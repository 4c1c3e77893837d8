"""The Klarspråk side panel in a real editor: it follows the text as the redaktör writes, under the
admin's Content-Security-Policy, and never stands in the way of saving."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import get_register, make_user

from . import ui

LONG_SENTENCE = (
    "Det åligger respektive förvaltningschef att tillse att erforderliga "
    "informationssäkerhetsåtgärder vidtas i enlighet med gällande informationsklassificering "
    "samt att dokumentationen avseende behandlingen av personuppgifter tillhandahålls "
    "dataskyddsombudet skyndsamt efter genomförd riskbedömning."
)
CSP_MESSAGE = re.compile(r"Content Security Policy|CSP violation", re.IGNORECASE)


@pytest.mark.browser
def test_the_panel_follows_the_text_and_never_blocks_saving(styrdok, page):
    make_user("redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör")
    violations = []
    page.on(
        "console",
        lambda message: CSP_MESSAGE.search(message.text) and violations.append(message.text),
    )
    ui.log_in(page, styrdok, "redaktor")
    ui.start_riktlinje(page, styrdok, get_register().pk)

    # A side panel of its own beside Wagtail's checks, opened by its toggle in the header.
    panel = page.locator('[data-side-panel="klarsprak"] [data-styrdok-plain-language]')
    expect(panel).to_be_hidden()
    page.get_by_role("button", name="Visa eller dölj klarspråk").click()
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Läsbarhetsindex (LIX): – (ingen text)")

    ui.fill_document(
        page,
        title="Riktlinje för svåra meningar",
        slug="riktlinje-for-svara-meningar",
        summary="Den sökande erhåller ett beslut.",
        text=LONG_SENTENCE,
        body_name="Kommundirektör",
    )
    page.get_by_role("tab", name="Innehåll").click()

    # Refreshed from the form as it stands, a moment after the last keystroke.
    expect(panel).to_contain_text("(mycket svår)")
    expect(panel).to_contain_text("1 mening har fler än 25 ord")
    expect(panel.locator(".styrdok-plain-language__words")).to_contain_text("erhålla")
    expect(panel.locator(".styrdok-plain-language__words")).to_contain_text("tillhandahålla")
    # The status follows the last answer; on a busy machine that answer may come late.
    expect(panel.locator("[data-styrdok-plain-language-status]")).to_have_text(
        "Klarspråksrutan är uppdaterad.", timeout=15_000
    )

    # As an editor pauses before saving: Wagtail's autosave may be creating the page just now.
    page.wait_for_load_state("networkidle")
    ui.save_draft(page)
    expect(page.locator("[data-styrdok-plain-language]")).to_contain_text("(mycket svår)")
    assert violations == []
    assert page.js_errors == []
