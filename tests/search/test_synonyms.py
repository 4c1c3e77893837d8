"""The synonym list: what a typed word expands to, how it is kept and cached, who edits it and
how the admin checks an edit."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.models import Role
from search import synonyms
from search.models import SynonymGroup
from search.synonyms import SEED_SYNONYMS, SynonymTable, expansions, synonym_table
from tests.factories import INTRANET_HOST, make_user

ADMIN_LIST = "/admin/snippets/search/synonymgroup/"
ADMIN_ADD = f"{ADMIN_LIST}add/"
PERMISSIONS = [
    "search.add_synonymgroup",
    "search.change_synonymgroup",
    "search.delete_synonymgroup",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    synonyms._local.__dict__.clear()
    yield
    synonyms._local.__dict__.clear()


# -- expansions of the seed list (the data migration's rows) ----------------------------------


pytestmark = pytest.mark.django_db


def test_the_seed_list_is_in_the_database():
    assert SynonymGroup.objects.count() == len(SEED_SYNONYMS) >= 60
    assert SynonymGroup.objects.filter(one_way=True).count() == sum(w for _t, w in SEED_SYNONYMS)


def test_every_seeded_group_passes_the_admins_checks():
    for group in SynonymGroup.objects.all():
        group.full_clean()


def test_equivalent_terms_find_each_other():
    assert {"distansarbete", "arbete hemifrån"} <= set(expansions("hemarbete"))
    assert {"hemarbete", "arbete hemifrån"} <= set(expansions("distansarbete"))
    assert {"backup", "säkerhetskopia"} <= set(expansions("säkerhetskopiering"))
    assert "säkerhetskopiering" in expansions("backup")
    assert {"e-post", "mail"} <= set(expansions("mejl"))


def test_the_typed_word_is_not_among_its_expansions():
    assert "hemarbete" not in expansions("hemarbete")
    assert "hemarbete" not in expansions("Hemarbete")


def test_abbreviations_expand_one_way():
    assert expansions("KF") == ["kommunfullmäktige"]
    assert expansions("KS") == ["kommunstyrelsen"]
    assert "kommundirektören" in expansions("KD")
    assert "ledningssystem för informationssäkerhet" in expansions("LIS")
    # The organ's name is not widened to the abbreviation.
    assert "kf" not in expansions("kommunfullmäktige")
    assert expansions("kommunstyrelsen") == []


def test_case_and_å_ä_ö_do_not_matter():
    assert expansions("kf") == expansions("Kf") == expansions("KF")
    assert "backup" in expansions("sakerhetskopiering")
    assert "säkerhetskopiering" in expansions("BACKUP")


def test_an_inflected_word_is_found_by_its_stem():
    assert "e-post" in expansions("mejlen")
    assert "korruption" in expansions("mutorna")


def test_multi_word_terms_come_back_as_phrases_and_are_found_as_phrases():
    assert "arbete hemifrån" in expansions("hemarbete")
    assert "hemarbete" in expansions("arbete  hemifrån")
    assert "våld och hot" in expansions("hot och våld")


@pytest.mark.parametrize("word", ["", "   ", "okändaordet", "x" * 500, None, 42])
def test_a_word_without_synonyms_or_bad_input_gives_nothing(word):
    assert expansions(word) == []


# -- the table and its cache --------------------------------------------------------------------


def test_a_table_is_read_with_one_query_and_then_from_the_cache():
    with CaptureQueriesContext(connection) as first:
        synonym_table()
    with CaptureQueriesContext(connection) as later:
        for word in ["hemarbete", "KF", "mejl", "okänt", "backup"] * 20:
            expansions(word)

    assert len(first) == 1
    assert len(later) == 0


def test_another_worker_reads_the_table_from_the_shared_cache():
    synonym_table()
    synonyms._local.__dict__.clear()  # a fresh process: nothing unpickled yet

    with CaptureQueriesContext(connection) as queries:
        assert expansions("KF") == ["kommunfullmäktige"]

    assert len(queries) == 0


def test_an_edit_applies_to_the_next_search_once_committed(django_capture_on_commit_callbacks):
    assert expansions("KSU") == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        group = SynonymGroup.objects.create(terms="KSU\nkommunstyrelsens utskott", one_way=True)
        # Not committed yet: searches keep the table they had.
        assert expansions("KSU") == []
    for callback in callbacks:
        callback()
    assert expansions("KSU") == ["kommunstyrelsens utskott"]

    with django_capture_on_commit_callbacks(execute=True):
        group.terms = "KSU\narbetsutskottet"
        group.save()
    assert expansions("KSU") == ["arbetsutskottet"]

    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert expansions("KSU") == []


def test_a_term_in_two_groups_expands_to_both():
    table = SynonymTable.build([(("a-ord", "beta"), False), (("KF", "a-ord"), True)])

    assert table.expansions("a-ord") == ["beta"]
    assert table.expansions("kf") == ["a-ord"]
    assert table.expansions("beta") == ["a-ord"]


# -- checks on an edited group ------------------------------------------------------------------


def errors_for(terms, one_way=False):
    group = SynonymGroup(terms=terms, one_way=one_way)
    with pytest.raises(ValidationError) as raised:
        group.full_clean()
    return " ".join(raised.value.message_dict["terms"])


def test_a_group_needs_two_terms():
    assert "minst två" in errors_for("ensamt")
    assert "minst två" in errors_for("\n \n")


def test_an_empty_term_between_commas_is_reported():
    assert "tomt" in errors_for("mejl,,e-post")
    assert "tomt" in errors_for("mejl, e-post,")


def test_a_term_twice_is_reported_whatever_its_case_or_å_ä_ö():
    assert "står två gånger" in errors_for("Säkerhet\nsakerhet")
    assert "står två gånger" in errors_for("mejl\nMEJL")


def test_a_term_of_another_group_is_reported_with_the_group():
    message = errors_for("hemarbete\njobba hemma")
    assert "”hemarbete” finns redan i synonymgruppen" in message
    assert "distansarbete" in message


def test_an_abbreviation_of_another_group_is_reported_but_its_targets_may_repeat():
    assert "finns redan" in errors_for("KF\nfullmäktige", one_way=True)
    # "kommunfullmäktige" is only what "KF" expands to: a group of its own may use it.
    group = SynonymGroup(terms="kommunfullmäktige\nfullmäktige", one_way=False)
    group.full_clean()


def test_odd_characters_and_over_long_terms_are_reported():
    assert "tecken som inte kan sökas på" in errors_for('mejl\n"e-post"')
    assert "för långt" in errors_for("mejl\n" + "a" * 61)
    assert "inga bokstäver" in errors_for("mejl\n---")


def test_a_clean_group_is_stored_one_term_a_line():
    group = SynonymGroup(terms="  Intranät ,  personalwebb\n\nintranätet  ")
    group.full_clean()
    group.save()

    assert group.terms == "Intranät\npersonalwebb\nintranätet"
    assert str(group) == "Intranät, personalwebb, intranätet"


def test_a_one_way_group_reads_as_an_arrow():
    group = SynonymGroup(terms="KSU\nkommunstyrelsens utskott", one_way=True)
    assert str(group) == "KSU → kommunstyrelsens utskott"


# -- who edits, and the admin -------------------------------------------------------------------


@pytest.fixture
def samordnare():
    group = Role.objects.get(code="informationssakerhetssamordnare").group
    user = make_user("samordnaren")
    user.groups.add(group)
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def test_the_samordnare_may_edit_the_synonyms(samordnare):
    assert all(samordnare.has_perm(permission) for permission in PERMISSIONS)


def test_an_editor_and_staff_may_not(redaktor, staff_user):
    for user in (redaktor, staff_user):
        assert not any(user.has_perm(permission) for permission in PERMISSIONS)


def test_groups_that_exist_when_migrating_get_the_permissions(samordnare):
    group = Role.objects.get(code="informationssakerhetssamordnare").group
    group.permissions.remove(*group.permissions.filter(content_type__app_label="search"))
    assert not get_user_model().objects.get(pk=samordnare.pk).has_perm(PERMISSIONS[0])

    synonyms.grant_after_migrate(sender=None)

    user = get_user_model().objects.get(pk=samordnare.pk)
    assert all(user.has_perm(permission) for permission in PERMISSIONS)


def admin_client(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


def test_the_list_shows_the_groups_and_explains_them(samordnare):
    client = admin_client(samordnare)
    response = client.get(ADMIN_LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Synonymer" in page
    assert "distansarbete, hemarbete, arbete hemifrån" in page
    assert "Bara åt ett håll" in page  # the column
    assert "är för förkortningar" in page  # the explanation above the list
    # The abbreviations come later in the list (by when they were added).
    page = client.get(ADMIN_LIST, {"q": "kommunfullmäktige"}).content.decode()
    assert "KF → kommunfullmäktige" in page


def test_the_list_is_searchable(samordnare):
    response = admin_client(samordnare).get(f"{ADMIN_LIST}results/", {"q": "mejl"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "e-post" in page
    assert "kommunfullmäktige" not in page


def test_the_settings_menu_holds_the_synonyms(samordnare):
    page = admin_client(samordnare).get("/admin/").content.decode()
    # The sidebar's menu is JSON in the page.
    assert json.dumps("Synonymer för sökningen")[1:-1] in page
    assert ADMIN_LIST in page


def test_an_editor_cannot_open_the_list(redaktor):
    response = admin_client(redaktor).get(ADMIN_LIST)
    assert response.status_code in (302, 403)


def test_adding_a_group_in_the_admin(samordnare, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client(samordnare).post(
            ADMIN_ADD, {"terms": "SBF\nsamhällsbyggnadsförvaltningen", "one_way": "on", "note": ""}
        )

    assert response.status_code == 302
    assert expansions("SBF") == ["samhällsbyggnadsförvaltningen"]


@pytest.mark.parametrize(
    "terms, message",
    [
        ("ensamt", "minst två"),
        ("KS\nstyrelsen", "finns redan i synonymgruppen"),
        ("mejl\nMejl", "står två gånger"),
        ("a\x00b\nc", ""),
    ],
)
def test_a_wrong_group_is_refused_with_a_swedish_message(samordnare, terms, message):
    response = admin_client(samordnare).post(ADMIN_ADD, {"terms": terms, "note": ""})

    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert SynonymGroup.objects.count() == len(SEED_SYNONYMS)


def test_the_seed_migration_adds_the_list_only_to_an_empty_table():
    import importlib

    from django.apps import apps

    seed = importlib.import_module("search.migrations.0003_seed_synonyms").seed
    SynonymGroup.objects.filter(pk__in=SynonymGroup.objects.all()[:5].values("pk")).delete()
    kept = SynonymGroup.objects.count()

    seed(apps, None)  # a kommun's own list is left as it is
    assert SynonymGroup.objects.count() == kept

    SynonymGroup.objects.all().delete()
    seed(apps, None)
    assert SynonymGroup.objects.count() == len(SEED_SYNONYMS)


def test_the_menu_item_is_not_offered_to_an_editor(redaktor):
    page = admin_client(redaktor).get("/admin/").content.decode()
    assert ADMIN_LIST not in page


def test_a_seeded_group_opens_for_editing(samordnare):
    group = SynonymGroup.objects.get(terms__startswith="KF\n")

    response = admin_client(samordnare).get(f"{ADMIN_LIST}edit/{group.pk}/")

    assert response.status_code == 200
    assert "kommunfullmäktige" in response.content.decode()
