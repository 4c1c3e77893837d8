"""A styrdokument and the register on paper (issue 22, item 5): Chromium prints them to PDF with
the print stylesheet (static/css/print.css) and the PDF is read back with pypdf.

What a reader of the printout needs: the title and the document's facts before its text, none
of the site's chrome (menus, skip link, footer, buttons, filters), every link's address after
its text (absolute for the kommun's own pages), no requirement split over two pages, and the
register's header row on every page.
"""

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from policies.models import PolicyPage, RiktlinjePage
from tests.factories import (
    PASSWORD,
    get_lis_area,
    heading,
    make_document,
    make_live_document,
    make_user,
    paragraph,
    path_of,
    requirement,
)

pytestmark = pytest.mark.browser

STAFF = "utskrift"
REQUIREMENTS = 36
# Each requirement's text is long enough to take several lines, so that the page breaks fall
# near requirements and a split would show.
REQUIREMENT_TEXT = (
    "Kravpunkt {n:02d}: varje förvaltning ska föra en förteckning över sina "
    "informationstillgångar, bedöma dem efter konfidentialitet, riktighet och tillgänglighet, "
    "utse en informationsägare för var och en och se över bedömningen minst en gång om året "
    "eller när verksamheten förändras väsentligt."
)
EXTERNAL = "https://www.msb.se/sv/amnesomraden/informationssakerhet/"
CHROME_TEXTS = (
    "Hoppa till huvudinnehållet",
    "Kommunens gällande styrdokument",
    "Nyhetsflöde",
    "Intranät för medarbetare",
    "Logga ut",
    "Rensa filter",
)


def build_document():
    policy = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        slug="informationssakerhetspolicy",
        summary="Kommunens mål och ansvar för informationssäkerheten.",
    )
    body = [
        heading("Bakgrund"),
        paragraph(
            "<p>Riktlinjen bygger på "
            f'<a href="{EXTERNAL}">MSB:s metodstöd</a> och på '
            f'<a linktype="page" id="{policy.pk}">kommunens informationssäkerhetspolicy</a>.</p>'
        ),
        heading("Krav"),
        *[requirement(f"<p>{REQUIREMENT_TEXT.format(n=n)}</p>") for n in range(1, REQUIREMENTS)],
    ]
    return make_document(
        RiktlinjePage,
        parent=policy,
        title="Riktlinje för informationsklassning",
        slug="riktlinje-for-informationsklassning",
        summary="Hur information klassas.",
        diarienummer="KS-2026-4711",
        lis_areas=[get_lis_area(5)],
        body=body,
    )


def print_to_pdf(tab, url):
    response = tab.goto(url)
    assert response.status == 200, url
    tab.wait_for_load_state("networkidle")
    tab.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(tab.pdf(format="A4")))
    texts = [page.extract_text() or "" for page in reader.pages]
    return texts


def flat(text):
    """The text as words joined by single spaces, ligatures (the PDF's "ﬁ") as letters."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def no_space(text):
    return re.sub(r"\s+", "", text)


def test_a_document_prints_facts_first_without_chrome_with_addresses_and_whole_requirements(
    styrdok, page
):
    document = build_document()
    pages = print_to_pdf(page, f"{styrdok.public}{path_of(document)}")
    whole = flat(" ".join(pages))

    # A long document takes a few pages, not dozens, and each page has text.
    assert 3 <= len(pages) <= 12, len(pages)
    assert all(text.strip() for text in pages)

    # The title and the metadata block come before the text.
    first = flat(pages[0])
    assert first.index("Riktlinje för informationsklassning") < first.index("Beslutsdatum")
    assert first.index("Dnr") < first.index("Bakgrund")
    assert "KS-2026-4711" in first

    # None of the site's chrome.
    for text in CHROME_TEXTS:
        assert text not in whole, text
    assert "Ladda ned som PDF" not in whole

    # Link addresses follow the link text: the external one as written, the internal one whole.
    compact = no_space(" ".join(pages))
    assert no_space(EXTERNAL) in compact
    internal = f"{styrdok.public}/styrdokument/informationssakerhetspolicy/"
    assert internal in compact, "the internal link's absolute address is missing"
    # The page's own address is printed at the top.
    assert f"{styrdok.public}{path_of(document)}" in no_space(pages[0])

    # Every requirement is whole on one page.
    page_texts = [flat(text) for text in pages]
    for n in range(1, REQUIREMENTS):
        wanted = flat(REQUIREMENT_TEXT.format(n=n))
        on = [index for index, text in enumerate(page_texts) if wanted in text]
        assert len(on) == 1, f"Krav {n} is split over pages or missing"


def test_the_register_prints_as_a_table_with_its_header_on_every_page(styrdok, browser):
    make_user(STAFF, first_name="Ulla", last_name="Utskrift")
    for n in range(25):
        make_live_document(
            RiktlinjePage,
            title=f"Riktlinje {n:02d} för behörighetsstyrning och loggning i verksamhetssystem",
            slug=f"riktlinje-{n:02d}",
            lis_areas=[get_lis_area(5), get_lis_area(9)],
        )
    for channel in ("public", "intranet"):
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
        try:
            tab = context.new_page()
            base = styrdok.public if channel == "public" else styrdok.intranet
            if channel == "intranet":
                tab.goto(f"{base}/logga-in/")
                tab.get_by_label("Användarnamn").fill(STAFF)
                tab.get_by_label("Lösenord").fill(PASSWORD)
                tab.get_by_role("button", name="Logga in").click()
                tab.wait_for_url(f"{base}/")
            pages = print_to_pdf(tab, f"{base}/styrdokument/")
        finally:
            context.close()

        assert 2 <= len(pages) <= 10, (channel, len(pages))
        whole = flat(" ".join(pages))
        for text in CHROME_TEXTS:
            assert text not in whole, (channel, text)
        # The header row is repeated at the top of every page.
        for number, text in enumerate(pages, start=1):
            header = flat(text)
            assert "Revideras senast" in header and "Dokumenttyp" in header, (channel, number)
        # A row is never split: each title (and its address) is whole on one page.
        page_texts = [flat(text) for text in pages]
        compact = [no_space(text) for text in pages]
        for n in range(25):
            title = f"Riktlinje {n:02d} för behörighetsstyrning och loggning i verksamhetssystem"
            on = [i for i, text in enumerate(page_texts) if title in text]
            assert len(on) == 1, (channel, title)
            assert f"{base}/styrdokument/riktlinje-{n:02d}/" in compact[on[0]], (channel, n)
