"""The routing statement (policies.models.routing._candidates, hand-written SQL on the hot path
of every page) returns exactly the rows and flags the ORM queryset it replaced returns, for every
kind of reader and address (issue 17)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection, models
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from policies.models import ContentPage, HomePage, Publicity, RiktlinjePage, RutinPage
from policies.models.routing import _COMPILED, _candidates, _served
from policies.visibility import as_member, hidden_roots
from tests.factories import get_register, make_live_document, make_user
from tests.shared import build_once


def _reference(root, path_components, hidden):
    """The ORM queryset the statement replaced, kept here as the specification: the rows, and
    the paths of the hidden roots (None when the reader sees everything)."""
    steplen = Page.steplen
    own_line = [root.path[:end] for end in range(steplen, len(root.path) + 1, steplen)]
    depths = range(root.depth + 1, root.depth + len(path_components) + 1)
    on_address = models.Q(
        slug__in=set(path_components), depth__in=list(depths), path__startswith=root.path
    )
    in_menu = models.Q(
        depth=root.depth + 1, path__startswith=root.path, live=True, show_in_menus=True
    )
    rows = Page.objects.filter(models.Q(path__in=own_line) | on_address | in_menu).annotate(
        view_restricted=models.Exists(
            PageViewRestriction.objects.filter(page_id=models.OuterRef("pk"))
        ),
        publicity=models.F("styrdokument__publicity"),
    )
    paths = None if hidden is None else sorted(hidden.values_list("path", flat=True))
    return list(rows.order_by("path")), paths


def _seen(rows):
    return [
        (row.pk, row.path, row.slug, bool(row.live), row.view_restricted, row.publicity, type(row))
        for row in rows
    ]  # fmt: skip


def _build():
    group = Group.objects.create(name="Gruppen")
    member = make_user("medlem")
    member.groups.add(group)
    register = get_register()
    home = HomePage.objects.get()
    restricted = make_live_document(RiktlinjePage, slug="skyddad", restricted_to=[group])
    make_live_document(RutinPage, parent=restricted, slug="rutin")
    nested = make_live_document(
        RutinPage, parent=restricted, slug="inre", restricted_to=[Group.objects.create(name="B")]
    )
    internal = make_live_document(RiktlinjePage, slug="intern", publicity=Publicity.INTERNAL)
    make_live_document(RutinPage, parent=internal, slug="rutin")
    open_doc = make_live_document(RiktlinjePage, slug="oppen")
    about = home.add_child(instance=ContentPage(title="Om", slug="om", show_in_menus=True))
    locked = home.add_child(instance=ContentPage(title="Låst", slug="last", show_in_menus=True))
    PageViewRestriction.objects.create(page=locked, restriction_type="login")
    about.create_alias(parent=home, update_slug="om-alias")
    inactive = make_user("slutat")
    inactive.is_active = False
    inactive.save()
    return {
        "home": home,
        "register": register,
        "open": open_doc,
        "nested": nested,
        "readers": [None, AnonymousUser(), make_user("medarbetare"), member, inactive],
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, _build)


ADDRESSES = [
    [],
    ["styrdokument"],
    ["styrdokument", "oppen"],
    ["styrdokument", "skyddad", "rutin"],
    ["styrdokument", "skyddad", "inre"],
    ["styrdokument", "intern", "rutin"],
    ["om-alias"],
    ["last"],
    ["finns-inte", "rutin"],
    ["styrdokument", "styrdokument"],
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", ADDRESSES, ids="/".join)
def test_the_statement_returns_what_the_queryset_returns(world, address):
    root = world["home"]
    address = [world["register"].slug if slug == "styrdokument" else slug for slug in address]
    cases = [(None, None)] + [(reader, hidden_roots(reader)) for reader in world["readers"]]
    for reader, hidden in cases:
        hidden_of = None if hidden is None else (as_member(reader),)
        rows, paths = _candidates(root, address, hidden_of)
        expected_rows, expected_paths = _reference(root, address, hidden)
        assert _seen(rows) == _seen(expected_rows), reader
        assert (None if paths is None else sorted(paths)) == expected_paths, reader


@pytest.mark.django_db
def test_the_statement_marks_the_hidden_roots_for_a_non_member(world):
    root = world["home"]
    address = [world["register"].slug, "skyddad", "inre"]
    outsider = world["readers"][2]

    rows, paths = _candidates(root, address, (as_member(outsider),))

    hidden = {row.slug for row in rows if row.path in paths}
    assert hidden == {"skyddad", "inre"}
    assert len(paths) == 2
    assert all(isinstance(row.view_restricted, bool) for row in rows)


@pytest.mark.django_db
def test_a_hidden_root_off_the_address_is_named_but_not_read_as_a_page(world):
    """A subtree hidden from the reader somewhere else in the tree comes back as its path
    alone, not as a row: rows are the address, the start page's line and the menu."""
    root = world["home"]
    rows, paths = _candidates(root, [world["register"].slug, "oppen"], (None,))

    assert world["nested"].path in paths
    assert world["nested"].pk not in {row.pk for row in rows}
    assert {row.slug for row in rows} >= {world["register"].slug, "oppen"}


@pytest.mark.django_db
def test_a_reader_who_sees_everything_gets_no_paths(world):
    rows, paths = _candidates(world["home"], [world["register"].slug], None)
    assert paths is None
    assert rows


@pytest.mark.django_db
def test_the_statement_is_one_query(world):
    with CaptureQueriesContext(connection) as captured:
        _candidates(world["home"], [world["register"].slug, "oppen"], (None,))
    assert len(captured) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "find",
    [lambda w: w["register"], lambda w: ContentPage.objects.get(slug="om")],
    ids=["register", "content page"],
)
def test_a_page_without_its_own_serving_query_is_read_by_a_compiled_statement(world, find):
    """The register and content pages are read, once routed, by their class's default manager
    in a statement compiled once per process (routing._served): the page of the right class,
    with its own fields, in one query."""
    page = find(world)
    row = Page.objects.get(pk=page.pk)
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        served = _served(row, request)
    again = _served(row, request)

    assert type(served) is type(page) and served.pk == page.pk
    assert served.title == page.title and served.intro == type(page).objects.get(pk=page.pk).intro
    assert type(again) is type(page)
    assert len(queries) == 1
    assert ("served-plain", type(page), "default") in _COMPILED
