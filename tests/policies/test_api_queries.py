"""The read-only API reads a fixed number of rows however many pages it lists (issue 17)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from policies.api import ChannelPagesAPIViewSet
from policies.models import PolicyPage, Publicity, RiktlinjePage, RutinPage, Styrdokument
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    get_register,
    make_live_document,
    make_live_documents,
    make_user,
)

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/api/v2/pages/",
    "/api/v2/pages/?fields=*",
    "/api/v2/pages/?type=policies.RiktlinjePage&fields=*",
    "/api/v2/pages/?type=policies.RiktlinjePage,policies.PolicyPage&fields=*",
    "/api/v2/pages/?search=riktlinje",
    "/api/v2/pages/?child_of={register}&fields=*",
    "/api/v2/pages/{document}/",
]


def _count(client, address):
    client.get(address)  # warm-up: content types, site root paths
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured), response.json()


def _grow(count):
    """`count` more public documents, and a few internal ones the public API must not list."""
    documents = make_live_documents(RiktlinjePage, count, title="Riktlinje {n:02d}")
    make_live_documents(PolicyPage, 2, title="Intern policy {n}", publicity=Publicity.INTERNAL)
    return documents


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("channel", ["public", "intranet"])
def test_the_api_reads_the_same_number_of_rows_for_3_and_30_pages(
    address, channel, public_client, intranet_client
):
    client = public_client if channel == "public" else intranet_client
    documents = _grow(3)
    address = address.format(register=get_register().pk, document=documents[0].pk)

    small, small_data = _count(client, address)
    _grow(27)
    large, large_data = _count(client, address)

    assert small == large
    if "items" in large_data:
        assert len(large_data["items"]) > len(small_data["items"])


@pytest.mark.parametrize("address", ADDRESSES[:5])
def test_a_listing_builds_the_readers_pages_once(address, public_client):
    """Wagtail asks for the base queryset for the listing, the serializer's class and its
    context; it is built once, so the view restrictions are read once and the listing still
    shows exactly the public documents."""
    _grow(3)
    _count(public_client, address)  # warm-up

    with CaptureQueriesContext(connection) as captured:
        response = public_client.get(address)

    restrictions = [q for q in captured if "wagtailcore_pageviewrestriction" in q["sql"]]
    assert len(restrictions) == 1
    titles = {item["title"] for item in response.json()["items"]}
    assert {"Riktlinje 00", "Riktlinje 01", "Riktlinje 02"} <= titles or "search" in address
    assert not any(title.startswith("Intern policy") for title in titles)


def test_the_public_api_lists_no_internal_document(public_client):
    _grow(3)

    _queries, data = _count(public_client, "/api/v2/pages/?type=policies.PolicyPage&fields=*")

    assert data["items"] == []


def test_the_api_lists_exactly_the_documents_for_channel_shows(db):
    """The API's own conditions agree with StyrdokumentQuerySet.for_channel for every reader."""
    group = Group.objects.create(name="Gruppen")
    member = make_user("medlem")
    member.groups.add(group)
    restricted = make_live_document(RiktlinjePage, restricted_to=[group])
    make_live_document(RutinPage, parent=restricted)
    internal = make_live_document(RiktlinjePage, publicity=Publicity.INTERNAL)
    make_live_document(RutinPage, parent=internal)
    make_live_documents(RiktlinjePage, 3)
    make_live_document(PolicyPage, publicity=Publicity.INTERNAL, restricted_to=[group])
    readers = [
        (PUBLIC_HOST, AnonymousUser()),
        (INTRANET_HOST, make_user("medarbetare")),
        (INTRANET_HOST, member),
        (INTRANET_HOST, make_user("chef", superuser=True)),
    ]
    for host, user in readers:
        request = RequestFactory().get("/api/v2/pages/", HTTP_HOST=host)
        request.user = user
        view = ChannelPagesAPIViewSet()
        view.request = request
        listed = set(view.get_base_queryset().values_list("pk", flat=True))

        site = Site.find_for_request(request)
        pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        shown = Styrdokument.objects.for_request(request).values_list("pk", flat=True)
        hidden = Styrdokument.objects.exclude(pk__in=list(shown))
        expected = set(pages.exclude(pk__in=hidden.values("pk")).values_list("pk", flat=True))
        assert listed == expected, (host, user)


def _listed(host, user):
    request = RequestFactory().get("/api/v2/pages/", HTTP_HOST=host)
    request.user = user
    view = ChannelPagesAPIViewSet()
    view.request = request
    return request, view.get_base_queryset()


