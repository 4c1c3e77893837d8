"""A visible document's editor does not name a document hidden from the person editing
(restricted to groups they are not in) that it refers to: a policy's required document
("Uppfylls av"), the document it replaces ("Ersätter dokument"), a document reference or a page
link in its text. The reference itself stays, so that saving keeps it; members and superusers
see the title as before. Also: staff without admin access cannot tell a hidden page's id from
another by the answer of an admin address."""

from django.test import Client

from policies.choosers import HIDDEN_TITLE
from policies.models import PolicyPage, RequiredDocument, RiktlinjePage
from tests.factories import document_reference, make_document, make_user, paragraph
from tests.policies.test_admin_restricted import MARKER, SEERS, RestrictedScene, shows

# Outside the restricting group and allowed to edit the referring documents (the document
# owner of the scene may not edit them at all).
EDITORS = ("redaktor", "samordnare")


class HiddenReferenceInEditorTest(RestrictedScene):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.policy = make_document(
            PolicyPage,
            title="Informationssäkerhetspolicy",
            required_documents=[
                RequiredDocument(
                    title="Riktlinje för säkerhetsskydd",
                    document_type="riktlinje",
                    document=cls.page,
                )
            ],
            body=[
                document_reference(cls.page, note="Se den skyddade riktlinjen."),
                paragraph(f'<p>Läs <a linktype="page" id="{cls.page.pk}">riktlinjen</a>.</p>'),
            ],
        )
        cls.successor = make_document(
            RiktlinjePage, title="Riktlinje för säkerhetsskydd 2027", supersedes=cls.page
        )

    def edit_page(self, role, page):
        response = self.client_for(role).get(f"/admin/pages/{page.pk}/edit/")
        self.assertEqual(response.status_code, 200, role)
        return response

    def test_the_policy_editor_does_not_name_a_hidden_document(self):
        for role in EDITORS:
            response = self.edit_page(role, self.policy)
            self.assertFalse(shows(response, MARKER), f"{role} sees the hidden title")
            self.assertNotIn(f"/admin/pages/{self.page.pk}/edit/", response.content.decode())
            self.assertTrue(shows(response, str(HIDDEN_TITLE)), role)

    def test_the_rich_text_editor_does_not_show_the_linked_pages_address(self):
        """A page link's address is made of slugs, which are made of titles."""
        address = self.page.get_url_parts()[2]
        for role in EDITORS:
            self.assertNotIn(address, self.edit_page(role, self.policy).content.decode(), role)
        for role in SEERS:
            self.assertIn(address, self.edit_page(role, self.policy).content.decode(), role)

    def test_the_replacing_documents_editor_does_not_name_it_either(self):
        for role in EDITORS:
            response = self.edit_page(role, self.successor)
            self.assertFalse(shows(response, MARKER), f"{role} sees the hidden title")
            self.assertTrue(shows(response, str(HIDDEN_TITLE)), role)

    def test_the_reference_is_kept_in_the_form(self):
        """The chooser still holds the page's id, so saving the form stores the same page."""
        response = self.edit_page("redaktor", self.successor)
        form = response.context["form"]
        self.assertEqual(form["supersedes"].value(), self.page.pk)
        self.assertIn(f'value="{self.page.pk}"', response.content.decode())

    def test_comparing_versions_does_not_name_it(self):
        """Wagtail's comparison of two versions shows each changed field's old and new value:
        the replaced document, the required document and the document reference."""
        for page in (self.successor, self.policy):
            draft = type(page).objects.get(pk=page.pk)
            draft.supersedes = None
            draft.body = [("paragraph", "<p>Ingen hänvisning längre.</p>")]
            if isinstance(draft, PolicyPage):
                draft.required_documents = []
            draft.save_revision(user=self.users["admin"])
            url = f"/admin/pages/{page.pk}/revisions/compare/live...{draft.latest_revision_id}/"
            for role in EDITORS:
                response = self.client_for(role).get(url)
                self.assertEqual(response.status_code, 200, role)
                self.assertFalse(shows(response, MARKER), f"{role} sees the hidden title")
                self.assertTrue(shows(response, str(HIDDEN_TITLE)), f"{role}, {page.title}")
            for role in SEERS:
                response = self.client_for(role).get(url)
                self.assertTrue(shows(response, MARKER), f"{role}, {page.title}")

    def test_wagtails_copy_form_does_not_name_a_hidden_parent_sent_to_it(self):
        """Wagtail's own form, sent a hidden page as the new parent: its error and its page
        chooser named the page. A hidden page does not exist: 404, as at its own addresses."""
        for role in EDITORS:
            response = self.client_for(role).post(
                f"/admin/pages/{self.public.pk}/copy/",
                {"new_title": "Kopia", "new_slug": "kopia", "new_parent_page": self.page.pk},
            )
            self.assertEqual(response.status_code, 404, role)
            self.assertFalse(shows(response, MARKER), f"{role} sees the hidden title")
        self.assertFalse(RiktlinjePage.objects.filter(slug="kopia").exists())

    def test_a_form_sent_back_with_a_hidden_page_does_not_name_it(self):
        """Any page chooser shown again with the page it was sent, Wagtail's own too: the
        chooser's rule is on Wagtail's widget itself."""
        from wagtail.admin.widgets import AdminPageChooser

        from policies.rich_text import reset_render_request, set_render_request

        request = type("Request", (), {"user": self.users["redaktor"]})()
        token = set_render_request(request)
        try:
            html = AdminPageChooser().render("parent", self.page.pk, {"id": "id_parent"})
        finally:
            reset_render_request(token)
        self.assertNotIn(MARKER, html)
        self.assertIn(str(HIDDEN_TITLE), html)
        self.assertIn(f'value="{self.page.pk}"', html)

    def test_members_and_superusers_still_see_it(self):
        for role in SEERS:
            for page in (self.policy, self.successor):
                response = self.edit_page(role, page)
                self.assertTrue(shows(response, MARKER), f"{role}, {page.title}")
                self.assertFalse(shows(response, str(HIDDEN_TITLE)), f"{role}, {page.title}")


class NoExistenceOracleForStaffWithoutAdminTest(RestrictedScene):
    """A staff reader without admin access is sent to the login page at every admin address;
    a hidden page's address must not answer differently (404), which would tell them that a
    restricted document has that id."""

    def test_a_hidden_page_answers_like_a_visible_one(self):
        reader = make_user("lasare")
        client = Client(HTTP_HOST="intranet.localhost")
        client.force_login(reader)
        for suffix in ("edit/", "history/", "revisions/", "delete/", ""):
            hidden = client.get(f"/admin/pages/{self.page.pk}/{suffix}")
            visible = client.get(f"/admin/pages/{self.public.pk}/{suffix}")
            self.assertEqual(visible.status_code, 302, suffix)
            self.assertEqual(hidden.status_code, visible.status_code, suffix)
            self.assertEqual(hidden["Location"].split("?")[0], visible["Location"].split("?")[0])
