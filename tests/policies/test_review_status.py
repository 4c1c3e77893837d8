"""Revisionsstatus: the five statuses, their precedence and where each channel shows them.

Staff on the intranet see all five (Aktuell, Revision inom N dagar, Försenad, Under revision,
Saknar ägare) plus "Översyn behövs"; the public website only the three that follow from the dates.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage, Styrdokument
from tests.factories import (
    get_body,
    make_document,
    make_live_documents,
    make_user,
    path_of,
    update_settings,
)
from tests.governance.workflow_helpers import current_task_state, start, workflow_state
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TODAY = datetime.date(2026, 3, 2)

AKTUELL = "Aktuell"
SNART = "Revision inom 60 dagar"
FORSENAD = "Försenad"
UNDER_REVISION = "Under revision"
SAKNAR_AGARE = "Saknar ägare"
INTERNAL_WORDS = ("Saknar ägare", "Under revision", "Översyn behövs")


@pytest.fixture(autouse=True)
def frozen_day():
    """Every test runs on the same Monday, so the boundaries are exact."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=STOCKHOLM), tick=True):
        yield


# -- reading pages ---------------------------------------------------------------------------


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(node):
    return " ".join(node.get_text(" ").split())


def register_rows(response):
    """{title: [badge, …]} for the register's rows, in the order listed."""
    return {
        text(tr.select_one("td a")): [text(s) for s in tr.select("td:last-child .status")]
        for tr in soup(response).select("table.register-table tbody tr")
    }


def register_statuses(response):
    """{title: the review status shown}, without the extra 'Översyn behövs' badge."""
    return {title: badges[0] for title, badges in register_rows(response).items()}


def listed_titles(response):
    return list(register_rows(response))


def notices(response):
    return [text(li) for li in soup(response).select(".notice li")]


def status_options(response):
    return [text(o) for o in soup(response).select("form.filters select[name=status] option")]


def metadata(response):
    block = soup(response).select_one("section.metadata dl")
    return {text(div.dt): text(div.dd) for div in block.find_all("div", recursive=False)}


def page_badges(response):
    return [text(s) for s in soup(response).select("section.metadata .status")]


# -- scene -----------------------------------------------------------------------------------


def due_in(days):
    return TODAY + datetime.timedelta(days=days)


def document(title, due, responsible, **fields):
    """An adopted riktlinje due for revision on `due` (decided 300 days before it)."""
    return make_document(
        RiktlinjePage,
        title=title,
        decision_date=due - datetime.timedelta(days=300),
        next_review=due,
        responsible=responsible,
        **fields,
    )


@pytest.fixture
def owner(db):
    return make_user("agare", groups=["Dokumentansvariga"], first_name="Åsa", last_name="Ägare")


@pytest.fixture
def samordnare(db):
    return make_user("samordnare", groups=["Informationssäkerhetssamordnare"])


@pytest.fixture
def decision_makers(samordnare):
    """Someone other than the submitter on every step of Kommunstyrelsen's workflow (Granskning,
    the kommundirektör's förslag, KS-beslut): without them a submission is refused."""
    body = get_body("kommundirektor")
    body.official = make_user("direktor", first_name="Dana", last_name="Direktör")
    body.save(update_fields=["official"])
    make_user("sekreterare", groups=["Nämndsekreterare"], first_name="Nils", last_name="Sekr")
    return samordnare


def submit(page, user):
    """A draft of the next version, submitted to the document's workflow."""
    draft = page.get_latest_revision_as_object()
    draft.version = "1.1"
    draft.save_revision(user=user)
    return start(page, user)


