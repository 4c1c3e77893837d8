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
