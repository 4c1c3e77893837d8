"""Kvittens in Chromium: a member of staff finds the document on the intranet start page, reads
it and confirms with "Jag har läst och förstått"; the samordnare follows the coverage in the
admin. axe-core finds no violation on any of those pages."""

import re

import pytest
from playwright.sync_api import expect

from kvittens.services import confirm, required_version
from tests.factories import PASSWORD, make_user, path_of
from tests.kvittens.helpers import build_kommun, requirement

from . import a11y, ui

BUTTON = "Jag har läst och förstått"


def build():
    world = build_kommun()
    requirement(document=world["rutin"], organisations=[world["social"]])
    requirement(document=world["policy"], everyone=True)
    return world


def assert_no_violations(page):
    results = a11y.axe_violations(page)
    assert results.response["violations"] == [], a11y.describe_violations(results)


def log_in_on_the_intranet(page, styrdok, username):
    page.goto(f"{styrdok.intranet}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{styrdok.intranet}/")


@pytest.mark.browser
def test_a_reader_confirms_from_the_start_page_list(styrdok, page):
    world = build()
    log_in_on_the_intranet(page, styrdok, "anna")

    # The start page lists both documents Anna has still to confirm.
    listing = page.locator("#att-bekrafta")
    expect(listing.get_by_role("heading", name="Att läsa och bekräfta")).to_be_visible()
    expect(listing).to_contain_text("Du har 2 styrdokument att läsa och bekräfta.")
    assert_no_violations(page)

    listing.get_by_role("link", name="Rutin för incidentrapportering").click()
    page.wait_for_url(re.compile(re.escape(path_of(world["rutin"])) + "#kvittens$"))
    box = page.locator("#kvittens")
    expect(box.get_by_role("heading", name="Läs och bekräfta")).to_be_visible()
    expect(box).to_contain_text("Du ska läsa dokumentet och bekräfta att du har förstått det.")
    assert_no_violations(page)

    box.get_by_role("button", name=BUTTON).click()
    box = page.locator("#kvittens")
    expect(box.get_by_role("status")).to_contain_text("Du bekräftade version 1.0 den")
    expect(box.get_by_role("button", name=BUTTON)).to_have_count(0)
    assert_no_violations(page)

    page.goto(f"{styrdok.intranet}/")
    expect(page.locator("#att-bekrafta")).to_contain_text(
        "Du har 1 styrdokument att läsa och bekräfta."
    )
    expect(page.locator("#att-bekrafta")).not_to_contain_text("Rutin för incidentrapportering")
    assert page.js_errors == []
    ui.screenshot(page, "kvittens-bekraftad")


@pytest.mark.browser
def test_a_keyboard_reader_hears_that_the_confirmation_went_through(styrdok, page):
    """WCAG 4.1.3: after Enter on the button the new page opens at the box, with focus on it,
    and what a screen reader says there is the confirmation; the next Tab goes on from the box,
    not from the top of the page."""
    world = build()
    log_in_on_the_intranet(page, styrdok, "anna")
    page.goto(f"{styrdok.intranet}{path_of(world['rutin'])}")

    a11y.tab_to(page, page.get_by_role("button", name=BUTTON))
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(re.escape(path_of(world["rutin"])) + "#kvittens$"))
    box = page.get_by_role("region", name="Läs och bekräfta")
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(re.compile(r"^Du bekräftade version 1\.0 den "))
    page.keyboard.press("Tab")
    assert not a11y.focus_is_in(page, ".site-header"), a11y.focused(page)
    assert page.js_errors == []


@pytest.mark.browser
def test_the_coverage_report_and_a_documents_coverage_pass_axe(styrdok, page):
    world = build()
    confirm(world["people"]["anna"], world["rutin"], required_version(world["rutin"]))
    make_user("samordnare_kvittens", superuser=True, first_name="Sara", last_name="Samordnare")
    ui.log_in(page, styrdok, "samordnare_kvittens")

    page.goto(f"{styrdok.admin}/rapporter/kvittens/")
    expect(page.get_by_role("heading", name="Kvittensläge").first).to_be_visible()
    expect(page.get_by_role("link", name="Rutin för incidentrapportering")).to_be_visible()
    assert_no_violations(page)

    page.goto(f"{styrdok.admin}/rapporter/kvittens/dokument/{world['rutin'].pk}/")
    expect(page.locator(".kvittens-summary")).to_contain_text("har bekräftat")
    expect(page.get_by_role("heading", name=re.compile(r"^Har inte bekräftat"))).to_be_visible()
    expect(page.get_by_text("Bo Berg")).to_be_visible()
    assert_no_violations(page)
    assert page.js_errors == []
    ui.screenshot(page, "kvittens-dokument")
