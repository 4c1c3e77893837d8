"""Bad input never breaks the search: every odd query, filter value and page number gives a
Swedish page (200) on both channels, and the suggestions an empty or plain list."""

import pytest
from bs4 import BeautifulSoup

from policies.models import Publicity, RiktlinjePage, RutinPage
from tests.factories import make_live_document, make_live_documents
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
SUGGEST = "/sok/forslag/"
CHANNELS = ["public_client", "intranet_client"]

BAD_QUERIES = [
    "",
    " ",
    "\t\n",
    "a" * 10_000,
    "lösenord " * 2_000,
    "!!!",
    "&",
    "|",
    "!",
    ":",
    "*",
    "(",
    ")",
    "'",
    '"',
    "--",
    "& | ! : * ( ) ' \" --",
    "&&& ||| !!! ::: *** ((( ))) ''' \"\"\" ---",
    "lösenord & riktlinje",
    "lösenord | riktlinje",
    "!lösenord",
    "lösenord:*",
    "lösenord*",
    "-lösenord",
    "(lösenord OR riktlinje",
    "lösenord AND NOT riktlinje",
    "OR",
    "AND OR NOT",
    "NEAR(lösenord riktlinje)",
    "{title body}: lösenord",
    "title:lösenord",
    "^lösenord",
    "' OR 1=1 --",
    "'; DROP TABLE wagtailcore_page; --",
    '" OR ""="',
    "1; SELECT * FROM auth_user",
    "/* kommentar */ lösenord",
    "%",
    "_",
    "%_%",
    "\\",
    "\\'",
    "a'b",
    '"lösenord',
    'lösenord"',
    '"lösenord" "riktlinje',
    '""',
    '""""',
    '"  "',
    "”lösenord",
    "<script>alert(1)</script>",
    "lösenord\x00",
    "\x00",
    "\u200b\ufeff",
    "🔒🔑",
    "🔒 lösenord",
    "é ü ø æ",
    "Ä Å Ö",
    "日本語",
    "١٢٣",
    "ǅ",
    "KS-",
    "KS-2025-",
    "KS-2025-99999999",
    "KS 2025/542/1/2/3",
    "och",
    "och att för",
    '"och att"',
    "x" * 61 + " lösenord",
    " ".join(f"ord{n}" for n in range(60)),
]


def build_documents():
    """The two documents the queries look for, and 25 riktlinjer on arkivering (two pages of
    results) for the page numbers; built once for the module."""
    make_live_document(
        RiktlinjePage, title="Riktlinje för lösenord", summary="Lösenord och lösenfraser."
    )
    make_live_document(
        RutinPage,
        title="Rutin för återställning av lösenord",
        summary="Servicedeskens steg.",
        publicity=Publicity.INTERNAL,
    )
    make_live_documents(RiktlinjePage, 25, title="Riktlinje för arkivering {n:02d}")


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_documents)


@pytest.fixture
def documents(corpus, db):
    """The module's documents, inside this test's savepoint."""
    return corpus


def assert_swedish_page(response):
    assert response.status_code == 200, response.status_code
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "sv"
    assert soup.select_one("main h1").get_text(strip=True) == "Sök bland styrdokumenten"
    assert soup.select_one("form[role=search] input[name=q]") is not None
    main = soup.select_one("main").decode()
    assert "<script>alert" not in main
    assert "\x00" not in response.content.decode()
    return soup


def notice_texts(soup):
    return [" ".join(li.get_text(" ").split()) for li in soup.select(".notice li")]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_bad_query_gives_a_swedish_page(request, documents, channel, query):
    client = request.getfixturevalue(channel)

    assert_swedish_page(client.get(SEARCH, {"q": query}))


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("query", BAD_QUERIES[::4])
def test_a_bad_query_gives_suggestions_as_a_list(request, documents, channel, query):
    client = request.getfixturevalue(channel)

    response = client.get(SUGGEST, {"q": query})

    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a" * 10_000, ["Sökfrågan var för lång och har kortats till 200 tecken."]),
        ("!!!", []),
        ("& | ! : * ( ) ' \" --", []),
        ("och att för", []),
    ],
)
def test_bad_queries_say_what_happened(public_client, documents, query, expected):
    soup = assert_swedish_page(public_client.get(SEARCH, {"q": query}))

    texts = notice_texts(soup)
    assert texts[: len(expected)] == expected
    # Each says, in Swedish, why nothing (or less) was searched.
    assert texts, "no notice"
    assert soup.select(".search-result") == []


