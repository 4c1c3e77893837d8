"""Issue 13, items 2, 5 and 8: the decision record cannot be bypassed.

A styrdokument goes live only with a recorded decision for the revision that goes live, on every
route (the shell, Wagtail's bulk publish, scheduled publishing); an adopted one leaves the
register only by a repeal decision (Wagtail's unpublish, delete and move are refused for everyone,
superuser included); a recorded AdoptedVersion never changes; versions get distinct labels.
"""

import datetime
import importlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from wagtail.models import Page, Revision

from policies.decisions import DecisionRequired, next_free_label
from policies.models import AdoptedVersion, RiktlinjePage, Styrdokument
from tests.factories import (
    adopt_new_version,
    days_ago,
    get_register,
    make_document,
    paragraph,
)
from tests.governance.workflow_helpers import (
    NO_ACCESS,
    is_refused,
    last_message,
    messages_of,
    page_text,
)

pytestmark = pytest.mark.django_db

NOT_DECIDED = "Ett styrdokument publiceras bara genom ett registrerat beslut"
NOT_REPEALED = "avpubliceras bara genom ett registrerat beslut om upphävande"


def reload(page):
    return Styrdokument.objects.get(pk=page.pk).specific


@pytest.fixture
def adopted(db):
    return make_document(
        RiktlinjePage,
        title="Riktlinje för loggning",
        version="1.0",
        body=[paragraph("<p>Loggar sparas i ett år.</p>")],
    )


@pytest.fixture
def draft(db):
    return make_document(RiktlinjePage, title="Riktlinje för molntjänster", publish=False)


# -- publishing without a decision ------------------------------------------------------------


def test_a_superuser_cannot_publish_an_undecided_revision_from_the_shell(superuser, draft):
    revision = draft.save_revision(user=superuser)

    with pytest.raises(DecisionRequired) as refused:
        revision.publish(user=superuser, skip_permission_checks=True)

    assert NOT_DECIDED in str(refused.value)
    assert not reload(draft).live
    assert not AdoptedVersion.objects.filter(document=draft).exists()


def test_a_superuser_cannot_publish_changed_text_of_an_adopted_document(superuser, adopted):
    page = adopted.get_latest_revision_as_object()
    page.body = [paragraph("<p>Loggar raderas genast.</p>")]
    page.title = "Riktlinje som ingen beslutat"
    revision = page.save_revision(user=superuser)

    with pytest.raises(DecisionRequired):
        revision.publish(user=superuser, skip_permission_checks=True)

    live = reload(adopted)
    assert live.title == "Riktlinje för loggning"
    assert live.live_revision_id == adopted.live_revision_id
    (version,) = AdoptedVersion.objects.filter(document=adopted)
    assert version.title == "Riktlinje för loggning"
    assert "Loggar sparas" in str(version.content["body"])


def test_an_earlier_decided_revision_cannot_be_published_again(superuser, adopted):
    first = Revision.objects.get(pk=adopted.live_revision_id)
    adopt_new_version(adopted, version="2.0", decision_date=days_ago(1), diarienummer="KS-2026-2")

    with pytest.raises(DecisionRequired):
        first.publish(user=superuser, skip_permission_checks=True)

    assert reload(adopted).version == "2.0"
    assert AdoptedVersion.objects.filter(document=adopted).count() == 2


def test_a_page_cannot_be_created_live(db):
    page = RiktlinjePage(
        title="Direkt publicerad",
        slug="direkt",
        live=True,
        decision_date=days_ago(3),
        diarienummer="KS-2026-3",
    )
    with pytest.raises(DecisionRequired):
        get_register().add_child(instance=page)
    assert not Styrdokument.objects.filter(slug="direkt").exists()


