"""Årlig genomgång: the yearly review's figures against a register where the answers are known,
the admin page and the PDF as their readers see them, bad periods, and who may see the report.

The dataset (fixture `register_2025`) is built on 2025-12-15 for the period 2025; the comments
next to each document say where it must show up.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import QuerySet
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from governance.constants import DocumentType
from governance.models import Assignment
from governance.record_guard import maintenance
from policies.models import (
    PolicyPage,
    Publicity,
    RequiredDocument,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)
from policies.pdf import RenderedPdf
from reports import tasks as report_tasks
from reports.annual_report import AUDIT_RULES, build_report
from reports.annual_report_views import default_period
from revision.review import confirm_unchanged
from tests.factories import (
    adopt_new_version,
    get_body,
    get_lis_area,
    get_role,
    make_document,
    make_kommun,
    make_live_document,
    make_user,
    update_settings,
)
from tests.governance.workflow_helpers import (
    client_for,
    is_refused,
    last_message,
    soup,
    start,
    text_of,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 12, 15, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
START = datetime.date(2025, 1, 1)
END = datetime.date(2025, 12, 31)
REPORT = "/admin/rapporter/arlig-genomgang/"
PDF = "/admin/rapporter/arlig-genomgang/pdf/"
PERIOD = {"fran": "2025-01-01", "till": "2025-12-31"}
TITLE = "Årlig genomgång av styrdokument och informationssäkerhetsarbetet"

OWNER = "Åsa Ägare"
GONE = "Sven Slutat (inaktiv)"


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def decided(page, action, date, body, paragraph=None, dnr="", user=None):
    """A decision as the workflow logs it (governance.workflows.log_step)."""
    data = {"action": action, "body": body, "paragraph": paragraph, "diarienummer": dnr}
    if date is not None:
        data["decision_date"] = date
    return log(instance=page, action=action, user=user, data=data)


def build_register(agare, former_owner, samordnare, admin, sekreterare):
    """The register on 2025-12-15. Statuses below are as of that day (60 days' warning)."""
    lis = {n: get_lis_area(n) for n in range(1, 11)}
    secret_group = Group.objects.create(name="Säkerhetsskydd")
    ks, kf, kd = get_body("ks"), get_body("kf"), get_body("kommundirektor")
    Assignment.objects.create(
        user=samordnare,
        role=get_role("informationssakerhetssamordnare"),
        organisation=make_kommun(),
    )
    docs = {}
    # Policy, aktuell (next 2026-03-10); LIS 1, 2; requires four documents.
    docs["policy"] = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        document_type=DocumentType.POLICY,
        decision_body=kf,
        decision_date=d("2025-03-10"),
        protocol_paragraph=15,
        diarienummer="KS-2025-10",
        responsible=agare,
        lis_areas=[lis[1], lis[2]],
    )
    # Riktlinje, aktuell (2026-05-20); LIS 1; meets requirement 1.
    docs["organisation"] = make_live_document(
        RiktlinjePage,
        title="Riktlinje för informationssäkerhetsorganisation",
        decision_body=ks,
        decision_date=d("2025-05-20"),
        diarienummer="KS-2025-100",
        responsible=agare,
        lis_areas=[lis[1]],
    )
    # Riktlinje, försenad (2024-10-01); LIS 5; meets requirement 2 but is not current.
    docs["klassning"] = make_live_document(
        RiktlinjePage,
        title="Riktlinje för informationsklassning",
        decision_body=ks,
        decision_date=d("2023-10-01"),
        diarienummer="KS-2023-5",
        responsible=agare,
        lis_areas=[lis[5]],
    )
    # Rutin, draft never adopted; LIS 6; linked from requirement 3. Not in the register.
    docs["incident"] = make_document(
        RutinPage,
        parent=docs["organisation"],
        publish=False,
        title="Rutin för incidenthantering",
        document_type=DocumentType.RUTIN,
        decision_body=kd,
        responsible=agare,
        lis_areas=[lis[6]],
    )
    # Riktlinje decided 2024-06-01 (due 2025-06-01), aktualitetsprövad 2025-06-10: aktuell.
    docs["kontinuitet"] = make_live_document(
        RiktlinjePage,
        title="Riktlinje för kontinuitet",
        decision_body=ks,
        decision_date=d("2024-06-01"),
        diarienummer="KS-2024-70",
        responsible=agare,
        lis_areas=[lis[7]],
    )
    # Riktlinje, revision snart (2026-01-15); LIS 8.
    docs["utbildning"] = make_live_document(
        RiktlinjePage,
        title="Riktlinje för medvetenhet och utbildning",
        decision_body=ks,
        decision_date=d("2025-01-15"),
        diarienummer="KS-2025-5",
        responsible=agare,
        lis_areas=[lis[8]],
    )
    # Riktlinje 1.0 (2024-04-01) revised as 2.0 on 2025-04-02: a revision in the period; LIS 4.
    docs["behorighet"] = make_document(
        RiktlinjePage,
        title="Riktlinje för behörighetshantering",
        decision_body=ks,
        decision_date=d("2024-04-01"),
        diarienummer="KS-2024-20",
        responsible=agare,
        lis_areas=[lis[4]],
    )
    docs["behorighet"] = adopt_new_version(
        docs["behorighet"],
        decision_date=d("2025-04-02"),
        version="2.0",
        diarienummer="KS-2025-50",
        protocol_paragraph=40,
    )
    # Riktlinje restricted to a group, aktuell (2026-09-15); LIS 10. Only the superuser sees it.
    docs["sakerhetsskydd"] = make_live_document(
        RiktlinjePage,
        title="Riktlinje för säkerhetsskydd",
        decision_body=ks,
        decision_date=d("2025-09-15"),
        diarienummer="KS-2025-300",
        responsible=agare,
        publicity=Publicity.INTERNAL,
        restricted_to=[secret_group],
        lis_areas=[lis[10]],
    )
    # Rutin, försenad (2025-12-01, due in the period) and its owner has left: Saknar ägare.
    docs["risk"] = make_live_document(
        RutinPage,
        parent=docs["organisation"],
        title="Rutin för riskanalys",
        decision_body=kd,
        decision_date=d("2024-12-01"),
        diarienummer="KS-2024-90",
        responsible=former_owner,
        lis_areas=[lis[4]],
    )
    # Rutin in a workflow: Under revision (dates say aktuell, 2026-09-01).
    docs["loggning"] = make_live_document(
        RutinPage,
        parent=docs["organisation"],
        title="Rutin för loggning",
        decision_body=kd,
        decision_date=d("2025-09-01"),
        diarienummer="KS-2025-200",
        responsible=agare,
    )
    # Rutin, revision snart (2025-12-20, due in the period but not yet overdue); LIS 7.
    docs["backup"] = make_live_document(
        RutinPage,
        parent=docs["organisation"],
        title="Rutin för säkerhetskopiering",
        decision_body=kd,
        decision_date=d("2024-12-20"),
        diarienummer="KS-2024-95",
        responsible=agare,
        lis_areas=[lis[7]],
    )
    # Stödanvisning without any owner: Saknar ägare, but current by its dates (2026-08-20); LIS 5.
    docs["klassningsstod"] = make_live_document(
        StodanvisningPage,
        parent=docs["klassning"],
        title="Stödanvisning för klassning",
        decision_body=kd,
        decision_date=d("2025-08-20"),
        diarienummer="KS-2025-250",
        lis_areas=[lis[5]],
    )

    for order, (title, doc_type, area, document) in enumerate(
        [
            ("Riktlinje om organisation och ansvar", "riktlinje", 1, docs["organisation"]),
            ("Riktlinje om klassning av information", "riktlinje", 5, docs["klassning"]),
            ("Rutin för att rapportera incidenter", "rutin", 6, docs["incident"]),
            ("Riktlinje om säkerhet vid upphandling", "riktlinje", 9, None),
        ]
    ):
        RequiredDocument.objects.create(
            policy=docs["policy"],
            sort_order=order,
            title=title,
            document_type=doc_type,
            lis_area=lis[area],
            document=document,
        )

    # Decisions: eight in the period (one on the restricted document), three outside it.
    # make_document/adopt_new_version record their decisions as the workflow does: KF adopted
    # the policy on 2025-03-10 (§ 15, KS-2025-10) and KS the behörighet riktlinje 1.0 on
    # 2024-04-01 (outside) and 2.0 on 2025-04-02 (§ 40, KS-2025-50). The rest are logged here.
    decided(docs["policy"], "governance.proposed", "2025-02-10", ks.name, 20, "KS-2025-10")
    decided(docs["organisation"], "governance.decided", "2025-05-20", ks.name, 88, "KS-2025-100")
    confirm_unchanged(
        docs["kontinuitet"],
        admin,
        body=ks,
        decision_date=d("2025-06-10"),
        paragraph=150,
        diarienummer="KS-2025-150",
    )
    no_date = decided(docs["klassningsstod"], "governance.decided", None, kd.name)
    with maintenance():  # past the record guard
        QuerySet(PageLogEntry).filter(pk=no_date.pk).update(
            timestamp=datetime.datetime(2025, 8, 20, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
        )
    decided(docs["sakerhetsskydd"], "governance.decided", "2025-09-15", ks.name, 120, "KS-2025-300")
    decided(docs["incident"], "governance.returned", "2025-10-20", ks.name, 170, "KS-2025-400")
    # Outside: decided 2023 (logged today); decided 2024-12-01 (logged then).
    decided(docs["klassning"], "governance.decided", "2023-10-01", ks.name, 99, "KS-2023-5")
    old = decided(docs["risk"], "governance.decided", "2024-12-01", kd.name, None, "KS-2024-90")
    with maintenance():  # past the record guard
        QuerySet(PageLogEntry).filter(pk=old.pk).update(
            timestamp=datetime.datetime(2024, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
        )
    # Not a decision: a submission in the period.
    log(instance=docs["organisation"], action="governance.submitted", data={})

    # The loggning rutin's next version is in the kommundirektör's workflow (whose steps must
    # have someone to act on them, or submitting is refused).
    kd.official = make_user("kd-arsrapport", first_name="Karin", last_name="Direktör")
    kd.save(update_fields=["official"])
    make_user("granskare-arsrapport").groups.add(
        Group.objects.get(name="Informationssäkerhetssamordnare")
    )
    docs["loggning"].save_revision(user=agare)
    start(docs["loggning"], agare)
    return docs


# The people build_register needs, as the fixtures of the same names make them.
REGISTER_PEOPLE = {
    "agare": ("Åsa", "Ägare", ["Dokumentansvariga"], False),
    "slutat": ("Sven", "Slutat", [], False),
    "samordnare": ("Sara", "Samordnare", ["Informationssäkerhetssamordnare"], False),
    "admin": ("Ada", "Admin", [], True),
    "sekreterare": ("Nils", "Sekreterare", ["Nämndsekreterare"], False),
}


def build_register_2025():
    """build_register with its people, on 2025-12-15: {"people": {username: pk}, "docs":
    {name: pk}}."""
    with time_machine.travel(NOW, tick=False):
        people = {
            username: make_user(
                username,
                groups=groups,
                superuser=superuser,
                first_name=first,
                last_name=last,
                is_active=username != "slutat",
            )
            for username, (first, last, groups, superuser) in REGISTER_PEOPLE.items()
        }
        docs = build_register(
            people["agare"],
            people["slutat"],
            people["samordnare"],
            people["admin"],
            people["sekreterare"],
        )
    return {
        "people": {username: user.pk for username, user in people.items()},
        "docs": {name: page.pk for name, page in docs.items()},
    }


@pytest.fixture(scope="class")
def register_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """build_register_2025 once for the class that reads it, rolled back after its last test;
    the archival PDFs rendered while building stay in a folder of the class's own."""
    folder = tmp_path_factory.mktemp("annual_report")
    with override_settings(STYRDOK_ARCHIVE_ROOT=folder / "arkiv"):
        yield from build_once(django_db_blocker, build_register_2025)


def report_for(user):
    return build_report(START, END, user=user)


# -- the figures ---------------------------------------------------------------------------


def counts(report):
    return {
        row.document_type: {c.status: c.count for c in row.counts if c.count} | {"": row.total}
        for row in report.type_rows
    }


def coverage(report):
    return {area.number: [doc.title for doc in area.documents] for area in report.lis_coverage}


def answers(report):
    return {
        q.number: (
            [f"{item.kind}: {item.text}" for item in q.evidence],
            q.missing,
        )
        for q in report.audit_questions
    }


POLICY_ITEM = "Dokument: Informationssäkerhetspolicy (Policy, Kommunfullmäktige, 2025-03-10)"
OVERDUE_KLASSNING = (
    "Revisionen är försenad: Riktlinje för informationsklassning (revideras senast "
    "2024-10-01, Åsa Ägare)."
)
OVERDUE_RISK = (
    "Revisionen är försenad: Rutin för riskanalys (revideras senast 2025-12-01, "
    "Sven Slutat (inaktiv))."
)
REVISION_ITEM = (
    "Prövning: 2025-04-02 Revision: Riktlinje för behörighetshantering "
    "(Version 2.0 ersatte version 1.0)"
)
REVIEW_ITEM = (
    "Prövning: 2025-06-10 Aktualitetsprövning: Riktlinje för kontinuitet "
    "(Granskad utan ändringar av Kommunstyrelsen)"
)


def test_empty_register_still_answers_every_question(db):
    report = build_report(START, END)
    assert report.headline.total_documents == 0
    assert report.headline.current_share == 0
    assert len(report.audit_questions) == len(AUDIT_RULES) == 8
    for question in report.audit_questions:
        assert question.evidence or question.missing, question.question
    assert answers(report)[1][1] == ["Ingen aktuell fastställd policy eller program."]
    assert answers(report)[2][1][0] == "Ingen utsedd informationssäkerhetssamordnare."
    assert "Inga beslut av Kommunstyrelsen om styrdokument under perioden." in answers(report)[8][1]


# -- the admin page ------------------------------------------------------------------------


def section(response, heading_id):
    heading = soup(response).find(id=heading_id)
    assert heading is not None, heading_id
    return heading.find_parent("section")


def table_rows(node):
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in node.select("tr")]


def test_default_period():
    assert default_period(d("2026-02-10")) == (d("2025-01-01"), d("2025-12-31"))
    assert default_period(d("2026-01-01")) == (d("2025-01-01"), d("2025-12-31"))
    assert default_period(d("2026-03-01")) == (d("2026-01-01"), d("2026-03-01"))
    assert default_period(d("2026-11-23")) == (d("2026-01-01"), d("2026-11-23"))


def test_menu_item_under_reports(samordnare, redaktor):
    # The menu is sent to the sidebar as JSON; the item's address is what shows it is there.
    response = client_for(samordnare).get("/admin/")
    assert REPORT in response.content.decode()
    response = client_for(redaktor).get("/admin/")
    assert REPORT not in response.content.decode()


# -- bad input -------------------------------------------------------------------------------

BAD_PERIODS = [
    ({"fran": "2025-13-01", "till": "2025-12-31"}, "Ange ett giltigt datum"),
    ({"fran": "inte ett datum", "till": "2025-12-31"}, "Ange ett giltigt datum"),
    ({"fran": "2025-02-30", "till": "2025-12-31"}, "Ange ett giltigt datum"),
    ({"fran": "x" * 5000, "till": "2025-12-31"}, "Ange ett giltigt datum"),
    ({"fran": "2025-01-01"}, "Ange ett datum."),
    ({"fran": "", "till": ""}, "Ange ett datum."),
    ({"fran": "2025-06-30", "till": "2025-01-01"}, "Från och med måste vara samma dag"),
    ({"fran": "2019-01-01", "till": "2025-12-31"}, "Perioden kan vara högst fem år"),
    ({"fran": "1900-01-01", "till": "1900-12-31"}, "Perioden kan inte börja före 1990-01-01"),
    ({"fran": "2027-01-01", "till": "2027-12-31"}, "Perioden kan inte börja efter dagens datum"),
    ({"fran": "2025-01-01", "till": "9999-12-31"}, "Till och med kan ligga högst ett år fram"),
    ({"fran": "0001-01-01", "till": "2025-12-31"}, "Perioden kan inte börja före"),
]


@pytest.mark.parametrize(("params", "message"), BAD_PERIODS)
def test_bad_period_shows_swedish_errors(samordnare, params, message):
    response = client_for(samordnare).get(REPORT, params)
    assert response.status_code == 200
    page = soup(response)
    errors = " ".join(text_of(node) for node in page.select(".error-message, .messages li.error"))
    assert message in errors, errors
    assert "Rätta perioden ovan för att visa rapporten." in text_of(page)
    assert page.find("a", string="Ladda ned som PDF") is None
    assert page.find("button", string="Skapa PDF") is None


@pytest.mark.parametrize(("params", "message"), BAD_PERIODS[:3] + BAD_PERIODS[6:8])
def test_bad_period_for_the_pdf_goes_back_to_the_form(samordnare, params, message):
    response = client_for(samordnare).get(PDF, params)
    assert response.status_code == 302
    assert response["Location"].startswith(REPORT)
    assert last_message(response).startswith("PDF:en kunde inte skapas: perioden är inte giltig.")
    assert message in last_message(response)


def test_five_years_exactly_is_allowed(samordnare):
    response = client_for(samordnare).get(REPORT, {"fran": "2021-01-01", "till": "2025-12-31"})
    assert soup(response).find("button", string="Skapa PDF") is not None


def test_pdf_rendering_failure_is_a_message_not_an_error(
    samordnare, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(report):
        raise RuntimeError("WeasyPrint borta")

    monkeypatch.setattr(report_tasks, "render_report_pdf", broken)
    client = client_for(samordnare)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PDF, PERIOD)
    assert response.status_code == 302
    job = client.get(response["Location"])
    assert job.status_code == 200
    assert "Ett fel uppstod när PDF:en skapades. Felet är registrerat" in text_of(soup(job))


# -- who may see it --------------------------------------------------------------------------

ROLES = {
    # role: may see the report
    "admin": True,
    "samordnare": True,
    "kommundirektor": True,
    "stabschef": True,
    "sekreterare": True,
    "redaktor": False,
    "agare": False,
    "medarbetare": False,
    "anonym": False,
}


OUTSIDERS = ("medarbetare", "anonym")


@pytest.fixture
def stub_pdf(monkeypatch):
    """The matrix is about access; the PDF itself is checked once, below."""
    monkeypatch.setattr(
        report_tasks, "render_report_pdf", lambda report: RenderedPdf(b"%PDF-1.7 stub", 1)
    )


@pytest.mark.parametrize("url", [REPORT, PDF], ids=["html", "pdf"])
@pytest.mark.parametrize("role", list(ROLES))
def test_permission_matrix(people, staff_user, stub_pdf, role, url):
    user = {"medarbetare": staff_user, "anonym": None}[role] if role in OUTSIDERS else people[role]
    response = client_for(user).get(url, PERIOD)
    if ROLES[role]:
        if url == PDF:
            # An old bookmark of the PDF shows the report's page, where the PDF is asked for.
            assert response.status_code == 302
            assert response["Location"] == f"{REPORT}?fran=2025-01-01&till=2025-12-31#pdf"
        else:
            assert response.status_code == 200
    elif role in OUTSIDERS:
        # Not admin users at all: Wagtail sends them to the login page.
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    else:
        assert is_refused(response)


# -- the PDF -----------------------------------------------------------------------------------


# -- queries -----------------------------------------------------------------------------------


def grow(register_2025, agare, n, start_at):
    """`n` more documents of every kind, each with owners, LIS areas, decisions and reviews."""
    ks = get_body("ks")
    for i in range(start_at, start_at + n):
        page = make_live_document(
            RiktlinjePage,
            title=f"Extra riktlinje {i:03d}",
            decision_body=ks,
            decision_date=d("2025-02-01"),
            diarienummer=f"KS-2025-{600 + i}",
            responsible=agare if i % 2 else None,
            lis_areas=[get_lis_area(1 + i % 10)],
        )
        decided(page, "governance.decided", "2025-02-01", ks.name, 500 + i, f"KS-2025-{600 + i}")
        RequiredDocument.objects.create(
            policy=register_2025["policy"], title=f"Krav {i}", document=page
        )


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REPORT, PERIOD)
    assert response.status_code == 200
    return len(queries)


