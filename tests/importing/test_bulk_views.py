"""Bulk import through its two doors, the admin view and the command, and the imported
decisions' original files behind the archive's audience rule."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client, TestCase
from django.utils import timezone

from importing import tasks
from importing.models import BulkImportJob, PendingImport
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
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


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

    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        response = client.post(preview, {"import": "1"})

    # The request only queued the import; the worker ran it once the request had committed.
    assert len(callbacks) == 1
    job = BulkImportJob.objects.get(user=w["importer"])
    assert response.status_code == 302
    assert response["Location"] == f"{UPLOAD}jobb/{job.pk}/"
    response = client.get(response["Location"])
    content = response.content.decode()
    assert response.status_code == 200
    assert "Importen är klar." in content
    assert 'http-equiv="refresh"' not in content
    assert "3 rader: 3 importerades (1 utkast, 2 historiska beslut)" in content
    page = RiktlinjePage.objects.get(title=RIKTLINJE)
    assert f'href="/admin/pages/{page.pk}/edit/"' in content
    assert not page.live
    assert page.adopted_versions.count() == 2
    assert not PendingImport.objects.filter(user=w["importer"]).exists()


def test_a_row_without_a_parent_goes_under_the_register_through_the_admin(w):
    client = client_for(w["importer"])
    files = {"policy.docx": simple_docx("Policy för loggning", "Loggar sparas i ett år.")}
    rows = [row("policy.docx", "Policy för loggning", "Policy")]
    preview = client.post(UPLOAD, uploads(files, rows))["Location"]
    assert "1 rad: 1 kan importeras" in client.get(preview).content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        job_url = client.post(preview, {"import": "1"})["Location"]

    assert "1 rad: 1 importerades (1 utkast" in client.get(job_url).content.decode()
    assert PolicyPage.objects.get(title="Policy för loggning").get_parent().title == "Styrdokument"


@pytest.fixture
def queue_only(settings):
    settings.TASKS = QUEUE_ONLY


def queued_job(w):
    client = client_for(w["importer"])
    preview = client.post(UPLOAD, uploads())["Location"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(preview, {"import": "1"})
    return client, preview, response["Location"], BulkImportJob.objects.get(user=w["importer"])


def test_the_import_runs_in_the_background_with_its_progress_shown(w, queue_only):
    client, _preview, job_url, job = queued_job(w)

    # Nothing imported by the request; the page waits for the worker. It never reloads itself on
    # a timer (WCAG 2.2.1): its script updates it in place, and without JavaScript a link does.
    assert job.status == "queued"
    assert not Styrdokument.objects.filter(title=RIKTLINJE).exists()
    content = client.get(job_url).content.decode()
    assert "Importen väntar på att starta." in content
    assert 'http-equiv="refresh"' not in content
    assert f'<a href="{job_url}">Uppdatera</a>' in content
    assert "js/bulk_import_job.js" in content
    assert "Importen körs i bakgrunden; du kan lämna sidan" in content
    upload_page = client.get(UPLOAD).content.decode()
    assert "Dina senaste importer" in upload_page
    assert f'<a href="{job_url}">dokument.zip och metadata.csv</a>' in upload_page

    BulkImportJob.objects.filter(pk=job.pk).update(
        status="running",
        rows_total=3,
        rows_done=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    content = client.get(job_url).content.decode()
    assert "Importen pågår: 1 av 3 rader klara." in content
    assert '<progress max="3" value="1"' in content
    status = client.get(f"{job_url}status/").json()
    assert status == {
        "status": "running",
        "active": True,
        "stale": False,
        "summary": "Importen pågår: 1 av 3 rader klara.",
        "done": 1,
        "total": 3,
        "percent": 33,
    }
    BulkImportJob.objects.filter(pk=job.pk).update(status="queued", rows_total=None, rows_done=0)

    progress = []
    original = tasks.record_progress

    def spy(job_id, done, total):
        progress.append((done, total))
        original(job_id, done, total)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks, "record_progress", spy)
        tasks.run_bulk_import_job.call(str(job.pk))

    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 3, 3)
    content = client.get(job_url).content.decode()
    assert "3 rader: 3 importerades (1 utkast, 2 historiska beslut)" in content
    assert content.count("Importerad") >= 3
    # A second run of the same job does nothing: it is claimed only once.
    assert tasks.run_bulk_import_job.call(str(job.pk)) is None
    assert RiktlinjePage.objects.filter(title=RIKTLINJE).count() == 1


def test_the_same_upload_is_never_imported_twice_at_once(w, queue_only):
    client, preview, job_url, job = queued_job(w)

    response = client.post(preview, {"import": "1"})

    assert response["Location"] == job_url
    assert BulkImportJob.objects.filter(user=w["importer"]).count() == 1
    # Nor can the uploads be cancelled under the running import.
    assert client.post(preview, {"cancel": "1"})["Location"] == job_url
    assert PendingImport.objects.filter(user=w["importer"]).count() == 2


def test_a_stalled_import_can_be_started_again(w, queue_only):
    client, _preview, job_url, job = queued_job(w)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    BulkImportJob.objects.filter(pk=job.pk).update(
        status="running", created_at=long_ago, heartbeat_at=long_ago, rows_total=3
    )

    content = client.get(job_url).content.decode()
    assert "Importen har stannat utan att bli klar. Starta om den." in content
    assert "http-equiv" not in content
    assert ">Starta om</button>" in content
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(job_url, {"restart": "1"})

    job.refresh_from_db()
    assert job.status == "failed"
    assert "stannade utan att bli klar" in job.message
    new_job = BulkImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"{UPLOAD}jobb/{new_job.pk}/"
    assert new_job.status == "queued"
    # A job that is still moving cannot be restarted.
    response = client.post(f"{UPLOAD}jobb/{new_job.pk}/", {"restart": "1"}, follow=True)
    assert "Importen kan inte startas om." in response.content.decode()
    assert BulkImportJob.objects.count() == 2


def test_a_job_is_shown_only_to_whoever_started_it(w, queue_only):
    _client, _preview, job_url, _job = queued_job(w)
    other = make_user("samordnare3", groups=["Informationssäkerhetssamordnare"])

    assert client_for(other).get(job_url).status_code == 404
    assert client_for(other).get(f"{job_url}status/").status_code == 404
    assert client_for(w["owner"]).get(job_url).status_code == 302  # no import permission


def test_the_worker_refuses_someone_who_lost_the_permission(w, queue_only):
    importer = make_user("tidigare", groups=["Redaktörer"])
    client = client_for(importer)
    preview = client.post(UPLOAD, uploads())["Location"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(preview, {"import": "1"})
    job = BulkImportJob.objects.get(user=importer)
    importer.groups.clear()

    tasks.run_bulk_import_job.call(str(job.pk))

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == "Du har inte behörighet att importera styrdokument."
    assert not Styrdokument.objects.filter(title=RIKTLINJE).exists()


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


def test_a_parent_hidden_from_the_importer_is_neither_used_nor_named(w):
    """A riktlinje restricted to a group the importer is not in, sent as the parent by its id:
    refused as a page that does not exist, and the form shown again does not name it."""
    other = Group.objects.create(name="Krisledning")
    hidden = make_document(
        RiktlinjePage, title="Riktlinje för krisledningsplatsen", restricted_to=[other]
    )
    response = client_for(w["importer"]).post(UPLOAD, {**uploads(), "parent": hidden.pk})

    assert response.status_code == 400
    assert "Sidan finns inte. Välj en annan plats." in response.content.decode()
    assert "krisledningsplatsen" not in response.content.decode()


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
    with TestCase.captureOnCommitCallbacks(execute=True):
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


def test_the_admin_header_offers_an_imported_decisions_original_file(w):
    page, public_version, _internal = imported(w)
    client = client_for(w["importer"])

    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()

    original = f"/arkiv/{public_version.pk}/original/"
    assert "Originalfil (version 2.0)" in html
    assert f'href="{original}"' in html
    assert "Arkiv-PDF" not in html
    response = client.get(original)
    assert b"".join(response.streaming_content) == FILES["riktlinje-2019.docx"]

    # Once the document is decided in Styrdok, its own version is the archive's record.
    page = adopt(page)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Arkiv-PDF (version 3.0)" in html
    assert "Originalfil (version" not in html
