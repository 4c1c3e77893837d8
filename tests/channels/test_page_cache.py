"""The public page cache: anonymous public pages are stored and served again until a change.

What a visitor sees must never depend on the cache: a stored page is the page as it would be
rendered now (publishing, a new version and a repeal show at once), the intranet and anything
personal is never stored, and the security headers are written afresh on every answer.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.actions.unpublish_page import UnpublishPageAction

from policies.models import HomePage, InformationPage, PolicyPage, Publicity
from policies.repeal import register_existing_repeal
from styrdok import page_cache
from styrdok.cache import frontend_cache_from_env
from tests.channels.conftest import header_values
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    get_body,
    make_document,
    path_of,
)
from tests.shared import build_once, run_commit_callbacks

pytestmark = pytest.mark.django_db

STATUS = page_cache.STATUS_HEADER


def build_world():
    public = make_document(PolicyPage, title="Policy för sidcachen", slug="sidcachepolicy")
    internal = make_document(
        PolicyPage,
        title="Intern policy för sidcachen",
        slug="intern-sidcachepolicy",
        publicity=Publicity.INTERNAL,
    )
    return {"public": public, "internal": internal}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return {name: type(page).objects.get(pk=page.pk) for name, page in world.items()}


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The cache on, empty, with the header values production sends."""
    settings.STYRDOK_PAGE_CACHE = True
    settings.STYRDOK_PUBLIC_MAX_AGE = 60
    settings.STYRDOK_CDN_MAX_AGE = 3600
    cache.clear()
    yield
    cache.clear()


def get(client, url, **extra):
    return client.get(url, **extra)


def queries_for(client, url, **extra):
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def stored_pages():
    """The pages in the (in-memory) cache, whatever else it holds."""
    return [key for key in cache._cache if page_cache.ENTRY_PREFIX in key]


def committed():
    """Run what a commit would run after the changes made so far (the generation's renewal)."""
    run_commit_callbacks()


# -- stored and served -------------------------------------------------------------------------


def test_an_anonymous_public_page_is_served_again_from_the_cache(w, public_client):
    url = path_of(w["public"])

    first, first_queries = queries_for(public_client, url)
    second, second_queries = queries_for(public_client, url)

    assert first.status_code == second.status_code == 200
    assert (first[STATUS], second[STATUS]) == ("miss", "hit")
    assert second.content == first.content
    assert "Policy för sidcachen" in second.content.decode()
    assert first_queries > 0 and second_queries == 0
    # Written afresh on the stored answer too.
    for name in ("Content-Security-Policy", "Permissions-Policy", "Vary", "Content-Type"):
        assert second[name] == first[name], name
    assert "host" in header_values(second, "Vary")


def test_public_pages_say_how_long_browsers_and_a_cdn_may_keep_them(w, public_client):
    for url in ("/", "/styrdokument/", path_of(w["public"]), "/feed/", "/sitemap.xml"):
        cache_control = header_values(public_client.get(url), "Cache-Control")

        assert cache_control == {"public", "max-age=60", "s-maxage=3600"}, url


def test_a_new_version_is_shown_at_once(w, public_client):
    url = path_of(w["public"])
    public_client.get(url)
    assert public_client.get(url)[STATUS] == "hit"

    adopt_new_version(w["public"], title="Policy för sidcachen, version två")
    before_commit = public_client.get(url)
    committed()
    after = public_client.get(url)

    # Until the decision commits, nothing has changed for anybody else either.
    assert before_commit[STATUS] == "hit"
    assert after[STATUS] == "miss"
    assert "Policy för sidcachen, version två" in after.content.decode()
    register = public_client.get("/styrdokument/")
    assert "Policy för sidcachen, version två" in register.content.decode()


