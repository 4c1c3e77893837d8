"""A refused form on Styrdok's own admin screens tells a screen reader user what is wrong.

Wagtail's field layout shows the error above the input, but the input was described only by its
help text, or by Django's "<id>_error", which no element has (WCAG 1.3.1, 3.3.1): tabbing to the
field read its label and help, never the error. Each invalid input is now described by the
element that shows its error. The screens without a message of their own (Föreslå upphävande, the
Word and the many-files import) open with a summary in a role="alert" region, each error a link
to its field (WCAG 3.3.1, 4.1.3).
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission

from policies.models import RiktlinjePage
from tests.factories import make_document

from .workflow_helpers import case_url, client_for, make_draft, reject_data, start

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node):
    return " ".join(node.get_text(" ").split())


def descriptions(page, name):
    """What a screen reader reads after the label of the invalid field `name`: the texts of the
    elements its aria-describedby names (None for a name no element has)."""
    field = page.find(attrs={"name": name, "aria-invalid": "true"})
    assert field is not None, f"{name} is not marked invalid"
    ids = field.get("aria-describedby", "").split()
    return [text(page.find(id=i)) if page.find(id=i) else None for i in ids]


def alert_summary(page):
    """The role="alert" error summary: its text and where its links go."""
    summary = page.select_one("main [role=alert]")
    assert summary is not None, "no error summary in a role=alert region"
    return text(summary), [link["href"] for link in summary.find_all("a")]


def test_a_refusal_without_comment_describes_the_comment_field_by_its_error(people):
    draft = make_draft("riktlinje", "ks", title="Riktlinje för utskrifter")
    task_state = start(draft, people.redaktor).current_task_state

    response = client_for(people.samordnare).post(case_url(task_state), reject_data(comment=""))

    said = descriptions(soup(response), "reject-comment")
    assert "Skriv en kommentar som förklarar vad som behöver ändras." in said
    assert None not in said


def test_a_repeal_proposal_without_motivering_is_announced_and_linked_to_the_field(people):
    people.redaktor2.user_permissions.add(
        Permission.objects.get(content_type__app_label="governance", codename="propose_repeal")
    )
    page = make_document(RiktlinjePage, title="Riktlinje för skrivare")

    response = client_for(people.redaktor2).post(
        f"/admin/styrdokument/{page.pk}/foresla-upphavande/", {"reason": ""}
    )

    html = soup(response)
    message = "Skriv en motivering till förslaget om upphävande."
    summary, links = alert_summary(html)
    assert "Förslaget om upphävande har inte skickats." in summary
    assert message in summary and links == ["#id_reason"]
    said = descriptions(html, "reason")
    assert said[0] == message and None not in said
    # The help text is still read, after the error.
    assert said[1].startswith("Varför dokumentet ska upphävas")


@pytest.mark.parametrize(
    ("address", "fields", "headline"),
    [
        ("/admin/import/word/", ["file", "parent"], "Filen har inte importerats."),
        ("/admin/import/flera/", ["zip_file", "csv_file"], "Filerna har inte importerats."),
    ],
    ids=["word", "many files"],
)
def test_an_empty_import_form_is_announced_and_each_field_described_by_its_error(
    people, address, fields, headline
):
    response = client_for(people.admin).post(address, {})

    html = soup(response)
    summary, links = alert_summary(html)
    assert headline in summary
    assert links == [f"#id_{name}" for name in fields]
    for name in fields:
        said = descriptions(html, name)
        assert said and said[0].startswith("Välj"), (name, said)
        assert None not in said, (name, said)
