"""A document page reads a fixed number of rows, whatever it holds or links to (issue 17).

Two documents in one world: one with 3 of everything (children, adopted versions, document
references, page links, responsibility rows, decisions) and one with 30. Each reader gets the
same number of queries for both, and no more than the budget. Which documents show, and the
in-memory visibility rule (policies.visibility.document_shown) agreeing with the register's
queryset (StyrdokumentQuerySet.for_channel), are checked here too.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, PageViewRestriction

from governance.models import TargetGroup
from policies.channels import INTRANET, PUBLIC
from policies.models import (
    AdoptedVersion,
    ContentPage,
    PolicyPage,
    Publicity,
    RiktlinjePage,
    RutinPage,
    Styrdokument,
)
from policies.visibility import document_shown
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    definitions,
    document_reference,
    get_lis_area,
    get_role,
    heading,
    make_live_document,
    make_organisation,
    make_user,
    paragraph,
    path_of,
    requirement,
    responsibility_table,
)
from tests.shared import build_once

# A document page, whoever reads it. The intranet adds the session, the user and the decision
# history; the three block types that point at other rows (rich-text page links, document
# references, roles in a responsibility table) each read them once, for all such blocks.
TYPICAL_BUDGET = 12
EVERY_BLOCK_EXTRA = 3

SMALL, LARGE = 3, 30


def _body(size, targets, every_block):
    blocks = [heading("Syfte"), paragraph("<p>Dokumentet reglerar arbetet.</p>")]
    blocks += [requirement(f"<p>Krav {n} ska följas.</p>") for n in range(size)]
    blocks.append(
        {
            "type": "legal_reference",
            "value": {"title": "Dataskyddsförordningen", "designation": "", "url": ""},
        }
    )
    if not every_block:
        return blocks
    links = "".join(
        f'<p>Se <a linktype="page" id="{target.pk}">{target.title}</a>.</p>' for target in targets
    )
    blocks.append(paragraph(links))
    blocks += [paragraph(f'<p><a linktype="page" id="{t.pk}">länk</a></p>') for t in targets]
    blocks.append(requirement(f'<p>Se <a linktype="page" id="{targets[0].pk}">den</a>.</p>'))
    blocks += [document_reference(target, note="Läs också") for target in targets]
    roles = ["informationssakerhetssamordnare", "systemagare"] * size
    blocks.append(responsibility_table([(code, "Ansvarar") for code in roles[:size]]))
    blocks.append(definitions([(f"Begrepp {n}", "Förklaring") for n in range(size)]))
    return blocks


def _document(world, size, every_block):
    """A riktlinje under a policy, with `size` of everything around it."""
    targets = world["targets"][:size]
    page = make_live_document(
        RiktlinjePage,
        parent=world["policy"],
        title=f"Riktlinje {size} {'alla block' if every_block else 'vanlig'}",
        body=_body(size, targets, every_block),
        summary="Sammanfattning.",
        responsible=world["owner"],
        responsible_role=get_role("informationssakerhetssamordnare"),
        organisation=world["organisation"],
        supersedes=targets[0],
        contact_name="Informationssäkerhetsfunktionen",
        lis_areas=[get_lis_area(n) for n in (2, 6)],
        target_groups=world["target_groups"],
    )
    for n in range(size):
        make_live_document(
            RutinPage,
            parent=page,
            title=f"Rutin {n}",
            publicity=Publicity.PUBLIC if n % 2 else Publicity.INTERNAL,
            **({"restricted_to": [world["group"]]} if n == 0 else {}),
        )
    AdoptedVersion.objects.bulk_create(
        AdoptedVersion(
            document=page,
            title=page.title,
            version=f"{n + 1}.0",
            decision_body_name="Kommunstyrelsen",
            decision_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
            diarienummer=f"KS-2020-{n + 1}",
            publicity=Publicity.PUBLIC,
            superseded_at=timezone.now() if n < size - 1 else None,
        )
        for n in range(size)
    )
    for _n in range(size):
        log(
            instance=page,
            action="governance.decided",
            data={"body": "Kommunstyrelsen", "outcome": "beslutad", "decision_date": "2020-01-01"},
        )
    return page


def build_world():
    group = Group.objects.create(name="Säkerhetsgruppen")
    member = make_user("gruppmedlem", first_name="Greta", last_name="Grupp")
    member.groups.add(group)
    world = {
        "group": group,
        "member": member,
        "owner": make_user("agare", first_name="Anna", last_name="Ägare"),
        "organisation": make_organisation("Kommunledningsförvaltningen"),
        "target_groups": [
            TargetGroup.objects.create(name="Alla medarbetare"),
            TargetGroup.objects.create(name="Chefer"),
        ],
    }
    world["policy"] = make_live_document(PolicyPage, title="Informationssäkerhetspolicy")
    # Documents to point at: public, internal and restricted ones, siblings in the register.
    world["targets"] = [
        make_live_document(
            RiktlinjePage,
            title=f"Målriktlinje {n}",
            publicity=Publicity.INTERNAL if n % 3 == 1 else Publicity.PUBLIC,
            **({"restricted_to": [group]} if n % 3 == 2 else {}),
        )
        for n in range(LARGE)
    ]
    for size in (SMALL, LARGE):
        for every_block in (False, True):
            world[(size, every_block)] = _document(world, size, every_block)
    home = world["policy"].get_parent().get_parent().specific
    world["menu_page"] = home.add_child(
        instance=ContentPage(title="Tillgänglighetsredogörelse", slug="tillganglighet", live=True)
    )
    Page.objects.filter(pk=world["menu_page"].pk).update(show_in_menus=True)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def _client(host, user=None):
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def _readers(w):
    return {
        "public": _client(PUBLIC_HOST),
        "employee": _client(INTRANET_HOST, make_user("medarbetare")),
        "editor": _client(INTRANET_HOST, make_user("redaktor", groups=["Redaktörer"])),
        "member": _client(INTRANET_HOST, w["member"]),
        "superuser": _client(INTRANET_HOST, make_user("superadmin", superuser=True)),
    }


def _queries(client, page):
    path = path_of(page)
    assert client.get(path).status_code == 200  # warm-up: site root paths, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("reader", ["public", "employee", "editor", "member", "superuser"])
@pytest.mark.parametrize("every_block", [False, True], ids=["typical", "every-block"])
def test_a_document_page_reads_the_same_number_of_rows_at_3_and_30(w, reader, every_block):
    client = _readers(w)[reader]

    small, _ = _queries(client, w[(SMALL, every_block)])
    large, _ = _queries(client, w[(LARGE, every_block)])

    budget = TYPICAL_BUDGET + (EVERY_BLOCK_EXTRA if every_block else 0)
    assert small == large
    assert large <= budget


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_page_shows_what_the_reader_may_see(w):
    readers = _readers(w)
    page = w[(LARGE, True)]
    targets = w["targets"]

    public = _soup(_queries(readers["public"], page)[1])
    employee = _soup(_queries(readers["employee"], page)[1])
    member = _soup(_queries(readers["member"], page)[1])

    def references(soup):
        return [a.get_text() for a in soup.select("p.reference--document a")]

    def children(soup):
        return {a.get_text() for a in soup.select(".child-documents a")}

    # Every third target is internal and every third restricted to the group.
    public_targets = [t.title for n, t in enumerate(targets) if n % 3 == 0]
    unrestricted = [t.title for n, t in enumerate(targets) if n % 3 != 2]
    assert references(public) == public_targets
    assert references(employee) == unrestricted
    assert references(member) == [t.title for t in targets]
    assert children(public) == {f"Rutin {n}" for n in range(LARGE) if n % 2}
    assert children(employee) == {f"Rutin {n}" for n in range(1, LARGE)}
    assert children(member) == {f"Rutin {n}" for n in range(LARGE)}
    # Rich-text links to documents the reader may not open keep their text and lose the address.
    public_links = {a.get_text(): a.get("href") for a in public.select(".rich-text a")}
    assert public_links["Målriktlinje 0"] == path_of(targets[0])
    assert public_links["Målriktlinje 1"] is None
    assert public_links["Målriktlinje 2"] is None
    # Metadata, breadcrumbs and menus come from the rows read while routing.
    meta = {dt.get_text(): dt.find_next("dd").get_text(" ", strip=True) for dt in public("dt")}
    assert meta["Målgrupp"] == "Alla medarbetare, Chefer"
    assert meta["LIS-område"] == f"{get_lis_area(2).name}, {get_lis_area(6).name}"
    assert meta["Ersätter"] == "Målriktlinje 0"
    crumbs = [a.get_text() for a in public.select("nav.breadcrumbs a")]
    assert crumbs[-2:] == ["Styrdokument", "Informationssäkerhetspolicy"]
    assert "Tillgänglighetsredogörelse" in public.select_one("footer").get_text()


def test_a_view_restriction_on_the_way_is_still_enforced(w):
    PageViewRestriction.objects.create(page=w["policy"], restriction_type="login")
    client = _readers(w)["public"]

    response = client.get(path_of(w[(SMALL, False)]))

    assert response.status_code == 302
    assert response["Location"].endswith("?next=" + path_of(w[(SMALL, False)]))


def test_a_page_that_is_not_live_is_not_found_but_a_draft_on_the_way_is_passed(w):
    client = _readers(w)["public"]
    page = w[(SMALL, False)]
    Page.objects.filter(pk=w["policy"].pk).update(live=False)

    assert client.get(path_of(page)).status_code == 200
    assert client.get(path_of(w["policy"])).status_code == 404
    assert client.get(path_of(page) + "finns-inte/").status_code == 404


def test_a_restricted_document_is_not_found_outside_its_group(w):
    readers = _readers(w)
    restricted = w["targets"][2]

    assert readers["employee"].get(path_of(restricted)).status_code == 404
    assert readers["public"].get(path_of(restricted)).status_code == 404
    assert readers["member"].get(path_of(restricted)).status_code == 200
    assert readers["superuser"].get(path_of(restricted)).status_code == 200


def test_document_shown_agrees_with_for_channel(w):
    """The in-memory rule and the queryset give the same answer for every document, channel and
    reader, live or not (policies.visibility.document_shown)."""
    Page.objects.filter(pk=w["targets"][3].pk).update(live=False)
    inactive = make_user("slutat", is_active=False)
    inactive.groups.add(w["group"])
    readers = [None, make_user("medarbetare2"), w["member"], inactive]
    readers.append(make_user("superadmin2", superuser=True))
    documents = list(Styrdokument.objects.all())
    for channel in (PUBLIC, INTRANET):
        for user in readers:
            expected = set(
                Styrdokument.objects.for_channel(channel, user).values_list("pk", flat=True)
            )
            shown = {doc.pk for doc in documents if document_shown(doc, channel, user)}
            assert shown == expected, (channel, user)
