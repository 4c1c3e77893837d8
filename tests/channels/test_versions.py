"""Every adopted version keeps a permanent address, /arkiv/<id>/, with its own text and decision.

Offentlighetsprincipen: a superseded or repealed styrdokument stays readable, clearly marked,
with a link to the version in force.
"""

import datetime

import pytest

from policies.models import RiktlinjePage
from policies.repeal import register_existing_repeal
from tests.channels.conftest import body_of, build_once_in, soup, text_of, versions_of
from tests.factories import (
    adopt_new_version,
    days_ago,
    get_body,
    make_document,
    paragraph,
    path_of,
)

pytestmark = pytest.mark.django_db

V1 = {
    "title": "Riktlinje för lösenord",
    "text": "Lösenord ska ha minst åtta tecken.",
    "body": "Kommunstyrelsen",
    "date": datetime.date(2023, 3, 14),
    "dnr": "KS-2023-101",
    "paragraph": 12,
}
V2 = {
    "title": "Riktlinje för lösenord och tvåfaktorsinloggning",
    "text": "Lösenord ska ha minst tolv tecken.",
    "body": "Kommundirektör",
    "date": datetime.date(2024, 5, 20),
    "dnr": "KS-2024-202",
    "paragraph": None,
}
V3 = {
    "title": "Riktlinje för inloggning",
    "text": "Inloggning ska ske med två faktorer.",
    "body": "Kommunstyrelsen",
    "date": datetime.date(2025, 9, 1),
    "dnr": "KS-2025-303",
    "paragraph": 45,
}
BODY_CODES = {"Kommunstyrelsen": "ks", "Kommundirektör": "kommundirektor"}


def decision(values, version):
    return {
        "title": values["title"],
        "body": [paragraph(f"<p>{values['text']}</p>")],
        "decision_body": get_body(BODY_CODES[values["body"]]),
        "decision_date": values["date"],
        "diarienummer": values["dnr"],
        "protocol_paragraph": values["paragraph"],
        "version": version,
    }


def build_three_times_adopted():
    """Adopted as 1.0, 2.0 and 3.0; then a draft 4.0 that is saved but not adopted."""
    page = make_document(RiktlinjePage, slug="losenord", **decision(V1, "1.0"))
    page = adopt_new_version(page, **decision(V2, "2.0"))
    page = adopt_new_version(page, **decision(V3, "3.0"))
    draft = page.get_latest_revision_as_object()
    draft.title = "Riktlinje för inloggning (utkast)"
    draft.body = [paragraph("<p>Utkast som inte är beslutat.</p>")]
    draft.save_revision()
    return page.pk


def build_became_internal():
    """Public as version 1.0; version 2.0 was adopted as an internal document."""
    page = make_document(
        RiktlinjePage, slug="loggning", **decision(V1, "1.0"), summary="Om loggar."
    )
    page = adopt_new_version(
        page,
        publicity="internal",
        summary="Intern sammanfattning om loggar.",
        **decision(V2, "2.0"),
    )
    return page.pk


