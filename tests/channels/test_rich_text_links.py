"""A public document's text may not link to documents the public site does not show."""

from policies.models import Publicity, RiktlinjePage
from policies.models.documents import hidden_page_links
from tests.factories import make_document


def link(page, text="länk"):
    return f'<p>Se <a linktype="page" id="{page.pk}">{text}</a>.</p>'


def test_links_to_internal_documents_are_reported_by_title(db):
    internal = make_document(RiktlinjePage, title="Intern riktlinje", publicity=Publicity.INTERNAL)
    public = make_document(RiktlinjePage, title="Offentlig riktlinje")

    assert hidden_page_links(link(internal) + link(public)) == ["Intern riktlinje"]


def test_links_to_public_documents_and_plain_text_pass(db):
    public = make_document(RiktlinjePage, title="Offentlig riktlinje")

    assert hidden_page_links(link(public)) == []
    assert hidden_page_links("<p>Ingen länk alls, bara text.</p>") == []
    assert hidden_page_links(f'<a id="{public.pk}" linktype="page">omvänd ordning</a>') == []


def test_attribute_order_does_not_hide_an_internal_link(db):
    internal = make_document(RiktlinjePage, title="Intern rutin", publicity=Publicity.INTERNAL)

    assert hidden_page_links(f'<a id="{internal.pk}" linktype="page">x</a>') == ["Intern rutin"]