def test_wagtails_bulk_publish_url_publishes_nothing_for_a_superuser(admin_client_intranet, draft):
    draft.save_revision()
    url = f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}&next=/admin/pages/"

    confirm = admin_client_intranet.get(url)
    response = admin_client_intranet.post(url, {"include_descendants": ""})

    assert confirm.status_code == 200
    assert "Du saknar rättigheter att publicera denna sida" in page_text(confirm)
    assert response.status_code == 302
    assert not reload(draft).live
    assert not AdoptedVersion.objects.filter(document=draft).exists()


def test_publish_scheduled_publishes_only_a_decided_revision(superuser, draft, adopted):
    undecided = draft.save_revision(user=superuser)
    past = timezone.now() - datetime.timedelta(minutes=5)
    Revision.objects.filter(pk=undecided.pk).update(approved_go_live_at=past)

    call_command("publish_scheduled")

    assert not reload(draft).live
    assert Revision.objects.get(pk=undecided.pk).approved_go_live_at is None
    assert reload(adopted).live  # the command went on; other documents are untouched


def test_scheduled_publishing_of_a_decided_revision_still_works(db):
    page = make_document(
        RiktlinjePage,
        title="Riktlinje som börjar gälla senare",
        go_live_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert not page.live
    assert not AdoptedVersion.objects.filter(document=page).exists()
    assert Revision.objects.filter(
        object_id=str(page.pk), approved_go_live_at__isnull=False
    ).exists()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        call_command("publish_scheduled")

    assert reload(page).live
    assert AdoptedVersion.objects.filter(document=page).count() == 1


# -- unpublish, delete, move and copy ---------------------------------------------------------


def test_wagtails_unpublish_delete_and_move_urls_refuse_a_superuser(admin_client_intranet, adopted):
    other = make_document(RiktlinjePage, title="Annan riktlinje")
    before = list(AdoptedVersion.objects.filter(document=adopted).values_list("pk", "title"))
    urls = [
        f"/admin/pages/{adopted.pk}/unpublish/",
        f"/admin/pages/{adopted.pk}/delete/",
        f"/admin/pages/{adopted.pk}/move/",
    ]
    for url in urls:
        assert is_refused(admin_client_intranet.get(url)), url
        assert is_refused(admin_client_intranet.post(url)), url
    confirm = f"/admin/pages/{adopted.pk}/move/{other.pk}/confirm/"
    for response in (admin_client_intranet.get(confirm), admin_client_intranet.post(confirm)):
        assert response.status_code == 302
        assert "flyttas inte" in last_message(response)

    page = reload(adopted)
    assert page.live
    assert page.get_parent().pk == get_register().pk
    assert list(AdoptedVersion.objects.filter(document=adopted).values_list("pk", "title")) == (
        before
    )


def test_wagtails_bulk_unpublish_delete_and_move_refuse_a_superuser(admin_client_intranet, adopted):
    for action in ("unpublish", "delete"):
        url = f"/admin/bulk/wagtailcore/page/{action}/?id={adopted.pk}&next=/admin/pages/"
        response = admin_client_intranet.post(url, {"include_descendants": ""})
        assert response.status_code in (200, 302), action
    page = reload(adopted)
    assert page.live
    assert AdoptedVersion.objects.filter(document=adopted).count() == 1


def test_deleting_the_register_above_an_adopted_document_is_refused_in_swedish(
    admin_client_intranet, adopted
):
    register = get_register()

    response = admin_client_intranet.post(f"/admin/pages/{register.pk}/delete/")

    assert response.status_code == 302
    assert "kan inte raderas" in last_message(response)
    assert Page.objects.filter(pk=register.pk).exists()
    assert reload(adopted).live


def test_a_never_adopted_draft_can_still_be_deleted(admin_client_intranet, draft):
    response = admin_client_intranet.post(f"/admin/pages/{draft.pk}/delete/")

    assert response.status_code == 302
    assert not Page.objects.filter(pk=draft.pk).exists()
    assert any("raderad" in message for message in messages_of(response))


def test_the_model_refuses_to_delete_or_unpublish_an_adopted_document(superuser, adopted):
    with pytest.raises(DecisionRequired) as refused:
        adopted.delete()
    assert "kan inte raderas" in str(refused.value)

    with pytest.raises(DecisionRequired) as refused:
        adopted.unpublish(user=None)
    assert NOT_REPEALED in str(refused.value)

    # The archive is PROTECTed even from a raw queryset delete of the page.
    with pytest.raises(ProtectedError), transaction.atomic():
        Page.objects.filter(pk=adopted.pk).delete()

    assert reload(adopted).live
    assert AdoptedVersion.objects.filter(document=adopted).count() == 1


def test_the_permission_tester_refuses_everyone_including_superusers(superuser, adopted, draft):
    on_adopted = adopted.permissions_for_user(superuser)
    on_draft = draft.permissions_for_user(superuser)
    on_register = get_register().permissions_for_user(superuser)

    assert not on_adopted.can_publish()
    assert not on_adopted.can_unpublish()
    assert not on_adopted.can_delete()
    assert not on_adopted.can_move()
    assert on_draft.can_delete()
    assert on_register.can_edit()


def test_a_copy_of_an_adopted_document_carries_no_decision(superuser, adopted):
    copy = adopted.copy(
        to=get_register(),
        update_attrs={"slug": "kopia", "title": "Kopia av riktlinjen"},
        keep_live=False,
        user=superuser,
    ).specific

    assert not copy.live
    assert copy.decision_date is None
    assert copy.diarienummer == ""
    assert copy.protocol_paragraph is None
    latest = copy.get_latest_revision_as_object()
    assert latest.decision_date is None
    assert latest.diarienummer == ""
    assert not AdoptedVersion.objects.filter(document=copy).exists()


def test_a_live_copy_cannot_be_made_from_the_shell(superuser, adopted):
    with pytest.raises(DecisionRequired):
        adopted.copy(
            to=get_register(),
            update_attrs={"slug": "levande-kopia", "title": "Levande kopia"},
            keep_live=True,
            copy_revisions=False,
        )
    assert not Styrdokument.objects.filter(slug="levande-kopia").exists()


def test_the_admin_hides_unpublish_and_delete_of_an_adopted_document(
    admin_client_intranet, adopted
):
    response = admin_client_intranet.get(f"/admin/pages/{adopted.pk}/edit/")

    assert response.status_code == 200
    assert f"/admin/pages/{adopted.pk}/unpublish/" not in response.content.decode()
    assert f"/admin/pages/{adopted.pk}/delete/" not in response.content.decode()


# -- the recorded version is immutable --------------------------------------------------------


def test_a_recorded_version_refuses_changes_through_save(adopted):
    version = AdoptedVersion.objects.get(document=adopted)
    version.title = "Omskriven"
    version.diarienummer = "KS-2026-999"

    with pytest.raises(ValidationError) as refused:
        version.save()

    assert "En fastställd version är en allmän handling och ändras inte" in str(refused.value)
    stored = AdoptedVersion.objects.get(pk=version.pk)
    assert stored.title == "Riktlinje för loggning"
    assert stored.diarienummer == adopted.diarienummer


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Omskriven"},
        {"content": {}},
        {"version": "9.9"},
        {"decision_date": datetime.date(2020, 1, 1)},
        {"revision": None},
        {"document_id": 1},
    ],
)
def test_a_recorded_version_refuses_queryset_updates(adopted, changes):
    with pytest.raises(ValidationError):
        AdoptedVersion.objects.filter(document=adopted).update(**changes)
    assert AdoptedVersion.objects.get(document=adopted).title == "Riktlinje för loggning"


