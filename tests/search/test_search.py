"""/sok/: full-text search over the documents the channel may show."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client

from policies.models import RiktlinjePage, RutinPage
from tests.factories import INTRANET_HOST, make_document, make_live_document, make_user, paragraph

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"


def hits(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        a.get_text(strip=True) for a in soup.select("ol.search-results .search-result__title a")
    ]


def notices(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in soup.select(".notice li")]


@pytest.fixture
def documents():
    public = make_live_document(
        RiktlinjePage,
        title="Riktlinje för lösenord",
        summary="Hur lösenord och tvåfaktorsautentisering används i kommunen.",
        publicity="public",
    )
    internal = make_live_document(
        RutinPage,
        parent=public,
        title="Rutin för återställning av lösenord",
        summary="Servicedeskens steg när en medarbetare har glömt sitt lösenord.",
        publicity="internal",
        body=[paragraph("<p>Kontrollera legitimation innan ett nytt lösenord lämnas ut.</p>")],
    )
    other = make_live_document(
        RiktlinjePage,
        title="Riktlinje för kontinuitetsplanering",
        summary="Hur verksamheten planerar för avbrott.",
        publicity="public",
    )
    return public, internal, other


def test_search_finds_a_public_document_on_the_public_site(public_client, documents):
    response = public_client.get(SEARCH, {"q": "lösenord"})

    assert hits(response) == ["Riktlinje för lösenord"]
    assert "1 träff för ”lösenord”." in response.content.decode()


def test_search_on_the_intranet_also_finds_internal_documents(intranet_client, documents):
    response = intranet_client.get(SEARCH, {"q": "lösenord"})

    assert sorted(hits(response)) == [
        "Riktlinje för lösenord",
        "Rutin för återställning av lösenord",
    ]


def test_search_in_the_body_of_an_internal_document_stays_internal(
    public_client, intranet_client, documents
):
    assert hits(public_client.get(SEARCH, {"q": "legitimation"})) == []
    assert hits(intranet_client.get(SEARCH, {"q": "legitimation"})) == [
        "Rutin för återställning av lösenord"
    ]


def test_search_without_hits_says_so(public_client, documents):
    response = public_client.get(SEARCH, {"q": "brandskydd"})

    assert hits(response) == []
    assert "Inga träffar för ”brandskydd”." in response.content.decode()


def test_drafts_are_not_found(public_client):
    make_document(RiktlinjePage, publish=False, title="Riktlinje för molntjänster")

    assert hits(public_client.get(SEARCH, {"q": "molntjänster"})) == []


@pytest.mark.parametrize("query", ["", "   ", None])
def test_empty_query_shows_the_form(public_client, documents, query):
    params = {} if query is None else {"q": query}

    response = public_client.get(SEARCH, params)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sök bland styrdokumenten" in html
    assert "träff" not in html
    assert hits(response) == []


def test_a_very_long_query_is_shortened_with_a_notice(public_client, documents):
    response = public_client.get(SEARCH, {"q": "lösenord " * 1200})

    assert response.status_code == 200
    assert notices(response) == ["Sökfrågan var för lång och har kortats till 200 tecken."]


def test_a_10000_character_word_never_breaks_search(public_client, documents):
    response = public_client.get(SEARCH, {"q": "a" * 10_000})

    assert response.status_code == 200
    assert hits(response) == []


@pytest.mark.parametrize(
    "query",
    ["!!!", "&&& ||| !", "'", "(((", ")", "*", "-", ":*", "<script>", "%", "\\", "ö & | !", '""'],
)
def test_punctuation_only_queries_never_break_search(public_client, documents, query):
    response = public_client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>", 1)[1].replace(
        "<script src", ""
    )


@pytest.mark.parametrize("query", ['"', "'\"", '"(', 'lösenord"'])
def test_an_unbalanced_double_quote_never_breaks_search(public_client, documents, query):
    """SQLite's FTS5 parser rejects an unbalanced quote; the search must not answer 500."""
    response = public_client.get(SEARCH, {"q": query})

    assert response.status_code == 200
    if query == 'lösenord"':
        assert hits(response) == ["Riktlinje för lösenord"]


def test_restricted_document_is_found_only_by_its_group(intranet_client, documents):
    make_live_document(
        RiktlinjePage,
        title="Riktlinje för säkerhetsskyddade lösenord",
        publicity="internal",
        restricted_to=[Group.objects.get(name="Beslutsfattare")],
    )
    member = Client(HTTP_HOST=INTRANET_HOST)
    member.force_login(make_user("direktor", groups=["Beslutsfattare"]))

    assert "Riktlinje för säkerhetsskyddade lösenord" not in hits(
        intranet_client.get(SEARCH, {"q": "lösenord"})
    )
    assert "Riktlinje för säkerhetsskyddade lösenord" in hits(member.get(SEARCH, {"q": "lösenord"}))


def test_page_number_that_is_not_a_number(public_client, documents):
    response = public_client.get(SEARCH, {"q": "lösenord", "sida": "abc"})

    assert hits(response) == ["Riktlinje för lösenord"]
    assert notices(response) == ["Sidnumret ”abc” är inte ett tal; visar första sidan."]


def test_page_number_beyond_the_last_page(public_client, documents):
    response = public_client.get(SEARCH, {"q": "lösenord", "sida": "9"})

    assert hits(response) == ["Riktlinje för lösenord"]
    assert notices(response) == ["Sidan 9 finns inte; visar sista sidan (1)."]
