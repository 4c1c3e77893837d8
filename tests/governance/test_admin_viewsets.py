"""Styrdok's admin screens are ViewSets: each answers under its namespaced URL name at the address
it has always had, shows Wagtail's breadcrumbs, and lets in exactly the roles it did before.

A role × screen matrix, one in-process HTTP request per cell. The rules behind each cell are
tested in depth elsewhere (test_permissions, test_admin_restricted, the workflow tests); here
the point is the wiring: URL, menu, declared permission and object-level check.
"""

from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Revision

from policies.models import RiktlinjePage
from tests.factories import INTRANET_HOST, get_body, make_document, make_user

from .workflow_helpers import current_task_state, is_refused, make_draft, start

OK = 200
REFUSED = "refused"  # Wagtail's refusal: to the dashboard with "saknar rättigheter" (or a 403)
HIDDEN = 404
LOGIN = "login"  # redirected to the admin's login page
BACK = "back"  # refused with a message, sent back to the document's revision page

ROLES = ("anonym", "redaktor", "beslutsfattare", "samordnare", "admin")

# screen: (URL name, the address it has always had, its last breadcrumb, answer per role)
SCREENS = {
    "ärendesidan": (
        "styrdok_cases:case",
        "/admin/arenden/{state}/",
        "Granskning",
        (LOGIN, OK, REFUSED, OK, OK),
    ),
    "utskick": (
        "styrdok_outbox:index",
        "/admin/rapporter/utskick/",
        "Utskick",
        (LOGIN, REFUSED, REFUSED, OK, OK),
    ),
    "föreslå upphävande": (
        "styrdok_repeal:propose",
        "/admin/styrdokument/{doc}/foresla-upphavande/",
        "Föreslå upphävande",
        (LOGIN, REFUSED, REFUSED, OK, OK),
    ),
    "beslutshistorik": (
        "styrdok_history:document",
        "/admin/beslutshistorik/{doc}/",
        "Beslutshistorik",
        (LOGIN, OK, OK, OK, OK),
    ),
    "revision": (
        "styrdok_review:overview",
        "/admin/revision/{doc}/",
        "Revision och aktualitetsprövning",
        (LOGIN, OK, OK, OK, OK),
    ),
    "påbörja revision": (
        "styrdok_review:start",
        "/admin/revision/{doc}/paborja/",
        "Påbörja revision",
        (LOGIN, OK, BACK, OK, OK),
    ),
    "revisionskalender": (
        "styrdok_calendar:manage",
        "/admin/kalender/",
        "Revisionskalender",
        (LOGIN, OK, OK, OK, OK),
    ),
    "någon annans revisionskalender": (
        "styrdok_calendar:user",
        "/admin/kalender/{other}/",
        "Revisionskalender",
        (LOGIN, REFUSED, REFUSED, REFUSED, OK),
    ),
    "mina dokument": (
        "styrdok_my_documents:index",
        "/admin/mina-dokument/",
        "Mina dokument",
        (LOGIN, OK, OK, OK, OK),
    ),
    "beslutsärenden": (
        "styrdok_decision_cases:index",
        "/admin/rapporter/beslutsarenden/",
        "Beslutsärenden",
        (LOGIN, OK, REFUSED, OK, OK),
    ),
    "revisionsplan": (
        "styrdok_revision_plan:index",
        "/admin/rapporter/revisionsplan/",
        "Revisionsplan",
        (LOGIN, OK, OK, OK, OK),
    ),
    "årlig genomgång": (
        "styrdok_annual_report:index",
        "/admin/rapporter/arlig-genomgang/",
        "Årlig genomgång",
        (LOGIN, REFUSED, OK, OK, OK),
    ),
}

# The per-document screens for a document restricted to a group none of the roles is in: absent
# (404) for everyone but the superuser, as the document itself is.
HIDDEN_SCREENS = {
    "föreslå upphävande": "styrdok_repeal:propose",
    "beslutshistorik": "styrdok_history:document",
    "revision": "styrdok_review:overview",
    "påbörja revision": "styrdok_review:start",
    "bekräfta oförändrad": "styrdok_review:confirm",
    "jämförelse": "styrdok_cases:compare",
}

# Menu items the viewsets register: (hook, label, who sees it per role, without anonym).
MENU_ITEMS = {
    "Utskick": ("register_reports_menu_item", (False, False, True, True)),
    "Beslutsärenden": ("register_reports_menu_item", (True, False, True, True)),
    "Revisionsplan": ("register_reports_menu_item", (True, True, True, True)),
    "Årlig genomgång": ("register_reports_menu_item", (False, True, True, True)),
    "Mina dokument": ("register_admin_menu_item", (False, True, True, True)),
}


