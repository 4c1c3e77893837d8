"""The bulk import's job page in Chromium: with JavaScript it follows the import in place, row
count by row count, without reloading; when the import is done it loads the page again, which
shows the report of every row. (Without JavaScript the reader reloads it with a link, never
on a timer: tests/importing/test_bulk_views.py.)"""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from importing import tasks
from importing.models import BulkImportJob, PendingImport
from policies.models import RegisterPage
from tests.factories import make_user
from tests.importing.bulk_builders import csv_bytes, row, simple_docx, zip_bytes

from .ui import log_in

pytestmark = pytest.mark.browser

QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
TITLES = ["Policy för loggning", "Policy för behörigheter"]


def test_the_job_page_follows_the_import_in_place_and_then_shows_the_report(
    styrdok, page, settings, tmp_path
):
    settings.TASKS = QUEUE_ONLY
    settings.MEDIA_ROOT = tmp_path / "media"
    user = make_user("massimport", groups=["Redaktörer"], first_name="Ida", last_name="Import")
    files = {f"{n}.docx": simple_docx(title, "Text.") for n, title in enumerate(TITLES)}
    rows = [row(f"{n}.docx", title, "Policy") for n, title in enumerate(TITLES)]
    parent = RegisterPage.objects.first()
    uploads = [
        PendingImport.objects.create(user=user, parent=parent, filename=name, data=data)
        for name, data in (("dokument.zip", zip_bytes(files)), ("metadata.csv", csv_bytes(rows)))
    ]
    with transaction.atomic():
        job, _created = tasks.start_bulk_import(*uploads, user)

    log_in(page, styrdok, "massimport")
    page.goto(f"{styrdok.admin}/import/flera/jobb/{job.pk}/")
    summary = page.locator("[data-bulk-job-summary]")
    expect(summary).to_have_text("Importen väntar på att starta.")
    page.evaluate("window.sammaSida = true")

    tasks.claim(job.pk)
    tasks.record_progress(job.pk, 0, 2)
    expect(page.locator("progress")).to_be_attached(timeout=12_000)
    page.evaluate("window.sammaSida = true")
    tasks.record_progress(job.pk, 1, 2)

    expect(summary).to_have_text("Importen pågår: 1 av 2 rader klara.", timeout=12_000)
    expect(page.locator("progress")).to_have_attribute("value", "1")
    assert page.evaluate("window.sammaSida === true"), "the page was reloaded"

    BulkImportJob.objects.filter(pk=job.pk).update(status=BulkImportJob.QUEUED)
    tasks.run_bulk_import_job.call(str(job.pk))

    expect(page.locator(".styrdok-bulk-job__status")).to_contain_text(
        "Importen är klar.", timeout=12_000
    )
    expect(page.get_by_role("link", name=TITLES[0])).to_be_visible()
    assert not page.js_errors
