"""Importing under a riktlinje restricted to a group: the draft inherits the restriction as the
editor would give it (policies.rules restricted_like_parent), so the import is not refused and
nothing about the draft reaches anyone outside the group, on the intranet or the public site."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from importing.bulk import run_bulk_import
from importing.docx import convert_docx, create_draft
from policies.models import AdoptedVersion, RiktlinjePage, RutinPage
from tests.factories import INTRANET_HOST, make_document, make_user
from tests.importing.bulk_builders import csv_bytes, row, simple_docx, zip_bytes

pytestmark = pytest.mark.django_db

RIKTLINJE = "Riktlinje för skyddsklassade uppgifter"
RUTIN = "Rutin för hantering av skyddsklassade handlingar"
SECRET = "Handlingarna förvaras i säkerhetsskåpet i rum 412."


@pytest.fixture
def group(db):
    return Group.objects.create(name="Säkerhetsskydd")


@pytest.fixture
def restricted(group):
    return make_document(
        RiktlinjePage,
        title=RIKTLINJE,
        slug="skyddsklassade-uppgifter",
        publicity="internal",
        restricted_to=[group],
    )


@pytest.fixture
def member(group):
    return make_user("skyddsansvarig", groups=["Redaktörer", group.name], first_name="Siv")


def client_for(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


def rutin_docx():
    return simple_docx(RUTIN, SECRET)


def assert_only_the_group_sees(draft, group, member, public_client):
    draft = RutinPage.objects.get(pk=draft.pk)
    assert list(draft.restricted_to.all()) == [group]
    assert not draft.live
    assert not draft.hidden_from(member)
    outsider = make_user("utomstaende", groups=["Redaktörer"])
    assert draft.hidden_from(outsider)
    # The outsider's admin has no trace of it; the public site has none either.
    listing = client_for(outsider).get(f"/admin/pages/{draft.get_parent().pk}/").content
    assert RUTIN.encode() not in listing
    assert client_for(outsider).get(f"/admin/pages/{draft.pk}/edit/").status_code in (302, 403, 404)
    search = public_client.get("/sok/", {"q": "säkerhetsskåpet"})
    assert search.status_code == 200 and RUTIN.encode() not in search.content
    register = public_client.get(draft.get_parent().get_parent().url_path.removeprefix("/start"))
    assert register.status_code == 200 and RUTIN.encode() not in register.content
    assert public_client.get("/feed/").content.count(RUTIN.encode()) == 0
    return draft


def test_one_word_file_under_a_restricted_riktlinje_is_restricted_like_it(
    restricted, group, member, public_client
):
    conversion = convert_docx(rutin_docx(), "rutin.docx")

    draft = create_draft(restricted, conversion, member, page_class=RutinPage)

    draft = assert_only_the_group_sees(draft, group, member, public_client)
    assert draft.get_parent().pk == restricted.pk


def test_the_admin_preview_names_the_inherited_restriction(restricted, group, member):
    client = client_for(member)
    response = client.post(
        "/admin/import/word/",
        {"file": SimpleUploadedFile("rutin.docx", rutin_docx()), "parent": restricted.pk},
    )
    preview = client.get(response["Location"]).content.decode()
    assert f"Utkastet får samma läsbegränsning som ”{RIKTLINJE}”: Säkerhetsskydd." in preview

    response = client.post(response["Location"], {})

    draft = RutinPage.objects.get(title=RUTIN)
    assert response["Location"] == f"/admin/pages/{draft.pk}/edit/"
    assert list(draft.restricted_to.all()) == [group]


def test_a_bulk_row_under_a_restricted_riktlinje_is_restricted_like_it(
    restricted, group, member, public_client
):
    files = {"rutin.docx": rutin_docx(), "rutin-2020.docx": simple_docx(RUTIN, "Från 2020.")}
    rows = [
        row("rutin.docx", RUTIN, "Rutin", parent=RIKTLINJE),
        row(
            "rutin-2020.docx",
            RUTIN,
            "Rutin",
            parent=RIKTLINJE,
            body="Kommundirektör",
            date="2020-02-03",
            historical="Ja",
        ),
    ]

    report = run_bulk_import(io.BytesIO(zip_bytes(files)), csv_bytes(rows), user=member)

    assert report.ok, report.lines()
    draft = assert_only_the_group_sees(
        RutinPage.objects.get(title=RUTIN), group, member, public_client
    )
    version = AdoptedVersion.objects.get(document=draft)
    original = f"/arkiv/{version.pk}/original/"
    assert public_client.get(original).status_code == 404
    outsider = make_user("utomstaende2", groups=["Redaktörer"])
    assert client_for(outsider).get(original).status_code == 404
    assert client_for(member).get(original).status_code == 200


def test_a_bulk_import_job_under_a_restricted_riktlinje(restricted, group, member):
    client = client_for(member)
    zip_file = io.BytesIO(zip_bytes({"rutin.docx": rutin_docx()}))
    zip_file.name = "rutiner.zip"
    csv_file = io.BytesIO(csv_bytes([row("rutin.docx", RUTIN, "Rutin", parent=RIKTLINJE)]))
    csv_file.name = "rutiner.csv"
    preview = client.post("/admin/import/flera/", {"zip_file": zip_file, "csv_file": csv_file})
    assert "1 rad: 1 kan importeras" in client.get(preview["Location"]).content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        job_url = client.post(preview["Location"], {"import": "1"})["Location"]

    assert "1 rad: 1 importerades" in client.get(job_url).content.decode()
    assert list(RutinPage.objects.get(title=RUTIN).restricted_to.all()) == [group]
