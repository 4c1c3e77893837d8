"""The Kvittens section of the yearly report to KS: kvittens.coverage.annual_summary and its
include template, on screen and in the WeasyPrint PDF (issue 20, "The yearly report to KS
shows kvittens coverage for the documents that require it")."""

import datetime
import io

import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from governance.constants import OrganisationKind
from kvittens.coverage import annual_summary
from kvittens.models import Acknowledgement, Membership, Requirement
from policies.models import Publicity, RutinPage
from policies.pdf import render_pdf
from tests.factories import adopt_new_version, make_document, make_organisation, make_user
from tests.governance.workflow_helpers import text_of

SECTION = "kvittens/includes/annual_report_section.html"


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def confirm(user, document, on):
    return Acknowledgement.objects.create(
        user=user,
        user_name=user.get_full_name(),
        document=document,
        version=document.adopted_versions.get(superseded_at__isnull=True),
        confirmed_at=noon(on),
    )


class AnnualSummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.decided = cls.today - datetime.timedelta(days=120)
        soc = make_organisation("Socialförvaltningen")
        unit = make_organisation("Hemtjänsten", kind=OrganisationKind.ENHET, parent=soc)
        people = []
        for n, organisation in enumerate((soc, unit, unit)):
            user = make_user(f"person{n}", first_name="Person", last_name=str(n))
            Membership.objects.create(user=user, organisation=organisation)
            people.append(user)
        gone = make_user("gone", is_active=False)
        Membership.objects.create(user=gone, organisation=unit)
        cls.people = people
        cls.samordnare = make_user("samordnare", groups=["Informationssäkerhetssamordnare"])
        with time_machine.travel(noon(cls.decided), tick=False):
            cls.rutin = make_document(
                RutinPage, title="Rutin för hemtjänstens nycklar", decision_date=cls.decided
            )
            cls.secret = make_document(
                RutinPage,
                title="Skyddad rutin för larm",
                decision_date=cls.decided,
                publicity=Publicity.INTERNAL,
                restricted_to=[Group.objects.get(name="Informationssäkerhetssamordnare")],
            )
        Requirement.objects.create(document=cls.rutin).organisations.add(soc)
        Requirement.objects.create(document=cls.secret, everyone=True)
        # One confirmed soon after the decision, one only recently, and one who has left.
        confirm(people[0], cls.rutin, cls.decided + datetime.timedelta(days=5))
        confirm(people[1], cls.rutin, cls.today - datetime.timedelta(days=3))
        confirm(gone, cls.rutin, cls.decided + datetime.timedelta(days=5))
        cls.year_start = cls.today - datetime.timedelta(days=365)

    def summary(self, end=None, user=None):
        return annual_summary(self.year_start, end or self.today, user or self.samordnare)

    def test_rows_as_of_today(self):
        summary = self.summary()
        self.assertEqual(summary.as_of, self.today)
        rows = {row.title: row for row in summary.rows}
        rutin = rows["Rutin för hemtjänstens nycklar"]
        self.assertEqual(
            (rutin.version, rutin.decision_date, rutin.confirmed, rutin.audience),
            ("1.0", self.decided, 2, 3),
        )
        self.assertEqual((rutin.percent, rutin.days_since_decision), (66, 120))
        self.assertTrue(rutin.decided_in_period)
        secret = rows["Skyddad rutin för larm"]
        self.assertEqual((secret.confirmed, secret.audience), (0, 1))  # its readers only
        self.assertEqual((summary.total.confirmed, summary.total.audience), (2, 4))

    def test_a_past_period_counts_what_was_true_at_its_end(self):
        end = self.today - datetime.timedelta(days=30)
        summary = self.summary(end=end)
        rutin = next(row for row in summary.rows if row.title.startswith("Rutin"))
        self.assertEqual(summary.as_of, end)
        self.assertEqual((rutin.confirmed, rutin.audience, rutin.days_since_decision), (1, 3, 90))

    def test_a_period_before_the_decision_has_no_row_for_it(self):
        summary = self.summary(end=self.decided - datetime.timedelta(days=1))
        self.assertEqual(summary.rows, [])

    def test_a_new_version_asks_again_but_a_past_period_keeps_the_old_one(self):
        adopt_new_version(self.rutin, version="2.0", decision_date=self.today)
        now = next(row for row in self.summary().rows if row.title.startswith("Rutin"))
        self.assertEqual((now.version, now.confirmed, now.audience), ("2.0", 0, 3))
        then = self.summary(end=self.today - datetime.timedelta(days=30))
        before = next(row for row in then.rows if row.title.startswith("Rutin"))
        self.assertEqual((before.version, before.confirmed), ("1.0", 1))

    def test_a_reader_outside_a_restricted_document_does_not_see_it(self):
        reader = make_user("beslutsfattare", groups=["Beslutsfattare"])
        titles = [row.title for row in self.summary(user=reader).rows]
        self.assertEqual(titles, ["Rutin för hemtjänstens nycklar"])

    def render(self, summary):
        return render_to_string(SECTION, {"kvittens": summary})

    def test_the_include_is_a_plain_swedish_table(self):
        html = self.render(self.summary())
        section = BeautifulSoup(html, "html.parser").section
        self.assertEqual(text_of(section.h2), "Kvittens")
        table = section.table
        self.assertEqual(
            text_of(table.caption),
            f"Kvittens per dokument per {self.today:%Y-%m-%d}: totalt 2 av 4 bekräftelser (50 %)",
        )
        self.assertEqual(
            [text_of(th) for th in table.thead.find_all("th")],
            ["Dokument", "Version", "Beslutsdatum", "Bekräftat av", "Andel", "Dagar sedan beslut"],
        )
        rows = [[text_of(cell) for cell in tr.find_all(["th", "td"])] for tr in table.tbody("tr")]
        self.assertIn(
            [
                "Rutin för hemtjänstens nycklar (beslutad under perioden)",
                "1.0",
                f"{self.decided:%Y-%m-%d}",
                "2 av 3",
                "66 %",
                "120",
            ],
            rows,
        )
        self.assertNotIn("<a ", html)
        self.assertNotIn("<script", html)

    def test_the_include_says_when_nothing_requires_kvittens(self):
        Requirement.objects.all().update(active=False)
        html = self.render(self.summary())
        self.assertIn("Inget gällande styrdokument har kvittenskrav.", html)
        self.assertEqual(self.render(None).strip(), "")

    def test_the_include_renders_in_the_pdf(self):
        html = (
            '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
            "<title>Årlig genomgång</title></head><body>"
            + self.render(self.summary())
            + "</body></html>"
        )
        pdf = render_pdf(html, base_url="http://intranet.localhost/")
        pages = PdfReader(io.BytesIO(pdf.data)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        self.assertIn("Kvittens", text)
        self.assertIn("Rutin för hemtjänstens nycklar", text)
        self.assertIn("2 av 3", text)
