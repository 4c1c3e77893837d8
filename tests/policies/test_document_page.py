"""What a reader sees on a document page: metadata, body, child documents and versions."""

import datetime

import pytest
from bs4 import BeautifulSoup

from policies.models import PolicyPage, RiktlinjePage, RutinPage, StodanvisningPage
from tests.factories import (
    adopt_new_version,
    days_ago,
    definitions,
    document_reference,
    get_body,
    get_lis_area,
    get_role,
    heading,
    make_document,
    make_organisation,
    make_user,
    paragraph,
    path_of,
    requirement,
    responsibility_table,
)

pytestmark = pytest.mark.django_db


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(node):
    return " ".join(node.get_text(" ").split())


def metadata(response):
    """The metadata block as {term: value}."""
    block = soup(response).select_one("section.metadata dl")
    return {text(div.dt): text(div.dd) for div in block.find_all("div", recursive=False)}


def test_metadata_block_shows_the_decision_and_responsibility(intranet_client):
    owner = make_user("agare", first_name="Anna", last_name="Ägare")
    older = make_document(RiktlinjePage, title="Riktlinje för IT-säkerhet 2019")
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för informationssäkerhet",
        decision_body=get_body("ks"),
        decision_date=datetime.date(2025, 3, 12),
        diarienummer="ks-2025-542-1",
        protocol_paragraph=61,
        responsible=owner,
        responsible_role=get_role("informationssakerhetssamordnare"),
        valid_from=datetime.date(2025, 4, 1),
        next_review=datetime.date(2026, 3, 1),
        version="2.1",
        supersedes=older,
        contact_name="Informationssäkerhetsfunktionen",
        organisation=make_organisation("Kommunledningsförvaltningen"),
        lis_areas=[get_lis_area(6)],
    )

    response = intranet_client.get(path_of(page))
    meta = metadata(response)
    link = soup(response).select_one("section.metadata a[href]")

    assert meta["Dokumenttyp"] == "Riktlinje"
    assert meta["Beslutad av"] == "Kommunstyrelsen"
    assert meta["Beslutsdatum"] == "2025-03-12"
    assert meta["Dnr"] == "KS-2025-542-1"
    assert meta["§"] == "§ 61"
    assert meta["Dokumentansvarig"] == "Anna Ägare, Informationssäkerhetssamordnare"
    assert meta["Giltig från"] == "2025-04-01"
    assert meta["Revideras senast"].startswith("2026-03-01")
    assert meta["Version"] == "2.1"
    assert meta["Ersätter"] == "Riktlinje för IT-säkerhet 2019"
    assert meta["Kontakt"] == "Informationssäkerhetsfunktionen"
    assert meta["Förvaltning"] == "Kommunledningsförvaltningen"
    assert meta["LIS-område"] == "Incidenthantering"
    assert meta["Publicering"] == "Offentlig"
    assert link["href"] == path_of(older)


def test_metadata_shows_a_dash_for_missing_values(public_client):
    page = make_document(RiktlinjePage, title="Riktlinje utan ansvarig")

    meta = metadata(public_client.get(path_of(page)))

    assert meta["Dokumentansvarig"] == "–"
    assert meta["§"] == "–"
    assert meta["Giltig från"] == "–"
    assert meta["Ersätter"] == "–"
    assert "Publicering" not in meta  # the public site does not label publicity


def test_ersatter_falls_back_to_the_previous_adopted_version(public_client):
    page = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        version="1.0",
        decision_date=datetime.date(2023, 5, 22),
        diarienummer="KS-2023-101",
    )
    page = adopt_new_version(
        page, version="2.0", decision_date=days_ago(10), diarienummer="KS-2025-88"
    )

    meta = metadata(public_client.get(path_of(page)))

    assert meta["Version"] == "2.0"
    assert meta["Ersätter"] == "Version 1.0, beslutad 2023-05-22"


def test_ersatter_free_text_note(public_client):
    page = make_document(RiktlinjePage, supersedes_note="IT-policy, KF 2016-05-23 § 61")

    assert metadata(public_client.get(path_of(page)))["Ersätter"] == "IT-policy, KF 2016-05-23 § 61"


