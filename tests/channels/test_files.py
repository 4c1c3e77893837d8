"""Uploaded files follow the pages that use them, on each channel (/dokument/<id>/<filename>)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, CollectionViewRestriction

from policies.models import HomePage, InformationPage, RiktlinjePage
from tests.channels.conftest import body_of, client_for, file_link, make_file
from tests.factories import (
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    make_document,
    paragraph,
)

pytestmark = pytest.mark.django_db


def linking(file, text="<p>Se bilagan.</p>"):
    return [paragraph(text.replace("bilagan", file_link(file)))]


def statuses(file, **clients):
    return {name: client.get(file.url).status_code for name, client in clients.items()}


def test_who_gets_which_file(public_client, intranet_client, member_client):
    public = make_file("Mall", "Offentlig mall\n", "mall.txt")
    internal = make_file("Larmlista", "Intern larmlista\n", "larm.txt")
    restricted = make_file("Skyddsplan", "Begränsad plan\n", "skydd.txt")
    make_document(RiktlinjePage, body=linking(public))
    make_document(RiktlinjePage, publicity="internal", body=linking(internal))
    make_document(
        RiktlinjePage,
        publicity="internal",
        restricted_to=[Group.objects.get(name="Beslutsfattare")],
        body=linking(restricted),
    )
    readers = {"public": public_client, "staff": intranet_client, "member": member_client}

    assert statuses(public, **readers) == {"public": 200, "staff": 200, "member": 200}
    assert statuses(internal, **readers) == {"public": 404, "staff": 200, "member": 200}
    assert statuses(restricted, **readers) == {"public": 404, "staff": 404, "member": 200}
    assert body_of(public_client.get(public.url)) == "Offentlig mall\n"
    assert body_of(member_client.get(restricted.url)) == "Begränsad plan\n"


def test_a_file_shared_by_a_public_and_an_internal_document_is_public(public_client):
    shared = make_file("Ordlista", "Ordlista\n", "ordlista.txt")
    make_document(RiktlinjePage, publicity="internal", body=linking(shared))
    make_document(RiktlinjePage, body=linking(shared))

    assert public_client.get(shared.url).status_code == 200


def test_a_file_no_page_uses_is_not_on_the_public_site(public_client, intranet_client):
    unused = make_file("Uppladdad", "Ännu inte använd\n", "uppladdad.txt")

    assert public_client.get(unused.url).status_code == 404
    assert intranet_client.get(unused.url).status_code == 200


def test_a_file_attached_in_a_draft_is_public_only_once_adopted(public_client, intranet_client):
    """An editor attaches a new file to the next version of a public document: it is published
    with that version, not when it is uploaded."""
    page = make_document(RiktlinjePage, body=[paragraph("<p>Version 1.</p>")])
    attachment = make_file("Ny bilaga", "Bilaga till version 2\n", "bilaga-v2.txt")
    draft = page.get_latest_revision_as_object()
    draft.body = linking(attachment)
    draft.save_revision()

    assert public_client.get(attachment.url).status_code == 404
    assert intranet_client.get(attachment.url).status_code == 200  # for the editor's preview

    adopt_new_version(page, body=linking(attachment), version="2.0", decision_date=days_ago(1))

    assert public_client.get(attachment.url).status_code == 200


def test_a_file_attached_in_a_draft_of_an_internal_document_stays_internal(public_client):
    page = make_document(RiktlinjePage, publicity="internal", body=[paragraph("<p>Text.</p>")])
    attachment = make_file("Intern bilaga", "Intern bilaga\n", "intern-bilaga.txt")
    draft = page.get_latest_revision_as_object()
    draft.body = linking(attachment)
    draft.save_revision()

    assert public_client.get(attachment.url).status_code == 404


def test_a_file_on_a_public_information_page_is_public(public_client):
    file = make_file("Broschyr", "Broschyr\n", "broschyr.txt")
    info = InformationPage(
        title="Om informationssäkerhet",
        slug="om",
        body=[paragraph(f"<p>Läs {file_link(file)}.</p>")],
    )
    HomePage.objects.get().add_child(instance=info)
    info.save_revision().publish()

    assert public_client.get(file.url).status_code == 200


def test_a_file_in_a_private_collection_is_not_on_the_public_site(public_client, staff_user):
    collection = Collection.get_first_root_node().add_child(name="Interna filer")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    file = make_file("Intern", "Intern\n", "privat.txt")
    file.collection = collection
    file.save()
    make_document(RiktlinjePage, body=linking(file))

    assert public_client.get(file.url).status_code == 404
    # Logged in on the public host makes no difference: the public site has no private files.
    assert client_for(staff_user, host=PUBLIC_HOST).get(file.url).status_code == 404
