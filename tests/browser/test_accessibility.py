"""WCAG 2.1 AA in a real browser, on both channels (lagen om tillgänglighet till digital
offentlig service).

Every kind of page a reader meets - start page, register (filtered, page 2, no match), each
document type, an adopted version, the decision history (on the intranet's document page),
information page, the accessibility statement (DIGG's model), search (hits, no hits), login
and 404 - is loaded in headless Chromium on the public website (anonymous) and on the intranet
(a member of staff; the login page while logged out), and:

* axe-core reports no violations (all the rules it runs by default, best practices included);
* the page is in Swedish (lang="sv");
* the first Tab lands on a skip link that moves focus to the main content;
* Tab reaches every link, button and form field in document order, each with a visible focus
  indicator (a non-zero outline or a box-shadow);
* the headings make an outline: one h1, first, and no level skipped going down;
* at 320 CSS pixels (WCAG 1.4.10 reflow) nothing scrolls sideways and the register table is
  stacked into rows.

Keyboard operation is tested too: the register's filters and pagination, search, and logging in
and out, with Tab, typing and Enter only.

The data is built per test (live_server's database is flushed after each one, which is what costs
the time, so each page test covers both channels); a browser context per channel is shared by the
whole module. Screenshots of the register and a document at 1280 and 320 px are written to
/tmp/styrdok-browser (STYRDOK_BROWSER_ARTIFACTS) for a person to look at.
"""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from policies.models import (
    AdoptedVersion,
    HomePage,
    InformationPage,
    PolicyPage,
    Publicity,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
)
from tests.factories import (
    PASSWORD,
    adopt_new_version,
    days_ago,
    definitions,
    document_reference,
    get_lis_area,
    heading,
    make_accessibility_statement,
    make_document,
    make_live_documents,
    make_organisation,
    make_user,
    paragraph,
    path_of,
    requirement,
    responsibility_table,
    update_settings,
)

from . import a11y
from .conftest import DEFAULT_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS, _only_local
from .ui import screenshot

pytestmark = pytest.mark.browser

STAFF = "medarbetare"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
# More than one register page (25 a page) on both channels.
FILLER_DOCUMENTS = 25


# -- test data -------------------------------------------------------------------------------


