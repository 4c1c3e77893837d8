"""Kvittens is an intranet matter: a crawler reads everything an anonymous visitor reaches on the
public host (pages, register, search, API, feed, sitemap, archived versions and their PDFs) with
requirements, confirmations and an editorial change in the data, and finds no word of kvittens,
no /kvittens/ address and no name of anyone who confirmed. The same words are found on the
intranet (the positive control), so the empty result means they were withheld."""

import pytest
from django.test import Client

from kvittens.models import Acknowledgement
from kvittens.services import confirm, required_version
from policies.decisions import register_existing_decision
from policies.models import AdoptedVersion, Publicity, RutinPage
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    days_ago,
    make_document,
    path_of,
)
from tests.kvittens.helpers import build_kommun, member, requirement
from tests.leak_crawler import Marker, crawl, random_letters
from tests.shared import build_once

KVITTENS_TEXTS = {
    "RUBRIK": "Läs och bekräfta",
    "LISTA": "Att läsa och bekräfta",
    "KNAPP": "Jag har läst och förstått",
    "ADRESS": "/kvittens/",
    "ORDET": "kvittens",
    "BEKRAFTAD": "Du bekräftade version",
    "REDAKTIONELL": "inte kräver ny kvittens",
}


def build():
    world = build_kommun()
    requirement(document=world["policy"], everyone=True)
    requirement(document=world["rutin"], organisations=[world["social"]])
    world["public_rutin"] = make_document(
        RutinPage, title="Rutin för lösenord", slug="losenord", publicity=Publicity.PUBLIC
    )
    requirement(document_type=world["public_rutin"].document_type, groups=[world["it_group"]])
    # Someone who confirms, whose name must never reach the public site.
    token = random_letters()
    world["name_marker"] = Marker("KVITTENS-NAMN", token, (token,))
    world["confirmer"] = member(
        "lasare", world["social"], first_name=f"Läsare{token}", last_name="Bekräftare"
    )
    for user in (world["confirmer"], world["people"]["anna"], world["people"]["bo"]):
        for document in (world["policy"], world["rutin"]):
            confirm(user, document, required_version(document))
    # An editorial change keeps the confirmations (its own text on the intranet box).
    rutin = RutinPage.objects.get(pk=world["rutin"].pk)
    rutin.version = "1.1"
    register_existing_decision(
        rutin,
        body=rutin.decision_body,
        decision_date=days_ago(1),
        diarienummer=rutin.diarienummer,
        editorial_change=True,
    )
    world["rutin"] = RutinPage.objects.get(pk=rutin.pk)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build)


@pytest.fixture
def w(world, db):
    return world


def markers(world):
    words = [Marker(f"KVITTENS-{label}", text, (text,)) for label, text in KVITTENS_TEXTS.items()]
    return [*words, world["name_marker"]]


def seeds(world):
    documents = [world["policy"], world["rutin"], world["public_rutin"]]
    addresses = ["/", "/styrdokument/", "/robots.txt", "/sitemap.xml", "/feed/"]
    addresses += ["/api/v2/pages/?fields=*&limit=100", "/sok/?q=rutin", "/sok/?q=bekräfta"]
    addresses += ["/sok/forslag/?q=rutin", "/api/v2/pages/?search=rutin"]
    for document in documents:
        addresses += [path_of(document), f"/api/v2/pages/{document.pk}/"]
        addresses += [f"/kvittens/{document.pk}/bekrafta/"]
    for version in AdoptedVersion.objects.filter(document__in=documents):
        addresses += [f"/arkiv/{version.pk}/", f"/arkiv/{version.pk}/pdf/"]
    return addresses


def test_the_public_site_shows_nothing_of_kvittens(w):
    assert Acknowledgement.objects.count() == 6
    visitor = Client(HTTP_HOST=PUBLIC_HOST)

    result = crawl(visitor, seeds(w), PUBLIC_HOST, limit=600, per_shape=3, words=("rutin",))

    summary = f"public crawl: {result.summary()}"
    print(summary)
    found = {"leaks": result.leaks(markers(w)), "server errors": result.server_errors()}
    assert found == {"leaks": [], "server errors": []}, summary
    read = {url for url, answer in result.answers.items() if answer.status == 200}
    for document in (w["policy"], w["rutin"], w["public_rutin"]):
        assert path_of(document) in read, summary
    assert {"/feed/", "/sitemap.xml"} <= read, summary
    # The confirm address does not exist there (GET; a POST is refused the same way).
    for document in (w["policy"], w["rutin"]):
        answer = result.answers[f"/kvittens/{document.pk}/bekrafta/"]
        assert answer.status == 404, summary


def test_a_logged_in_reader_on_the_public_host_meets_no_kvittens_either(w):
    """A session cookie does not bring the intranet's box to the public site."""
    reader = Client(HTTP_HOST=PUBLIC_HOST)
    reader.force_login(w["people"]["cecilia"])
    addresses = ["/", *(path_of(w[name]) for name in ("policy", "rutin", "public_rutin"))]

    result = crawl(reader, addresses, PUBLIC_HOST, limit=200, per_shape=2, follow_limit=40)

    assert result.leaks(markers(w)) == [], result.summary()
    response = reader.post(
        f"/kvittens/{w['public_rutin'].pk}/bekrafta/",
        {"version": required_version(w["public_rutin"]).pk},
    )
    assert response.status_code == 404
    assert not Acknowledgement.objects.filter(user=w["people"]["cecilia"]).exists()


def test_the_intranet_shows_the_same_words_the_positive_control(w):
    """Cecilia has the policy left to confirm and Bo has confirmed the rutin before its
    editorial change: the crawler's needles are found where they belong."""
    cecilia = Client(HTTP_HOST=INTRANET_HOST)
    cecilia.force_login(w["people"]["cecilia"])
    bo = Client(HTTP_HOST=INTRANET_HOST)
    bo.force_login(w["people"]["bo"])
    intranet = crawl(cecilia, ["/", path_of(w["policy"])], INTRANET_HOST, limit=2)
    intranet.answers.update(crawl(bo, [path_of(w["rutin"])], INTRANET_HOST, limit=1).answers)

    found = {leak[1] for leak in intranet.leaks(markers(w))}

    expected = {f"KVITTENS-{label}" for label in KVITTENS_TEXTS}
    assert found == expected, intranet.summary()
