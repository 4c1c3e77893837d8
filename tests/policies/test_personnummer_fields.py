"""Every field of a public styrdokument, and every file it links to, is checked for identity
numbers, in the editor and at the decision step (issue 14).

A crawl found a personnummer on the public page, in its meta description, in its address and in
an attached PDF: contact_name, supersedes_note, search_description, seo_title and slug were never
checked, nor the files the body links to. The editor now refuses to save such a public document,
naming the field (its Swedish label) and showing the number masked; the decision step refuses to
adopt it. The same text in an internal document is saved.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from policies import personnummer, rules
from policies.models import RiktlinjePage, Styrdokument
from policies.personnummer import extract_text, find_identity_numbers
from tests.channels.test_publishing_guard import edit_url, error_texts, form_data
from tests.factories import get_body, make_document, paragraph

pytestmark = pytest.mark.django_db

NUMBER = "850312-1231"  # valid: 12 March 1985, Luhn check digit 1
MASKED = "850312-****"
RULE = (
    "Ett offentligt dokument publiceras på den externa webbplatsen och får inte innehålla "
    "personnummer eller samordningsnummer. Ta bort numret, eller välj publicering Intern."
)


def test_the_number_is_valid():
    assert [f.masked for f in find_identity_numbers(NUMBER)] == [MASKED]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def draft(redaktor):
    return make_document(
        RiktlinjePage,
        title="Riktlinje för ärendehantering",
        slug="arendehantering",
        publish=False,
        body=[paragraph("<p>Ärenden registreras samma dag.</p>")],
        user=redaktor,
    )


def latest(page):
    return Styrdokument.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


# -- the page's own fields -----------------------------------------------------------------

FIELDS = [
    # (form field, value, Swedish label in the message)
    ("title", f"Rutin för {NUMBER}", "Titel"),
    ("summary", f"Kontakt {NUMBER}.", "Sammanfattning"),
    ("contact_name", f"Anna Andersson {NUMBER}", "Kontakt"),
    ("supersedes_note", f"Beslut om {NUMBER}, KF 2016-05-23 § 61", "Ersätter (fritext)"),
    ("search_description", f"Gäller {NUMBER}", "Metabeskrivning"),
    ("seo_title", f"Rutin {NUMBER}", "Titeltagg"),
    ("slug", f"rutin-{NUMBER}", "Slugg"),
    # Shown on the public page as text and as a mailto: link.
    ("contact_email", f"anna.{NUMBER}@exempelkommun.se", "Kontaktens e-post"),
]


@pytest.mark.parametrize(("field", "value", "label"), FIELDS, ids=[f[0] for f in FIELDS])
def test_every_public_field_is_checked_and_named(redaktor_client, draft, field, value, label):
    revisions = draft.revisions.count()
    data = form_data(draft.title, draft.slug, "Inget nummer här.")
    data[field] = value

    response = redaktor_client.post(edit_url(draft), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith(
        f"Texten i fältet ”{label}” innehåller ett personnummer ({MASKED}) i avsnittet ”…"
    )
    assert error.endswith(RULE)
    assert NUMBER not in error
    assert draft.revisions.count() == revisions


@pytest.mark.parametrize(("field", "value", "label"), FIELDS, ids=[f[0] for f in FIELDS])
def test_the_same_fields_in_an_internal_document_are_saved(
    redaktor_client, draft, field, value, label
):
    data = form_data(draft.title, draft.slug, "Inget nummer här.", publicity="internal")
    data[field] = value

    response = redaktor_client.post(edit_url(draft), data)

    assert response.status_code == 302, error_texts(response)
    assert getattr(latest(draft), field) == value


def test_a_variant_written_with_a_non_breaking_hyphen_is_refused(redaktor_client, draft):
    data = form_data(draft.title, draft.slug, "Ring 850312\u20111231 eller växeln.")

    response = redaktor_client.post(edit_url(draft), data)

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith(f"Texten i fältet ”Innehåll” innehåller ett personnummer ({MASKED})")


def test_a_number_in_a_link_address_is_refused(redaktor_client, draft):
    data = form_data(
        draft.title, draft.slug, f'Se <a href="https://example.se/?pnr={NUMBER}">ärendet</a>.'
    )

    response = redaktor_client.post(edit_url(draft), data)

    assert response.status_code == 200
    assert f"innehåller ett personnummer ({MASKED})" in error_texts(response)[0]


# -- attached files ------------------------------------------------------------------------


def pdf_bytes(text):
    """A minimal one-page PDF whose text pypdf extracts (Helvetica, one text object)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (
            len(objects) + 1,
            xref,
        )
    )
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(runs_xml):
    """A DOCX whose one paragraph holds the given runs (Word splits text into runs freely)."""
    return docx_with_parts({}, runs_xml)


