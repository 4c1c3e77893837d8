"""/sok/ in Swedish: inflections, compounds, å/ä/ö, diarienummer, phrases, filters, snippets,
"Menade du …" and the suggestions while typing (/sok/forslag/)."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from governance.models import DecisionBody
from policies.models import PolicyPage, Publicity, RiktlinjePage, RutinPage, StodanvisningPage
from search import views as search_views
from tests.factories import (
    days_ago,
    get_lis_area,
    make_live_document,
    make_live_documents,
    make_organisation,
    paragraph,
    path_of,
)

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
SUGGEST = "/sok/forslag/"


def soup_of(response):
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return BeautifulSoup(response.content, "html.parser")


def hits(response):
    return [a.get_text(strip=True) for a in soup_of(response).select(".search-result__title a")]


def notices(response):
    return [" ".join(li.get_text(" ").split()) for li in soup_of(response).select(".notice li")]


def search(client, query, **params):
    return client.get(SEARCH, {"q": query, **params})


# -- Swedish words ------------------------------------------------------------------------------


@pytest.fixture
def inflected():
    """Four routines, each with riktlinje in another form (and no other document of that word:
    their type is Rutin, not Riktlinje)."""
    sentences = {
        "riktlinje": "Rutinen följer en riktlinje om säkerhetskopior.",
        "riktlinjer": "Rutinen bygger på två riktlinjer från kommunstyrelsen.",
        "riktlinjen": "Rutinen kompletterar riktlinjen om behörigheter.",
        "riktlinjerna": "Rutinen förklarar hur riktlinjerna tillämpas i skolan.",
    }
    return {
        form: make_live_document(RutinPage, title=f"Rutin {n}", summary=text)
        for n, (form, text) in enumerate(sentences.items(), start=1)
    }


@pytest.mark.parametrize("query", ["riktlinje", "riktlinjer", "riktlinjen", "riktlinjerna"])
def test_every_inflection_finds_every_other(public_client, inflected, query):
    assert sorted(hits(search(public_client, query))) == [
        "Rutin 1",
        "Rutin 2",
        "Rutin 3",
        "Rutin 4",
    ]


@pytest.fixture
def compounds():
    return {
        "policy": make_live_document(
            PolicyPage,
            title="Informationssäkerhetspolicy",
            summary="Kommunens övergripande mål och ansvar.",
        ),
        "incidenthantering": make_live_document(
            RutinPage,
            title="Rutin för incidenthantering",
            summary="Hur en störning rapporteras och följs upp.",
        ),
        "uppdelat": make_live_document(
            StodanvisningPage,
            title="Stödanvisning för driftstörningar",
            summary="Hantering av incidenter i skolornas nätverk.",
        ),
        "annat": make_live_document(
            RiktlinjePage, title="Riktlinje för arkivering", summary="Vad som ska bevaras."
        ),
    }


def test_a_part_of_a_compound_finds_the_compound(public_client, compounds):
    assert hits(search(public_client, "säkerhet")) == ["Informationssäkerhetspolicy"]
    assert hits(search(public_client, "policy")) == ["Informationssäkerhetspolicy"]


def test_incident_finds_incidenthantering_and_incidenter(public_client, compounds):
    assert hits(search(public_client, "incident")) == [
        "Rutin för incidenthantering",
        "Stödanvisning för driftstörningar",
    ]


def test_words_apart_find_the_compound_and_the_compound_finds_the_words(public_client, compounds):
    # The compound's own document first: its title has both words.
    assert hits(search(public_client, "hantering av incidenter")) == [
        "Rutin för incidenthantering",
        "Stödanvisning för driftstörningar",
    ]
    assert sorted(hits(search(public_client, "incidenthantering"))) == [
        "Rutin för incidenthantering",
        "Stödanvisning för driftstörningar",
    ]


def test_no_document_without_any_of_the_words(public_client, compounds):
    """No document has both words: documents with one of them may be found (the query is
    relaxed when every word finds too little, search.ranking), never one with neither."""
    found = hits(search(public_client, "incident arkivering"))
    assert set(found) <= {
        "Rutin för incidenthantering",
        "Stödanvisning för driftstörningar",
        "Riktlinje för arkivering",
    }


def test_a_query_without_aao_finds_the_words_with_them_and_says_so(public_client, compounds):
    response = search(public_client, "sakerhet")

    assert hits(response) == ["Informationssäkerhetspolicy"]
    assert notices(response) == [
        "Inga träffar på ”sakerhet”; visar träffar utan hänsyn till å, ä och ö."
    ]


def test_a_query_with_aao_has_no_fallback_notice(public_client, compounds):
    response = search(public_client, "säkerhet")

    assert hits(response) == ["Informationssäkerhetspolicy"]
    assert notices(response) == []


def test_a_query_with_aao_finds_text_written_without_them_and_says_so(public_client):
    make_live_document(RutinPage, title="Rutin för byte", summary="Byt losenord varje år.")

    response = search(public_client, "lösenord")

    assert hits(response) == ["Rutin för byte"]
    assert notices(response) == [
        "Inga träffar på ”lösenord”; visar träffar utan hänsyn till å, ä och ö."
    ]


def test_mixed_results_label_only_the_hits_without_aao(public_client):
    make_live_document(RutinPage, title="Rutin för mål", summary="Hur kommunens mål följs upp.")
    make_live_document(RutinPage, title="Rutin för mal", summary="Om malen i arkivets lokaler.")

    soup = soup_of(search(public_client, "mal"))

    results = {
        li.select_one(".search-result__title a").get_text(strip=True): li
        for li in soup.select(".search-result")
    }
    assert set(results) == {"Rutin för mål", "Rutin för mal"}
    assert results["Rutin för mål"].select_one(".search-result__note") is not None
    assert results["Rutin för mal"].select_one(".search-result__note") is None
    assert soup.select(".notice") == []


def test_stop_words_are_not_needed_in_the_document(public_client, compounds):
    assert hits(search(public_client, "policy för och om säkerhet")) == [
        "Informationssäkerhetspolicy"
    ]


def test_a_query_of_only_stop_words_says_why_nothing_was_searched(public_client, compounds):
    response = search(public_client, "och för att")

    assert hits(response) == []
    assert notices(response) == [
        "Sökfrågan innehåller bara vanliga småord (som ”och”, ”för” och ”att”), som sökningen "
        "bortser från. Skriv ett mer specifikt ord."
    ]


def test_or_between_words_finds_either(public_client, compounds):
    assert sorted(hits(search(public_client, "arkivering OR policy"))) == [
        "Informationssäkerhetspolicy",
        "Riktlinje för arkivering",
    ]


# -- phrases --------------------------------------------------------------------------------


def test_a_quoted_phrase_needs_the_words_together_and_in_order(public_client):
    make_live_document(
        RutinPage, title="Rutin A", summary="Hantering av incidenter i skolans nätverk."
    )
    make_live_document(
        RutinPage, title="Rutin B", summary="Incidenter kräver snabb hantering av it-avdelningen."
    )

    assert sorted(hits(search(public_client, "hantering incidenter"))) == ["Rutin A", "Rutin B"]
    assert hits(search(public_client, '"hantering av incidenter"')) == ["Rutin A"]
    assert hits(search(public_client, "”hantering av incidenter”")) == ["Rutin A"]


# -- diarienummer ---------------------------------------------------------------------------


@pytest.fixture
def numbered():
    return {
        "public": make_live_document(
            RutinPage, title="Rutin för incidenthantering", diarienummer="KS-2025-542"
        ),
        "written with slash": make_live_document(
            RiktlinjePage, title="Riktlinje för molntjänster", diarienummer="KS 2024/711"
        ),
        "internal": make_live_document(
            RutinPage,
            title="Rutin för larmkedjan",
            diarienummer="KS-2025-777",
            publicity=Publicity.INTERNAL,
        ),
    }


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("KS-2025-542", "public"),
        ("ks 2025/542", "public"),
        ("KS 2025/542", "public"),
        (" dnr KS-2025-542 ", "public"),
        ('"KS-2025-542"', "public"),
        ("KS-2024-711", "written with slash"),
        ("ks 2024/711", "written with slash"),
    ],
)
def test_a_diarienummer_goes_straight_to_its_document(public_client, numbered, query, key):
    response = search(public_client, query)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == path_of(numbered[key])


def test_the_diarienummer_of_an_internal_document_is_not_found_on_the_public_site(
    public_client, intranet_client, numbered
):
    response = search(public_client, "KS-2025-777")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Rutin för larmkedjan" not in html
    assert path_of(numbered["internal"]) not in html
    assert notices(response) == ["Inget dokument med diarienummer KS-2025-777 hittades."]
    assert hits(response) == []

    staff = search(intranet_client, "ks 2025/777")
    assert staff.status_code == 302
    assert urlsplit(staff["Location"]).path == path_of(numbered["internal"])


def test_an_unknown_diarienummer_searches_normally_with_a_notice(public_client, numbered):
    response = search(public_client, "KS-2023-1")

    assert hits(response) == []
    assert notices(response) == ["Inget dokument med diarienummer KS-2023-1 hittades."]


def test_a_diarienummer_shared_by_two_documents_lists_both(public_client):
    make_live_document(RutinPage, title="Rutin A", diarienummer="KS-2025-900")
    make_live_document(RutinPage, title="Rutin B", diarienummer="KS 2025/900")
    make_live_document(RutinPage, title="Rutin C", summary="KS 2025 900 i texten.")

    response = search(public_client, "KS-2025-900")

    assert sorted(hits(response)) == ["Rutin A", "Rutin B"]
    assert notices(response) == ["2 dokument har diarienummer KS-2025-900."]


def test_a_diarienummer_among_other_words_is_offered_as_a_link(public_client, numbered):
    soup = soup_of(search(public_client, "incidenthantering KS-2025-542"))

    link = soup.select_one(".search-dnr a")
    assert link.get_text(strip=True) == "Rutin för incidenthantering"
    assert link["href"] == path_of(numbered["public"])


# -- filters and pagination ------------------------------------------------------------------


@pytest.fixture
def varied():
    social = make_organisation("Socialförvaltningen")
    documents = {
        "riktlinje": make_live_document(
            RiktlinjePage, title="Riktlinje för loggning", summary="Loggning i kommunens system."
        ),
        "rutin": make_live_document(
            RutinPage,
            title="Rutin för loggning i journalen",
            summary="Loggning av läsning i journalsystemet.",
            organisation=social,
            lis_areas=[get_lis_area(10)],
        ),
        "overdue": make_live_document(
            RutinPage,
            title="Rutin för loggning av behörigheter",
            summary="Loggning när behörigheter ändras.",
            decision_date=days_ago(400),
            next_review=days_ago(40),
        ),
    }
    documents["social"] = social
    return documents


def test_the_type_filter_narrows_the_results(public_client, varied):
    assert len(hits(search(public_client, "loggning"))) == 3
    assert hits(search(public_client, "loggning", typ="riktlinje")) == ["Riktlinje för loggning"]


def test_the_other_filters_narrow_the_results(public_client, varied):
    body = DecisionBody.objects.get(code="ks")

    assert hits(search(public_client, "loggning", organ=body.code)) == ["Riktlinje för loggning"]
    assert hits(search(public_client, "loggning", forvaltning=str(varied["social"].pk))) == [
        "Rutin för loggning i journalen"
    ]
    assert hits(search(public_client, "loggning", omrade="10")) == [
        "Rutin för loggning i journalen"
    ]
    assert hits(search(public_client, "loggning", status="forsenad")) == [
        "Rutin för loggning av behörigheter"
    ]


def test_the_filter_form_shows_the_chosen_filters(public_client, varied):
    soup = soup_of(search(public_client, "loggning", typ="rutin"))

    assert soup.select_one("select[name=typ] option[selected]")["value"] == "rutin"
    assert "med dokumenttyp: Rutin" in soup.select_one(".result-count").get_text()


def test_an_unknown_filter_value_is_ignored_with_a_notice(public_client, varied):
    response = search(public_client, "loggning", typ="hemlig", omrade="99")

    assert len(hits(response)) == 3
    assert notices(response) == [
        "Filtervärdet ”hemlig” för dokumenttyp känns inte igen och har ignorerats.",
        "Filtervärdet ”99” för LIS-område känns inte igen och har ignorerats.",
    ]


def test_the_public_site_offers_only_the_statuses_it_shows(public_client, intranet_client):
    public = soup_of(public_client.get(SEARCH, {"q": "x"}))
    staff = soup_of(intranet_client.get(SEARCH, {"q": "x"}))

    public_statuses = [o["value"] for o in public.select("select[name=status] option")]
    staff_statuses = [o["value"] for o in staff.select("select[name=status] option")]
    assert "saknar-agare" not in public_statuses
    assert "saknar-agare" in staff_statuses
    assert notices(public_client.get(SEARCH, {"q": "x", "status": "saknar-agare"})) == [
        "Filtervärdet ”saknar-agare” för revisionsstatus känns inte igen och har ignorerats."
    ]


def test_query_and_filters_are_kept_in_the_pagination_links(public_client):
    make_live_documents(RutinPage, 23, title="Rutin för arkivering {n:02d}")
    make_live_documents(RiktlinjePage, 2, title="Riktlinje för arkivering {n:02d}")

    first = soup_of(search(public_client, "arkivering", typ="rutin"))
    assert len(first.select(".search-result")) == 20
    assert "23 träffar för ”arkivering” med dokumenttyp: Rutin." in first.get_text(" ")
    next_link = first.select_one(".pagination a[rel=next]")["href"]
    assert parse_qs(urlsplit(next_link).query) == {
        "q": ["arkivering"],
        "typ": ["rutin"],
        "sida": ["2"],
    }

    second = soup_of(public_client.get(SEARCH + next_link))
    assert len(second.select(".search-result")) == 3
    assert second.select_one(".search-results")["start"] == "21"
    assert all(t.startswith("Rutin") for t in hits(public_client.get(SEARCH + next_link)))


def test_results_are_ordered_by_title_match_then_relevance_then_title(public_client):
    for title in ("Rutin C", "Rutin A", "Rutin B"):
        make_live_document(RutinPage, title=title, summary="Om gallring.")
    make_live_document(RutinPage, title="Rutin för gallring i arkivet", summary="Om arkivet.")

    assert hits(search(public_client, "gallring")) == [
        "Rutin för gallring i arkivet",
        "Rutin A",
        "Rutin B",
        "Rutin C",
    ]


# -- what a hit shows -------------------------------------------------------------------------


def test_a_hit_shows_type_title_snippet_date_and_diarienummer(public_client):
    page = make_live_document(
        RutinPage,
        title="Rutin för incidenthantering",
        summary="Hur en störning rapporteras.",
        diarienummer="KS-2025-542",
        decision_date=datetime.date(2025, 3, 14),
        next_review=datetime.date(2026, 3, 1),
        body=[
            paragraph(
                "<p>Inledning som inte handlar om saken. " + "Fyllnadsord " * 40 + "</p>"
                "<p>Alla <b>incidenter</b> rapporteras till servicedesken samma dag.</p>"
            )
        ],
    )

    soup = soup_of(search(public_client, "incident"))

    hit = soup.select_one(".search-result")
    link = hit.select_one(".search-result__title a")
    assert link.get_text(strip=True) == page.title
    assert link["href"] == path_of(page)
    meta = " ".join(hit.select_one(".search-result__meta").get_text(" ").split())
    assert meta == "Rutin · Beslutad 2025-03-14 · Dnr KS-2025-542"
    snippet = hit.select_one(".search-result__snippet")
    assert [mark.get_text() for mark in snippet.select("mark")] == ["incidenter"]
    text = snippet.get_text()
    assert text.startswith("… ") and "rapporteras till servicedesken" in text
    assert len(text) <= 210


def test_the_snippet_marks_stems_compound_parts_and_phrases(public_client):
    make_live_document(
        RutinPage,
        title="Rutin A",
        summary="Riktlinjerna om informationssäkerhet gäller. Hantering av incidenter sker direkt.",
    )

    def marks(query):
        soup = soup_of(search(public_client, query))
        return [mark.get_text() for mark in soup.select(".search-result__snippet mark")]

    assert marks("riktlinje") == ["Riktlinjerna"]
    assert marks("säkerhet") == ["informationssäkerhet"]
    assert marks("sakerhet") == ["informationssäkerhet"]
    assert marks('"hantering av incidenter"') == ["Hantering av incidenter"]


def test_the_snippet_escapes_the_document_text(public_client):
    make_live_document(
        RutinPage,
        title="Rutin för <script>alert(1)</script>",
        summary='<script>alert("x")</script> <img src=x onerror=alert(2)> lösenord.',
        body=[paragraph("<p>&lt;script&gt;alert(3)&lt;/script&gt; lösenord</p>")],
    )

    response = search(public_client, "lösenord")

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    snippet = str(soup_of(response).select_one(".search-result__snippet"))
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in snippet
    assert "&lt;img src=x onerror=alert(2)&gt;" in snippet
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in snippet
    assert "<mark>lösenord</mark>" in html
    assert hits(response) == ["Rutin för <script>alert(1)</script>"]


def test_the_intranet_tags_internal_hits(public_client, intranet_client):
    make_live_document(RutinPage, title="Rutin för larm", publicity=Publicity.INTERNAL)
    make_live_document(RiktlinjePage, title="Riktlinje för larm")

    staff = soup_of(search(intranet_client, "larm"))
    tags = {
        li.select_one(".search-result__title a").get_text(strip=True): li.select_one(".tag")
        for li in staff.select(".search-result")
    }
    assert tags["Rutin för larm"].get_text() == "Intern"
    assert tags["Riktlinje för larm"] is None
    assert hits(search(public_client, "larm")) == ["Riktlinje för larm"]


# -- "Menade du …" ------------------------------------------------------------------------------


def test_did_you_mean_is_offered_when_nothing_is_found(public_client, monkeypatch):
    make_live_document(RiktlinjePage, title="Riktlinje för lösenord")
    calls = []

    def fake(query, request):
        calls.append(query)
        return "lösenord"

    monkeypatch.setattr(search_views, "did_you_mean", fake)

    soup = soup_of(search(public_client, "lösenrod", typ="riktlinje", exakt="1"))

    link = soup.select_one(".did-you-mean a")
    assert link.get_text() == "lösenord"
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["lösenord"], "typ": ["riktlinje"]}
    assert calls == ["lösenrod"]


def test_did_you_mean_is_not_offered_for_many_hits_or_the_same_query(public_client, monkeypatch):
    make_live_documents(RutinPage, 3, title="Rutin {n} om arkivering")
    monkeypatch.setattr(search_views, "did_you_mean", lambda query, request: "arkiv")
    assert soup_of(search(public_client, "arkivering")).select(".did-you-mean") == []

    # The same as what was typed, but for case and spaces.
    monkeypatch.setattr(search_views, "did_you_mean", lambda query, request: " ARKIVERING  X ")
    assert soup_of(search(public_client, "arkivering x")).select(".did-you-mean") == []


def test_a_failing_suggestion_never_breaks_the_page(public_client, monkeypatch):
    def broken(query, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(search_views, "did_you_mean", broken)

    response = search(public_client, "finnsinte")

    assert response.status_code == 200
    assert soup_of(response).select(".did-you-mean") == []


# -- suggestions while typing -------------------------------------------------------------------


@pytest.fixture
def suggestible():
    return {
        "public": make_live_document(RiktlinjePage, title="Riktlinje för lösenord"),
        "internal": make_live_document(
            RutinPage, title="Rutin för återställning av lösenord", publicity=Publicity.INTERNAL
        ),
        "compound": make_live_document(PolicyPage, title="Informationssäkerhetspolicy"),
    }


def suggestions(client, query):
    response = client.get(SUGGEST, {"q": query})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_suggestions_are_visible_documents_matching_the_prefix(
    public_client, intranet_client, suggestible
):
    assert suggestions(public_client, "lösen") == [
        {
            "title": "Riktlinje för lösenord",
            "url": path_of(suggestible["public"]),
            "type": "Riktlinje",
            "diarienummer": suggestible["public"].diarienummer,
        }
    ]
    assert sorted(item["title"] for item in suggestions(intranet_client, "lösen")) == [
        "Riktlinje för lösenord",
        "Rutin för återställning av lösenord",
    ]


def test_suggestions_never_name_an_internal_document_on_the_public_site(public_client, suggestible):
    for prefix in ("åter", "återställ", "Rutin", "rutin för", "aterstall"):
        text = json.dumps(suggestions(public_client, prefix), ensure_ascii=False)
        assert "återställning" not in text


def test_suggestions_find_a_part_of_a_compound_title(public_client, suggestible):
    assert [item["title"] for item in suggestions(public_client, "säkerhet")] == [
        "Informationssäkerhetspolicy"
    ]


def test_suggestions_find_a_diarienummer(public_client):
    page = make_live_document(
        RutinPage, title="Rutin för incidenthantering", diarienummer="KS 2025/542"
    )

    assert suggestions(public_client, "ks-2025-542") == [
        {"title": page.title, "url": path_of(page), "type": "Rutin", "diarienummer": "KS 2025/542"}
    ]


def test_a_whole_diarienummer_suggests_only_its_documents(public_client):
    """The series, year and number typed are no title words: a title holding "KS", "2025" and
    "542" is not what someone typing the number looks for."""
    page = make_live_document(RutinPage, title="Rutin för loggning", diarienummer="KS-2025-542")
    make_live_document(RiktlinjePage, title="KS beslut 2025 om 542 kameror")

    assert [item["title"] for item in suggestions(public_client, "KS 2025/542")] == [page.title]


def test_a_diarienummer_no_document_has_still_completes_titles(public_client):
    make_live_document(RiktlinjePage, title="KS beslut 2025 om 542 kameror")

    assert [item["title"] for item in suggestions(public_client, "KS-2025-542")] == [
        "KS beslut 2025 om 542 kameror"
    ]


@pytest.mark.parametrize("typed", ["ställning", "STÄLLNING", "Ställning", "ställ"])
def test_suggestions_find_a_word_inside_a_title_in_any_case(public_client, typed):
    """A word inside a title (the second part of a compound) is found whatever the case of the
    title and of what is typed, å, ä and ö included."""
    make_live_document(RutinPage, title="ÅTERSTÄLLNINGSRUTIN FÖR SERVRAR")
    make_live_document(RutinPage, title="Rutin för återställning av konton")

    assert sorted(item["title"] for item in suggestions(public_client, typed)) == [
        "Rutin för återställning av konton",
        "ÅTERSTÄLLNINGSRUTIN FÖR SERVRAR",
    ]


def test_at_most_eight_suggestions_by_title(public_client):
    make_live_documents(RutinPage, 12, title="Rutin för arkivering {n:02d}")

    assert [item["title"] for item in suggestions(public_client, "arkiv")] == [
        f"Rutin för arkivering {n:02d}" for n in range(8)
    ]


@pytest.mark.parametrize("query", ["", "a", "*", "\"'", "&|!():*", "' OR 1=1 --", "x" * 5000])
def test_suggestions_for_odd_input_are_an_empty_list_or_plain_hits(public_client, query):
    make_live_document(RiktlinjePage, title="Riktlinje för lösenord")

    assert isinstance(suggestions(public_client, query), list)


def test_the_search_page_turns_its_field_into_a_combobox(public_client):
    soup = soup_of(public_client.get(SEARCH))

    field = soup.select_one("form[role=search] input[name=q]")
    assert field["data-autocomplete-url"] == SUGGEST
    assert field["autocomplete"] == "off"
    assert soup.select_one('script[src$="js/search.js"]') is not None
