"""Audience: what an internal or restricted document says never reaches the public search.

A made-up marker word that occurs nowhere else is put in the title, the summary and the body of
internal documents and in a restricted one. The public website must never find them, however the
marker is typed; the intranet finds them for the staff who may read them. A public document that
is unpublished or adopted again as internal leaves the public results at once.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from policies.models import Publicity, RiktlinjePage, RutinPage
from policies.repeal import register_existing_repeal
from tests.factories import (
    INTRANET_HOST,
    adopt_new_version,
    days_ago,
    make_document,
    make_user,
    paragraph,
    path_of,
)

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
MARKER = "hemligmarkör7731"
# The marker as it may be typed: without å/ä/ö, in capitals, in a phrase, among other words,
# and its beginning (in case the search ever matches prefixes or compound parts).
MARKER_QUERIES = [
    MARKER,
    "hemligmarkor7731",
    "HEMLIGMARKÖR7731",
    f'"{MARKER}"',
    f"riktlinje {MARKER}",
    "hemligmarkör",
    "hemlig",
]
# Near misses of the marker: "Menade du …" must not complete them from internal documents.
MISSPELT_MARKERS = ["hemligmarkör7732", "hemligmarkr7731", "hemligmarkör773", "hemlgmarkor7731"]
# Words that occur only in the internal documents below (and typos of them).
INTERNAL_WORDS = ["larmkedjan", "driftcentralen", "vattenverket", "ledningsplatsen", "kodordet"]
INTERNAL_TYPOS = ["larmkedjn", "driftcentrlen", "vatenverket", "ledningsplatsn"]
# A second marker, only in the restricted document.
RESTRICTED_MARKER = "begränsadmarkör5519"
OPEN_MARKER = "öppenmarkör4410"
DRAFT_MARKER = "utkastmarkör2208"


def result_titles(response):
    """The titles of the hits, best first: the first link of each item in the result list."""
    assert response.status_code == 200, response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    items = soup.select("ol.search-results > li")
    return [li.find("a").get_text(" ", strip=True) for li in items if li.find("a")]


def search(client, query):
    return client.get(SEARCH, {"q": query})


def assert_nothing_leaks(response, query, documents):
    """No hit, no redirect to a document, and nothing of theirs anywhere on the page."""
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    assert result_titles(response) == []
    html = response.content.decode()
    for page in documents:
        assert page.title not in html
        assert path_of(page) not in html
        assert page.summary not in html
    # The page repeats the query; apart from that, neither the markers nor words only the
    # internal documents use may appear (a "Menade du …" suggestion, say).
    rest = html.replace(query, "").replace(escape(query), "").lower()
    for word in [MARKER, "hemligmarkor7731", RESTRICTED_MARKER, *INTERNAL_WORDS]:
        if word not in query.lower():
            assert word not in rest, word


@pytest.fixture
def decision_makers():
    return Group.objects.get(name="Beslutsfattare")


@pytest.fixture(scope="module")
def secret_documents(django_db_setup, django_db_blocker):
    """Internal documents with the marker in the body, the summary and the title, and a
    restricted document with both markers; published once for the module and rolled back after
    its last test (each test runs in a savepoint inside this transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _secret_documents(Group.objects.get(name="Beslutsfattare"))
        transaction.set_rollback(True)


def _secret_documents(decision_makers):
    public_parent = make_document(
        RiktlinjePage,
        title="Riktlinje för larmhantering",
        summary="Hur larm från kommunens system tas emot.",
        body=[paragraph("<p>Larm tas emot av driftgruppen dygnet runt.</p>")],
    )
    in_body = make_document(
        RutinPage,
        parent=public_parent,
        title="Rutin för larmkedjan i driftcentralen",
        summary="Vem som ringer vem när ett larm kommer in nattetid.",
        body=[paragraph(f"<p>Kodordet {MARKER} används när larmet är skarpt.</p>")],
        publicity=Publicity.INTERNAL,
    )
    in_summary = make_document(
        RiktlinjePage,
        title="Riktlinje för reservkraft i vattenverket",
        summary=f"Reservkraften startas enligt plan {MARKER} vid långvarigt strömavbrott.",
        body=[paragraph("<p>Dieselaggregatet provkörs varje månad.</p>")],
        publicity=Publicity.INTERNAL,
    )
    in_title = make_document(
        RiktlinjePage,
        title=f"Riktlinje {MARKER} för skyddade adresser",
        summary="Hantering av uppgifter om personer med skyddade personuppgifter.",
        body=[paragraph("<p>Uppgifterna lämnas aldrig ut utan prövning.</p>")],
        publicity=Publicity.INTERNAL,
    )
    restricted = make_document(
        RiktlinjePage,
        title=f"Riktlinje {RESTRICTED_MARKER} för ledningsplatsen",
        summary="Var kommunens krisledning samlas om stadshuset inte kan användas.",
        body=[paragraph(f"<p>Ledningsplatsen nås med nyckel {MARKER}.</p>")],
        publicity=Publicity.INTERNAL,
        restricted_to=[decision_makers],
    )
    return {
        "parent": public_parent,
        "body": in_body,
        "summary": in_summary,
        "title": in_title,
        "restricted": restricted,
    }


@pytest.fixture
def internal(secret_documents):
    return [secret_documents[key] for key in ("body", "summary", "title", "restricted")]


@pytest.fixture
def decision_maker_client(decision_makers):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(make_user("beslutsfattare", groups=["Beslutsfattare"]))
    return client


@pytest.mark.parametrize("query", MARKER_QUERIES + [RESTRICTED_MARKER, "begransadmarkor5519"])
def test_the_public_site_never_finds_the_marker(public_client, internal, query):
    assert_nothing_leaks(search(public_client, query), query, internal)


@pytest.mark.parametrize("query", MISSPELT_MARKERS + INTERNAL_TYPOS)
def test_the_public_site_never_suggests_internal_words(public_client, internal, query):
    assert_nothing_leaks(search(public_client, query), query, internal)


@pytest.mark.parametrize(
    "query", ["larmkedjan", "reservkraft vattenverket", "skyddade adresser", "ledningsplatsen"]
)
def test_the_public_site_never_finds_other_words_of_internal_documents(
    public_client, internal, query
):
    assert_nothing_leaks(search(public_client, query), query, internal)


def test_the_public_site_still_finds_the_public_parent(public_client, secret_documents):
    assert result_titles(search(public_client, "larmhantering")) == ["Riktlinje för larmhantering"]


@pytest.mark.parametrize("query", MARKER_QUERIES[:3])
def test_staff_find_the_internal_documents_but_not_the_restricted_one(
    intranet_client, secret_documents, query
):
    titles = result_titles(search(intranet_client, query))

    assert sorted(titles) == sorted(
        secret_documents[key].title for key in ("body", "summary", "title")
    )
    assert_not_in_page(search(intranet_client, RESTRICTED_MARKER), secret_documents["restricted"])


def assert_not_in_page(response, page):
    assert response.status_code == 200
    assert result_titles(response) == []
    assert page.title not in response.content.decode()


def test_the_group_finds_the_restricted_document(decision_maker_client, secret_documents):
    assert result_titles(search(decision_maker_client, RESTRICTED_MARKER)) == [
        secret_documents["restricted"].title
    ]
    assert secret_documents["restricted"].title in result_titles(
        search(decision_maker_client, MARKER)
    )


def test_anonymous_visitors_to_the_intranet_search_are_sent_to_log_in(
    anonymous_intranet_client, secret_documents
):
    response = search(anonymous_intranet_client, MARKER)

    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")


def test_the_diarienummer_of_an_internal_document_does_not_lead_there_from_the_public_site(
    public_client, secret_documents
):
    page = secret_documents["body"]

    dnr = page.diarienummer
    for query in (
        dnr,
        dnr.replace("-", " ", 1).replace("-", "/"),  # KS 2025/12
        f"dnr {dnr}",
        f"{dnr} larm",  # a diarienummer among other words
    ):
        assert_nothing_leaks(search(public_client, query), query, [page])


def test_the_diarienummer_of_a_restricted_document_does_not_lead_there_for_other_staff(
    intranet_client, secret_documents
):
    page = secret_documents["restricted"]

    response = search(intranet_client, page.diarienummer)

    assert response.status_code == 200
    assert page.title not in response.content.decode()


def test_a_public_documents_unpublished_draft_is_not_searchable(public_client, intranet_client):
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för vinterväghållning",
        body=[paragraph("<p>Plogning sker när snödjupet passerar fem centimeter.</p>")],
    )
    page.body = [paragraph(f"<p>Utkast: {DRAFT_MARKER}.</p>")]
    page.save_revision()

    for client in (public_client, intranet_client):
        assert result_titles(search(client, DRAFT_MARKER)) == []
    assert result_titles(search(public_client, "plogning")) == [page.title]


