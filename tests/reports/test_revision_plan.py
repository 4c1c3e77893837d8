"""The Revisionsplan report and the review panels on the dashboard, as their users see them."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.constants import OrganisationKind
from governance.models import Organisation
from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from tests.factories import (
    get_body,
    make_live_document,
    make_organisation,
    make_user,
    update_settings,
)
from tests.governance.workflow_helpers import (
    build_people,
    client_for,
    name_of,
    panel,
    people_from,
    soup,
    start,
    text_of,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REPORT = "/admin/rapporter/revisionsplan/"
RESULTS = "/admin/rapporter/revisionsplan/resultat/"
MY_REVIEWS = "mina-revisioner-rubrik"
OVERDUE = "forsenade-rubrik"
HEADINGS = [
    "Dokument",
    "Dokumenttyp",
    "Revideras senast",
    "Status",
    "Dokumentansvarig",
    "Förvaltning",
    "Beslutande organ",
    "Senast aktualitetsprövad",
]


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def document(title, next_review, page_class=RiktlinjePage, **fields):
    """A live document due for review on `next_review` (set after validation, as time passes)."""
    system = {
        name: fields.pop(name)
        for name in ("review_flagged_at", "review_flag_note", "last_reviewed")
        if name in fields
    }
    page = make_live_document(page_class, title=title, **fields)
    Styrdokument.objects.filter(pk=page.pk).update(next_review=next_review, **system)
    return page


def put_under_revision(page, user):
    """A draft of the next version submitted to the deciding body's workflow."""
    page = Styrdokument.objects.get(pk=page.pk).specific
    page.save_revision(user=user)
    start(page, user)