def build_site(filler=True):
    """The pages a reader meets, with every kind of block; returns {name: path}.

    `filler` adds enough documents for a second page in the register and the search results
    (about a second's work, so only the tests that need pagination ask for it).
    """
    update_settings(security_team_email="informationssakerhet@exempelkommun.se")
    make_user(STAFF, first_name="Maja", last_name="Medarbetare")
    organisation = make_organisation("Kommunledningsförvaltningen")

    policy = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        slug="informationssakerhetspolicy",
        summary="Kommunens övergripande mål och ansvar för informationssäkerheten.",
        lis_areas=[get_lis_area(1), get_lis_area(2)],
        body=[
            heading("Syfte"),
            paragraph(
                "<p>Policyn anger <b>varför</b> kommunen arbetar med informationssäkerhet.</p>"
            ),
            heading("Mål"),
            paragraph("<ul><li>Rätt information</li><li>Till rätt person</li></ul>"),
        ],
    )
    riktlinje = make_document(
        RiktlinjePage,
        parent=policy,
        title="Riktlinje för informationsklassning",
        slug="riktlinje-for-informationsklassning",
        summary="Hur information klassas efter konfidentialitet, riktighet och tillgänglighet.",
        organisation=organisation,
        contact_name="Informationssäkerhetsfunktionen",
        contact_email="informationssakerhet@exempelkommun.se",
        lis_areas=[get_lis_area(5)],
        body=[
            heading("Bakgrund"),
            paragraph("<p>All information som kommunen hanterar ska klassas.</p>"),
            heading("Omfattning", level="h3"),
            paragraph("<p>Riktlinjen gäller alla förvaltningar och bolag.</p>"),
            heading("Krav"),
            requirement(
                "<p>Varje informationsmängd <b>ska</b> ha en utsedd informationsägare.</p>"
            ),
            requirement("<p>Klassningen ska ses över varje år.</p>", reference="K2"),
            heading("Ansvar"),
            responsibility_table(
                [
                    ("informationsagare", "Klassar informationen i sin verksamhet."),
                    ("systemagare", "Ser till att systemet uppfyller kraven."),
                ],
                caption="Ansvar för klassning",
            ),
            heading("Begrepp", level="h3"),
            definitions(
                [
                    ("Konfidentialitet", "Att informationen inte görs tillgänglig för obehöriga."),
                    ("Riktighet", "Att informationen är korrekt och fullständig."),
                ]
            ),
            document_reference(policy, note="den övergripande policyn"),
        ],
    )
    # A second decision: the page then lists its adopted versions.
    riktlinje = adopt_new_version(
        riktlinje, decision_date=days_ago(5), diarienummer="KS-2026-17", version="2.0"
    )
    rutin = make_document(
        RutinPage,
        parent=riktlinje,
        title="Rutin för inventering av informationsmängder",
        slug="rutin-for-ny-informationsmangd",
        summary="Steg för steg, från inventering till beslut.",
        lis_areas=[get_lis_area(5)],
        body=[heading("Steg"), paragraph("<ol><li>Inventera</li><li>Bedöm</li></ol>")],
    )
    stodanvisning = make_document(
        StodanvisningPage,
        parent=riktlinje,
        title="Stödanvisning med exempel från verksamheten",
        slug="stodanvisning-med-exempel",
        body=[heading("Exempel"), paragraph("<p>Personakter har höga krav på skydd.</p>")],
    )
    internal = make_document(
        RiktlinjePage,
        title="Intern riktlinje för loggning",
        slug="intern-riktlinje-for-loggning",
        publicity=Publicity.INTERNAL,
        summary="Vilka händelser som loggas och hur länge loggarna sparas.",
        body=[heading("Loggning"), paragraph("<p>Loggar sparas i två år.</p>")],
    )
    if filler:
        make_live_documents(
            RiktlinjePage, FILLER_DOCUMENTS, title="Riktlinje {n:02d} om dokumenthantering"
        )

    home = HomePage.objects.get()
    home.intro = "<p>Här finns kommunens gällande styrdokument.</p>"
    home.save_revision().publish()
    information = InformationPage(
        title="Så arbetar kommunen med informationssäkerhet",
        slug="informationssakerhet",
        show_in_menus=True,
        intro="<p>Så skyddar kommunen information om invånare och verksamhet.</p>",
        body=[
            heading("Varför informationssäkerhet är viktigt"),
            paragraph("<p>Verksamheten bygger på att rätt information finns tillgänglig.</p>"),
            {
                "type": "roles",
                "value": {"heading": "Roller och ansvar", "intro": "Så fördelas det:"},
            },
            {
                "type": "adopted_documents",
                "value": {"heading": "Våra styrdokument", "intro": "", "document_type": ""},
            },
            {"type": "last_updated", "value": {"heading": "Senast beslutat", "intro": ""}},
            {
                "type": "security_contact",
                "value": {
                    "heading": "Kontakta oss",
                    "intro": "Skriv till oss om säkerhetsbrister.",
                },
            },
        ],
    )
    home.add_child(instance=information)
    information.save_revision().publish()
    statement = make_accessibility_statement(home)

    register = path_of(Page.objects.get(slug="styrdokument"))
    earlier = AdoptedVersion.objects.filter(document_id=riktlinje.pk).order_by("pk").first()
    return {
        "home": "/",
        "register": register,
        "register filtered": f"{register}?typ=riktlinje&omrade=5&sortering=titel",
        "register page 2": f"{register}?sida=2",
        "register empty": f"{register}?typ=policy&status=forsenad",
        # The riktlinje's page has its adopted versions and, on the intranet, its history.
        "document": path_of(riktlinje),
        "policy": path_of(policy),
        "rutin": path_of(rutin),
        "stodanvisning": path_of(stodanvisning),
        "adopted version": f"/arkiv/{earlier.pk}/",
        "internal document": path_of(internal),
        "information": path_of(information),
        # The accessibility statement (tillgänglighetsredogörelse) in DIGG's model.
        "accessibility statement": path_of(statement),
        # More than one page of hits (20 a page): the search form, results and pagination.
        "search": "/sok/?q=riktlinje",
        "search no results": "/sok/?q=zxqvbnmkl",
        "login": "/logga-in/",
        "404": "/den-har-sidan-finns-inte/",
    }


