"""Archival PDFs of adopted versions: what they contain, that they are PDF/A and tagged, and that
a stored PDF is never rewritten (except the current one when its decision is republished).

The PDFs are read back with pypdf, as an archive's ingest check would.
"""

import datetime
import hashlib
import io
import os
import socket

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from governance.models import DecisionBody, StyrdokSettings
from policies import archive, tasks
from policies.models import AdoptedVersion, PolicyPage, RiktlinjePage
from policies.pdf import LocalFetcher, render_pdf
from policies.tasks import generate_adopted_version_pdf
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    document_reference,
    get_body,
    heading,
    make_document,
    make_user,
    paragraph,
    path_of,
    requirement,
    update_settings,
)
from tests.shared import build_once

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

DECIDED = datetime.date(2025, 3, 12)
VALID_FROM = datetime.date(2025, 4, 1)
HEADINGS = ["Syfte och mål", "Omfattning", "Ansvar för åtkomst", "Uppföljning"]


# -- helpers ---------------------------------------------------------------------------------


def reader_for(data):
    return PdfReader(io.BytesIO(data))


def stored_bytes(version):
    version.refresh_from_db()
    with version.pdf.open("rb") as file:
        return file.read()


def page_texts(reader):
    return [page.extract_text() for page in reader.pages]


def response_bytes(response):
    return b"".join(response.streaming_content)


def title_block(text):
    """{label: value} from the title block on page 1 (one row a line, label first)."""
    labels = [
        "Dokumenttyp",
        "Beslutad av",
        "Beslutsdatum",
        "Dnr",
        "§",
        "Dokumentansvarig",
        "Giltig från",
        "Revideras senast",
        "Version",
        "Ersätter",
        "Publicering",
    ]
    block = text.split("Uppgifter om dokumentet", 1)[1].split("Innehåll", 1)[0]
    rows = {}
    for line in block.splitlines():
        for label in labels:
            if line.startswith(f"{label} ") and label not in rows:
                rows[label] = line[len(label) + 1 :].strip()
                break
    return rows


def versions_of(page):
    return list(AdoptedVersion.objects.filter(document_id=page.pk).order_by("adopted_at", "pk"))


def publish(capture, page_class=RiktlinjePage, **fields):
    """make_document with the on-commit tasks run, as after a real commit."""
    with capture(execute=True):
        return make_document(page_class, **fields)


def adopt(capture, page, **changes):
    with capture(execute=True):
        return adopt_new_version(page, **changes)


def long_body(other, headings=HEADINGS):
    """A riktlinje body long enough for two pages, with å/ä/ö, ska-krav and links."""
    filler = " ".join(["Åtkomsten prövas årligen av närmaste chef och följs upp i ledningen."] * 6)
    body = []
    for index, text in enumerate(headings):
        body.append(heading(text))
        body.append(paragraph(f"<p>{filler}</p>"))
        if index == 0:
            body.append(
                paragraph(
                    "<p>Växjö-modellen gäller för behörigheter. Läs även "
                    f'<a linktype="page" id="{other.pk}">den övergripande policyn</a>.</p>'
                )
            )
        if index == 1:
            body.append(requirement("<p>Varje användare ska ha ett personligt konto.</p>"))
            body.append(requirement("<p>Lösenfraser ska vara minst fyra ord långa.</p>"))
        if index == 2:
            body.append(requirement("<p>Chefen ska godkänna åtkomst.</p>", reference="K4"))
        if index == 3:
            body.append(document_reference(other, note="övergripande mål"))
    return body


@pytest.fixture
def owner(db):
    return make_user("agare", first_name="Åsa", last_name="Öberg")


@pytest.fixture
def policy(db):
    return make_document(PolicyPage, title="Övergripande informationssäkerhetspolicy")


def riktlinje_fields(owner, policy):
    return {
        "title": "Riktlinje för åtkomsthantering",
        "slug": "riktlinje-for-atkomsthantering",
        "summary": "Hur åtkomst till kommunens system ges, ändras och tas bort.",
        "body": long_body(policy),
        "version": "1.0",
        "decision_body": get_body("ks"),
        "decision_date": DECIDED,
        "valid_from": VALID_FROM,
        "diarienummer": "KS-2025-77",
        "protocol_paragraph": 41,
        "responsible": owner,
    }