def test_ersatter_link_on_the_intranet_stays_on_the_intranet(intranet_client):
    older = make_document(RiktlinjePage, title="Intern gammal riktlinje", publicity="internal")
    page = make_document(RiktlinjePage, supersedes=older, publicity="internal")

    link = soup(intranet_client.get(path_of(page))).select_one("section.metadata a[href]")

    assert link["href"] == path_of(older)
    assert intranet_client.get(link["href"]).status_code == 200


def test_ersatter_does_not_name_an_internal_document_on_the_public_site(public_client):
    older = make_document(RiktlinjePage, title="Intern gammal riktlinje", publicity="internal")
    page = make_document(RiktlinjePage, supersedes=older)

    response = public_client.get(path_of(page))

    assert "Intern gammal riktlinje" not in response.content.decode()
    assert metadata(response)["Ersätter"] == "–"


def test_adopted_versions_table_after_two_decisions(public_client):
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för behörighetshantering",
        version="1.0",
        decision_body=get_body("ks"),
        decision_date=datetime.date(2024, 2, 14),
        diarienummer="KS-2024-17",
        protocol_paragraph=12,
    )
    first_response = public_client.get(path_of(page))
    assert "Fastställda versioner" not in first_response.content.decode()

    page = adopt_new_version(
        page,
        version="2.0",
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(5),
        diarienummer="KS-2025-301",
        protocol_paragraph=None,
    )
    page_soup = soup(public_client.get(path_of(page)))
    section = page_soup.select_one("section.versions")

    assert text(section.h2) == "Fastställda versioner"
    rows = [[text(td) for td in tr.find_all("td")] for tr in section.select("tbody tr")]
    assert rows == [
        [
            "Version 2.0",
            "Kommundirektör",
            days_ago(5).isoformat(),
            "KS-2025-301",
            "",
            "Gällande",
            "Version 2.0 som PDF",
        ],
        [
            "Version 1.0",
            "Kommunstyrelsen",
            "2024-02-14",
            "KS-2024-17",
            "§ 12",
            "Ersatt av version 2.0",
            "Version 1.0 som PDF",
        ],
    ]


def test_child_documents_are_listed_in_hierarchy_order(public_client):
    riktlinje = make_document(RiktlinjePage, title="Riktlinje för incidenthantering")
    make_document(StodanvisningPage, parent=riktlinje, title="A-mall för incidentrapport")
    make_document(RutinPage, parent=riktlinje, title="Rutin för att rapportera en incident")
    make_document(RutinPage, parent=riktlinje, title="Rutin i utkast", publish=False)

    page_soup = soup(public_client.get(path_of(riktlinje)))
    section = page_soup.select_one("section.child-documents")

    assert text(section.h2) == "Underliggande styrdokument"
    titles = [text(a) for a in section.select("li a")]
    assert titles == ["Rutin för att rapportera en incident", "A-mall för incidentrapport"]


def test_internal_child_documents_are_listed_only_on_the_intranet(public_client, intranet_client):
    policy = make_document(PolicyPage, title="Informationssäkerhetspolicy")
    make_document(RiktlinjePage, parent=policy, title="Öppen riktlinje")
    make_document(RiktlinjePage, parent=policy, title="Intern riktlinje", publicity="internal")

    public_html = public_client.get(path_of(policy)).content.decode()
    assert "Öppen riktlinje" in public_html
    assert "Intern riktlinje" not in public_html

    intranet_html = intranet_client.get(path_of(policy)).content.decode()
    assert "Intern riktlinje" in intranet_html


def requirement_numbers(response):
    return {
        div["id"]: text(div.select_one(".requirement__number"))
        for div in soup(response).select("div.requirement")
    }