# -- browser fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per channel for the whole module (cookies are cleared per test)."""
    made = {}
    for channel in ("public", "intranet"):
        context = browser.new_context(
            locale="sv-SE", timezone_id="Europe/Stockholm", viewport=DESKTOP
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.route("**/*", _only_local)
        made[channel] = context
    yield made
    for context in made.values():
        context.close()


PAGINATED = ("register", "register page 2", "search")


@pytest.fixture
def site(styrdok, request):
    """The pages for a test parametrized by page `name`: filler documents only where paginated."""
    return build_site(filler=request.node.callspec.params["name"] in PAGINATED)


def open_tab(contexts, request, channel):
    """A new tab in the channel's context, logged out; photographed if the test fails."""
    context = contexts[channel]
    context.clear_cookies()
    tab = context.new_page()
    tab.set_viewport_size(DESKTOP)
    tab.js_errors = []
    tab.on("pageerror", lambda error: tab.js_errors.append(f"{tab.url}: {error}"))
    request.addfinalizer(lambda: _close_tab(tab, request, channel))
    return tab


def _close_tab(tab, request, channel):
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        path = screenshot(tab, f"{request.node.name}-{channel}-failed")
        print(f"Screenshot of the failed test: {path} (at {tab.url})")
    tab.close()


def log_in_on_intranet(tab, base):
    """Through the intranet's own login form, as a member of staff without admin rights."""
    tab.goto(f"{base}/logga-in/")
    tab.get_by_label("Användarnamn").fill(STAFF)
    tab.get_by_label("Lösenord").fill(PASSWORD)
    tab.get_by_role("button", name="Logga in").click()
    expect(tab.get_by_role("button", name="Logga ut Maja Medarbetare")).to_be_visible()


# -- every page, on both channels --------------------------------------------------------------

# Photographed at both widths for a person to look at (in /tmp/styrdok-browser).
SCREENSHOTS = ("register", "document")
PAGES = [
    "home",
    "register",
    "register filtered",
    "register page 2",
    "register empty",
    "document",
    "policy",
    "rutin",
    "stodanvisning",
    "adopted version",
    "internal document",
    "information",
    "accessibility statement",
    "search",
    "search no results",
    "login",
    "404",
]


@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible(styrdok, site, contexts, request, name):
    """Both channels in one test: the data is built once (a database flush per test is what
    costs the time). A failure on one channel does not hide the other's."""
    channels = ["intranet"] if name == "internal document" else ["public", "intranet"]
    failures = []
    for channel in channels:
        tab = open_tab(contexts, request, channel)
        base = styrdok.public if channel == "public" else styrdok.intranet
        # The login page is seen logged out; every other intranet page by a member of staff.
        if channel == "intranet" and name != "login":
            log_in_on_intranet(tab, base)
        try:
            check_page(tab, channel, f"{base}{site[name]}", name)
        except AssertionError as error:
            failures.append(f"[{channel}] {error}")
    assert not failures, "\n\n".join(failures)


def check_page(tab, channel, url, name):
    response = tab.goto(url)
    assert response.status == (404 if name == "404" else 200), f"{response.status} at {tab.url}"
    assert tab.locator("main h1").count() == 1, f"no h1 in main at {tab.url}"

    # axe-core in the browser: no violations at all.
    results = a11y.axe_violations(tab)
    assert results.violations_count == 0, (
        f"axe-core found {results.violations_count} violation(s) on {tab.url}:\n"
        + a11y.describe_violations(results)
    )

    assert tab.locator("html").get_attribute("lang") == "sv"

    # Headings: one h1 first, no skipped levels.
    levels = a11y.headings(tab)
    assert a11y.heading_problems(levels) == [], f"headings on {tab.url}: {levels}"

    # Keyboard: everything focusable is reached in document order, with a visible indicator.
    expected = a11y.mark_focusables(tab)
    reached = a11y.tab_through(tab)
    assert reached, f"Tab reaches nothing on {tab.url}"
    first = reached[0]
    assert first["text"] == "Hoppa till huvudinnehållet", f"first Tab stop on {tab.url}: {first}"
    assert first["inViewport"], "the skip link stays off screen when focused"
    order = [info["id"] for info in reached]
    assert order == [item["id"] for item in expected], _missing(tab, expected, reached)
    invisible = [info for info in reached if not a11y.has_focus_indicator(info)]
    assert invisible == [], f"focus is not visible on {tab.url}: {invisible}"
    regions = {item["region"] for item in expected}
    required = {"skip", "header", "main"}
    if name.startswith("register"):
        required |= {"filters"}
    if name in PAGINATED:
        required |= {"pagination"}
    if name in ("home", "search"):
        required |= {"search"}
    assert required <= regions, f"nothing focusable in {required - regions} on {tab.url}"

    # The skip link moves focus to the main content; the next Tab stays there.
    tab.reload()
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    expect(tab.locator("main#huvudinnehall")).to_be_focused()
    tab.keyboard.press("Tab")
    assert a11y.focus_is_in(tab, "main"), f"Tab after the skip link goes to {a11y.focused(tab)}"
    if name in SCREENSHOTS:
        screenshot(tab, f"a11y-{channel}-{name}-desktop")

    # Reflow at 320 CSS pixels: no horizontal scrolling, nothing sticks out of the main content.
    tab.set_viewport_size(NARROW)
    tab.goto(url)
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{tab.url} scrolls sideways at 320 px ({width} px wide)"
    overflowing = a11y.overflowing_content(tab)
    assert overflowing == [], f"wider than 320 px on {tab.url}: {overflowing}"
    if name in SCREENSHOTS:
        screenshot(tab, f"a11y-{channel}-{name}-320")
    if name.startswith("register") and name != "register empty":
        table = tab.evaluate(
            """() => {
              const wrap = document.querySelector('.table-wrap');
              const row = document.querySelector('.register-table tbody tr');
              const cell = row.querySelector('td[data-label]');
              return {
                scrolls: wrap.scrollWidth > wrap.clientWidth,
                rowDisplay: getComputedStyle(row).display,
                cellDisplay: getComputedStyle(cell).display,
                label: getComputedStyle(cell, '::before').content,
              };
            }"""
        )
        # Stacked rows, each value named by its column, and nothing to scroll sideways.
        assert table["rowDisplay"] == table["cellDisplay"] == "block", table
        assert "Dokumenttyp" in table["label"], table
        assert not table["scrolls"], table
    if name == "document":
        # The two-column responsibility table is stacked too; only wide tables (the versions)
        # scroll inside their own keyboard-focusable region, as 1.4.10 allows for data tables.
        wrap = tab.get_by_role("region", name="Ansvar för klassning")
        assert wrap.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    assert tab.js_errors == []


def _missing(tab, expected, reached):
    ids = {info["id"] for info in reached}
    missing = [item for item in expected if item["id"] not in ids]
    return (
        f"on {tab.url} not reached with Tab (or not in document order): {missing}; "
        f"reached: {[(info['id'], info['text']) for info in reached]}"
    )


# -- operating the pages with the keyboard alone -------------------------------------------------


def test_public_register_and_search_work_from_the_keyboard(styrdok, contexts, request):
    site = build_site()
    tab = open_tab(contexts, request, "public")
    tab.goto(f"{styrdok.public}{site['register']}")

    # Choose a document type by typing in the closed list, then press Enter on "Visa".
    a11y.tab_to(tab, tab.get_by_label("Dokumenttyp"))
    tab.keyboard.type("Policy")
    expect(tab.get_by_label("Dokumenttyp")).to_have_value("policy")
    a11y.tab_to(tab, tab.get_by_role("button", name="Visa"))
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"[?&]typ=policy(&|$)"))
    expect(tab.locator(".result-count")).to_have_text(re.compile(r"^1 dokument som matchar"))
    expect(tab.get_by_role("link", name="Informationssäkerhetspolicy")).to_be_visible()

    # "Rensa filter", then through the pages with "Nästa" and back with "Föregående".
    a11y.tab_to(tab, tab.get_by_role("link", name="Rensa filter"))
    tab.keyboard.press("Enter")
    expect(tab.locator(".result-count")).to_have_text(f"{FILLER_DOCUMENTS + 4} dokument")
    pagination = tab.get_by_role("navigation", name="Sidnumrering")
    a11y.tab_to(tab, pagination.get_by_role("link", name="Nästa"))
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"[?&]sida=2$"))
    expect(pagination).to_contain_text("Sida 2 av 2")
    a11y.tab_to(tab, pagination.get_by_role("link", name="Föregående"))
    tab.keyboard.press("Enter")
    expect(pagination).to_contain_text("Sida 1 av 2")

    # Search from the start page: type, Enter, and follow the hit.
    a11y.tab_to(tab, tab.locator(".site-header__brand"))
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(f"{styrdok.public}/")
    a11y.tab_to(tab, tab.get_by_role("searchbox", name="Sök bland styrdokumenten"))
    tab.keyboard.type("klassning")
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"/sok/\?q=klassning$"))
    expect(tab.get_by_role("status")).to_have_text("1 träff för ”klassning”.")
    a11y.tab_to(tab, tab.get_by_role("link", name="Riktlinje för informationsklassning"))
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Riktlinje för informationsklassning")
    assert tab.js_errors == []