def report_table(response):
    assert response.status_code == 200
    table = soup(response).select_one("table.revision-plan")
    if table is None:
        return None, []
    headings = [text_of(th) for th in table.select("thead th")]
    rows = [
        [text_of(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr")
    ]
    return headings, rows


def report_rows(response):
    return report_table(response)[1]


def titles(response):
    return [row[0] for row in report_rows(response)]


def build_world():
    """The people of the `people` fixture, a former owner and the units to file documents
    under, once for the module: their primary keys."""
    social = make_organisation("Socialförvaltningen")
    units = {
        "social": social,
        "kontor": make_organisation(
            "Utredningskontoret", kind=OrganisationKind.KONTOR, parent=social
        ),
        "kultur": make_organisation("Kultur- och fritidsförvaltningen"),
    }
    former = make_user("slutat", first_name="Sven", last_name="Slutat", is_active=False)
    return {
        "people": build_people(),
        "units": {name: unit.pk for name, unit in units.items()},
        "former_owner": former.pk,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def people(world, db):
    """Everyone, read again for this test; the mail outbox emptied as the shared fixture does."""
    mail.outbox.clear()
    return people_from(world["people"])


@pytest.fixture
def agare(people):
    return people.agare


@pytest.fixture
def units(world, db):
    return {name: Organisation.objects.get(pk=pk) for name, pk in world["units"].items()}


def build_plan(world):
    """One document in each status, with owners, units and bodies to filter on: {status: pk}.

    The riktlinje under revision is submitted to Kommunstyrelsen's workflow, so its steps need
    someone other than the submitter: the samordnare (Granskning), the kommundirektör (förslag)
    and a nämndsekreterare (KS-beslut); without them the submission is refused.
    """
    people = people_from(world["people"])
    units = {name: Organisation.objects.get(pk=pk) for name, pk in world["units"].items()}
    former_owner = get_user_model().objects.get(pk=world["former_owner"])
    agare, redaktor2 = people.agare, people.redaktor2
    docs = {
        "forsenad": document(
            "Försenad riktlinje",
            in_days(-10),
            responsible=agare,
            organisation=units["social"],
        ),
        "snart": document(
            "Snart riktlinje",
            in_days(20),
            responsible=agare,
            organisation=units["kontor"],
        ),
        "under-revision": document(
            "Riktlinje under revision",
            in_days(40),
            responsible=redaktor2,
            organisation=units["kultur"],
        ),
        "aktuell": document(
            "Aktuell rutin",
            in_days(200),
            page_class=RutinPage,
            decision_body=get_body("kommundirektor"),
            responsible=redaktor2,
            last_reviewed=in_days(-100),
            review_flagged_at=timezone.now(),
            review_flag_note="Informationssäkerhetspolicyn har ändrats.",
        ),
        "saknar-agare": document("Ägarlös riktlinje", in_days(100)),
        "inaktiv": document("Riktlinje med slutad ägare", None, responsible=former_owner),
    }
    put_under_revision(docs["under-revision"], redaktor2)
    return {status: page.pk for status, page in docs.items()}


@pytest.fixture(scope="class")
def plan_pks(world, django_db_blocker):
    """The plan, built once for the class that reads it (on top of the module's world) and
    rolled back after the class's last test; the module's other tests start without it."""
    yield from build_once(django_db_blocker, build_plan, world)


@pytest.fixture
def plan(plan_pks, db):
    """{status: page}, read again from the database for each test."""
    return {status: Styrdokument.objects.get(pk=pk).specific for status, pk in plan_pks.items()}


# -- the report ----------------------------------------------------------------------------


def _filters(people, units):
    return [
        ({"status": "forsenad"}, ["Försenad riktlinje"]),
        ({"status": "snart"}, ["Snart riktlinje"]),
        ({"status": "under-revision"}, ["Riktlinje under revision"]),
        ({"status": "aktuell"}, ["Aktuell rutin"]),
        ({"status": "saknar-agare"}, ["Ägarlös riktlinje", "Riktlinje med slutad ägare"]),
        ({"flagged": "ja"}, ["Aktuell rutin"]),
        (
            {"flagged": "nej"},
            [
                "Försenad riktlinje",
                "Snart riktlinje",
                "Riktlinje under revision",
                "Ägarlös riktlinje",
                "Riktlinje med slutad ägare",
            ],
        ),
        ({"decision_body": get_body("kommundirektor").pk}, ["Aktuell rutin"]),
        ({"decision_body": get_body("kf").pk}, []),
        # A förvaltning includes its kontor.
        ({"organisation": units["social"].pk}, ["Försenad riktlinje", "Snart riktlinje"]),
        ({"organisation": units["kontor"].pk}, ["Snart riktlinje"]),
        ({"organisation": units["kultur"].pk}, ["Riktlinje under revision"]),
        (
            {"organisation": "null"},
            ["Ägarlös riktlinje", "Aktuell rutin", "Riktlinje med slutad ägare"],
        ),
        ({"responsible": people.agare.pk}, ["Försenad riktlinje", "Snart riktlinje"]),
        ({"responsible": people.redaktor2.pk}, ["Riktlinje under revision", "Aktuell rutin"]),
        ({"document_type": "rutin"}, ["Aktuell rutin"]),
        ({"document_type": "policy"}, []),
        (
            {"next_review_from": str(in_days(0)), "next_review_to": str(in_days(100))},
            ["Snart riktlinje", "Riktlinje under revision", "Ägarlös riktlinje"],
        ),
        ({"next_review_to": str(in_days(-1))}, ["Försenad riktlinje"]),
        ({"next_review_from": str(in_days(150))}, ["Aktuell rutin"]),
        ({"status": "saknar-agare", "next_review_to": str(in_days(365))}, ["Ägarlös riktlinje"]),
        ({"responsible": people.agare.pk, "status": "snart"}, ["Snart riktlinje"]),
    ]


def test_the_export_holds_every_row_not_just_the_first_page(people, agare):
    for n in range(55):
        document(f"Dokument {n:02d}", in_days(n + 1), responsible=agare)

    client = client_for(people.redaktor)
    assert len(report_rows(client.get(REPORT))) == 50
    response = client.get(REPORT, {"export": "csv"})

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(content), delimiter=";"))) == 1 + 55


