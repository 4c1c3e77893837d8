"""The demo import in fixtures/import/ goes into the demo kommun as the README's tour says."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from policies.demo import DEFAULT_FIXTURE
from policies.models import (
    AdoptedVersion,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "import"
ZIP_PATH = DEMO_DIR / "exempelkommun-import.zip"
CSV_PATH = DEMO_DIR / "exempelkommun-import.csv"

pytestmark = [
    pytest.mark.demo,
    pytest.mark.skipif(not DEFAULT_FIXTURE.is_file(), reason="the demo file does not exist"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def import_demo(*options):
    out = io.StringIO()
    call_command(
        "import_styrdokument",
        str(ZIP_PATH),
        str(CSV_PATH),
        "--user",
        "samordnare",
        *options,
        stdout=out,
    )
    return out.getvalue()


def test_the_demo_import_brings_in_three_drafts_and_two_earlier_decisions(demo, db):
    live = set(Styrdokument.objects.live().values_list("pk", flat=True))

    output = import_demo()

    assert "5 rader: 5 importerades (3 utkast, 2 historiska beslut), 0 hoppades över." in output
    cloud = RiktlinjePage.objects.get(title="Riktlinje för informationssäkerhet i molntjänster")
    assert cloud.get_parent().title == "Informationssäkerhetspolicy"
    earlier = AdoptedVersion.objects.get(document=cloud)
    assert earlier.imported and earlier.protocol_paragraph == 88
    assert earlier.diarienummer == "KS-2021-144"
    assert cloud.version == "2.0" and cloud.responsible.username == "samordnare"
    media = RutinPage.objects.get(title="Rutin för flyttbara lagringsmedia")
    assert media.get_parent().title == "Riktlinje för fysisk och teknisk säkerhet"
    assert media.responsible.username == "itchef"
    assert AdoptedVersion.objects.get(document=media).original_filename.endswith("2019.pdf")
    video = StodanvisningPage.objects.get(title="Stödanvisning för säkra videomöten")
    assert "Kontrollera vilka som är med" in str(list(video.body.raw_data))
    # Nothing was published: the register is as it was.
    assert set(Styrdokument.objects.live().values_list("pk", flat=True)) == live


def test_the_demo_import_dry_run(demo, db):
    output = import_demo("--dry-run")

    assert "Provkörning, inget sparades. 5 rader: 5 kan importeras" in output
    assert not Styrdokument.objects.filter(title="Rutin för flyttbara lagringsmedia").exists()
