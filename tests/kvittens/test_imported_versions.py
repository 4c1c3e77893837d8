"""Imported decisions (AdoptedVersion.imported, registered by the Word import) never put a
document in force, so kvittens never asks anyone to confirm one: not on the page, the start
page, the reminders, the coverage report or the yearly summary. Once the document's own
workflow adopts a version, that version is the one people confirm."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kvittens import coverage as kvittens_coverage
from kvittens.services import (
    KvittensError,
    confirm,
    must_confirm,
    pending_for,
    status,
    version_chain,
)
from policies.decisions import register_existing_decision
from policies.models import AdoptedVersion, Publicity, RutinPage
from tests.factories import (
    INTRANET_HOST,
    days_ago,
    get_body,
    make_document,
    make_live_document,
    make_user,
    path_of,
)
from tests.kvittens.helpers import build_kommun, requirement
from tests.shared import build_once

BOX = "Läs och bekräfta"


def imported_version(document, label, decision_date, newer=None):
    """An earlier decision as importing.bulk registers it: marked imported, superseded by the
    next newer decision when there is one."""
    now = timezone.now()
    return AdoptedVersion.objects.create(
        document=document,
        title=document.title,
        version=label,
        decision_body_name="Kommunstyrelsen",
        decision_date=decision_date,
        diarienummer=f"KS-2019-{label.replace('.', '')}",
        publicity=Publicity.PUBLIC,
        adopted_at=now,
        content={},
        imported=True,
        superseded_at=now if newer is not None else None,
        superseded_by=newer,
    )


def build():
    world = build_kommun()
    # A draft whose history came from the import: 2.0 (2021) superseding 1.0 (2018).
    draft = make_document(RutinPage, title="Rutin för loggning", slug="loggning", publish=False)
    newest = imported_version(draft, "2.0", datetime.date(2021, 5, 4))
    imported_version(draft, "1.0", datetime.date(2018, 2, 1), newer=newest)
    world["draft"] = draft
    requirement(document=draft, organisations=[world["social"]])
    # A document in the register whose only versions are imported (no decision of its own).
    world["only_imported"] = make_live_document(
        RutinPage, title="Rutin för säkerhetskopiering", slug="sakerhetskopiering"
    )
    imported_version(world["only_imported"], "3.0", datetime.date(2022, 9, 1))
    requirement(document=world["only_imported"], organisations=[world["social"]])
    world["samordnare"] = make_user("samordnare_h", superuser=True)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build)


@pytest.fixture
def w(world, db):
    return world


def reload(page):
    return type(page).objects.get(pk=page.pk)


def adopt(page, **fields):
    """The document's own workflow decides (as the decision step records it)."""
    page = reload(page)
    for name, value in fields.items():
        setattr(page, name, value)
    register_existing_decision(
        page,
        body=get_body("kommundirektor"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-501",
    )
    return reload(page)


def reminders(django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_kvittens_reminders", stdout=StringIO())
    return list(mail.outbox)


def covered_titles(user):
    documents = kvittens_coverage.listed(kvittens_coverage.required_documents(user))
    return [item.document.title for item in kvittens_coverage.coverage(documents)]


# -- only imported versions: nothing to confirm --------------------------------------------------


def test_a_document_with_only_imported_versions_asks_nobody(w, django_capture_on_commit_callbacks):
    anna = w["people"]["anna"]
    for document in (w["draft"], w["only_imported"]):
        chain = version_chain(document)
        assert chain.current is None and chain.required is None and chain.accepted == []
        assert not must_confirm(anna, document)
        assert not status(anna, document).pending
    assert pending_for(anna) == []
    assert reminders(django_capture_on_commit_callbacks) == []


def test_an_imported_version_cannot_be_confirmed(w):
    anna = w["people"]["anna"]
    imported = AdoptedVersion.objects.get(document=w["only_imported"], version="3.0")
    with pytest.raises(KvittensError):
        confirm(anna, w["only_imported"], imported)
    assert not imported.kvittenser.exists()


def test_the_page_shows_no_box_for_an_imported_decision(w):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(w["people"]["anna"])
    page = client.get(path_of(w["only_imported"])).content.decode()
    assert "Rutin för säkerhetskopiering" in page
    assert BOX not in page and "Jag har läst och förstått" not in page


def test_coverage_and_the_yearly_summary_leave_imported_decisions_out(w):
    assert covered_titles(w["samordnare"]) == []
    year = timezone.localdate().year
    summary = kvittens_coverage.annual_summary(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), w["samordnare"]
    )
    assert [row.title for row in summary.rows] == []


# -- the document's own decision counts ----------------------------------------------------------


def test_the_first_own_decision_after_the_import_is_the_one_to_confirm(
    w, django_capture_on_commit_callbacks
):
    anna, bo = w["people"]["anna"], w["people"]["bo"]
    document = adopt(w["draft"], version="3.0")
    chain = version_chain(document)

    assert chain.current.version == "3.0" and not chain.current.imported
    assert chain.required == chain.current and chain.accepted == [chain.current]
    assert not chain.carried_over
    assert must_confirm(anna, document) and must_confirm(bo, document)
    assert [item.version.version for item in pending_for(anna)] == ["3.0"]
    assert covered_titles(w["samordnare"]) == ["Rutin för loggning"]
    sent = reminders(django_capture_on_commit_callbacks)
    assert sorted(message.to[0] for message in sent) == sorted([anna.email, bo.email])
    assert all("Rutin för loggning" in message.body for message in sent)

    acknowledgement, created = confirm(anna, document, chain.current)
    assert created and acknowledgement.version.version == "3.0"
    assert not must_confirm(anna, document)


def test_an_editorial_change_never_reaches_back_to_an_imported_decision(w):
    """The imported 3.0 was never confirmed in Styrdok: an editorial 3.1 on top of it is the
    first version of the document's own, and it is what people confirm."""
    page = reload(w["only_imported"])
    page.version = "3.1"
    register_existing_decision(
        page,
        body=get_body("kommundirektor"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-502",
        editorial_change=True,
    )
    chain = version_chain(reload(page))

    assert chain.current.version == "3.1" and chain.current.editorial_change
    assert chain.required == chain.current and chain.accepted_ids == [chain.current.pk]
    assert not chain.carried_over
    assert must_confirm(w["people"]["anna"], page)
    [item] = kvittens_coverage.coverage(
        kvittens_coverage.listed(kvittens_coverage.required_documents(w["samordnare"]))
    )
    assert item.required_version == "3.1"
    assert item.chain.accepted_ids == [chain.current.pk]
