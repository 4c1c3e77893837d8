"""Restricted subtrees at different depths are hidden by for_request (a prefix match on the hidden
roots' paths, StyrdokumentQuerySet.outside_subtrees) exactly as for_channel hides them, for every
kind of reader, and a title that begins like a restricted one's changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from policies.channels import INTRANET, PUBLIC
from policies.expressions import PathUnder
from policies.models import Publicity, RiktlinjePage, RutinPage, StodanvisningPage, Styrdokument
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    make_live_document,
    make_user,
    reader_request,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db


def build_world():
    security = Group.objects.create(name="Säkerhetsgruppen")
    hr = Group.objects.create(name="Personalgruppen")
    open_riktlinje = make_live_document(RiktlinjePage, title="Öppen riktlinje")
    restricted_riktlinje = make_live_document(
        RiktlinjePage,
        title="Begränsad riktlinje",
        publicity=Publicity.INTERNAL,
        restricted_to=[security],
    )
    make_live_document(RutinPage, parent=restricted_riktlinje, title="Rutin under begränsad")
    # One level deeper: a restricted rutin under an open riktlinje, with a child of its own.
    restricted_rutin = make_live_document(
        RutinPage,
        parent=open_riktlinje,
        title="Begränsad rutin",
        publicity=Publicity.INTERNAL,
        restricted_to=[hr],
    )
    make_live_document(StodanvisningPage, parent=restricted_rutin, title="Stöd under begränsad")
    make_live_document(RutinPage, parent=open_riktlinje, title="Öppen rutin")
    # A slug that begins like a hidden root's path must not matter: paths, not titles, count.
    make_live_document(RiktlinjePage, title="Begränsad riktlinje 2 (öppen)")
    return {
        "member": make_user("saker", groups=["Säkerhetsgruppen"]),
        "staff": make_user("medarbetare"),
        "both": make_user("bada", groups=["Säkerhetsgruppen", "Personalgruppen"]),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def titles(queryset):
    return sorted(queryset.values_list("title", flat=True))


HIDDEN_SECURITY = {"Begränsad riktlinje", "Rutin under begränsad"}
HIDDEN_HR = {"Begränsad rutin", "Stöd under begränsad"}


@pytest.mark.parametrize(
    "reader, hidden",
    [("staff", HIDDEN_SECURITY | HIDDEN_HR), ("member", HIDDEN_HR), ("both", set())],
)
def test_the_intranet_hides_each_readers_subtrees_at_every_depth(w, reader, hidden):
    user = type(w[reader]).objects.get(pk=w[reader].pk)
    shown = titles(Styrdokument.objects.for_request(reader_request(INTRANET_HOST, user)))
    assert not set(shown) & hidden
    assert (HIDDEN_SECURITY | HIDDEN_HR) - hidden <= set(shown)
    assert shown == titles(Styrdokument.objects.for_channel(INTRANET, w[reader]))


def test_the_public_site_hides_both_subtrees(w):
    shown = titles(Styrdokument.objects.for_request(reader_request(PUBLIC_HOST, AnonymousUser())))
    assert not set(shown) & (HIDDEN_SECURITY | HIDDEN_HR)
    assert "Öppen rutin" in shown and "Begränsad riktlinje 2 (öppen)" in shown
    assert shown == titles(Styrdokument.objects.for_channel(PUBLIC))


def test_the_hidden_subtrees_are_a_test_of_the_pages_own_path(w):
    """One IN list of roots per root length on the page's path: no subquery over the hidden
    pages (PostgreSQL read the whole documents table for one) and no LIKE per root (each cost
    planning time)."""
    request = reader_request(INTRANET_HOST, type(w["staff"]).objects.get(pk=w["staff"].pk))
    sql = str(Styrdokument.objects.for_request(request).query).upper()
    assert "SUBSTR(" in sql and " IN (" in sql
    assert " LIKE " not in sql
    assert "SELECT" not in sql.split(" WHERE ", 1)[1]


def test_roots_at_several_depths_are_tested_by_their_own_length():
    under = PathUnder("path", ["00010002", "000100020003", "00010005", "000100020001"])
    assert under.by_length == (
        (8, ("00010002", "00010005")),
        (12, ("000100020001", "000100020003")),
    )


@pytest.mark.parametrize("host", [INTRANET_HOST, PUBLIC_HOST])
def test_a_search_of_the_visible_documents_accepts_the_condition(w, host):
    """modelsearch walks a searched queryset's conditions; the hidden subtrees' condition is
    a lookup on the page pointer, which it skips (a plain ~Exists made it fail)."""
    user = type(w["staff"]).objects.get(pk=w["staff"].pk)
    visible = Styrdokument.objects.for_request(reader_request(host, user))
    found = {page.title for page in visible.search("begränsad")}
    assert "Begränsad riktlinje 2 (öppen)" in found
    assert not found & (HIDDEN_SECURITY | HIDDEN_HR)
