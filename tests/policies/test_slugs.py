"""Page addresses are ASCII as Swedish municipal URLs are (å, ä → a, ö → o), and an address that
changes keeps answering with a permanent redirect on both channels."""

import functools
import importlib
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from policies.models import ContentPage, HomePage, Publicity, RiktlinjePage, RutinPage
from policies.slugs import slug_from_text, transliterate_slug
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    make_document,
    make_live_document,
    path_of,
)
from tests.policies.test_admin_forms import add_url, riktlinje_post_data

pytestmark = pytest.mark.django_db

migration = importlib.import_module("policies.migrations.0012_transliterated_slugs")


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("årsmöte-för-nämnden", "arsmote-for-namnden"),
        ("ÅÄÖ-åäö", "aao-aao"),
        ("café-über", "cafe-uber"),
        ("straße-øre-æble", "strasse-ore-aeble"),
        ("redan-ascii--slug", "redan-ascii--slug"),  # an ASCII address never moves
        ("", ""),
    ],
)
def test_a_slug_is_spelled_in_ascii(slug, expected):
    assert transliterate_slug(slug) == expected


def test_a_title_becomes_a_slug_with_every_letter_spelled_out():
    assert slug_from_text("Riktlinje för åtkomst – Över­sikt 2026") == (
        "riktlinje-for-atkomst-oversikt-2026"
    )


# -- the model: the shell, imports and every save ----------------------------------------------


def test_a_page_created_in_the_shell_gets_an_ascii_slug(register):
    page = make_live_document(RiktlinjePage, title="Riktlinje för möten", slug="årsmöte-i-nämnden")

    page.refresh_from_db()
    assert page.slug == "arsmote-i-namnden"
    assert page.url_path.endswith("/styrdokument/arsmote-i-namnden/")


def test_a_page_without_a_slug_gets_one_from_its_title(register):
    page = register.add_child(
        instance=RutinPage(
            title="Rutin för åtkomst och lösenord", publicity=Publicity.PUBLIC, live=False
        )
    )

    assert Page.objects.get(pk=page.pk).slug == "rutin-for-atkomst-och-losenord"


def test_a_save_without_validation_still_stores_ascii(register):
    page = make_document(RiktlinjePage, publish=False, title="Riktlinje", slug="riktlinje-x")
    make_document(RiktlinjePage, publish=False, title="Riktlinje", slug="overs")

    page.slug = "övers"
    page.save(clean=False)

    assert Page.objects.get(pk=page.pk).slug == "overs-2"


def test_a_draft_revision_carries_the_ascii_slug(register):
    page = make_document(RiktlinjePage, publish=False, slug="utkast-1")
    page.slug = "utkast-för-översyn"
    revision = page.save_revision()

    assert revision.content["slug"] == "utkast-for-oversyn"


# -- the admin form -------------------------------------------------------------------------


def test_the_admin_form_stores_an_ascii_slug(redaktor_client, register):
    data = riktlinje_post_data([], slug="riktlinje-för-mötesrum")

    response = redaktor_client.post(add_url(register), data)

    assert response.status_code == 302
    page = RiktlinjePage.objects.get(title="Riktlinje för mobila enheter")
    assert page.slug == "riktlinje-for-motesrum"
    assert page.get_latest_revision().content["slug"] == "riktlinje-for-motesrum"


def test_a_slug_that_collides_once_transliterated_is_refused_in_swedish(redaktor_client, register):
    make_document(RiktlinjePage, publish=False, slug="moten")
    data = riktlinje_post_data([], slug="möten")

    response = redaktor_client.post(add_url(register), data)

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    errors = " ".join(e.get_text(" ") for e in soup.select(".error-message"))
    assert "moten" in errors and "används redan" in errors
    assert not RiktlinjePage.objects.filter(title="Riktlinje för mobila enheter").exists()


