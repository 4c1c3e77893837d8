"""Text stored before the guard of governance.text_input does not block later saves: the data
migrations and the command `clean_control_characters` remove the characters the guard refuses
(governance.stored_text), so a decision and scheduled publishing work afterwards."""

import datetime
import importlib
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from wagtail.models import Page, Revision

from governance.models import Organisation
from policies.models import AdoptedVersion, RiktlinjePage, Styrdokument
from search.models import SynonymGroup
from tests.factories import adopt_new_version, heading, make_document, paragraph

pytestmark = pytest.mark.django_db

RLO = "\u202e"
VT = "\x0b"
MIGRATIONS = [
    "governance.migrations.0011_clean_stored_control_characters",
    "policies.migrations.0020_clean_stored_control_characters",
    "search.migrations.0010_clean_stored_control_characters",
]


def run_migrations():
    """The three data migrations, on the models as the migrations define them."""
    apps = MigrationExecutor(connection).loader.project_state().apps
    for name in MIGRATIONS:
        importlib.import_module(name).clean(apps, None)


def seed_legacy_text(page):
    """Text as it may have been stored before the guard, written past it."""
    Page.objects.filter(pk=page.pk).update(title=f"Riktlinje{VT} om lösenord")
    Styrdokument.objects.filter(pk=page.pk).update(
        summary=f"Rad ett\n\tRad två{RLO}",
        diarienummer=f"KS-2026-7{RLO}01",
        body=json.dumps([heading(f"Skydd{VT}"), paragraph("<p>Text\u200b med\tflik</p>")]),
    )
    revision = page.get_latest_revision()
    content = {**revision.content, "title": f"Utkast{RLO}", "seo_title": f"Sök{VT}"}
    Revision.objects.filter(pk=revision.pk).update(content=content)
    return revision


def assert_cleaned(page, revision):
    page = RiktlinjePage.objects.get(pk=page.pk)
    assert page.title == "Riktlinje om lösenord"
    assert page.summary == "Rad ett\n\tRad två"  # text of several lines keeps its tab
    assert page.diarienummer == "KS-2026-701"
    assert page.body[0].value["text"] == "Skydd"
    assert page.body[1].value.source == "<p>Text med\tflik</p>"
    content = Revision.objects.get(pk=revision.pk).content
    assert (content["title"], content["seo_title"]) == ("Utkast", "Sök")
    return page


def test_legacy_text_blocks_a_decision_before_it_is_cleaned(db):
    page = make_document(RiktlinjePage, title="Riktlinje om lösenord")
    Page.objects.filter(pk=page.pk).update(title=f"Riktlinje{VT} om lösenord")
    page = RiktlinjePage.objects.get(pk=page.pk)
    with pytest.raises(ValidationError):
        adopt_new_version(page, version="2.0")


def test_the_migrations_clean_stored_text_and_a_decision_publishes_afterwards():
    page = make_document(RiktlinjePage, title="Riktlinje om lösenord")
    revision = seed_legacy_text(page)
    organisation = Organisation.objects.create(name="Socialförvaltningen")
    Organisation.objects.filter(pk=organisation.pk).update(name=f"Social{RLO}förvaltningen")
    synonyms = SynonymGroup.objects.create(terms="lösenord, lösen")
    SynonymGroup.objects.filter(pk=synonyms.pk).update(terms=f"lösenord,\tlösen{VT}")

    run_migrations()

    page = assert_cleaned(page, revision)
    assert Organisation.objects.get(pk=organisation.pk).name == "Socialförvaltningen"
    assert SynonymGroup.objects.get(pk=synonyms.pk).terms == "lösenord,\tlösen"
    page = adopt_new_version(page, version="2.0", title="Riktlinje om lösenord 2")
    assert page.live
    assert AdoptedVersion.objects.filter(document=page).count() == 2
    # Idempotent: a second run finds nothing.
    run_migrations()
    assert RiktlinjePage.objects.get(pk=page.pk).title == "Riktlinje om lösenord 2"


def test_a_scheduled_revision_is_cleaned_and_published_on_time():
    page = make_document(
        RiktlinjePage,
        title="Riktlinje som börjar gälla senare",
        go_live_at=timezone.now() + datetime.timedelta(days=1),
    )
    scheduled = Revision.objects.get(object_id=str(page.pk), approved_go_live_at__isnull=False)
    content = {**scheduled.content, "title": f"Riktlinje{VT} som börjar gälla senare"}
    Revision.objects.filter(pk=scheduled.pk).update(content=content)
    Page.objects.filter(pk=page.pk).update(title=f"Riktlinje{RLO} som börjar gälla senare")

    call_command("clean_control_characters", verbosity=0)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        call_command("publish_scheduled")
    page = RiktlinjePage.objects.get(pk=page.pk)
    assert page.live
    assert page.title == "Riktlinje som börjar gälla senare"
    assert AdoptedVersion.objects.filter(document=page).count() == 1


def test_the_command_reports_a_dry_run_and_then_cleans(capsys):
    page = make_document(RiktlinjePage, title="Riktlinje om lösenord")
    revision = seed_legacy_text(page)

    call_command("clean_control_characters", "--dry-run")
    report = capsys.readouterr().out
    assert "wagtailcore.Page – title: 1" in report
    assert "policies.Styrdokument – diarienummer: 1" in report
    assert "policies.Styrdokument – body: 1" in report
    assert "wagtailcore.Revision – content.title: 1" in report
    assert "Provkörning: 6 värden skulle rensas. Inget har sparats." in report
    assert Page.objects.get(pk=page.pk).title == f"Riktlinje{VT} om lösenord"

    call_command("clean_control_characters")
    assert "6 värden har rensats" in capsys.readouterr().out
    assert_cleaned(page, revision)

    call_command("clean_control_characters")
    assert "Inga osynliga styrtecken hittades" in capsys.readouterr().out
