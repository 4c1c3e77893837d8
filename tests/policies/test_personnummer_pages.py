"""The personnummer guard on the pages that are not styrdokument.

The start page, the register page, information and content pages and the accessibility statement
go public as soon as a superuser publishes them, with no decision step and no internal
alternative. The page editor refuses to save any of them with a personnummer or samordningsnummer
in a field, a link address or a linked file, naming the field and keeping what the editor typed;
publishing refuses a revision that never went through the editor (the shell, an import, a bulk
action, the scheduler).
"""

import html
import json
import re

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision, get_page_models
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from policies.models import (
    AccessibilityStatementPage,
    ContentPage,
    HomePage,
    InformationPage,
    RegisterPage,
    Styrdokument,
)
from policies.public_pages import IdentityNumberRefused, PublicPageForm, PublicTextGuard
from tests.channels.conftest import soup, text_of
from tests.factories import make_accessibility_statement, paragraph
from tests.policies.test_personnummer_spellings import check_digit

pytestmark = pytest.mark.django_db

NUMBER = "850312-1231"  # 12 March 1985, check digit 1
MASKED = "850312-****"
RULE = (
    "Sidan visas på den externa webbplatsen och får inte innehålla personnummer eller "
    "samordningsnummer. Ta bort numret."
)
FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def home():
    return HomePage.objects.get()


def add_published(page):
    home().add_child(instance=page)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


@pytest.fixture
def information():
    return add_published(
        InformationPage(
            title="Så arbetar vi med informationssäkerhet",
            slug="informationssakerhet",
            intro="<p>Kommunen skyddar information.</p>",
            body=[paragraph("<p>Frågor besvaras av växeln.</p>")],
        )
    )


@pytest.fixture
def content():
    return add_published(
        ContentPage(
            title="Om webbplatsen",
            slug="om-webbplatsen",
            body=[paragraph("<p>Webbplatsen drivs av kommunen.</p>")],
        )
    )


def page_data(
    page, text="Frågor besvaras av växeln.", intro="Kommunen skyddar information.", **extra
):
    """What the page editor posts for an information or content page with one paragraph."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "intro": rich_text(f"<p>{intro}</p>", features=FEATURES),
        "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>", features=FEATURES))]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(extra)
    return nested_form_data(data)


PUBLISH = {"action-publish": "action-publish"}


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def error_texts(response):
    """The errors the editor shows: under each field, and the StreamField's (handed to its
    JavaScript, which shows them under the field)."""
    shown = [text_of(node) for node in soup(response).select(".error-message")]
    text = html.unescape(response.content.decode())
    decoder = json.JSONDecoder()
    for found in re.finditer(r'\{"messages": ', text):
        shown += decoder.raw_decode(text, found.start())[0]["messages"]
    return shown


def live_text(page):
    """The text of the live page's first paragraph, without its markup."""
    source = Page.objects.get(pk=page.pk).specific.body.raw_data[0]["value"]
    return re.sub(r"<[^>]*>", "", source)


# -- the editor ------------------------------------------------------------------------------

WRITINGS = [
    NUMBER,
    "19850312-1231",
    "198503121231",
    "85 03 12 1231",
    "850312-12 31",
    "8503<b>12</b>-1231",
    "85\u00a003\u00a012\u20131231",
    "85O3l2-l23l",
    "８５０３１２－１２３１",
    "8503\u00ad12\u00ad-1231",
]


@pytest.mark.parametrize("written", WRITINGS)
def test_a_superuser_cannot_publish_a_number_on_an_information_page(
    admin_client_intranet, information, written
):
    revisions = information.revisions.count()
    data = page_data(information, text=f"Ring handläggaren, {written}, eller växeln.")
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(information), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith("Texten i fältet ”Innehåll” innehåller ett personnummer (")
    assert error.count("*") == 8  # the number and the passage, each masked
    assert error.endswith(RULE)
    assert "1231" not in error.replace("-", "")
    assert information.revisions.count() == revisions
    assert live_text(information) == "Frågor besvaras av växeln."


def test_a_number_split_by_a_zero_width_space_is_refused_on_the_block(
    admin_client_intranet, information
):
    """The invisible character is refused first (governance.text_blocks), on the block."""
    revisions = information.revisions.count()
    data = page_data(information, text="Ring handläggaren, 8503\u200b12-1231, eller växeln.")
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(information), data)

    assert response.status_code == 200
    assert "osynliga styrtecken (till exempel U+200B)" in response.content.decode()
    assert "1231" not in " ".join(error_texts(response)).replace("-", "")
    assert information.revisions.count() == revisions
    assert live_text(information) == "Frågor besvaras av växeln."


def test_the_editor_keeps_everything_the_user_typed(admin_client_intranet, information):
    data = page_data(
        information,
        text=f"Ring handläggaren Rut på {NUMBER} eller växeln.",
        intro="En helt ny inledning om kryptering.",
        title="Ny rubrik om informationssäkerhet",
        search_description="Beskrivning för sökmotorer",
    )
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(information), data)

    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("input[name=title]")["value"] == "Ny rubrik om informationssäkerhet"
    assert page.select_one("[name=search_description]").get_text().strip() == (
        "Beskrivning för sökmotorer"
    )
    html = response.content.decode()
    assert "En helt ny inledning om kryptering." in html
    assert "Ring handl" in html and "Rut p" in html


