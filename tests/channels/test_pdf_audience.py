"""The archival PDFs follow the same audience rules as the pages they are made from.

A PDF is a file read through /arkiv/<pk>/pdf/, never from the archive folder itself: public
versions of public documents are open to anyone, everything else is a 404 on the public site,
and restricted documents' PDFs exist only for the groups they are shared with. The PDFs' text is
read back with pypdf, since marker words inside a compressed PDF never show up in its bytes.
"""

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from pypdf import PdfReader

from policies.models import RiktlinjePage
from tests.channels.conftest import (
    body_of,
    client_for,
    crawl,
    group,
    leaks_in,
    needles_for,
    versions_of,
)
from tests.factories import PUBLIC_HOST, make_document, paragraph

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

PDF_TYPE = "application/pdf"


@pytest.fixture
def scene(scene_once, db):
    """The scene, built once for the module; its pages read again for each test."""
    return scene_once.reloaded()


@pytest.fixture
def media_root(scene_once):
    """The scene's files stay in the module's folder rather than a new one per test."""


@pytest.fixture
def archive_root(scene_once):
    """Likewise the archival PDFs of the scene's versions."""


def pdf_url(version):
    return f"/arkiv/{version.pk}/pdf/"


def pdf_text(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == PDF_TYPE
    data = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def anonymous():
    return Client(HTTP_HOST=PUBLIC_HOST)


@pytest.fixture
def restricted_public(scene):
    """A document adopted as public but restricted to a group: its PDF is not public either."""
    marker = scene.marker("BEGRANSADPUBLIK-TEXT")
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för säkerhetsskyddet",
        slug="riktlinje-for-sakerhetsskyddet",
        publicity="public",
        restricted_to=[group()],
        body=[paragraph(f"<p>{marker}</p>")],
    )
    scene.restricted_markers.append(marker)
    return page


def hidden_pdf_urls(scene, names):
    """The PDFs of the named documents' versions that the public site does not show."""
    urls = []
    for name in names:
        for version in versions_of(scene.page(name)):
            if version.publicity == "internal" or name in scene.hidden_from_staff:
                urls.append(pdf_url(version))
    return urls


def test_public_pdfs_are_open_to_anyone(scene, anonymous):
    needles = needles_for(scene.markers)
    titles = {
        "policy": "Informationssäkerhetspolicy",
        "offentlig": "Riktlinje för incidenthantering",
        "offentligrutin": "Stödanvisning för incidentrapporten",
    }
    for name, title in titles.items():
        (version,) = versions_of(scene.page(name))
        text = pdf_text(anonymous.get(pdf_url(version)))

        assert title in text
        assert leaks_in(text, needles) == [], name
    # The public document supersedes an internal one and refers to internal ones: the PDF names
    # none of them, as its page does not.
    text = pdf_text(anonymous.get(pdf_url(versions_of(scene.page("offentlig"))[0])))
    assert "\nErsätter –\n" in text
    assert "Se även: Informationssäkerhetspolicy – övergripande" in text
    for note in ("för serverhallen", "för säkerhetsskyddet", "under arbete"):
        assert note not in text
    # Version 1.0 of a document that is internal since 2.0 stays public, as it read then.
    earlier = versions_of(scene.page("forrpublik"))[0]
    text = pdf_text(anonymous.get(pdf_url(earlier)))
    assert "Loggar sparas i sex månader." in text
    assert leaks_in(text, needles) == []
    assert anonymous.get(pdf_url(earlier))["Content-Disposition"] == (
        'inline; filename="riktlinje-for-loggning-version-1.0.pdf"'
    )


def test_hidden_pdfs_are_404_on_the_public_site_for_everyone(
    scene, anonymous, superuser, member, restricted_public
):
    names = [name for name in scene.hidden_from_public if name != "utkast"]
    urls = hidden_pdf_urls(scene, names)
    urls.append(pdf_url(versions_of(restricted_public)[0]))
    assert pdf_url(versions_of(scene.page("forrpublik"))[1]) in urls
    assert len(urls) == 6
    needles = needles_for(scene.markers)

    for client in (
        anonymous,
        client_for(superuser, host=PUBLIC_HOST),
        client_for(member, host=PUBLIC_HOST),
    ):
        responses = {url: client.get(url) for url in urls}

        assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(urls, 404)
        assert [url for url, r in responses.items() if leaks_in(body_of(r), needles)] == []


