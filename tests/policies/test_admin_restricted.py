"""A document restricted to groups, its subtree and its files do not exist in the admin for
anyone outside those groups: every Wagtail and Styrdok admin address that names them is a 404,
and no listing, search, chooser or report shows them. Members and superusers see them."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex, Revision, Workflow, WorkflowState

from policies.models import RiktlinjePage, RutinPage, Styrdokument
from policies.visibility import document_hidden_from, hidden_file_ids
from tests.factories import get_register, make_document, make_user, paragraph

INTRANET_HOST = "intranet.localhost"
MARKER = "Salamanderkod"
FILE_MARKER = "Salamanderbilaga"

NON_MEMBERS = ("redaktor", "samordnare", "agare")
SEERS = ("medlem", "admin")


class RestrictedScene(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = Group.objects.create(name="Säkerhetsskydd")
        cls.users = {
            "redaktor": make_user("redaktor", groups=["Redaktörer"]),
            "samordnare": make_user("samordnare", groups=["Informationssäkerhetssamordnare"]),
            "agare": make_user("agare", groups=["Dokumentansvariga"]),
            "medlem": make_user("medlem", groups=["Redaktörer", "Säkerhetsskydd"]),
            "admin": make_user("admin", superuser=True),
        }
        cls.file = get_document_model().objects.create(
            title=f"{FILE_MARKER} bilaga",
            file=ContentFile(b"Skyddad bilaga\n", name="salamander-bilaga.txt"),
        )
        cls.open_file = get_document_model().objects.create(
            title="Öppen bilaga", file=ContentFile(b"Bilaga\n", name="oppen.txt")
        )
        cls.public = make_document(
            RiktlinjePage,
            title="Riktlinje för lösenord",
            body=[paragraph(f'<p><a linktype="document" id="{cls.open_file.pk}">x</a></p>')],
        )
        cls.page = make_document(
            RiktlinjePage,
            title=f"Riktlinje {MARKER}",
            publicity="internal",
            restricted_to=[cls.group],
            responsible=cls.users["agare"],
            body=[paragraph(f'<p><a linktype="document" id="{cls.file.pk}">bilagan</a></p>')],
        )
        cls.child = make_document(
            RutinPage,
            parent=cls.page,
            title=f"Rutin {MARKER}",
            publicity="internal",
            restricted_to=[cls.group],
        )
        for page in (cls.public, cls.page, cls.child):
            ReferenceIndex.create_or_update_for_object(Page.objects.get(pk=page.pk).specific)
        # A draft on top of the adopted version: two revisions to view and compare.
        draft = RiktlinjePage.objects.get(pk=cls.page.pk)
        draft.summary = f"Utkast {MARKER}"
        draft.save_revision(user=cls.users["medlem"])
        revisions = Revision.page_revisions.filter(object_id=str(cls.page.pk)).order_by("pk")
        cls.revision_ids = [revision.pk for revision in revisions]
        cls.state = WorkflowState.objects.create(
            content_type=ContentType.objects.get_for_model(RiktlinjePage),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(cls.page.pk),
            workflow=Workflow.objects.filter(active=True).first(),
            status=WorkflowState.STATUS_CANCELLED,
            requested_by=cls.users["medlem"],
        )
        RiktlinjePage.objects.filter(pk=cls.page.pk).update(locked=True)
        # A member edited the file: Wagtail's site history keeps its title as the entry's label.
        log(instance=cls.file, action="wagtail.edit", user=cls.users["medlem"])

    def client_for(self, role):
        client = Client(HTTP_HOST=INTRANET_HOST)
        client.force_login(self.users[role])
        return client


def page_urls(page, revisions, state):
    first, last = revisions[0], revisions[-1]
    return {
        "redigera": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "förhandsgranska": reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
        "visa utkast": reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        "historik": reverse("wagtailadmin_pages:history", args=[page.pk]),
        "historik (resultat)": reverse("wagtailadmin_pages:history_results", args=[page.pk]),
        "versioner": reverse("wagtailadmin_pages:revisions_index", args=[page.pk]),
        "visa version": reverse("wagtailadmin_pages:revisions_view", args=[page.pk, first]),
        "återställ version": reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, first]),
        "jämför versioner": reverse(
            "wagtailadmin_pages:revisions_compare", args=[page.pk, first, last]
        ),
        "arbetsflödeshistorik": reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
        "arbetsflödesdetalj": reverse(
            "wagtailadmin_pages:workflow_history_detail", args=[page.pk, state.pk]
        ),
        "användning": reverse("wagtailadmin_pages:usage", args=[page.pk]),
        "kopiera": reverse("wagtailadmin_pages:copy", args=[page.pk]),
        "flytta": reverse("wagtailadmin_pages:move", args=[page.pk]),
        "ta bort": reverse("wagtailadmin_pages:delete", args=[page.pk]),
        "avpublicera": reverse("wagtailadmin_pages:unpublish", args=[page.pk]),
        "lägg till undersida": reverse("wagtailadmin_pages:add_subpage", args=[page.pk]),
        "lägg till rutin": reverse(
            "wagtailadmin_pages:add", args=["policies", "rutinpage", page.pk]
        ),
        "utforskare": reverse("wagtailadmin_explore", args=[page.pk]),
        "sidväljare": reverse("wagtailadmin_choose_page_child", args=[page.pk]),
        "admin-API": reverse("wagtailadmin_api:pages:detail", args=[page.pk]),
        "massåtgärd": reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
        + f"?id={page.pk}",
        "Styrdoks jämförelse": reverse("styrdok_cases:compare", args=[page.pk, first, last]),
        "beslutshistorik": reverse("styrdok_history:document", args=[page.pk]),
        "revision": reverse("styrdok_review:overview", args=[page.pk]),
        "föreslå upphävande": reverse("styrdok_repeal:propose", args=[page.pk]),
    }


def file_urls(file):
    return {
        "redigera fil": reverse("wagtaildocs:edit", args=[file.pk]),
        "filens användning": reverse("wagtaildocs:document_usage", args=[file.pk]),
        "ta bort fil": reverse("wagtaildocs:delete", args=[file.pk]),
        "filväljare": reverse("wagtaildocs_chooser:chosen", args=[file.pk]),
        "fil i admin-API": reverse("wagtailadmin_api:documents:detail", args=[file.pk]),
    }


LISTINGS = {
    "utforskare (registret)": lambda scene: reverse(
        "wagtailadmin_explore", args=[get_register().pk]
    ),
    "utforskare (resultat)": lambda scene: reverse(
        "wagtailadmin_explore_results", args=[get_register().pk]
    ),
    "sök sidor": lambda scene: reverse("wagtailadmin_pages:search") + "?q=Riktlinje",
    "sök sidor (resultat)": lambda scene: (
        reverse("wagtailadmin_pages:search_results") + "?q=Riktlinje"
    ),
    "sidväljare (registret)": lambda scene: reverse(
        "wagtailadmin_choose_page_child", args=[get_register().pk]
    ),
    "sidväljare (sök)": lambda scene: reverse("wagtailadmin_choose_page_search") + "?q=Riktlinje",
    "admin-API (barn)": lambda scene: (
        reverse("wagtailadmin_api:pages:listing") + f"?child_of={get_register().pk}&for_explorer=1"
    ),
    "admin-API (sök)": lambda scene: (
        reverse("wagtailadmin_api:pages:listing") + "?search=Riktlinje"
    ),
    "webbplatshistorik": lambda scene: reverse("wagtailadmin_reports:site_history"),
    "webbplatshistorik (CSV)": lambda scene: (
        reverse("wagtailadmin_reports:site_history") + "?export=csv"
    ),
    "arbetsflöden": lambda scene: reverse("wagtailadmin_reports:workflow"),
    "arbetsflödessteg": lambda scene: reverse("wagtailadmin_reports:workflow_tasks"),
    "låsta sidor": lambda scene: reverse("wagtailadmin_reports:locked_pages"),
    "åldrande sidor": lambda scene: reverse("wagtailadmin_reports:aging_pages"),
    "sidtyper": lambda scene: reverse("wagtailadmin_reports:page_types_usage"),
    "dokumentbibliotek": lambda scene: reverse("wagtaildocs:index"),
    "dokumentbibliotek (sök)": lambda scene: reverse("wagtaildocs:index") + "?q=bilaga",
    "dokumentväljare": lambda scene: reverse("wagtaildocs_chooser:choose"),
    "dokumentväljare (sök)": lambda scene: (
        reverse("wagtaildocs_chooser:choose_results") + "?q=bilaga"
    ),
    "fil-API": lambda scene: reverse("wagtailadmin_api:documents:listing"),
    "översikt": lambda scene: reverse("wagtailadmin_home"),
    "beslutsärenden": lambda scene: reverse("styrdok_decision_cases:index"),
    "revisionsplan": lambda scene: reverse("styrdok_revision_plan:index"),
    "årlig genomgång": lambda scene: reverse("styrdok_annual_report:index"),
}


def shows(response, marker):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode(errors="replace").lower()
    return marker.lower() in text or marker.lower().encode("unicode_escape").decode() in text


class HiddenAddressesTest(RestrictedScene):
    """Each page-scoped and file-scoped address is a 404 for every non-member role."""

    def test_every_admin_address_of_a_hidden_page_is_a_404(self):
        failures = []
        for role in NON_MEMBERS:
            client = self.client_for(role)
            for page in (self.page, self.child):
                for name, url in page_urls(page, self.revision_ids, self.state).items():
                    response = client.get(url)
                    if response.status_code != 404 or shows(response, MARKER):
                        failures.append(f"{role} GET {name} {url}: {response.status_code}")
        self.assertEqual(failures, [])

    def test_posts_to_a_hidden_page_change_nothing(self):
        before = Page.objects.get(pk=self.page.pk)
        client = self.client_for("redaktor")
        for name in ("ta bort", "avpublicera", "kopiera", "flytta", "redigera"):
            url = page_urls(self.page, self.revision_ids, self.state)[name]
            response = client.post(url, {"title": "Ändrad", "slug": "andrad"})
            self.assertEqual(response.status_code, 404, name)
        for action in ("lock", "unlock"):
            response = client.post(reverse(f"wagtailadmin_pages:{action}", args=[self.page.pk]))
            self.assertEqual(response.status_code, 404, action)
        after = Page.objects.get(pk=self.page.pk)
        self.assertEqual(
            (after.title, after.live, after.path, after.locked),
            (before.title, before.live, before.path, before.locked),
        )

    def test_every_address_of_a_hidden_file_is_a_404(self):
        failures = []
        for role in NON_MEMBERS:
            client = self.client_for(role)
            for name, url in file_urls(self.file).items():
                response = client.get(url)
                if response.status_code != 404 or shows(response, FILE_MARKER):
                    failures.append(f"{role} GET {name}: {response.status_code}")
        self.assertEqual(failures, [])

    def test_a_hidden_id_answers_as_an_unused_one(self):
        # The same 404 page (or the admin API's JSON) as for an id never used: a redaktör
        # stepping through ids cannot tell which belong to hidden documents and files.
        unused_page = Page.objects.order_by("-pk").first().pk + 1000
        unused_file = get_document_model().objects.order_by("-pk").first().pk + 1000
        addresses = [
            (reverse(route, args=[pk]), reverse(route, args=[unused]))
            for route, pk, unused in (
                ("wagtailadmin_pages:edit", self.page.pk, unused_page),
                ("wagtailadmin_pages:history", self.child.pk, unused_page),
                ("styrdok_review:overview", self.page.pk, unused_page),
                ("wagtailadmin_api:pages:detail", self.page.pk, unused_page),
                ("wagtaildocs:edit", self.file.pk, unused_file),
                ("wagtailadmin_api:documents:detail", self.file.pk, unused_file),
            )
        ]
        client = self.client_for("redaktor")
        for hidden, unused in addresses:
            answers = [client.get(url) for url in (hidden, unused)]
            self.assertEqual(
                [(a.status_code, a["Content-Type"], a.get("Cache-Control")) for a in answers],
                [(404, answers[1]["Content-Type"], answers[1].get("Cache-Control"))] * 2,
                hidden,
            )
            self.assertEqual(answers[0].content, answers[1].content, hidden)

    def test_members_and_superusers_open_the_same_addresses(self):
        for role in SEERS:
            client = self.client_for(role)
            urls = page_urls(self.page, self.revision_ids, self.state)
            for name in ("redigera", "historik", "visa version", "jämför versioner"):
                response = client.get(urls[name])
                self.assertEqual(response.status_code, 200, f"{role} {name}")
                self.assertTrue(shows(response, MARKER), f"{role} {name}")
            response = client.get(file_urls(self.file)["redigera fil"])
            self.assertEqual(response.status_code, 200, role)


class HiddenListingsTest(RestrictedScene):
    maxDiff = None

    """No listing, search, chooser or report names a hidden page or file to a non-member."""

    def test_no_listing_shows_a_hidden_page_or_file(self):
        failures = []
        for role in NON_MEMBERS:
            client = self.client_for(role)
            for name, url_for in LISTINGS.items():
                response = client.get(url_for(self))
                if response.status_code >= 500:
                    failures.append(f"{role} {name}: {response.status_code}")
                for marker in (MARKER, FILE_MARKER):
                    if shows(response, marker):
                        failures.append(f"{role} {name}: shows {marker}")
        self.assertEqual(failures, [])

    def test_the_site_history_does_not_name_a_hidden_file_to_a_files_administrator(self):
        # Wagtail shows every file's entries to whoever may change files as a whole (a group
        # a kommun may set up for its archivists); the restriction still applies to them.
        archivists = Group.objects.create(name="Arkivarier")
        archivists.permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtaildocs", codename="change_document"
            ),
            Permission.objects.get(codename="access_admin"),
        )
        archivist = make_user("arkivarie", groups=["Arkivarier"])
        client = Client(HTTP_HOST=INTRANET_HOST)
        client.force_login(archivist)
        for name in ("webbplatshistorik", "webbplatshistorik (CSV)"):
            response = client.get(LISTINGS[name](self))
            self.assertEqual(response.status_code, 200, name)
            self.assertFalse(shows(response, FILE_MARKER), name)
        # The positive control: an archivist who is a member finds the entry.
        client.force_login(make_user("arkivarie2", groups=["Arkivarier", "Säkerhetsskydd"]))
        self.assertTrue(shows(client.get(LISTINGS["webbplatshistorik"](self)), FILE_MARKER))

    def test_members_and_superusers_find_them(self):
        for role in SEERS:
            client = self.client_for(role)
            for name in ("utforskare (registret)", "sök sidor", "sidväljare (sök)"):
                response = client.get(LISTINGS[name](self))
                self.assertTrue(shows(response, MARKER), f"{role} {name}")
            response = client.get(LISTINGS["dokumentbibliotek"](self))
            self.assertTrue(shows(response, FILE_MARKER), role)
        # Wagtail shows a file's entries to those with permission on files as a whole.
        response = self.client_for("admin").get(LISTINGS["webbplatshistorik"](self))
        self.assertTrue(shows(response, FILE_MARKER))

    def test_public_pages_and_their_files_stay_listed_for_everyone(self):
        for role in NON_MEMBERS:
            client = self.client_for(role)
            response = client.get(LISTINGS["utforskare (registret)"](self))
            self.assertContains(response, "Riktlinje för lösenord")
            response = client.get(LISTINGS["dokumentbibliotek"](self))
            self.assertContains(response, "Öppen bilaga")


class VisibilityRuleTest(RestrictedScene):
    """The rule itself, used by every channel: in-process, no HTTP."""

    def test_the_subtree_is_hidden_with_its_root(self):
        redaktor = self.users["redaktor"]
        visible = set(Styrdokument.objects.visible_to(redaktor).values_list("pk", flat=True))
        self.assertNotIn(self.page.pk, visible)
        self.assertNotIn(self.child.pk, visible)
        self.assertIn(self.public.pk, visible)
        member = set(
            Styrdokument.objects.visible_to(self.users["medlem"]).values_list("pk", flat=True)
        )
        self.assertTrue({self.page.pk, self.child.pk} <= member)

    def test_a_child_left_unrestricted_under_a_restricted_parent_is_hidden_too(self):
        RutinPage.restricted_to.through.objects.filter(styrdokument_id=self.child.pk).delete()
        redaktor = self.users["redaktor"]
        child = RutinPage.objects.get(pk=self.child.pk)
        self.assertTrue(document_hidden_from(child, redaktor))
        self.assertFalse(Styrdokument.objects.visible_to(redaktor).filter(pk=child.pk).exists())

    def test_files_used_only_by_hidden_pages_are_hidden(self):
        self.assertEqual(hidden_file_ids(self.users["redaktor"]), {self.file.pk})
        self.assertEqual(hidden_file_ids(self.users["medlem"]), set())
        self.assertEqual(hidden_file_ids(self.users["admin"]), set())

    def test_a_file_also_used_by_a_visible_page_is_not_hidden(self):
        page = RiktlinjePage.objects.get(pk=self.public.pk)
        page.body = [paragraph(f'<p><a linktype="document" id="{self.file.pk}">b</a></p>')]
        page.save()
        ReferenceIndex.create_or_update_for_object(page)
        self.assertEqual(hidden_file_ids(self.users["redaktor"]), set())

    def test_the_permission_tester_refuses_every_action(self):
        page = RiktlinjePage.objects.get(pk=self.page.pk)
        perms = page.permissions_for_user(self.users["redaktor"])
        for check in (
            perms.can_edit,
            perms.can_add_subpage,
            perms.can_copy,
            perms.can_view_revisions,
            perms.can_lock,
            perms.can_submit_for_moderation,
        ):
            self.assertFalse(check(), check.__name__)
        member_perms = page.permissions_for_user(self.users["medlem"])
        self.assertTrue(member_perms.can_edit())

    def test_nothing_moves_into_a_hidden_subtree(self):
        other = make_document(RiktlinjePage, title="Annan riktlinje", publish=False)
        register = get_register()
        perms = other.permissions_for_user(self.users["redaktor"])
        self.assertFalse(perms.can_move_to(Page.objects.get(pk=self.page.pk)))
        self.assertIsNotNone(register)

    def test_an_owner_outside_the_groups_is_refused(self):
        from policies import rules

        errors = rules.check(
            ["owner_may_read"],
            {"restricted_to": [self.group], "responsible": self.users["agare"]},
        )
        self.assertIn("inte medlem i någon av grupperna", errors["responsible"][0])
        member = {"restricted_to": [self.group], "responsible": self.users["medlem"]}
        self.assertEqual(rules.check(["owner_may_read"], member), {})
        unrestricted = {"restricted_to": [], "responsible": self.users["agare"]}
        self.assertEqual(rules.check(["owner_may_read"], unrestricted), {})

    def test_nobody_outside_the_groups_is_an_approver(self):
        from governance.workflows import ReviewTask

        task = ReviewTask.objects.filter(active=True).first()
        page = RiktlinjePage.objects.get(pk=self.page.pk)
        samordnare = self.users["samordnare"]
        task.groups.add(*samordnare.groups.all())
        self.assertNotIn(samordnare, task.eligible_approvers(page))
        self.assertEqual(task.get_actions(page, samordnare), [])

        samordnare.groups.add(self.group)
        samordnare = type(samordnare).objects.get(pk=samordnare.pk)  # a fresh reader
        self.assertIn(samordnare, task.eligible_approvers(page))
        self.assertNotEqual(task.get_actions(page, samordnare), [])