@pytest.fixture
def public_document():
    return make_document(
        RiktlinjePage,
        title="Riktlinje för kameraövervakning",
        summary=f"När kommunen får använda kameror, med markören {OPEN_MARKER}.",
        body=[paragraph("<p>Kameror sätts bara upp efter tillstånd.</p>")],
    )


def test_unpublishing_removes_a_document_from_the_public_results_at_once(
    public_client, intranet_client, public_document
):
    assert result_titles(search(public_client, OPEN_MARKER)) == [public_document.title]

    # An adopted document leaves the register only by a repeal decision (issue 13).
    register_existing_repeal(
        public_document,
        body=public_document.decision_body,
        decision_date=days_ago(1),
        diarienummer="KS-2026-41",
        paragraph=41,
    )

    assert_nothing_leaks(search(public_client, OPEN_MARKER), OPEN_MARKER, [public_document])
    assert result_titles(search(public_client, "kameraövervakning")) == []
    assert result_titles(search(intranet_client, OPEN_MARKER)) == []


def test_adopting_a_document_as_internal_removes_it_from_the_public_results_at_once(
    public_client, intranet_client, public_document
):
    assert result_titles(search(public_client, "kameraövervakning")) == [public_document.title]

    adopt_new_version(public_document, publicity=Publicity.INTERNAL, version="2.0")

    for query in (OPEN_MARKER, "kameraövervakning", "kamera", public_document.diarienummer):
        assert_nothing_leaks(search(public_client, query), query, [public_document])
    assert result_titles(search(intranet_client, OPEN_MARKER)) == [public_document.title]