# title: (due in days, owner: "ok" / "none" / "inactive", workflow: None / "open" / "returned" /
# "cancelled") -> (intranet status, public status)
# fmt: off
SCENARIOS = {
    "Aktuell riktlinje":                     ((61, "ok", None),        (AKTUELL, AKTUELL)),
    "Riktlinje som snart revideras":         ((60, "ok", None),        (SNART, SNART)),
    "Riktlinje som revideras i dag":         ((0, "ok", None),         (SNART, SNART)),
    "Försenad riktlinje":                    ((-1, "ok", None),        (FORSENAD, FORSENAD)),
    "Försenad riktlinje under revision":     ((-1, "ok", "open"),      (UNDER_REVISION, FORSENAD)),
    "Återremitterad riktlinje":              ((61, "ok", "returned"),  (UNDER_REVISION, AKTUELL)),
    "Riktlinje med avbrutet flöde":          ((61, "ok", "cancelled"), (AKTUELL, AKTUELL)),
    "Riktlinje utan ägare":                  ((61, "none", None),      (SAKNAR_AGARE, AKTUELL)),
    "Riktlinje vars ägare slutat":           ((60, "inactive", None),  (SAKNAR_AGARE, SNART)),
    "Försenad riktlinje utan ägare i flöde": ((-1, "none", "open"),    (SAKNAR_AGARE, FORSENAD)),
}
# fmt: on

STATUS_VALUES = {
    AKTUELL: "aktuell",
    SNART: "snart",
    FORSENAD: "forsenad",
    UNDER_REVISION: "under-revision",
    SAKNAR_AGARE: "saknar-agare",
}


def build_scenarios():
    """The ten scenario documents and the people they need: {title: page pk}.

    Built once for the module on the frozen day; the same people as the function-scoped
    fixtures (owner, samordnare, redaktor, decision_makers), so a test sees the same world.
    """
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=STOCKHOLM), tick=True):
        owner = make_user(
            "agare", groups=["Dokumentansvariga"], first_name="Åsa", last_name="Ägare"
        )
        samordnare = make_user("samordnare", groups=["Informationssäkerhetssamordnare"])
        redaktor = make_user(
            "redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör"
        )
        body = get_body("kommundirektor")
        body.official = make_user("direktor", first_name="Dana", last_name="Direktör")
        body.save(update_fields=["official"])
        make_user("sekreterare", groups=["Nämndsekreterare"], first_name="Nils", last_name="Sekr")
        former = make_user("slutat", first_name="Sven", last_name="Slutat", is_active=False)
        owners = {"ok": owner, "none": None, "inactive": former}
        pks = {}
        for title, ((days, who, flow), _expected) in SCENARIOS.items():
            page = document(title, due_in(days), owners[who])
            if flow:
                submit(page, redaktor)
            if flow == "returned":
                task_state = current_task_state(page)
                task_state.task.specific.on_action(
                    task_state, samordnare, "reject", comment="Förtydliga ansvaret."
                )
                assert workflow_state(page).status == "needs_changes"
            if flow == "cancelled":
                workflow_state(page).cancel(user=redaktor)
            pks[title] = page.pk
        return pks


def expected(channel):
    index = 0 if channel == "intranet" else 1
    return {title: statuses[index] for title, (_scene, statuses) in SCENARIOS.items()}


# -- the five statuses -------------------------------------------------------------------------


def test_a_decided_revision_is_no_longer_under_revision(
    owner, redaktor, samordnare, intranet_client, public_client
):
    official = make_user("kommundirektor", first_name="Karin", last_name="Direktör")
    body = get_body("kommundirektor")
    body.official = official
    body.save(update_fields=["official"])
    page = document("Riktlinje under beslut", due_in(-5), owner, decision_body=body)
    submit(page, redaktor)
    assert register_statuses(intranet_client.get(REGISTER)) == {page.title: UNDER_REVISION}
    assert register_statuses(public_client.get(REGISTER)) == {page.title: FORSENAD}

    review = current_task_state(page)
    review.task.specific.on_action(review, samordnare, "approve", comment="")
    decision = current_task_state(page)
    decision.task.specific.on_action(
        decision, official, "approve", decision_date=TODAY, diarienummer="KS-2026-77"
    )

    assert workflow_state(page).status == "approved"
    for client in (intranet_client, public_client):
        assert register_statuses(client.get(REGISTER)) == {page.title: AKTUELL}
        assert metadata(client.get(path_of(page)))["Version"] == "1.1"


