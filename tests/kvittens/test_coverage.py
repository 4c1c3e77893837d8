"""Kvittensläge: coverage per document, per organisation and by name, who may see it, its
exports, and what it costs in queries (issue 20, "Coverage" and "Scale").

One small kommun, built once: Socialförvaltningen with two enheter and Kommunledningsförvaltningen,
thirteen active people (one more who has left), and five documents that require kvittens from
different audiences, one of them with an editorial change and one with a new version.
"""

import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.log_actions import log

from governance.constants import OrganisationKind
from kvittens import services
from kvittens.coverage import OrganisationTree, coverage, required_documents
from kvittens.coverage_export import missing_rows
from kvittens.models import Acknowledgement, Membership, Requirement
from policies.decisions import ADOPTED_OUTCOME, DECIDED
from policies.models import PolicyPage, Publicity, RiktlinjePage, RutinPage, StodanvisningPage
from tests.factories import (
    adopt_new_version,
    make_document,
    make_kommun,
    make_organisation,
    make_user,
)
from tests.governance.workflow_helpers import client_for, messages_of, page_text, soup, text_of

INDEX = "/admin/rapporter/kvittens/"
COORDINATORS = "Informationssäkerhetssamordnare"


def document_url(document, query=""):
    return reverse("styrdok_kvittens_coverage:document", args=[document.pk]) + query


def confirm(user, document, version=None):
    """A confirmation as the intranet records it, or (for someone outside the audience, or a
    version that is no longer current) as an earlier state of the kommun left it."""
    version = version or document.adopted_versions.get(superseded_at__isnull=True)
    return Acknowledgement.objects.create(
        user=user, user_name=user.get_full_name(), document=document, version=version
    )


def adopt_editorial_change(page, version):
    """A new version decided as "kräver inte ny kvittens", as the decision step logs it."""
    page.version = version
    revision = page.save_revision(log_action=False, clean=False)
    log(
        instance=page,
        action=DECIDED,
        revision=revision,
        data={
            "action": DECIDED,
            "body": page.decision_body.name,
            "body_id": page.decision_body_id,
            "outcome": ADOPTED_OUTCOME,
            "decision_date": page.decision_date.isoformat(),
            "diarienummer": page.diarienummer,
            "paragraph": page.protocol_paragraph,
            "version": version,
            "editorial_change": True,
        },
    )
    revision.publish(skip_permission_checks=True)
    return type(page).objects.get(pk=page.pk)