def test_internal_pdf_text_never_reaches_the_public_site(
    scene, anonymous, superuser_client, restricted_public
):
    # A control: the internal PDFs do carry the markers, so finding none on the public site
    # means they were withheld.
    for name in ("intern", "internrutin", "begransad", "forrpublik"):
        text = pdf_text(superuser_client.get(pdf_url(versions_of(scene.page(name))[-1])))
        assert scene.marker(f"{name.upper()}-TEXT") in text, name

    fetched = crawl(anonymous, ["/"])

    pdfs = sorted(url for url in fetched if url.startswith("/arkiv/") and url.endswith("/pdf/"))
    expected = [
        pdf_url(version)
        for name in ("policy", "offentlig", "offentligrutin")
        for version in versions_of(scene.page(name))
    ]
    expected.append(pdf_url(versions_of(scene.page("forrpublik"))[0]))
    assert pdfs == sorted(expected)
    needles = needles_for(scene.markers)
    for url in pdfs:
        assert fetched[url].status == 200, url
        assert fetched[url].response["Content-Type"] == PDF_TYPE
        assert leaks_in(pdf_text(anonymous.get(url)), needles) == [], url
    hidden = set(hidden_pdf_urls(scene, scene.hidden_from_public))
    hidden.add(pdf_url(versions_of(restricted_public)[0]))
    assert [url for url, item in fetched.items() if any(h in item.body for h in hidden)] == []


def test_restricted_pdfs_on_the_intranet_only_for_their_group(
    scene, intranet_client, member_client, anonymous_intranet_client
):
    restricted_needles = needles_for(scene.restricted_markers, any_marker=False)
    for name in ("begransad", "begransadrutin"):
        url = pdf_url(versions_of(scene.page(name))[0])

        outside = intranet_client.get(url)
        assert outside.status_code == 404, name
        assert leaks_in(body_of(outside), restricted_needles) == []
        assert scene.marker(f"{name.upper()}-TEXT") in pdf_text(member_client.get(url))
        anonymous = anonymous_intranet_client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"] == "/logga-in/?next=" + quote(url)

    # Internal documents are staff's to read, and their PDFs do not name restricted ones
    # (internrutin supersedes the restricted riktlinje).
    for name in ("intern", "internrutin"):
        text = pdf_text(intranet_client.get(pdf_url(versions_of(scene.page(name))[0])))
        assert scene.marker(f"{name.upper()}-TEXT") in text
        assert leaks_in(text, restricted_needles) == [], name


@pytest.mark.parametrize("inside_media", [False, True], ids=["own-folder", "under-media"])
def test_the_archive_folder_is_not_reachable_on_the_web(
    scene, settings, anonymous, superuser_client, inside_media
):
    if inside_media:
        # Even a deployment that put the archive under MEDIA_ROOT serves no file from it.
        settings.STYRDOK_ARCHIVE_ROOT = Path(settings.MEDIA_ROOT) / "arkiv"
    version = versions_of(scene.page("offentlig"))[0]
    assert pdf_text(anonymous.get(pdf_url(version)))
    version.refresh_from_db()
    name = version.pdf.name
    assert (Path(settings.STYRDOK_ARCHIVE_ROOT) / name).is_file()
    filename = name.rsplit("/", 1)[1]
    guesses = [
        f"/media/{name}",
        f"/media/arkiv/{name}",
        "/media/arkiv/",
        f"/arkiv/{name}",
        f"/arkiv/{version.pk}/{filename}",
        f"/arkiv/{version.pk}/pdf/{filename}",
        f"/var/arkiv/{name}",
        f"/static/arkiv/{name}",
        f"/static/../var/arkiv/{name}",
        f"/dokument/{name}",
        f"/{name}",
        f"/{filename}",
    ]

    for client in (anonymous, superuser_client):
        for url in guesses:
            response = client.get(url, follow=True)

            assert response.status_code == 404, url
            assert not body_of(response).startswith("%PDF"), url
