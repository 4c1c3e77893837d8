"""Bad input on either channel is answered with a 404 or a 400, or handled; never a 500.

The test client re-raises any exception a view lets through, so a server error fails the test
with its traceback rather than as a status code.
"""

import pytest
from wagtail.documents import get_document_model

from policies.models import RiktlinjePage
from tests.channels.conftest import body_of, build_once_in, make_file, versions_of
from tests.factories import make_document, paragraph

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def build_document():
    file = make_file("Mall", "Offentlig mall\n", "mall.txt")
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för lösenord",
        body=[paragraph(f'<p>Se <a linktype="document" id="{file.pk}">mallen</a>.</p>')],
    )
    return page.pk, file.pk


@pytest.fixture(scope="module")
def document_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The document and its file, once for the module; rolled back after its last test."""
    folder = tmp_path_factory.mktemp("bad-input")
    yield from build_once_in(folder, django_db_blocker, build_document)


@pytest.fixture
def media_root(document_once):
    """The file stays in the module's folder rather than a new one per test."""


@pytest.fixture
def archive_root(document_once):
    """Likewise the archival PDF of the document's version."""


@pytest.fixture
def document(document_once, db):
    page_pk, file_pk = document_once
    return RiktlinjePage.objects.get(pk=page_pk), get_document_model().objects.get(pk=file_pk)


@pytest.fixture(params=["public", "intranet"])
def reader(request):
    """An anonymous visitor on the public site, and a member of staff on the intranet."""
    return request.getfixturevalue(
        "public_client" if request.param == "public" else "intranet_client"
    )


MISSING = [
    "/arkiv/999999/",
    "/arkiv/abc/",
    "/arkiv/0/",
    "/arkiv/-1/",
    "/arkiv/1.5/",
    f"/arkiv/{HUGE}/",
    "/arkiv/",
    "/dokument/999999/x.pdf",
    "/dokument/abc/x.pdf",
    f"/dokument/{HUGE}/x.pdf",
    "/dokument/999999/",
    "/api/v2/pages/999999/",
    f"/api/v2/pages/{HUGE}/",
    "/api/v2/pages/abc/",
    "/api/v2/pages/find/",
    "/api/v2/pages/find/?html_path=/finns-inte/",
    "/api/v2/documents/",
    "/api/v2/images/",
    "/sitemap.xml?p=abc",
    "/sitemap.xml?p=2",
    "/styrdokument/finns-inte/",
]


def test_addresses_that_do_not_exist_are_404(reader, document):
    statuses = {url: reader.get(url).status_code for url in MISSING}

    assert statuses == dict.fromkeys(MISSING, 404)


def test_a_file_address_with_the_wrong_name_is_404(reader, document):
    _page, file = document
    base = file.url.rsplit("/", 1)[0]

    assert reader.get(file.url).status_code == 200
    for url in (f"{base}/annan.txt", f"{base}/", f"{file.url}/", f"{base}/mall.TXT"):
        assert reader.get(url).status_code == 404, url


def test_an_archive_address_works_for_a_real_version(reader, document):
    page, _file = document
    version = versions_of(page)[0]

    assert reader.get(f"/arkiv/{version.pk}/").status_code == 200


BAD_API_PARAMETERS = [
    "limit=abc",
    "limit=-1",
    "limit=0.5",
    "limit=101",
    "offset=abc",
    "offset=-5",
    "type=nope",
    "type=policies.Nope",
    "type=auth.User",
    "type=policies.RiktlinjePage,nope",
    "fields=nope",
    "fields=*,-nope",
    "order=nope",
    "child_of=abc",
    "child_of=999999",
    "descendant_of=abc",
    f"id={HUGE}x",
    "search_operator=xor&search=riktlinje",
    "locale=%00",
    "slug=a%00",
    "%00=1",
]


def test_bad_api_parameters_are_400_with_a_message(reader, document):
    responses = {query: reader.get(f"/api/v2/pages/?{query}") for query in BAD_API_PARAMETERS}

    assert {query: r.status_code for query, r in responses.items()} == dict.fromkeys(
        BAD_API_PARAMETERS, 400
    )
    assert all(r.json()["message"] for r in responses.values())


def test_a_nul_character_in_an_api_path_lookup_is_400(reader, document):
    """PostgreSQL refuses NUL characters in a query: the API answers 400 before asking it."""
    response = reader.get("/api/v2/pages/find/?html_path=%00")

    assert response.status_code == 400
    assert response.json()["message"]


ODD_SEARCHES = ['"', "'", "(", ")", "AND", "OR NOT", "*", "-", "^", "NEAR(a", "\\", "%", "_"]
ODD_SEARCHES += ['"unbalanced', "a)", "<script>", "a\x00b", "a" * 500, "🔒"]


def test_odd_api_searches_never_fail(reader, document):
    for search in ODD_SEARCHES:
        response = reader.get("/api/v2/pages/", {"search": search})

        # The search backend may reject what it cannot parse (400) or find nothing (200).
        assert response.status_code in (200, 400), search
        assert "message" in response.json() or "items" in response.json()


def test_an_api_search_still_finds_after_a_rejected_one(reader, document):
    reader.get("/api/v2/pages/", {"search": '"unbalanced'})

    response = reader.get("/api/v2/pages/", {"search": "lösenord"})

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Riktlinje för lösenord"]


def test_odd_search_queries_show_the_search_page(reader, document):
    for query in ODD_SEARCHES:
        response = reader.get("/sok/", {"q": query})

        assert response.status_code == 200, query
        assert "Sök bland styrdokumenten" in body_of(response)


def test_odd_page_numbers_in_search_and_register(reader, document):
    for sida in ["abc", "-1", "0", "999", HUGE, ""]:
        search = reader.get("/sok/", {"q": "lösenord", "sida": sida})
        register = reader.get("/styrdokument/", {"sida": sida})

        assert search.status_code == 200, sida
        assert "Riktlinje för lösenord" in body_of(search)
        assert register.status_code == 200, sida
        assert "Riktlinje för lösenord" in body_of(register)


def test_unknown_register_filters_are_ignored(reader, document):
    for query in ["typ=nope", "organ=%3Cscript%3E", "omrade=999", "forvaltning=abc", "x=1"]:
        response = reader.get(f"/styrdokument/?{query}")

        assert response.status_code == 200, query
        assert "Riktlinje för lösenord" in body_of(response)
        assert "<script>" not in body_of(response)


def test_the_feed_ignores_query_parameters(reader, document):
    response = reader.get("/feed/?page=abc&format=x")

    assert response.status_code == 200
    assert "Riktlinje för lösenord" in body_of(response)


@pytest.mark.parametrize("offset", [HUGE, str(2**63), str(2**63 - 1), "²", "٣" * 25])
def test_a_huge_api_offset_is_400_not_a_server_error(reader, document, offset):
    """An offset the database cannot hold (SQLite: IntegrityError "datatype mismatch";
    PostgreSQL: bigint out of range) is refused as bad input, like a negative one."""
    response = reader.get("/api/v2/pages/", {"offset": offset})

    assert response.status_code == 400
    assert response.json()["message"]