def xlsx_bytes(value):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Namn"
    sheet["B1"] = "Personnummer"
    sheet["A2"] = "Anna Andersson"
    sheet["B2"] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes_by_hand(text):
    """An XLSX written without openpyxl: the text lives in xl/sharedStrings.xml."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}"><si><t>Namn</t></si><si><t>{text}</t></si></sst>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData><row><c t="s"><v>1</v></c>'
            f"<c><v>42</v></c></row></sheetData></worksheet>",
        )
    return out.getvalue()


def test_the_text_of_each_file_kind_is_read():
    assert NUMBER in extract_text("a.pdf", pdf_bytes(f"Handlaggare {NUMBER}"))
    split_runs = (
        "<w:r><w:t>Handläggare 8503</w:t></w:r><w:r><w:t>12</w:t></w:r>"
        "<w:r><w:noBreakHyphen/><w:t>1231</w:t></w:r>"
    )
    assert NUMBER in extract_text("a.docx", docx_bytes(split_runs))
    assert NUMBER in extract_text("a.xlsx", xlsx_bytes(NUMBER))
    assert "198503121231" in extract_text("a.xlsx", xlsx_bytes(198503121231))
    from policies.personnummer import _xlsx_text_from_xml

    assert NUMBER in _xlsx_text_from_xml(xlsx_bytes_by_hand(NUMBER))
    assert NUMBER in extract_text("a.txt", f"Rad 1\n{NUMBER}\n".encode())
    assert NUMBER in extract_text("a.txt", f"{NUMBER}".encode("utf-16"))
    # Unknown or broken files are not read (and do not raise).
    assert extract_text("a.pdf", b"not a pdf") == ""
    assert extract_text("a.docx", b"not a zip") == ""
    assert extract_text("a.png", NUMBER.encode()) == ""


def test_a_docx_with_a_dtd_is_not_parsed():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
        b'<w:document xmlns:w="' + W.encode() + b'">&a;</w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", bomb)
    assert extract_text("a.docx", out.getvalue()) == ""


def packed(members):
    """An archive of {name: text}, deflated: whitespace or one repeated letter packs about a
    thousand times smaller than it unpacks (a zip bomb's trick)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def bomb_part(megabytes):
    return "<r>" + "a" * (megabytes * 1024 * 1024) + "</r>"


TOO_LARGE = "Filen kunde inte kontrolleras för personnummer eftersom"


def test_a_zip_bomb_docx_is_refused_not_read_in_part(monkeypatch):
    # Four parts of 19 MB each, a few kilobytes packed: none over the limit for one part, but
    # together more than one request may unpack. The parts past the budget would go unchecked
    # (a number could hide there), so the file is refused; no more than the budget is unpacked.
    parsed = []
    parse = personnummer._xml
    monkeypatch.setattr(personnummer, "_xml", lambda data: parsed.append(len(data)) or parse(data))
    document = (
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Anna {NUMBER}</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    parts = {f"customXml/item{n}.xml": bomb_part(19) for n in range(4)}
    data = packed({"word/document.xml": document, **parts})
    assert len(data) < 1024 * 1024

    with pytest.raises(personnummer.FileTooLargeToCheck) as raised:
        extract_text("bomb.docx", data)
    assert sum(parsed) <= 40 * 1024 * 1024
    message = personnummer.too_large_message(raised.value, "bomb.docx")
    assert message.startswith(f"{TOO_LARGE} innehållet i filen ”bomb.docx” är för stort")


@pytest.mark.parametrize("extension", ["docx", "odt", "pptx"])
def test_one_part_over_the_budget_refuses_the_file(extension):
    # Before, the part was skipped and the file passed with whatever the part held unchecked.
    data = packed({"word/document.xml": "<r/>", "content.xml": bomb_part(21)})

    with pytest.raises(personnummer.FileTooLargeToCheck) as raised:
        extract_text(f"stor.{extension}", data)
    assert raised.value.part == "content.xml"
    assert personnummer.too_large_message(raised.value, f"stor.{extension}") == (
        f"{TOO_LARGE} delen ”content.xml” i filen ”stor.{extension}” är för stor uppackad (mer "
        "än 20 MB). Spara filen utan stora inbäddade delar (till exempel som PDF) och försök igen."
    )


def test_a_zip_bomb_xlsx_is_not_unpacked_whole_and_refused(monkeypatch):
    # openpyxl reads a part whole: a shared strings part that unpacks past the budget is not
    # given to it, and the file is refused rather than checked without its strings.
    loaded = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: loaded.append(args))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    data = packed(
        {
            "xl/workbook.xml": f'<workbook xmlns="{main}"/>',
            "xl/sharedStrings.xml": bomb_part(21),
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{main}"><sheetData><row><c t="inlineStr"><is>'
                f"<t>{NUMBER}</t></is></c></row></sheetData></worksheet>"
            ),
        }
    )

    with pytest.raises(personnummer.FileTooLargeToCheck):
        extract_text("bomb.xlsx", data)
    assert loaded == []