def test_intranet_login_and_logout_work_from_the_keyboard(styrdok, contexts, request):
    site = build_site(filler=False)
    tab = open_tab(contexts, request, "intranet")
    tab.goto(f"{styrdok.intranet}{site['register']}")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Logga in på intranätet")

    a11y.tab_to(tab, tab.get_by_label("Användarnamn"))
    tab.keyboard.type(STAFF)
    tab.keyboard.press("Tab")
    expect(tab.get_by_label("Lösenord")).to_be_focused()
    tab.keyboard.type(PASSWORD)
    tab.keyboard.press("Enter")
    # Back where the reader was going.
    expect(tab).to_have_url(f"{styrdok.intranet}{site['register']}")
    expect(tab.locator(".tag", has_text="Intern")).to_be_visible()

    logout = tab.get_by_role("button", name="Logga ut Maja Medarbetare")
    a11y.tab_to(tab, logout)
    assert a11y.has_focus_indicator(a11y.focused(tab))
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Logga in på intranätet")
    assert tab.js_errors == []


def test_a_refused_form_is_explained_in_swedish(styrdok, contexts, request):
    """A form the CSRF check refuses (a login form left open while the reader logged in or out
    in another tab, or without cookies) answers 403 with the site's own page: lang="sv", a
    Swedish title and heading, the landmarks and skip link, and no axe-core violations. Django's
    built-in page has lang="en" around Swedish text and no way back to the site."""
    build_site(filler=False)
    tab = open_tab(contexts, request, "intranet")
    tab.goto(f"{styrdok.intranet}/logga-in/")
    # The form's token no longer matches any cookie, as after a login in another tab.
    tab.context.clear_cookies()
    tab.get_by_label("Användarnamn").fill(STAFF)
    tab.get_by_label("Lösenord").fill(PASSWORD)
    with tab.expect_navigation() as navigation:
        tab.get_by_role("button", name="Logga in").click()
    assert navigation.value.status == 403

    assert tab.locator("html").get_attribute("lang") == "sv"
    assert tab.title() == "Formuläret kunde inte skickas – Exempelkommun intranät", tab.title()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Formuläret kunde inte skickas")
    results = a11y.axe_violations(tab)
    assert results.violations_count == 0, (
        f"axe-core found {results.violations_count} violation(s) on {tab.url}:\n"
        + a11y.describe_violations(results)
    )
    assert a11y.heading_problems(a11y.headings(tab)) == []
    tab.keyboard.press("Tab")
    assert a11y.focused(tab)["text"] == "Hoppa till huvudinnehållet"
    tab.keyboard.press("Enter")
    expect(tab.locator("main#huvudinnehall")).to_be_focused()
    expect(tab.get_by_role("link", name="styrdokumentregistret")).to_be_visible()
    assert tab.js_errors == []