def test_the_slug_field_spells_out_letters_while_the_editor_types(redaktor_client, register):
    """Wagtail's slug controller drops å/ä/ö on blur ("möte" → "mte") unless told to urlify,
    the transliteration it already applies to a title copied into the slug."""
    response = redaktor_client.get(add_url(register))

    slug = BeautifulSoup(response.content, "html.parser").select_one("input[name=slug]")
    assert slug["data-controller"] == "w-slug"
    assert "blur->w-slug#urlify" in slug["data-action"]
    assert "blur->w-slug#slugify" not in slug["data-action"]
    # WAGTAIL_ALLOW_UNICODE_SLUGS = False: the attribute is left out, and the controller's
    # default is no Unicode.
    assert slug.get("data-w-slug-allow-unicode-value") in (None, "false", "False")


# -- the data migration ---------------------------------------------------------------------


def seed_slug(page, slug):
    """Give a page (and its subtree) an address from before the rule, bypassing the model."""
    old = Page.objects.get(pk=page.pk)
    new_url_path = old.url_path[: -len(old.slug) - 1] + slug + "/"
    for item in Page.objects.filter(path__startswith=old.path):
        Page.objects.filter(pk=item.pk).update(
            url_path=new_url_path + item.url_path[len(old.url_path) :]
        )
    Page.objects.filter(pk=page.pk).update(slug=slug)
    page = Page.objects.get(pk=page.pk)
    if page.latest_revision_id != page.live_revision_id:
        draft = page.latest_revision
        draft.content = {**draft.content, "slug": slug}
        draft.save(update_fields=["content"])
    return page


@functools.cache
def historical_apps():
    """The models as the migration sees them (no custom methods, fields as of 0012)."""
    loader = MigrationLoader(connection)
    return loader.project_state(("policies", "0012_transliterated_slugs")).apps


def run_migration():
    migration.transliterate_existing_slugs(
        historical_apps(), SimpleNamespace(connection=connection)
    )


@pytest.fixture
def seeded(register):
    public = seed_slug(make_document(RiktlinjePage, title="Årsmöte"), "årsmöte")
    child = seed_slug(
        make_document(RutinPage, parent=public, title="Rutin för möten", slug="rutin-1"),
        "rutin-för-möten",
    )
    taken = make_live_document(RiktlinjePage, title="Årsmöte (äldre)", slug="arsmote")
    internal = seed_slug(
        make_document(RiktlinjePage, title="Intern översyn", publicity=Publicity.INTERNAL),
        "intern-översyn",
    )
    draft = seed_slug(make_document(RiktlinjePage, publish=False, title="Utkast"), "utkast-åäö")
    return SimpleNamespace(public=public, child=child, taken=taken, internal=internal, draft=draft)


def test_the_migration_rewrites_slugs_and_numbers_a_collision(seeded):
    public_old_path = path_of(seeded.public)

    run_migration()

    public = Page.objects.get(pk=seeded.public.pk)
    assert public.slug == "arsmote-2"  # "arsmote" was taken by a sibling
    assert Page.objects.get(pk=seeded.taken.pk).slug == "arsmote"
    child = Page.objects.get(pk=seeded.child.pk)
    assert child.slug == "rutin-for-moten"
    assert child.url_path == public.url_path + "rutin-for-moten/"
    assert Page.objects.get(pk=seeded.internal.pk).slug == "intern-oversyn"
    draft = Page.objects.get(pk=seeded.draft.pk)
    assert draft.slug == "utkast-aao"
    assert draft.specific.get_latest_revision().content["slug"] == "utkast-aao"
    assert public_old_path == "/styrdokument/%C3%A5rsm%C3%B6te/"  # the old, encoded address
    assert not [slug for slug in Page.objects.values_list("slug", flat=True) if not slug.isascii()]


def test_the_migration_leaves_a_permanent_redirect_on_both_channels(
    seeded, public_client, intranet_client
):
    run_migration()

    sites = set(Site.objects.all())
    assert len(sites) == 2
    for old_path, page in [
        ("/styrdokument/årsmöte", seeded.public),
        ("/styrdokument/årsmöte/rutin-för-möten", seeded.child),
    ]:
        redirects = Redirect.objects.filter(old_path=old_path)
        assert {redirect.site for redirect in redirects} == sites
        assert all(r.is_permanent and r.redirect_page_id == page.pk for r in redirects)

    for client in (public_client, intranet_client):
        response = client.get("/styrdokument/%C3%A5rsm%C3%B6te/")
        assert response.status_code == 301
        assert response["Location"] == "/styrdokument/arsmote-2/"
        response = client.get("/styrdokument/årsmöte/rutin-för-möten/")
        assert response.status_code == 301
        assert response["Location"] == "/styrdokument/arsmote-2/rutin-for-moten/"
        assert client.get(response["Location"]).status_code == 200


