"""/halsa/: what a load balancer sees, with the real database, cache and storage."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from operations.models import JobRun
from styrdok.page_cache import STATUS_HEADER
from tests.factories import INTRANET_HOST, PUBLIC_HOST

from .tasks import waiting_task

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.operations.urls")]

CHECK_NAMES = {"databas", "cache", "lagring", "uppgiftsko", "paminnelser"}


def health(client, path="/halsa/", host=PUBLIC_HOST):
    response = client.get(path, HTTP_HOST=host)
    return response, json.loads(response.content)


def test_everything_well_answers_200_on_both_hosts_without_login(client):
    for host in (PUBLIC_HOST, INTRANET_HOST):
        for path in ("/halsa/", "/health/"):
            response, body = health(client, path, host)
            assert response.status_code == 200, (host, path, body)
            assert response["Content-Type"] == "application/json"
            assert body["status"] == "ok"
            assert set(body["checks"]) == CHECK_NAMES
            assert all(check["ok"] for check in body["checks"].values())


def test_the_answer_is_never_cached_and_sets_no_cookie(client):
    response, _body = health(client)
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_the_answer_holds_no_secrets(client, settings):
    settings.SECRET_KEY = "hemlig-nyckel-som-inte-far-synas"
    response, body = health(client)
    text = response.content.decode()
    assert settings.SECRET_KEY not in text
    assert str(settings.MEDIA_ROOT) not in text
    assert settings.DATABASES["default"]["NAME"] not in text
    for check in body["checks"].values():
        assert set(check) == {"ok", "detail"}
        assert len(check["detail"]) < 80


def test_a_cache_that_cannot_be_reached_answers_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response, body = health(client)
    assert response.status_code == 503
    assert body["status"] == "fel"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["detail"].startswith("fel (")
    assert body["checks"]["databas"]["ok"] is True
    # The error's own text (host, port) is for the server's log only.
    assert "127.0.0.1" not in response.content.decode()


def test_storage_that_cannot_be_written_answers_503(client, settings, tmp_path):
    not_a_folder = tmp_path / "fil"
    not_a_folder.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(not_a_folder / "media")},
        },
    }
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["lagring"]["ok"] is False
    assert str(tmp_path) not in response.content.decode()


def test_the_storage_probe_leaves_no_file_behind(client):
    health(client)
    probes = settings.MEDIA_ROOT / "halsokontroll"
    assert not probes.exists() or not any(probes.iterdir())


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queue_task(waited, run_after=None):
    queued = waiting_task.using(run_after=run_after) if run_after else waiting_task
    result = queued.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - waited)


def test_a_task_waiting_longer_than_15_minutes_answers_503(client, database_queue):
    queue_task(timedelta(minutes=3))
    response, body = health(client)
    assert response.status_code == 200
    assert body["checks"]["uppgiftsko"]["detail"] == "äldsta väntande uppgift 3 min"
    queue_task(timedelta(minutes=20))
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["uppgiftsko"] == {"ok": False, "detail": "äldsta väntande uppgift 20 min"}


def test_a_task_scheduled_for_later_is_not_late(client, database_queue):
    queue_task(timedelta(hours=2), run_after=timezone.now() + timedelta(hours=1))
    response, body = health(client)
    assert response.status_code == 200
    assert body["checks"]["uppgiftsko"]["detail"] == "kön är tom"


def test_the_limit_is_a_setting(client, database_queue, settings):
    settings.STYRDOK_HEALTH_TASK_MAX_MINUTES = 60
    queue_task(timedelta(minutes=20))
    response, _body = health(client)
    assert response.status_code == 200


def reminder_run(hours_ago, ok=True):
    finished = timezone.now() - timedelta(hours=hours_ago)
    return JobRun.objects.create(
        job="send_review_reminders",
        started_at=finished - timedelta(seconds=5),
        finished_at=finished,
        duration=timedelta(seconds=5),
        ok=ok,
    )


def test_reminders_that_have_not_run_for_26_hours_answer_503(client):
    reminder_run(hours_ago=30)
    reminder_run(hours_ago=2, ok=False)
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["paminnelser"] == {
        "ok": False,
        "detail": "senaste lyckade körning för 30 h sedan",
    }
    reminder_run(hours_ago=3)
    response, body = health(client)
    assert response.status_code == 200
    assert body["checks"]["paminnelser"]["detail"] == "senaste lyckade körning för 3 h sedan"


def test_reminders_that_never_ran_are_an_error_only_when_required(client, settings):
    response, body = health(client)
    assert response.status_code == 200
    assert body["checks"]["paminnelser"] == {"ok": True, "detail": "ingen lyckad körning ännu"}
    settings.STYRDOK_HEALTH_REQUIRE_REMINDERS = True
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["paminnelser"]["ok"] is False


def test_the_number_of_queries_does_not_grow_with_the_run_log(
    client, django_assert_max_num_queries
):
    for hours in range(1, 30):
        reminder_run(hours_ago=hours)
    with django_assert_max_num_queries(4):
        response, _body = health(client)
    assert response.status_code == 200


def test_only_get_and_head(client):
    response = client.post("/halsa/", HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 405
    assert client.head("/halsa/", HTTP_HOST=PUBLIC_HOST).status_code == 200


def test_the_public_page_cache_never_keeps_the_answer(client, settings):
    settings.STYRDOK_PAGE_CACHE = True
    health(client)
    response, _body = health(client)
    assert response.get(STATUS_HEADER) != "hit"
    assert "public" not in response["Cache-Control"]


def test_a_database_that_does_not_answer_gives_503_not_500(client, monkeypatch):
    from django.db import OperationalError

    from operations import health as checks

    class Unreachable:
        def cursor(self):
            raise OperationalError("could not connect to server at db.kommun.internal")

    monkeypatch.setattr(checks, "connection", Unreachable())
    response, body = health(client)
    assert response.status_code == 503
    assert body["checks"]["databas"] == {"ok": False, "detail": "fel (OperationalError)"}
    assert "kommun.internal" not in response.content.decode()
