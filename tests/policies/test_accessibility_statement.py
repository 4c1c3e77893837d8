"""The tillgänglighetsredogörelse (issue 19): DIGG's model statement, edited in the admin by the
samordnare and shown on the public website with every section DIGG asks for, in its order."""

import datetime
import html
import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from governance.setup import COORDINATORS
from policies.models import AccessibilityStatementPage, HomePage
from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_user
from tests.shared import build_once

pytestmark = pytest.mark.django_db

MODEL = "accessibilitystatementpage"
FEATURES = ["bold", "italic", "link", "ol", "ul"]

DIGG_HEADINGS = [
    "Hur tillgänglig är webbplatsen?",
    "Vad kan du göra om du inte kan använda delar av webbplatsen?",
    "Rapportera brister i webbplatsens tillgänglighet",
    "Tillsyn",
    "Teknisk information om webbplatsens tillgänglighet",
    "Innehåll som inte är tillgängligt",
    "Hur vi testat webbplatsen",
]


def build_world():
    home = HomePage.objects.first()
    coordinator = make_user(
        "tillg-samordnare", groups=[COORDINATORS], first_name="Sara", last_name="Samordnare"
    )
    statement = home.add_child(
        instance=AccessibilityStatementPage(
            title="Tillgänglighetsredogörelse",
            slug="tillganglighet-test",
            show_in_menus=True,
            organisation_name="Testkommun",
            website_name="testkommun.se",
            compliance_status="delvis",
            compliance_summary="<p>Det mesta fungerar, men några bilagor brister.</p>",
            deficiencies=[
                {
                    "type": "deficiency",
                    "value": {
                        "problem": "Inskannade bilagor saknar läsbar text.",
                        "wcag_criterion": "1.1.1 Icke-textinnehåll",
                        "planned_fix": "2027-06-30",
                    },
                }
            ],
            disproportionate_burden="<p>Kartan över vattenledningar anpassas inte.</p>",
            out_of_scope="<p>Dokument från före 2018 omfattas inte.</p>",
            contact_email="webb@testkommun.se",
            contact_phone="0123-45 67 00",
            contact_form_url="https://testkommun.se/synpunkter/",
            response_time="Vi svarar inom fem arbetsdagar.",
            assessment_method="bada",
            assessment_description="<p>Vi testade med skärmläsare.</p>",
            assessment_date=datetime.date(2026, 9, 15),
            website_published=datetime.date(2026, 1, 12),
            statement_updated=datetime.date(2026, 10, 1),
        )
    )
    statement.save_revision().publish()
    return {"home": home, "coordinator": coordinator, "statement": statement}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


@pytest.fixture
def coordinator_client(w):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(w["coordinator"])
    return client


