"""The register's one statement (policies.register._statement, issue 17) against the rules it
restates: who sees which documents (for_channel), and how a page number is read (Django's
Paginator), including numbers no page has. The documents are built once for the module."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policies.channels import INTRANET, PUBLIC
from policies.models import (
    PolicyPage,
    Publicity,
    RegisterPage,
    RiktlinjePage,
    RutinPage,
    Styrdokument,
)
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    make_document,
    make_live_document,
    make_user,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
PAGE_SIZE = 25


def build_world():
    """Restricted subtrees nested, overlapping and under a draft, beside documents whose paths
    share all but the last step with a hidden one; enough public documents for three pages."""
    alfa, beta = Group.objects.create(name="Alfa"), Group.objects.create(name="Beta")
    users = {
        "staff": make_user("statement-staff"),
        "alfa": make_user("statement-alfa", groups=["Alfa"]),
        "beta": make_user("statement-beta", groups=["Beta"]),
        "both": make_user("statement-both", groups=["Alfa", "Beta"]),
        "chef": make_user("statement-chef", superuser=True),
    }
    policy = make_live_document(PolicyPage, title="Policy öppen")
    only_alfa = make_live_document(
        RiktlinjePage,
        parent=policy,
        title="Riktlinje Alfa",
        publicity=Publicity.INTERNAL,
        restricted_to=[alfa],
    )
    make_live_document(RutinPage, parent=only_alfa, title="Rutin under Alfa")
    make_live_document(
        RutinPage,
        parent=only_alfa,
        title="Rutin Beta under Alfa",
        restricted_to=[beta],
    )
    make_live_document(RiktlinjePage, parent=policy, title="Riktlinje granne")
    alfa_or_beta = make_live_document(
        RiktlinjePage, title="Riktlinje Alfa eller Beta", restricted_to=[alfa, beta]
    )
    make_live_document(RutinPage, parent=alfa_or_beta, title="Rutin under Alfa eller Beta")
    draft = make_document(
        RiktlinjePage, title="Riktlinje utkast Beta", publish=False, restricted_to=[beta]
    )
    make_live_document(RutinPage, parent=draft, title="Rutin under utkast")
    make_document(PolicyPage, title="Policy utkast", publish=False)
    for number in range(60):
        make_live_document(
            PolicyPage,
            title=f"Policy {number:02d}",
            publicity=Publicity.INTERNAL if number % 5 == 0 else Publicity.PUBLIC,
        )
    return users


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def _soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _titles(soup):
    return [
        " ".join(a.get_text(" ").split()).removesuffix(" Intern")
        for a in soup.select("table.register-table tbody td:first-child a")
    ]


def _listed(client):
    """Every title the register lists, page by page, in title order."""
    titles, page = [], 1
    while True:
        soup = _soup(client.get(REGISTER, {"sortering": "titel", "sida": page}))
        titles += _titles(soup)
        count = int(soup.select_one("p.result-count").get_text().split()[0])
        if page * PAGE_SIZE >= count:
            return titles, count
        page += 1


def _expected(channel, user):
    register = RegisterPage.objects.get()
    documents = Styrdokument.objects.for_channel(channel, user).descendant_of(register)
    return sorted(documents.values_list("title", flat=True))


@pytest.mark.parametrize(
    ("host", "channel", "reader"),
    [
        (PUBLIC_HOST, PUBLIC, None),
        (PUBLIC_HOST, PUBLIC, "both"),
        (INTRANET_HOST, INTRANET, "staff"),
        (INTRANET_HOST, INTRANET, "alfa"),
        (INTRANET_HOST, INTRANET, "beta"),
        (INTRANET_HOST, INTRANET, "both"),
        (INTRANET_HOST, INTRANET, "chef"),
    ],
)
def test_the_register_lists_what_for_channel_lets_the_reader_see(world, host, channel, reader):
    client = Client(HTTP_HOST=host)
    user = world[reader] if reader else None
    if user is not None:
        client.force_login(user)

    titles, count = _listed(client)

    expected = _expected(channel, None if channel == PUBLIC else user)
    assert sorted(titles) == expected
    assert count == len(expected)
    assert "Policy utkast" not in titles


def test_the_hidden_subtrees_are_the_expected_ones(world):
    """The rule spelled out once, so a mistake shared by for_channel and the register shows."""
    intranet = Client(HTTP_HOST=INTRANET_HOST)
    intranet.force_login(world["alfa"])
    seen = set(_listed(intranet)[0])

    assert {"Riktlinje Alfa", "Rutin under Alfa", "Riktlinje granne"} <= seen
    assert {"Riktlinje Alfa eller Beta", "Rutin under Alfa eller Beta"} <= seen
    # Restricted to Beta inside Alfa's subtree, and below a draft restricted to Beta.
    assert not {"Rutin Beta under Alfa", "Rutin under utkast"} & seen


def _paginator_says(raw, count):
    """(page shown, notice) as Django's Paginator and the register's wording would have it."""
    paginator = Paginator(range(count), PAGE_SIZE)
    try:
        return paginator.page(raw).number, None
    except PageNotAnInteger:
        return 1, f"Sidnumret ”{raw[:20]}” är inte ett tal; visar första sidan."
    except EmptyPage:
        last = paginator.num_pages
        return last, f"Sidan {raw[:20]} finns inte; visar sista sidan ({last})."


PAGE_NUMBERS = ["1", "2", "3", "4", "0", "-2", "abc", "", "2.0", " 2 ", "２", "9" * 30, "9" * 5000]


@pytest.mark.parametrize("host", [PUBLIC_HOST, INTRANET_HOST])
def test_every_page_number_is_read_as_the_paginator_read_it(world, host):
    client = Client(HTTP_HOST=host)
    if host == INTRANET_HOST:
        client.force_login(world["staff"])
    first = _soup(client.get(REGISTER, {"sortering": "titel"}))
    count = int(first.select_one("p.result-count").get_text().split()[0])
    every_title = _listed(client)[0]

    for raw in PAGE_NUMBERS:
        with CaptureQueriesContext(connection) as queries:
            soup = _soup(client.get(REGISTER, {"sortering": "titel", "sida": raw}))
        number, notice = _paginator_says(raw, count)
        caption = soup.select_one("table.register-table caption").get_text()
        assert re.search(rf"sida {number} av {-(-count // PAGE_SIZE)}$", caption), raw
        assert _titles(soup) == every_title[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        shown = [" ".join(li.get_text(" ").split()) for li in soup.select(".notice li")]
        assert shown == ([notice] if notice else []), raw
        if raw == "1":
            expected_queries = len(queries)
        assert len(queries) == expected_queries, raw


def test_a_filter_that_matches_nothing_shows_one_empty_page(world, public_client):
    with CaptureQueriesContext(connection) as queries:
        soup = _soup(public_client.get(REGISTER, {"typ": "stodanvisning", "sida": "3"}))
    with CaptureQueriesContext(connection) as listing:
        public_client.get(REGISTER)

    assert _titles(soup) == []
    assert "Inga styrdokument matchar filtret." in soup.get_text()
    assert soup.select_one("p.result-count").get_text().split()[0] == "0"
    notices = [" ".join(li.get_text(" ").split()) for li in soup.select(".notice li")]
    assert notices == ["Sidan 3 finns inte; visar sista sidan (1)."]
    assert len(queries) == len(listing)


@pytest.mark.parametrize(("host", "reader"), [(PUBLIC_HOST, None), (INTRANET_HOST, "alfa")])
def test_the_statement_is_planned_once_per_connection(world, host, reader):
    """On PostgreSQL the register's statement is prepared, one statement for all the pages of
    a shape, and after PostgreSQL's first few custom plans it runs on its generic plan. (That
    writing the register's path and the public condition into it is what keeps PostgreSQL
    from planning it again shows only at scale: on this test's few documents PostgreSQL takes
    the generic plan either way; docs/performance.md has the figures at 10,000.)"""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    client = Client(HTTP_HOST=host)
    if reader:
        client.force_login(world[reader])
    for page in ["1", "2", "3", "1", "2", "3", "1", "2"]:
        soup = _soup(client.get(REGISTER, {"sortering": "titel", "sida": page}))
        assert _titles(soup)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["WITH excluded AS%"],
        )
        plans = cursor.fetchall()
    assert plans, "the register's statement was not prepared"
    assert max(generic for generic, _custom in plans) >= 2


@pytest.mark.parametrize("path", ["", "0001'; DROP TABLE x; --", "00010001~", "abc", "0001 "])
def test_only_a_page_path_is_written_into_the_statement(path):
    from policies.register import _register_literals

    with pytest.raises(ValueError):
        _register_literals(path, 1)


def plan_mode_of_a_new_connection(**options):
    """plan_cache_mode on a new connection of the default database, with `options` added to its
    OPTIONS."""
    from django.db import connections

    fresh = connections.create_connection("default")
    options = {**(fresh.settings_dict.get("OPTIONS") or {}), **options}
    fresh.settings_dict = {**fresh.settings_dict, "OPTIONS": options}
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return cursor.fetchone()[0]
    finally:
        fresh.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_a_new_connection_plans_prepared_statements_once(db):
    """policies.models.routing.plan_prepared_statements_once: a new connection runs every
    prepared statement on one plan for any values (Django's own statements are not prepared,
    so they are planned for their values as before)."""
    assert plan_mode_of_a_new_connection() == "force_generic_plan"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_without_prepared_statements_the_plan_mode_is_left_alone(db):
    """A deployment behind a transaction-mode pooler turns prepared statements off
    (OPTIONS["prepare_threshold"] = None): nothing is prepared, so nothing is set either."""
    assert plan_mode_of_a_new_connection(prepare_threshold=None) == "auto"
