"""Copying a page with its subpages copies what the person copying may see (policies.
hidden_copies): the copy form counts only those subpages, the copy leaves the hidden documents
and what lies below them out, and the new pages' child counts are right. Members, superusers and
the shell copy the whole subtree, as Wagtail does."""

from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.text import slugify
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.models import Page, PageLogEntry

from policies.models import RiktlinjePage, RutinPage
from tests.factories import INTRANET_HOST, get_register, make_document, make_user

HIDDEN = "Rutin Kamelont"
BELOW_HIDDEN = "Stödrutin Kamelont"


class HiddenCopyScene(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.group = Group.objects.create(name="Säkerhetsskydd")
        cls.redaktor = make_user("redaktor", groups=["Redaktörer"])
        cls.medlem = make_user("medlem", groups=["Redaktörer", "Säkerhetsskydd"])
        cls.source = make_document(RiktlinjePage, title="Riktlinje Källa", slug="kalla")
        cls.visible_child = make_document(
            RutinPage, parent=cls.source, title="Rutin Synlig", slug="synlig"
        )
        hidden = make_document(
            RutinPage,
            parent=cls.source,
            title=HIDDEN,
            slug="kamelont",
            publicity="internal",
            restricted_to=[cls.group],
        )
        # Not restricted itself: hidden as part of the restricted rutin's subtree.
        make_document(RutinPage, parent=hidden, title=BELOW_HIDDEN, slug="stod-kamelont")
        # A riktlinje whose only subpage is hidden from the redaktör.
        cls.lonely = make_document(RiktlinjePage, title="Riktlinje Ensam", slug="ensam")
        make_document(
            RutinPage,
            parent=cls.lonely,
            title="Rutin Ensam Dold",
            slug="ensam-dold",
            publicity="internal",
            restricted_to=[cls.group],
        )

    def client_for(self, user):
        client = Client(HTTP_HOST=INTRANET_HOST)
        client.force_login(user)
        return client

    def copy_form(self, user, page):
        response = self.client_for(user).get(reverse("wagtailadmin_pages:copy", args=[page.pk]))
        assert response.status_code == 200
        return BeautifulSoup(response.content, "html.parser")

    def copy(self, user, title, subpages=True):
        data = {
            "new_title": title,
            "new_slug": slugify(title),
            "new_parent_page": str(get_register().pk),
        }
        if subpages:
            data["copy_subpages"] = "on"
        url = reverse("wagtailadmin_pages:copy", args=[self.source.pk])
        response = self.client_for(user).post(url, data)
        errors = BeautifulSoup(response.content, "html.parser").select(".error-message")
        assert response.status_code == 302, [e.get_text(" ", strip=True) for e in errors]
        return Page.objects.get(title=title)

    def titles_below(self, page):
        return sorted(page.get_descendants().values_list("title", flat=True))

    def assert_tree_sound(self):
        problems = Page.find_problems()
        assert all(not found for found in problems), problems

    def test_the_form_counts_the_subpages_the_person_may_see(self):
        text = self.copy_form(self.redaktor, self.source).get_text(" ", strip=True)
        assert "Detta kopierar 1 undersida." in text
        assert "3 undersidor" not in text
        member_text = self.copy_form(self.medlem, self.source).get_text(" ", strip=True)
        assert "Detta kopierar 3 undersidor." in member_text

    def test_no_choice_of_subpages_when_none_is_visible(self):
        form = self.copy_form(self.redaktor, self.lonely)
        assert form.select_one('input[name="copy_subpages"]') is None
        assert "Detta kopierar" not in form.get_text(" ", strip=True)
        member_form = self.copy_form(self.medlem, self.lonely)
        assert member_form.select_one('input[name="copy_subpages"]') is not None

    def test_the_copy_leaves_the_hidden_subtree_out(self):
        copied = self.copy(self.redaktor, "Kopia Redaktör")
        assert self.titles_below(copied) == ["Rutin Synlig"]
        assert Page.objects.get(pk=copied.pk).numchild == 1
        # Neither copied nor logged as copied.
        assert Page.objects.filter(title=HIDDEN).count() == 1
        assert Page.objects.filter(title=BELOW_HIDDEN).count() == 1
        copied_ids = list(copied.get_descendants(inclusive=True).values_list("pk", flat=True))
        logged = PageLogEntry.objects.filter(action="wagtail.copy", page_id__in=copied_ids)
        assert logged.count() == 2
        self.assert_tree_sound()
        # The new page takes new subpages after the copied one.
        copied = Page.objects.get(pk=copied.pk)
        added = copied.add_child(instance=RutinPage(title="Ny rutin", slug="ny-rutin", live=False))
        assert Page.objects.get(pk=copied.pk).numchild == 2
        assert added.path > copied.get_children().first().path
        self.assert_tree_sound()

    def test_a_member_copies_the_whole_subtree(self):
        copied = self.copy(self.medlem, "Kopia Medlem")
        assert self.titles_below(copied) == sorted([BELOW_HIDDEN, HIDDEN, "Rutin Synlig"])
        assert Page.objects.get(pk=copied.pk).numchild == 2
        self.assert_tree_sound()

    def test_the_shell_copies_the_whole_subtree(self):
        copied = CopyPageAction(
            Page.objects.get(pk=self.source.pk),
            to=get_register(),
            recursive=True,
            keep_live=False,
            update_attrs={"title": "Kopia Skal", "slug": "kopia-skal"},
        ).execute(skip_permission_checks=True)
        assert len(self.titles_below(copied)) == 3
        self.assert_tree_sound()

    def test_without_subpages_nothing_changes(self):
        copied = self.copy(self.redaktor, "Kopia Ensam", subpages=False)
        assert self.titles_below(copied) == []
        assert Page.objects.get(pk=copied.pk).numchild == 0

    def test_an_alias_of_a_subtree_leaves_the_hidden_pages_out(self):
        draft = make_document(RiktlinjePage, title="Riktlinje Utkast", slug="utkast", publish=False)
        make_document(
            RutinPage,
            parent=draft,
            title="Rutin Utkast Dold",
            slug="utkast-dold",
            publicity="internal",
            restricted_to=[self.group],
        )
        make_document(
            RutinPage,
            parent=draft,
            title="Rutin Utkast Synlig",
            slug="utkast-synlig",
            publish=False,
        )
        # The hidden rutin is live, but it is not aliased, so nothing goes live: not refused.
        alias = CreatePageAliasAction(
            Page.objects.get(pk=draft.pk),
            recursive=True,
            parent=get_register(),
            update_slug="utkast-alias",
            user=self.redaktor,
        ).execute(skip_permission_checks=True)
        assert self.titles_below(alias) == ["Rutin Utkast Synlig"]
        assert Page.objects.get(pk=alias.pk).numchild == 1
        self.assert_tree_sound()
