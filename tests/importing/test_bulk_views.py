"""Bulk import through its two doors, the admin view and the command, and the imported
decisions' original files behind the archive's audience rule."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from importing.models import PendingImport
from policies.decisions import register_existing_decision
from policies.models import (
    AdoptedVersion,
    PolicyPage,
    RiktlinjePage,
    Styrdokument,
)
from tests.factories import INTRANET_HOST, get_body, make_document, make_user
from tests.importing.bulk_builders import csv_bytes, pdf_bytes, row, simple_docx, zip_bytes
from tests.shared import build_once

RIKTLINJE = "Riktlinje för informationssäkerhet"
UPLOAD = "/admin/import/flera/"


def build_world():
    group = Group.objects.create(name="Säkerhetsskydd")
    importer = make_user("importor", groups=["Redaktörer", "Säkerhetsskydd"], first_name="Ida")
    return {
        "importer": importer,
        "owner": make_user("agare", groups=["Dokumentansvariga"]),
        "staff": make_user("medarbetare2", first_name="Maja"),
        "member": make_user("skyddad", first_name="Sara"),
        "group": group,
        "policy": make_document(
            PolicyPage, title="Informationssäkerhetspolicy", slug="informationssakerhetspolicy"
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    world["member"].groups.add(world["group"])
    return world


def client_for(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


FILES = {
    "riktlinje.docx": simple_docx(RIKTLINJE, "Varje förvaltning ska utse en informationsägare."),
    "riktlinje-2019.docx": simple_docx(RIKTLINJE, "Riktlinjen från 2019."),
    "intern-2017.pdf": pdf_bytes(["Den interna versionen från 2017."]),
}
ROWS = [
    row("riktlinje.docx", RIKTLINJE, parent="Informationssäkerhetspolicy", publicity="Offentlig"),
    row(
        "riktlinje-2019.docx",
        RIKTLINJE,
        parent="Informationssäkerhetspolicy",
        body="KS",
        date="2019-05-14",
        dnr="KS-2019-44",
        paragraph="45",
        publicity="Offentlig",
        historical="Ja",
    ),
    row(
        "intern-2017.pdf",
        RIKTLINJE,
        parent="Informationssäkerhetspolicy",
        body="Kommundirektör",
        date="2017-01-10",
        historical="Ja",
    ),
]


def uploads(files=None, rows=None):
    zip_file = io.BytesIO(zip_bytes(FILES if files is None else files))
    zip_file.name = "dokument.zip"
    csv_file = io.BytesIO(csv_bytes(ROWS if rows is None else rows))
    csv_file.name = "metadata.csv"
    return {"zip_file": zip_file, "csv_file": csv_file}


# -- the admin view -------------------------------------------------------------------------


def test_the_upload_page_explains_the_columns(w):
    response = client_for(w["importer"]).get(UPLOAD)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Importera flera dokument" in content
    assert "<code>förälder</code>" in content and "<code>historisk</code>" in content


def test_the_view_is_refused_without_the_import_permission(w):
    response = client_for(w["owner"]).get(UPLOAD)

    # Wagtail turns the refusal into its "no permission" message on the dashboard.
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_preview_then_import_through_the_admin(w):
    client = client_for(w["importer"])

    response = client.post(UPLOAD, uploads())

    assert response.status_code == 302
    preview = response["Location"]
    response = client.get(preview)
    content = response.content.decode()
    assert "Provkörning, inget sparades. 3 rader: 3 kan importeras" in content
    assert content.count("Kan importeras") == 3
    assert "Importera 3 rader" in content
    assert not Styrdokument.objects.filter(title=RIKTLINJE).exists()

    response = client.post(preview, {"import": "1"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "3 rader: 3 importerades (1 utkast, 2 historiska beslut)" in content
    page = RiktlinjePage.objects.get(title=RIKTLINJE)
    assert f'href="/admin/pages/{page.pk}/edit/"' in content
    assert not page.live
    assert page.adopted_versions.count() == 2
    assert not PendingImport.objects.filter(user=w["importer"]).exists()


def test_bad_files_are_reported_before_anything_is_imported(w):
    client = client_for(w["importer"])
    rows = [*ROWS, row("saknas.docx", "Saknad riktlinje")]
    header = ["fil", "titel", "dokumenttyp", "kategori"]

    preview = client.post(UPLOAD, uploads(rows=rows))["Location"]
    content = client.get(preview).content.decode()
    assert "Rad 5 (”saknas.docx”): Filen ”saknas.docx” finns inte i zip-filen" in content
    assert "Importera 3 rader" in content

    bad = uploads()
    bad["csv_file"] = io.BytesIO(csv_bytes([["a.docx", "A", "Riktlinje", "x"]], header=header))
    bad["csv_file"].name = "fel.csv"
    content = client.get(client.post(UPLOAD, bad)["Location"]).content.decode()
    assert "Filerna kan inte importeras. Inget har sparats." in content
    assert "Okänd kolumn ”kategori”" in content
    assert 'name="import"' not in content


def test_the_upload_form_names_what_is_missing_or_wrong(w):
    client = client_for(w["importer"])

    response = client.post(UPLOAD, {})
    assert response.status_code == 400
    assert "Välj zip-filen med dokumenten." in response.content.decode()

    files = uploads()
    files["zip_file"] = io.BytesIO(b"inte en zip")
    files["zip_file"].name = "dokument.zip"
    response = client.post(UPLOAD, files)
    assert response.status_code == 400
    assert "”dokument.zip” är ingen zip-fil." in response.content.decode()


def test_cancelling_removes_the_uploads(w):
    client = client_for(w["importer"])
    preview = client.post(UPLOAD, uploads())["Location"]

    response = client.post(preview, {"cancel": "1"})

    assert response.status_code == 302
    assert not PendingImport.objects.filter(user=w["importer"]).exists()
    assert client.get(preview).status_code == 404


def test_nobody_else_can_open_someone_elses_preview(w):
    preview = client_for(w["importer"]).post(UPLOAD, uploads())["Location"]
    other = make_user("samordnare2", groups=["Informationssäkerhetssamordnare"])

    assert client_for(other).get(preview).status_code == 404


# -- the original files ---------------------------------------------------------------------


def imported(w):
    client_for(w["importer"]).post(
        client_for(w["importer"]).post(UPLOAD, uploads())["Location"], {"import": "1"}
    )
    page = RiktlinjePage.objects.get(title=RIKTLINJE)
    versions = {v.version: v for v in AdoptedVersion.objects.filter(document=page)}
    return page, versions["2.0"], versions["1.0"]


def adopt(page):
    page.decision_body = get_body("ks")
    register_existing_decision(
        page,
        body=get_body("ks"),
        decision_date=datetime.date(2025, 2, 3),
        diarienummer="KS-2025-7",
        paragraph=9,
    )
    return RiktlinjePage.objects.get(pk=page.pk)


def test_before_adoption_only_the_documents_editors_see_an_imported_decision(w, public_client):
    page, public_version, _internal = imported(w)
    original = f"/arkiv/{public_version.pk}/original/"

    assert public_client.get(f"/arkiv/{public_version.pk}/").status_code == 404
    assert public_client.get(original).status_code == 404
    assert client_for(w["staff"]).get(original).status_code == 404
    response = client_for(w["importer"]).get(original)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILES["riktlinje-2019.docx"]
    assert 'filename="riktlinje-2019.docx"' in response["Content-Disposition"]
    page_html = client_for(w["importer"]).get(f"/arkiv/{public_version.pk}/").content.decode()
    assert "Importerat beslut." in page_html
    assert "Ladda ned originalfilen (riktlinje-2019.docx)" in page_html


def test_once_adopted_the_originals_follow_the_versions_publicity(w, public_client):
    page, public_version, internal_version = imported(w)
    page = adopt(page)
    assert page.live

    response = public_client.get(f"/arkiv/{public_version.pk}/original/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILES["riktlinje-2019.docx"]
    assert public_client.get(f"/arkiv/{internal_version.pk}/original/").status_code == 404
    staff = client_for(w["staff"])
    assert staff.get(f"/arkiv/{internal_version.pk}/original/").status_code == 200
    html = public_client.get(page.url_path.removeprefix("/start")).content.decode()
    assert 'Version 2.0</a> <span class="tag">importerad</span>' in html
    assert f'href="/arkiv/{public_version.pk}/original/"' in html
    assert "Ersatt av version 3.0" in html


def test_an_imported_decision_of_a_restricted_document_is_for_its_group_only(w, public_client):
    page, public_version, _internal = imported(w)
    page = adopt(page)
    # Later the document is restricted to a group: its history, imports included, goes too.
    Styrdokument.restricted_to.through.objects.create(styrdokument_id=page.pk, group=w["group"])
    original = f"/arkiv/{public_version.pk}/original/"

    assert client_for(w["member"]).get(original).status_code == 200
    assert client_for(w["staff"]).get(original).status_code == 404
    assert public_client.get(original).status_code == 404


# -- the command ----------------------------------------------------------------------------


@pytest.fixture
def files_on_disk(tmp_path):
    def write(files=None, rows=None):
        zip_path, csv_path = tmp_path / "dokument.zip", tmp_path / "metadata.csv"
        zip_path.write_bytes(zip_bytes(FILES if files is None else files))
        csv_path.write_bytes(csv_bytes(ROWS if rows is None else rows))
        return str(zip_path), str(csv_path)

    return write


def command(*args):
    out = io.StringIO()
    call_command("import_styrdokument", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_and_reports_every_row(w, files_on_disk):
    output = command(*files_on_disk(), "--user", "importor")

    assert "Rad 2 (”riktlinje.docx”, utkast): importerad" in output
    assert "Rad 3 (”riktlinje-2019.docx”, historiskt beslut): importerad, version 2.0" in output
    assert output.strip().endswith(
        "3 rader: 3 importerades (1 utkast, 2 historiska beslut), 0 hoppades över."
    )
    assert RiktlinjePage.objects.get(title=RIKTLINJE).get_parent().pk == w["policy"].pk


def test_the_commands_dry_run_saves_nothing(w, files_on_disk):
    output = command(*files_on_disk(), "--user", "importor@exempelkommun.se", "--dry-run")

    assert "Provkörning, inget sparades. 3 rader: 3 kan importeras" in output
    assert "Rad 2 (”riktlinje.docx”, utkast): kan importeras" in output
    assert not Styrdokument.objects.filter(title=RIKTLINJE).exists()


def test_the_commands_parent_option_places_rows_without_a_parent(w, files_on_disk):
    rows = [row("a.docx", "Riktlinje A")]
    paths = files_on_disk({"a.docx": simple_docx("A")}, rows)

    command(*paths, "--user", "importor", "--parent", "/styrdokument/informationssakerhetspolicy/")

    assert RiktlinjePage.objects.get(title="Riktlinje A").get_parent().pk == w["policy"].pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nisse"], "Det finns ingen användare ”nisse”."),
        ([], "Ange vem som importerar med --user <användarnamn>"),
        (["--user", "medarbetare2"], "medarbetare2: Du har inte behörighet att importera"),
        (["--user", "importor", "--parent", "Finns inte"], "Hittar ingen sida ”Finns inte”"),
    ],
)
def test_the_command_names_a_bad_option(w, files_on_disk, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        command(*files_on_disk(), *args)


def test_the_command_names_a_missing_file(w, files_on_disk, tmp_path):
    _zip, csv_path = files_on_disk()
    missing = str(tmp_path / "finns-inte.zip")

    with pytest.raises(CommandError, match=re.escape(f"Zip-filen ”{missing}” finns inte.")):
        command(missing, csv_path, "--user", "importor")


def test_the_command_fails_when_a_row_could_not_be_imported(w, files_on_disk):
    rows = [row("a.docx", "Riktlinje A"), row("b.docx", "Riktlinje B", body="Nämnden")]
    paths = files_on_disk({"a.docx": simple_docx("A"), "b.docx": simple_docx("B")}, rows)

    with pytest.raises(CommandError, match="1 av 2 rader kunde inte importeras"):
        command(*paths, "--user", "importor")

    assert Styrdokument.objects.filter(title="Riktlinje A").exists()
    assert not Styrdokument.objects.filter(title="Riktlinje B").exists()
