"""The register /styrdokument/: filters, sorting and pages, all kept in the query string."""

import datetime
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import PolicyPage, RiktlinjePage, RutinPage, StodanvisningPage
from tests.factories import (
    get_body,
    get_lis_area,
    make_document,
    make_live_document,
    make_live_documents,
    make_organisation,
    make_user,
    update_settings,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def page_soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text(node):
    return " ".join(node.get_text(" ").split())


def listed_titles(response):
    return [
        text(a) for a in page_soup(response).select("table.register-table tbody td:first-child a")
    ]


def notices(response):
    return [text(li) for li in page_soup(response).select(".notice li")]


def result_count(response):
    return text(page_soup(response).select_one("p.result-count"))


def build_kinds():
    """One document of each type, decided by different bodies, for the type and body filters."""
    policy = make_live_document(PolicyPage, title="Informationssäkerhetspolicy")
    riktlinje_ks = make_live_document(
        RiktlinjePage, parent=policy, title="Riktlinje för behörigheter"
    )
    riktlinje_kd = make_live_document(
        RiktlinjePage,
        title="Riktlinje för loggning",
        decision_body=get_body("kommundirektor"),
    )
    rutin = make_live_document(
        RutinPage,
        parent=riktlinje_ks,
        title="Rutin för incidentrapportering",
        decision_body=get_body("stabschef"),
    )
    stod = make_live_document(
        StodanvisningPage,
        parent=riktlinje_ks,
        title="Mall för riskanalys",
        decision_body=get_body("kommundirektor"),
    )
    return [page.pk for page in (policy, riktlinje_ks, riktlinje_kd, rutin, stod)]


@pytest.fixture(scope="class")
def kinds_once(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_kinds)


@pytest.fixture
def kinds(kinds_once, db):
    """The five documents of build_kinds, built once for the class that reads them."""
    return kinds_once


def test_filter_by_forvaltning(public_client):
    klf = make_organisation("Kommunledningsförvaltningen")
    soc = make_organisation("Socialförvaltningen")
    make_live_document(RiktlinjePage, title="Kommungemensam riktlinje")
    make_live_document(RiktlinjePage, title="Riktlinje för KLF", organisation=klf)
    make_live_document(RiktlinjePage, title="Riktlinje för socialtjänsten", organisation=soc)

    response = public_client.get(REGISTER, {"forvaltning": str(soc.pk)})

    assert listed_titles(response) == ["Riktlinje för socialtjänsten"]
    assert result_count(response) == "1 dokument som matchar förvaltning: Socialförvaltningen"


def test_filter_by_lis_area(public_client):
    make_live_document(
        RiktlinjePage,
        title="Riktlinje för incidenter",
        lis_areas=[get_lis_area(6), get_lis_area(7)],
    )
    make_live_document(RiktlinjePage, title="Riktlinje för utbildning", lis_areas=[get_lis_area(8)])
    make_live_document(RiktlinjePage, title="Riktlinje utan område")

    response = public_client.get(REGISTER, {"omrade": "6"})

    assert listed_titles(response) == ["Riktlinje för incidenter"]
    row = page_soup(response).select_one("table.register-table tbody tr")
    assert text(row.select_one('td[data-label="LIS-område"]')) == (
        "Incidenthantering, Kontinuitetsplanering"
    )


FROZEN_TODAY = datetime.date(2025, 6, 2)


@pytest.fixture
def review_states():
    """Three documents around the 60-day warning, on a fixed day."""
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=STOCKHOLM), tick=False):
        decided = datetime.date(2024, 6, 1)
        make_live_document(
            RiktlinjePage,
            title="Försenad riktlinje",
            decision_date=decided,
            next_review=FROZEN_TODAY - datetime.timedelta(days=1),
        )
        make_live_document(
            RiktlinjePage,
            title="Riktlinje som snart ska revideras",
            decision_date=datetime.date(2024, 8, 1),
            next_review=FROZEN_TODAY + datetime.timedelta(days=60),
        )
        make_live_document(
            RiktlinjePage,
            title="Aktuell riktlinje",
            decision_date=datetime.date(2025, 5, 1),
            next_review=FROZEN_TODAY + datetime.timedelta(days=61),
        )
        yield