def suggest_url():
    try:
        return reverse("search_autocomplete")
    except NoReverseMatch:
        return None


@pytest.mark.skipif(suggest_url() is None, reason="ingen förslagstjänst för sökningen")
@pytest.mark.parametrize(
    "prefix", ["hemlig", "hemligmark", "hemligmarkö", "hemligmarko", "begränsad", "larmked"]
)
def test_the_public_autocomplete_never_suggests_internal_words(public_client, internal, prefix):
    text = suggestions(public_client, prefix)

    assert "markör" not in text
    assert "markor" not in text
    for page in internal:
        assert page.title.lower() not in text
        assert path_of(page) not in text


def suggestions(client, prefix):
    response = client.get(suggest_url(), {"q": prefix})
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False).lower()


@pytest.mark.skipif(suggest_url() is None, reason="ingen förslagstjänst för sökningen")
def test_the_autocomplete_suggests_what_each_reader_may_see(
    public_client, intranet_client, decision_maker_client, secret_documents
):
    in_title, restricted = secret_documents["title"], secret_documents["restricted"]

    assert secret_documents["parent"].title.lower() in suggestions(public_client, "larmhant")
    assert in_title.title.lower() in suggestions(intranet_client, "hemligmark")
    assert restricted.title.lower() not in suggestions(intranet_client, "begränsadmark")
    assert restricted.title.lower() in suggestions(decision_maker_client, "begränsadmark")


@pytest.mark.skipif(suggest_url() is None, reason="ingen förslagstjänst för sökningen")
def test_the_public_autocomplete_never_completes_an_internal_diarienummer(
    public_client, secret_documents
):
    page = secret_documents["body"]

    text = suggestions(public_client, page.diarienummer)

    assert page.title.lower() not in text
    assert path_of(page) not in text


def did_you_mean(response):
    """The correction offered ("Menade du …") or searched instead ("Visar resultat för …")."""
    soup = BeautifulSoup(response.content, "html.parser")
    offered = soup.select(".did-you-mean a") + soup.select(".search-correction strong")
    return [element.get_text(" ", strip=True) for element in offered]


def test_did_you_mean_offers_only_words_the_reader_may_see(
    public_client, intranet_client, decision_maker_client, secret_documents
):
    """The control for the leak checks above: the suggestions work, within the audience."""
    assert did_you_mean(search(public_client, "larmhantring")) == ["larmhantering"]
    assert did_you_mean(search(intranet_client, "larmkedjn")) == ["larmkedjan"]
    assert did_you_mean(search(public_client, "larmkedjn")) == []
    # Staff outside the group may get a word built from public vocabulary, never the hidden one.
    assert not {"ledningsplatsen", "ledningsplats"} & set(
        did_you_mean(search(intranet_client, "ledningsplatsn"))
    )
    assert did_you_mean(search(decision_maker_client, "ledningsplatsn")) == ["ledningsplatsen"]
