"""What the search tests read off /sok/, as a reader sees it: the page, the titles of the
results in their order, the notices; and a one-paragraph document to search for."""

from bs4 import BeautifulSoup

from tests.factories import make_live_document, paragraph

SEARCH = "/sok/"


def search_page(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return response


def result_titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".search-result__title a")]


def notice_items(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in soup.select(".notice li")]


def one_paragraph_document(page_class, title, text, summary="", **fields):
    return make_live_document(
        page_class, title=title, summary=summary, body=[paragraph(f"<p>{text}</p>")], **fields
    )