@pytest.mark.parametrize(
    ("status", "expected", "label"),
    [
        ("forsenad", "Försenad riktlinje", "Försenad"),
        ("snart", "Riktlinje som snart ska revideras", "Revision inom 60 dagar"),
        ("aktuell", "Aktuell riktlinje", "Aktuell"),
    ],
)
def test_filter_by_review_status(public_client, review_states, status, expected, label):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=STOCKHOLM), tick=False):
        response = public_client.get(REGISTER, {"status": status})

    assert listed_titles(response) == [expected]
    status_cell = page_soup(response).select_one("table.register-table tbody td:last-child")
    assert text(status_cell.select_one(".status")) == label


def test_review_status_follows_the_configured_warning_days(public_client, review_states):
    update_settings(review_warning_days=90)

    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, tzinfo=STOCKHOLM), tick=False):
        response = public_client.get(REGISTER, {"status": "snart"})

    assert listed_titles(response) == ["Aktuell riktlinje", "Riktlinje som snart ska revideras"]


def test_review_status_changes_as_time_passes(public_client, review_states):
    with time_machine.travel(datetime.datetime(2025, 8, 2, 10, tzinfo=STOCKHOLM), tick=False):
        response = public_client.get(REGISTER, {"status": "forsenad"})

    assert listed_titles(response) == ["Försenad riktlinje", "Riktlinje som snart ska revideras"]


def build_dated():
    """Three documents with distinct titles, types, decision and review dates, for sorting."""
    make_live_document(
        RiktlinjePage,
        title="Bravo",
        decision_date=datetime.date(2024, 3, 1),
        next_review=datetime.date(2025, 1, 1),
    )
    make_live_document(
        RiktlinjePage,
        title="Alfa",
        decision_date=datetime.date(2025, 1, 10),
        next_review=datetime.date(2025, 12, 1),
    )
    make_live_document(
        PolicyPage,
        title="Charlie",
        decision_date=datetime.date(2023, 5, 5),
        next_review=datetime.date(2024, 5, 5),
    )


@pytest.fixture(scope="class")
def dated_once(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_dated)


@pytest.fixture
def dated(dated_once, db):
    """build_dated's documents, built once for the class that reads them."""


class TestSorting:
    """The tests on build_dated's three documents, built once for this class."""

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            (None, ["Charlie", "Alfa", "Bravo"]),
            ("typ", ["Charlie", "Alfa", "Bravo"]),
            ("titel", ["Alfa", "Bravo", "Charlie"]),
            ("-titel", ["Charlie", "Bravo", "Alfa"]),
            ("-beslutsdatum", ["Alfa", "Bravo", "Charlie"]),
            ("beslutsdatum", ["Charlie", "Bravo", "Alfa"]),
            ("revision", ["Charlie", "Bravo", "Alfa"]),
            ("-revision", ["Alfa", "Bravo", "Charlie"]),
        ],
    )
    def test_sorting(self, public_client, dated, sort, expected):
        params = {"sortering": sort} if sort else {}

        response = public_client.get(REGISTER, params)

        assert listed_titles(response) == expected
        if sort:
            selected = page_soup(response).select_one('select[name="sortering"] option[selected]')
            assert selected["value"] == sort

    @pytest.mark.parametrize(
        ("sort", "column", "direction"),
        [
            (None, "Dokumenttyp", "ascending"),
            ("titel", "Titel", "ascending"),
            ("-titel", "Titel", "descending"),
            ("-beslutsdatum", "Beslut", "descending"),
            ("beslutsdatum", "Beslut", "ascending"),
            ("revision", "Revideras senast", "ascending"),
            ("-revision", "Revideras senast", "descending"),
        ],
    )
    def test_the_sorted_column_says_so_to_screen_readers(
        self, public_client, dated, sort, column, direction
    ):
        """WCAG 1.3.1: moving through the table, a screen reader announces the sorted column
        and its direction (aria-sort), not only the "Sortera" list above the table."""
        params = {"sortering": sort} if sort else {}

        headers = page_soup(public_client.get(REGISTER, params)).select(".register-table thead th")

        assert [text(th) for th in headers] == [
            "Titel",
            "Dokumenttyp",
            "Beslut",
            "Förvaltning",
            "LIS-område",
            "Revideras senast",
        ]
        assert [(text(th), th["aria-sort"]) for th in headers if th.has_attr("aria-sort")] == [
            (column, direction)
        ]

    def test_unknown_sort_is_ignored_with_a_notice(self, public_client, dated):
        response = public_client.get(REGISTER, {"sortering": "pris"})

        assert listed_titles(response) == ["Charlie", "Alfa", "Bravo"]
        assert notices(response) == [
            "Filtervärdet ”pris” för sortering känns inte igen och har ignorerats."
        ]


