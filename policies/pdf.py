"""Archival PDFs: WeasyPrint renders Styrdok's own HTML as PDF/A-3a, tagged for accessibility.

Used for every adopted version (policies.tasks stores it once) and for the yearly report to
kommunstyrelsen. Rendering never reaches the network: WeasyPrint may read only Styrdok's static
files and uploaded images, from disk.
"""

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import SubElement, fromstring, register_namespace, tostring

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from weasyprint import HTML, URLFetcher
from weasyprint.pdf.metadata import NS, DocumentMetadata

from governance.links import site_root_url
from governance.models import StyrdokSettings

from .channels import INTRANET, PUBLIC
from .pdf_links import describe_links
from .text import xml_text

logger = logging.getLogger(__name__)

# PDF/A-3 level A: archival (ISO 19005-3) and tagged, with a structure tree, so the "a" level
# covers what "b" does and more. WeasyPrint writes one identification; the PDF/UA-1 one is added
# to the same XMP packet by ArchivalMetadata.
ARCHIVE_VARIANT = "pdf/a-3a"
FONT_STACK = '"DejaVu Sans", "Liberation Sans", sans-serif'
DEFAULT_LOGO = "img/kommunlogo.svg"
GENERATOR = "Styrdok"

# The XMP extension schema PDF/A asks for when a property outside its predefined schemas
# (here pdfuaid:part) is used.
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
# PDF/A validators expect these exact prefixes for the extension schema description.
register_namespace("pdfaExtension", PDFA_EXTENSION)
register_namespace("pdfaSchema", PDFA_SCHEMA)
register_namespace("pdfaProperty", PDFA_PROPERTY)


class ArchivalMetadata(DocumentMetadata):
    """WeasyPrint's metadata plus the PDF/UA-1 identification, declared for PDF/A validators."""

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        rdf_ns = NS["rdf"]
        about = f"{{{rdf_ns}}}about"

        ua = SubElement(rdf, f"{{{rdf_ns}}}Description", {about: ""})
        SubElement(ua, f"{{{NS['pdfuaid']}}}part").text = "1"

        extension = SubElement(rdf, f"{{{rdf_ns}}}Description", {about: ""})
        schemas = SubElement(extension, f"{{{PDFA_EXTENSION}}}schemas")
        bag = SubElement(schemas, f"{{{rdf_ns}}}Bag")
        schema = SubElement(bag, f"{{{rdf_ns}}}li", {f"{{{rdf_ns}}}parseType": "Resource"})
        SubElement(schema, f"{{{PDFA_SCHEMA}}}schema").text = "PDF/UA Universal Accessibility"
        SubElement(schema, f"{{{PDFA_SCHEMA}}}namespaceURI").text = NS["pdfuaid"]
        SubElement(schema, f"{{{PDFA_SCHEMA}}}prefix").text = "pdfuaid"
        properties = SubElement(schema, f"{{{PDFA_SCHEMA}}}property")
        seq = SubElement(properties, f"{{{rdf_ns}}}Seq")
        item = SubElement(seq, f"{{{rdf_ns}}}li", {f"{{{rdf_ns}}}parseType": "Resource"})
        SubElement(item, f"{{{PDFA_PROPERTY}}}name").text = "part"
        SubElement(item, f"{{{PDFA_PROPERTY}}}valueType").text = "Integer"
        SubElement(item, f"{{{PDFA_PROPERTY}}}category").text = "internal"
        SubElement(
            item, f"{{{PDFA_PROPERTY}}}description"
        ).text = "Indicates, which part of ISO 14289 standard is followed"
        return tostring(rdf, encoding="utf-8")


def _local_roots():
    roots = [Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)]
    roots += [Path(d) for d in getattr(settings, "STATICFILES_DIRS", [])]
    return [root.resolve() for root in roots]


def _static_path(relative):
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        # "/static/../../etc/passwd": outside every static folder.
        return None
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