def test_the_migration_reveals_no_internal_document_on_the_public_site(
    seeded, public_client, intranet_client
):
    run_migration()

    assert not Redirect.objects.filter(old_path__contains="utkast").exists()  # never live
    old = "/styrdokument/intern-översyn/"
    assert public_client.get(old).status_code == 404
    response = intranet_client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/styrdokument/intern-oversyn/"


def test_running_the_migration_again_changes_nothing(seeded):
    run_migration()
    before = list(Page.objects.order_by("pk").values_list("slug", "url_path"))
    redirects = Redirect.objects.count()

    run_migration()

    assert list(Page.objects.order_by("pk").values_list("slug", "url_path")) == before
    assert Redirect.objects.count() == redirects


# -- renaming later: Wagtail's own redirects (WAGTAILREDIRECTS_AUTO_CREATE) --------------------


def test_a_new_address_decided_for_a_document_leaves_a_redirect(
    register, public_client, intranet_client, django_capture_on_commit_callbacks
):
    page = make_document(RiktlinjePage, title="Riktlinje för loggning", slug="loggning")

    with django_capture_on_commit_callbacks(execute=True):
        adopt_new_version(page, slug="loggning-och-spårbarhet", version="2.0")

    assert Page.objects.get(pk=page.pk).slug == "loggning-och-sparbarhet"
    for client in (public_client, intranet_client):
        response = client.get("/styrdokument/loggning/")
        assert response.status_code == 301
        assert response["Location"] == "/styrdokument/loggning-och-sparbarhet/"


def test_a_redirect_to_an_internal_document_answers_only_on_the_intranet(
    register, public_client, intranet_client, django_capture_on_commit_callbacks
):
    """Wagtail creates the redirect for every site that shares the tree; on the public site it
    would reveal the internal document (and Wagtail's own target names the public host)."""
    page = make_document(
        RiktlinjePage, title="Intern riktlinje", slug="intern", publicity=Publicity.INTERNAL
    )

    with django_capture_on_commit_callbacks(execute=True):
        adopt_new_version(page, slug="intern-riktlinje", version="2.0")

    assert Redirect.objects.filter(old_path="/styrdokument/intern").count() == 2
    assert public_client.get("/styrdokument/intern/").status_code == 404
    response = intranet_client.get("/styrdokument/intern/")
    assert response.status_code == 301
    assert response["Location"] == "/styrdokument/intern-riktlinje/"


def test_a_redirect_to_a_group_restricted_document_is_a_404_outside_the_group(
    register, intranet_client, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Styrgrupp")
    page = make_document(
        RiktlinjePage,
        title="Begränsad riktlinje",
        slug="begransad",
        publicity=Publicity.INTERNAL,
        restricted_to=[group],
    )

    with django_capture_on_commit_callbacks(execute=True):
        adopt_new_version(page, slug="begransad-riktlinje", version="2.0")

    assert intranet_client.get("/styrdokument/begransad/").status_code == 404


def test_a_renamed_content_page_leaves_a_redirect(
    public_client, intranet_client, django_capture_on_commit_callbacks
):
    home = HomePage.objects.get()
    page = home.add_child(instance=ContentPage(title="Om webbplatsen", slug="om-webbplatsen"))
    page.save_revision().publish()
    page = ContentPage.objects.get(pk=page.pk)
    page.slug = "om-vår-webbplats"

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    for client in (public_client, intranet_client):
        response = client.get("/om-webbplatsen/")
        assert response.status_code == 301
        assert response["Location"] == "/om-var-webbplats/"


@pytest.mark.parametrize("host", [PUBLIC_HOST, INTRANET_HOST])
def test_hosts_are_the_two_sites(host):
    assert Site.objects.filter(hostname=host).exists()