FIELDS = [
    # (form field, value, Swedish label in the message)
    ("title", f"Kontakt {NUMBER}", "Titel"),
    ("slug", f"kontakt-{NUMBER}", "Slugg"),
    ("seo_title", f"Kontakt {NUMBER}", "Titeltagg"),
    ("search_description", f"Ring {NUMBER}", "Metabeskrivning"),
    ("intro", rich_text(f"<p>Ring {NUMBER}.</p>", features=FEATURES), "Inledning"),
]


@pytest.mark.parametrize(("field", "value", "label"), FIELDS, ids=[f[0] for f in FIELDS])
def test_every_field_the_page_shows_is_checked_and_named(
    admin_client_intranet, information, field, value, label
):
    data = page_data(information)
    data[field] = value
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(information), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith(
        f"Texten i fältet ”{label}” innehåller ett personnummer ({MASKED}) i avsnittet ”…"
    )
    assert NUMBER not in error


def test_a_redaktor_cannot_save_a_draft_with_a_number(redaktor_client, information):
    """A draft is refused too: it is what a superuser, a bulk action or a workflow publishes."""
    revisions = information.revisions.count()
    serial = "456" + check_digit("850372456")
    data = page_data(information, text=f"Samordningsnummer 850372-{serial}.")

    response = redaktor_client.post(edit_url(information), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith(
        "Texten i fältet ”Innehåll” innehåller ett samordningsnummer (850372-****)"
    )
    assert information.revisions.count() == revisions


def test_a_number_in_a_link_address_is_refused(admin_client_intranet, content):
    data = page_data(content, text=f'Se <a href="https://example.se/?pnr={NUMBER}">ärendet</a>.')
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(content), data)

    assert response.status_code == 200
    assert f"innehåller ett personnummer ({MASKED})" in error_texts(response)[0]


def test_a_linked_file_with_a_number_is_refused(admin_client_intranet, information):
    attachment = get_document_model().objects.create(
        title="Bilaga", file=ContentFile(f"Anna Andersson\t{NUMBER}\n".encode(), name="lista.txt")
    )
    link = f'<a linktype="document" id="{attachment.pk}">listan</a>'
    data = page_data(information, text=f"Se {link}.")
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(information), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    shown = attachment.file.name.rsplit("/", 1)[-1]
    assert error.startswith(
        f"Texten i den bifogade filen ”{shown}” innehåller ett personnummer ({MASKED})"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ring 08-123 456 78 eller 070-123 45 67, +46 8 123 456 78.",
        "Dnr KS 2024/123 och KS2024-0123, beslut 2024-03-12 – 2025-03-12.",
        "Kommunens organisationsnummer är 212000-1142. Budget 1 234 567 kr, 12 § och 123 45 Ort.",
    ],
)
def test_ordinary_numbers_are_published(admin_client_intranet, content, text):
    data = page_data(content, text=text)
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(content), data)

    assert response.status_code == 302, error_texts(response)
    assert live_text(content) == text


def test_the_start_page_is_guarded(admin_client_intranet):
    page = home()
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": rich_text(f"<p>Välkommen. Kontakt {NUMBER}.</p>", features=["bold"]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            **PUBLISH,
        }
    )

    response = admin_client_intranet.post(edit_url(page), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith(f"Texten i fältet ”Inledning” innehåller ett personnummer ({MASKED})")


def test_the_accessibility_statement_is_guarded(admin_client_intranet):
    from tests.policies.test_accessibility_statement import post_data

    statement = make_accessibility_statement(home(), slug="tillganglighet-pnr")
    data = post_data(slug=statement.slug, contact_phone=f"0123-45 67 00 (Anna {NUMBER})")
    data.update(PUBLISH)

    response = admin_client_intranet.post(edit_url(statement), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith("Texten i fältet ”Telefon")
    assert f"innehåller ett personnummer ({MASKED})" in error
    # Its own phone number, as the factory writes it, is fine.
    data = post_data(slug=statement.slug)
    data.update(PUBLISH)
    assert admin_client_intranet.post(edit_url(statement), data).status_code == 302


def test_every_page_type_that_is_not_a_styrdokument_is_guarded():
    models = [
        model
        for model in get_page_models()
        if model is not Page and not issubclass(model, Styrdokument)
    ]

    assert set(models) >= {
        HomePage,
        RegisterPage,
        InformationPage,
        ContentPage,
        AccessibilityStatementPage,
    }
    for model in models:
        assert issubclass(model, PublicTextGuard), model
        assert issubclass(model.get_edit_handler().get_form_class(), PublicPageForm), model


# -- publishing without the editor ---------------------------------------------------------


def draft_with_number(page):
    draft = page.get_latest_revision_as_object()
    draft.body = [paragraph(f"<p>Kontakt {NUMBER}.</p>")]
    return draft.save_revision()


def test_a_revision_saved_outside_the_editor_is_not_published(information):
    revision = draft_with_number(information)

    with pytest.raises(IdentityNumberRefused) as refused:
        revision.publish()

    (message,) = refused.value.messages
    assert message.startswith(f"Texten i fältet ”Innehåll” innehåller ett personnummer ({MASKED})")
    assert live_text(information) == "Frågor besvaras av växeln."


def test_a_scheduled_publication_with_a_number_is_dropped(information):
    revision = draft_with_number(information)
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at="2020-01-01T00:00Z")
    revision.refresh_from_db()

    assert revision.publish(log_action="wagtail.publish.scheduled") is None

    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    assert live_text(information) == "Frågor besvaras av växeln."


def test_a_clean_revision_is_published(information):
    draft = information.get_latest_revision_as_object()
    draft.body = [paragraph("<p>Ring 08-123 456 78.</p>")]
    draft.save_revision().publish()

    assert live_text(information) == "Ring 08-123 456 78."
