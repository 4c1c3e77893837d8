"""The document page's own queries, compiled once per process (policies.models.routing.
CompiledQuery), return what the ORM querysets they replace return, row for row and field for
field: the served page, its child documents and its adopted versions, for every document in a
small tree and every reader, on both channels. The metadata lists read with the page (on
PostgreSQL) equal the ones read in a query of their own.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Page

from governance.models import TargetGroup
from policies.channels import INTRANET, PUBLIC
from policies.models import (
    DOCUMENT_TYPE_RANK,
    AdoptedVersion,
    PolicyPage,
    Publicity,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)
from policies.models.documents import CHILD_LIST_FIELDS, _metadata_lists_sql
from policies.models.routing import (
    PK_MARKER,
    CompiledQuery,
    _served,
)
from policies.visibility import document_shown_to_request
from tests.factories import (
    get_lis_area,
    make_live_document,
    make_user,
)
from tests.shared import build_once


def build_world():
    group = Group.objects.create(name="Kompileringsgruppen")
    member = make_user("kompilerad-medlem")
    member.groups.add(group)
    targets = [
        TargetGroup.objects.create(name=name) for name in ("Systemägare", "Alla medarbetare")
    ]
    policy = make_live_document(
        PolicyPage,
        title="Kompilerad policy",
        target_groups=targets,
        lis_areas=[get_lis_area(n) for n in (6, 2, 4)],
    )
    riktlinjer = [
        make_live_document(RiktlinjePage, parent=policy, title="Ö riktlinje"),
        make_live_document(
            RiktlinjePage, parent=policy, title="A riktlinje", publicity=Publicity.INTERNAL
        ),
        make_live_document(
            RiktlinjePage, parent=policy, title="B riktlinje", restricted_to=[group]
        ),
    ]
    for index, riktlinje in enumerate(riktlinjer):
        make_live_document(RutinPage, parent=riktlinje, title=f"Rutin {index}")
        make_live_document(
            StodanvisningPage,
            parent=riktlinje,
            title=f"Stödanvisning {index}",
            publicity=Publicity.INTERNAL,
        )
    # A child that is not live is never listed.
    draft = make_live_document(RutinPage, parent=policy, title="Utkast")
    Page.objects.filter(pk=draft.pk).update(live=False)
    versions = AdoptedVersion.objects.bulk_create(
        AdoptedVersion(
            document=policy,
            title=policy.title,
            version=f"{n + 1}.0",
            decision_body_name="Kommunstyrelsen",
            decision_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
            diarienummer=f"KS-2021-{n + 1}",
            publicity=Publicity.INTERNAL if n == 1 else Publicity.PUBLIC,
            superseded_at=timezone.now() if n < 2 else None,
        )
        for n in range(3)
    )
    AdoptedVersion.objects.filter(pk=versions[0].pk).update(superseded_by=versions[1])
    documents = [policy, *riktlinjer, draft]
    documents += list(Styrdokument.objects.descendant_of(riktlinjer[0]))
    return {"group": group, "member": member, "policy": policy, "documents": documents}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def _requests(w):
    factory = RequestFactory()
    readers = {
        "public": (PUBLIC, AnonymousUser()),
        "employee": (INTRANET, make_user("kompilerad-anstalld")),
        "member": (INTRANET, w["member"]),
        "superuser": (INTRANET, make_user("kompilerad-admin", superuser=True)),
    }
    requests = {}
    for name, (channel, user) in readers.items():
        request = factory.get("/")
        request.channel, request.user = channel, user
        requests[name] = request
    return requests


def _child_row(child):
    return (
        type(child),
        child.pk,
        child.content_type_id,
        child.title,
        child.slug,
        child.path,
        child.depth,
        child.url_path,
        child.live,
        child.publicity,
        child.document_type,
        child.decision_date,
        child.decision_body.name if child.decision_body_id else None,
        child.organisation.name if child.organisation_id else None,
    )


def test_child_documents_are_the_querysets_rows_for_every_document_and_reader(w):
    for name, request in _requests(w).items():
        for document in w["documents"]:
            document = Styrdokument.objects.get(pk=document.pk)
            reference = (
                Styrdokument.objects.live()
                .child_of(document)
                .select_related("decision_body", "organisation")
                .only(*CHILD_LIST_FIELDS)
                .order_by("title")
            )
            if request.channel == PUBLIC:
                reference = reference.filter(publicity=Publicity.PUBLIC)
            expected = [child for child in reference if document_shown_to_request(child, request)]
            expected.sort(key=lambda child: DOCUMENT_TYPE_RANK.get(child.document_type, 99))
            got = document.visible_children(request)
            assert [_child_row(c) for c in got] == [_child_row(c) for c in expected], (
                name,
                document.title,
            )


def test_the_policys_children_differ_by_reader_as_visibility_says(w):
    requests = _requests(w)
    policy = Styrdokument.objects.get(pk=w["policy"].pk)

    def titles(reader):
        return [child.title for child in policy.visible_children(requests[reader])]

    assert titles("public") == ["Ö riktlinje"]
    assert titles("employee") == ["A riktlinje", "Ö riktlinje"]
    assert titles("member") == ["A riktlinje", "B riktlinje", "Ö riktlinje"]
    assert titles("superuser") == ["A riktlinje", "B riktlinje", "Ö riktlinje"]


def _version_row(version):
    return (
        version.pk,
        version.version,
        version.publicity,
        version.decision_date,
        version.superseded_by_id,
        version.superseded_by.version if version.superseded_by_id else None,
        version.is_current,
        version.get_pdf_url(),
        version.get_absolute_url(),
    )


def test_adopted_versions_are_the_related_managers_rows_on_both_channels(w):
    for document in w["documents"]:
        document = Styrdokument.objects.get(pk=document.pk)
        for public in (True, False):
            reference = document.adopted_versions.select_related("superseded_by").defer(
                "content", "superseded_by__content"
            )
            if public:
                reference = reference.filter(publicity=Publicity.PUBLIC)
            got = document.shown_versions(public)
            assert [_version_row(v) for v in got] == [_version_row(v) for v in reference]
            assert all(version.document is document for version in got)
    policy = Styrdokument.objects.get(pk=w["policy"].pk)
    assert [v.version for v in policy.shown_versions(True)] == ["3.0", "1.0"]
    assert [v.version for v in policy.shown_versions(False)] == ["3.0", "2.0", "1.0"]


def _page_row(page):
    values = {field.attname: getattr(page, field.attname) for field in page._meta.concrete_fields}
    values["body"] = list(page.body.raw_data)
    values["related"] = (
        page.decision_body.name if page.decision_body_id else None,
        page.organisation.name if page.organisation_id else None,
        page.responsible.username if page.responsible_id else None,
        page.responsible_role.name if page.responsible_role_id else None,
    )
    values["in_workflow"] = getattr(page, "in_workflow", "none")
    return type(page), values


def test_the_served_page_is_the_serving_querysets_row_on_both_channels(w):
    for name, request in _requests(w).items():
        variant = Styrdokument.serving_variant(request)
        for document in w["documents"]:
            row = Page.objects.get(pk=document.pk)
            page_class = row.specific_class
            expected = page_class.serving_queryset_for(variant).get(pk=document.pk)
            got = _served(row, request)
            got_class, got_values = _page_row(got)
            expected_class, expected_values = _page_row(expected)
            assert got_class is expected_class
            differing = {
                key: (got_values[key], expected_values.get(key))
                for key in got_values
                if got_values[key] != expected_values.get(key)
            }
            assert not differing, (name, document.title)


def test_metadata_lists_read_with_the_page_equal_their_own_query(w):
    request = _requests(w)["public"]
    policy = _served(Page.objects.get(pk=w["policy"].pk), request)
    with connection.cursor() as cursor:
        cursor.execute(_metadata_lists_sql(), [policy.pk, policy.pk])
        rows = cursor.fetchall()
    expected = (
        [name for kind, _rank, name in rows if kind == 0],
        [name for kind, _rank, name in rows if kind == 1],
    )
    assert policy.metadata_lists() == expected
    assert expected[0] == ["Alla medarbetare", "Systemägare"]
    assert len(expected[1]) == 3
    # On PostgreSQL the lists came with the page; elsewhere in a query of their own.
    assert hasattr(policy, "lis_area_array") == (connection.vendor == "postgresql")


def test_a_compiled_query_refuses_a_marker_it_cannot_find(w):
    with pytest.raises(ValueError):
        CompiledQuery(Styrdokument.objects.filter(pk=1), pk=PK_MARKER)


def _runs_prepared():
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return is_psycopg3


def test_a_compiled_query_is_prepared_once_and_logged_and_counted_as_any_other(w):
    """On PostgreSQL (psycopg 3) the page's queries are prepared statements: still one query
    each in Django's log, with its values in the logged SQL, and planned once per connection."""
    from django.test.utils import CaptureQueriesContext

    policy = Styrdokument.objects.get(pk=w["policy"].pk)
    for _ in range(7):
        with CaptureQueriesContext(connection) as queries:
            versions = policy.shown_versions(False)
        assert len(queries) == 1
        assert "policies_adoptedversion" in queries[0]["sql"]
        assert str(policy.pk) in queries[0]["sql"]
    assert [v.version for v in versions] == ["3.0", "2.0", "1.0"]
    if not _runs_prepared():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement NOT LIKE %s",
            ['%FROM "policies_adoptedversion"%', "%pg_prepared_statements%"],
        )
        runs = [row[0] for row in cursor.fetchall()]
    assert runs and max(runs) >= 7


