"""The site for a request and the start page's menus, read by statements compiled once per
process (policies.sites, policies.channels), give what Wagtail's own lookups give: the same site
for every host and port over a range of site set-ups, and the same menu pages for every kind of
page under the start page."""

import itertools

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from policies.channels import _menu_pages
from policies.models import ContentPage, HomePage, InformationPage
from policies.sites import find_site_once, site_for_hostname, site_for_request
from tests.factories import PUBLIC_HOST

pytestmark = pytest.mark.django_db

HOSTS = ["localhost", "intranet.localhost", "example.se", "www.example.se", "okand.se", ""]
PORTS = [80, 443, 8000, 8123]


def wagtails_site(hostname, port):
    try:
        return get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None


# Each set-up adds these (hostname, port, default) to the sites setup_styrdok made.
SETUPS = {
    "as installed": [],
    "a second hostname on two ports": [("example.se", 8000, False), ("example.se", 443, False)],
    "one more hostname on one port": [("www.example.se", 8123, False)],
    "no default site": "no default",
    "no default site, a hostname on two ports": (
        "no default",
        [("example.se", 8000, False), ("example.se", 443, False)],
    ),
    "the default on another port of a hostname": [("example.se", 80, False)],
}


def arrange(setup):
    if isinstance(setup, tuple):
        arrange(setup[0])
        setup = setup[1]
    if setup == "no default":
        Site.objects.update(is_default_site=False)
        return
    for index, (hostname, port, default) in enumerate(setup):
        root = Page.objects.get(depth=1)
        home = root.add_child(instance=Page(title=f"Start {index}", slug=f"start-{index}"))
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=default)


@pytest.mark.parametrize("setup", list(SETUPS))
def test_every_host_and_port_gets_wagtails_site(setup):
    arrange(SETUPS[setup])
    for hostname, port in itertools.product(HOSTS, PORTS):
        expected = wagtails_site(hostname, port)
        found = site_for_hostname(hostname, port)
        assert (found and found.pk) == (expected and expected.pk), (setup, hostname, port)
        if found is not None:
            # The start page comes with the site, as Wagtail's select_related gives it.
            assert found.root_page.pk == expected.root_page.pk
            assert found.match == expected.match


def test_the_request_reads_host_and_port_as_wagtail_does():
    factory = RequestFactory()
    for host in ["localhost", "intranet.localhost:8123", "LOCALHOST", "example.se:443"]:
        request = factory.get("/", HTTP_HOST=host)
        expected = Site._find_for_request(request)
        found = site_for_request(request)
        assert (found and found.pk) == (expected and expected.pk), host


def test_the_site_is_found_once_per_request_and_in_one_statement():
    request = RequestFactory().get("/", HTTP_HOST=PUBLIC_HOST)
    with CaptureQueriesContext(connection) as queries:
        find_site_once(request)
        find_site_once(request)
        site = Site.find_for_request(request)
    assert len(queries) == 1
    assert site.pk == wagtails_site(PUBLIC_HOST, 80).pk


@pytest.fixture
def home():
    return HomePage.objects.first()


def wagtails_menu(home):
    from policies.models import AccessibilityStatementPage

    types = (InformationPage, ContentPage, AccessibilityStatementPage)
    return list(Page.objects.live().child_of(home).in_menu().type(*types).public().order_by("path"))


def test_the_menu_holds_what_wagtails_queryset_holds(home):
    def info(title, **fields):
        return home.add_child(instance=InformationPage(title=title, slug=title.lower(), **fields))

    shown = info("Om", show_in_menus=True)
    info("Dold", show_in_menus=False)
    info("Utkast", show_in_menus=True, live=False)
    locked = info("Intern", show_in_menus=True)
    PageViewRestriction.objects.create(page=locked, restriction_type="login")
    content = home.add_child(
        instance=ContentPage(title="Kontakt", slug="kontakt", show_in_menus=True)
    )
    # A grandchild in the menu is not a menu page of the start page.
    shown.add_child(instance=InformationPage(title="Under", slug="under", show_in_menus=True))

    request = RequestFactory().get("/", HTTP_HOST=PUBLIC_HOST)
    menu = _menu_pages(request)
    assert [page.pk for page in menu] == [page.pk for page in wagtails_menu(home)]
    assert {page.pk for page in menu} >= {shown.pk, content.pk}
    assert locked.pk not in {page.pk for page in menu}


def test_a_restriction_above_the_menu_hides_it_all(home):
    home.add_child(instance=InformationPage(title="Om", slug="om", show_in_menus=True))
    PageViewRestriction.objects.create(page=home, restriction_type="login")
    request = RequestFactory().get("/", HTTP_HOST=PUBLIC_HOST)
    assert _menu_pages(request) == []
    assert wagtails_menu(home) == []


def test_routing_below_the_start_page_does_not_read_its_own_row_again(home):
    from django.test import Client

    home.intro = "<p>Välkommen till kommunens styrdokument.</p>"
    home.save_revision().publish()
    client = Client(HTTP_HOST=PUBLIC_HOST)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/styrdokument/")
    assert response.status_code == 200
    assert not [q for q in queries if "policies_homepage" in q["sql"]]

    # The start page itself still shows its own text (read when its template asks for it).
    response = client.get("/")
    assert "Välkommen till kommunens styrdokument." in response.content.decode()


def test_the_start_page_is_routed_in_one_query_and_keeps_its_restriction(home):
    from django.test import Client

    home.add_child(instance=InformationPage(title="Om", slug="om", show_in_menus=True))
    client = Client(HTTP_HOST=PUBLIC_HOST)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert '<a href="/om/">Om</a>' in response.content.decode()
    # The menu and the view restrictions came with the routing query: no query of their own.
    restriction_reads = [
        q for q in queries if q["sql"].startswith('SELECT "wagtailcore_pageviewrestriction"')
    ]
    assert restriction_reads == []

    PageViewRestriction.objects.create(page=home, restriction_type="password", password="hemlig")
    response = client.get("/")
    assert response.status_code == 200
    assert "Välkommen" not in response.content.decode()
    assert 'name="password"' in response.content.decode()


@pytest.mark.parametrize(
    "path, reads_site",
    [
        ("/", True),
        ("/styrdokument/", True),
        ("/sok/?q=loggning", True),
        ("/sok/forslag/?q=logg", True),
        ("/api/v2/pages/", True),
        ("/halsa/", False),
    ],
)
def test_only_the_views_that_use_the_site_read_it(path, reads_site):
    from django.test import Client

    client = Client(HTTP_HOST=PUBLIC_HOST)
    client.get(path)  # Wagtail's cached list of site roots is filled
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    lookups = [q["sql"] for q in queries if '"wagtailcore_site"."hostname" = ' in q["sql"]]
    assert len(lookups) == (1 if reads_site else 0)
    # The compiled candidates, not Wagtail's ranking (a CASE named "match") built again.
    assert not [sql for sql in lookups if ' AS "match"' in sql]
