"""What a person does in the admin and on the intranet, as Playwright steps (sync API).

Locators go by role and visible Swedish text wherever the markup allows, the way a user finds
things; ids are used only where Wagtail gives no usable accessible name.
"""

import os
import re
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

CASE_URL = re.compile(r"/admin/arenden/\d+/$")
# Screenshots go outside the repository: /tmp/styrdok-browser unless told otherwise.
ARTIFACTS = Path(os.environ.get("STYRDOK_BROWSER_ARTIFACTS") or tempfile.gettempdir())
ARTIFACTS = ARTIFACTS / "styrdok-browser"


def screenshot(page: Page, name):
    """A full-page screenshot for a person to look at; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# -- signing in and out ------------------------------------------------------------------------


def log_in(page: Page, hosts, username, password=PASSWORD):
    """Through the admin's own login form; ends on the dashboard."""
    page.goto(f"{hosts.admin}/login/")
    page.get_by_label("Användarnamn").fill(username)
    # Wagtail's login form labels this field "Password" even in Swedish (its own form field has
    # no translated label), so it is found by its name instead.
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{hosts.admin}/")


def log_out(page: Page, hosts, display_name):
    """Through the account menu at the foot of the admin's sidebar."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name=display_name, exact=True).click()
    sidebar.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(re.escape(f"{hosts.admin}/login/")))


# -- the page editor ----------------------------------------------------------------------------


def start_riktlinje(page: Page, hosts, register_id):
    """Open the editor for a new riktlinje the way an editor does: "Lägg till undersida"."""
    page.goto(f"{hosts.admin}/pages/{register_id}/add_subpage/")
    page.get_by_role("link", name="Riktlinje", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/add/policies/riktlinjepage/\d+/$"))


def fill_document(page: Page, *, title, slug, summary, text, body_name):
    """Content tab (title, summary, one text block), Metadata tab (the deciding body), and the
    slug under Webbadress so the test knows the address without relying on slug generation."""
    page.get_by_role("tab", name="Innehåll").click()
    page.get_by_role("textbox", name=re.compile(r"^Titel")).fill(title)
    page.get_by_role("textbox", name="Sammanfattning").fill(summary)
    page.get_by_role("button", name="Lägg till ett block").click()
    page.get_by_role("option", name="Text", exact=True).click()
    # Draftail: the rich-text editor of the new block is a contenteditable textbox.
    editor = page.locator("[data-contentpath=body]").get_by_role("textbox")
    editor.click()
    page.keyboard.type(text)
    expect(editor).to_contain_text(text)

    page.get_by_role("tab", name="Metadata").click()
    page.get_by_role("button", name="Välj beslutande organ").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("link", name=body_name, exact=True).click()
    expect(chooser).to_be_hidden()
    expect(page.locator("#id_decision_body-title")).to_have_text(body_name)

    page.get_by_role("tab", name="Webbadress").click()
    page.get_by_role("textbox", name=re.compile(r"^Slugg?")).fill(slug)


def submit_button(page: Page):
    """The workflow submit item in the editor's action menu: "Skicka till granskning och beslut"
    for a new document, "Lämna in till <workflow>" for a saved one.

    Waits for the network to go quiet first, as an editor pauses before submitting: the flows
    here are about deciding, not about racing an autosave (that is the subject of
    tests/browser/test_autosave_browser.py)."""
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Fler åtgärder").click()
    return page.get_by_role(
        "button", name=re.compile(r"^(Lämna in till |Skicka till granskning och beslut)")
    )


def save_draft(page: Page):
    page.get_by_role("button", name="Spara utkast").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    # Wagtail's autosave may have created the page while the form was being filled in; the
    # button then saves that page and Wagtail says "uppdaterad" instead of "skapad".
    expect(messages(page)).to_contain_text(re.compile(r"\b(skapad|uppdaterad)\."))


def messages(page: Page):
    return page.locator(".messages")


# -- deciding -----------------------------------------------------------------------------------


def pending_panel(page: Page):
    """The dashboard panel "Att besluta"."""
    return page.get_by_role("region", name="Att besluta")


def open_case_from_dashboard(page: Page, hosts, title):
    page.goto(f"{hosts.admin}/")
    panel = pending_panel(page)
    expect(panel).to_be_visible()
    panel.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(CASE_URL)
    expect(page.get_by_role("heading", level=2, name="Ärendet")).to_be_visible()


def action_form(page: Page, label):
    """One action on the case page: a section headed by the action's label, with its own form."""
    return page.get_by_role("region", name=label, exact=True)


def case_fact(page: Page, term):
    """A value in the case page's facts list (Dokument, Beslutande organ, Arbetsflöde …)."""
    return page.locator("dl.styrdok-facts dt", has_text=re.compile(f"^{re.escape(term)}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def expect_action_registered(page: Page, hosts, title):
    expect(page).to_have_url(f"{hosts.admin}/")
    expect(messages(page)).to_contain_text(f"Åtgärden är registrerad för ”{title}”")


# -- the published document ---------------------------------------------------------------------


def metadata_value(page: Page, term):
    """The value beside `term` in the document's metadata block."""
    block = page.get_by_role("region", name="Uppgifter om dokumentet")
    return (
        block.locator(".metadata__list > div")
        .filter(has=page.locator("dt", has_text=re.compile(f"^{re.escape(term)}$")))
        .locator("dd")
    )
