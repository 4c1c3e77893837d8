"""The yearly report to KS shows read acknowledgement (kvittens) for the documents that require
it (issue 20, and issue 22's read-coverage chart): a section with a chart and its table on the
admin page, a line in the PDF's contents and a sheet of the XLSX."""

import datetime
import io

import time_machine
from bs4 import BeautifulSoup
from django.test import Client, TestCase
from django.utils import timezone
from openpyxl import load_workbook

from kvittens.models import Acknowledgement, Membership, Requirement
from policies.models import RutinPage
from reports.annual_report import build_report
from reports.charts import annual_report_charts
from reports.exports import report_workbook
from tests.factories import INTRANET_HOST, make_document, make_organisation, make_user

ANNUAL = "/admin/rapporter/arlig-genomgang/"


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class AnnualReportKvittensTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        decided = cls.today - datetime.timedelta(days=40)
        unit = make_organisation("Kultur- och fritidsförvaltningen")
        people = []
        for n in range(4):
            person = make_user(f"medarbetare{n}", first_name="Medarbetare", last_name=str(n))
            Membership.objects.create(user=person, organisation=unit)
            people.append(person)
        with time_machine.travel(noon(decided), tick=False):
            cls.rutin = make_document(
                RutinPage, title="Rutin för badhusets larm", decision_date=decided
            )
        Requirement.objects.create(document=cls.rutin).organisations.add(unit)
        version = cls.rutin.adopted_versions.get(superseded_at__isnull=True)
        for person in people[:3]:
            Acknowledgement.objects.create(
                user=person, user_name=person.get_full_name(), document=cls.rutin, version=version
            )
        cls.chef = make_user("chefen", superuser=True)

    def report(self):
        start = self.today - datetime.timedelta(days=365)
        return build_report(start, self.today, user=self.chef)

    def test_the_report_carries_the_kvittens_rows(self):
        row = next(r for r in self.report().kvittens.rows if r.title == self.rutin.title)
        assert (row.confirmed, row.audience) == (3, 4)

    def test_the_admin_page_shows_the_section_with_a_chart_and_its_table(self):
        client = Client(HTTP_HOST=INTRANET_HOST)
        client.force_login(self.chef)
        response = client.get(ANNUAL)
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        section = page.find(id="kvittens-rubrik").find_parent("section")
        figure = section.find("figure")
        svg = figure.find("svg")
        assert svg["role"] == "img"
        description = svg.find("desc").get_text()
        assert "Rutin för badhusets larm: 3 av 4 personer" in description
        caption = figure.find("figcaption").get_text()
        assert "bekräftat att de har läst och förstått" in caption
        table_text = section.find("table").get_text(" ", strip=True)
        assert "3 av 4" in table_text and "75 %" in table_text
        assert not section.find("script")

    def test_the_chart_is_only_drawn_when_a_document_requires_kvittens(self):
        report = self.report()
        assert annual_report_charts(report).kvittens is not None
        report.kvittens.rows = []
        assert annual_report_charts(report).kvittens is None

    def test_the_workbook_has_a_kvittens_sheet_and_one_per_forvaltning(self):
        book = load_workbook(io.BytesIO(report_workbook(self.report())))
        rows = list(book["Kvittens"].iter_rows(values_only=True))
        assert rows[0][:5] == (
            "Dokument",
            "Version",
            "Beslutsdatum",
            "Bekräftat av",
            "Ska bekräfta",
        )
        row = next(r for r in rows[1:] if r[0] == "Rutin för badhusets larm")
        assert (row[3], row[4], row[5]) == (3, 4, 75.0)
        assert isinstance(row[2], datetime.datetime)  # a real date in Excel
        organisations = list(book["Granskningsläge per förvaltning"].iter_rows(values_only=True))
        assert organisations[0] == ("Förvaltning", "I tid", "Revision snart", "Försenade", "Totalt")
