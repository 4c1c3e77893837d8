"""Rich-text page links are resolved when the page is read, for the reader's channel."""

import pytest
from django.test import Client

from policies.models import HomePage, InformationPage, RiktlinjePage
from tests.channels.conftest import client_for, group, soup
from tests.factories import (
    INTRANET_HOST,
    adopt_new_version,
    days_ago,
    make_document,
    paragraph,
    path_of,
)

pytestmark = pytest.mark.django_db


def linking_to(target, text):
    return [paragraph(f'<p>Se <a linktype="page" id="{target.pk}">{text}</a> för detaljer.</p>')]


def link_named(response, text):
    assert response.status_code == 200
    links = [a for a in soup(response).select(".document__body a, main a") if a.get_text() == text]
    assert links, f"the link text {text!r} is not on the page"
    return links[0]


def test_a_link_to_a_document_later_made_internal_loses_its_address_publicly(
    public_client, intranet_client
):
    target = make_document(RiktlinjePage, title="Riktlinje för loggning", slug="loggning")
    linking = make_document(RiktlinjePage, body=linking_to(target, "loggningsriktlinjen"))
    target_path = path_of(target)

    assert link_named(public_client.get(path_of(linking)), "loggningsriktlinjen")["href"] == (
        target_path
    )

    # Re-adopted as internal; the linking document is not saved again.
    adopt_new_version(target, publicity="internal", version="2.0", decision_date=days_ago(1))

    response = public_client.get(path_of(linking))
    link = link_named(response, "loggningsriktlinjen")
    assert not link.has_attr("href")
    assert target_path not in response.content.decode()
    # Staff still follow the link, on the intranet's own host.
    assert link_named(intranet_client.get(path_of(linking)), "loggningsriktlinjen")["href"] == (
        target_path
    )


def test_a_link_to_a_restricted_document_has_no_address_for_a_non_member(
    public_client, intranet_client, member_client
):
    target = make_document(
        RiktlinjePage, publicity="internal", restricted_to=[group()], slug="skyddsplan"
    )
    linking = make_document(
        RiktlinjePage, publicity="internal", body=linking_to(target, "skyddsplanen")
    )

    assert not link_named(intranet_client.get(path_of(linking)), "skyddsplanen").has_attr("href")
    assert link_named(member_client.get(path_of(linking)), "skyddsplanen")["href"] == (
        path_of(target)
    )


def test_a_link_on_an_information_page_to_an_unadopted_draft_has_no_address(public_client):
    draft = make_document(RiktlinjePage, publish=False, slug="utkast-till-riktlinje")
    info = InformationPage(
        title="Om informationssäkerhet", slug="om", body=linking_to(draft, "kommande riktlinje")
    )
    HomePage.objects.get().add_child(instance=info)
    info.save_revision().publish()

    response = public_client.get(path_of(info))
    assert not link_named(response, "kommande riktlinje").has_attr("href")
    assert "utkast-till-riktlinje" not in response.content.decode()


def test_intranet_links_keep_the_intranet_host_and_port(staff_user):
    target = make_document(RiktlinjePage, slug="malet")
    linking = make_document(RiktlinjePage, body=linking_to(target, "målet"))

    for host in (INTRANET_HOST, f"{INTRANET_HOST}:8000"):
        client = client_for(staff_user, host=host)
        href = link_named(client.get(path_of(linking)), "målet")["href"]
        # Relative to the host the reader is on: never the public host, never without the port.
        assert href == path_of(target), (host, href)


def test_a_public_link_to_a_public_document_is_kept(public_client):
    target = make_document(RiktlinjePage, slug="offentlig")
    linking = make_document(RiktlinjePage, body=linking_to(target, "den offentliga"))

    assert link_named(public_client.get(path_of(linking)), "den offentliga")["href"] == (
        path_of(target)
    )
    assert Client(HTTP_HOST="localhost:8000").get(path_of(linking)).status_code == 200