def test_a_recorded_version_cannot_be_deleted(adopted):
    version = AdoptedVersion.objects.get(document=adopted)

    with pytest.raises(ValidationError) as refused:
        version.delete()
    assert "kan inte raderas" in str(refused.value)
    with pytest.raises(ValidationError):
        AdoptedVersion.objects.filter(pk=version.pk).delete()

    assert AdoptedVersion.objects.filter(pk=version.pk).exists()


def test_the_pdf_fields_may_be_written_and_the_repeal_fields_only_once(adopted):
    version = AdoptedVersion.objects.get(document=adopted)
    AdoptedVersion.objects.filter(pk=version.pk).update(pdf_error="Tillfälligt fel")
    version.refresh_from_db()
    version.repealed_at = timezone.now()
    version.repeal_body_name = "Kommunstyrelsen"
    version.save(update_fields=["repealed_at", "repeal_body_name"])

    version.repeal_body_name = "Någon annan"
    with pytest.raises(ValidationError):
        version.save(update_fields=["repeal_body_name"])
    assert AdoptedVersion.objects.get(pk=version.pk).repeal_body_name == "Kommunstyrelsen"


# -- versions numbered by decision ------------------------------------------------------------


def test_two_adoptions_with_the_same_label_get_distinct_labels_and_pdf_names(adopted):
    page = adopt_new_version(adopted, version="2.1", decision_date=days_ago(10))
    page = adopt_new_version(
        page, version="2.1", decision_date=days_ago(2), diarienummer="KS-2026-21"
    )

    labels = list(
        AdoptedVersion.objects.filter(document=adopted)
        .order_by("adopted_at")
        .values_list("version", flat=True)
    )
    assert labels == ["1.0", "2.1", "2.2"]
    assert page.version == "2.2"
    assert reload(adopted).get_latest_revision_as_object().version == "2.2"
    names = [v.pdf_filename for v in AdoptedVersion.objects.filter(document=adopted)]
    assert len(set(names)) == 3
    assert "riktlinje-for-loggning-version-2.2.pdf" in names or any(
        name.endswith("-version-2.2.pdf") for name in names
    )


