"""The "Menade du …" vocabulary lives in Django's cache, so every worker uses the one another
built; and it is right with any cache backend, the dummy one (no cache at all) included."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from policies.models import RiktlinjePage
from search import suggest
from search.suggest import did_you_mean
from tests.factories import PUBLIC_HOST, make_live_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    suggest._local.clear()
    yield
    suggest._local.clear()


@pytest.fixture
def public_request():
    request = RequestFactory().get("/sok/", HTTP_HOST=PUBLIC_HOST)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def document(db):
    return make_live_document(
        RiktlinjePage,
        title="Riktlinje för kameraövervakning",
        summary="Kameraövervakningen av kommunens lokaler.",
    )


def test_another_worker_uses_the_vocabulary_in_the_shared_cache(
    public_request, document, monkeypatch
):
    assert did_you_mean("kameraövervakningg", public_request) == "kameraövervakning"

    # Another worker: nothing in its own memory; it must not read the documents' text again.
    suggest._local.clear()
    monkeypatch.setattr(suggest, "build_counts", lambda documents: pytest.fail("rebuilt"))

    assert did_you_mean("kameraövervakningg", public_request) == "kameraövervakning"


def test_a_change_made_through_another_worker_is_seen(public_request, document):
    assert did_you_mean("sprinklersytemet", public_request) is None

    # The other worker saved a document: the shared generation moved on; this worker's memory
    # still holds the old vocabulary under the old key.
    document.title = "Riktlinje för sprinklersystem"
    document.save(update_fields=["title"])
    cache_generation = cache.get(suggest.GENERATION_KEY)
    assert cache_generation is not None

    assert did_you_mean("sprinklersytemet", public_request) == "sprinklersystem"


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_without_a_cache_the_suggestions_are_still_right(public_request, document):
    assert did_you_mean("kameraövervakningg", public_request) == "kameraövervakning"

    document.title = "Riktlinje för sprinklersystem"
    document.summary = "Sprinklersystemet provas varje år."
    document.save(update_fields=["title", "summary"])

    assert did_you_mean("sprinklersytemet", public_request) == "sprinklersystemet"
    assert did_you_mean("kameraövervakningg", public_request) != "kameraövervakning"