class TestThePlan:
    """The report on the plan's six documents, built once for this class."""

    def test_every_status_is_listed_with_its_label_in_due_order(self, people, plan):
        response = client_for(people.redaktor).get(REPORT)

        headings, rows = report_table(response)
        assert headings == HEADINGS
        kd = get_body("kommundirektor").name
        ks = get_body("ks").name
        assert rows == [
            [
                "Försenad riktlinje",
                "Riktlinje",
                str(in_days(-10)),
                "Försenad",
                name_of(people.agare),
                "Socialförvaltningen",
                ks,
                "–",
            ],
            [
                "Snart riktlinje",
                "Riktlinje",
                str(in_days(20)),
                "Revision inom 60 dagar",
                name_of(people.agare),
                "Utredningskontoret",
                ks,
                "–",
            ],
            [
                "Riktlinje under revision",
                "Riktlinje",
                str(in_days(40)),
                "Under revision",
                name_of(people.redaktor2),
                "Kultur- och fritidsförvaltningen",
                ks,
                "–",
            ],
            [
                "Ägarlös riktlinje",
                "Riktlinje",
                str(in_days(100)),
                "Saknar ägare",
                "–",
                "Kommungemensam",
                ks,
                "–",
            ],
            [
                "Aktuell rutin",
                "Rutin",
                str(in_days(200)),
                "Aktuell Översyn behövs Informationssäkerhetspolicyn har ändrats.",
                name_of(people.redaktor2),
                "Kommungemensam",
                kd,
                str(in_days(-100)),
            ],
            # No date: last, and an owner who has left counts as none.
            [
                "Riktlinje med slutad ägare",
                "Riktlinje",
                "–",
                "Saknar ägare",
                "Sven Slutat (inaktiv)",
                "Kommungemensam",
                ks,
                "–",
            ],
        ]

    def test_each_title_leads_to_the_documents_review_page(self, people, plan):
        response = client_for(people.redaktor).get(REPORT)

        link = soup(response).select_one("table.revision-plan tbody tr a")
        assert text_of(link) == "Försenad riktlinje"
        assert link["href"] == f"/admin/revision/{plan['forsenad'].pk}/"

    def test_the_soon_label_follows_the_configured_warning_days(self, people, plan):
        update_settings(review_warning_days=30)

        response = client_for(people.redaktor).get(REPORT)

        statuses = {row[0]: row[3] for row in report_rows(response)}
        assert statuses["Snart riktlinje"] == "Revision inom 30 dagar"
        options = [text_of(o) for o in soup(response).select("select[name=status] option")]
        assert options == [
            "Alla",
            "Aktuell",
            "Revision inom 30 dagar",
            "Försenad",
            "Under revision",
            "Saknar ägare",
        ]

    def test_the_filters_narrow_the_plan(self, people, plan, units):
        client = client_for(people.redaktor)
        for query, expected in _filters(people, units):
            for url in (REPORT, RESULTS):
                response = client.get(url, query)

                assert titles(response) == expected, (url, query)
                if not expected:
                    assert "Inga dokument matchar filtret." in response.content.decode(), query

    def test_the_owner_filter_offers_the_people_who_answer_for_documents(self, people, plan):
        response = client_for(people.redaktor).get(REPORT)

        options = [text_of(o) for o in soup(response).select("select[name=responsible] option")]
        # Only people who answer for a document; one who has left is marked.
        assert options == ["Alla", "Olle Skribent", "Sven Slutat (inaktiv)", "Åsa Ägare"]

    @pytest.mark.parametrize(
        "query",
        [
            {"status": "okänd"},
            {"flagged": "kanske"},
            {"decision_body": "abc"},
            {"decision_body": "999999"},
            {"decision_body": "99999999999999999999999"},
            {"organisation": "-1"},
            {"responsible": "x"},
            {"document_type": "roman"},
            {"next_review_from": "2025-13-45"},
            {"next_review_to": "igår"},
            {"page": "abc"},
            {"page": "999"},
            {"ordering": "drop table"},
            {"export": "pdf"},
        ],
    )
    def test_bad_filter_values_show_the_plan_instead_of_failing(self, people, plan, query):
        client = client_for(people.redaktor)
        for url in (REPORT, RESULTS):
            response = client.get(url, query)

            assert response.status_code == 200, (url, query)
            assert len(report_rows(response)) == len(plan), (url, query)

    def test_the_plan_exports_csv_with_swedish_headings_and_readable_values(self, people, plan):
        with time_machine.travel(timezone.now(), tick=False):
            today = timezone.localdate()
            response = client_for(people.redaktor).get(
                REPORT, {"export": "csv", "responsible": people.redaktor2.pk}
            )

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"] == (
            f'attachment; filename="revisionsplan-{today:%Y-%m-%d}.csv"'
        )
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content), delimiter=";"))
        assert rows == [
            [
                "Dokument",
                "Dokumenttyp",
                "Revideras senast",
                "Status",
                "Översyn behövs",
                "Dokumentansvarig",
                "Förvaltning",
                "Beslutande organ",
                "Senast aktualitetsprövad",
                "LIX (läsbarhetsindex)",
            ],
            [
                "Riktlinje under revision",
                "Riktlinje",
                in_days(40).isoformat(),
                "Under revision",
                "Nej",
                "Olle Skribent",
                "Kultur- och fritidsförvaltningen",
                get_body("ks").name,
                "",
                "",
            ],
            [
                "Aktuell rutin",
                "Rutin",
                in_days(200).isoformat(),
                "Aktuell",
                "Ja",
                "Olle Skribent",
                "Kommungemensam",
                get_body("kommundirektor").name,
                in_days(-100).isoformat(),
                "",
            ],
        ]

    def test_the_plan_exports_xlsx(self, people, plan):
        with time_machine.travel(timezone.now(), tick=False):
            today = timezone.localdate()
            response = client_for(people.redaktor).get(
                REPORT, {"export": "xlsx", "status": "forsenad"}
            )

        assert response.status_code == 200
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert f'filename="revisionsplan-{today:%Y-%m-%d}.xlsx"' in response["Content-Disposition"]
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        assert values == [
            [
                "Dokument",
                "Dokumenttyp",
                "Revideras senast",
                "Status",
                "Översyn behövs",
                "Dokumentansvarig",
                "Förvaltning",
                "Beslutande organ",
                "Senast aktualitetsprövad",
                "LIX (läsbarhetsindex)",
            ],
            [
                "Försenad riktlinje",
                "Riktlinje",
                # A real date cell, so the spreadsheet sorts and filters on it.
                in_days(-10),
                "Försenad",
                "Nej",
                name_of(people.agare),
                "Socialförvaltningen",
                get_body("ks").name,
                None,
                None,
            ],
        ]

    def test_restricted_documents_are_only_listed_for_their_groups(self, people, plan):
        hr = Group.objects.create(name="HR")
        document(
            "Riktlinje för HR",
            in_days(-5),
            responsible=people.agare,
            publicity=Publicity.INTERNAL,
            restricted_to=[hr],
        )
        insider = make_user("hr-redaktor", groups=["Redaktörer"])
        insider.groups.add(hr)

        outsider_view = client_for(people.redaktor).get(REPORT)
        assert "Riktlinje för HR" not in titles(outsider_view)
        outsider_csv = client_for(people.samordnare).get(REPORT, {"export": "csv"})
        assert "Riktlinje för HR" not in b"".join(outsider_csv.streaming_content).decode()
        assert "Riktlinje för HR" in titles(client_for(insider).get(REPORT))
        assert "Riktlinje för HR" in titles(client_for(people.admin).get(REPORT))

    @pytest.mark.parametrize(
        "who", ["redaktor", "samordnare", "kommundirektor", "sekreterare", "agare", "admin"]
    )
    def test_everyone_in_the_admin_may_read_the_plan(self, people, plan, who):
        response = client_for(people[who]).get(REPORT)

        assert response.status_code == 200
        assert "Revisionsplan" in text_of(soup(response).select_one("h1"))

    def test_staff_without_admin_access_are_turned_away(self, staff_user, plan):
        for url, query in ((REPORT, {}), (RESULTS, {}), (REPORT, {"export": "csv"})):
            response = client_for(staff_user).get(url, query)

            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/"), url

    def test_anonymous_visitors_are_sent_to_log_in(self, plan):
        response = client_for(None).get(REPORT)

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def _queries(client, url, query=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


def _add_documents(count, units, offset=0):
    for n in range(count):
        owner = make_user(f"agare-{offset + n}", first_name="Ägare", last_name=str(offset + n))
        document(
            f"Massdokument {offset + n:02d}",
            in_days(n - 5),
            responsible=owner,
            organisation=units["social"] if n % 2 else units["kultur"],
        )


@pytest.mark.parametrize(
    "url,query",
    [(REPORT, None), (RESULTS, {"status": "forsenad"}), (REPORT, {"export": "csv"})],
)
def test_the_number_of_queries_does_not_grow_with_the_documents(people, units, url, query):
    client = client_for(people.redaktor)
    _add_documents(3, units)
    client.get(REPORT)  # warm up (session, content types)
    few = _queries(client, url, query)

    _add_documents(27, units, offset=3)
    assert len(report_rows(client.get(REPORT))) == 30
    many = _queries(client, url, query)

    assert many == few


# -- the dashboard panels --------------------------------------------------------------------


def dashboard_panel(user, heading_id):
    response = client_for(user).get("/admin/")
    assert response.status_code == 200
    return panel(response, heading_id)


def plain(node):
    """Text as read aloud: inline elements (such as a visually hidden suffix) run together."""
    return " ".join(node.get_text().split())


def panel_rows(section):
    return [[plain(cell) for cell in row.select("td")] for row in section.select("tbody tr")]


def test_the_samordnare_panel_lists_the_twenty_most_overdue(people, agare):
    for n in range(25):
        document(f"Försenad {n:02d}", in_days(-(n + 1)), responsible=agare)

    section = dashboard_panel(people.samordnare, OVERDUE)

    rows = panel_rows(section)
    assert [row[0] for row in rows] == [f"Försenad {n:02d}" for n in range(24, 4, -1)]
    assert [row[2] for row in rows[:2]] == ["25", "24"]
    assert "Försenade: 25 dokument." in text_of(section)
    assert "Visar de 20 mest försenade av 25." in text_of(section)


class TestThePanelsOnThePlan:
    """The dashboard panels on the plan's six documents, built once for this class."""

    def test_the_owner_sees_their_documents_due_for_review(self, people, plan):
        section = dashboard_panel(people.agare, MY_REVIEWS)

        assert section is not None
        assert text_of(section.find("h2")) == "Mina dokument att revidera"
        assert panel_rows(section) == [
            [
                "Försenad riktlinje",
                str(in_days(-10)),
                "Försenad",
                "Påbörja revision: Försenad riktlinje",
            ],
            [
                "Snart riktlinje",
                str(in_days(20)),
                "Revision inom 60 dagar",
                "Påbörja revision: Snart riktlinje",
            ],
        ]
        links = [a["href"] for a in section.select("tbody a")]
        forsenad, snart = plan["forsenad"].pk, plan["snart"].pk
        assert links == [
            f"/admin/revision/{forsenad}/",
            f"/admin/revision/{forsenad}/paborja/",
            f"/admin/revision/{snart}/",
            f"/admin/revision/{snart}/paborja/",
        ]

    def test_the_owner_sees_flagged_and_running_revisions_but_cannot_start_a_second(
        self, people, plan
    ):
        section = dashboard_panel(people.redaktor2, MY_REVIEWS)

        assert panel_rows(section) == [
            ["Riktlinje under revision", str(in_days(40)), "Under revision", ""],
            [
                "Aktuell rutin",
                str(in_days(200)),
                "Aktuell Översyn behövs",
                "Påbörja revision: Aktuell rutin",
            ],
        ]
        assert f"/admin/revision/{plan['under-revision'].pk}/paborja/" not in str(section)

    def test_the_review_panel_is_left_out_when_nothing_is_due(self, people, plan):
        document("Nyss beslutad riktlinje", in_days(300), responsible=people.samordnare)

        assert dashboard_panel(people.samordnare, MY_REVIEWS) is None
        assert dashboard_panel(people.redaktor, MY_REVIEWS) is None

    def test_the_samordnare_sees_overdue_and_ownerless_documents(self, people, plan):
        section = dashboard_panel(people.samordnare, OVERDUE)

        assert section is not None
        assert text_of(section.find("h2")) == "Försenade och ägarlösa"
        text = text_of(section)
        assert "Försenade: 1 dokument." in text
        assert "Saknar ägare: 2 dokument." in text
        assert panel_rows(section) == [
            [
                "Försenad riktlinje",
                str(in_days(-10)),
                "10",
                "Försenad",
                name_of(people.agare),
                "Socialförvaltningen",
            ],
            ["Ägarlös riktlinje", str(in_days(100)), "–", "Saknar ägare", "–", "Kommungemensam"],
            [
                "Riktlinje med slutad ägare",
                "–",
                "–",
                "Saknar ägare",
                "Sven Slutat (inaktiv)",
                "Kommungemensam",
            ],
        ]

    def test_the_samordnare_panel_links_to_the_plan_filtered_alike(self, people, plan):
        section = dashboard_panel(people.samordnare, OVERDUE)
        client = client_for(people.samordnare)

        overdue = section.find("a", string="Visa försenade i revisionsplanen")
        assert titles(client.get(overdue["href"])) == ["Försenad riktlinje"]
        ownerless = section.find("a", string="Visa ägarlösa i revisionsplanen")
        assert ownerless["href"] == f"{REPORT}?status=saknar-agare"
        assert titles(client.get(ownerless["href"])) == [
            "Ägarlös riktlinje",
            "Riktlinje med slutad ägare",
        ]

    def test_only_the_samordnare_and_administrators_see_the_overdue_panel(self, people, plan):
        assert dashboard_panel(people.admin, OVERDUE) is not None
        assert dashboard_panel(people.samordnare, OVERDUE) is not None
        for who in ("redaktor", "agare", "kommundirektor", "sekreterare"):
            assert dashboard_panel(people[who], OVERDUE) is None, who


def test_the_overdue_panel_is_left_out_when_all_is_in_order(people, agare):
    document("I tid", in_days(30), responsible=agare)

    assert dashboard_panel(people.samordnare, OVERDUE) is None


def test_the_overdue_panel_hides_restricted_documents_from_outsiders(people):
    hr = Group.objects.create(name="HR")
    # A restricted document's owner is one of its readers (policies.rules.owner_may_read).
    people.agare.groups.add(hr)
    document(
        "Försenad HR-riktlinje",
        in_days(-3),
        responsible=people.agare,
        publicity=Publicity.INTERNAL,
        restricted_to=[hr],
    )

    assert dashboard_panel(people.samordnare, OVERDUE) is None
    section = dashboard_panel(people.admin, OVERDUE)
    assert [row[0] for row in panel_rows(section)] == ["Försenad HR-riktlinje"]
    # Its owner, a member, answers for it.
    owner_panel = dashboard_panel(people.agare, MY_REVIEWS)
    assert [row[0] for row in panel_rows(owner_panel)] == ["Försenad HR-riktlinje"]


@pytest.mark.parametrize("who", ["samordnare", "agare"])
def test_the_panels_cost_the_same_queries_however_many_documents(people, units, who):
    user = people[who]
    client = client_for(user)
    for n in range(3):
        document(f"Egen {n}", in_days(n - 1), responsible=people.agare)
    _add_documents(3, units)
    heading = MY_REVIEWS if who == "agare" else OVERDUE
    assert dashboard_panel(user, heading) is not None
    few = _queries(client, "/admin/")

    for n in range(3, 30):
        document(f"Egen {n}", in_days(n - 20), responsible=people.agare)
    _add_documents(27, units, offset=3)
    assert len(panel_rows(dashboard_panel(user, heading))) == 20
    many = _queries(client, "/admin/")

    assert many == few
