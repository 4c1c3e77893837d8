"""An editor who submits a new page while its first autosave is still on its way.

The first autosave creates the page; a submission posted to the create view at the same moment
would find its address taken and fail with "Sidan kunde inte skapas". The editor's script holds
the submission until the autosave has answered. Here the autosave is held in the network
(Playwright's routing) for as long as the test likes, so the race happens every time.
"""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from policies.models import RiktlinjePage
from tests.factories import get_register

from . import ui
from .test_workflow_browser import People


def is_autosave(request):
    accept = request.headers.get("accept") or ""
    return request.method == "POST" and "application/json" in accept


class HeldAutosaves:
    """Autosave requests to the create view, held until the test lets them go."""

    def __init__(self):
        self.routes = []

    def __call__(self, route):
        if is_autosave(route.request):
            self.routes.append(route)
        else:
            route.fallback()

    def release(self):
        routes, self.routes = self.routes, []
        for route in routes:
            route.fallback()


def set_autosave(page, active):
    page.locator("form[data-edit-form]").evaluate(
        "(form, active) => form.setAttribute('data-w-autosave-active-value', String(active))",
        active,
    )


@pytest.mark.browser
def test_a_submission_during_the_first_autosave_submits_the_page_it_created(styrdok, page):
    title = "Rutin för kameraövervakning"
    slug = "rutin-for-kameraovervakning"
    # The people a submission needs: someone else to review it and a kommundirektör to decide.
    People()
    register = get_register()
    held = HeldAutosaves()
    page.route(lambda url: "/admin/pages/add/" in url, held)

    ui.log_in(page, styrdok, "redaktor")
    ui.start_riktlinje(page, styrdok, register.pk)
    # The whole form is filled in first, so that the one autosave held below carries all of it.
    set_autosave(page, False)
    ui.fill_document(
        page,
        title=title,
        slug=slug,
        summary="Hur kameror sätts upp och hur bilderna hanteras.",
        text="Inspelat material ska raderas efter sju dagar.",
        body_name="Kommundirektör",
    )
    set_autosave(page, True)
    # What Wagtail's unsaved-changes watcher sends when it sees the edits: the autosave starts.
    page.locator("form[data-edit-form]").dispatch_event("w-unsaved:add")
    for _ in range(200):
        if held.routes:
            break
        page.wait_for_timeout(50)
    assert len(held.routes) == 1

    # The editor submits while the autosave is out: nothing is posted yet.
    page.get_by_role("button", name="Fler åtgärder").click()
    page.get_by_role("button", name="Skicka till granskning och beslut").click()
    page.wait_for_timeout(300)
    assert not RiktlinjePage.objects.filter(title=title).exists()
    expect(page).to_have_url(re.compile(r"/admin/pages/add/policies/riktlinjepage/\d+/(#.*)?$"))

    # The autosave creates the page; the submission then goes to that page.
    held.release()
    expect(ui.messages(page)).to_contain_text(f"Sida '{title}' har blivit inlämnad för moderering")
    expect(ui.messages(page)).not_to_contain_text("kunde inte skapas")
    document = RiktlinjePage.objects.get(title=title)
    assert document.slug == slug
    assert Page.objects.filter(title=title).count() == 1
    assert document.current_workflow_state is not None
    assert page.js_errors == []


@pytest.mark.browser
def test_a_body_chosen_after_the_first_autosave_decides_the_submission(styrdok, page):
    """The first autosave stores the new page before the editor has chosen its deciding body;
    the editor then chooses the body and submits before any autosave stores it. The submission
    goes to that body's workflow: it is not turned into a plain save of the draft."""
    title = "Riktlinje för besöksloggar"
    slug = "riktlinje-for-besoksloggar"
    People()
    register = get_register()

    ui.log_in(page, styrdok, "redaktor")
    ui.start_riktlinje(page, styrdok, register.pk)
    set_autosave(page, False)
    page.get_by_role("tab", name="Innehåll").click()
    page.get_by_role("textbox", name=re.compile(r"^Titel")).fill(title)
    page.get_by_role("tab", name="Webbadress").click()
    page.get_by_role("textbox", name=re.compile(r"^Slugg?")).fill(slug)
    set_autosave(page, True)
    with page.expect_response(lambda response: is_autosave(response.request)) as answer:
        page.locator("form[data-edit-form]").dispatch_event("w-unsaved:add")
    assert answer.value.json()["success"]
    # The autosave has created the page; the editor is now on its edit view.
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    assert RiktlinjePage.objects.get(title=title).decision_body_id is None

    # Quicker than the next autosave: the stored page never gets its body before the submission.
    set_autosave(page, False)
    ui.fill_document(
        page,
        title=title,
        slug=slug,
        summary="Hur besök i kommunhuset loggas.",
        text="Besöksloggar sparas i tre månader.",
        body_name="Kommundirektör",
    )
    page.get_by_role("button", name="Fler åtgärder").click()
    page.get_by_role("button", name="Skicka till granskning och beslut").click()

    expect(ui.messages(page)).to_contain_text(f"Sida '{title}' har blivit inlämnad för moderering")
    document = RiktlinjePage.objects.get(title=title)
    assert document.current_workflow_state is not None
    assert document.get_latest_revision_as_object().decision_body.name == "Kommundirektör"
    assert Page.objects.filter(title=title).count() == 1
    assert page.js_errors == []
