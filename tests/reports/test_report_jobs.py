"""Årlig genomgång as a background PDF: asking for it queues a job, the worker renders it step
by step, the page shows the progress and then the download, and no request ever renders it.

Most tests run with a queue-only backend (django-tasks' DummyBackend), as the database backend
behaves before `db_worker` picks the job up; the worker is then called directly.
"""

import datetime
import io
import logging
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from policies.models import RiktlinjePage
from policies.pdf import RenderedPdf
from reports import tasks as report_tasks
from reports.models import RenderedReport, ReportJob
from reports.tasks import audience_of, render_report_job
from tests.factories import make_live_document
from tests.governance.conftest import _person
from tests.governance.workflow_helpers import client_for, is_refused, last_message, soup, text_of

REPORT = "/admin/rapporter/arlig-genomgang/"
PDF = "/admin/rapporter/arlig-genomgang/pdf/"
PERIOD = {"fran": "2025-01-01", "till": "2025-12-31"}
START, END = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The PDFs go to the default storage; here a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queue_only(settings):
    settings.TASKS = QUEUE_ONLY


class Renders:
    """A stand-in for WeasyPrint that counts its calls (the real PDF is read back below)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, report):
        self.calls += 1
        return RenderedPdf(b"%PDF-1.7 stub " + str(self.calls).encode(), 3)


@pytest.fixture
def renders(monkeypatch):
    stub = Renders()
    monkeypatch.setattr(report_tasks, "render_report_pdf", stub)
    return stub


@pytest.fixture
def register(db):
    return make_live_document(RiktlinjePage, title="Riktlinje för loggning")


def ask(client, data=PERIOD):
    return client.post(PDF, data)


def run_queued():
    for job in ReportJob.objects.filter(status=ReportJob.QUEUED).order_by("pk"):
        render_report_job.call(job.pk)


def download(client, rendered):
    response = client.get(f"{PDF}fil/{rendered.pk}/")
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content)


# -- the request only queues ---------------------------------------------------------------


def test_the_request_queues_and_renders_nothing(
    queue_only, samordnare, register, renders, django_capture_on_commit_callbacks
):
    client = client_for(samordnare)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = ask(client)

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PDF}jobb/{job.pk}/"
    assert len(callbacks) == 1  # the enqueue waits for the commit
    assert renders.calls == 0
    assert (job.status, job.period_start, job.period_end) == ("queued", START, END)
    assert job.requested_by == samordnare

    page = soup(client.get(response["Location"]))
    status = page.select_one(".report-job__status")
    assert status["aria-live"] == "polite"
    assert text_of(status) == "PDF:en väntar på att skapas."
    assert page.select_one("meta[http-equiv=refresh]") is None
    assert page.find("a", string="Uppdatera") is not None
    assert [text_of(li) for li in page.select("ol.report-job__steps li")] == [
        "Samlar uppgifter: Väntar",
        "Sätter sidorna: Väntar",
        "Skriver PDF: Väntar",
        "Klar: Väntar",
    ]
    # The report's own page tells where the PDF is, and offers no second job.
    report = soup(client.get(REPORT, PERIOD))
    assert "PDF:en väntar på att skapas." in text_of(report.select_one("#pdf"))
    assert report.find("button", string="Skapa PDF") is None


def test_the_worker_renders_and_the_page_offers_the_download(
    queue_only, samordnare, register, renders
):
    client = client_for(samordnare)
    job_url = ask(client)["Location"]
    run_queued()

    job = ReportJob.objects.get()
    assert (job.status, job.step, job.pages, job.documents) == ("done", 4, 3, 1)
    assert [entry["label"] for entry in job.steps] == [
        "Samlar uppgifter",
        "Sätter sidorna",
        "Skriver PDF",
        "Klar",
    ]
    page = soup(client.get(job_url))
    assert text_of(page.select_one(".report-job__status")) == "PDF:en är klar."
    assert page.select_one("meta[http-equiv=refresh]") is None
    steps = page.select("ol.report-job__steps li")
    assert all(text_of(li).split(": ")[1].startswith("Klart") for li in steps)
    link = page.find("a", string="Ladda ned PDF:en")
    rendered = RenderedReport.objects.get()
    assert link["href"] == f"{PDF}fil/{rendered.pk}/"
    response, data = download(client, rendered)
    assert data == b"%PDF-1.7 stub 1"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert "arlig-genomgang-2025-01-01--2025-12-31.pdf" in response["Content-Disposition"]
    # The file is in the default storage, not at a path the web server serves by name.
    assert rendered.file.name.startswith("rapporter/arlig_genomgang/")

    listed = soup(client.get(REPORT, PERIOD)).select_one("table.annual-report__pdfs tbody")
    assert len(listed.select("tr")) == 1
    assert "Uppgifterna har inte ändrats sedan dess." in text_of(
        soup(client.get(REPORT, PERIOD)).select_one("#pdf")
    )


@pytest.mark.pdf
def test_the_real_pdf_reads_back(samordnare, register, django_capture_on_commit_callbacks):
    """The immediate backend (development): the job is done when the request's commit is."""
    client = client_for(samordnare)
    with django_capture_on_commit_callbacks(execute=True):
        job_url = ask(client)["Location"]
    page = soup(client.get(job_url))
    _response, data = download(client, RenderedReport.objects.get())
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == (
        "Årlig genomgång av styrdokument och informationssäkerhetsarbetet 2025-01-01 – 2025-12-31"
    )
    assert len(reader.pages) == RenderedReport.objects.get().pages >= 2
    assert f"{len(reader.pages)} sidor" in text_of(page)


