"""The metadata block and the lists of documents are written in Python (policies.metadata_html):
what an editor typed is shown as text, never as markup, on both channels."""

import datetime

import pytest
from bs4 import BeautifulSoup

from policies.models import RiktlinjePage, RutinPage
from tests.factories import get_body, make_document, path_of

pytestmark = pytest.mark.django_db

MARKUP_TITLE = "Rutin för <b>kontroll</b> & uppföljning"
MARKUP_NOTE = 'Ersätter <i>den gamla</i> rutinen "2019"'
MARKUP_CONTACT = "IT & <em>säkerhet</em>"


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(node):
    return " ".join(node.get_text(" ").split())


@pytest.fixture
def family():
    parent = make_document(
        RiktlinjePage,
        title="Riktlinje för kontroll",
        supersedes_note=MARKUP_NOTE,
        contact_name=MARKUP_CONTACT,
        contact_email="it@exempel.se",
        valid_until=datetime.date(2030, 12, 31),
    )
    make_document(
        RutinPage,
        parent=parent,
        title=MARKUP_TITLE,
        decision_body=get_body("kommundirektor"),
        decision_date=datetime.date(2025, 5, 2),
    )
    return parent


@pytest.mark.parametrize("client_name", ["public_client", "intranet_client"])
def test_typed_text_is_shown_as_text(request, family, client_name):
    client = request.getfixturevalue(client_name)
    page = soup(client.get(path_of(family)))

    rows = {text(div.dt): div.dd for div in page.select("section.metadata dl")[0].find_all("div")}
    assert text(rows["Ersätter"]) == " ".join(MARKUP_NOTE.split())
    assert rows["Ersätter"].find("i") is None
    assert text(rows["Kontakt"]).startswith("IT & <em>säkerhet</em>")
    assert rows["Kontakt"].find("em") is None
    assert rows["Kontakt"].a["href"] == "mailto:it@exempel.se"
    assert text(rows["Gäller till"]) == "2030-12-31"
    assert ("Publicering" in rows) is (client_name == "intranet_client")

    item = page.select_one("ul.document-list li.document-list__item")
    assert text(item.a) == MARKUP_TITLE
    assert item.find("b") is None
    assert text(item.select_one(".document-list__meta")).endswith("· 2025-05-02")


def test_a_document_without_a_decision_shows_dashes(intranet_client, family):
    family.decision_body = None
    family.protocol_paragraph = None
    family.valid_from = None
    family.save(update_fields=["decision_body", "protocol_paragraph", "valid_from"])
    page = soup(intranet_client.get(path_of(family)))
    rows = {text(div.dt): text(div.dd) for div in page.select("section.metadata dl > div")}
    assert rows["Beslutad av"] == "–"
    assert rows["§"] == "–"
    assert rows["Giltig från"] == "–"
