"""`manage.py backup` and `manage.py restore`: everything a kommun must keep comes back.

Transactional: the backup reads the committed database (pg_dump is another connection), and the
restore replaces it.
"""

import datetime
import hashlib
import io
import json
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from wagtail.documents import get_document_model

from policies.models import AdoptedVersion, PolicyPage, RiktlinjePage
from tests.factories import PUBLIC_HOST, adopt_new_version, get_body, make_document, paragraph

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def folders(settings, tmp_path, archive_root):
    settings.MEDIA_ROOT = tmp_path / "media"
    return {"media": settings.MEDIA_ROOT, "arkiv": archive_root, "kopior": tmp_path / "kopior"}


def build_archive():
    """Three adopted versions of two documents, each with its archival PDF, and an upload."""
    riktlinje = make_document(
        RiktlinjePage,
        title="Riktlinje för lösenord",
        body=[paragraph("<p>Lösenord ska ha minst åtta tecken.</p>")],
        version="1.0",
        decision_body=get_body("ks"),
        decision_date=datetime.date(2024, 3, 14),
        diarienummer="KS-2024-101",
        protocol_paragraph=12,
    )
    adopt_new_version(
        riktlinje,
        title="Riktlinje för lösenord och tvåfaktorsinloggning",
        body=[paragraph("<p>Lösenord ska ha minst tolv tecken.</p>")],
        version="2.0",
        decision_date=datetime.date(2025, 5, 20),
        diarienummer="KS-2025-202",
        protocol_paragraph=31,
    )
    make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        body=[paragraph("<p>Informationen ska skyddas efter sitt värde.</p>")],
        version="1.0",
    )
    upload = get_document_model().objects.create(
        title="Bilaga om klassning",
        file=ContentFile("Klassning av information – bilaga.".encode(), name="bilaga.txt"),
    )
    return upload


def archived():
    """Every adopted version as recorded, with its PDF's bytes."""
    versions = {}
    for version in AdoptedVersion.objects.order_by("pk"):
        with version.pdf.open("rb") as pdf:
            data = pdf.read()
        versions[version.pk] = {
            "record": (
                version.document_id,
                version.title,
                version.version,
                version.decision_date,
                version.diarienummer,
                version.pdf.name,
                version.pdf_sha256,
            ),
            "pdf": data,
        }
    return versions


def backup(folders):
    out = io.StringIO()
    call_command("backup", str(folders["kopior"]), stdout=out)
    (folder,) = folders["kopior"].iterdir()
    assert out.getvalue().strip() == f"Säkerhetskopian är klar: {folder}"
    return folder


def test_backup_wipe_and_restore_bring_back_every_version_and_pdf(committed_baseline, folders):
    upload = build_archive()
    before = archived()
    assert len(before) == 3
    for entry in before.values():
        assert entry["pdf"].startswith(b"%PDF-")
        assert hashlib.sha256(entry["pdf"]).hexdigest() == entry["record"][-1]
    upload_name, upload_bytes = upload.file.name, upload.file.read()
    upload.file.close()

    folder = backup(folders)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert folder.name.startswith("styrdok-backup-")
    for entry in before.values():
        assert f"arkiv/{entry['record'][-2]}" in manifest["files"]
    assert f"media/{upload_name}" in manifest["files"]

    # The disaster: the database emptied, the files gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(folders["arkiv"])
    shutil.rmtree(folders["media"])
    assert not AdoptedVersion.objects.exists()

    out = io.StringIO()
    call_command("restore", str(folder), "--yes", stdout=out)
    assert out.getvalue().startswith("Återställt från säkerhetskopian")

    assert archived() == before
    assert (folders["media"] / upload_name).read_bytes() == upload_bytes
    out = io.StringIO()
    call_command("check_archive", stdout=out)
    assert out.getvalue().strip() == "Versionsarkivet är helt: 3 PDF:er har rätt kontrollsumma."
    # And the public site serves the restored PDF, byte for byte.
    newest = AdoptedVersion.objects.filter(version="2.0").get()
    response = Client(HTTP_HOST=PUBLIC_HOST).get(f"/arkiv/{newest.pk}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == before[newest.pk]["pdf"]


def test_a_damaged_backup_is_refused_and_nothing_changes(committed_baseline, folders):
    folders["arkiv"].mkdir(parents=True)
    (folders["arkiv"] / "prov.pdf").write_bytes(b"%PDF-1.7 prov")
    folder = backup(folders)
    (folder / "arkiv" / "prov.pdf").write_bytes(b"%PDF-1.7 manipulerad")
    get_body("ks").__class__.objects.filter(code="ks").update(name="Kommunstyrelsen efter kopian")
    (folders["arkiv"] / "ny.pdf").write_bytes(b"%PDF-1.7 ny")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(folder), "--yes")
    assert "skadad eller ofullständig; inget har återställts" in str(refused.value)
    assert "arkiv/prov.pdf: kontrollsumman stämmer inte" in str(refused.value)
    assert get_body("ks").name == "Kommunstyrelsen efter kopian"
    assert (folders["arkiv"] / "ny.pdf").exists()

    (folder / "manifest.json").write_text("{inte json")
    with pytest.raises(CommandError, match="manifest.json i .* är skadad"):
        call_command("restore", str(folder), "--yes")
    with pytest.raises(CommandError, match="saknar manifest.json"):
        call_command("restore", str(folders["kopior"]), "--yes")


def test_restore_asks_before_overwriting(committed_baseline, folders):
    folder = backup(folders)
    with pytest.raises(CommandError, match="Kör igen med --yes"):
        call_command("restore", str(folder))


def test_check_archive_names_a_changed_or_missing_pdf(committed_baseline, folders):
    build_archive()
    versions = list(AdoptedVersion.objects.order_by("pk"))
    (folders["arkiv"] / versions[0].pdf.name).write_bytes(b"%PDF-1.7 annan")
    (folders["arkiv"] / versions[1].pdf.name).unlink()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 av 3 arkiverade PDF:er saknas eller har ändrats"):
        call_command("check_archive", stderr=err)
    assert "kontrollsumman stämmer inte" in err.getvalue()
    assert "saknas" in err.getvalue()