class LocalFetcher(URLFetcher):
    """Resolves /static/ and /media/ to files on disk; refuses everything else.

    A link or image in a document's rich text can therefore never make the renderer fetch a
    remote address (or a local file outside the static and media folders).
    """

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        path = unquote(parts.path)
        local = None
        if path.startswith(settings.STATIC_URL):
            local = _static_path(path[len(settings.STATIC_URL) :])
            if local is None:
                raise ValueError(f"Filen finns inte bland de statiska filerna: {url}")
        elif path.startswith(settings.MEDIA_URL):
            local = Path(settings.MEDIA_ROOT) / path[len(settings.MEDIA_URL) :]
        elif parts.scheme == "file":
            local = Path(path)
        if local is None:
            raise ValueError(f"Styrdok hämtar inga externa resurser till PDF:er: {url}")
        local = Path(os.path.realpath(local))
        if not local.is_file() or not any(local.is_relative_to(root) for root in _local_roots()):
            raise ValueError(f"Filen finns inte eller får inte läsas: {url}")
        return super().fetch(local.as_uri(), headers)


@dataclass
class RenderedPdf:
    data: bytes
    pages: int

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def render_pdf(html, base_url):
    """The same HTML always gives the same bytes: nothing random or time-dependent is added,
    so a lost archive file can be recreated identically from the same software."""
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFetcher()).render()
    metadata = document.metadata
    metadata.__class__ = ArchivalMetadata
    xml_safe_metadata(metadata)
    buffer = io.BytesIO()
    document.write_pdf(
        buffer,
        pdf_variant=ARCHIVE_VARIANT,
        pdf_tags=True,
        finisher=describe_links,
        pdf_identifier=hashlib.md5(html.encode("utf-8"), usedforsecurity=False).digest(),
    )
    return RenderedPdf(data=buffer.getvalue(), pages=len(document.pages))


def xml_safe_metadata(metadata):
    """The title, subject, authors and keywords without the characters XML cannot hold: they are
    written to the XMP packet too, and one such character in a title (a vertical tab pasted from
    Word) made the packet unreadable and the PDF fail. The document info fields get the same
    text, as PDF/A requires."""
    metadata.title = xml_text(metadata.title)
    metadata.description = xml_text(metadata.description)
    metadata.authors = [xml_text(author) for author in metadata.authors]
    metadata.keywords = [xml_text(keyword) for keyword in metadata.keywords]


def w3c_datetime(value):
    """A timestamp for the PDF's metadata, in the kommun's time zone, to the second."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def channel_site(public):
    """(root URL, host header) of the channel a PDF is read on."""
    root_url = site_root_url(intranet=not public)
    # With the port ("intranet.localhost:8123"), so Wagtail finds the same site for the request.
    return root_url + "/", urlsplit(root_url).netloc


def reader_request(public):
    """A request as an anonymous reader on the channel: what the PDF may show is what that
    channel shows everyone (never a restricted document's title in a reference, say)."""
    root_url, hostname = channel_site(public)
    request = RequestFactory().get("/", HTTP_HOST=hostname, secure=root_url.startswith("https"))
    request.user = AnonymousUser()
    request.channel = PUBLIC if public else INTRANET
    return request, root_url


def kommun_branding():
    styrdok = StyrdokSettings.load()
    logo_url = settings.STATIC_URL + DEFAULT_LOGO
    logo_alt = f"{styrdok.kommun_name}s logotyp"
    if styrdok.logo_id and styrdok.logo.file:
        logo_url = styrdok.logo.file.url
        logo_alt = styrdok.logo.default_alt_text or logo_alt
    return {"kommun_name": styrdok.kommun_name, "logo_url": logo_url, "logo_alt": logo_alt}


def render_template_pdf(template, context, public=False):
    """Render one of Styrdok's PDF templates as an anonymous reader of the channel."""
    request, root_url = reader_request(public)
    context = {**kommun_branding(), "font_stack": FONT_STACK, "generator": GENERATOR, **context}
    html = render_to_string(template, context, request=request)
    return render_pdf(html, base_url=root_url)