def test_the_same_decision_republished_is_a_new_version_not_an_overwrite(adopted):
    original = AdoptedVersion.objects.get(document=adopted)

    adopt_new_version(adopted, title="Riktlinje för loggning (rättad)")

    original.refresh_from_db()
    assert original.title == "Riktlinje för loggning"
    assert original.superseded_at is not None
    current = AdoptedVersion.objects.get(document=adopted, superseded_at__isnull=True)
    assert (current.title, current.version) == ("Riktlinje för loggning (rättad)", "1.1")


def test_the_label_is_unique_per_document_in_the_database(adopted):
    version = AdoptedVersion.objects.get(document=adopted)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptedVersion.objects.create(
            document=adopted, title="Dubblett", version=version.version, publicity="public"
        )


@pytest.mark.parametrize(
    ("label", "used", "expected"),
    [
        ("2.1", {"1.0"}, "2.1"),
        ("2.1", {"1.0", "2.1"}, "2.2"),
        ("1.0", {"1.0", "2.1"}, "2.2"),
        ("2", {"2", "2.1"}, "2.2"),
        ("3.0", {"1.0", "2.1"}, "3.0"),
        ("2.1", {"2.1", "2.2"}, "2.3"),
    ],
)
def test_next_free_label(label, used, expected):
    assert next_free_label(label, used) == expected


def test_the_migration_renumbers_duplicate_labels():
    migration = importlib.import_module("policies.migrations.0008_decision_record")

    assert migration.relabel([(1, "1.0"), (2, "2.1"), (3, "2.1")]) == {3: "2.2"}
    assert migration.relabel([(1, "2.1"), (2, "2.1"), (3, "2.1")]) == {2: "2.2", 3: "2.3"}
    assert migration.relabel([(1, "1.0"), (2, "2.0")]) == {}


def test_the_admin_shows_the_refusal_in_swedish_for_a_non_superuser(redaktor_client, adopted):
    response = redaktor_client.get(f"/admin/pages/{adopted.pk}/unpublish/")
    assert is_refused(response)
    if response.status_code == 302:
        assert last_message(response) == NO_ACCESS