# -- one job per report, and no rendering without a change -----------------------------------


def test_a_second_request_joins_the_running_job(
    queue_only, samordnare, sekreterare, register, renders
):
    first = ask(client_for(samordnare))
    second_client = client_for(sekreterare)
    second = ask(second_client)

    assert ReportJob.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert last_message(second) == "PDF:en för perioden förbereds redan. Här syns hur det går."
    ReportJob.objects.update(status=ReportJob.RUNNING, step=2, heartbeat_at=timezone.now())
    page = soup(second_client.get(second["Location"]))
    assert text_of(page.select_one(".report-job__status")) == (
        "PDF:en skapas: steg 2 av 4, sätter sidorna."
    )
    assert ask(second_client)["Location"] == first["Location"]
    assert ReportJob.objects.count() == 1


def test_unchanged_data_are_not_rendered_again_unless_asked(
    queue_only, samordnare, register, renders
):
    client = client_for(samordnare)
    ask(client)
    run_queued()
    ask(client)
    run_queued()

    assert renders.calls == 1
    second = ReportJob.objects.order_by("pk").last()
    assert second.status == "done"
    assert second.result == RenderedReport.objects.get()
    page = soup(client.get(f"{PDF}jobb/{second.pk}/"))
    assert "Uppgifterna har inte ändrats sedan den senaste PDF:en skapades." in text_of(page)
    assert "Sätter sidorna: Behövdes inte" in text_of(page)

    # "Skapa PDF:en på nytt" asks for a new rendering of the same data.
    form = soup(client.get(REPORT, PERIOD)).find("button", string="Skapa PDF:en på nytt")
    fields = {field["name"]: field["value"] for field in form.find_parent("form").select("input")}
    assert fields["ny"] == "1"
    client.post(PDF, fields)
    run_queued()
    assert renders.calls == 2

    # Changed data: the page says so, and the next request renders.
    make_live_document(RiktlinjePage, title="Riktlinje för behörigheter")
    section = text_of(soup(client.get(REPORT, PERIOD)).select_one("#pdf"))
    assert "Uppgifterna har ändrats sedan den senaste PDF:en skapades" in section
    ask(client)
    run_queued()
    assert renders.calls == 3
    assert RenderedReport.objects.order_by("-pk").first().documents == 2


def test_only_the_latest_pdfs_are_kept(queue_only, samordnare, register, renders):
    client = client_for(samordnare)
    for _ in range(report_tasks.KEEP + 2):
        client.post(PDF, {**PERIOD, "ny": "1"})
        run_queued()
    kept = RenderedReport.objects.order_by("pk")
    assert kept.count() == report_tasks.KEEP
    assert all(r.file.storage.exists(r.file.name) for r in kept)
    assert len(soup(client.get(REPORT, PERIOD)).select("table.annual-report__pdfs tbody tr")) == 5


# -- stopped and failed jobs -----------------------------------------------------------------


def test_a_stopped_job_can_be_restarted(queue_only, samordnare, register, renders):
    client = client_for(samordnare)
    job_url = ask(client)["Location"]
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ReportJob.objects.update(status=ReportJob.RUNNING, step=2, heartbeat_at=long_ago)

    page = soup(client.get(job_url))
    assert "kan startas om" in text_of(page.select_one(".report-job__status"))
    assert page.select_one("meta[http-equiv=refresh]") is None
    assert page.find("button", string="Starta om") is not None

    restarted = ask(client)
    old, new = ReportJob.objects.order_by("pk")
    assert old.status == "failed"
    assert old.message == "Jobbet stannade utan att bli klart och startades om."
    assert restarted["Location"] == f"{PDF}jobb/{new.pk}/"
    # A worker that was only slow, and comes back, does not overwrite the new job's state.
    with pytest.raises(report_tasks.JobLost):
        report_tasks.record_step(old, 3)
    run_queued()
    assert ReportJob.objects.get(pk=new.pk).status == "done"