def test_giving_the_document_an_owner_again_shows_its_date_status(owner, intranet_client):
    page = document("Riktlinje utan ägare", due_in(-3), None)
    assert register_statuses(intranet_client.get(REGISTER))[page.title] == SAKNAR_AGARE

    Styrdokument.objects.filter(pk=page.pk).update(responsible=owner)

    assert register_statuses(intranet_client.get(REGISTER))[page.title] == FORSENAD


# -- the warning threshold ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "default_status", "status_90"),
    [
        (59, SNART, "Revision inom 90 dagar"),
        (60, SNART, "Revision inom 90 dagar"),
        (61, AKTUELL, "Revision inom 90 dagar"),
        (90, AKTUELL, "Revision inom 90 dagar"),
        (91, AKTUELL, AKTUELL),
    ],
)
@pytest.mark.parametrize("channel", ["intranet", "public"])
def test_the_warning_threshold_is_configurable(
    owner, intranet_client, public_client, channel, days, default_status, status_90
):
    client = intranet_client if channel == "intranet" else public_client
    page = document("Riktlinje", due_in(days), owner)

    assert register_statuses(client.get(REGISTER)) == {"Riktlinje": default_status}

    update_settings(review_warning_days=90)

    response = client.get(REGISTER)
    assert register_statuses(response) == {"Riktlinje": status_90}
    assert "Revision inom 90 dagar" in status_options(response)
    assert SNART not in status_options(response)
    assert metadata(client.get(path_of(page)))["Revideras senast"] == (
        f"{due_in(days).isoformat()} {status_90}"
    )
    snart = client.get(REGISTER, {"status": "snart"})
    assert listed_titles(snart) == (["Riktlinje"] if status_90 != AKTUELL else [])


def test_the_threshold_moves_documents_between_the_filters(owner, public_client):
    for days in (30, 75, 120):
        document(f"Revideras om {days} dagar", due_in(days), owner)

    def listed(status):
        return listed_titles(
            public_client.get(REGISTER, {"status": status, "sortering": "revision"})
        )

    assert listed("snart") == ["Revideras om 30 dagar"]
    assert listed("aktuell") == ["Revideras om 75 dagar", "Revideras om 120 dagar"]

    update_settings(review_warning_days=90)

    assert listed("snart") == ["Revideras om 30 dagar", "Revideras om 75 dagar"]
    assert listed("aktuell") == ["Revideras om 120 dagar"]


# -- filters -----------------------------------------------------------------------------------
# -- Översyn behövs and Senast aktualitetsprövad ---------------------------------------------


NOTE = (
    "Översyn behövs: överordnat dokument har ändrats (Informationssäkerhetspolicy, "
    "version 2.0, 2026-03-01)."
)


@pytest.fixture
def flagged(owner):
    page = document("Flaggad riktlinje", due_in(200), owner)
    Styrdokument.objects.filter(pk=page.pk).update(
        review_flagged_at=datetime.datetime(2026, 3, 1, 12, tzinfo=STOCKHOLM),
        review_flag_note=NOTE,
    )
    return page


def test_flag_is_shown_to_staff_only(flagged, intranet_client, public_client):
    intranet_page = intranet_client.get(path_of(flagged))
    assert page_badges(intranet_page) == [AKTUELL, "Översyn behövs"]
    assert NOTE in metadata(intranet_page)["Revideras senast"]
    assert register_rows(intranet_client.get(REGISTER))["Flaggad riktlinje"] == [
        AKTUELL,
        "Översyn behövs",
    ]

    public_page = public_client.get(path_of(flagged))
    assert page_badges(public_page) == [AKTUELL]
    assert "Översyn behövs" not in text(soup(public_page))
    public_register = public_client.get(REGISTER)
    assert register_rows(public_register)["Flaggad riktlinje"] == [AKTUELL]
    assert "Översyn behövs" not in text(soup(public_register))


