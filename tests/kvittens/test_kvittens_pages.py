"""Kvittens on the intranet: the box on the document page, "Jag har läst och förstått", the
start page's list; and nothing of it on the public site (issue 20)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kvittens.models import Acknowledgement
from kvittens.services import confirm, required_version
from policies.models import Publicity, RutinPage
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    get_register,
    make_document,
    path_of,
)
from tests.kvittens.helpers import build_kommun, member, requirement
from tests.shared import build_once

BUTTON = "Jag har läst och förstått"
KVITTENS_WORDS = ("kvittens", "Läs och bekräfta", "läsa och bekräfta", BUTTON, "/kvittens/")


def build():
    world = build_kommun()
    requirement(document=world["policy"], everyone=True)
    requirement(document=world["rutin"], organisations=[world["social"]])
    world["internal"] = make_document(
        RutinPage, title="Intern rutin för behörigheter", publicity=Publicity.INTERNAL
    )
    requirement(document=world["internal"], everyone=True)
    world["secret"] = make_document(
        RutinPage, title="Rutin för säkerhetsskydd", restricted_to=[world["it_group"]]
    )
    requirement(document=world["secret"], everyone=True)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build)


@pytest.fixture
def w(world, db):
    return world


def client_for(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


def url(page):
    return path_of(page)


def reload(page):
    return type(page).objects.get(pk=page.pk)


# -- the document page -----------------------------------------------------------------------


def test_the_reader_in_the_audience_sees_the_box_and_confirms(w):
    anna = w["people"]["anna"]
    client = client_for(anna)
    page = client.get(url(w["rutin"])).content.decode()
    assert "Läs och bekräfta" in page and BUTTON in page
    version = required_version(w["rutin"])

    response = client.post(f"/kvittens/{w['rutin'].pk}/bekrafta/", {"version": version.pk})

    assert response.status_code == 302
    assert response["Location"].endswith("#kvittens")
    after = client.get(url(w["rutin"])).content.decode()
    assert f"Du bekräftade version {version.version} den" in after
    assert BUTTON not in after
    assert Acknowledgement.objects.filter(user=anna, version=version).count() == 1


def test_the_confirmation_is_where_the_reader_lands_and_is_read_out(w):
    """WCAG 4.1.3: the confirmation returns to #kvittens on a new page, where a role="status"
    that is already there is not announced. The box takes focus from the address (tabindex="-1")
    and is described by the confirmation, so a screen reader says the result on arrival."""
    client = client_for(w["people"]["cecilia"])
    before = BeautifulSoup(client.get(url(w["policy"])).content, "html.parser")
    box = before.select_one("section#kvittens")
    assert box["tabindex"] == "-1"
    assert not box.has_attr("aria-describedby")
    version = required_version(w["policy"])

    response = client.post(f"/kvittens/{w['policy'].pk}/bekrafta/", {"version": version.pk})

    assert response["Location"].endswith("#kvittens")
    after = BeautifulSoup(client.get(url(w["policy"])).content, "html.parser")
    box = after.select_one("section#kvittens")
    assert box["tabindex"] == "-1"
    description = after.find(id=box["aria-describedby"])
    assert description in box.find_all(True)
    assert description.get_text().startswith(f"Du bekräftade version {version.version} den ")


def test_a_second_post_changes_nothing(w):
    client = client_for(w["people"]["bo"])
    version = required_version(w["rutin"])
    for _attempt in range(2):
        response = client.post(f"/kvittens/{w['rutin'].pk}/bekrafta/", {"version": version.pk})
        assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=w["people"]["bo"]).count() == 1


def test_a_reader_outside_the_audience_sees_no_box_and_is_refused(w):
    client = client_for(w["people"]["cecilia"])
    page = client.get(url(w["rutin"])).content.decode()
    assert BUTTON not in page and "Läs och bekräfta" not in page
    version = required_version(w["rutin"])
    response = client.post(f"/kvittens/{w['rutin'].pk}/bekrafta/", {"version": version.pk})
    assert response.status_code == 400
    assert "inget kvittenskrav för dig" in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_get_instead_of_post_explains_in_swedish(w):
    response = client_for(w["people"]["anna"]).get(f"/kvittens/{w['rutin'].pk}/bekrafta/")
    assert response.status_code == 405
    assert "Jag har läst och förstått" in response.content.decode()
    assert not Acknowledgement.objects.exists()


@pytest.mark.parametrize(
    "posted, message",
    [
        ({}, "saknar vilken version"),
        ({"version": "abc"}, "saknar vilken version"),
        ({"version": "999999"}, "Versionen finns inte"),
    ],
)
def test_a_bad_version_gets_a_swedish_message(w, posted, message):
    response = client_for(w["people"]["anna"]).post(f"/kvittens/{w['rutin'].pk}/bekrafta/", posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Acknowledgement.objects.exists()


def test_a_superseded_version_is_refused_over_http(w):
    old = required_version(w["rutin"])
    adopt_new_version(reload(w["rutin"]), version="2.0", decision_date=days_ago(1))
    response = client_for(w["people"]["anna"]).post(
        f"/kvittens/{w['rutin'].pk}/bekrafta/", {"version": old.pk}
    )
    assert response.status_code == 400
    assert "har ersatts av version 2.0" in response.content.decode()


def test_unknown_unpublished_and_restricted_documents_are_404(w):
    client = client_for(w["people"]["anna"])
    draft = make_document(RutinPage, title="Utkast", publish=False)
    for document_id in (999999, draft.pk, w["secret"].pk, get_register().pk):
        response = client.post(f"/kvittens/{document_id}/bekrafta/", {"version": "1"})
        assert response.status_code == 404, document_id


def test_a_member_of_the_restricted_group_confirms_it(w):
    client = client_for(w["people"]["dan"])
    assert BUTTON in client.get(url(w["secret"])).content.decode()
    version = required_version(w["secret"])
    response = client.post(f"/kvittens/{w['secret'].pk}/bekrafta/", {"version": version.pk})
    assert response.status_code == 302


def test_an_editorial_change_shows_that_the_confirmation_still_counts(w):
    anna = w["people"]["anna"]
    confirm(anna, w["rutin"], required_version(w["rutin"]))
    from policies.decisions import register_existing_decision  # noqa: PLC0415

    rutin = reload(w["rutin"])
    rutin.version = "1.1"
    register_existing_decision(
        rutin,
        body=rutin.decision_body,
        decision_date=days_ago(0),
        diarienummer=rutin.diarienummer,
        editorial_change=True,
    )
    page = client_for(anna).get(url(w["rutin"])).content.decode()
    assert "Du bekräftade version 1.0 den" in page
    assert "Version 1.1 är en redaktionell ändring som inte kräver ny kvittens" in page


# -- the start page ----------------------------------------------------------------------------


def test_the_start_page_lists_what_is_left_to_confirm(w):
    anna = w["people"]["anna"]
    client = client_for(anna)
    page = client.get("/").content.decode()
    assert "Att läsa och bekräfta" in page
    for document in (w["policy"], w["rutin"], w["internal"]):
        assert document.title in page
    assert w["secret"].title not in page
    confirm(anna, w["policy"], required_version(w["policy"]))
    page = client.get("/").content.decode()
    assert f"{url(w['policy'])}#kvittens" not in page
    assert f"{url(w['rutin'])}#kvittens" in page


def test_the_start_page_says_nothing_when_all_is_confirmed(w):
    cecilia = w["people"]["cecilia"]
    for document in (w["policy"], w["internal"]):
        confirm(cecilia, document, required_version(document))
    assert "Att läsa och bekräfta" not in client_for(cecilia).get("/").content.decode()


# -- the public site ---------------------------------------------------------------------------


def test_nothing_about_kvittens_reaches_the_public_site(w):
    client = Client(HTTP_HOST=PUBLIC_HOST)
    addresses = ["/", url(w["policy"]), url(w["rutin"]), "/styrdokument/", "/sitemap.xml"]
    addresses += ["/api/v2/pages/?type=policies.PolicyPage&fields=*", "/feed/"]
    addresses.append(f"/api/v2/pages/{w['policy'].pk}/")
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        text = response.content.decode()
        for word in KVITTENS_WORDS:
            assert word.lower() not in text.lower(), (address, word)


def test_the_confirm_address_does_not_exist_on_the_public_host(w):
    client = Client(HTTP_HOST=PUBLIC_HOST)
    client.force_login(w["people"]["anna"])
    version = required_version(w["policy"])
    for method in (client.get, client.post):
        response = method(f"/kvittens/{w['policy'].pk}/bekrafta/", {"version": version.pk})
        assert response.status_code == 404
    assert not Acknowledgement.objects.exists()


def test_the_page_is_never_stored_for_another_reader(w):
    response = client_for(w["people"]["anna"]).get(url(w["policy"]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# -- queries -----------------------------------------------------------------------------------


def _page_queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_the_document_page_reads_a_fixed_number_of_rows(w):
    """The box costs the same with 3 or 40 people in the audience and their confirmations."""
    small = make_document(RutinPage, title="Liten rutin")
    large = make_document(RutinPage, title="Stor rutin")
    requirement(document=small, organisations=[w["social"]])
    requirement(document=large, organisations=[w["social"]])
    crowd = [member(f"person{n}", w["hemtjanst"]) for n in range(40)]
    for person in crowd[:3]:
        confirm(person, small, required_version(small))
    for person in crowd:
        confirm(person, large, required_version(large))
    reader = w["people"]["anna"]
    client = client_for(reader)
    client.get(url(small))  # warm the per-process caches
    counts = {_page_queries(client, url(doc)) for doc in (small, large)}
    assert len(counts) == 1, counts
    # Confirmed and not yet confirmed cost the same too.
    confirm(reader, large, required_version(large))
    assert _page_queries(client, url(large)) == counts.pop()


def test_the_start_page_reads_a_fixed_number_of_rows(w):
    reader = w["people"]["bo"]
    client = client_for(reader)
    client.get("/")
    before = _page_queries(client, "/")
    for n in range(12):
        document = make_document(RutinPage, title=f"Rutin nummer {n}")
        requirement(document=document, organisations=[w["social"]])
    after = _page_queries(client, "/")
    assert after == before
    assert "Rutin nummer 11" in client.get("/").content.decode()