def test_a_failure_is_shown_in_swedish_and_logged(
    queue_only, samordnare, register, monkeypatch, caplog
):
    def broken(report):
        raise RuntimeError("WeasyPrint borta")

    monkeypatch.setattr(report_tasks, "render_report_pdf", broken)
    client = client_for(samordnare)
    job_url = ask(client)["Location"]
    with caplog.at_level(logging.ERROR, logger="reports.tasks"):
        run_queued()

    job = ReportJob.objects.get()
    assert job.status == "failed"
    assert job.error == "RuntimeError: WeasyPrint borta"
    assert "WeasyPrint borta" in caplog.text
    page = soup(client.get(job_url))
    assert text_of(page.select_one(".report-job__status")) == (
        "PDF:en kunde inte skapas. "
        "Ett fel uppstod när PDF:en skapades. Felet är registrerat; försök igen senare."
    )
    assert "Sätter sidorna: Avbröts" in text_of(page)
    assert "WeasyPrint" not in text_of(page)
    assert page.find("button", string="Försök igen") is not None
    assert not RenderedReport.objects.exists()


def test_a_requester_who_lost_the_permission_gets_nothing_rendered(
    queue_only, samordnare, register, renders
):
    ask(client_for(samordnare))
    samordnare.groups.clear()
    run_queued()
    job = ReportJob.objects.get()
    assert job.status == "failed"
    assert job.message == "Den som begärde PDF:en får inte längre se rapporten."
    assert renders.calls == 0


# -- who sees what ---------------------------------------------------------------------------

ROLES = {
    "admin": True,
    "samordnare": True,
    "kommundirektor": True,
    "stabschef": True,
    "sekreterare": True,
    "redaktor": False,
    "agare": False,
    "medarbetare": False,
    "anonym": False,
}


@pytest.mark.parametrize("role", list(ROLES))
def test_permission_matrix(queue_only, people, staff_user, register, renders, role):
    user = {"medarbetare": staff_user, "anonym": None}.get(role) or getattr(people, role, None)
    ask(client_for(people.admin))
    run_queued()
    job, rendered = ReportJob.objects.get(), RenderedReport.objects.get()
    client = client_for(user)
    responses = {
        "ask": client.post(PDF, PERIOD),
        "job": client.get(f"{PDF}jobb/{job.pk}/"),
        "file": client.get(f"{PDF}fil/{rendered.pk}/"),
    }
    for what, response in responses.items():
        if ROLES[role]:
            expected = 302 if what == "ask" else 200
            assert response.status_code == expected, (what, response.status_code)
        elif user is None or user == staff_user:
            assert response.status_code == 302, what
            assert response["Location"].startswith("/admin/login/")
        else:
            assert is_refused(response), what
    assert ReportJob.objects.count() == (2 if ROLES[role] else 1)


def test_a_pdf_is_only_for_readers_who_see_the_same_documents(
    queue_only, admin, samordnare, kommundirektor, register, renders
):
    """The report leaves out documents restricted to groups the reader is not in, so a PDF made
    for the whole register is never shown to someone who may not see all of it."""
    secret = Group.objects.create(name="Säkerhetsskydd")
    make_live_document(RiktlinjePage, title="Hemlig riktlinje", restricted_to=[secret])
    assert audience_of(admin) == "alla"
    assert audience_of(samordnare) == audience_of(kommundirektor) != "alla"

    ask(client_for(admin))
    run_queued()
    admins_job, admins_pdf = ReportJob.objects.get(), RenderedReport.objects.get()
    client = client_for(samordnare)
    assert client.get(f"{PDF}jobb/{admins_job.pk}/").status_code == 404
    assert client.get(f"{PDF}fil/{admins_pdf.pk}/").status_code == 404
    assert soup(client.get(REPORT, PERIOD)).select_one("table.annual-report__pdfs") is None

    # The samordnare's own job is separate, and shared with others who see the same.
    ask(client)
    assert ReportJob.objects.count() == 2
    ask(client_for(kommundirektor))
    assert ReportJob.objects.count() == 2
    run_queued()
    _response, _data = download(
        client, RenderedReport.objects.get(audience=audience_of(samordnare))
    )
    assert RenderedReport.objects.get(audience=audience_of(samordnare)).documents == 1

    # Joining the group changes what the samordnare sees, and so which PDFs they get.
    samordnare.groups.add(secret)
    assert client.get(f"{PDF}fil/{admins_pdf.pk}/").status_code == 200