def test_last_review_date_is_shown_on_the_intranet_when_set(owner, intranet_client):
    page = document("Prövad riktlinje", due_in(200), owner)
    assert "Senast aktualitetsprövad" not in metadata(intranet_client.get(path_of(page)))

    Styrdokument.objects.filter(pk=page.pk).update(last_reviewed=datetime.date(2026, 2, 20))

    assert metadata(intranet_client.get(path_of(page)))["Senast aktualitetsprövad"] == (
        "2026-02-20"
    )


# -- query count -------------------------------------------------------------------------------


def _register_queries(client):
    # Adding pages empties Wagtail's and Django's caches (site root paths, content types);
    # a first request fills them again, so that only the register's own queries are counted.
    client.get(REGISTER)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REGISTER)
    assert response.status_code == 200
    return len(queries), register_rows(response)


def _add_documents(count, owner, former):
    """`count` documents, spread over an owner, no owner and an owner who has left."""
    owned = make_live_documents(
        RiktlinjePage, (count + 2) // 3, title=f"Ägd {count}-{{n:02d}}", responsible=owner
    )
    make_live_documents(RiktlinjePage, (count + 1) // 3, title=f"Utan ägare {count}-{{n:02d}}")
    make_live_documents(
        RiktlinjePage, count // 3, title=f"Slutat {count}-{{n:02d}}", responsible=former
    )
    Styrdokument.objects.filter(pk=owned[0].pk).update(
        review_flagged_at=datetime.datetime(2026, 3, 1, 12, tzinfo=STOCKHOLM),
        review_flag_note=NOTE,
    )


@pytest.mark.parametrize("channel", ["intranet", "public"])
def test_register_query_count_does_not_grow_with_the_documents(
    owner, redaktor, decision_makers, intranet_client, public_client, channel
):
    client = intranet_client if channel == "intranet" else public_client
    former = make_user("slutat", is_active=False)
    submit(document("Aaa riktlinje under revision", due_in(-5), owner), redaktor)
    _add_documents(2, owner, former)
    few_queries, few = _register_queries(client)
    assert len(few) == 3

    _add_documents(27, owner, former)
    many_queries, many = _register_queries(client)
    assert len(many) == 25  # 30 documents: a full first page

    if channel == "intranet":
        for rows in (few, many):
            shown = {badge for badges in rows.values() for badge in badges}
            assert {UNDER_REVISION, SAKNAR_AGARE, "Översyn behövs"} <= shown
    assert many_queries == few_queries


# -- the ten scenarios, built once ------------------------------------------------------------


@pytest.fixture(scope="class")
def scenario_pks(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scenarios, built once for the class and rolled back after its last test; the PDFs
    rendered while building stay in a folder of the class's own."""
    folder = tmp_path_factory.mktemp("review_status")
    with override_settings(STYRDOK_ARCHIVE_ROOT=folder / "arkiv"):
        yield from build_once(django_db_blocker, build_scenarios)


@pytest.fixture
def scenarios(scenario_pks, db):
    """{title: page}, read again from the database for each test."""
    return {title: RiktlinjePage.objects.get(pk=pk) for title, pk in scenario_pks.items()}


class TestScenarios:
    """The tests that read the ten scenario documents, which are built once for this class; the
    other tests in the module start from an empty register."""

    # -- the five statuses ---------------------------------------------------------------------

    def test_annotation_gives_each_document_its_status_by_precedence(self, scenarios):
        annotated = Styrdokument.objects.with_review_status().filter(
            pk__in=[p.pk for p in scenarios.values()]
        )

        staff = {doc.title: doc.review_status for doc in annotated}
        dates = {doc.title: doc.date_review_status for doc in annotated}

        assert staff == {title: STATUS_VALUES[s] for title, s in expected("intranet").items()}
        assert dates == {title: STATUS_VALUES[s] for title, s in expected("public").items()}
        # The page's own method agrees with the database annotation.
        for title, page in scenarios.items():
            fresh = Styrdokument.objects.get(pk=page.pk)
            assert fresh.review_status_on() == staff[title], title
            assert fresh.date_review_status_on() == dates[title], title

    def test_intranet_register_shows_all_five_statuses(self, scenarios, intranet_client):
        response = intranet_client.get(REGISTER)

        assert register_statuses(response) == expected("intranet")
        assert status_options(response) == [
            "Alla",
            AKTUELL,
            SNART,
            FORSENAD,
            UNDER_REVISION,
            SAKNAR_AGARE,
        ]

    def test_public_register_shows_only_the_date_statuses(self, scenarios, public_client):
        response = public_client.get(REGISTER)

        assert register_statuses(response) == expected("public")
        assert status_options(response) == ["Alla", AKTUELL, SNART, FORSENAD]
        page_text = text(soup(response))
        for word in INTERNAL_WORDS:
            assert word not in page_text

    def test_document_pages_show_the_status_beside_the_review_date(
        self, scenarios, intranet_client, public_client
    ):
        for title, page in scenarios.items():
            due = page.next_review.isoformat()
            intranet = intranet_client.get(path_of(page))
            public = public_client.get(path_of(page))

            assert metadata(intranet)["Revideras senast"] == f"{due} {expected('intranet')[title]}"
            assert metadata(public)["Revideras senast"] == f"{due} {expected('public')[title]}"
            public_text = text(soup(public))
            for word in INTERNAL_WORDS:
                assert word not in public_text, (title, word)

    # -- filters -------------------------------------------------------------------------------

    @pytest.mark.parametrize("value", ["saknar-agare", "under-revision", "oversyn"])
    def test_public_filter_ignores_internal_statuses_with_a_notice(
        self, scenarios, public_client, value
    ):
        response = public_client.get(REGISTER, {"status": value})

        assert response.status_code == 200
        assert notices(response) == [
            f"Filtervärdet ”{value}” för revisionsstatus känns inte igen och har ignorerats."
        ]
        # The filter is dropped, not applied: every public document is listed.
        assert sorted(listed_titles(response)) == sorted(SCENARIOS)
        page_text = text(soup(response))
        for word in INTERNAL_WORDS:
            assert word not in page_text

    @pytest.mark.parametrize(
        ("value", "label"),
        [
            ("saknar-agare", SAKNAR_AGARE),
            ("under-revision", UNDER_REVISION),
            ("forsenad", FORSENAD),
            ("snart", SNART),
            ("aktuell", AKTUELL),
        ],
    )
    def test_intranet_filter_lists_exactly_the_documents_shown_with_the_status(
        self, scenarios, intranet_client, value, label
    ):
        response = intranet_client.get(REGISTER, {"status": value})

        wanted = sorted(title for title, status in expected("intranet").items() if status == label)
        assert sorted(listed_titles(response)) == wanted
        assert set(register_statuses(response).values()) == {label}
        assert notices(response) == []
        assert text(soup(response).select_one("p.result-count")) == (
            f"{len(wanted)} dokument som matchar revisionsstatus: {label}"
        )

    def test_intranet_filter_saknar_agare(self, scenarios, intranet_client):
        response = intranet_client.get(REGISTER, {"status": "saknar-agare"})

        assert sorted(listed_titles(response)) == [
            "Försenad riktlinje utan ägare i flöde",
            "Riktlinje utan ägare",
            "Riktlinje vars ägare slutat",
        ]

    @pytest.mark.parametrize(
        ("value", "label"),
        [("forsenad", FORSENAD), ("snart", SNART), ("aktuell", AKTUELL)],
    )
    def test_public_filter_lists_exactly_the_documents_shown_with_the_status(
        self, scenarios, public_client, value, label
    ):
        response = public_client.get(REGISTER, {"status": value})

        wanted = sorted(title for title, status in expected("public").items() if status == label)
        assert sorted(listed_titles(response)) == wanted
        assert set(register_statuses(response).values()) == {label}
