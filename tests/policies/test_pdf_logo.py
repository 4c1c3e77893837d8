"""The kommun's own logo on the archival PDFs (Styrdok-inställningar → Logotyp)."""

import io

import pytest
from pypdf import PdfReader
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from policies.archive import render_version_pdf
from policies.models import AdoptedVersion, RiktlinjePage
from tests.factories import days_ago, get_body, make_document, update_settings

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def first_page_images(data):
    page = PdfReader(io.BytesIO(data)).pages[0]
    resources = page["/Resources"]
    objects = resources.get("/XObject", {})
    return [name for name, ref in objects.items() if ref.get_object().get("/Subtype") == "/Image"]


def test_the_kommuns_logo_replaces_the_default_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = make_document(
        RiktlinjePage,
        title="Riktlinje för loggning",
        decision_body=get_body("ks"),
        decision_date=days_ago(10),
        diarienummer="KS-2026-5",
    )
    version = AdoptedVersion.objects.get(document_id=document.pk)
    # The default logo is a vector drawing: no raster image on the first page.
    assert first_page_images(render_version_pdf(version).data) == []

    logo = get_image_model().objects.create(
        title="Kommunvapen", file=get_test_image_file(filename="vapen.png")
    )
    update_settings(logo=logo, kommun_name="Åsele kommun")

    rendered = render_version_pdf(version)
    assert len(first_page_images(rendered.data)) == 1
    text = PdfReader(io.BytesIO(rendered.data)).pages[0].extract_text()
    assert "Åsele kommun" in text
