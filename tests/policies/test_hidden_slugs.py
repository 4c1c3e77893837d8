"""A slug held by a document hidden from the editor is never reported as taken: creating,
editing, copying or moving a page onto it silently takes a free suffix ("-2"), with no message
about the hidden sibling. Members still get Wagtail's own message."""

from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client, TestCase
from django.urls import reverse
from wagtail.actions.move_page import MovePageAction
from wagtail.models import Page

from policies.hidden_slugs import collides_only_with_hidden, slug_for
from policies.models import RiktlinjePage, RutinPage
from tests.factories import INTRANET_HOST, get_register, make_document, make_user
from tests.governance.workflow_helpers import page_form_data

HIDDEN_SLUG = "salamander-riktlinje"
HIDDEN_RUTIN = "salamander-rutin"


def _said(response):
    """Everything the editor is told: the page and its flash messages."""
    text = response.content.decode() if response.status_code == 200 else ""
    return text + " ".join(str(m) for m in get_messages(response.wsgi_request))


class HiddenSlugScene(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = Group.objects.create(name="Säkerhetsskydd")
        cls.redaktor = make_user("redaktor", groups=["Redaktörer"])
        cls.medlem = make_user("medlem", groups=["Redaktörer", "Säkerhetsskydd"])
        cls.register = get_register()
        cls.hidden = make_document(
            RiktlinjePage,
            title="Riktlinje Salamander",
            slug=HIDDEN_SLUG,
            publicity="internal",
            restricted_to=[cls.group],
        )
        cls.visible = make_document(RiktlinjePage, title="Riktlinje Öppen", slug="oppen")
        cls.other = make_document(RiktlinjePage, title="Riktlinje Annan", slug="annan")
        # A restricted rutin under a visible riktlinje, and a visible one of the same slug
        # elsewhere, to be moved next to it.
        cls.hidden_rutin = make_document(
            RutinPage,
            parent=cls.visible,
            title="Rutin Salamander",
            slug=HIDDEN_RUTIN,
            publicity="internal",
            restricted_to=[cls.group],
        )
        cls.movable = make_document(
            RutinPage, parent=cls.other, title="Rutin Flytt", slug=HIDDEN_RUTIN, publish=False
        )

    def setUp(self):
        # Fresh from the database: treebeard reads a cached numchild of 0 as "no children".
        self.register = Page.objects.get(pk=self.register.pk)

    def client_for(self, user):
        client = Client(HTTP_HOST=INTRANET_HOST)
        client.force_login(user)
        return client

    def create(self, user, slug):
        url = reverse(
            "wagtailadmin_pages:add", args=["policies", "riktlinjepage", self.register.pk]
        )
        data = page_form_data(RiktlinjePage, "Ny riktlinje", slug, None, publicity="internal")
        return self.client_for(user).post(url, data)


class HiddenSlugRuleTest(HiddenSlugScene):
    def test_the_rule(self):
        assert collides_only_with_hidden(HIDDEN_SLUG, self.register, self.redaktor)
        assert not collides_only_with_hidden(HIDDEN_SLUG, self.register, self.medlem)
        assert not collides_only_with_hidden("oppen", self.register, self.redaktor)
        assert not collides_only_with_hidden(HIDDEN_SLUG, self.register, None)
        assert slug_for(self.redaktor, HIDDEN_SLUG, self.register) == f"{HIDDEN_SLUG}-2"
        assert slug_for(self.medlem, HIDDEN_SLUG, self.register) == HIDDEN_SLUG
        # Stable: the page keeps its suffix, it is not moved on to "-3".
        page = self.visible
        page.slug = f"{HIDDEN_SLUG}-2"
        Page.objects.filter(pk=page.pk).update(slug=page.slug)
        assert slug_for(self.redaktor, HIDDEN_SLUG, self.register, page) == f"{HIDDEN_SLUG}-2"
        assert slug_for(self.redaktor, HIDDEN_SLUG, self.register) == f"{HIDDEN_SLUG}-3"


class HiddenSlugAdminTest(HiddenSlugScene):
    def test_create_takes_a_free_suffix_without_a_word(self):
        response = self.create(self.redaktor, HIDDEN_SLUG)
        assert response.status_code == 302, _said(response)
        page = Page.objects.get(title="Ny riktlinje")
        assert page.slug == f"{HIDDEN_SLUG}-2"
        said = _said(response)
        assert "används" not in said and "Salamander" not in said

    def test_a_member_gets_wagtails_message(self):
        response = self.create(self.medlem, HIDDEN_SLUG)
        assert response.status_code == 200
        assert "används" in response.content.decode() or "in use" in response.content.decode()
        assert not Page.objects.filter(title="Ny riktlinje").exists()

    def test_edit_takes_a_free_suffix(self):
        url = reverse("wagtailadmin_pages:edit", args=[self.visible.pk])
        data = page_form_data(RiktlinjePage, self.visible.title, HIDDEN_SLUG, None)
        response = self.client_for(self.redaktor).post(url, data)
        assert response.status_code == 302, _said(response)
        draft = RiktlinjePage.objects.get(pk=self.visible.pk).get_latest_revision_as_object()
        assert draft.slug == f"{HIDDEN_SLUG}-2"
        assert "används" not in _said(response)

    def test_copy_takes_a_free_suffix(self):
        url = reverse("wagtailadmin_pages:copy", args=[self.visible.pk])
        data = {
            "new_title": "Kopia",
            "new_slug": HIDDEN_SLUG,
            "new_parent_page": str(self.register.pk),
        }
        response = self.client_for(self.redaktor).post(url, data)
        assert response.status_code == 302, _said(response)
        assert Page.objects.get(title="Kopia").slug == f"{HIDDEN_SLUG}-2"
        said = _said(response)
        assert "används" not in said and "in use" not in said

    def test_copy_by_a_member_is_refused_as_before(self):
        url = reverse("wagtailadmin_pages:copy", args=[self.visible.pk])
        data = {
            "new_title": "Kopia",
            "new_slug": HIDDEN_SLUG,
            "new_parent_page": str(self.register.pk),
        }
        response = self.client_for(self.medlem).post(url, data)
        assert response.status_code == 200
        assert not Page.objects.filter(title="Kopia").exists()

    def test_move_takes_a_free_suffix(self):
        MovePageAction(
            RutinPage.objects.get(pk=self.movable.pk),
            self.visible,
            pos="last-child",
            user=self.redaktor,
        ).execute(skip_permission_checks=True)
        moved = RutinPage.objects.get(pk=self.movable.pk)
        assert moved.get_parent().pk == self.visible.pk
        assert moved.slug == f"{HIDDEN_RUTIN}-2"
        assert moved.get_latest_revision_as_object().slug == f"{HIDDEN_RUTIN}-2"
        assert moved.url_path.endswith(f"/{HIDDEN_RUTIN}-2/")

    def test_move_views_do_not_report_the_hidden_sibling(self):
        url = reverse("wagtailadmin_pages:move_confirm", args=[self.movable.pk, self.visible.pk])
        page = RutinPage.objects.get(pk=self.movable.pk)
        request = self.client_for(self.redaktor).get(url).wsgi_request
        # Whatever the redaktor's move permission, no message names the slug as taken.
        assert not any(HIDDEN_RUTIN in str(m) for m in get_messages(request))
        request = self.client_for(self.medlem).get(url).wsgi_request
        assert any(HIDDEN_RUTIN in str(m) for m in get_messages(request))
        assert RutinPage.objects.get(pk=page.pk).slug == HIDDEN_RUTIN


class HiddenSlugBulkMoveTest(HiddenSlugScene):
    def test_bulk_move_takes_a_free_suffix(self):
        from django.contrib.auth.models import Permission
        from wagtail.models import GroupPagePermission

        movers = Group.objects.create(name="Flyttare")
        root = Page.get_first_root_node()
        for codename in ("add_page", "change_page", "publish_page", "bulk_delete_page"):
            GroupPagePermission.objects.create(
                group=movers,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        mover = make_user("flyttare", groups=["Redaktörer", "Flyttare"])
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
        response = self.client_for(mover).post(
            f"{url}?id={self.movable.pk}", {"chooser": str(self.visible.pk)}
        )
        said = _said(response)
        assert "används" not in said and "in use" not in said
        moved = RutinPage.objects.get(pk=self.movable.pk)
        assert moved.get_parent().pk == self.visible.pk, said[:2000]
        assert moved.slug == f"{HIDDEN_RUTIN}-2"
