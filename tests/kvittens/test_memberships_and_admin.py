"""Staff's home units (the HR import and the admin) and the kvittenskrav in the admin."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from governance.setup import COORDINATORS, EDITORS
from kvittens.models import Membership, Requirement
from tests.factories import INTRANET_HOST, make_user
from tests.kvittens.helpers import build_kommun
from tests.shared import build_once


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    def build():
        world = build_kommun()
        world["samordnare"] = make_user("samordnaren", groups=[COORDINATORS])
        world["redaktor"] = make_user("redaktoren", groups=[EDITORS])
        return world

    yield from build_once(django_db_blocker, build)


@pytest.fixture
def w(world, db):
    return world


def run_import(tmp_path, text, *args, encoding="utf-8"):
    path = tmp_path / "hr-export.csv"
    path.write_bytes(text.encode(encoding))
    out = StringIO()
    call_command("import_memberships", str(path), *args, stdout=out)
    return out.getvalue()


def home(username):
    membership = Membership.objects.filter(user__username=username).first()
    return membership.organisation.name if membership else None


# -- the HR import -----------------------------------------------------------------------------


def test_the_hr_export_sets_everyones_home_unit(w, tmp_path):
    make_user("ny", email="ny.person@exempelkommun.se")
    text = (
        "användarnamn;organisation\n"
        "anna;Socialförvaltningen\n"
        "NY.PERSON@exempelkommun.se;Hemtjänsten\n"
        "cecilia;Utbildningsförvaltningen\n"
    )
    out = run_import(tmp_path, text)
    assert "3 tillhörigheter importerade: 1 nya, 1 ändrade, 1 oförändrade." in out
    assert (home("anna"), home("ny"), home("cecilia")) == (
        "Socialförvaltningen",
        "Hemtjänsten",
        "Utbildningsförvaltningen",
    )
    assert Membership.objects.get(user__username="anna").source == Membership.IMPORT


def test_excel_in_windows_1252_with_commas_is_read(w, tmp_path):
    out = run_import(tmp_path, "dan,Hemtjänsten\r\n", encoding="cp1252")
    assert "1 nya" in out
    assert home("dan") == "Hemtjänsten"


def test_every_bad_row_is_named_and_nothing_is_saved(w, tmp_path):
    text = (
        "användarnamn;organisation\n"
        "anna;Utbildningsförvaltningen\n"
        "okand;Socialförvaltningen\n"
        "bo;Finns inte\n"
        "cecilia\n"
        "anna;Hemtjänsten\n"
    )
    with pytest.raises(CommandError) as refused:
        run_import(tmp_path, text)
    message = str(refused.value)
    assert "hr-export.csv: ingenting har sparats." in message
    assert "Rad 3: hittar ingen användare ”okand”." in message
    assert "Rad 4: hittar ingen organisation ”Finns inte”." in message
    assert "Rad 5: ska ha två fält" in message
    assert "Rad 6: ”anna” står redan på rad 2." in message
    assert home("anna") == "Hemtjänsten"  # unchanged


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Filen innehåller inga rader"),
        (b"PK\x03\x04\x00\x00binary", "Filen är ingen CSV-fil"),
        (b"\xff\xfe\x00\xd8\x00\xdc", "Filen är ingen CSV-fil"),
    ],
)
def test_a_file_that_is_not_a_csv_is_refused(w, tmp_path, content, message):
    path = tmp_path / "fel.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_memberships", str(path), stdout=StringIO())


def test_a_missing_file_is_named(w, tmp_path):
    with pytest.raises(CommandError, match="Filen ”.*saknas.csv” finns inte."):
        call_command("import_memberships", str(tmp_path / "saknas.csv"), stdout=StringIO())


def test_dry_run_saves_nothing(w, tmp_path):
    out = run_import(tmp_path, "dan;Socialförvaltningen\n", "--dry-run")
    assert "1 tillhörigheter skulle importeras" in out
    assert home("dan") is None


# -- the admin ---------------------------------------------------------------------------------


def admin_client(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


def test_the_samordnare_creates_a_requirement_in_the_admin(w):
    client = admin_client(w["samordnare"])
    response = client.post(
        "/admin/kvittens/krav/add/",
        {
            "document": "",
            "document_type": "rutin",
            "everyone": "",
            "organisations": [w["social"].pk],
            "reminder_days": "14",
            "reminder_interval_days": "7",
            "max_reminders": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Requirement.objects.get()
    assert created.created_by == w["samordnare"]
    assert list(created.organisations.all()) == [w["social"]]
    listing = client.get("/admin/kvittens/krav/").content.decode()
    assert "alla dokument av typen rutin" in listing


@pytest.mark.parametrize(
    "changes, message",
    [
        ({}, "Ange vilka som ska bekräfta"),
        ({"document_type": "", "everyone": "on"}, "Välj ett styrdokument eller en dokumenttyp"),
    ],
)
def test_an_incomplete_requirement_gets_a_swedish_message(w, changes, message):
    data = {
        "document": "",
        "document_type": "rutin",
        "reminder_days": "14",
        "reminder_interval_days": "7",
        "max_reminders": "3",
        "active": "on",
        **changes,
    }
    response = admin_client(w["samordnare"]).post("/admin/kvittens/krav/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Requirement.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"document_type": ""}, {"document": "DOCUMENT"}],
    ids=["neither", "both"],
)
def test_a_requirement_without_one_scope_names_no_database_constraint(w, changes):
    """Neither a document nor a type, or both: the editor reads what to choose, once, and not
    the check constraint's technical name ("Begränsningen … överträds")."""
    data = {
        "document": "",
        "document_type": "rutin",
        "everyone": "on",
        "reminder_days": "14",
        "reminder_interval_days": "7",
        "max_reminders": "3",
        "active": "on",
        **changes,
    }
    if data["document"] == "DOCUMENT":
        data["document"] = w["rutin"].pk
    response = admin_client(w["samordnare"]).post("/admin/kvittens/krav/add/", data)

    text = " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text().split())
    assert response.status_code == 200
    assert "kvittens_requirement_document_or_type" not in text
    assert "Begränsningen" not in text
    assert "styrdokument eller en dokumenttyp" in text
    assert not Requirement.objects.exists()