class KommunData:
    @classmethod
    def build(cls):
        make_kommun("Testkommun")
        cls.soc = make_organisation("Socialförvaltningen")
        cls.ifo = make_organisation(
            "Individ- och familjeomsorgen", kind=OrganisationKind.ENHET, parent=cls.soc
        )
        cls.aldre = make_organisation("Hemtjänsten", kind=OrganisationKind.ENHET, parent=cls.soc)
        cls.klf = make_organisation("Kommunledningsförvaltningen")

        def person(username, first, last, unit=None, groups=(), **fields):
            user = make_user(username, groups=groups, first_name=first, last_name=last, **fields)
            if unit is not None:
                Membership.objects.create(user=user, organisation=unit)
            return user

        cls.soc1 = person("soc1", "Sofia", "Ek", cls.soc)
        cls.soc2 = person("soc2", "Sven", "Holm", cls.soc)
        cls.ifo1 = person("ifo1", "Ida", "Fors", cls.ifo)
        cls.ifo2 = person("ifo2", "Isak", "Fjäll", cls.ifo)
        cls.ifo3 = person("ifo3", "Inez", "Falk", cls.ifo)
        cls.gone = person("ifo4", "Gustav", "Gått", cls.ifo, is_active=False)
        cls.aldre1 = person("aldre1", "Alma", "Lind", cls.aldre)
        cls.klf1 = person("klf1", "Klara", "Berg", cls.klf)
        cls.klf2 = person("klf2", "Karl", "Björk", cls.klf)
        cls.nohome = person("nohome", "Nora", "Hemlös")
        cls.samordnare = person("samordnare", "Sara", "Samordnare", cls.klf, [COORDINATORS])
        cls.agare = person("agare", "Ola", "Nilsson", cls.soc, ["Dokumentansvariga"])
        cls.redaktor = person("redaktor", "Maja", "Redaktör", cls.klf, ["Redaktörer"])
        cls.reader = person("reader", "Rut", "Läsare")

        # Rutin: Socialförvaltningen with its enheter; 3 of 7 (the one who left does not count).
        cls.rutin = make_document(RutinPage, title="Rutin för loggkontroll", responsible=cls.agare)
        Requirement.objects.create(document=cls.rutin).organisations.add(cls.soc)
        for user in (cls.soc1, cls.ifo1, cls.ifo2, cls.gone):
            confirm(user, cls.rutin)
        # Someone outside the audience (moved to another förvaltning) does not count either.
        confirm(cls.klf1, cls.rutin)

        # Policy: everyone; 7 confirmed 1.0, an editorial 1.1 keeps them, 1 more confirmed 1.1.
        cls.policy = make_document(
            PolicyPage, title="Informationssäkerhetspolicy", responsible=cls.samordnare
        )
        Requirement.objects.create(document_type="policy", everyone=True)
        for user in (
            cls.soc1,
            cls.soc2,
            cls.klf1,
            cls.klf2,
            cls.nohome,
            cls.samordnare,
            cls.reader,
        ):
            confirm(user, cls.policy)
        cls.policy = adopt_editorial_change(cls.policy, "1.1")
        confirm(cls.ifo1, cls.policy)

        # Riktlinje: the Redaktörer group; nobody has confirmed.
        cls.riktlinje = make_document(
            RiktlinjePage, title="Riktlinje för behörigheter", responsible=cls.agare
        )
        Requirement.objects.create(document=cls.riktlinje).groups.add(
            Group.objects.get(name="Redaktörer")
        )

        # Stödanvisning: Kommunledningsförvaltningen; a new version asks everyone again.
        cls.stod = make_document(
            StodanvisningPage, title="Stödanvisning för lösenord", responsible=cls.samordnare
        )
        Requirement.objects.create(document=cls.stod).organisations.add(cls.klf)
        confirm(cls.klf1, cls.stod)
        confirm(cls.klf2, cls.stod)
        cls.stod = adopt_new_version(cls.stod, version="2.0")

        # Restricted to the samordnare's group: everyone is asked, but only its readers count.
        cls.secret = make_document(
            RutinPage,
            title="Intern rutin för säkerhetsincidenter",
            responsible=cls.samordnare,
            publicity=Publicity.INTERNAL,
            restricted_to=[Group.objects.get(name=COORDINATORS)],
        )
        Requirement.objects.create(document=cls.secret, everyone=True)
        confirm(cls.samordnare, cls.secret)

        # Not required: never listed.
        cls.free = make_document(RutinPage, title="Rutin utan kvittens", responsible=cls.agare)


def figures(items):
    return {item.document.title: (item.tally.confirmed, item.tally.audience) for item in items}


class CoverageNumbersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        KommunData.build.__func__(cls)

    def items(self, **kwargs):
        documents = required_documents().order_by("title")
        return coverage(documents, **kwargs)

    def test_each_document_counts_its_audience_and_the_confirmations_that_count(self):
        self.assertEqual(get_user_model().objects.filter(is_active=True).count(), 13)
        self.assertEqual(
            figures(self.items()),
            {
                "Informationssäkerhetspolicy": (8, 13),
                "Intern rutin för säkerhetsincidenter": (1, 1),
                "Riktlinje för behörigheter": (0, 1),
                "Rutin för loggkontroll": (3, 7),
                "Stödanvisning för lösenord": (0, 4),
            },
        )

    def test_the_audience_is_the_one_kvittens_asks(self):
        """The report counts exactly the people the intranet asks to confirm (services)."""
        for item in self.items():
            self.assertEqual(
                item.tally.audience,
                services.audience(item.document).count(),
                item.document.title,
            )

    def test_an_editorial_change_carries_confirmations_over_and_says_so(self):
        (policy,) = [i for i in self.items() if i.document.pk == self.policy.pk]
        self.assertEqual((policy.version, policy.required_version), ("1.1", "1.0"))
        self.assertTrue(policy.chain.carried_over)
        stod = next(i for i in self.items() if i.document.pk == self.stod.pk)
        self.assertEqual((stod.version, stod.required_version), ("2.0", "2.0"))
        self.assertFalse(stod.chain.carried_over)

    def test_organisations_count_their_own_people_and_the_units_below(self):
        tree = OrganisationTree.load()
        rutin = next(i for i in self.items() if i.document.pk == self.rutin.pk)
        rows = [(row.name, row.kind, row.tally.label) for row in rutin.organisation_rows(tree)]
        self.assertEqual(
            rows,
            [
                ("Testkommun", "Kommun", "3 av 7"),
                ("Socialförvaltningen", "Förvaltning", "3 av 7"),
                ("Hemtjänsten", "Enhet", "0 av 1"),
                ("Individ- och familjeomsorgen", "Enhet", "2 av 3"),
            ],
        )
        policy = next(i for i in self.items() if i.document.pk == self.policy.pk)
        last = policy.organisation_rows(tree)[-1]
        self.assertEqual(
            (last.name, last.tally.label), ("Utan organisationstillhörighet", "2 av 2")
        )

    def test_an_organisation_filter_counts_only_its_people(self):
        counted = figures(self.items(organisation=self.ifo))
        self.assertEqual(counted["Rutin för loggkontroll"], (2, 3))
        self.assertEqual(counted["Informationssäkerhetspolicy"], (1, 3))
        self.assertEqual(counted["Stödanvisning för lösenord"], (0, 0))

    def test_summary_reads_like_the_issue(self):
        rutin = next(i for i in self.items() if i.document.pk == self.rutin.pk)
        self.assertEqual(rutin.summary, "3 av 7, 30 dagar sedan beslut")
        self.assertEqual(rutin.tally.percent_label, "42 %")


class CoverageSnapshotTests(TestCase):
    """The counts are kept per document and brought up to date with the confirmations after
    them; any change to who the people are counts afresh."""

    @classmethod
    def setUpTestData(cls):
        KommunData.build.__func__(cls)

    def setUp(self):
        cache.clear()

    def rutin_figures(self):
        item = next(i for i in coverage(required_documents()) if i.document.pk == self.rutin.pk)
        return item.tally.confirmed, item.tally.audience

    def test_a_new_confirmation_is_counted_on_the_next_view(self):
        self.assertEqual(self.rutin_figures(), (3, 7))
        confirm(self.ifo3, self.rutin)
        self.assertEqual(self.rutin_figures(), (4, 7))
        confirm(self.aldre1, self.rutin)
        confirm(self.klf2, self.rutin)  # outside the audience
        self.assertEqual(self.rutin_figures(), (5, 7))

    def test_an_earlier_confirmation_and_a_later_one_of_the_same_person_count_once(self):
        policy = lambda: next(  # noqa: E731
            i.tally.confirmed
            for i in coverage(required_documents())
            if i.document.pk == self.policy.pk
        )
        self.assertEqual(policy(), 8)
        confirm(self.soc1, self.policy)  # 1.1, after confirming 1.0 before the editorial change
        confirm(self.ifo2, self.policy)
        self.assertEqual(policy(), 9)

    def test_people_leaving_moving_and_joining_are_counted_afresh(self):
        self.assertEqual(self.rutin_figures(), (3, 7))
        self.ifo1.is_active = False
        self.ifo1.save()
        self.assertEqual(self.rutin_figures(), (2, 6))
        Membership.objects.filter(user=self.ifo2).update(organisation=self.klf)
        self.assertEqual(self.rutin_figures(), (1, 5))
        Membership.objects.create(user=self.nohome, organisation=self.aldre)
        self.assertEqual(self.rutin_figures(), (1, 6))

    def test_a_snapshot_from_another_database_is_not_trusted(self):
        self.assertEqual(self.rutin_figures(), (3, 7))
        for key in list(cache._cache):  # locmem: the test settings' cache
            value = cache.get(key.split(":", 2)[-1])
            if isinstance(value, dict) and "units" in value:
                cache.set(
                    key.split(":", 2)[-1],
                    {**value, "units": {self.ifo.pk: 99}, "at": timezone.now()},
                )
        self.assertEqual(self.rutin_figures(), (3, 7))


class CoverageScreenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        KommunData.build.__func__(cls)

    def rows(self, response):
        table = soup(response).select_one("table.kvittens-coverage")
        if table is None:
            return []
        return [
            [text_of(cell) for cell in row.find_all(["th", "td"])]
            for row in table.select("tbody tr")
        ]

    def test_the_samordnare_sees_every_document_lowest_coverage_first(self):
        response = client_for(self.samordnare).get(INDEX)
        self.assertEqual(response.status_code, 200)
        rows = self.rows(response)
        self.assertEqual(
            [row[0] for row in rows],
            [
                "Riktlinje för behörigheter",
                "Stödanvisning för lösenord",
                "Rutin för loggkontroll",
                "Informationssäkerhetspolicy",
                "Intern rutin för säkerhetsincidenter",
            ],
        )
        policy = rows[3]
        self.assertIn("1.1", policy[2])
        self.assertIn("Redaktionell ändring: bekräftelser av version 1.0 gäller", policy[2])
        self.assertEqual(policy[4:6], ["8 av 13", "61 %"])
        self.assertEqual(rows[2][4:7], ["3 av 7", "42 %", "30"])

    def test_filters_by_type_organisation_and_low_coverage(self):
        client = client_for(self.samordnare)
        titles = lambda query: [row[0] for row in self.rows(client.get(INDEX + query))]  # noqa: E731
        self.assertEqual(
            titles("?document_type=rutin"),
            [
                "Rutin för loggkontroll",
                "Intern rutin för säkerhetsincidenter",
            ],
        )
        self.assertEqual(
            titles("?coverage=50"),
            ["Riktlinje för behörigheter", "Stödanvisning för lösenord", "Rutin för loggkontroll"],
        )
        self.assertEqual(len(titles("?coverage=80")), 4)
        self.assertEqual(len(titles("?coverage=100")), 4)
        rows = self.rows(client.get(INDEX + f"?organisation={self.ifo.pk}"))
        self.assertEqual(
            [(row[0], row[4]) for row in rows],
            [("Informationssäkerhetspolicy", "1 av 3"), ("Rutin för loggkontroll", "2 av 3")],
        )

    def test_bad_filter_values_never_break_the_page(self):
        client = client_for(self.samordnare)
        for query in ("?coverage=17", "?organisation=abc", "?organisation=999999", "?p=x"):
            response = client.get(INDEX + query)
            self.assertEqual(response.status_code, 200, query)

    def test_an_owner_sees_their_own_documents_without_the_permission(self):
        self.assertFalse(self.agare.has_perm("kvittens.view_coverage"))
        client = client_for(self.agare)
        response = client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(row[0] for row in self.rows(response)),
            ["Riktlinje för behörigheter", "Rutin för loggkontroll"],
        )
        self.assertIn("Du ser de dokument som du är dokumentansvarig för", page_text(response))
        self.assertEqual(client.get(document_url(self.rutin)).status_code, 200)

    def test_an_owner_is_refused_other_documents_and_never_sees_a_restricted_one(self):
        client = client_for(self.agare)
        response = client.get(document_url(self.policy))
        self.assertEqual(response.status_code, 302)
        self.assertIn("Kvittensläget visas för dokumentansvariga", messages_of(response)[0])
        self.assertEqual(client.get(document_url(self.secret)).status_code, 404)

    def test_a_plain_editor_is_refused_with_a_swedish_message(self):
        client = client_for(self.redaktor)
        for url in (INDEX, document_url(self.rutin), INDEX + "?export=xlsx"):
            response = client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertEqual(response["Location"], reverse("wagtailadmin_home"))
            self.assertIn("Kvittensläget visas för dokumentansvariga", messages_of(response)[0])

    def test_a_reader_without_admin_access_never_reaches_it(self):
        response = client_for(self.reader).get(INDEX)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"Kvittensl", response.content)

    def test_the_menu_shows_the_report_to_those_it_opens_for(self):
        for user, shown in ((self.samordnare, True), (self.agare, True), (self.redaktor, False)):
            response = client_for(user).get("/admin/")
            self.assertEqual(INDEX in response.content.decode(), shown, user.username)

    def test_unknown_or_unrequired_documents_are_404(self):
        client = client_for(self.samordnare)
        self.assertEqual(client.get(document_url(self.free)).status_code, 404)
        self.assertEqual(client.get("/admin/rapporter/kvittens/dokument/999999/").status_code, 404)
        self.assertEqual(client.get(document_url(self.rutin, "?organisation=x")).status_code, 404)

    def test_the_document_page_shows_per_organisation_and_who_is_missing(self):
        response = client_for(self.samordnare).get(document_url(self.rutin))
        self.assertEqual(response.status_code, 200)
        text = page_text(response)
        self.assertIn("3 av 7, 30 dagar sedan beslut", text)
        self.assertIn("Har inte bekräftat (4)", text)
        organisations = soup(response).select("table.kvittens-organisations tbody tr")
        self.assertEqual(
            [text_of(row.th) for row in organisations],
            ["Testkommun", "Socialförvaltningen", "Hemtjänsten", "Individ- och familjeomsorgen"],
        )
        missing = soup(response).select("table.kvittens-missing tbody tr")
        self.assertEqual(
            [(text_of(row.th), text_of(row.td)) for row in missing],
            [
                ("Alma Lind", "Hemtjänsten"),
                ("Inez Falk", "Individ- och familjeomsorgen"),
                ("Sven Holm", "Socialförvaltningen"),
                ("Ola Nilsson", "Socialförvaltningen"),
            ],
        )
        self.assertNotIn("Gustav", text)  # has left: not asked, not missing

    def test_the_document_page_for_one_organisation(self):
        response = client_for(self.samordnare).get(
            document_url(self.rutin, f"?organisation={self.ifo.pk}")
        )
        text = page_text(response)
        self.assertIn("Läge i Individ- och familjeomsorgen", text)
        self.assertIn("2 av 3", text)
        self.assertIn("Har inte bekräftat (1)", text)


class CoverageExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        KommunData.build.__func__(cls)
        # A title a spreadsheet would run as a formula if it were written carelessly.
        cls.formula = make_document(
            RutinPage, title='=HYPERLINK("http://x";"Rutin")', responsible=cls.agare
        )
        Requirement.objects.create(document=cls.formula).organisations.add(cls.aldre)

    def workbook(self, url):
        response = client_for(self.samordnare).get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(".xlsx", response["Content-Disposition"])
        return load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    def test_xlsx_has_a_row_per_document_and_organisation_and_who_is_missing(self):
        workbook = self.workbook(INDEX + "?export=xlsx")
        self.assertEqual(workbook.sheetnames, ["Täckning", "Saknas"])
        rows = list(workbook["Täckning"].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Dokument")
        self.assertEqual(
            rows[0][6:12],
            (
                "Organisation",
                "Nivå",
                "Har bekräftat",
                "Ska bekräfta",
                "Saknas",
                "Andel bekräftat (%)",
            ),
        )
        rutin = [row for row in rows if row[0] == "Rutin för loggkontroll"]
        self.assertEqual(
            [(row[6], row[7], row[8], row[9], row[10]) for row in rutin],
            [
                ("Hela kommunen", "Totalt", 3, 7, 4),
                ("Testkommun", "Kommun", 3, 7, 4),
                ("Socialförvaltningen", "Förvaltning", 3, 7, 4),
                ("Hemtjänsten", "Enhet", 0, 1, 1),
                ("Individ- och familjeomsorgen", "Enhet", 2, 3, 1),
            ],
        )
        decided = rutin[0][4]  # a real Excel date
        self.assertEqual(getattr(decided, "date", lambda: decided)(), self.rutin.decision_date)
        missing = list(workbook["Saknas"].iter_rows(values_only=True))
        self.assertEqual(
            missing[0],
            ("Dokument", "Version att bekräfta", "Namn", "Användarnamn", "E-post", "Organisation"),
        )
        self.assertIn(
            (
                "Rutin för loggkontroll",
                "1.0",
                "Alma Lind",
                "aldre1",
                "aldre1@exempelkommun.se",
                "Hemtjänsten",
            ),
            missing,
        )
        self.assertEqual(len([row for row in missing if row[0] == "Rutin för loggkontroll"]), 4)

    def test_xlsx_writes_a_formula_like_title_as_text(self):
        workbook = self.workbook(INDEX + "?export=xlsx&document_type=rutin")
        sheet = workbook["Täckning"]
        cells = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("=")]
        self.assertTrue(cells)
        self.assertTrue(all(cell.data_type == "s" for cell in cells))

    def test_the_document_page_exports_its_own_rows(self):
        workbook = self.workbook(
            document_url(self.rutin, f"?organisation={self.ifo.pk}&export=xlsx")
        )
        rows = list(workbook["Täckning"].iter_rows(values_only=True))[1:]
        self.assertEqual(
            [(row[0], row[6], row[8], row[9]) for row in rows],
            [
                ("Rutin för loggkontroll", "Individ- och familjeomsorgen", 2, 3),
                ("Rutin för loggkontroll", "Individ- och familjeomsorgen", 2, 3),
            ],
        )
        missing = list(workbook["Saknas"].iter_rows(values_only=True))[1:]
        self.assertEqual([row[2] for row in missing], ["Inez Falk"])

    def test_a_very_long_missing_list_says_where_it_was_cut(self):
        items = coverage(required_documents().order_by("title"))
        rows = list(missing_rows(items, OrganisationTree.load(), limit=3))
        self.assertEqual(len(rows), 4)
        self.assertEqual(
            rows[-1],
            [
                "Listan är avkortad efter 3 rader. Välj en organisation eller ladda ned ett "
                "dokuments kvittensläge för hela listan."
            ],
        )

    def test_csv_for_swedish_excel(self):
        response = client_for(self.samordnare).get(INDEX + "?export=csv")
        self.assertEqual(response.status_code, 200)
        content = response.content
        self.assertTrue(content.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[0][:2], ["Dokument", "Dokumenttyp"])
        rutin = [row for row in rows if row[0] == "Rutin för loggkontroll"]
        self.assertEqual(rutin[0][6:12], ["Hela kommunen", "Totalt", "3", "7", "4", "42,9"])
        self.assertIn(["Hemtjänsten", "Enhet", "0", "1", "1", "0,0"], [r[6:12] for r in rutin])
        formula = [row for row in rows if "HYPERLINK" in row[0]]
        self.assertTrue(formula)
        self.assertTrue(all(row[0].startswith("'=") for row in formula))


