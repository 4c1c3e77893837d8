"""A styrdokument from the editor to a published decision, in a real browser.

Each person signs in through the admin's login form, finds the document in "Att besluta" on the
dashboard, acts on the case page and signs out; the result is read on the intranet page.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from policies.models import RiktlinjePage
from tests.factories import get_body, get_register, make_user

from . import ui

REVIEW = "Granskning"
KD_WORKFLOW = "Kommundirektörens beslut"
KS_WORKFLOW = "Riktlinje – beslut i kommunstyrelsen"


class People:
    """The roles in the approval chain, as the setup_styrdok groups define them."""

    def __init__(self):
        self.redaktor = make_user(
            "redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör"
        )
        self.samordnare = make_user(
            "samordnare",
            groups=["Informationssäkerhetssamordnare"],
            first_name="Sam",
            last_name="Samordnare",
        )
        self.kommundirektor = make_user(
            "kommundirektor", groups=["Beslutsfattare"], first_name="Kim", last_name="Direktör"
        )
        self.sekreterare = make_user(
            "sekreterare", groups=["Nämndsekreterare"], first_name="Siv", last_name="Sekreterare"
        )
        body = get_body("kommundirektor")
        body.official = self.kommundirektor
        body.save()


@pytest.fixture
def people(styrdok):
    return People()


def today():
    return timezone.localdate().isoformat()


def approve_review(page, hosts, title, workflow):
    """The informationssäkerhetssamordnare approves the review from the case page."""
    ui.log_in(page, hosts, "samordnare")
    ui.open_case_from_dashboard(page, hosts, title)
    expect(page.get_by_role("heading", level=1)).to_contain_text(REVIEW)
    expect(ui.case_fact(page, "Arbetsflöde")).to_have_text(workflow)
    expect(page.locator("ol.styrdok-steps li").first).to_have_text(f"{REVIEW} – pågår")
    form = ui.action_form(page, "Godkänn granskningen")
    form.get_by_role("button", name="Godkänn granskningen").click()
    ui.expect_action_registered(page, hosts, title)
    ui.log_out(page, hosts, "Sam")


@pytest.mark.browser
def test_kommundirektor_adopts_a_riktlinje_written_in_the_editor(styrdok, people, page):
    title = "Riktlinje för lösenord"
    slug = "riktlinje-for-losenord"
    register = get_register()

    # The redaktör writes the riktlinje, saves a draft and submits it from the editor.
    ui.log_in(page, styrdok, "redaktor")
    ui.start_riktlinje(page, styrdok, register.pk)
    ui.fill_document(
        page,
        title=title,
        slug=slug,
        summary="Hur lösenord väljs och förvaras.",
        text="Lösenord ska vara minst tolv tecken långa.",
        body_name="Kommundirektör",
    )
    ui.save_draft(page)
    submit = ui.submit_button(page)
    # Once the draft names its body, the menu names that body's workflow.
    expect(submit).to_have_text(f"Lämna in till {KD_WORKFLOW}")
    submit.click()
    expect(ui.messages(page)).to_contain_text(f"Sida '{title}' har blivit inlämnad för moderering")
    ui.log_out(page, styrdok, "Rut")

    approve_review(page, styrdok, title, KD_WORKFLOW)

    # The kommundirektör adopts it with the date and the ärende's diarienummer.
    decision_date = today()
    ui.log_in(page, styrdok, "kommundirektor")
    panel = ui.pending_panel(page)
    expect(panel.get_by_role("row").filter(has_text=title)).to_contain_text(KD_WORKFLOW)
    ui.open_case_from_dashboard(page, styrdok, title)
    expect(ui.case_fact(page, "Beslutande organ")).to_have_text("Kommundirektör")
    expect(page.locator("ol.styrdok-steps li")).to_have_text(
        [f"{REVIEW} – klart", f"{KD_WORKFLOW} – pågår"]
    )
    form = ui.action_form(page, "Fastställ")
    form.get_by_label("Beslutsdatum").fill(decision_date)
    form.get_by_label("Diarienummer").fill("ks-2026-123")
    form.get_by_role("button", name="Fastställ").click()
    ui.expect_action_registered(page, styrdok, title)
    expect(ui.pending_panel(page)).to_have_count(0)

    # On the intranet the riktlinje is adopted and published with its decision.
    page.goto(f"{styrdok.intranet}/styrdokument/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(ui.metadata_value(page, "Beslutad av")).to_have_text("Kommundirektör")
    expect(ui.metadata_value(page, "Beslutsdatum")).to_have_text(decision_date)
    expect(ui.metadata_value(page, "Dnr")).to_have_text("KS-2026-123")
    expect(ui.metadata_value(page, "Giltig från")).to_have_text(decision_date)
    expect(page.locator(".document__body")).to_contain_text(
        "Lösenord ska vara minst tolv tecken långa."
    )
    history = page.get_by_role("region", name="Beslutshistorik")
    decision = history.get_by_role("row").filter(has_text="Beslutad")
    expect(decision).to_contain_text("Kommundirektör")
    expect(decision).to_contain_text("KS-2026-123")
    ui.screenshot(page, "a-kommundirektor-adopted")
    # The riktlinje is internal (the default): the public website does not know it.
    response = page.goto(f"{styrdok.public}/styrdokument/{slug}/")
    assert response.status == 404
    assert page.js_errors == []

    document = RiktlinjePage.objects.get(slug=slug)
    assert document.live
    assert not document.has_unpublished_changes
    assert document.decision_body == get_body("kommundirektor")


@pytest.mark.browser
def test_kommunstyrelsen_decision_is_recorded_by_the_secretary(styrdok, people, page):
    title = "Riktlinje för informationsklassning"
    slug = "riktlinje-for-informationsklassning"
    register = get_register()

    # The redaktör submits straight from the new page's editor.
    ui.log_in(page, styrdok, "redaktor")
    ui.start_riktlinje(page, styrdok, register.pk)
    ui.fill_document(
        page,
        title=title,
        slug=slug,
        summary="Hur information klassas.",
        text="All information ska klassas enligt kommunens modell.",
        body_name="Kommunstyrelsen",
    )
    ui.submit_button(page).click()
    # Autosave may already have created the page; either way it is submitted.
    expect(ui.messages(page)).to_contain_text("inlämnad för moderering")
    ui.log_out(page, styrdok, "Rut")

    approve_review(page, styrdok, title, KS_WORKFLOW)

    # The kommundirektör forwards the proposal to kommunstyrelsen.
    ui.log_in(page, styrdok, "kommundirektor")
    ui.open_case_from_dashboard(page, styrdok, title)
    form = ui.action_form(page, "Överlämna förslaget")
    form.get_by_role("button", name="Överlämna förslaget").click()
    ui.expect_action_registered(page, styrdok, title)
    ui.log_out(page, styrdok, "Kim")

    # The nämndsekreterare records the decision from the signed protocol.
    meeting_date = today()
    ui.log_in(page, styrdok, "sekreterare")
    ui.open_case_from_dashboard(page, styrdok, title)
    expect(page.locator("ol.styrdok-steps li")).to_have_text(
        [
            f"{REVIEW} – klart",
            "Kommundirektören överlämnar förslag – klart",
            "KS-beslut – pågår",
        ]
    )
    form = ui.action_form(page, "Registrera beslut")
    form.get_by_role("radio", name="Beslutad").check()
    form.get_by_label("Sammanträdesdatum").fill(meeting_date)
    form.get_by_label("Paragraf (§)").fill("45")
    form.get_by_label("Diarienummer").fill("KS 2026/88")
    form.get_by_label("Protokollsreferens").fill(f"Kommunstyrelsens protokoll {meeting_date}")
    form.get_by_role("button", name="Registrera beslut").click()
    ui.expect_action_registered(page, styrdok, title)

    # The intranet page carries the KS decision, and the history lists it.
    page.goto(f"{styrdok.intranet}/styrdokument/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(ui.metadata_value(page, "Beslutad av")).to_have_text("Kommunstyrelsen")
    expect(ui.metadata_value(page, "Beslutsdatum")).to_have_text(meeting_date)
    expect(ui.metadata_value(page, "§")).to_have_text("§ 45")
    expect(ui.metadata_value(page, "Dnr")).to_have_text("KS-2026-88")
    history = page.get_by_role("region", name="Beslutshistorik")
    decision = history.get_by_role("row").filter(has_text="Beslutad")
    expect(decision).to_have_count(1)
    for text in ("Kommunstyrelsen", "Siv Sekreterare", "KS-beslut", "§ 45", "KS-2026-88"):
        expect(decision).to_contain_text(text)
    expect(decision).to_contain_text(re.compile(rf"^\s*{meeting_date}"))
    ui.screenshot(page, "b-ks-decision-recorded")
    assert page.js_errors == []

    document = RiktlinjePage.objects.get(slug=slug)
    assert document.live
    assert document.protocol_paragraph == 45