def test_a_job_whose_audience_changed_before_it_ran_is_refused(
    queue_only, samordnare, register, renders
):
    ask(client_for(samordnare))
    make_live_document(
        RiktlinjePage, title="Hemlig riktlinje", restricted_to=[Group.objects.create(name="X")]
    )
    run_queued()
    job = ReportJob.objects.get()
    assert job.status == "failed"
    assert job.message == "Behörigheterna har ändrats sedan PDF:en begärdes. Begär en ny PDF."
    assert renders.calls == 0


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fran": "2025-13-01", "till": "2025-12-31"}, "Ange ett giltigt datum"),
        ({"fran": "x" * 5000, "till": "2025-12-31"}, "Ange ett giltigt datum"),
        ({"fran": "2025-06-30", "till": "2025-01-01"}, "Från och med måste vara samma dag"),
        ({}, "Ange ett datum."),
    ],
)
def test_a_bad_period_is_a_swedish_message_and_no_job(queue_only, samordnare, data, message):
    response = client_for(samordnare).post(PDF, data)
    assert response.status_code == 302
    assert response["Location"].startswith(REPORT)
    assert last_message(response).startswith("PDF:en kunde inte skapas: perioden är inte giltig.")
    assert message in last_message(response)
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("path", ["jobb/999999/", "fil/999999/", "jobb/abc/", "fil/-1/"])
def test_unknown_jobs_and_files_are_not_found(samordnare, path):
    assert client_for(samordnare).get(PDF + path).status_code == 404


def test_a_lost_file_is_a_swedish_message(queue_only, samordnare, register, renders):
    client = client_for(samordnare)
    ask(client)
    run_queued()
    rendered = RenderedReport.objects.get()
    rendered.file.storage.delete(rendered.file.name)
    response = client.get(f"{PDF}fil/{rendered.pk}/")
    assert response.status_code == 302
    assert last_message(response) == "PDF-filen finns inte längre. Skapa en ny PDF."


def test_a_queue_that_cannot_be_reached_leaves_the_job_queued(
    samordnare, register, monkeypatch, django_capture_on_commit_callbacks
):
    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("kön svarar inte")

    monkeypatch.setattr(report_tasks, "render_report_job", Unreachable())
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client_for(samordnare))
    assert response.status_code == 302
    assert ReportJob.objects.get().status == "queued"


def test_the_request_and_progress_pages_are_constant_in_queries(
    queue_only, samordnare, register, renders
):
    client = client_for(samordnare)
    ask(client)
    job = ReportJob.objects.get()
    client.get(f"{PDF}jobb/{job.pk}/")
    with CaptureQueriesContext(connection) as small:
        client.get(f"{PDF}jobb/{job.pk}/")
    for n in range(20):
        make_live_document(RiktlinjePage, title=f"Riktlinje {n}")
    with CaptureQueriesContext(connection) as large:
        client.get(f"{PDF}jobb/{job.pk}/")
    with CaptureQueriesContext(connection) as asked:
        ask(client)
    assert len(small) == len(large)
    assert len(asked) < 20


# -- the production path -----------------------------------------------------------------------


def test_the_database_backend_and_db_worker_make_the_pdf(
    settings, monkeypatch, samordnare, register, renders, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client_for(samordnare))
    queued = DBTaskResult.objects.get(task_path="reports.tasks.render_report_job")
    assert queued.status == "READY"
    assert ReportJob.objects.get().status == "queued"

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert ReportJob.objects.get().status == "done"
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == RenderedReport.objects.get().pk


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent inserts need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_on_their_own_connections_make_one_job(committed_baseline, settings):
    settings.TASKS = QUEUE_ONLY
    users = [
        _person(f"samordnare-{n}", "Sara", f"Samordnare {n}", ["Informationssäkerhetssamordnare"])
        for n in range(4)
    ]
    barrier = threading.Barrier(len(users))
    responses = []

    def post(user):
        try:
            client = client_for(user)
            barrier.wait(timeout=20)
            responses.append(client.post(PDF, PERIOD))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    job = ReportJob.objects.get()
    assert job.status == "queued"
    assert [r.status_code for r in responses] == [302] * 4
    assert {r["Location"] for r in responses} == {f"{PDF}jobb/{job.pk}/"}