def test_a_public_page_linking_an_oversized_file_is_refused():
    oversized = make_file("stor.docx", packed({"word/document.xml": bomb_part(21)}))
    page = make_document(RiktlinjePage, publish=False, publicity="internal")
    page.publicity = "public"
    page.body = [paragraph(f"<p>Se {link(oversized)}.</p>")]

    errors = rules.identity_numbers_in_attached_files("public", page.body)

    assert len(errors["publicity"]) == 1
    assert errors["publicity"][0].startswith(f"{TOO_LARGE} delen ”word/document.xml” i filen ”stor")


def make_file(filename, data, title="Bilaga"):
    return get_document_model().objects.create(title=title, file=ContentFile(data, name=filename))


def link(document, text="bilagan"):
    return f'<a linktype="document" id="{document.pk}">{text}</a>'


def zipped(members):
    """An archive of {name: text} (the Office and OpenDocument formats are zip files)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def odt_bytes(text):
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    return zipped(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": (
                f'<office:document-content xmlns:office="{office}" xmlns:text="{text_ns}">'
                f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
                "</office:document-content>"
            ),
        }
    )


def pptx_bytes(text):
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    return zipped(
        {
            "[Content_Types].xml": "<Types/>",
            "ppt/presentation.xml": f'<p:presentation xmlns:p="{p}"/>',
            "ppt/slides/slide1.xml": (
                f'<p:sld xmlns:p="{p}" xmlns:a="{a}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p>'
                "</p:sld>"
            ),
        }
    )


def docx_with_parts(parts, runs_xml="<w:r><w:t>Inget nummer.</w:t></w:r>", prolog=""):
    """A DOCX with more parts than the body (properties, relationships) and a body prolog."""
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W}" '
        f'xmlns:wp="{wp}"><w:body><w:p>{runs_xml}</w:p></w:body></w:document>'
    )
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": document, **parts})


def pdf_with_metadata(**metadata):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes("Ingen text"))))
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_with_format(value, number_format):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = value
    workbook.active["A1"].number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


ATTACHMENTS = [
    ("intyg.pdf", lambda: pdf_bytes(f"Handlaggare {NUMBER}")),
    # Every kind of file the documents library accepts (WAGTAILDOCS_EXTENSIONS) is read.
    ("intyg.odt", lambda: odt_bytes(f"Handläggare {NUMBER}")),
    ("bilder.pptx", lambda: pptx_bytes(f"Handläggare {NUMBER}")),
    ("intyg.rtf", lambda: b"{\\rtf1\\ansi Handl\\'e4ggare 8503{\\b 12}-1231\\par}"),
    # What a DOCX carries besides its paragraphs: an image's alt text, the properties.
    (
        "bild.docx",
        lambda: docx_with_parts(
            {},
            '<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Bild" '
            f'descr="Anna {NUMBER}"/></wp:inline></w:drawing></w:r>',
        ),
    ),
    (
        "egenskaper.docx",
        lambda: docx_with_parts(
            {"docProps/app.xml": f"<Properties><Manager>{NUMBER}</Manager></Properties>"}
        ),
    ),
    # "<!ENTITY" in a comment is not a DTD: the file is still read.
    (
        "kommentar.docx",
        lambda: docx_with_parts(
            {}, f"<w:r><w:t>Anna {NUMBER}</w:t></w:r>", prolog="<!-- <!ENTITY -->"
        ),
    ),
    ("forfattare.pdf", lambda: pdf_with_metadata(Author=f"Anna {NUMBER}")),
    (
        "intyg.docx",
        lambda: docx_bytes("<w:r><w:t>8503</w:t></w:r><w:r><w:t>12-1231</w:t></w:r>"),
    ),
    ("lista.xlsx", lambda: xlsx_bytes(NUMBER)),
    ("lista.txt", lambda: f"Anna Andersson\t{NUMBER}\n".encode()),
]


@pytest.mark.parametrize(("filename", "data"), ATTACHMENTS, ids=[a[0] for a in ATTACHMENTS])
def test_a_linked_file_with_a_number_is_refused(redaktor_client, draft, filename, data):
    attachment = make_file(filename, data())
    revisions = draft.revisions.count()
    body = f"Se {link(attachment)}."

    response = redaktor_client.post(edit_url(draft), form_data(draft.title, draft.slug, body))

    assert response.status_code == 200
    (error,) = error_texts(response)
    shown = attachment.file.name.rsplit("/", 1)[-1]
    assert error.startswith(
        f"Texten i den bifogade filen ”{shown}” innehåller ett personnummer ({MASKED}) "
        "i avsnittet ”…"
    )
    assert NUMBER not in error
    assert draft.revisions.count() == revisions
    # As internal, the same link is saved.
    data = form_data(draft.title, draft.slug, body, publicity="internal")
    assert redaktor_client.post(edit_url(draft), data).status_code == 302


def test_a_number_in_the_file_name_is_refused_and_masked(redaktor_client, draft):
    attachment = make_file(f"intyg-{NUMBER}.txt", b"Inget nummer i texten.")

    response = redaktor_client.post(
        edit_url(draft), form_data(draft.title, draft.slug, f"Se {link(attachment)}.")
    )

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith(
        f"Texten i den bifogade filen ”intyg-{MASKED}.txt” innehåller ett personnummer ({MASKED})"
    )
    assert NUMBER not in error


def test_a_clean_linked_file_is_saved_as_public(redaktor_client, draft):
    attachment = make_file("mall.pdf", pdf_bytes("Diarienummer KS-2025-542, sida 12 av 34"))

    response = redaktor_client.post(
        edit_url(draft), form_data(draft.title, draft.slug, f"Se {link(attachment)}.")
    )

    assert response.status_code == 302, error_texts(response)


# -- the decision step ---------------------------------------------------------------------


def decided_draft(redaktor, **fields):
    fields.setdefault("slug", "handlaggning")
    return make_document(
        RiktlinjePage,
        title="Riktlinje för handläggning",
        publish=False,
        publicity="public",
        decision_body=get_body("kommundirektor"),
        user=redaktor,
        **fields,
    )


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"search_description": f"Gäller {NUMBER}"}, "fältet ”Metabeskrivning”"),
        ({"contact_name": f"Anna {NUMBER}"}, "fältet ”Kontakt”"),
        ({"supersedes_note": f"Ersätter {NUMBER}"}, "fältet ”Ersätter (fritext)”"),
        ({"seo_title": f"Rutin {NUMBER}"}, "fältet ”Titeltagg”"),
        ({"slug": f"rutin-{NUMBER}"}, "fältet ”Slugg”"),
    ],
    ids=["search_description", "contact_name", "supersedes_note", "seo_title", "slug"],
)
def test_the_decision_step_checks_every_public_field(redaktor, fields, where):
    page = decided_draft(redaktor, **fields)

    with pytest.raises(ValidationError) as refused:
        rules.refuse_unfit_decision(page, get_body("kommundirektor"))

    assert refused.value.messages == [
        f"Dokumentet är markerat som offentligt men innehåller ett personnummer ({MASKED}) i "
        f"{where}. Det kan inte fastställas och publiceras på den externa webbplatsen förrän "
        "numret är borttaget eller dokumentet är internt."
    ]


def test_the_decision_step_checks_linked_files(redaktor):
    attachment = make_file("intyg.pdf", pdf_bytes(f"Handlaggare {NUMBER}"))
    page = decided_draft(redaktor, body=[paragraph(f"<p>Se {link(attachment)}.</p>")])
    shown = attachment.file.name.rsplit("/", 1)[-1]

    with pytest.raises(ValidationError) as refused:
        rules.refuse_unfit_decision(page, get_body("kommundirektor"))

    (message,) = refused.value.messages
    assert message.startswith(
        f"Dokumentet är markerat som offentligt men innehåller ett personnummer ({MASKED}) i "
        f"den bifogade filen ”{shown}”."
    )


def test_the_decision_step_adopts_a_clean_document(redaktor):
    attachment = make_file("mall.txt", b"Ring 08-123 456 78, dnr KS-2025-542.")
    page = decided_draft(
        redaktor,
        search_description="Gäller från 2025-03-12",
        contact_name="Informationssäkerhetsfunktionen",
        body=[paragraph(f"<p>Se {link(attachment)}.</p>")],
    )

    rules.refuse_unfit_decision(page, get_body("kommundirektor"))


def test_a_number_that_excel_shows_with_its_leading_zero_is_found():
    """A child born 2005, typed into Excel as a number: the cell holds 506158427, the sheet
    shows 050615-8427 (number format 000000-0000)."""
    text = extract_text("lista.xlsx", xlsx_with_format(506158427, "000000-0000"))

    assert [f.masked for f in find_identity_numbers(text)] == ["050615-****"]
    # An ordinary decimal format is not read as digits.
    assert extract_text("belopp.xlsx", xlsx_with_format(1234, "0.00")).split() == ["Sheet", "1234"]


@pytest.mark.parametrize(
    "href",
    [
        "https://example.se/?pnr=850312%2D1231",
        "https://example.se/?q=850312%201231",
        "https://example.se/" + "".join(f"%3{digit}" for digit in "8503121231"),
    ],
    ids=["escaped hyphen", "escaped space", "every digit escaped"],
)
def test_a_percent_escaped_number_in_a_link_address_is_refused(redaktor_client, draft, href):
    data = form_data(draft.title, draft.slug, f'Se <a href="{href}">ärendet</a>.')

    response = redaktor_client.post(edit_url(draft), data)

    assert response.status_code == 200
    assert "innehåller ett personnummer (850312" in error_texts(response)[0]


def test_a_registered_earlier_decision_is_refused_with_a_number(redaktor):
    """register_existing_decision (imports, the shell, the demo loader) publishes without the
    decision step: it checks the same fields and files."""
    page = decided_draft(redaktor, contact_email=f"{NUMBER.replace('-', '')}@exempelkommun.se")

    with pytest.raises(ValidationError) as refused:
        rules_record_decision(page)

    assert (
        "innehåller ett personnummer (850312****) i fältet ”Kontaktens e-post”"
        in (refused.value.messages[0])
    )
    assert not Styrdokument.objects.get(pk=page.pk).live


def rules_record_decision(page):
    from tests.factories import days_ago, record_decision

    page.decision_date = days_ago(2)
    page.diarienummer = "KS-2025-77"
    return record_decision(page)