@pytest.fixture
def riktlinje(django_capture_on_commit_callbacks, owner, policy):
    return publish(django_capture_on_commit_callbacks, **riktlinje_fields(owner, policy))


@pytest.fixture
def version(riktlinje):
    return AdoptedVersion.objects.get(document_id=riktlinje.pk)


@pytest.fixture
def reader(version):
    return reader_for(stored_bytes(version))


# -- content -------------------------------------------------------------------------------


def test_no_table_of_contents_with_fewer_headings(django_capture_on_commit_callbacks, policy):
    page = publish(
        django_capture_on_commit_callbacks,
        title="Kort riktlinje",
        body=long_body(policy, headings=HEADINGS[:3]),
    )
    version = versions_of(page)[0]

    text = "\n".join(page_texts(reader_for(stored_bytes(version))))

    assert "Innehåll" not in text
    assert "Syfte och mål" in text


def test_ersatter_names_the_previous_version(django_capture_on_commit_callbacks, riktlinje):
    page = adopt(
        django_capture_on_commit_callbacks,
        riktlinje,
        version="2.0",
        decision_date=DECIDED + datetime.timedelta(days=200),
        valid_from=None,
        diarienummer="KS-2025-301",
    )
    first, second = versions_of(page)

    rows = title_block(page_texts(reader_for(stored_bytes(second)))[0])

    assert rows["Ersätter"] == "Version 1.0, beslutad 2025-03-12 (KS-2025-77)"
    assert rows["Version"] == "2.0"
    assert first.pdf_sha256 != second.pdf_sha256


# -- archival format -----------------------------------------------------------------------


def test_metadata_language_and_pdf_a_identification(django_capture_on_commit_callbacks, policy):
    update_settings(kommun_name="Åsele kommun")
    page = publish(
        django_capture_on_commit_callbacks,
        title="Riktlinje för loggning",
        summary="Vilka loggar som sparas och hur länge.",
        body=long_body(policy),
        diarienummer="KS-2025-88",
    )
    reader = reader_for(stored_bytes(versions_of(page)[0]))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")

    assert StyrdokSettings.load().kommun_name == "Åsele kommun"
    assert reader.metadata["/Title"] == "Riktlinje för loggning"
    assert reader.metadata["/Author"] == "Åsele kommun"
    assert reader.metadata["/Subject"] == "Vilka loggar som sparas och hur länge."
    assert "KS-2025-88" in reader.metadata["/Keywords"]
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'pdfaid:conformance="A"' in xmp or "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    # The PDF/A extension schema that declares the pdfuaid property.
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    # The same title in the page header on page 2 uses the kommun's name too.
    assert "Åsele kommun" in page_texts(reader)[1]


@pytest.mark.usefixtures("text_stored_before_the_input_guard")
def test_a_control_character_in_the_title_still_gives_the_pdf(
    django_capture_on_commit_callbacks, policy
):
    """A vertical tab (Word's manual line break) or a form feed in a title or summary made the
    PDF's XMP packet unreadable, so the adopted version had no PDF at all."""
    page = publish(
        django_capture_on_commit_callbacks,
        title="Riktlinje för\x0bloggning",
        slug="riktlinje-for-loggning",
        summary="Vilka loggar\x0csom sparas.",
        body=long_body(policy, headings=HEADINGS[:1]),
    )
    version = versions_of(page)[0]

    assert version.pdf_error == ""
    reader = reader_for(stored_bytes(version))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert reader.metadata["/Title"] == "Riktlinje för loggning"
    assert reader.metadata["/Subject"] == "Vilka loggar som sparas."
    assert "Riktlinje för loggning" in xmp


# -- never rewritten -------------------------------------------------------------------------