def build_documents():
    return {
        "three_times_adopted": build_three_times_adopted(),
        "became_internal": build_became_internal(),
    }


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both documents, once for the module: {name: pk}; rolled back after its last test."""
    folder = tmp_path_factory.mktemp("versions")
    yield from build_once_in(folder, django_db_blocker, build_documents)


@pytest.fixture
def archive_root(documents):
    """The archival PDFs of the documents' versions stay in the module's folder."""


@pytest.fixture
def three_times_adopted(documents, db):
    return RiktlinjePage.objects.get(pk=documents["three_times_adopted"])


def metadata(response):
    block = soup(response).select_one("section.metadata dl")
    return {text_of(div.dt): text_of(div.dd) for div in block.find_all("div", recursive=False)}


def banner(response):
    """The version banner as read, paragraphs separated by a space."""
    paragraphs = soup(response).select(".version-banner p")
    return " ".join(" ".join(p.get_text().split()) for p in paragraphs)


def versions_table(response):
    """The table's text, without the last column (each version's PDF, see test_pdf_audience)."""
    return [
        [text_of(td) for td in row.find_all("td")[:-1]]
        for row in soup(response).select("section.versions tbody tr")
    ]


def test_each_version_keeps_its_own_text_and_decision(public_client, three_times_adopted):
    page = three_times_adopted
    versions = versions_of(page)
    assert [v.version for v in versions] == ["1.0", "2.0", "3.0"]

    for version, values in zip(versions, (V1, V2, V3), strict=True):
        response = public_client.get(f"/arkiv/{version.pk}/")

        assert response.status_code == 200
        assert text_of(soup(response).h1) == values["title"]
        assert values["text"] in text_of(soup(response).select_one(".document__body"))
        meta = metadata(response)
        assert meta["Version"] == version.version
        assert meta["Beslutad av"] == values["body"]
        assert meta["Beslutsdatum"] == values["date"].isoformat()
        assert meta["Dnr"] == values["dnr"]
        assert meta["§"] == (f"§ {values['paragraph']}" if values["paragraph"] else "–")
        # Nothing from the other versions, nor from the draft.
        for other in {"Utkast som inte är beslutat.", V1["text"], V2["text"], V3["text"]}:
            if other != values["text"]:
                assert other not in body_of(response)


def test_superseded_versions_are_marked_and_link_to_the_current_one(
    public_client, three_times_adopted
):
    page = three_times_adopted
    v1, v2, v3 = versions_of(page)

    responses = [public_client.get(f"/arkiv/{v.pk}/") for v in (v1, v2, v3)]

    assert banner(responses[0]).startswith(
        "Ersatt av version 2.0, beslutad 2024-05-20. Den här versionen gäller inte längre."
    )
    assert banner(responses[1]).startswith(
        "Ersatt av version 3.0, beslutad 2025-09-01. Den här versionen gäller inte längre."
    )
    assert banner(responses[2]).startswith("Gällande version.")
    for response in responses:
        link = soup(response).select_one(".version-banner a")
        assert link["href"] == path_of(page)
        assert text_of(link) == "Läs den gällande versionen av Riktlinje för inloggning"
        assert public_client.get(link["href"]).status_code == 200
    # Old versions are not offered to search engines as the document.
    assert '<meta name="robots" content="noindex">' in body_of(responses[0])
    assert '<meta name="robots" content="noindex">' not in body_of(responses[2])
    assert versions_table(responses[0]) == [
        ["Version 3.0", "Kommunstyrelsen", "2025-09-01", "KS-2025-303", "§ 45", "Gällande"],
        ["Version 2.0", "Kommundirektör", "2024-05-20", "KS-2024-202", "", "Ersatt av version 3.0"],
        [
            "Version 1.0",
            "Kommunstyrelsen",
            "2023-03-14",
            "KS-2023-101",
            "§ 12",
            "Ersatt av version 2.0",
        ],
    ]


def test_the_document_page_links_every_version(public_client, three_times_adopted):
    page = three_times_adopted
    response = public_client.get(path_of(page))

    links = [a["href"] for a in soup(response).select("section.versions tbody a")]

    assert links == [
        url
        for v in reversed(versions_of(page))
        for url in (f"/arkiv/{v.pk}/", f"/arkiv/{v.pk}/pdf/")
    ]
    assert text_of(soup(response).h1) == "Riktlinje för inloggning"  # not the draft


def test_a_repealed_document_stays_readable_and_marked(public_client, three_times_adopted):
    page = three_times_adopted
    v1, v2, v3 = versions_of(page)

    # A repeal is a decision (see tests/policies/test_repeal.py for the workflow itself).
    register_existing_repeal(
        page, body=get_body("ks"), decision_date=days_ago(1), diarienummer="KS-2026-9", paragraph=12
    )

    assert public_client.get(path_of(page)).status_code == 404
    responses = [public_client.get(f"/arkiv/{v.pk}/") for v in (v1, v2, v3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert banner(responses[2]).startswith(
        f"Upphävd genom beslut av Kommunstyrelsen {days_ago(1).isoformat()}, § 12, dnr KS-2026-9."
    )
    assert "gäller inte längre" in banner(responses[2])
    assert banner(responses[0]).startswith("Ersatt av version 2.0")
    for response in responses:
        assert soup(response).select_one(".version-banner a") is None
        assert path_of(page) not in body_of(response)
    assert [row[-1] for row in versions_table(responses[0])] == [
        f"Upphävd genom beslut av Kommunstyrelsen {days_ago(1).isoformat()}, § 12, dnr KS-2026-9",
        "Ersatt av version 3.0",
        "Ersatt av version 2.0",
    ]
    assert text_of(soup(responses[2]).h1) == V3["title"]
    assert V3["text"] in body_of(responses[2])


@pytest.fixture
def became_internal(documents, db):
    return RiktlinjePage.objects.get(pk=documents["became_internal"])


def test_an_internal_version_is_404_on_the_public_site_but_readable_on_the_intranet(
    public_client, intranet_client, became_internal
):
    v1, v2 = versions_of(became_internal)

    assert public_client.get(f"/arkiv/{v2.pk}/").status_code == 404
    intranet = intranet_client.get(f"/arkiv/{v2.pk}/")
    assert intranet.status_code == 200
    assert text_of(soup(intranet).h1) == V2["title"]
    assert banner(intranet).startswith("Gällande version.")


def test_the_public_version_before_it_does_not_reveal_the_internal_one(
    public_client, intranet_client, became_internal
):
    v1, _v2 = versions_of(became_internal)

    response = public_client.get(f"/arkiv/{v1.pk}/")

    assert response.status_code == 200
    assert text_of(soup(response).h1) == V1["title"]
    # Issue 14: the internal successor is not named (no version, title or link).
    assert banner(response).startswith("Ersatt. Den här versionen gäller inte längre.")
    # No link to the current (internal) document, no table naming its version, no text of it.
    assert soup(response).select_one(".version-banner a") is None
    assert path_of(became_internal) not in body_of(response)
    assert versions_table(response) == []
    for secret in (V2["title"], V2["text"], "Intern sammanfattning"):
        assert secret not in body_of(response)
    # On the intranet, staff see both versions and the way to the current one.
    intranet = intranet_client.get(f"/arkiv/{v1.pk}/")
    assert soup(intranet).select_one(".version-banner a")["href"] == path_of(became_internal)
    assert len(versions_table(intranet)) == 2
