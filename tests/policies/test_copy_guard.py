"""A copy or an alias that goes live is checked as a publication is: a page published before
the personnummer guard existed is not copied live or aliased with its number, and a styrdokument
never goes live as a copy or an alias. The refusal is Swedish and leaves nothing created."""

import pytest
from django.urls import reverse
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.models import Page

from policies.copy_guard import CopyRefused
from policies.models import InformationPage, RiktlinjePage
from policies.public_pages import IdentityNumberRefused
from tests.factories import get_register, make_document, paragraph
from tests.policies.test_personnummer_pages import MASKED, NUMBER, add_published, home

pytestmark = pytest.mark.django_db

DECIDED_ONLY = "Ett styrdokument publiceras bara genom sitt eget beslut."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def old_page():
    """A live information page that holds a number: published before the guard existed."""
    page = add_published(
        InformationPage(
            title="Gammal sida",
            slug="gammal-sida",
            intro="<p>Kommunen skyddar information.</p>",
            body=[paragraph("<p>Frågor besvaras av växeln.</p>")],
        )
    )
    InformationPage.objects.filter(pk=page.pk).update(intro=f"<p>Handläggare {NUMBER}.</p>")
    return InformationPage.objects.get(pk=page.pk)


def test_a_live_copy_of_an_old_page_with_a_number_is_refused(old_page):
    pages = Page.objects.count()
    action = CopyPageAction(
        old_page, to=home(), update_attrs={"slug": "kopia", "title": "Kopia"}, keep_live=True
    )
    with pytest.raises(CopyRefused) as refused:
        action.execute()
    assert MASKED in " ".join(refused.value.messages)
    assert Page.objects.count() == pages

    # A draft copy is allowed: it is checked when it is published.
    copy = CopyPageAction(
        old_page, to=home(), update_attrs={"slug": "utkast", "title": "Utkast"}, keep_live=False
    ).execute()
    assert not copy.live


def test_an_alias_of_an_old_page_with_a_number_is_refused(old_page):
    pages = Page.objects.count()
    with pytest.raises(CopyRefused):
        old_page.create_alias(parent=home(), update_slug="alias")
    assert Page.objects.count() == pages


def test_aliases_are_not_updated_with_a_number(old_page):
    InformationPage.objects.filter(pk=old_page.pk).update(intro="<p>Ren text.</p>")
    source = InformationPage.objects.get(pk=old_page.pk)
    alias = source.create_alias(parent=home(), update_slug="alias")
    InformationPage.objects.filter(pk=source.pk).update(intro=f"<p>Ny {NUMBER}.</p>")
    source = InformationPage.objects.get(pk=source.pk)
    with pytest.raises(IdentityNumberRefused):
        source.update_aliases()
    assert NUMBER not in InformationPage.objects.get(pk=alias.pk).intro


def test_a_styrdokument_is_never_copied_live_or_aliased():
    document = make_document(RiktlinjePage, title="Riktlinje Beslutad", slug="beslutad")
    register = Page.objects.get(pk=get_register().pk)
    pages = Page.objects.count()
    attempts = [
        lambda: CopyPageAction(
            document, to=register, update_attrs={"slug": "kopia"}, keep_live=True
        ).execute(),
        lambda: document.create_alias(parent=register, update_slug="alias"),
        # The register with everything below it: the document would go live without decision.
        lambda: CopyPageAction(
            register, to=home(), recursive=True, update_attrs={"slug": "reg2"}, keep_live=True
        ).execute(),
        lambda: CreatePageAliasAction(
            register, recursive=True, parent=home(), update_slug="reg3"
        ).execute(),
    ]
    for attempt in attempts:
        with pytest.raises(CopyRefused) as refused:
            attempt()
        assert DECIDED_ONLY in refused.value.messages[0]
    assert Page.objects.count() == pages


def test_the_copy_view_shows_the_refusal_on_its_form(admin_client_intranet, old_page):
    pages = Page.objects.count()
    response = admin_client_intranet.post(
        reverse("wagtailadmin_pages:copy", args=[old_page.pk]),
        {
            "new_title": "Kopia",
            "new_slug": "kopia",
            "new_parent_page": str(home().pk),
            "publish_copies": "on",
        },
    )
    assert response.status_code == 200
    assert MASKED in response.content.decode()
    assert Page.objects.count() == pages