def build_many():
    """26 riktlinjer: two pages of the register."""
    make_live_documents(RiktlinjePage, 26, title="Riktlinje {n:02d}")


@pytest.fixture(scope="class")
def many_once(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_many)


@pytest.fixture
def many(many_once, db):
    """build_many's documents, built once for the class that reads them."""


class TestOneOfEachKind:
    """The tests on build_kinds' five documents, built once for this class."""

    def test_register_lists_every_adopted_document_in_hierarchy_order(self, public_client, kinds):
        make_document(RiktlinjePage, publish=False, title="Riktlinje i utkast")

        response = public_client.get(REGISTER)

        assert listed_titles(response) == [
            "Informationssäkerhetspolicy",
            "Riktlinje för behörigheter",
            "Riktlinje för loggning",
            "Rutin för incidentrapportering",
            "Mall för riskanalys",
        ]
        assert result_count(response) == "5 dokument"
        assert notices(response) == []

    @pytest.mark.parametrize(
        ("typ", "expected"),
        [
            ("policy", ["Informationssäkerhetspolicy"]),
            ("riktlinje", ["Riktlinje för behörigheter", "Riktlinje för loggning"]),
            ("rutin", ["Rutin för incidentrapportering"]),
            ("stodanvisning", ["Mall för riskanalys"]),
            ("program", []),
        ],
    )
    def test_filter_by_document_type(self, public_client, kinds, typ, expected):
        response = public_client.get(REGISTER, {"typ": typ})

        assert listed_titles(response) == expected
        if not expected:
            assert "Inga styrdokument matchar filtret." in response.content.decode()

    @pytest.mark.parametrize(
        ("organ", "expected"),
        [
            ("kf", ["Informationssäkerhetspolicy"]),
            ("ks", ["Riktlinje för behörigheter"]),
            ("kommundirektor", ["Riktlinje för loggning", "Mall för riskanalys"]),
            ("stabschef", ["Rutin för incidentrapportering"]),
        ],
    )
    def test_filter_by_decision_body(self, public_client, kinds, organ, expected):
        assert listed_titles(public_client.get(REGISTER, {"organ": organ})) == expected

    def test_filters_combine(self, public_client, kinds):
        response = public_client.get(REGISTER, {"typ": "riktlinje", "organ": "kommundirektor"})

        assert listed_titles(response) == ["Riktlinje för loggning"]
        assert result_count(response) == (
            "1 dokument som matchar dokumenttyp: Riktlinje, beslutande organ: Kommundirektör"
        )

    @pytest.mark.parametrize(
        ("name", "value", "label"),
        [
            ("typ", "xyz", "dokumenttyp"),
            ("organ", "nope", "beslutande organ"),
            ("omrade", "77", "LIS-område"),
            ("forvaltning", "abc", "förvaltning"),
            ("status", "<script>alert(1)</script>", "revisionsstatus"),
        ],
    )
    def test_bad_filter_values_are_ignored_with_a_notice(
        self, public_client, kinds, name, value, label
    ):
        response = public_client.get(REGISTER, {name: value})

        assert response.status_code == 200
        assert notices(response) == [
            f"Filtervärdet ”{value}” för {label} känns inte igen och har ignorerats."
        ]
        assert len(listed_titles(response)) == 5
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_many_bad_values_at_once_never_break_the_page(self, public_client, kinds):
        response = public_client.get(
            REGISTER,
            {
                "typ": "x" * 5000,
                "organ": "",
                "omrade": "-1",
                "forvaltning": "1 OR 1=1",
                "status": "snart",
                "sortering": "titel",
                "sida": "-3",
            },
        )

        assert response.status_code == 200
        assert len(notices(response)) == 4
        assert all(len(notice) < 200 for notice in notices(response))