def test_a_superseded_pdf_never_changes(django_capture_on_commit_callbacks, riktlinje, owner):
    public = Client(HTTP_HOST=PUBLIC_HOST)
    first = versions_of(riktlinje)[0]
    url = first.get_pdf_url()
    before = response_bytes(public.get(url))
    path = first.pdf.path
    mtime = os.stat(path).st_mtime_ns
    generated_at = first.pdf_generated_at

    page = adopt(
        django_capture_on_commit_callbacks,
        riktlinje,
        version="2.0",
        title="Riktlinje för åtkomst och behörigheter",
        decision_date=DECIDED + datetime.timedelta(days=100),
        valid_from=None,
        diarienummer="KS-2025-200",
    )
    adopt(
        django_capture_on_commit_callbacks,
        page,
        version="3.0",
        decision_body=get_body("kommundirektor"),
        decision_date=DECIDED + datetime.timedelta(days=200),
        diarienummer="KS-2025-300",
    )
    DecisionBody.objects.filter(code="ks").update(name="Kommunstyrelsen (omdöpt)")
    owner.is_active = False
    owner.last_name = "Nyman"
    owner.save()
    # Asking for it again, even to replace it, does not touch a superseded version.
    generate_adopted_version_pdf.enqueue(first.pk)
    generate_adopted_version_pdf.enqueue(first.pk, replace=True)

    first.refresh_from_db()
    after = public.get(url)
    data = response_bytes(after)
    assert after.status_code == 200
    assert data == before
    assert hashlib.sha256(data).hexdigest() == first.pdf_sha256
    assert os.stat(path).st_mtime_ns == mtime
    assert first.pdf_generated_at == generated_at
    text = "\n".join(page_texts(reader_for(data)))
    assert "Kommunstyrelsen (omdöpt)" not in text
    assert "Åsa Öberg" in text
    assert len(versions_of(page)) == 3