def test_requirements_are_numbered_with_stable_anchors(public_client):
    first, second = "11111111-aaaa-4aaa-8aaa-000000000001", "22222222-bbbb-4bbb-8bbb-000000000002"
    body = [
        heading("Krav på behörigheter"),
        requirement("<p>Varje system ska ha en utsedd systemägare.</p>", id=first),
        requirement("<p>Behörigheter ska följas upp årligen.</p>", id=second),
    ]
    page = make_document(RiktlinjePage, body=body)

    numbers = requirement_numbers(public_client.get(path_of(page)))
    assert numbers == {"krav-11111111": "Krav 1", "krav-22222222": "Krav 2"}

    page = adopt_new_version(
        page, body=[paragraph("<p>Den här riktlinjen gäller alla system.</p>"), *body]
    )
    response = public_client.get(path_of(page))
    assert requirement_numbers(response) == numbers
    assert 'href="#krav-11111111"' in response.content.decode()


def test_requirement_with_its_own_reference(public_client):
    page = make_document(
        RiktlinjePage,
        body=[
            requirement("<p>Lösenord ska bytas vid misstanke om röjande.</p>", reference="K4"),
            requirement("<p>Loggar ska sparas i minst sex månader.</p>"),
        ],
    )

    numbers = requirement_numbers(public_client.get(path_of(page)))

    assert list(numbers.values()) == ["Krav K4", "Krav 2"]
    assert "krav-k4" in numbers


def test_headings_get_unique_anchors(public_client):
    page = make_document(
        RiktlinjePage,
        body=[
            heading("Syfte"),
            heading("Åtkomst och ansvar", level="h3"),
            heading("Syfte"),
        ],
    )

    page_soup = soup(public_client.get(path_of(page)))
    headings = [(h.name, h["id"], text(h)) for h in page_soup.select(".document__body [id]")]

    assert headings == [
        ("h2", "syfte", "Syfte"),
        ("h3", "atkomst-och-ansvar", "Åtkomst och ansvar"),
        ("h2", "syfte-2", "Syfte"),
    ]


def test_responsibility_table_and_definitions(public_client):
    page = make_document(
        RiktlinjePage,
        body=[
            responsibility_table(
                [
                    ("kommundirektor", "Har det övergripande ansvaret."),
                    ("informationsagare", "Klassar informationen i sin verksamhet."),
                ],
                caption="Roller i informationssäkerhetsarbetet",
            ),
            definitions([("Informationsägare", "Chef som ansvarar för informationen.")]),
        ],
    )

    page_soup = soup(public_client.get(path_of(page)))
    table = page_soup.select_one(".document__body table")
    assert text(table.caption) == "Roller i informationssäkerhetsarbetet"
    assert [(text(tr.th), text(tr.td)) for tr in table.select("tbody tr")] == [
        ("Kommundirektör", "Har det övergripande ansvaret."),
        ("Informationsägare", "Klassar informationen i sin verksamhet."),
    ]
    dl = page_soup.select_one("dl.definitions")
    assert (text(dl.dt), text(dl.dd)) == (
        "Informationsägare",
        "Chef som ansvarar för informationen.",
    )


def test_reference_to_an_internal_document_is_hidden_on_the_public_site(
    public_client, intranet_client
):
    internal = make_document(
        RutinPage,
        parent=make_document(RiktlinjePage),
        title="Rutin för larmkedjan",
        publicity="internal",
    )
    public_target = make_document(RiktlinjePage, title="Riktlinje för kontinuitet")
    page = make_document(
        RiktlinjePage,
        body=[
            document_reference(internal, note="Vem som larmas"),
            document_reference(public_target),
        ],
    )

    public_html = public_client.get(path_of(page)).content.decode()
    assert "Rutin för larmkedjan" not in public_html
    assert "Riktlinje för kontinuitet" in public_html

    intranet_soup = soup(intranet_client.get(path_of(page)))
    references = [text(p) for p in intranet_soup.select("p.reference--document")]
    assert references == [
        "Se även: Rutin för larmkedjan – Vem som larmas",
        "Se även: Riktlinje för kontinuitet",
    ]


def test_draft_documents_are_not_served(public_client):
    draft = make_document(RiktlinjePage, publish=False, title="Riktlinje i utkast")

    response = public_client.get("/styrdokument/" + draft.slug + "/")

    assert response.status_code == 404