def public_page(w):
    response = Client(HTTP_HOST=PUBLIC_HOST).get("/tillganglighet-test/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(element):
    """The element's text as a reader hears it: one space between words, none before a stop."""
    return " ".join(element.get_text(" ").split()).replace(" .", ".").replace(" ,", ",")


def error_texts(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [text_of(e) for e in soup.select(".error-message")]


def post_data(**overrides):
    data = {
        "title": "Tillgänglighetsredogörelse",
        "slug": "tillganglighetsredogorelse-ny",
        "organisation_name": "Testkommun",
        "website_name": "testkommun.se",
        "intro": rich_text("", features=FEATURES),
        "compliance_status": "delvis",
        "compliance_summary": rich_text("<p>Några brister finns.</p>", features=FEATURES),
        "deficiencies": streamfield(
            [
                (
                    "deficiency",
                    {
                        "problem": "Videoklipp saknar undertexter.",
                        "wcag_criterion": "1.2.2 Undertexter (förinspelat)",
                        "planned_fix": "2027-01-31",
                    },
                )
            ]
        ),
        "disproportionate_burden": rich_text("", features=FEATURES),
        "out_of_scope": rich_text("", features=FEATURES),
        "alternative_access": rich_text("<p>Hör av dig till oss.</p>", features=FEATURES),
        "report_text": rich_text("<p>Berätta om brister.</p>", features=FEATURES),
        "contact_email": "webb@testkommun.se",
        "contact_phone": "",
        "contact_form_url": "",
        "response_time": "",
        "authority_name": "Myndigheten för digital förvaltning (DIGG)",
        "authority_url": "https://www.digg.se/tdosanmalan",
        "authority_contact": "E-post: info@digg.se",
        "assessment_method": "sjalvskattning",
        "assessment_description": rich_text("", features=FEATURES),
        "assessment_date": "2026-11-20",
        "website_published": "",
        "statement_updated": "",
    }
    data.update(overrides)
    return nested_form_data(data)


# -- the admin, as the samordnare ---------------------------------------------------------------


def test_the_samordnare_is_offered_the_statement_only_while_the_site_has_none(
    w, coordinator_client
):
    """One statement per site: the start page already has one, so the type is not offered and
    its add view refuses; once it is gone, the samordnare may add one."""
    home = w["home"]
    add = f"/admin/pages/add/policies/{MODEL}/{home.pk}/"
    assert coordinator_client.get(add).status_code in (302, 403)
    choices = coordinator_client.get(f"/admin/pages/{home.pk}/add_subpage/")
    assert choices.status_code == 200
    assert add not in choices.content.decode()

    Page.objects.filter(pk=w["statement"].pk).delete()
    choices = coordinator_client.get(f"/admin/pages/{home.pk}/add_subpage/")
    assert f"/admin/pages/add/policies/{MODEL}/{home.pk}/" in choices.content.decode()
    assert coordinator_client.get(add).status_code == 200


def test_the_samordnare_creates_a_statement_in_the_admin(w, coordinator_client):
    Page.objects.filter(pk=w["statement"].pk).delete()
    home = w["home"]
    form = coordinator_client.get(f"/admin/pages/add/policies/{MODEL}/{home.pk}/")
    # DIGG's defaults are there for the editor to keep or change.
    assert "https://www.digg.se/tdosanmalan" in form.content.decode()
    assert "Myndigheten för digital förvaltning (DIGG)" in form.content.decode()

    response = coordinator_client.post(f"/admin/pages/add/policies/{MODEL}/{home.pk}/", post_data())
    assert response.status_code == 302, error_texts(response)
    statement = AccessibilityStatementPage.objects.get(slug="tillganglighetsredogorelse-ny")
    assert statement.get_parent().pk == home.pk
    assert statement.assessment_date == datetime.date(2026, 11, 20)
    assert statement.deficiencies[0].value["wcag_criterion"] == "1.2.2 Undertexter (förinspelat)"
    assert statement.authority_url == "https://www.digg.se/tdosanmalan"


def test_the_samordnare_edits_the_statement(w, coordinator_client):
    statement = w["statement"]
    response = coordinator_client.post(
        f"/admin/pages/{statement.pk}/edit/",
        post_data(
            slug=statement.slug,
            compliance_status="inte",
            assessment_date="2026-11-30",
            contact_phone="0123-45 67 89",
        ),
    )
    assert response.status_code == 302, error_texts(response)
    draft = AccessibilityStatementPage.objects.get(pk=statement.pk).get_latest_revision_as_object()
    assert draft.compliance_status == "inte"
    assert draft.assessment_date == datetime.date(2026, 11, 30)
    assert draft.contact_phone == "0123-45 67 89"


def test_a_statement_without_bedomningsdatum_is_refused_in_swedish(w, coordinator_client):
    statement = w["statement"]
    revisions = statement.revisions.count()
    response = coordinator_client.post(
        f"/admin/pages/{statement.pk}/edit/", post_data(slug=statement.slug, assessment_date="")
    )
    assert response.status_code == 200
    assert (
        "Ange bedömningsdatum: dagen då webbplatsens tillgänglighet senast bedömdes."
        in error_texts(response)
    )
    assert statement.revisions.count() == revisions


def test_a_statement_needs_a_way_to_report_and_its_known_deficiencies(w, coordinator_client):
    statement = w["statement"]
    response = coordinator_client.post(
        f"/admin/pages/{statement.pk}/edit/",
        post_data(slug=statement.slug, contact_email="", deficiencies=streamfield([])),
    )
    assert response.status_code == 200
    assert "Ange minst ett sätt att rapportera brister: e-post, telefon eller webbformulär." in (
        error_texts(response)
    )
    # The StreamField's own error is handed to its JavaScript, which shows it under the field.
    assert json.dumps(
        "Beskriv minst en känd brist när webbplatsen inte är helt förenlig med lagen."
    ) in html.unescape(response.content.decode())


def test_a_fully_compliant_statement_needs_no_deficiency(w, coordinator_client):
    statement = w["statement"]
    response = coordinator_client.post(
        f"/admin/pages/{statement.pk}/edit/",
        post_data(slug=statement.slug, compliance_status="helt", deficiencies=streamfield([])),
    )
    assert response.status_code == 302, error_texts(response)


def test_a_second_statement_on_the_site_is_refused_outside_the_admin_too(w):
    with pytest.raises(ValidationError) as refused:
        w["home"].add_child(
            instance=AccessibilityStatementPage(
                title="Tillgänglighetsredogörelse 2",
                slug="tillganglighet-2",
                organisation_name="Testkommun",
                website_name="testkommun.se",
                contact_email="webb@testkommun.se",
                compliance_status="helt",
                assessment_date=datetime.date(2026, 9, 15),
            )
        )
    assert refused.value.message_dict["title"] == [
        "Webbplatsen har redan en tillgänglighetsredogörelse."
    ]
    assert AccessibilityStatementPage.objects.count() == 1


def test_the_statement_lives_only_under_the_start_page():
    assert AccessibilityStatementPage.clean_parent_page_models() == [HomePage]
    assert AccessibilityStatementPage in HomePage.clean_subpage_models()


# -- the public website ----------------------------------------------------------------------


def test_the_public_page_shows_every_section_of_diggs_model_in_order(w):
    soup = public_page(w)
    main = soup.select_one("main")
    assert [text_of(h) for h in main.select("h2")] == DIGG_HEADINGS
    assert [text_of(h) for h in main.select("h3")] == [
        "Bristande förenlighet med lagkraven",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagkraven",
    ]
    text = text_of(main)
    assert "Testkommun står bakom webbplatsen testkommun.se." in text
    assert (
        "Den här webbplatsen är delvis förenlig med lagen (2018:1937) om tillgänglighet till "
        "digital offentlig service, på grund av de brister som beskrivs nedan." in text
    )
    assert "Det mesta fungerar, men några bilagor brister." in text


def test_the_public_page_lists_each_deficiency_with_criterion_and_date(w):
    soup = public_page(w)
    section = soup.select_one("section[aria-labelledby=innehall-som-inte-ar-tillgangligt]")
    text = text_of(section)
    assert "Inskannade bilagor saknar läsbar text." in text
    assert "WCAG-kriterium 1.1.1 Icke-textinnehåll" in text
    assert "Planerat åtgärdat 30 juni 2027" in text
    assert "Kartan över vattenledningar anpassas inte." in text
    assert "Dokument från före 2018 omfattas inte." in text


def test_the_public_page_says_how_to_report_and_where_to_complain(w):
    soup = public_page(w)
    report = soup.select_one("section[aria-labelledby=rapportera-brister]")
    hrefs = [a["href"] for a in report.select("a")]
    assert "mailto:webb@testkommun.se" in hrefs
    assert "tel:0123456700" in hrefs
    assert "https://testkommun.se/synpunkter/" in hrefs
    assert "Vi svarar inom fem arbetsdagar." in text_of(report)
    supervision = soup.select_one("section[aria-labelledby=tillsyn]")
    assert "Myndigheten för digital förvaltning (DIGG)" in text_of(supervision)
    assert "https://www.digg.se/tdosanmalan" in [a["href"] for a in supervision.select("a")]
    assert "info@digg.se" in text_of(supervision)


def test_the_public_page_says_how_and_when_the_site_was_assessed(w):
    section = public_page(w).select_one("section[aria-labelledby=hur-vi-testat]")
    text = text_of(section)
    assert (
        "Vi har gjort en självskattning (intern testning) av webbplatsen, och den har också "
        "granskats av en extern part." in text
    )
    assert "Senaste bedömningen gjordes den 15 september 2026." in text
    assert "Webbplatsen publicerades den 12 januari 2026." in text
    assert "Redogörelsen uppdaterades senast den 1 oktober 2026." in text
    assert section.select_one("time")["datetime"] == "2026-09-15"


def test_the_statement_is_linked_from_the_footer_of_every_public_page(w):
    for url in ("/", "/styrdokument/"):
        response = Client(HTTP_HOST=PUBLIC_HOST).get(url)
        footer = BeautifulSoup(response.content, "html.parser").select_one("footer")
        assert "/tillganglighet-test/" in [a["href"] for a in footer.select("a")], url


def test_the_demo_statement_loads_from_the_fixture(w):
    """The demo's entry (fixtures/exempelkommun.json) makes a valid statement."""
    with open(settings.BASE_DIR / "fixtures" / "exempelkommun.json", encoding="utf-8") as f:
        pages = json.load(f)["pages"]
    (item,) = [p for p in pages if p["type"] == "accessibility"]
    Page.objects.filter(pk=w["statement"].pk).delete()
    statement = w["home"].add_child(instance=AccessibilityStatementPage.from_fixture(item))
    statement.save_revision().publish()
    statement.full_clean()
    response = Client(HTTP_HOST=PUBLIC_HOST).get(f"/{item['slug']}/")
    main = BeautifulSoup(response.content, "html.parser").select_one("main")
    assert [text_of(h) for h in main.select("h2")] == DIGG_HEADINGS
    assert html.unescape("webb@exempelkommun.se") in text_of(main)