def test_a_query_of_punctuation_asks_for_words(public_client, documents):
    soup = assert_swedish_page(public_client.get(SEARCH, {"q": "& | ! : * ( ) --"}))

    assert notice_texts(soup) == [
        "Sökfrågan innehåller inga ord att söka på. Skriv ett eller flera ord, till exempel "
        "”lösenord”."
    ]


def test_operators_around_words_are_ignored(public_client, documents):
    for query in (
        "lösenord & |",
        "(lösenord)",
        "lösenord:*",
        "!lösenord",
        "'lösenord'",
        "lösenord --",
    ):
        soup = assert_swedish_page(public_client.get(SEARCH, {"q": query}))
        titles = [a.get_text(strip=True) for a in soup.select(".search-result__title a")]
        assert titles == ["Riktlinje för lösenord"], query


def test_an_unbalanced_quote_is_ignored_with_a_notice(public_client, documents):
    soup = assert_swedish_page(public_client.get(SEARCH, {"q": 'lösenord "riktlinje'}))

    # One document has both words: the search is relaxed, and says so after the quote.
    assert notice_texts(soup) == [
        "Ett citattecken saknade sin motsvarighet och har inte räknats med i sökningen.",
        "Bara 1 dokument innehåller alla sökorden. Visar också dokument som innehåller några "
        "av dem, de med flest först.",
    ]
    titles = [a.get_text(strip=True) for a in soup.select(".search-result__title a")]
    # The one document with both words first.
    assert titles[:1] == ["Riktlinje för lösenord"]


def test_a_too_long_word_is_left_out_with_a_notice(public_client, documents):
    soup = assert_swedish_page(public_client.get(SEARCH, {"q": "x" * 61 + " lösenord"}))

    assert notice_texts(soup) == ["Ord som är längre än 60 tecken ingår inte i sökningen."]
    assert len(soup.select(".search-result")) == 1


def test_many_words_are_cut_to_sixteen_with_a_notice(public_client, documents):
    soup = assert_swedish_page(
        public_client.get(SEARCH, {"q": " ".join(f"ord{n}" for n in range(30))})
    )

    assert notice_texts(soup) == ["Sökningen använder bara de 16 första orden."]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    "params",
    [
        {"typ": "hemlig"},
        {"typ": "<script>alert(1)</script>"},
        {"organ": "' OR 1=1 --"},
        {"forvaltning": "abc"},
        {"forvaltning": "9" * 40},
        {"forvaltning": "-1"},
        {"omrade": "0"},
        {"omrade": "1.5"},
        {"status": "saknar-agare'; --"},
        {"status": "x" * 5_000},
        {"typ": "\x00"},
        {"typ": ["policy", "rutin"]},
    ],
)
def test_an_invalid_filter_value_is_ignored_with_a_notice(request, documents, channel, params):
    client = request.getfixturevalue(channel)

    soup = assert_swedish_page(client.get(SEARCH, {"q": "lösenord", **params}))

    texts = notice_texts(soup)
    if params != {"typ": ["policy", "rutin"]}:
        assert len(texts) == 1
        assert "känns inte igen och har ignorerats" in texts[0]
        assert len(texts[0]) < 200
    titles = [a.get_text(strip=True) for a in soup.select(".search-result__title a")]
    assert "Riktlinje för lösenord" in titles or params == {"typ": ["policy", "rutin"]}


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("abc", "Sidnumret ”abc” är inte ett tal; visar första sidan."),
        ("", "Sidnumret ”” är inte ett tal; visar första sidan."),
        ("2.5", "Sidnumret ”2.5” är inte ett tal; visar första sidan."),
        ("1e3", "Sidnumret ”1e3” är inte ett tal; visar första sidan."),
        ("0", "Sidan 0 finns inte; visar sista sidan (2)."),
        ("-1", "Sidan -1 finns inte; visar sista sidan (2)."),
        ("3", "Sidan 3 finns inte; visar sista sidan (2)."),
        ("9" * 30, f"Sidan {'9' * 20} finns inte; visar sista sidan (2)."),
    ],
)
def test_a_page_number_out_of_range_or_not_a_number(request, documents, channel, page, expected):
    client = request.getfixturevalue(channel)

    soup = assert_swedish_page(client.get(SEARCH, {"q": "arkivering", "sida": page}))

    assert notice_texts(soup) == [expected]
    assert len(soup.select(".search-result")) in (20, 5)


def test_undecodable_bytes_in_the_address_give_a_page(public_client, documents):
    assert_swedish_page(public_client.get(SEARCH + "?q=%FF%FE%00l%C3%B6senord&typ=%FF"))
    assert public_client.get(SUGGEST + "?q=%FF%FE%00").status_code == 200