class CoverageQueryCountTests(TestCase):
    """The report's pages cost the same number of queries with more people, confirmations and
    documents (everything is counted in grouped SQL)."""

    @classmethod
    def setUpTestData(cls):
        KommunData.build.__func__(cls)

    def count(self, url):
        client = client_for(self.samordnare)
        client.get(url)  # warm: settings, site root paths
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def grow(self, n):
        """n more people in each enhet, half of them confirming, and n more documents."""
        for unit in (self.ifo, self.aldre, self.klf):
            for i in range(n):
                user = make_user(f"extra-{unit.pk}-{i}", first_name="Extra", last_name=str(i))
                Membership.objects.create(user=user, organisation=unit)
                if i % 2:
                    confirm(user, self.rutin)
                    confirm(user, self.policy)
        for i in range(n):
            document = make_document(RutinPage, title=f"Extra rutin {i}", responsible=self.agare)
            Requirement.objects.create(document=document).organisations.add(self.soc)
            confirm(self.ifo1, document)

    def test_constant_queries(self):
        urls = [
            INDEX,
            INDEX + f"?organisation={self.soc.pk}",
            INDEX + "?coverage=80",
            document_url(self.rutin),
            document_url(self.policy, f"?organisation={self.soc.pk}"),
        ]
        before = [self.count(url) for url in urls]
        self.grow(6)
        after = [self.count(url) for url in urls]
        self.assertEqual(before, after)
