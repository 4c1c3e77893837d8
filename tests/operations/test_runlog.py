"""The run log: every periodic job's runs, in Rapporter → Körningar for those allowed to see it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.utils import timezone

from operations.models import JobRun
from operations.runlog import prune, record_run
from operations.wagtail_hooks import job_runs_viewset
from revision.reminders import ReminderRun
from tests.factories import INTRANET_HOST, make_user

pytestmark = pytest.mark.django_db

URL = "/admin/rapporter/korningar/"


def test_a_successful_run_is_recorded_with_its_summary_and_counts():
    call_command("send_outbox", verbosity=0)
    run = JobRun.objects.get()
    assert run.job == "send_outbox"
    assert run.ok is True
    assert run.summary == "0 skickade, 0 misslyckades."
    assert run.counts == {"sent": 0, "failed": 0}
    assert run.finished_at >= run.started_at
    assert run.duration == run.finished_at - run.started_at


def test_a_failed_run_is_recorded_and_the_error_still_raised(monkeypatch):
    def broken(self):
        raise RuntimeError("e-postservern svarar inte")

    monkeypatch.setattr(ReminderRun, "execute", broken)
    with pytest.raises(RuntimeError):
        call_command("send_review_reminders", verbosity=0)
    run = JobRun.objects.get()
    assert run.job == "send_review_reminders"
    assert run.ok is False
    assert run.summary == "RuntimeError: e-postservern svarar inte"
    assert run.finished_at is not None


def test_a_reminder_run_is_recorded_and_a_dry_run_is_not():
    call_command("send_review_reminders", "--dry-run", verbosity=0)
    assert not JobRun.objects.exists()
    call_command("send_review_reminders", verbosity=0)
    run = JobRun.objects.get()
    assert run.ok is True
    assert run.summary.startswith("Revisionspåminnelser för ")
    assert run.counts["emails_failed"] == 0


def test_bad_input_is_a_failed_run_with_the_swedish_message():
    with pytest.raises(CommandError):
        call_command("send_review_reminders", "--date", "igår", verbosity=0)
    run = JobRun.objects.get()
    assert run.ok is False
    assert "Ogiltigt datum" in run.summary


def test_runs_older_than_90_days_are_pruned():
    now = timezone.now()
    for days in (120, 91, 80, 1):
        JobRun.objects.create(job="send_outbox", started_at=now - timedelta(days=days), ok=True)
    with record_run("send_outbox"):
        pass
    later = timezone.now()
    kept = sorted((later - run.started_at).days for run in JobRun.objects.all())
    assert kept == [0, 1, 80]
    assert prune() == 0


@pytest.fixture
def runs():
    now = timezone.now()
    JobRun.objects.create(
        job="send_outbox",
        started_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=2),
        duration=timedelta(seconds=1.5),
        ok=True,
        summary="Äldre körning av utkorgen.",
    )
    JobRun.objects.create(
        job="send_outbox",
        started_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=5),
        duration=timedelta(seconds=2),
        ok=False,
        summary="SMTPException: servern svarar inte",
    )
    JobRun.objects.create(
        job="send_review_reminders",
        started_at=now - timedelta(hours=20),
        finished_at=now - timedelta(hours=20),
        duration=timedelta(seconds=12.4),
        ok=True,
        summary="Revisionspåminnelser för idag: 4 dokument kontrollerade.",
    )


def admin_client(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


@pytest.fixture
def operator():
    user = make_user("drift", first_name="Dora", last_name="Drift")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="operations", codename="view_jobrun"),
    )
    return user


@pytest.fixture
def editor():
    user = make_user("redaktor2")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


def test_the_report_shows_the_last_run_of_each_job_and_the_history(operator, runs):
    response = admin_client(operator).get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    latest, history = text.split("Senaste körning per jobb", 1)[1].split("Historik", 1)
    assert "Utkorgen (utskick)" in latest and "Revisionspåminnelser" in latest
    assert "SMTPException: servern svarar inte" in latest
    assert "Äldre körning av utkorgen." not in latest
    assert "12,4 s" in latest
    assert "Misslyckades" in latest
    assert "Äldre körning av utkorgen." in history


def test_the_report_filters_by_job_and_outcome(operator, runs):
    client = admin_client(operator)
    history = client.get(URL, {"job": "send_review_reminders"}).content.decode()
    history = history.split("Historik", 1)[1]
    assert "4 dokument kontrollerade" in history
    assert "Äldre körning av utkorgen." not in history
    failed = client.get(URL, {"ok": "nej"}).content.decode().split("Historik", 1)[1]
    assert "SMTPException" in failed
    assert "Äldre körning" not in failed


def test_the_report_is_only_for_those_with_the_permission(operator, editor, runs):
    response = admin_client(editor).get(URL)
    assert response.status_code in (302, 403)
    assert "SMTPException" not in response.content.decode()
    request = RequestFactory().get("/admin/")
    request.user = editor
    assert not job_runs_viewset.get_menu_item().is_shown(request)
    request.user = operator
    assert job_runs_viewset.get_menu_item().is_shown(request)


def test_the_report_counts_its_queries_once(operator, runs, django_assert_max_num_queries):
    client = admin_client(operator)
    client.get(URL)
    with django_assert_max_num_queries(40) as before:
        client.get(URL)
    for hours in range(30):
        JobRun.objects.create(
            job="send_outbox", started_at=timezone.now() - timedelta(hours=hours), ok=True
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(URL)


def test_the_history_exports_as_csv(operator, runs):
    response = admin_client(operator).get(URL, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert header == "Jobb;Startad;Avslutad;Tidsåtgång;Utfall;Sammanfattning"
    assert len(rows) == 3
    assert any("SMTPException: servern svarar inte" in row for row in rows)


def test_the_decorator_records_what_handle_returns():
    from operations.runlog import recorded

    @recorded("prune_files")
    def handle():
        return "3 filer rensade\n"

    assert handle() == "3 filer rensade\n"
    run = JobRun.objects.get()
    assert (run.job, run.ok, run.summary) == ("prune_files", True, "3 filer rensade")