def test_a_lost_file_is_rendered_again_with_the_same_bytes(version):
    public = Client(HTTP_HOST=PUBLIC_HOST)
    before = stored_bytes(version)
    version.pdf.storage.delete(version.pdf.name)
    assert not archive.pdf_is_stored(version)

    response = public.get(version.get_pdf_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response_bytes(response) == before
    version.refresh_from_db()
    assert archive.pdf_is_stored(version)
    assert version.pdf_sha256 == hashlib.sha256(before).hexdigest()


def test_a_republished_decision_is_a_new_version_and_no_pdf_is_rewritten(
    django_capture_on_commit_callbacks, riktlinje
):
    """Issue 13, items 2 and 8: a recorded version never changes; a corrected text is a new
    decision with its own label and its own PDF."""
    page = adopt(
        django_capture_on_commit_callbacks,
        riktlinje,
        version="2.0",
        decision_date=DECIDED + datetime.timedelta(days=100),
        valid_from=None,
        diarienummer="KS-2025-200",
    )
    first, second = versions_of(page)
    first_sha, first_at = first.pdf_sha256, first.pdf_generated_at
    second_sha, second_at = second.pdf_sha256, second.pdf_generated_at
    body = page.body.raw_data
    body[1]["value"] = body[1]["value"].replace("årligen", "årligen (rättat stavfel)")

    page = adopt(django_capture_on_commit_callbacks, page, body=body)

    first.refresh_from_db()
    second.refresh_from_db()
    third = versions_of(page)[-1]
    assert [v.version for v in versions_of(page)] == ["1.0", "2.0", "2.1"]
    assert page.version == "2.1"
    assert third.pdf_filename != second.pdf_filename
    assert "rättat stavfel" in "\n".join(page_texts(reader_for(stored_bytes(third))))
    assert (second.pdf_sha256, second.pdf_generated_at) == (second_sha, second_at)
    assert (first.pdf_sha256, first.pdf_generated_at) == (first_sha, first_at)
    assert "rättat stavfel" not in "\n".join(page_texts(reader_for(stored_bytes(second))))


# -- failures ------------------------------------------------------------------------------


def test_a_render_failure_is_recorded_and_shown_in_swedish(
    django_capture_on_commit_callbacks, monkeypatch, policy, admin_client_intranet
):
    def broken(version):
        raise RuntimeError("typsnittet saknas")

    monkeypatch.setattr(archive, "render_version_pdf", broken)
    page = publish(django_capture_on_commit_callbacks, title="Riktlinje utan PDF")
    version = versions_of(page)[0]
    public = Client(HTTP_HOST=PUBLIC_HOST)

    # Publishing went through; the PDF did not.
    assert page.live
    version.refresh_from_db()
    assert not version.pdf
    assert "typsnittet saknas" in version.pdf_error
    assert public.get(path_of(page)).status_code == 200

    response = public.get(version.get_pdf_url())

    assert response.status_code == 503
    html = response.content.decode()
    assert "PDF:en kan inte visas just nu" in html
    assert f'href="{version.get_absolute_url()}"' in html
    review = admin_client_intranet.get(reverse("styrdok_review:overview", args=[page.pk]))
    assert "RuntimeError: typsnittet saknas" in review.content.decode()

    # Once rendering works again, the next reader gets the PDF and the error is cleared.
    monkeypatch.undo()
    response = public.get(version.get_pdf_url())
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.pdf_error == ""


def test_a_queue_that_cannot_be_reached_does_not_fail_the_publish(
    django_capture_on_commit_callbacks, monkeypatch, public_client
):
    class Unreachable:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("kön svarar inte")

    monkeypatch.setattr(tasks, "generate_adopted_version_pdf", Unreachable())

    page = publish(django_capture_on_commit_callbacks, title="Riktlinje utan kö")

    version = versions_of(page)[0]
    assert page.live
    assert not version.pdf
    monkeypatch.undo()
    assert public_client.get(version.get_pdf_url()).status_code == 200


# -- only local resources ------------------------------------------------------------------


def test_the_fetcher_refuses_remote_addresses_and_reads_static_files(settings, tmp_path):
    fetcher = LocalFetcher()
    secret = tmp_path / "hemlig.txt"
    secret.write_text("hemligt")

    for url in (
        "http://example.invalid/bild.png",
        "https://example.invalid/static/../../etc/passwd.css",
        f"file://{secret}",
        "http://localhost/media/../../../../etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    logo = fetcher.fetch(f"http://{PUBLIC_HOST}{settings.STATIC_URL}img/kommunlogo.svg")
    try:
        assert b"<svg" in logo.read()
    finally:
        logo.close()


def test_rendering_never_reaches_the_network(
    monkeypatch, policy, django_capture_on_commit_callbacks
):
    calls = []
    original = LocalFetcher.fetch

    def spy(self, url, headers=None):
        try:
            result = original(self, url, headers)
        except Exception as exc:
            calls.append((url, type(exc).__name__))
            raise
        calls.append((url, "ok"))
        return result

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access while rendering: {args}")

    monkeypatch.setattr(LocalFetcher, "fetch", spy)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    page = publish(
        django_capture_on_commit_callbacks,
        title="Riktlinje med extern bild",
        body=[
            heading("Bilder"),
            paragraph(
                '<p>Före bilden.</p><img src="http://example.invalid/spårning.png" alt="Spår">'
                '<link rel="stylesheet" href="http://example.invalid/stil.css">'
                "<p>Efter bilden.</p>"
            ),
        ],
    )
    version = versions_of(page)[0]

    assert version.pdf_error == ""
    text = "\n".join(page_texts(reader_for(stored_bytes(version))))
    assert "Före bilden." in text and "Efter bilden." in text
    assert ("http://example.invalid/sp%C3%A5rning.png", "ValueError") in calls
    assert ("http://example.invalid/stil.css", "ValueError") in calls
    assert any(url.endswith("/static/img/kommunlogo.svg") and r == "ok" for url, r in calls)


def test_render_pdf_is_deterministic():
    html = '<html lang="sv"><head><title>Å</title></head><body><p>Ärende</p></body></html>'

    first = render_pdf(html, base_url=f"http://{PUBLIC_HOST}/")
    second = render_pdf(html, base_url=f"http://{PUBLIC_HOST}/")

    assert first.data == second.data
    assert first.pages == 1


# -- the production path: the database backend and its worker ---------------------------


def test_the_database_backend_and_db_worker_make_the_pdf(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes stale connections between tasks; inside this test's transaction that
    # would end the transaction, so it is left open (the worker's own work is unchanged).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    page = publish(django_capture_on_commit_callbacks, title="Riktlinje via kön")
    version = versions_of(page)[0]

    assert not version.pdf
    # (Wagtail queues its own tasks too: the search and reference indexes.)
    queued = DBTaskResult.objects.get(task_path="policies.tasks.generate_adopted_version_pdf")
    assert queued.task_path == "policies.tasks.generate_adopted_version_pdf"
    assert queued.status == "READY"

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    version.refresh_from_db()
    assert archive.pdf_is_stored(version)
    assert version.pdf_pages >= 1
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == version.pdf_sha256


# -- serving -------------------------------------------------------------------------------


# -- links to the PDFs ---------------------------------------------------------------------


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(node):
    return " ".join(node.get_text(" ").split())


def test_a_pdf_not_made_yet_is_still_offered(public_client):
    page = make_document(RiktlinjePage, title="Ny riktlinje", version="1.0")
    version = versions_of(page)[0]

    link = soup(public_client.get(path_of(page))).select_one(".pdf-download a")

    assert not version.pdf
    assert text_of(link) == "Ladda ned som PDF (arkivversion, version 1.0) – PDF"
    assert public_client.get(link["href"]).status_code == 200


def test_no_pdf_link_on_the_public_site_for_an_internal_current_version(
    public_client, intranet_client
):
    page = make_document(RiktlinjePage, title="Loggning", version="1.0")
    page = adopt_new_version(
        page,
        version="2.0",
        publicity="internal",
        decision_date=datetime.date.today(),
        diarienummer="KS-2025-900",
    )
    first, second = versions_of(page)

    # The public site has no page for it any more; its public version 1.0 keeps its PDF.
    assert public_client.get(path_of(page)).status_code == 404
    archived = soup(public_client.get(first.get_absolute_url()))
    assert archived.select_one(".pdf-download a")["href"] == first.get_pdf_url()
    assert second.get_pdf_url() not in str(archived)
    # Staff see version 2.0's.
    staff = soup(intranet_client.get(path_of(page)))
    assert staff.select_one(".pdf-download a")["href"] == second.get_pdf_url()


def test_the_archived_version_page_links_its_own_pdf(public_client):
    page = make_document(RiktlinjePage, title="Riktlinje A", version="1.0")
    page = adopt_new_version(
        page, version="2.0", decision_date=datetime.date.today(), diarienummer="KS-2025-901"
    )
    first, second = versions_of(page)

    html = soup(public_client.get(first.get_absolute_url()))

    assert html.select_one(".pdf-download a")["href"] == first.get_pdf_url()
    assert text_of(html.select_one(".pdf-download a")).startswith(
        "Ladda ned som PDF (arkivversion, version 1.0)"
    )
    table_links = [a["href"] for a in html.select("section.versions a[type='application/pdf']")]
    assert table_links == [second.get_pdf_url(), first.get_pdf_url()]


def build_adopted(archive):
    """The riktlinje of the `riktlinje` fixture (and the policy it links to), published with
    its PDF rendered: {name: pk}."""
    owner = make_user("agare", first_name="Åsa", last_name="Öberg")
    policy = make_document(PolicyPage, title="Övergripande informationssäkerhetspolicy")
    riktlinje = make_document(RiktlinjePage, **riktlinje_fields(owner, policy))
    return {"policy": policy.pk, "riktlinje": riktlinje.pk, "archive": archive}


@pytest.fixture(scope="class")
def adopted_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """build_adopted once for the class that asks for it, rolled back after its last test."""
    archive = tmp_path_factory.mktemp("pdf") / "arkiv"
    with override_settings(STYRDOK_ARCHIVE_ROOT=archive):
        yield from build_once(django_db_blocker, build_adopted, archive)


class TestOneAdoptedRiktlinje:
    """The tests that only read the riktlinje, its adopted version 1.0 and its PDF: published
    and rendered once for this class, in an archive folder of the class's own."""

    @pytest.fixture(autouse=True)
    def archive_root(self, settings, adopted_once):
        """The class's archive folder, where the PDF rendered at the build lies."""
        settings.STYRDOK_ARCHIVE_ROOT = adopted_once["archive"]
        return settings.STYRDOK_ARCHIVE_ROOT

    @pytest.fixture
    def policy(self, adopted_once, db):
        return PolicyPage.objects.get(pk=adopted_once["policy"])

    @pytest.fixture
    def riktlinje(self, adopted_once, db):
        return RiktlinjePage.objects.get(pk=adopted_once["riktlinje"])

    def test_publishing_stores_the_pdf_with_its_checksum(self, version):
        data = stored_bytes(version)

        assert data.startswith(b"%PDF-")
        assert version.pdf_sha256 == hashlib.sha256(data).hexdigest()
        assert version.pdf_size == len(data)
        assert version.pdf_generated_at is not None
        assert version.pdf_error == ""
        assert version.pdf.name == f"{version.document_id}/{version.pk}-{version.pdf_filename}"

    def test_text_keeps_swedish_letters_and_the_title_block(self, riktlinje, version, reader):
        texts = page_texts(reader)
        first = texts[0]

        everything = "\n".join(texts)
        for word in ("åtkomsthantering", "Växjö-modellen", "Åtkomsten", "årligen", "närmaste"):
            assert word in everything
        assert title_block(first) == {
            "Dokumenttyp": "Riktlinje",
            "Beslutad av": "Kommunstyrelsen",
            "Beslutsdatum": "2025-03-12",
            "Dnr": "KS-2025-77",
            "§": "41",
            "Dokumentansvarig": "Åsa Öberg",
            "Giltig från": "2025-04-01",
            "Revideras senast": riktlinje.next_review.isoformat(),
            "Version": "1.0",
            "Ersätter": "–",
            "Publicering": "Offentlig",
        }

    def test_page_numbers_and_running_header(self, version, reader):
        texts = page_texts(reader)
        pages = len(reader.pages)

        assert pages >= 2
        assert pages == version.pdf_pages
        assert f"Sida 1 av {pages}" in texts[0]
        assert f"Sida {pages} av {pages}" in texts[-1]
        # The running header is left off the first page, which has the title itself.
        assert "Riktlinje för åtkomsthantering · version 1.0" not in texts[0]
        for text in texts[1:]:
            assert "Riktlinje för åtkomsthantering · version 1.0" in text
            assert "Exempelkommun" in text

    def test_table_of_contents_links_to_its_headings(self, reader):
        first = page_texts(reader)[0]
        toc = first.split("Innehåll", 1)[1]
        root = reader.trailer["/Root"]
        names = root["/Names"]["/Dests"]["/Names"]
        destinations = {str(names[i]) for i in range(0, len(names), 2)}

        for text in HEADINGS:
            assert text in toc
        internal = set()
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") != "/Link":
                    continue
                if "/Dest" in annotation:
                    internal.add(str(annotation["/Dest"]))
                elif annotation.get("/A", {}).get("/S") == "/GoTo":
                    internal.add(str(annotation["/A"]["/D"]))
        anchors = {"syfte-och-mal", "omfattning", "ansvar-for-atkomst", "uppfoljning"}
        assert anchors <= internal
        assert anchors <= destinations

    def test_requirements_keep_their_numbers(self, reader):
        text = "\n".join(page_texts(reader))

        assert "Krav 1\nVarje användare ska ha ett personligt konto." in text
        assert "Krav 2\nLösenfraser ska vara minst fyra ord långa." in text
        assert "Krav K4\nChefen ska godkänna åtkomst." in text
        assert "Krav 3" not in text

    def test_links_to_other_documents_are_kept(self, policy, reader):
        text = "\n".join(page_texts(reader))
        uris = [
            annotation.get_object()["/A"]["/URI"]
            for page in reader.pages
            for annotation in page.get("/Annots") or []
            if annotation.get_object().get("/A", {}).get("/S") == "/URI"
        ]

        assert f"http://{PUBLIC_HOST}{path_of(policy)}" in uris
        assert "Se även: Övergripande informationssäkerhetspolicy – övergripande mål" in text

    def test_every_font_is_embedded(self, reader):
        fonts = {}
        for page in reader.pages:
            for name, font in (page["/Resources"].get("/Font") or {}).items():
                fonts[(name, font.idnum if hasattr(font, "idnum") else id(font))] = (
                    font.get_object()
                )

        assert fonts
        for font in fonts.values():
            if font["/Subtype"] == "/Type3":
                continue  # drawn glyphs, nothing to embed
            descriptor_owner = font["/DescendantFonts"][0] if font["/Subtype"] == "/Type0" else font
            descriptor = descriptor_owner.get_object()["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]

    def test_etag_and_not_modified(self, version):
        public = Client(HTTP_HOST=PUBLIC_HOST)
        url = version.get_pdf_url()

        response = public.get(url)
        etag = response["ETag"]
        again = public.get(url, headers={"If-None-Match": etag})
        other = public.get(url, headers={"If-None-Match": '"annat"'})
        several = public.get(url, headers={"If-None-Match": f'"annat", W/{etag}'})

        assert etag == f'"{version.pdf_sha256}"'
        assert again.status_code == 304
        assert again["ETag"] == etag
        assert several.status_code == 304
        assert other.status_code == 200
        assert response_bytes(other) == stored_bytes(version)

    def test_the_download_is_named_after_the_document_and_version(self, version):
        response = Client(HTTP_HOST=PUBLIC_HOST).get(version.get_pdf_url())

        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'inline; filename="riktlinje-for-atkomsthantering-version-1.0.pdf"'
        )

    def test_the_document_page_offers_the_current_pdf_with_its_size(self, riktlinje, version):
        response = Client(HTTP_HOST=PUBLIC_HOST).get(path_of(riktlinje))

        link = soup(response).select_one(".pdf-download a")
        assert link["href"] == f"/arkiv/{version.pk}/pdf/"
        assert link["type"] == "application/pdf"
        size = f"{version.pdf_size / 1024:.1f}".replace(".", ",")
        assert text_of(link) == (
            "Ladda ned som PDF (arkivversion, version 1.0) – PDF, "
            f"{size} kB, {version.pdf_pages} sidor"
        )

    def test_the_admin_header_links_the_current_pdf(
        self, admin_client_intranet, riktlinje, version
    ):
        response = admin_client_intranet.get(f"/admin/pages/{riktlinje.pk}/edit/")

        links = [a for a in soup(response).find_all("a") if text_of(a) == "Arkiv-PDF (version 1.0)"]
        assert [a["href"] for a in links] == [version.get_pdf_url()]
        pdf = Client(HTTP_HOST=INTRANET_HOST)
        pdf.force_login(make_user("arkivarie", superuser=True))
        assert pdf.get(version.get_pdf_url()).status_code == 200


def test_the_admin_header_has_no_pdf_for_a_draft(admin_client_intranet):
    draft = make_document(RiktlinjePage, title="Utkast", publish=False)

    response = admin_client_intranet.get(f"/admin/pages/{draft.pk}/edit/")

    assert "Arkiv-PDF" not in response.content.decode()


def test_the_review_page_lists_each_versions_pdf(
    django_capture_on_commit_callbacks, admin_client_intranet, riktlinje, version
):
    with django_capture_on_commit_callbacks(execute=False):
        page = adopt_new_version(
            riktlinje,
            version="2.0",
            decision_date=DECIDED + datetime.timedelta(days=100),
            valid_from=None,
            diarienummer="KS-2025-200",
        )
    second = versions_of(page)[1]

    response = admin_client_intranet.get(reverse("styrdok_review:overview", args=[page.pk]))

    assert response.status_code == 200
    section = soup(response).find("h2", string="Fastställda versioner och arkiv-PDF").parent
    rows = [[text_of(td) for td in tr.find_all("td")] for tr in section.select("tbody tr")]
    assert rows[0][0] == "2.0"
    assert rows[0][3] == "Version 2.0 som PDF"
    assert rows[0][4:] == ["–", "Inte skapad ännu – skapas när den öppnas"]
    assert rows[1][0] == "1.0"
    assert rows[1][3].startswith("Version 1.0 som PDF, ")
    assert rows[1][4] == str(version.pdf_pages)
    assert rows[1][5].startswith(version.pdf_generated_at.astimezone().strftime("%Y-%m-%d"))
    hrefs = [a["href"] for a in section.select("a[type='application/pdf']")]
    assert hrefs == [second.get_pdf_url(), version.get_pdf_url()]
