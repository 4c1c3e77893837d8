"""Wagtail's autosave in the page editor saves only what the editor changed, through the real
admin URL as the editor's browser posts it (FormData of the edit form, asking for JSON)."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageLogEntry, Revision

from policies.models import RiktlinjePage
from tests.factories import make_document, make_user

pytestmark = pytest.mark.django_db


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def editor_form(client, page):
    """What the browser's FormData holds for the edit form as loaded: enabled fields only,
    checked boxes and chosen options, the hidden revision inputs included."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser").select_one("form#page-edit-form")
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        if field.has_attr("disabled"):
            continue
        name = field["name"]
        if field.name == "select":
            values = [
                option.get("value", option.text) for option in field.select("option[selected]")
            ]
        elif field.name == "textarea":
            values = [field.text.removeprefix("\n")]
        elif field.get("type") in ("checkbox", "radio"):
            values = [field.get("value", "on")] if field.has_attr("checked") else []
        elif field.get("type") in ("submit", "button", "file"):
            continue
        else:
            values = [field.get("value", "")]
        if values:
            data.setdefault(name, []).extend(values)
    # The body's StreamField is drawn by JavaScript; these documents have no blocks.
    assert not page.body
    data["body-count"] = ["0"]
    return data


def autosave(client, page, data, **changes):
    posted = {**data, **{name: [value] for name, value in changes.items()}}
    return client.post(edit_url(page), posted, HTTP_ACCEPT="application/json")


@pytest.fixture
def editor(db):
    return make_user("redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör")


@pytest.fixture
def client_of(client, editor):
    client.defaults["HTTP_HOST"] = "intranet.localhost"
    client.force_login(editor)
    return client


@pytest.fixture
def draft(editor):
    return make_document(
        RiktlinjePage, publish=False, user=editor, title="Riktlinje för loggning", version="1.0"
    )


@pytest.fixture
def adopted(editor):
    return make_document(RiktlinjePage, user=editor, title="Riktlinje för behörigheter")


def counts(page):
    return (
        Revision.page_revisions.filter(object_id=str(page.pk)).count(),
        PageLogEntry.objects.filter(page=page).count(),
    )


@pytest.mark.parametrize("document", ["draft", "adopted"])
def test_an_autosave_that_fails_validation_saves_nothing(request, client_of, document):
    page = request.getfixturevalue(document)
    data = editor_form(client_of, page)
    before = counts(page)

    response = autosave(client_of, page, data, version="version två")

    assert response.status_code == 400
    answer = response.json()
    assert answer["success"] is False
    assert answer["error_code"] == "validation_error"
    # The editor's autosave indicator shows this message.
    assert "valideringsfel" in answer["error_message"]
    assert counts(page) == before
    stored = RiktlinjePage.objects.get(pk=page.pk)
    assert stored.get_latest_revision_as_object().version == page.version


@pytest.mark.parametrize("document", ["draft", "adopted"])
def test_an_autosave_with_nothing_changed_saves_no_revision(request, client_of, document):
    page = request.getfixturevalue(document)
    data = editor_form(client_of, page)
    before = counts(page)

    for _ in range(3):
        response = autosave(client_of, page, data)
        assert response.status_code == 200
        assert response.json()["success"] is True
        assert response.json()["revision_id"] is None

    assert counts(page) == before
    stored = RiktlinjePage.objects.get(pk=page.pk)
    assert stored.has_unpublished_changes is (document == "draft")


def test_a_changed_autosave_saves_one_revision_and_then_updates_it(client_of, draft):
    data = editor_form(client_of, draft)
    revisions, _logs = counts(draft)

    first = autosave(client_of, draft, data, summary="Första ändringen.").json()
    second = autosave(
        client_of,
        draft,
        data,
        summary="Andra ändringen.",
        overwrite_revision_id=str(first["revision_id"]),
    ).json()

    assert first["success"] and second["success"]
    assert second["revision_id"] == first["revision_id"]
    assert counts(draft)[0] == revisions + 1
    latest = RiktlinjePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert latest.summary == "Andra ändringen."


def test_an_autosave_never_overwrites_the_decided_revision(client_of, adopted):
    decided = adopted.live_revision
    assert decided.user.username == "redaktor"  # Wagtail alone would allow the overwrite
    decided_content = dict(decided.content)
    data = editor_form(client_of, adopted)

    answer = autosave(
        client_of,
        adopted,
        data,
        summary="Ett nytt utkast.",
        overwrite_revision_id=str(decided.pk),
    ).json()

    assert answer["success"] is True
    assert answer["revision_id"] != decided.pk
    decided.refresh_from_db()
    assert decided.content == decided_content
    page = RiktlinjePage.objects.get(pk=adopted.pk)
    assert page.live_revision_id == decided.pk
    assert page.get_latest_revision_as_object().summary == "Ett nytt utkast."


def test_saving_a_draft_by_hand_still_saves_a_revision(client_of, draft):
    """Only the background autosave is held back: "Spara utkast" is the editor asking."""
    data = editor_form(client_of, draft)
    revisions, _logs = counts(draft)

    response = client_of.post(edit_url(draft), data)

    assert response.status_code == 302
    assert counts(draft)[0] == revisions + 1


def test_an_autosave_costs_the_same_queries_unchanged_or_changed_twice(
    client_of, draft, django_assert_max_num_queries
):
    """The comparison with the latest revision is one read, not one per field."""
    data = editor_form(client_of, draft)
    autosave(client_of, draft, data)  # warm caches (site root paths, settings)

    with django_assert_max_num_queries(200) as unchanged:
        autosave(client_of, draft, data)
    with django_assert_max_num_queries(200) as again:
        autosave(client_of, draft, data)

    assert len(unchanged.captured_queries) == len(again.captured_queries)
