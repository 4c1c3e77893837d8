"""policies.expressions.LikeAny is the SQL of Django's own lookups, written at once: the same
statement text and the same rows as a Q of lookups, escaping of %, _ and \\ included, on the
database in use."""

import operator
from functools import reduce

import pytest
from django.db.models import Q
from wagtail.models import Page

from policies.expressions import LikeAny
from policies.models import RutinPage
from tests.factories import make_live_document
from tests.shared import build_once

pytestmark = pytest.mark.django_db

TITLES = [
    "Rutin för 100% tillgänglighet",
    "Rutin för fil_namn och mappar",
    "Rutin med snedstreck \\ i titeln",
    "Rutin för arkivering",
    "RUTIN FÖR ARKIV",
]


def build_world():
    for title in TITLES:
        make_live_document(RutinPage, title=title)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def as_q(lookup, alternatives):
    return reduce(
        operator.or_,
        [
            reduce(operator.and_, [Q(**{f"title__{lookup}": string}) for string in strings])
            for strings in alternatives
        ],
    )


def unbracketed(query):
    return str(query).replace("(", "").replace(")", "")


CASES = [
    ("contains", [["100%"]]),
    ("contains", [["fil_namn"], ["arkiv"]]),
    ("contains", [["snedstreck \\"], ["rutin", "mappar"]]),
    ("icontains", [["arkiv"]]),
    ("icontains", [["rutin för", "ARKIV"], ["_namn"]]),
    ("startswith", [["Rutin för"], ["RUTIN"]]),
    ("startswith", [["Rutin för 100%"]]),
]


@pytest.mark.parametrize("lookup, alternatives", CASES)
def test_the_same_statement_and_rows_as_django_lookups(w, lookup, alternatives):
    expected = Page.objects.filter(as_q(lookup, alternatives)).values_list("title", flat=True)
    found = Page.objects.filter(LikeAny("title", lookup, alternatives)).values_list(
        "title", flat=True
    )
    # The same tests and values; only the grouping brackets may differ.
    assert unbracketed(found.query) == unbracketed(expected.query)
    assert sorted(found) == sorted(expected)
    assert found  # every case finds something in TITLES


def test_no_alternatives_match_nothing(w):
    assert not Page.objects.filter(LikeAny("title", "contains", [])).exists()
    assert Page.objects.exclude(LikeAny("title", "contains", [])).exists()


def test_an_unknown_lookup_is_refused():
    with pytest.raises(ValueError):
        LikeAny("title", "iexact", [["x"]])
