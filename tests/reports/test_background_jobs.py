"""The yearly report's PDF job page with and without JavaScript, and two workers on one job
(issue 22, item 3). test_report_jobs.py covers the job's life; this covers what was added:

- without JavaScript the progress page is reloaded with a link, never on a timer (a meta
  refresh sends a screen reader back to the top: WCAG 2.2.1); with JavaScript its script asks
  the job's status feed and updates the page in place (tests/browser/test_report_progress.py
  drives that in Chromium);
- the status feed says the same as the page, only to readers of the job's audience;
- two workers handed the same job at once render it once (PostgreSQL, real connections).
"""

import datetime
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections

from policies.models import RiktlinjePage
from policies.pdf import RenderedPdf
from reports import tasks as report_tasks
from reports.models import RenderedReport, ReportJob
from reports.tasks import render_report_job, request_report
from tests.factories import make_live_document
from tests.governance.conftest import _person
from tests.governance.workflow_helpers import client_for, is_refused, soup, text_of

PDF = "/admin/rapporter/arlig-genomgang/pdf/"
PERIOD = {"fran": "2025-01-01", "till": "2025-12-31"}
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queue_only(settings):
    settings.TASKS = QUEUE_ONLY


class SlowRenders:
    """A stand-in for WeasyPrint that takes a moment, so that two workers overlap."""

    def __init__(self, seconds=0.0):
        self.seconds = seconds
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, report):
        with self.lock:
            self.calls += 1
        time.sleep(self.seconds)
        return RenderedPdf(b"%PDF-1.7 stub", 2)


@pytest.fixture
def renders(monkeypatch):
    stub = SlowRenders()
    monkeypatch.setattr(report_tasks, "render_report_pdf", stub)
    return stub


@pytest.fixture
def register(db):
    return make_live_document(RiktlinjePage, title="Riktlinje för loggning")


def status(client, job):
    response = client.get(f"{PDF}jobb/{job.pk}/status/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.json()


def test_without_javascript_a_link_reloads_the_page_and_with_it_the_script_takes_over(
    queue_only, samordnare, register
):
    client = client_for(samordnare)
    job_url = client.post(PDF, PERIOD)["Location"]
    job = ReportJob.objects.get()
    page = soup(client.get(job_url))

    assert page.select_one("meta[http-equiv=refresh]") is None
    assert page.find("a", string="Uppdatera")["href"] == job_url
    root = page.select_one(".report-job")
    assert root["data-report-job-status"] == f"{PDF}jobb/{job.pk}/status/"
    assert root["data-report-job-interval"] == "3"
    assert page.select_one("script[src$='js/report_job.js']") is not None
    assert [li["data-step"] for li in page.select("ol.report-job__steps li")] == [
        "1",
        "2",
        "3",
        "4",
    ]


def test_the_status_feed_says_what_the_page_says(queue_only, samordnare, register, renders):
    client = client_for(samordnare)
    job_url = client.post(PDF, PERIOD)["Location"]
    job = ReportJob.objects.get()

    queued = status(client, job)
    assert queued["status"] == "queued" and queued["active"] and not queued["stale"]
    assert queued["summary"] == "PDF:en väntar på att skapas."
    assert queued["refresh"] == 3
    assert [step["text"] for step in queued["steps"]] == [
        "Samlar uppgifter: Väntar",
        "Sätter sidorna: Väntar",
        "Skriver PDF: Väntar",
        "Klar: Väntar",
    ]

    # A worker halfway: the feed and the page agree, step by step.
    report_tasks.claim(job.pk)
    job.refresh_from_db()
    report_tasks.record_step(job, report_tasks.COLLECT)
    report_tasks.record_step(job, report_tasks.LAYOUT)
    running = status(client, job)
    assert running["summary"] == "PDF:en skapas: steg 2 av 4, sätter sidorna."
    assert [step["current"] for step in running["steps"]] == [False, True, False, False]
    assert running["steps"][1]["text"].startswith("Sätter sidorna: Pågår (")
    page = soup(client.get(job_url))
    assert text_of(page.select_one("[data-report-job-summary]")) == running["summary"]
    assert [text_of(li) for li in page.select("ol.report-job__steps li")] == [
        step["text"] for step in running["steps"]
    ]

    # Done: the feed says so (the script then loads the page, which offers the file).
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.QUEUED, step=0, steps=[])
    render_report_job.call(job.pk)
    done = status(client, job)
    assert (done["status"], done["active"], done["refresh"]) == ("done", False, None)
    assert done["summary"] == "PDF:en är klar."
    page = soup(client.get(job_url))
    assert page.select_one("noscript meta[http-equiv=refresh]") is None
    assert page.select_one("script[src$='js/report_job.js']") is None
    assert page.find("a", string="Ladda ned PDF:en") is not None


def test_the_status_feed_is_for_the_jobs_readers_only(
    queue_only, admin, samordnare, agare, register
):
    make_live_document(
        RiktlinjePage, title="Hemlig riktlinje", restricted_to=[Group.objects.create(name="X")]
    )
    client_for(admin).post(PDF, PERIOD)
    job = ReportJob.objects.get()
    assert status(client_for(admin), job)["status"] == "queued"
    # The samordnare sees fewer documents: the admin's job does not exist for her.
    assert client_for(samordnare).get(f"{PDF}jobb/{job.pk}/status/").status_code == 404
    assert is_refused(client_for(agare).get(f"{PDF}jobb/{job.pk}/status/"))
    assert client_for(admin).get(f"{PDF}jobb/999999/status/").status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent workers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_job_render_it_once(committed_baseline, settings, monkeypatch):
    settings.TASKS = QUEUE_ONLY
    stub = SlowRenders(seconds=0.5)
    monkeypatch.setattr(report_tasks, "render_report_pdf", stub)
    user = _person("samordnare-arbetare", "Sara", "Samordnare", ["Informationssäkerhetssamordnare"])
    make_live_document(RiktlinjePage, title="Riktlinje för loggning")
    job, created = request_report(START, END, user)
    assert created
    barrier = threading.Barrier(2)
    results = []

    def work():
        try:
            barrier.wait(timeout=20)
            results.append(render_report_job.call(job.pk))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert stub.calls == 1
    assert RenderedReport.objects.count() == 1
    assert sorted(results, key=lambda value: value is None) == [
        RenderedReport.objects.get().pk,
        None,
    ]
    job.refresh_from_db()
    assert job.status == "done"
    # Asked again while nothing changed: the stored file is offered, nothing is rendered.
    again, created = request_report(START, END, user)
    assert created
    render_report_job.call(again.pk)
    assert stub.calls == 1


def test_an_archival_pdf_being_prepared_lets_the_reader_retry(settings, client, db):
    """The one other long PDF, a version's archival PDF, is made by its own task
    (policies.tasks); while it is missing the reader retries with a link, at their own pace (no
    meta refresh: WCAG 2.2.1, tests/policies/test_pdf_preparing.py)."""
    from django.core.cache import cache

    from policies.models import AdoptedVersion
    from tests.factories import PUBLIC_HOST, make_document

    settings.TASKS = QUEUE_ONLY
    cache.clear()
    page = make_document(RiktlinjePage, title="Riktlinje som saknar PDF")
    version = AdoptedVersion.objects.get(document_id=page.pk)
    assert not version.pdf  # the task that makes it waits in the queue

    response = client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST)
    cache.clear()

    assert response.status_code == 503
    page = soup(response)
    assert page.select_one("meta[http-equiv=refresh]") is None
    assert page.find("a", string="Försök igen nu")["href"] == version.get_pdf_url()
