"""The Content-Security-Policy leaves Wagtail's admin working, in a real browser.

Chromium enforces the policy the server sends; every violation - a blocked script, style, image,
frame or request - is reported to the page as a `securitypolicyviolation` event and logged to
the console. The test listens for both in every frame (the preview is an iframe) while a
redaktör writes a document, previews it and submits it for decision.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import get_body, get_register, make_user

from . import ui

# Runs in every frame before the page's own scripts; Playwright injects it outside the page's
# policy, so the listener itself cannot be blocked.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " in " + event.documentURI + " (" + (event.sample || "") + ")"
  );
});
"""
CSP_MESSAGE = re.compile(r"Content Security Policy|CSP violation", re.IGNORECASE)


@pytest.fixture
def violations(context, page):
    """Every CSP violation the browser reports while the test runs, in any frame."""
    found = []
    context.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: CSP_MESSAGE.search(message.text) and found.append(message.text),
    )
    return found


@pytest.mark.browser
def test_the_editor_edits_previews_and_submits_with_no_csp_violation(styrdok, page, violations):
    # The workflow needs someone other than the submitter on every step.
    make_user("redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör")
    make_user("samordnare", groups=["Informationssäkerhetssamordnare"])
    body = get_body("kommundirektor")
    body.official = make_user("kommundirektor", groups=["Beslutsfattare"])
    body.save()
    title = "Riktlinje för säkerhetskopiering"

    response = page.goto(f"{styrdok.admin}/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    ui.log_in(page, styrdok, "redaktor")
    ui.start_riktlinje(page, styrdok, get_register().pk)
    ui.fill_document(
        page,
        title=title,
        slug="riktlinje-for-sakerhetskopiering",
        summary="Hur och hur ofta data säkerhetskopieras.",
        text="Säkerhetskopior tas varje natt.",
        body_name="Kommundirektör",
    )
    ui.save_draft(page)

    # Editing the saved draft, with the preview panel open: the preview renders the document in
    # an iframe served by the admin, and updates as the text changes.
    page.get_by_role("button", name="Växla förhandsgranskning").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("tab", name="Innehåll").click()
    page.get_by_role("textbox", name="Sammanfattning").fill("Säkerhetskopior tas varje natt.")
    expect(preview.get_by_text("Säkerhetskopior tas varje natt.").first).to_be_visible()

    submit = ui.submit_button(page)
    submit.click()
    expect(ui.messages(page)).to_contain_text(f"Sida '{title}' har blivit inlämnad för moderering")

    assert violations == []
    assert page.js_errors == []