class TestTwoPages:
    """The tests on build_many's 26 documents, built once for this class."""

    def test_pagination(self, public_client, many):
        first = public_client.get(REGISTER, {"sortering": "titel"})
        second = public_client.get(REGISTER, {"sortering": "titel", "sida": "2"})

        assert len(listed_titles(first)) == 25
        assert listed_titles(second) == ["Riktlinje 25"]
        assert result_count(second) == "26 dokument"
        nav = page_soup(first).select_one("nav.pagination")
        assert "Sida 1 av 2" in text(nav)
        assert nav.select_one('a[rel="next"]')["href"] == "?sortering=titel&sida=2"
        prev = page_soup(second).select_one('nav.pagination a[rel="prev"]')
        assert prev["href"] == "?sortering=titel&sida=1"

    def test_page_number_that_is_not_a_number(self, public_client, many):
        response = public_client.get(REGISTER, {"sida": "abc"})

        assert len(listed_titles(response)) == 25
        assert notices(response) == ["Sidnumret ”abc” är inte ett tal; visar första sidan."]

    def test_page_number_beyond_the_last_page(self, public_client, many):
        response = public_client.get(REGISTER, {"sida": "999", "sortering": "titel"})

        assert listed_titles(response) == ["Riktlinje 25"]
        assert notices(response) == ["Sidan 999 finns inte; visar sista sidan (2)."]

    def test_filters_are_kept_in_the_links(self, public_client, many):
        response = public_client.get(REGISTER, {"typ": "riktlinje", "omrade": "99"})

        html_soup = page_soup(response)
        assert notices(response) == [
            "Filtervärdet ”99” för LIS-område känns inte igen och har ignorerats."
        ]
        assert (
            html_soup.select_one('nav.pagination a[rel="next"]')["href"] == "?typ=riktlinje&sida=2"
        )
        selected = html_soup.select_one('select[name="typ"] option[selected]')
        assert selected["value"] == "riktlinje"
        assert html_soup.select_one("form.filters")["method"] == "get"
        assert html_soup.select_one("form.filters a")["href"] == REGISTER  # "Rensa filter"


def test_public_register_lists_only_public_documents(public_client, intranet_client):
    make_live_document(RiktlinjePage, title="Offentlig riktlinje", publicity="public")
    make_live_document(RiktlinjePage, title="Intern riktlinje", publicity="internal")

    assert listed_titles(public_client.get(REGISTER)) == ["Offentlig riktlinje"]

    intranet = intranet_client.get(REGISTER)
    assert listed_titles(intranet) == ["Intern riktlinje", "Offentlig riktlinje"]
    assert "Intern" in text(page_soup(intranet).select_one("tbody .tag"))


def _register_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REGISTER)
    assert response.status_code == 200
    return len(queries), len(listed_titles(response))


def _add_documents(count, organisation):
    owner = make_user(f"agare{count}")
    make_live_documents(
        RiktlinjePage,
        count,
        organisation=organisation,
        responsible=owner,
        lis_areas=[get_lis_area(1), get_lis_area(count % 10 + 1)],
    )


def test_register_query_count_does_not_grow_with_the_documents(public_client):
    organisation = make_organisation("Kommunledningsförvaltningen")
    _add_documents(5, organisation)
    few_queries, listed = _register_queries(public_client)
    assert listed == 5

    _add_documents(25, organisation)
    many_queries, listed = _register_queries(public_client)
    assert listed == 25  # 30 documents: a full first page

    assert many_queries == few_queries