def _restricted_families(group, count):
    """`count` restricted riktlinjer, each with a rutin under it, and a nested restricted rutin
    under the first (a root inside another root's subtree)."""
    roots = []
    for n in range(count):
        root = make_live_document(
            RiktlinjePage,
            title=f"Begränsad {n}",
            publicity=Publicity.INTERNAL,
            restricted_to=[group],
        )
        make_live_document(RutinPage, parent=root, publicity=Publicity.INTERNAL)
        roots.append(root)
    make_live_document(
        RutinPage, parent=roots[0], publicity=Publicity.INTERNAL, restricted_to=[group]
    )
    return roots


@pytest.mark.parametrize("host", [PUBLIC_HOST, INTRANET_HOST])
def test_hidden_subtrees_are_one_test_of_each_listed_page_path(host, db):
    """The listing tests each row's own path against the hidden roots, one IN list per length
    of root (policies.expressions.PathUnder), as for_request does: neither a prefix comparison
    per row and per hidden root (the API's cost grew with documents × restricted roots) nor a
    subquery of the hidden pages found by one LIKE per root (1.5 ms of planning and a hash of
    every page, on every listing at 10,000 documents)."""
    group = Group.objects.create(name="Sekretess")
    make_live_documents(RiktlinjePage, 3)
    roots = _restricted_families(group, 4)
    user = AnonymousUser() if host == PUBLIC_HOST else make_user("medarbetare")

    _request, listed = _listed(host, user)
    sql = str(listed.query)

    # Each hidden root is named once, in the IN list of a test on the listed page's own path.
    assert sql.count(roots[1].path) == 1
    before = sql[: sql.index(roots[1].path)]
    assert f'SUBSTR("wagtailcore_page"."path", 1, {len(roots[1].path)}) IN (' in before
    for root in roots:
        assert sql.count(root.path) == 1, root.title
    assert 'U0."path"' not in sql
    assert not set(listed.values_list("pk", flat=True)) & {root.pk for root in roots}


def test_the_api_agrees_with_for_channel_with_many_restricted_subtrees(db):
    """As test_the_api_lists_exactly_the_documents_for_channel_shows, with several restricted
    subtrees, one nested in another, and public documents beside them."""
    group = Group.objects.create(name="Sekretess")
    member = make_user("medlem")
    member.groups.add(group)
    make_live_documents(RiktlinjePage, 3)
    _restricted_families(group, 3)
    readers = [
        (PUBLIC_HOST, AnonymousUser()),
        (INTRANET_HOST, make_user("medarbetare")),
        (INTRANET_HOST, member),
    ]
    for host, user in readers:
        request, listed = _listed(host, user)
        site = Site.find_for_request(request)
        pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        shown = Styrdokument.objects.for_request(request).values_list("pk", flat=True)
        hidden = Styrdokument.objects.exclude(pk__in=list(shown))
        expected = set(pages.exclude(pk__in=hidden.values("pk")).values_list("pk", flat=True))
        assert set(listed.values_list("pk", flat=True)) == expected, (host, user)


def test_the_listing_costs_the_same_with_one_and_four_restricted_subtrees(
    public_client, intranet_client
):
    group = Group.objects.create(name="Sekretess")
    _grow(3)
    _restricted_families(group, 1)
    small = [_count(client, "/api/v2/pages/")[0] for client in (public_client, intranet_client)]
    _restricted_families(group, 3)
    large = [_count(client, "/api/v2/pages/")[0] for client in (public_client, intranet_client)]

    assert small == large


SHARED_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "styrdok_cache",
    }
}


@pytest.mark.parametrize(
    "address", ["/api/v2/pages/", "/api/v2/pages/?fields=*", "/api/v2/pages/{document}/"]
)
def test_with_the_database_cache_the_api_reads_the_same_rows_for_3_and_30_pages(
    address, public_client, settings
):
    """Production's cache is the database: every html_url asking it for the site root paths
    was a query per listed page (27 queries for a page of 20)."""
    settings.CACHES = SHARED_CACHE
    documents = _grow(3)
    address = address.format(document=documents[0].pk)

    small, small_data = _count(public_client, address)
    _grow(27)
    large, large_data = _count(public_client, address)

    assert small == large
    assert large <= 10
    items = large_data.get("items", [large_data])
    assert all(item["meta"]["html_url"].startswith(f"http://{PUBLIC_HOST}/") for item in items)
    if "parent" in large_data["meta"]:
        assert large_data["meta"]["parent"]["meta"]["html_url"].startswith("http://")