class TestTheRegisterOf2025:
    """The tests that read build_register_2025's register, built once for this class; its
    people are the users of the same names."""

    @pytest.fixture
    def register_2025(self, register_once, db):
        """{name: page}, read again from the database for each test."""
        return {
            name: Styrdokument.objects.get(pk=pk).specific
            for name, pk in register_once["docs"].items()
        }

    @pytest.fixture
    def agare(self, register_once, db):
        return get_user_model().objects.get(pk=register_once["people"]["agare"])

    @pytest.fixture
    def samordnare(self, register_once, db):
        return get_user_model().objects.get(pk=register_once["people"]["samordnare"])

    @pytest.fixture
    def admin(self, register_once, db):
        return get_user_model().objects.get(pk=register_once["people"]["admin"])

    def test_period_and_as_of(self, register_2025, admin):
        report = report_for(admin)
        assert (report.start, report.end, report.as_of) == (START, END, d("2025-12-15"))
        assert report.kommun_name == "Exempelkommun"
        assert report.filename == "arlig-genomgang-2025-01-01--2025-12-31.pdf"
        # A past period is judged as of its last day.
        assert build_report(START, d("2025-06-30"), user=admin).as_of == d("2025-06-30")

    def test_headline(self, register_2025, admin, samordnare):
        h = report_for(admin).headline
        assert (h.total_documents, h.current_documents, h.current_share) == (11, 9, 82)
        assert (h.overdue_count, h.ownerless_count, h.decisions_count, h.reviews_done_count) == (
            2,
            2,
            8,
            2,
        )
        # The samordnare is not in the group the säkerhetsskydd riktlinje is restricted to.
        h = report_for(samordnare).headline
        assert (h.total_documents, h.current_documents, h.current_share) == (10, 8, 80)
        assert (h.overdue_count, h.ownerless_count, h.decisions_count) == (2, 2, 7)

    def test_documents_by_type_and_status(self, register_2025, admin, samordnare):
        report = report_for(admin)
        assert counts(report) == {
            "policy": {"aktuell": 1, "": 1},
            "program": {"": 0},
            "riktlinje": {"aktuell": 4, "snart": 1, "forsenad": 1, "": 6},
            "rutin": {"snart": 1, "under-revision": 1, "saknar-agare": 1, "": 3},
            "stodanvisning": {"saknar-agare": 1, "": 1},
        }
        assert {c.status: c.count for c in report.status_totals} == {
            "aktuell": 5,
            "snart": 2,
            "forsenad": 1,
            "under-revision": 1,
            "saknar-agare": 2,
        }
        assert [s.label for s in report.statuses] == [
            "Aktuell",
            "Revision inom 60 dagar",
            "Försenad",
            "Under revision",
            "Saknar ägare",
        ]
        assert counts(report_for(samordnare))["riktlinje"] == {
            "aktuell": 3,
            "snart": 1,
            "forsenad": 1,
            "": 5,
        }

    def test_decisions_in_period(self, register_2025, admin, samordnare):
        rows = [
            (r.date.isoformat(), r.title, r.body, r.outcome, r.paragraph_display, r.diarienummer)
            for r in report_for(admin).decisions
        ]
        assert rows == [
            (
                "2025-02-10",
                "Informationssäkerhetspolicy",
                "Kommunstyrelsen",
                "Föreslaget",
                "§ 20",
                "KS-2025-10",
            ),
            (
                "2025-03-10",
                "Informationssäkerhetspolicy",
                "Kommunfullmäktige",
                "Beslutad",
                "§ 15",
                "KS-2025-10",
            ),
            (
                "2025-04-02",
                "Riktlinje för behörighetshantering",
                "Kommunstyrelsen",
                "Beslutad",
                "§ 40",
                "KS-2025-50",
            ),
            (
                "2025-05-20",
                "Riktlinje för informationssäkerhetsorganisation",
                "Kommunstyrelsen",
                "Beslutad",
                "§ 88",
                "KS-2025-100",
            ),
            (
                "2025-06-10",
                "Riktlinje för kontinuitet",
                "Kommunstyrelsen",
                "Granskad utan ändringar",
                "§ 150",
                "KS-2025-150",
            ),
            # No decision date in the entry: the day it was logged.
            ("2025-08-20", "Stödanvisning för klassning", "Kommundirektör", "Beslutad", "", ""),
            (
                "2025-09-15",
                "Riktlinje för säkerhetsskydd",
                "Kommunstyrelsen",
                "Beslutad",
                "§ 120",
                "KS-2025-300",
            ),
            (
                "2025-10-20",
                "Rutin för incidenthantering",
                "Kommunstyrelsen",
                "Återremitterad",
                "§ 170",
                "KS-2025-400",
            ),
        ]
        titles = [r.title for r in report_for(samordnare).decisions]
        assert "Riktlinje för säkerhetsskydd" not in titles
        assert len(titles) == 7
        # A shorter period keeps only its own decisions.
        spring = build_report(d("2025-03-01"), d("2025-05-31"), user=admin)
        assert [r.date.isoformat() for r in spring.decisions] == [
            "2025-03-10",
            "2025-04-02",
            "2025-05-20",
        ]

    def test_reviews_done_due_and_overdue(self, register_2025, admin):
        report = report_for(admin)
        assert [
            (r.date.isoformat(), r.title, r.kind, r.detail, r.owner) for r in report.reviews_done
        ] == [
            (
                "2025-04-02",
                "Riktlinje för behörighetshantering",
                "Revision",
                "Version 2.0 ersatte version 1.0",
                OWNER,
            ),
            (
                "2025-06-10",
                "Riktlinje för kontinuitet",
                "Aktualitetsprövning",
                "Granskad utan ändringar av Kommunstyrelsen",
                OWNER,
            ),
        ]
        assert [(r.date.isoformat(), r.title, r.detail, r.owner) for r in report.reviews_due] == [
            ("2025-12-01", "Rutin för riskanalys", "Saknar ägare", GONE),
            ("2025-12-20", "Rutin för säkerhetskopiering", "Revision inom 60 dagar", OWNER),
        ]
        assert [(r.date.isoformat(), r.title, r.owner) for r in report.reviews_overdue] == [
            ("2024-10-01", "Riktlinje för informationsklassning", OWNER),
            ("2025-12-01", "Rutin för riskanalys", GONE),
        ]

    def test_documents_without_owner(self, register_2025, admin):
        assert [(r.title, r.owner) for r in report_for(admin).ownerless] == [
            ("Rutin för riskanalys", GONE),
            ("Stödanvisning för klassning", "–"),
        ]

    def test_required_documents(self, register_2025, admin):
        (policy,) = report_for(admin).required
        assert policy.title == "Informationssäkerhetspolicy"
        assert policy.met_count == 1
        assert [
            (r.title, r.type_label, r.lis_area, r.document_title, r.exists, r.adopted, r.current)
            for r in policy.rows
        ] == [
            (
                "Riktlinje om organisation och ansvar",
                "Riktlinje",
                "1. Funktion för informationssäkerhet",
                "Riktlinje för informationssäkerhetsorganisation",
                True,
                True,
                True,
            ),
            (
                "Riktlinje om klassning av information",
                "Riktlinje",
                "5. Informationsklassning",
                "Riktlinje för informationsklassning",
                True,
                True,
                False,
            ),
            (
                "Rutin för att rapportera incidenter",
                "Rutin",
                "6. Incidenthantering",
                "Rutin för incidenthantering",
                True,
                False,
                False,
            ),
            (
                "Riktlinje om säkerhet vid upphandling",
                "Riktlinje",
                "9. Säkerhetskrav vid upphandling",
                "",
                False,
                False,
                False,
            ),
        ]
        assert [r.status_label for r in policy.rows] == [
            "Finns, fastställt och aktuellt",
            "Fastställt men revisionen är försenad",
            "Finns men är inte fastställt",
            "Saknas",
        ]

    def test_required_document_the_user_may_not_read_is_missing(self, register_2025, samordnare):
        policy = register_2025["policy"]
        RequiredDocument.objects.create(
            policy=policy,
            sort_order=9,
            title="Riktlinje om säkerhetsskydd",
            document=register_2025["sakerhetsskydd"],
        )
        row = report_for(samordnare).required[0].rows[-1]
        assert (row.exists, row.adopted, row.current, row.document_title) == (
            False,
            False,
            False,
            "",
        )

    def test_lis_coverage(self, register_2025, admin, samordnare):
        report = report_for(admin)
        assert coverage(report) == {
            1: ["Informationssäkerhetspolicy", "Riktlinje för informationssäkerhetsorganisation"],
            2: ["Informationssäkerhetspolicy"],
            3: [],
            4: ["Riktlinje för behörighetshantering"],
            5: ["Stödanvisning för klassning"],
            6: [],
            7: ["Riktlinje för kontinuitet", "Rutin för säkerhetskopiering"],
            8: ["Riktlinje för medvetenhet och utbildning"],
            9: [],
            10: ["Riktlinje för säkerhetsskydd"],
        }
        assert [area.number for area in report.lis_missing] == [3, 6, 9]
        assert [area.number for area in report_for(samordnare).lis_missing] == [3, 6, 9, 10]

    def test_audit_questions(self, register_2025, admin):
        report = report_for(admin)
        assert [q.question for q in report.audit_questions] == [
            "Finns aktuella styrdokument som tydliggör ansvar, krav och arbetssätt?",
            "Finns en ändamålsenlig organisation för informationssäkerhetsarbetet?",
            "Finns antagna mål med handlingsplaner?",
            "Finns en tillräcklig säkerhetskultur?",
            "Finns etablerade metoder för riskhantering som följs upp?",
            "Utvärderas de tekniska säkerhetsåtgärderna regelbundet?",
            "Finns förmåga att upptäcka och hantera incidenter?",
            "Sker tillräcklig uppföljning och rapportering till kommunstyrelsen?",
        ]
        assert all(q.rule for q in report.audit_questions)
        got = answers(report)
        assert got[1] == (
            [
                POLICY_ITEM,
                "Krävt dokument: Riktlinje om organisation och ansvar: uppfyllt av Riktlinje för "
                "informationssäkerhetsorganisation (Informationssäkerhetspolicy)",
            ],
            [
                "Riktlinje om klassning av information (krävs av Informationssäkerhetspolicy): "
                "fastställt men revisionen är försenad.",
                "Rutin för att rapportera incidenter (krävs av Informationssäkerhetspolicy): "
                "finns men är inte fastställt.",
                "Riktlinje om säkerhet vid upphandling (krävs av Informationssäkerhetspolicy): "
                "saknas.",
            ],
        )
        assert got[2] == (
            [
                "Roll: Informationssäkerhetssamordnare: Sara Samordnare (Exempelkommun)",
                POLICY_ITEM,
                "Dokument: Riktlinje för informationssäkerhetsorganisation "
                "(Riktlinje, Kommunstyrelsen, 2025-05-20)",
            ],
            [
                "Saknar dokumentansvarig: Rutin för riskanalys (Sven Slutat (inaktiv)).",
                "Saknar dokumentansvarig: Stödanvisning för klassning (ingen angiven).",
            ],
        )
        assert got[3] == (
            [POLICY_ITEM],
            ["Inget aktuellt dokument inom område 3. Handlingsplan utifrån nuläget."],
        )
        assert got[4] == (
            [
                "Dokument: Riktlinje för medvetenhet och utbildning "
                "(Riktlinje, Kommunstyrelsen, 2025-01-15)"
            ],
            [],
        )
        assert got[5] == (
            [
                "Dokument: Riktlinje för behörighetshantering "
                "(Riktlinje, Kommunstyrelsen, 2025-04-02)",
                "Dokument: Stödanvisning för klassning (Stödanvisning, Kommundirektör, 2025-08-20)",
                REVISION_ITEM,
            ],
            [OVERDUE_KLASSNING, OVERDUE_RISK],
        )
        assert got[6] == (
            ["Dokument: Riktlinje för säkerhetsskydd (Riktlinje, Kommunstyrelsen, 2025-09-15)"],
            [
                "Inget aktuellt dokument inom område 9. Säkerhetskrav vid upphandling.",
                "Ingen aktualitetsprövning eller revision under perioden.",
            ],
        )
        assert got[7] == (
            [
                "Dokument: Riktlinje för kontinuitet (Riktlinje, Kommunstyrelsen, 2024-06-01)",
                "Dokument: Rutin för säkerhetskopiering (Rutin, Kommundirektör, 2024-12-20)",
                REVIEW_ITEM,
            ],
            ["Inget aktuellt dokument inom område 6. Incidenthantering."],
        )
        evidence, missing = got[8]
        assert [item for item in evidence if item.startswith("Beslut:")] == [
            "Beslut: 2025-02-10 Kommunstyrelsen: Föreslaget – Informationssäkerhetspolicy "
            "(§ 20 KS-2025-10)",
            "Beslut: 2025-04-02 Kommunstyrelsen: Beslutad – Riktlinje för behörighetshantering "
            "(§ 40 KS-2025-50)",
            "Beslut: 2025-05-20 Kommunstyrelsen: Beslutad – Riktlinje för "
            "informationssäkerhetsorganisation (§ 88 KS-2025-100)",
            "Beslut: 2025-06-10 Kommunstyrelsen: Granskad utan ändringar – Riktlinje för "
            "kontinuitet (§ 150 KS-2025-150)",
            "Beslut: 2025-09-15 Kommunstyrelsen: Beslutad – Riktlinje för säkerhetsskydd "
            "(§ 120 KS-2025-300)",
            "Beslut: 2025-10-20 Kommunstyrelsen: Återremitterad – Rutin för incidenthantering "
            "(§ 170 KS-2025-400)",
        ]
        assert [item for item in evidence if not item.startswith("Beslut:")] == [
            POLICY_ITEM,
            "Dokument: Riktlinje för säkerhetsskydd (Riktlinje, Kommunstyrelsen, 2025-09-15)",
            REVISION_ITEM,
            REVIEW_ITEM,
        ]
        assert missing == [OVERDUE_KLASSNING, OVERDUE_RISK]

    def test_audit_questions_follow_what_the_user_may_read(self, register_2025, samordnare):
        got = answers(report_for(samordnare))
        assert got[6] == (
            [],
            [
                "Inget aktuellt dokument inom område 9. Säkerhetskrav vid upphandling.",
                "Inget aktuellt dokument inom område 10. Uppföljning.",
            ],
        )
        assert not any("säkerhetsskydd" in item for item in got[8][0])

    def test_warning_days_setting_changes_the_due_soon_label(self, register_2025, admin):
        update_settings(review_warning_days=10)
        report = report_for(admin)
        assert report.statuses[1].label == "Revision inom 10 dagar"
        # The utbildning riktlinje (2026-01-15) is no longer due soon; the backup rutin still is.
        assert counts(report)["riktlinje"] == {"aktuell": 5, "forsenad": 1, "": 6}

    def test_admin_page_shows_the_report(self, register_2025, samordnare):
        response = client_for(samordnare).get(REPORT, PERIOD)
        assert response.status_code == 200
        page = soup(response)
        assert page.select_one("input[name=fran]")["value"] == "2025-01-01"
        assert page.select_one("input[name=till]")["value"] == "2025-12-31"
        assert TITLE in text_of(page)
        pdf_form = page.find("button", string="Skapa PDF").find_parent("form")
        assert pdf_form["action"] == PDF
        assert pdf_form["method"] == "post"
        fields = {field["name"]: field["value"] for field in pdf_form.select("input")}
        assert (fields["fran"], fields["till"]) == ("2025-01-01", "2025-12-31")
        assert "ny" not in fields

        figures = table_rows(section(response, "sammanfattning-rubrik"))
        assert ["Styrdokument i registret", "10"] in figures
        assert ["Varav fastställda och aktuella", "8 (80 %)"] in figures
        assert ["LIS-områden utan aktuella dokument", "4 av 10"] in figures

        types = section(response, "typ-status-rubrik").select_one("table")
        assert types.caption is not None
        assert [text_of(th) for th in types.select("thead th")] == [
            "Dokumenttyp",
            "Aktuell",
            "Revision inom 60 dagar",
            "Försenad",
            "Under revision",
            "Saknar ägare",
            "Totalt",
        ]
        assert all(th["scope"] == "col" for th in types.select("thead th"))
        assert ["Riktlinje", "3", "1", "1", "0", "0", "5"] in table_rows(types)
        assert table_rows(types.tfoot) == [["Totalt", "4", "2", "1", "1", "2", "10"]]

        decisions = table_rows(section(response, "beslut-rubrik").select_one("tbody"))
        assert len(decisions) == 7
        assert decisions[0] == [
            "2025-02-10",
            "Informationssäkerhetspolicy",
            "Policy",
            "Kommunstyrelsen",
            "Föreslaget",
            "§ 20",
            "KS-2025-10",
        ]
        text = text_of(page)
        assert "Riktlinje för säkerhetsskydd" not in text

        overdue = table_rows(page.select_one("table.annual-report__reviews-overdue tbody"))
        assert overdue == [
            ["2024-10-01", "Riktlinje för informationsklassning", "Riktlinje", "Försenad", OWNER],
            ["2025-12-01", "Rutin för riskanalys", "Rutin", "Saknar ägare", GONE],
        ]
        ownerless = table_rows(page.select_one("table.annual-report__ownerless tbody"))
        assert ownerless[1] == [
            "Stödanvisning för klassning",
            "Stödanvisning",
            "Ingen angiven",
            "2026-08-20",
        ]

        required = table_rows(page.select_one("table.annual-report__required tbody"))
        assert [row[4:] for row in required] == [
            ["Ja", "Ja", "Ja", "Finns, fastställt och aktuellt"],
            ["Ja", "Ja", "Nej", "Fastställt men revisionen är försenad"],
            ["Ja", "Nej", "Nej", "Finns men är inte fastställt"],
            ["Nej", "Nej", "Nej", "Saknas"],
        ]
        lis = table_rows(page.select_one("table.annual-report__lis tbody"))
        assert lis[2] == ["3. Handlingsplan utifrån nuläget", "–", "Saknar aktuella dokument"]
        assert lis[6] == [
            "7. Kontinuitetsplanering",
            "Riktlinje för kontinuitet; Rutin för säkerhetskopiering",
            "2 aktuella",
        ]
        questions = page.select("section.audit-question")
        assert len(questions) == 8
        assert text_of(questions[3].h3) == "4. Finns en tillräcklig säkerhetskultur?"
        assert "Inget saknas enligt registret." in text_of(questions[3])
        for table in page.select("table"):
            assert table.caption is not None

    def test_admin_page_defaults_and_quick_choices(self, register_2025, samordnare):
        response = client_for(samordnare).get(REPORT)
        assert response.status_code == 200
        page = soup(response)
        # On 2025-12-15 (after February) the default is this year so far.
        assert page.select_one("input[name=fran]")["value"] == "2025-01-01"
        assert page.select_one("input[name=till]")["value"] == "2025-12-15"
        quick = {text_of(a): a["href"] for a in page.select("nav[aria-label='Snabbval av år'] a")}
        assert quick["2025 hittills"] == f"{REPORT}?fran=2025-01-01&till=2025-12-15"
        assert quick["2024"] == f"{REPORT}?fran=2024-01-01&till=2024-12-31"
        assert len(quick) == 5

    @pytest.mark.pdf
    def test_pdf_reads_back(self, register_2025, samordnare, django_capture_on_commit_callbacks):
        update_settings(kommun_name="Ängelholms kommun")
        client = client_for(samordnare)
        with django_capture_on_commit_callbacks(execute=True):
            job_url = client.post(PDF, PERIOD)["Location"]
        job_page = client.get(job_url)
        download = soup(job_page).find("a", string="Ladda ned PDF:en")
        response = client.get(download["href"])
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        assert response["Content-Type"] == "application/pdf"
        assert "arlig-genomgang-2025-01-01--2025-12-31.pdf" in response["Content-Disposition"]
        reader = PdfReader(io.BytesIO(data))
        text = " ".join(page.extract_text() for page in reader.pages)
        text = " ".join(text.split())
        for expected in [
            "Årlig genomgång",
            "Period: 2025-01-01 – 2025-12-31",
            "Sammanfattning",
            "Styrdokument per typ och status",
            "Beslut under perioden",
            "Revision och aktualitetsprövning",
            "Dokument utan dokumentansvarig",
            "Dokument som policyn kräver",
            "Täckning av LIS-områdena",
            "Revisorernas frågor",
            "Stödanvisning för klassning",
            "Åsa Ägare",
            "Återremitterad",
            "Saknar aktuella dokument",
        ]:
            assert expected in text, expected
        assert "Riktlinje för säkerhetsskydd" not in text
        metadata = reader.metadata
        assert metadata.title == f"{TITLE} 2025-01-01 – 2025-12-31"
        assert metadata.author == "Ängelholms kommun"
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp

    def test_query_count_does_not_grow_with_the_register(self, register_2025, samordnare, agare):
        client = client_for(samordnare)
        client.get(REPORT, PERIOD)  # warm caches (site, settings, menus)
        grow(register_2025, agare, 3, 0)
        small = count_queries(client)
        grow(register_2025, agare, 25, 100)
        large = count_queries(client)
        assert large == small
        assert small < 40