def test_a_deployment_that_turns_prepared_statements_off_gets_the_ordinary_cursor(w, monkeypatch):
    """OPTIONS["prepare_threshold"] = None (a transaction-mode pooler) is respected."""
    from policies.models.routing import preparing_cursor

    with preparing_cursor(connection.alias) as cursor:
        prepared = type(cursor.cursor).__name__ == "PreparingCursor"
    assert prepared == _runs_prepared()
    options = dict(connection.settings_dict.get("OPTIONS") or {}, prepare_threshold=None)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    with preparing_cursor(connection.alias) as cursor:
        assert type(cursor.cursor).__name__ != "PreparingCursor"
    policy = Styrdokument.objects.get(pk=w["policy"].pk)
    assert [v.version for v in policy.shown_versions(True)] == ["3.0", "1.0"]


def test_the_children_range_holds_exactly_the_paths_one_level_below():
    from policies.models.routing import children_path_range

    after, last = children_path_range("00010002")
    assert (after, last) == ("00010002", "00010002ZZZZ")
    children = ["000100020001", "00010002000Z", "00010002ZZZZ"]
    others = ["00010002", "00010003", "000100010001", "000100030001", "0001000200010001"]
    within = [p for p in children + others if after < p <= last and len(p) == len(after) + 4]
    assert within == children
