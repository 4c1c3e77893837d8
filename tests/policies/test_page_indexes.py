"""The index the routing statement needs on Wagtail's page table exists on every database
(policies migration 0017): without it, the start page's menu condition read every page of the
site on each request."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_pages_are_indexed_by_depth_and_path():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "wagtailcore_page")
    index = constraints["styrdok_page_depth_path"]
    assert index["index"] and index["columns"] == ["depth", "path"]