def breadcrumbs(response):
    nav = BeautifulSoup(response.content, "html.parser").select_one(
        '[data-controller="w-breadcrumbs"] ol'
    )
    if nav is None:
        return []
    return [" ".join(item.get_text(" ", strip=True).split()) for item in nav.find_all("li")]


class AdminViewSetMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "anonym": None,
            "redaktor": make_user("vs-redaktor", groups=["Redaktörer"]),
            "beslutsfattare": make_user("vs-beslutsfattare", groups=["Beslutsfattare"]),
            "samordnare": make_user("vs-samordnare", groups=["Informationssäkerhetssamordnare"]),
            "admin": make_user("vs-admin", superuser=True),
        }
        body = get_body("kommundirektor")
        body.official = cls.users["beslutsfattare"]
        body.save(update_fields=["official"])
        cls.other = make_user("vs-annan")
        cls.document = make_document(
            RiktlinjePage, title="Riktlinje för viewsets", responsible=cls.other
        )
        secret = Group.objects.create(name="Hemlig grupp")
        cls.hidden = make_document(
            RiktlinjePage,
            title="Hemlig riktlinje",
            publicity="internal",
            restricted_to=[secret],
        )
        cls.hidden_revision = Revision.page_revisions.filter(object_id=str(cls.hidden.pk)).first()
        draft = make_draft("riktlinje", "kommundirektor", user=cls.users["redaktor"])
        start(draft, cls.users["redaktor"])
        cls.state = current_task_state(draft)

    def client_for(self, role):
        client = Client(HTTP_HOST=INTRANET_HOST)
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client

    def address(self, template):
        return template.format(state=self.state.pk, doc=self.document.pk, other=self.other.pk)

    def url_args(self, url_name):
        return {
            "styrdok_cases:case": [self.state.pk],
            "styrdok_calendar:user": [self.other.pk],
        }.get(url_name, [self.document.pk] if "{doc}" in SCREENS_BY_NAME[url_name] else [])

    def test_each_screen_keeps_its_address_under_its_namespaced_name(self):
        for screen, (url_name, address, _label, _answers) in SCREENS.items():
            with self.subTest(screen=screen):
                self.assertEqual(
                    reverse(url_name, args=self.url_args(url_name)), self.address(address)
                )

    def test_role_by_screen(self):
        for screen, (_url_name, address, label, answers) in SCREENS.items():
            for role, expected in zip(ROLES, answers, strict=True):
                with self.subTest(screen=screen, role=role):
                    response = self.client_for(role).get(self.address(address))
                    self.assert_answer(response, expected, label)

    def assert_answer(self, response, expected, label):
        if expected == LOGIN:
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("wagtailadmin_login")))
        elif expected == REFUSED:
            self.assertTrue(is_refused(response), response)
        elif expected == BACK:
            self.assertEqual(response.status_code, 302)
            self.assertEqual(
                response["Location"], reverse("styrdok_review:overview", args=[self.document.pk])
            )
        else:
            self.assertEqual(response.status_code, expected)
        if expected == OK:
            crumbs = breadcrumbs(response)
            self.assertGreaterEqual(len(crumbs), 2, crumbs)
            self.assertTrue(crumbs[-1].startswith(label), crumbs)

    def test_hidden_documents_are_absent_from_every_document_screen(self):
        for screen, url_name in HIDDEN_SCREENS.items():
            if url_name == "styrdok_cases:compare":
                args = [self.hidden.pk, "live", self.hidden_revision.pk]
            else:
                args = [self.hidden.pk]
            url = reverse(url_name, args=args)
            for role in ROLES[1:]:
                with self.subTest(screen=screen, role=role):
                    response = self.client_for(role).get(url)
                    if role == "admin":
                        self.assertNotEqual(response.status_code, HIDDEN)
                    else:
                        self.assertEqual(response.status_code, HIDDEN)

    def test_menu_items_are_shown_to_who_may_use_the_screen(self):
        reverse("wagtailadmin_home")  # the viewsets register their menu items with the URLs
        for label, (hook, shown) in MENU_ITEMS.items():
            items = [fn() for fn in hooks.get_hooks(hook)]
            item = next(item for item in items if str(item.label) == label)
            for role, expected in zip(ROLES[1:], shown, strict=True):
                with self.subTest(menu_item=label, role=role):
                    request = RequestFactory().get("/admin/")
                    request.user = self.users[role]
                    self.assertEqual(item.is_shown(request), expected)


SCREENS_BY_NAME = {url_name: address for url_name, address, _label, _answers in SCREENS.values()}
