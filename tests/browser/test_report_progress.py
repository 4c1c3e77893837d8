"""The yearly report's PDF job page in Chromium (issue 22, item 3): with JavaScript it follows the
job in place, step by step, without reloading; when the job is done it loads the page again,
which offers the file. (Without JavaScript the reader reloads it with a link, never on a
timer: tests/reports/test_background_jobs.py.)"""

import pytest
from playwright.sync_api import expect

from policies.models import RiktlinjePage
from policies.pdf import RenderedPdf
from reports import tasks as report_tasks
from reports.models import ReportJob
from reports.tasks import render_report_job
from tests.factories import make_live_document, make_user

from .ui import log_in

pytestmark = pytest.mark.browser

QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_the_progress_page_follows_the_job_in_place_and_then_offers_the_file(
    styrdok, page, settings, monkeypatch, tmp_path
):
    settings.TASKS = QUEUE_ONLY
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(
        report_tasks, "render_report_pdf", lambda report: RenderedPdf(b"%PDF-1.7 stub", 2)
    )
    make_user(
        "framsteg",
        groups=["Informationssäkerhetssamordnare"],
        first_name="Sara",
        last_name="Samordnare",
    )
    make_live_document(RiktlinjePage, title="Riktlinje för loggning")

    log_in(page, styrdok, "framsteg")
    page.goto(f"{styrdok.admin}/rapporter/arlig-genomgang/?fran=2025-01-01&till=2025-12-31")
    page.get_by_role("button", name="Skapa PDF", exact=True).click()
    summary = page.locator("[data-report-job-summary]")
    expect(summary).to_have_text("PDF:en väntar på att skapas.")
    page.evaluate("window.sammaSida = true")

    job = ReportJob.objects.get()
    report_tasks.claim(job.pk)
    job.refresh_from_db()
    report_tasks.record_step(job, report_tasks.COLLECT)
    report_tasks.record_step(job, report_tasks.LAYOUT)

    expect(summary).to_have_text("PDF:en skapas: steg 2 av 4, sätter sidorna.", timeout=12_000)
    expect(page.locator('li[data-step="1"]')).to_contain_text("Samlar uppgifter: Klart")
    expect(page.locator('li[data-step="2"]')).to_have_attribute("aria-current", "step")
    assert page.evaluate("window.sammaSida === true"), "the page was reloaded"

    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.QUEUED, step=0, steps=[])
    render_report_job.call(job.pk)

    expect(page.get_by_role("link", name="Ladda ned PDF:en")).to_be_visible(timeout=12_000)
    expect(page.locator(".report-job__status")).to_contain_text("PDF:en är klar.")
    assert not page.js_errors
