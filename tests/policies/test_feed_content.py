"""What the news feed (/feed/) says about each version, as a feed reader reads it: the entry's
summary is Atom's <summary type="html">, which readers render as markup, so the text typed by
editors must arrive there as text; and a character that XML cannot hold must not take the feed
down for every reader."""

import datetime
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from policies.models import AdoptedVersion, Publicity, RiktlinjePage
from tests.factories import make_live_document

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = '<img src=x onerror="alert(document.domain)"> & <script>alert(1)</script>'


def adopted(title="Riktlinje för loggning", summary="", **fields):
    document = make_live_document(RiktlinjePage, title=title)
    return AdoptedVersion.objects.create(
        document=document,
        title=title,
        version="1.0",
        decision_body_name=fields.pop("decision_body_name", "Kommunstyrelsen"),
        decision_date=datetime.date(2025, 3, 12),
        publicity=Publicity.PUBLIC,
        adopted_at=timezone.now() - datetime.timedelta(hours=1),
        content={"summary": summary},
        **fields,
    )


def entries(client):
    """{title: (summary as the reader's HTML, author)} of the feed's entries."""
    response = client.get("/feed/")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    found = {}
    for entry in feed.iter(f"{ATOM}entry"):
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        author = entry.find(f"{ATOM}author/{ATOM}name").text
        found[entry.find(f"{ATOM}title").text] = (summary.text, author)
    return found


@pytest.mark.parametrize("reader", ["public_client", "intranet_client"])
def test_markup_in_a_summary_reaches_feed_readers_as_text(reader, request):
    adopted(summary=f"Loggar sparas. {MARKUP}", decision_body_name="<b>Kommunstyrelsen</b>")

    summary, _author = entries(request.getfixturevalue(reader))[
        "Riktlinje för loggning (version 1.0)"
    ]

    shown = BeautifulSoup(summary, "html.parser")
    assert shown.find(["img", "script", "b"]) is None
    assert shown.get_text().startswith(f"Loggar sparas. {MARKUP} Beslutad av <b>Kommunstyrelsen")


@pytest.mark.usefixtures("text_stored_before_the_input_guard")
def test_a_control_character_in_a_version_does_not_take_the_feed_down(public_client):
    """A vertical tab (Word's manual line break) in a title, a summary or an organ's name."""
    adopted(
        title="Riktlinje för\x0bloggning",
        summary="Vilka loggar\x0csom sparas.",
        decision_body_name="Kommun\x1fstyrelsen",
    )
    adopted(title="Riktlinje för lösenord", summary="Hur lösenord väljs.")

    found = entries(public_client)

    assert set(found) == {
        "Riktlinje för loggning (version 1.0)",
        "Riktlinje för lösenord (version 1.0)",
    }
    summary, author = found["Riktlinje för loggning (version 1.0)"]
    assert summary.startswith("Vilka loggar som sparas. Beslutad av Kommun styrelsen")
    assert author == "Kommun styrelsen"