def test_a_repealed_document_leaves_the_cached_register_and_its_page(w, public_client):
    url = path_of(w["public"])
    for address in (url, "/styrdokument/", url, "/styrdokument/"):
        public_client.get(address)
    assert "Policy för sidcachen" in public_client.get("/styrdokument/").content.decode()

    register_existing_repeal(
        w["public"],
        body=get_body("kommundirektor"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-99",
    )
    committed()

    assert public_client.get(url).status_code == 404
    assert "Policy för sidcachen" not in public_client.get("/styrdokument/").content.decode()


def test_an_unpublished_page_is_gone_at_once(public_client):
    home = HomePage.objects.first()
    page = home.add_child(
        instance=InformationPage(title="Tillfällig sida", slug="tillfallig", live=True)
    )
    public_client.get("/tillfallig/")
    assert public_client.get("/tillfallig/")[STATUS] == "hit"

    UnpublishPageAction(page, user=None).execute(skip_permission_checks=True)
    committed()

    assert public_client.get("/tillfallig/").status_code == 404


def test_a_change_inside_a_transaction_renews_the_generation_only_when_it_commits():
    before = page_cache.current_generation()
    with transaction.atomic():
        page_cache.invalidate()
        page_cache.invalidate()
        assert page_cache.current_generation() == before
        pending = [c for _s, c, _r in transaction.get_connection().run_on_commit]
    committed()

    assert pending.count(page_cache.new_generation) == 1
    assert page_cache.current_generation() != before


def test_query_strings_are_normalised_and_unknown_ones_never_stored(public_client):
    public_client.get("/styrdokument/?typ=policy&sida=1")

    assert public_client.get("/styrdokument/?sida=1&typ=policy")[STATUS] == "hit"

    entries = stored_pages()
    for n in range(30):
        flooded = public_client.get(f"/styrdokument/?x{n}=1")
        assert flooded.status_code == 200
        assert STATUS not in flooded
    for url in ("/sok/?q=incident", "/styrdokument/?typ=<script>", "/styrdokument/?typ=a&typ=b"):
        assert STATUS not in public_client.get(url), url
    assert stored_pages() == entries


def test_a_head_request_is_answered_from_a_stored_get(w, public_client):
    url = path_of(w["public"])
    public_client.head(url)
    assert stored_pages() == []
    page = public_client.get(url)

    head = public_client.head(url)

    assert head.status_code == 200 and head[STATUS] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == page["Content-Length"] == str(len(page.content))


# -- never stored -----------------------------------------------------------------------------


def test_the_intranet_is_never_stored(w, intranet_client, anonymous_intranet_client):
    url = path_of(w["internal"])
    for client in (intranet_client, anonymous_intranet_client, intranet_client):
        response, queries = queries_for(client, url)

        assert STATUS not in response
        assert {"private", "no-store"} <= header_values(response, "Cache-Control")
        if client is intranet_client:
            assert response.status_code == 200 and queries > 0
    assert "Intern policy för sidcachen" in intranet_client.get(url).content.decode()
    assert stored_pages() == []


def test_the_same_path_on_the_intranet_never_gets_the_public_copy(w, public_client):
    url = path_of(w["public"])
    public_client.get(url)
    public_client.get(url)

    staff = Client(HTTP_HOST=INTRANET_HOST)
    response = staff.get(url)

    assert response.status_code == 302 and STATUS not in response


def test_personal_and_failed_requests_are_never_stored(w, public_client, staff_user):
    url = path_of(w["public"])
    logged_in = Client(HTTP_HOST=PUBLIC_HOST)
    logged_in.force_login(staff_user)
    with_message = Client(HTTP_HOST=PUBLIC_HOST)
    with_message.cookies["messages"] = "x"
    with_auth = Client(HTTP_HOST=PUBLIC_HOST, HTTP_AUTHORIZATION="Basic eDp5")

    for client in (logged_in, with_message, with_auth):
        for _ in range(2):
            assert STATUS not in client.get(url)
            assert "public" not in header_values(client.get(url), "Cache-Control")
    for _ in range(2):
        assert STATUS not in public_client.get("/finns-inte/")
        assert STATUS not in public_client.post(url)
        assert STATUS not in public_client.get("/admin/")
        assert STATUS not in public_client.get(path_of(w["internal"]))
    assert stored_pages() == []


def test_a_response_that_is_personal_is_not_shareable():
    factory = RequestFactory(HTTP_HOST=PUBLIC_HOST)
    from django.http import HttpResponse

    def response(**headers):
        answer = HttpResponse("sida")
        for name, value in headers.items():
            answer[name] = value
        return answer

    request = factory.get("/")
    assert page_cache.shareable(request, response(Vary="Host, Cookie, Accept-Language"))
    with_cookie = response()
    with_cookie.set_cookie("csrftoken", "x")
    assert not page_cache.shareable(request, with_cookie)
    assert not page_cache.shareable(request, response(Vary="Authorization"))
    assert not page_cache.shareable(request, response(**{"Cache-Control": "no-cache"}))
    # A page whose rendering asked for a CSP nonce carries it in its body: never shared.
    nonce_request = factory.get("/")
    nonce_request._csp_nonce = "abc"
    assert not page_cache.shareable(nonce_request, response())


def test_a_cache_that_is_down_leaves_the_site_up(w, public_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    url = path_of(w["public"])
    monkeypatch.setattr(cache, "get_many", broken)

    response = public_client.get(url)

    assert response.status_code == 200
    assert "Policy för sidcachen" in response.content.decode()


# -- purging a CDN or Varnish in front ----------------------------------------------------------


class PurgeRecorder(BaseHTTPRequestHandler):
    """Stands in for Varnish: records each PURGE request's Host and path."""

    received = []

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.received.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PurgeRecorder.received = []
    location = f"http://127.0.0.1:{server.server_address[1]}"
    settings.WAGTAILFRONTENDCACHE = frontend_cache_from_env(
        {"STYRDOK_FRONTEND_CACHE_URL": location}, settings.STYRDOK_PUBLIC_URL
    )
    yield PurgeRecorder.received
    server.shutdown()
    server.server_close()


def purged_paths(received):
    assert {host for host, _path in received} <= {PUBLIC_HOST}
    return {path for _host, path in received}


def test_publishing_purges_the_page_and_what_lists_it(w, varnish):
    adopt_new_version(w["public"], title="Policy för sidcachen, ny")
    assert varnish == []  # nothing before the commit
    committed()

    paths = purged_paths(varnish)
    assert {path_of(w["public"]), "/styrdokument/", "/", "/feed/", "/sitemap.xml"} <= paths
    assert {"/sok/", "/api/v2/pages/", f"/api/v2/pages/{w['public'].pk}/"} <= paths
    assert any(path.startswith("/arkiv/") for path in paths)


def test_unpublishing_and_repeal_purge_the_page(w, varnish):
    home = HomePage.objects.first()
    page = home.add_child(
        instance=InformationPage(title="Tillfällig sida", slug="tillfallig", live=True)
    )
    UnpublishPageAction(page, user=None).execute(skip_permission_checks=True)
    committed()
    assert "/tillfallig/" in purged_paths(varnish)

    varnish.clear()
    register_existing_repeal(
        w["public"],
        body=get_body("kommundirektor"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-98",
    )
    committed()

    assert {path_of(w["public"]), "/styrdokument/"} <= purged_paths(varnish)


def test_nothing_is_purged_without_a_cache_in_front(w, settings, varnish):
    settings.WAGTAILFRONTENDCACHE = {}

    adopt_new_version(w["public"], title="Policy för sidcachen, ny")
    committed()

    assert varnish == []


def test_an_aktualitetsprovning_purges_the_page_and_the_register(w, varnish, django_user_model):
    """The review moves the public "Revideras senast" date without publishing anything."""
    from django.utils import timezone

    from revision.review import confirm_unchanged, review_bodies

    admin = django_user_model.objects.create_superuser("granskare", password="x")
    page = w["public"]
    confirm_unchanged(page, admin, body=review_bodies(page)[0], decision_date=timezone.localdate())
    committed()

    assert {path_of(page), "/styrdokument/"} <= purged_paths(varnish)
