"""A missing archival PDF is never rendered in the request: the reader is told it is being
prepared (503 with Retry-After) while the background task makes it, and gets it afterwards.

The queue-only backend (django-tasks' DummyBackend) stands for the database backend before
`db_worker` has run; the worker is then called directly.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django_tasks import default_task_backend

from policies import archive
from policies.models import AdoptedVersion, RiktlinjePage
from policies.tasks import generate_adopted_version_pdf
from tests.factories import PUBLIC_HOST, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_only(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def version(db):
    page = make_document(RiktlinjePage, title="Riktlinje som saknar PDF", version="1.0")
    version = AdoptedVersion.objects.get(document_id=page.pk)
    assert not archive.pdf_is_stored(version)
    return version


def queued():
    return [
        result.args
        for result in default_task_backend.results
        if result.task.name == "generate_adopted_version_pdf"
    ]


def test_a_missing_pdf_is_queued_and_the_reader_told_in_swedish(
    queue_only, version, client, monkeypatch
):
    def no_rendering_here(version):
        raise AssertionError("the request rendered the PDF")

    monkeypatch.setattr(archive, "render_version_pdf", no_rendering_here)
    response = client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "<h1>PDF:en förbereds</h1>" in html
    assert f'href="{version.get_absolute_url()}"' in html
    assert queued() == [[version.pk]]

    # Readers who reload do not fill the queue.
    for _ in range(3):
        assert client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST).status_code == 503
    assert queued() == [[version.pk]]


def test_the_waiting_page_does_not_reload_under_the_reader(queue_only, version, client):
    """WCAG 2.2.1 (failure F41): a page that reloads itself on a timer starts a screen reader
    over from the top while the reader is still reading. The reader is told when to try again
    and retries with a link."""
    response = client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 503
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("meta[http-equiv=refresh]") is None
    assert "laddas om" not in page.get_text()
    status = page.select_one('[role="status"]')
    assert "Försök igen om en halv minut." in status.get_text()
    assert page.find("a", string="Försök igen nu")["href"] == version.get_pdf_url()


@pytest.mark.pdf
def test_the_worker_makes_it_and_the_next_reader_gets_it(queue_only, version, client):
    assert client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST).status_code == 503
    generate_adopted_version_pdf.call(version.pk)

    response = client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_failed_pdf_says_so_and_is_queued_again(queue_only, version, client):
    AdoptedVersion.objects.filter(pk=version.pk).update(pdf_error="RuntimeError: borta")
    response = client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "PDF:en kan inte visas just nu" in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert queued() == [[version.pk]]


def test_a_queue_that_cannot_be_reached_is_still_a_swedish_answer(
    queue_only, version, client, monkeypatch
):
    from policies import views

    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("kön svarar inte")

    monkeypatch.setattr(views, "generate_adopted_version_pdf", Unreachable())
    response = client.get(version.get_pdf_url(), HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 503
    assert "PDF:en förbereds" in response.content.decode()