def test_an_editor_without_the_permission_cannot_manage_kvittens(w):
    client = admin_client(w["redaktor"])
    for address in ("/admin/kvittens/krav/", "/admin/kvittens/krav/add/"):
        response = client.get(address)
        assert response.status_code in (302, 403), address
    assert not client.get("/admin/").content.decode().count("Kvittenskrav")


def test_the_samordnare_edits_home_units(w):
    client = admin_client(w["samordnare"])
    response = client.get("/admin/kvittens/tillhorighet/")
    assert response.status_code == 200
    assert "Anna Andersson" in response.content.decode() or "anna" in response.content.decode()
    assert w["samordnare"].has_perm("kvittens.view_coverage")
    assert not w["redaktor"].has_perm("kvittens.view_coverage")


# -- from the SSO login ------------------------------------------------------------------------


def sso_login(settings, claims):
    from styrdok.sso.backends import StyrdokOIDCBackend  # noqa: PLC0415

    settings.STYRDOK_OIDC_ISSUER = "https://idp.exempelkommun.se"
    backend = StyrdokOIDCBackend()
    backend.get_userinfo = lambda *args: claims
    return backend.get_or_create_user("token", "id-token", {})


def test_the_sso_claim_sets_the_home_unit_at_every_login(w, settings):
    settings.STYRDOK_OIDC_ORGANISATION_CLAIM = "department"
    claims = {"sub": "s-1", "email": "sso.person@exempelkommun.se", "department": "hemtjänsten"}
    user = sso_login(settings, claims)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.source) == (w["hemtjanst"], Membership.SSO)
    sso_login(settings, {**claims, "department": "Utbildningsförvaltningen"})
    assert Membership.objects.get(user=user).organisation == w["skola"]
    # An unknown unit changes nothing.
    sso_login(settings, {**claims, "department": "Finns inte"})
    assert Membership.objects.get(user=user).organisation == w["skola"]


def test_a_unit_set_by_hand_wins_over_the_claim(w, settings):
    settings.STYRDOK_OIDC_ORGANISATION_CLAIM = "department"
    claims = {"sub": "s-2", "email": "cecilia@exempelkommun.se", "department": "Hemtjänsten"}
    settings.STYRDOK_OIDC_LINK_BY_EMAIL = True
    user = sso_login(settings, claims)
    assert user.username == "cecilia"
    assert home("cecilia") == "Utbildningsförvaltningen"


def test_without_the_setting_the_claim_is_ignored(w, settings):
    settings.STYRDOK_OIDC_ORGANISATION_CLAIM = ""
    user = sso_login(settings, {"sub": "s-3", "email": "x@exempelkommun.se", "department": "IT"})
    assert not Membership.objects.filter(user=user).exists()
