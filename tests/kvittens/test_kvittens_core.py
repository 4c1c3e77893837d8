"""Kvittens at the deepest layer: who must confirm, which version counts, and the record that
never changes (issue 20)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from kvittens.models import Acknowledgement, Requirement
from kvittens.services import (
    KvittensError,
    audience,
    confirm,
    must_confirm,
    pending_for,
    required_version,
    version_chain,
)
from policies.decisions import register_existing_decision
from policies.models import RutinPage
from tests.factories import adopt_new_version, days_ago, get_body, make_document, make_user
from tests.kvittens.helpers import build_kommun, member, requirement
from tests.shared import build_once


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_kommun)


@pytest.fixture
def w(world, db):
    return world


def names(users):
    return sorted(user.username for user in users)


def reload(page):
    return type(page).objects.get(pk=page.pk)


# -- the audience ------------------------------------------------------------------------------


def test_an_organisation_includes_its_units_and_leaves_out_inactive_accounts(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    assert names(audience(w["rutin"])) == ["anna", "bo"]


def test_a_group_requirement_reaches_the_groups_members(w):
    requirement(document=w["rutin"], groups=[w["it_group"]])
    assert names(audience(w["rutin"])) == ["dan"]


def test_everyone_means_every_active_account(w):
    requirement(document=w["policy"], everyone=True)
    found = names(audience(w["policy"]))
    assert {"anna", "bo", "cecilia", "dan"} <= set(found)
    assert "erik" not in found


def test_a_type_requirement_covers_every_document_of_the_type(w):
    other = make_document(RutinPage, title="Rutin för lösenord")
    requirement(document_type="rutin", organisations=[w["skola"]])
    assert names(audience(w["rutin"])) == ["cecilia"]
    assert names(audience(other)) == ["cecilia"]
    assert list(audience(w["policy"])) == []


def test_requirements_are_united_and_each_person_counted_once(w):
    requirement(document=w["rutin"], organisations=[w["hemtjanst"], w["social"]])
    requirement(document_type="rutin", groups=[w["it_group"]])
    assert names(audience(w["rutin"])) == ["anna", "bo", "dan"]


def test_an_inactive_requirement_asks_nobody(w):
    requirement(document=w["rutin"], everyone=True, active=False)
    assert list(audience(w["rutin"])) == []
    assert not must_confirm(w["people"]["anna"], w["rutin"])


def test_a_restricted_document_is_confirmed_only_by_its_readers(w):
    secret = make_document(
        RutinPage, title="Rutin för säkerhetsskydd", restricted_to=[w["it_group"]]
    )
    requirement(document=secret, everyone=True)
    assert names(audience(secret)) == ["dan"]
    assert [item.document.pk for item in pending_for(w["people"]["anna"])] == []


def test_a_requirement_names_a_document_or_a_type_not_both(w):
    both = Requirement(document=w["rutin"], document_type="rutin", everyone=True)
    with pytest.raises(ValidationError, match="antingen ett enskilt styrdokument"):
        both.full_clean()
    neither = Requirement(everyone=True)
    with pytest.raises(ValidationError, match="Välj ett styrdokument eller en dokumenttyp"):
        neither.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(everyone=True)


# -- confirming --------------------------------------------------------------------------------


def test_confirming_records_who_which_version_and_when_and_logs_it(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    anna = w["people"]["anna"]
    version = required_version(w["rutin"])
    assert must_confirm(anna, w["rutin"])

    ack, created = confirm(anna, w["rutin"], version)

    assert created
    assert (ack.user, ack.version, ack.document_id) == (anna, version, w["rutin"].pk)
    assert ack.user_name == "Anna Andersson"
    assert not must_confirm(anna, w["rutin"])
    entry = ModelLogEntry.objects.get(action="kvittens.confirm", object_id=str(ack.pk))
    assert entry.user_id == anna.pk
    assert entry.data["version"] == version.version


def test_a_double_click_records_one_confirmation(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    bo = w["people"]["bo"]
    version = required_version(w["rutin"])
    first, created = confirm(bo, w["rutin"], version)
    again, created_again = confirm(bo, w["rutin"], version)
    assert created and not created_again
    assert first.pk == again.pk
    assert Acknowledgement.objects.filter(user=bo).count() == 1


def test_someone_outside_the_audience_cannot_confirm(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    with pytest.raises(KvittensError, match="inget kvittenskrav för dig"):
        confirm(w["people"]["cecilia"], w["rutin"], required_version(w["rutin"]))
    assert not Acknowledgement.objects.exists()


def test_a_superseded_version_is_refused(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    old = required_version(w["rutin"])
    adopt_new_version(reload(w["rutin"]), version="2.0", decision_date=days_ago(1))
    with pytest.raises(KvittensError, match="har ersatts av version 2.0"):
        confirm(w["people"]["anna"], w["rutin"], old)
    assert not Acknowledgement.objects.exists()


def test_an_inactive_account_cannot_confirm(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    with pytest.raises(KvittensError):
        confirm(w["people"]["erik"], w["rutin"], required_version(w["rutin"]))


# -- versions ----------------------------------------------------------------------------------


def test_a_new_version_asks_everyone_again(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    anna = w["people"]["anna"]
    confirm(anna, w["rutin"], required_version(w["rutin"]))
    rutin = adopt_new_version(reload(w["rutin"]), version="2.0", decision_date=days_ago(1))

    assert must_confirm(anna, rutin)
    assert required_version(rutin).version == "2.0"
    assert [item.document.pk for item in pending_for(anna)] == [rutin.pk]


def test_an_editorial_change_keeps_earlier_confirmations_and_says_so(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    anna, bo = w["people"]["anna"], w["people"]["bo"]
    first = required_version(w["rutin"])
    confirm(anna, w["rutin"], first)
    rutin = reload(w["rutin"])
    rutin.title = "Rutin för incidentrapportering (rättad stavning)"
    rutin.version = "1.1"
    register_existing_decision(
        rutin,
        body=rutin.decision_body,
        decision_date=days_ago(1),
        diarienummer=rutin.diarienummer,
        editorial_change=True,
    )
    rutin = reload(rutin)
    chain = version_chain(rutin)

    assert chain.current.version == "1.1" and chain.current.editorial_change
    assert chain.required == first
    assert chain.carried_over
    assert not must_confirm(anna, rutin)  # her confirmation of 1.0 still counts
    assert must_confirm(bo, rutin)  # he confirms the version in force
    ack, _created = confirm(bo, rutin, chain.current)
    assert ack.version.version == "1.1"
    # A later ordinary version asks both again.
    rutin = adopt_new_version(rutin, version="2.0", decision_date=days_ago(0))
    assert must_confirm(anna, rutin) and must_confirm(bo, rutin)


def test_a_first_version_is_never_editorial(w):
    draft = make_document(RutinPage, title="Ny rutin", publish=False)
    register_existing_decision(
        draft,
        body=get_body("kommundirektor"),
        decision_date=days_ago(2),
        diarienummer="KS-2026-77",
        editorial_change=True,
    )
    assert not required_version(reload(draft)).editorial_change


# -- the record never changes -----------------------------------------------------------------


def test_a_confirmation_cannot_be_changed_or_deleted(w):
    requirement(document=w["rutin"], organisations=[w["social"]])
    ack, _created = confirm(w["people"]["anna"], w["rutin"], required_version(w["rutin"]))
    ack.user_name = "Någon annan"
    with pytest.raises(ValidationError, match="kan inte ändras"):
        ack.save()
    with pytest.raises(ValidationError, match="kan inte raderas"):
        ack.delete()
    with pytest.raises(ValidationError, match="kan inte ändras"):
        Acknowledgement.objects.filter(pk=ack.pk).update(user_name="x")
    with pytest.raises(ValidationError, match="kan inte ändras"):
        Acknowledgement.objects.bulk_update([ack], ["user_name"])
    with pytest.raises(ValidationError, match="kan inte raderas"):
        Acknowledgement.objects.all().delete()
    assert Acknowledgement.objects.get(pk=ack.pk).user_name == "Anna Andersson"


def test_the_record_outlives_the_account_with_the_name_kept(w):
    requirement(document=w["policy"], everyone=True)
    temp = member("tillfallig", w["social"], first_name="Tora", last_name="Tillfällig")
    ack, _created = confirm(temp, w["policy"], required_version(w["policy"]))
    temp.delete()
    kept = Acknowledgement.objects.get(pk=ack.pk)
    assert kept.user is None and kept.user_name == "Tora Tillfällig"


def test_an_adopted_version_with_confirmations_is_never_cascade_deleted(w):
    requirement(document=w["policy"], everyone=True)
    confirm(w["people"]["bo"], w["policy"], required_version(w["policy"]))
    with pytest.raises(ValidationError):
        required_version(w["policy"]).delete()


def test_pending_lists_what_is_left_oldest_first(w):
    requirement(document=w["policy"], everyone=True)
    requirement(document_type="rutin", organisations=[w["social"]])
    anna = w["people"]["anna"]
    assert [item.document.title for item in pending_for(anna)] == [
        "Informationssäkerhetspolicy",
        "Rutin för incidentrapportering",
    ]
    confirm(anna, w["policy"], required_version(w["policy"]))
    assert [item.document.title for item in pending_for(anna)] == ["Rutin för incidentrapportering"]
    assert pending_for(make_user("utan_konto_i_krav")) != []  # everyone: the policy
