"""Mina dokument: the owner's own documents, their status and the two actions, on a page and on
the dashboard.

What the owner sees is read from the page (/admin/mina-dokument/) and the dashboard; the actions
are submitted as the browser would, with the form's own CSRF token.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.models import RiktlinjePage, RutinPage, Styrdokument
from reports.panels import MyDocumentsPanel
from revision.review import start_revision
from revision.viewsets import MyDocumentsViewSet
from tests.factories import INTRANET_HOST, get_body, make_document, make_live_document, make_user
from tests.governance.workflow_helpers import (
    client_for,
    days_ago,
    make_draft,
    messages_of,
    panel,
    soup,
    start,
    text_of,
    today,
)

pytestmark = pytest.mark.django_db

PAGE = "/admin/mina-dokument/"


def in_days(days):
    return today() + datetime.timedelta(days=days)


def rows_of(response):
    """{title: {"status": ..., "date": ..., "actions": [...]}} of the table on the page."""
    table = soup(response).select_one("table.styrdok-my-documents")
    if table is None:
        return {}
    rows = {}
    for tr in table.select("tbody tr"):
        cells = tr.find_all("td")
        title = text_of(cells[0].find("a"))
        rows[title] = {
            "status": text_of(cells[1]),
            "date": text_of(cells[2]),
            "actions": [
                text_of(button).split(":")[0].strip()
                for button in cells[3].select("button, a.button")
            ],
        }
    return rows


def form_for(response, title, label):
    """The action form with the button `label` in the row of `title`."""
    table = soup(response).select_one("table.styrdok-my-documents")
    for tr in table.select("tbody tr"):
        if text_of(tr.find("td").find("a")) != title:
            continue
        for form in tr.select("form"):
            if text_of(form.find("button")).startswith(label):
                data = {field["name"]: field.get("value", "") for field in form.select("input")}
                return form["action"], data
    raise AssertionError(f"No form {label!r} for {title!r}")


def csrf_client(user):
    client = Client(HTTP_HOST=INTRANET_HOST, enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def owner(db):
    return make_user("agare-md", groups=["Dokumentansvariga"], first_name="Åsa", last_name="Ägare")


@pytest.fixture
def official(db):
    """The kommundirektör, who is also dokumentansvarig for a rutin that the office decides."""
    user = make_user(
        "direktor-md", groups=["Beslutsfattare"], first_name="Karin", last_name="Direktör"
    )
    body = get_body("kommundirektor")
    body.official = user
    body.save(update_fields=["official"])
    return user


def owned(page_class=RiktlinjePage, user=None, **fields):
    """An adopted document the user answers for (and owns in Wagtail, so may edit)."""
    return make_document(page_class, responsible=user, owner=user, **fields)


# -- the list -----------------------------------------------------------------------------------


def test_the_owner_sees_each_document_with_its_status_and_next_review(owner, people):
    owned(user=owner, title="Riktlinje i kraft", next_review=in_days(200))
    owned(user=owner, title="Riktlinje som är sen", next_review=days_ago(10))
    ongoing = owned(user=owner, title="Riktlinje under arbete", next_review=in_days(20))
    start_revision(ongoing, owner)
    deciding = make_draft("riktlinje", "ks", responsible=owner, title="Riktlinje under beslut")
    start(deciding, people.redaktor)
    owned(user=people.redaktor, title="Någon annans riktlinje")

    response = client_for(owner).get(PAGE)

    assert response.status_code == 200
    rows = rows_of(response)
    assert set(rows) == {
        "Riktlinje i kraft",
        "Riktlinje som är sen",
        "Riktlinje under arbete",
        "Riktlinje under beslut",
    }
    assert rows["Riktlinje i kraft"]["status"] == "I kraft"
    assert rows["Riktlinje i kraft"]["date"] == in_days(200).isoformat()
    assert rows["Riktlinje som är sen"]["status"] == "Försenad"
    assert rows["Riktlinje som är sen"]["date"] == f"{days_ago(10).isoformat()} (passerat)"
    assert rows["Riktlinje under arbete"]["status"] == "Revidering pågår"
    assert rows["Riktlinje under beslut"]["status"] == "Under beslut"
    # The most pressing first: by next review date.
    assert list(rows)[0] == "Riktlinje som är sen"


def test_the_actions_follow_where_each_document_stands(owner, people):
    owned(user=owner, title="Riktlinje i kraft", next_review=in_days(200))
    ongoing = owned(user=owner, title="Riktlinje under arbete")
    start_revision(ongoing, owner)
    deciding = make_draft("riktlinje", "ks", responsible=owner, title="Riktlinje under beslut")
    start(deciding, people.redaktor)

    rows = rows_of(client_for(owner).get(PAGE))

    assert rows["Riktlinje i kraft"]["actions"] == ["Påbörja revision"]
    assert rows["Riktlinje under arbete"]["actions"] == ["Fortsätt med utkastet"]
    assert rows["Riktlinje under beslut"]["actions"] == []


def test_restricted_documents_are_listed_only_if_the_owner_may_see_them(owner):
    group = Group.objects.create(name="Säkerhetsskydd")
    owned(user=owner, title="Öppen riktlinje")
    owned(user=owner, title="Skyddad riktlinje", restricted_to=[group])

    assert set(rows_of(client_for(owner).get(PAGE))) == {"Öppen riktlinje"}

    owner.groups.add(group)
    assert set(rows_of(client_for(owner).get(PAGE))) == {"Öppen riktlinje", "Skyddad riktlinje"}


def test_someone_without_documents_is_told_so(people):
    response = client_for(people.redaktor).get(PAGE)

    assert response.status_code == 200
    assert "Du är inte dokumentansvarig för något styrdokument." in text_of(soup(response))


def test_the_page_is_behind_the_admin_login():
    response = Client(HTTP_HOST=INTRANET_HOST).get(PAGE)

    assert response.status_code == 302


# -- Påbörja revision -----------------------------------------------------------------------------


def test_start_revision_from_the_list_creates_the_draft(owner):
    document = owned(user=owner, title="Riktlinje att revidera", version="1.0")
    client = csrf_client(owner)
    page = client.get(PAGE)
    action, data = form_for(page, "Riktlinje att revidera", "Påbörja revision")
    assert action == reverse("styrdok_review:start", args=[document.pk])
    assert data["csrfmiddlewaretoken"]

    response = client.post(action, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[document.pk])
    draft = Styrdokument.objects.get(pk=document.pk).get_latest_revision_as_object()
    assert draft.version == "1.1"
    assert rows_of(client.get(PAGE))["Riktlinje att revidera"]["status"] == "Revidering pågår"


def test_start_revision_without_the_csrf_token_is_refused(owner):
    document = owned(user=owner, title="Riktlinje utan token")

    response = csrf_client(owner).post(reverse("styrdok_review:start", args=[document.pk]))

    assert response.status_code == 403
    page = Styrdokument.objects.get(pk=document.pk)
    assert page.latest_revision_id == page.live_revision_id


# -- Bekräfta oförändrad --------------------------------------------------------------------------


def test_the_official_confirms_a_document_unchanged_in_one_click(official):
    document = owned(
        RutinPage,
        user=official,
        title="Rutin för incidenter",
        decision_body=get_body("kommundirektor"),
        next_review=in_days(10),
        review_interval_months=12,
    )
    client = csrf_client(official)
    action, data = form_for(client.get(PAGE), "Rutin för incidenter", "Bekräfta oförändrad")

    response = client.post(action, data, follow=True)

    document = Styrdokument.objects.get(pk=document.pk)
    assert document.last_reviewed == today()
    assert document.next_review > in_days(300)
    assert any("är granskad utan ändringar" in message for message in messages_of(response))
    assert rows_of(response)["Rutin för incidenter"]["status"] == "I kraft"


def test_an_owner_who_may_not_confirm_gets_no_button_and_a_refusal(owner, official):
    document = owned(
        RutinPage,
        user=owner,
        title="Rutin för loggning",
        decision_body=get_body("kommundirektor"),
        next_review=in_days(10),
    )
    client = csrf_client(owner)
    page = client.get(PAGE)
    assert "Bekräfta oförändrad" not in rows_of(page)["Rutin för loggning"]["actions"]
    token = soup(page).select_one("input[name=csrfmiddlewaretoken]")["value"]

    response = client.post(
        reverse("styrdok_my_documents:confirm", args=[document.pk]),
        {"csrfmiddlewaretoken": token, "body": get_body("kommundirektor").pk},
        follow=True,
    )

    assert any("Bara det beslutande organet" in message for message in messages_of(response))
    assert Styrdokument.objects.get(pk=document.pk).next_review == in_days(10)


def test_an_assemblys_review_is_entered_on_the_review_page(people):
    owned(user=people.sekreterare, title="Riktlinje för KS", next_review=in_days(5))

    response = client_for(people.sekreterare).get(PAGE)

    links = [
        a for a in soup(response).select("a.button") if text_of(a).startswith("Bekräfta oförändrad")
    ]
    assert len(links) == 1
    link = links[0]
    assert link["href"].startswith("/admin/revision/")


@pytest.mark.parametrize("method", ["get", "put"])
def test_confirm_answers_only_post(official, method):
    document = owned(RutinPage, user=official, decision_body=get_body("kommundirektor"))

    response = getattr(client_for(official), method)(
        reverse("styrdok_my_documents:confirm", args=[document.pk])
    )

    assert response.status_code == 405


def test_confirming_a_document_that_does_not_exist_is_a_message(official):
    response = client_for(official).post(
        reverse("styrdok_my_documents:confirm", args=[999999]), {"body": "x"}, follow=True
    )

    assert response.status_code == 200
    assert any("finns inte" in message for message in messages_of(response))


def test_a_bad_body_value_does_not_confirm(official):
    document = owned(
        RutinPage, user=official, decision_body=get_body("kommundirektor"), next_review=in_days(9)
    )

    response = client_for(official).post(
        reverse("styrdok_my_documents:confirm", args=[document.pk]),
        {"body": "inte-ett-tal"},
        follow=True,
    )

    assert response.status_code == 200
    assert any("inte registrerad" in message for message in messages_of(response))
    assert Styrdokument.objects.get(pk=document.pk).next_review == in_days(9)


# -- the dashboard panel and the menu --------------------------------------------------------------


def test_the_dashboard_shows_mina_dokument_to_owners(owner):
    owned(user=owner, title="Riktlinje på startsidan", next_review=in_days(30))

    response = client_for(owner).get("/admin/")

    section = panel(response, "mina-dokument-rubrik")
    assert section is not None
    assert text_of(section.find("h2")) == "Mina dokument"
    assert "Riktlinje på startsidan" in text_of(section)
    assert section.find("a", href=PAGE) is not None


def test_the_dashboard_has_no_panel_for_someone_without_documents(people):
    response = client_for(people.redaktor).get("/admin/")

    assert panel(response, "mina-dokument-rubrik") is None


def test_the_panel_lists_the_first_ten_and_links_to_all(owner):
    for n in range(12):
        make_live_document(
            RiktlinjePage, title=f"Dokument {n:02d}", responsible=owner, next_review=in_days(n)
        )

    section = panel(client_for(owner).get("/admin/"), "mina-dokument-rubrik")

    assert len(section.select("tbody tr")) == 10
    assert text_of(section.find("a", href=PAGE)) == "Alla dina 12 dokument"


def render_panel(user):
    request = RequestFactory().get("/admin/", HTTP_HOST=INTRANET_HOST)
    request.user = user
    return MyDocumentsPanel(user).render_html({"request": request})


def test_the_panel_and_page_read_a_fixed_number_of_queries(owner, django_assert_num_queries):
    group = Group.objects.create(name="Begränsad")
    owner.groups.add(group)
    make_live_document(RiktlinjePage, responsible=owner, next_review=in_days(3))
    owner = type(owner).objects.get(pk=owner.pk)
    with CaptureQueriesContext(connection) as one:
        assert "Mina dokument" in render_panel(owner)
    client = client_for(owner)
    with CaptureQueriesContext(connection) as one_page:
        client.get(PAGE)

    for n in range(15):
        make_live_document(
            RutinPage if n % 2 else RiktlinjePage,
            responsible=owner,
            next_review=in_days(n - 5),
            restricted_to=[group] if n % 3 == 0 else [],
        )
    owner = type(owner).objects.get(pk=owner.pk)

    with django_assert_num_queries(len(one)):
        render_panel(owner)
    with django_assert_num_queries(len(one_page)):
        client.get(PAGE)


def test_the_menu_item_is_shown_to_owners_and_reviewers(owner, official, people):
    owned(user=owner)

    def shown(user):
        request = RequestFactory().get("/admin/")
        request.user = user
        return MyDocumentsViewSet().get_menu_item().is_shown(request)

    assert shown(owner)
    assert shown(official)  # records reviews for the office
    assert not shown(people.redaktor)
