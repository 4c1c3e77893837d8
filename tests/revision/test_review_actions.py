"""The annual review from the admin: Påbörja revision, Granskad utan ändringar and Översyn behövs.

Everything a user does goes through the test client: the review page /admin/revision/<id>/, its
two actions, the page editor and the document page on the intranet. Only the scene (a document,
a draft already submitted) is set through the models.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from wagtail.models import PageLogEntry, Revision

from policies.dates import add_months
from policies.models import PolicyPage, RiktlinjePage, RutinPage
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    get_body,
    make_document,
    make_user,
    path_of,
    update_settings,
)
from tests.governance.workflow_helpers import (
    build_people,
    client_for,
    days_ago,
    edit_url,
    history_rows,
    is_refused,
    last_message,
    latest,
    messages_of,
    name_of,
    page_form_data,
    people_from,
    reload,
    soup,
    start,
    text_of,
    today,
    workflow_state,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

TITLE = "Riktlinje för behörigheter"

STARTED = "Revisionen är påbörjad: ett utkast till version {version} är skapat."
DRAFT_EXISTS = "Det finns redan ett utkast som inte är inskickat. Fortsätt med det."
IN_WORKFLOW = (
    "Dokumentet är redan under revision: ett utkast är inskickat för granskning och beslut."
)
MAY_NOT_START = "Bara dokumentansvarig och redaktörer kan påbörja en revision av ”{title}”."
CONFIRMED = (
    "”{title}” är granskad utan ändringar. Version {version} gäller vidare; nästa revision "
    "senast {date}."
)
MAY_NOT_CONFIRM = (
    "Bara det beslutande organet ({body}) eller den som har delegation kan pröva dokumentet "
    "som granskat utan ändringar."
)
CONFIRM_IN_WORKFLOW = (
    "Dokumentet är under revision. Avsluta eller avbryt arbetsflödet innan det aktualitetsprövas."
)
FIX_CONFIRM = "Prövningen är inte registrerad. Rätta uppgifterna nedan."


# -- urls and reading pages ----------------------------------------------------------------


def review_url(page):
    return f"/admin/revision/{page.pk}/"


def start_url(page):
    return f"/admin/revision/{page.pk}/paborja/"


def confirm_url(page):
    return f"/admin/revision/{page.pk}/aktualitetsprovning/"


def facts(response):
    """The review page's Läge list as {term: value}."""
    assert response.status_code in (200, 400)
    block = soup(response).select_one("dl.styrdok-facts")
    return {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in block.find_all("dt")}


def section(response, heading_id):
    heading = soup(response).find(id=heading_id)
    assert heading is not None, f"no section {heading_id}"
    return heading.find_parent("section")


def start_section(response):
    return section(response, "revision-rubrik")


def confirm_section(response):
    return section(response, "provning-rubrik")


def confirm_form(response):
    return confirm_section(response).find("form")


def field_errors(response):
    return [text_of(node) for node in confirm_section(response).select(".error-message")]


def errors_by_field(response):
    """{field name: the error text shown under it} for the confirm form."""
    result = {}
    for node in confirm_section(response).select(".error-message"):
        control = node.find_parent(class_="w-field").find(["input", "select", "textarea"])
        result[control["name"]] = text_of(node)
    return result


def metadata(response):
    """The document page's metadata block as {term: value}."""
    assert response.status_code == 200
    block = soup(response).select_one("section.metadata dl")
    return {text_of(div.dt): text_of(div.dd) for div in block.find_all("div", recursive=False)}


def page_history(response):
    """The Beslutshistorik table (on the review page or the intranet document page)."""
    return history_rows(response)


def intranet_reader():
    """A member of staff without admin rights, reading on the intranet."""
    reader = get_user_model().objects.filter(username="lasare").first() or make_user(
        "lasare", first_name="Lisa", last_name="Läsare"
    )
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(reader)
    return client


def needs_admin_login(response, url):
    """Staff without admin rights are sent to the admin's login page, and nothing happens."""
    return response.status_code == 302 and response["Location"] == f"/admin/login/?next={url}"


def review_entries(page, action):
    return PageLogEntry.objects.filter(page_id=page.pk, action=action).count()


def unchanged_state(page):
    """What a refused review action must leave alone."""
    page = reload(page)
    return {
        "version": page.version,
        "next_review": page.next_review,
        "last_reviewed": page.last_reviewed,
        "review_flagged_at": page.review_flagged_at,
        "live_revision": page.live_revision_id,
        "latest_revision": page.latest_revision_id,
        "revisions": Revision.objects.for_instance(page).count(),
        "adopted_versions": page.adopted_versions.count(),
        "log_entries": PageLogEntry.objects.filter(page_id=page.pk).count(),
    }


def confirm_data(body_code, decision_date=None, paragraph="", diarienummer="", comment=""):
    return {
        "body": str(get_body(body_code).pk),
        "decision_date": str(today() if decision_date is None else decision_date),
        "paragraph": str(paragraph),
        "diarienummer": diarienummer,
        "comment": comment,
    }


# -- documents -----------------------------------------------------------------------------


def make_riktlinje(body_code="ks", responsible=None, decided=360, **fields):
    """A riktlinje adopted `decided` days ago (12-month interval: due in about 5 days)."""
    fields.setdefault("title", TITLE)
    fields.setdefault("diarienummer", "KS-2025-10")
    if body_code in ("ks", "kf"):
        fields.setdefault("protocol_paragraph", 10)
    return make_document(
        RiktlinjePage,
        decision_body=get_body(body_code),
        decision_date=days_ago(decided),
        responsible=responsible,
        version="1.0",
        **fields,
    )


@pytest.fixture(scope="module")
def people_pks(django_db_setup, django_db_blocker):
    """The people of the shared `people` fixture, created once for the module."""
    yield from build_once(django_db_blocker, build_people)


@pytest.fixture
def people(people_pks, db):
    """Everyone, read again for this test; the mail outbox emptied as the shared fixture does."""
    mail.outbox.clear()
    return people_from(people_pks)


@pytest.fixture
def riktlinje(people):
    """Decided by KS, owned by Åsa Ägare, due for revision within days."""
    return make_riktlinje("ks", responsible=people.agare)


@pytest.fixture
def kd_riktlinje(people):
    """Decided by the kommundirektör (an official), owned by Åsa Ägare."""
    return make_riktlinje("kommundirektor", responsible=people.agare, diarienummer="KS-2025-11")


# -- Påbörja revision ------------------------------------------------------------------------


def test_owner_starts_a_revision_and_gets_a_draft_of_the_next_version(people, riktlinje):
    client = client_for(people.agare)
    before = reload(riktlinje)

    overview = client.get(review_url(riktlinje))
    assert overview.status_code == 200
    assert facts(overview)["Dokument"] == f"Riktlinje – {TITLE}, version 1.0"
    assert facts(overview)["Dokumentansvarig"] == "Åsa Ägare"
    start_link = start_section(overview).find("a", href=start_url(riktlinje))
    assert text_of(start_link) == "Påbörja revision"

    confirmation = client.get(start_url(riktlinje))
    assert confirmation.status_code == 200
    text = text_of(soup(confirmation))
    assert "Ett utkast till nästa version av riktlinje ”Riktlinje för behörigheter”" in text
    assert "skapas från den gällande versionen 1.0" in text
    assert "Riktlinje – beslut i kommunstyrelsen" in text  # the workflow it will go to
    assert Revision.objects.for_instance(riktlinje).count() == 1  # GET only asks

    response = client.post(start_url(riktlinje))

    assert response.status_code == 302
    assert response["Location"] == edit_url(riktlinje)
    assert last_message(response).startswith(STARTED.format(version="1.1"))
    draft = latest(riktlinje)
    assert draft.version == "1.1"
    assert draft.title == TITLE
    # The adopted version is untouched until the new one is decided.
    page = reload(riktlinje)
    assert page.live and page.version == "1.0"
    assert page.live_revision_id == before.live_revision_id
    assert page.has_unpublished_changes
    public = Client(HTTP_HOST=PUBLIC_HOST).get(path_of(page))
    assert metadata(public)["Version"] == "1.0"

    # The owner continues in the editor, where the draft has the new number.
    editor = client.get(edit_url(riktlinje))
    assert editor.status_code == 200
    assert soup(editor).select_one("form#page-edit-form [name=version]")["value"] == "1.1"

    # The review page now leads back to the draft and the history records the start.
    overview = client.get(review_url(riktlinje))
    assert "Ett utkast som inte är inskickat finns redan." in text_of(start_section(overview))
    assert start_section(overview).find("a", href=edit_url(riktlinje)) is not None
    rows = page_history(overview)
    assert rows[-1][1:5] == ["Ett utkast till ny version skapat", "", "Åsa Ägare", ""]
    assert rows[-1][7] == "Utkast till version 1.1 (ersätter 1.0)."
    intranet = intranet_reader().get(path_of(page))
    assert "Ett utkast till ny version skapat" in [row[1] for row in page_history(intranet)]


@pytest.mark.parametrize("role", ["redaktor", "samordnare"])
def test_editors_start_a_revision_of_any_document(people, riktlinje, role):
    response = client_for(people[role]).post(start_url(riktlinje))

    assert response["Location"] == edit_url(riktlinje)
    assert last_message(response).startswith(STARTED.format(version="1.1"))
    assert latest(riktlinje).version == "1.1"
    assert review_entries(riktlinje, "governance.revision_started") == 1


@pytest.mark.parametrize(
    ("version", "expected"), [("1.0", "1.1"), ("2", "2.1"), ("2.9", "2.10"), ("2.1.3", "2.1.4")]
)
def test_the_draft_gets_the_next_version_number(people, version, expected):
    """Påbörja revision proposes the version after the adopted label the document carries."""
    page = make_riktlinje("ks", responsible=people.agare)  # adopted as 1.0
    if version != page.version:
        # Adopting "1.0" once more would be a new decision numbered 1.1 (issue 13, item 8:
        # see the next test), so the 1.0 case is the document's first adoption.
        page = adopt_new_version(page, version=version)

    response = client_for(people.agare).post(start_url(page))

    assert last_message(response).startswith(STARTED.format(version=expected))
    assert latest(page).version == expected
    assert reload(page).version == version


def test_a_label_already_adopted_is_renumbered_and_the_next_draft_follows_it(people):
    """The numbering rule (issue 13, item 8): a proposed label that an earlier adopted version
    already carries becomes the next free minor number after the highest adopted version, on the
    version and on the published page; Påbörja revision then proposes the one after it."""
    page = make_riktlinje("ks", responsible=people.agare)  # 1.0
    page = adopt_new_version(page, version="2.0")

    page = adopt_new_version(page, version="1.0")  # taken: 2.1 (after the highest), not 1.1
    page = adopt_new_version(page, version="2.1")  # taken by the previous decision: 2.2

    labels = list(
        page.adopted_versions.order_by("adopted_at", "pk").values_list("version", flat=True)
    )
    assert labels == ["1.0", "2.0", "2.1", "2.2"]
    assert page.version == "2.2"
    assert metadata(intranet_reader().get(path_of(page)))["Version"] == "2.2"

    response = client_for(people.agare).post(start_url(page))

    assert last_message(response).startswith(STARTED.format(version="2.3"))
    assert latest(page).version == "2.3"
    assert reload(page).version == "2.2"


def test_someone_else_may_not_start_a_revision(people, riktlinje):
    other_owner = make_user("annanagare", groups=["Dokumentansvariga"])
    client = client_for(other_owner)
    before = unchanged_state(riktlinje)

    overview = client.get(review_url(riktlinje))
    assert start_section(overview).find("a", href=start_url(riktlinje)) is None
    assert "Dokumentansvarig och redaktörer kan påbörja en revision." in text_of(
        start_section(overview)
    )

    for response in (client.get(start_url(riktlinje)), client.post(start_url(riktlinje))):
        assert response.status_code == 302
        assert response["Location"] == review_url(riktlinje)
        assert last_message(response) == (
            MAY_NOT_START.format(title=TITLE) + " Kontakta Åsa Ägare."
        )
    assert unchanged_state(riktlinje) == before


def test_without_an_owner_the_review_page_says_so_and_points_to_the_samordnare(people):
    former = make_user("slutat", groups=["Dokumentansvariga"], first_name="Sven", is_active=False)
    ownerless = make_riktlinje("ks", title="Riktlinje utan ägare")
    left = make_riktlinje("ks", title="Riktlinje vars ägare slutat", responsible=former)
    client = client_for(make_user("annanagare", groups=["Dokumentansvariga"]))

    overview = client.get(review_url(ownerless))
    assert facts(overview)["Status"] == "Saknar ägare"
    assert facts(overview)["Dokumentansvarig"] == "Saknas"
    response = client.post(start_url(ownerless))
    assert last_message(response) == (
        MAY_NOT_START.format(title="Riktlinje utan ägare") + " Kontakta samordnaren."
    )

    overview = client.get(review_url(left))
    assert facts(overview)["Status"] == "Saknar ägare"
    assert facts(overview)["Dokumentansvarig"] == "Sven (inaktiv)"


def test_an_existing_draft_is_kept_and_opened(people, riktlinje):
    editor = client_for(people.redaktor)
    editor.post(start_url(riktlinje))
    draft = latest(riktlinje)
    draft.title = "Riktlinje för behörigheter och loggning"
    work_in_progress = draft.save_revision(user=people.redaktor)
    before = unchanged_state(riktlinje)

    owner = client_for(people.agare)
    overview = owner.get(review_url(riktlinje))
    assert "Ett utkast som inte är inskickat finns redan." in text_of(start_section(overview))
    confirmation = owner.get(start_url(riktlinje))
    assert "Det finns redan ett utkast av ”Riktlinje för behörigheter”" in text_of(
        soup(confirmation)
    )
    assert "Öppna utkastet" in text_of(soup(confirmation))

    response = owner.post(start_url(riktlinje))

    assert response["Location"] == edit_url(riktlinje)
    assert last_message(response) == DRAFT_EXISTS
    # Nothing is overwritten: the draft with its changes is still the latest, still 1.1.
    assert unchanged_state(riktlinje) == before
    assert reload(riktlinje).latest_revision_id == work_in_progress.pk
    assert latest(riktlinje).title == "Riktlinje för behörigheter och loggning"
    assert latest(riktlinje).version == "1.1"
    assert review_entries(riktlinje, "governance.revision_started") == 1


def test_no_revision_is_started_while_a_draft_is_in_the_workflow(people, riktlinje):
    client_for(people.agare).post(start_url(riktlinje))
    start(riktlinje, people.redaktor)
    before = unchanged_state(riktlinje)
    client = client_for(people.agare)

    overview = client.get(review_url(riktlinje))
    assert IN_WORKFLOW in text_of(start_section(overview))
    assert start_section(overview).find("a", href=start_url(riktlinje)) is None
    assert facts(overview)["Status"] == "Under revision"

    for response in (client.get(start_url(riktlinje)), client.post(start_url(riktlinje))):
        assert response["Location"] == review_url(riktlinje)
        assert last_message(response) == IN_WORKFLOW
    assert unchanged_state(riktlinje) == before


def test_a_restricted_document_does_not_exist_for_those_outside_its_groups(people):
    hr = Group.objects.create(name="Personalfunktionen")
    page = make_riktlinje(
        "kommundirektor",
        responsible=people.agare,
        restricted_to=[hr],
        publicity="internal",
    )
    before = unchanged_state(page)
    outsider = client_for(people.redaktor)
    official = client_for(people.kommundirektor)

    assert outsider.get(review_url(page)).status_code == 404
    assert outsider.get(start_url(page)).status_code == 404
    assert outsider.post(start_url(page)).status_code == 404
    assert official.get(review_url(page)).status_code == 404
    assert official.post(confirm_url(page), confirm_data("kommundirektor")).status_code == 404
    assert unchanged_state(page) == before

    people.redaktor.groups.add(hr)
    assert outsider.get(review_url(page)).status_code == 200
    assert client_for(people.admin).get(review_url(page)).status_code == 200


def test_only_documents_have_a_review_page(people, register):
    client = client_for(people.redaktor)

    assert client.get(f"/admin/revision/{register.pk}/").status_code == 404
    assert client.get("/admin/revision/999999/").status_code == 404
    assert client.post("/admin/revision/999999/paborja/").status_code == 404


def test_a_document_never_adopted_can_be_neither_revised_nor_confirmed(people):
    draft = make_document(
        RiktlinjePage,
        publish=False,
        title="Riktlinje i utkast",
        decision_body=get_body("kommundirektor"),
        responsible=people.agare,
    )
    before = unchanged_state(draft)

    overview = client_for(people.admin).get(review_url(draft))
    assert "det finns inget att revidera" in text_of(start_section(overview))
    assert "Bara ett beslutat och publicerat dokument kan aktualitetsprövas." in text_of(
        confirm_section(overview)
    )
    assert confirm_form(overview) is None

    started = client_for(people.agare).post(start_url(draft))
    confirmed = client_for(people.kommundirektor).post(
        confirm_url(draft), confirm_data("kommundirektor")
    )

    assert started["Location"] == review_url(draft)
    assert last_message(started) == (
        "Dokumentet är inte beslutat och publicerat; det finns inget att revidera."
    )
    assert confirmed["Location"] == review_url(draft)
    assert last_message(confirmed) == (
        "Bara ett beslutat och publicerat dokument kan aktualitetsprövas."
    )
    assert unchanged_state(draft) == before


def test_an_owner_without_admin_access_cannot_start_a_revision(people):
    staff_owner = make_user("staffagare", first_name="Stina", last_name="Personal")
    page = make_riktlinje("ks", responsible=staff_owner)
    before = unchanged_state(page)
    client = client_for(staff_owner)

    response = client.post(start_url(page))

    assert needs_admin_login(response, start_url(page))
    assert needs_admin_login(client.get(edit_url(page)), edit_url(page))
    assert unchanged_state(page) == before


def test_the_review_page_follows_the_configured_warning_days(people):
    page = make_riktlinje("kommundirektor", responsible=people.agare, decided=290)
    client = client_for(people.agare)
    assert facts(client.get(review_url(page)))["Status"] == "Aktuell"

    update_settings(review_warning_days=90)

    assert facts(client.get(review_url(page)))["Status"] == "Revision inom 90 dagar"


def test_owner_revises_and_submits_and_the_register_shows_under_revision(people, riktlinje):
    owner = client_for(people.agare)
    owner.post(start_url(riktlinje))

    data = page_form_data(
        RiktlinjePage,
        "Riktlinje för behörigheter",
        riktlinje.slug,
        "ks",
        version="1.1",
        responsible=str(people.agare.pk),
    )
    data["action-submit"] = "1"
    response = owner.post(edit_url(riktlinje), data)

    assert response.status_code == 302, messages_of(response)
    assert last_message(response).startswith(f"Sida '{TITLE}' har blivit inlämnad för moderering.")
    state = workflow_state(riktlinje)
    assert state.requested_by == people.agare
    assert state.status == state.STATUS_IN_PROGRESS
    assert latest(riktlinje).version == "1.1"
    page = reload(riktlinje)
    assert page.live and page.version == "1.0"

    register = intranet_reader().get("/styrdokument/")
    row = next(
        tr
        for tr in soup(register).select("table.register-table tbody tr")
        if text_of(tr.select_one("td")) == TITLE
    )
    assert text_of(row.select_one("td:last-child .status")) == "Under revision"
    # The public website only tells when the document is to be revised.
    public = Client(HTTP_HOST=PUBLIC_HOST).get("/styrdokument/")
    assert "Under revision" not in text_of(soup(public))
    assert text_of(soup(public).select_one("tbody td:last-child .status")) == (
        "Revision inom 60 dagar"
    )
    assert facts(owner.get(review_url(riktlinje)))["Status"] == "Under revision"


def test_owner_may_edit_but_not_delete_or_publish_their_document(people, riktlinje):
    owner = client_for(people.agare)
    before = reload(riktlinje)

    delete = owner.post(f"/admin/pages/{riktlinje.pk}/delete/")
    data = page_form_data(
        RiktlinjePage,
        "Publicerad direkt",
        riktlinje.slug,
        "ks",
        version="1.1",
        responsible=str(people.agare.pk),
    )
    data["action-publish"] = "1"
    publish = owner.post(edit_url(riktlinje), data)

    assert is_refused(delete)
    # The publish button is not honoured: the change is only saved as a draft.
    assert last_message(publish) == "Sida 'Publicerad direkt' har blivit uppdaterad."
    assert latest(riktlinje).title == "Publicerad direkt"
    page = reload(riktlinje)
    assert page.live and page.title == TITLE and page.version == "1.0"
    assert page.live_revision_id == before.live_revision_id
    # Someone else's document stays closed to them.
    other = make_riktlinje("ks", responsible=people.redaktor, title="Annan riktlinje")
    assert is_refused(owner.get(edit_url(other)))


# -- Granskad utan ändringar (aktualitetsprövning) ---------------------------------------------


def test_official_confirms_the_document_unchanged(people, kd_riktlinje):
    page = kd_riktlinje
    client = client_for(people.kommundirektor)
    before = unchanged_state(page)
    due_before = reload(page).next_review
    assert due_before <= days_ago(-5)

    overview = client.get(review_url(page))
    assert facts(overview)["Status"] == "Revision inom 60 dagar"
    assert facts(overview)["Senast aktualitetsprövad"] == "–"
    form = confirm_form(overview)
    assert form is not None and form["action"] == confirm_url(page)
    assert [text_of(o) for o in form.select("select[name=body] option")] == ["Kommundirektör"]
    # The date of the review is prefilled with today's date, as the kommun writes dates.
    assert form.select_one("input[name=decision_date]")["value"] == today().isoformat()

    response = client.post(
        confirm_url(page),
        confirm_data("kommundirektor", comment="Kontrollerad mot dataskyddsförordningen."),
    )

    new_due = add_months(today(), 12)
    assert response.status_code == 302
    assert response["Location"] == review_url(page)
    assert last_message(response) == CONFIRMED.format(
        title=TITLE, version="1.0", date=new_due.isoformat()
    )
    page = reload(page)
    assert page.next_review == new_due
    assert page.last_reviewed == today()
    # Same version, no new decision record, no new revision; the live content has the new date.
    assert page.version == "1.0"
    assert page.adopted_versions.count() == before["adopted_versions"] == 1
    assert Revision.objects.for_instance(page).count() == before["revisions"]
    assert page.live_revision.content["next_review"] == new_due.isoformat()
    assert review_entries(page, "governance.reviewed") == 1

    overview = client.get(review_url(page))
    assert facts(overview)["Status"] == "Aktuell"
    assert facts(overview)["Revideras senast"] == new_due.isoformat()
    assert facts(overview)["Senast aktualitetsprövad"] == today().isoformat()
    row = page_history(overview)[-1]
    assert row == [
        today().isoformat(),
        "Granskad utan ändringar",
        "Kommundirektör",
        name_of(people.kommundirektor),
        "",
        "",
        "",
        f"Kontrollerad mot dataskyddsförordningen. Nästa revision senast {new_due.isoformat()}.",
    ]

    intranet = intranet_reader().get(path_of(page))
    meta = metadata(intranet)
    assert meta["Revideras senast"] == f"{new_due.isoformat()} Aktuell"
    assert meta["Senast aktualitetsprövad"] == today().isoformat()
    assert meta["Version"] == "1.0"
    assert page_history(intranet)[-1][1:3] == ["Granskad utan ändringar", "Kommundirektör"]
    public = Client(HTTP_HOST=PUBLIC_HOST).get(path_of(page))
    assert metadata(public)["Revideras senast"] == f"{new_due.isoformat()} Aktuell"
    # Still one adopted version: no "Fastställda versioner" table listing a second one.
    assert soup(public).select_one("section.versions") is None


def test_the_new_cycle_starts_from_the_date_of_the_review(people):
    page = make_riktlinje("kommundirektor", responsible=people.agare, decided=400)
    client = client_for(people.kommundirektor)
    assert facts(client.get(review_url(page)))["Status"] == "Försenad"

    client.post(confirm_url(page), confirm_data("kommundirektor", decision_date=days_ago(10)))

    page = reload(page)
    assert page.next_review == add_months(days_ago(10), 12)
    assert page.last_reviewed == days_ago(10)
    overview = client.get(review_url(page))
    assert facts(overview)["Status"] == "Aktuell"
    assert page_history(overview)[-1][0] == days_ago(10).isoformat()


def test_review_interval_of_the_document_is_used(people):
    page = make_riktlinje(
        "kommundirektor", responsible=people.agare, decided=200, review_interval_months=6
    )

    client_for(people.kommundirektor).post(confirm_url(page), confirm_data("kommundirektor"))

    assert reload(page).next_review == add_months(today(), 6)


def test_delegate_confirms_a_ks_document(people, riktlinje):
    client = client_for(people.kommundirektor)

    overview = client.get(review_url(riktlinje))
    assert "Kommunstyrelsen eller, på delegation, Kommundirektör" in text_of(
        confirm_section(overview)
    )
    assert [text_of(o) for o in confirm_form(overview).select("select[name=body] option")] == [
        "Kommundirektör"
    ]

    response = client.post(confirm_url(riktlinje), confirm_data("kommundirektor"))

    assert last_message(response).startswith(f"”{TITLE}” är granskad utan ändringar.")
    assert reload(riktlinje).last_reviewed == today()
    assert page_history(client.get(review_url(riktlinje)))[-1][1:3] == [
        "Granskad utan ändringar",
        "Kommundirektör",
    ]


def test_kf_document_is_confirmed_by_its_delegate_ks_in_a_meeting(people):
    policy = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        decision_date=days_ago(360),
        protocol_paragraph=5,
        responsible=people.agare,
    )
    client = client_for(people.sekreterare)
    options = confirm_form(client.get(review_url(policy))).select("select[name=body] option")
    assert [text_of(o) for o in options] == ["Kommunfullmäktige", "Kommunstyrelsen"]

    response = client.post(
        confirm_url(policy),
        confirm_data("ks", paragraph=88, diarienummer="KS-2026-40"),
    )

    assert response["Location"] == review_url(policy)
    row = page_history(client.get(review_url(policy)))[-1]
    assert row[1:7] == [
        "Granskad utan ändringar",
        "Kommunstyrelsen",
        name_of(people.sekreterare),
        "",
        "§ 88",
        "KS-2026-40",
    ]


def test_secretary_records_ks_review_with_paragraph_and_diarienummer(people, riktlinje):
    client = client_for(people.sekreterare)
    before = unchanged_state(riktlinje)
    overview = client.get(review_url(riktlinje))
    assert [text_of(o) for o in confirm_form(overview).select("select[name=body] option")] == [
        "Kommunstyrelsen"
    ]

    missing = client.post(confirm_url(riktlinje), confirm_data("ks"))

    assert missing.status_code == 400
    assert last_message(missing) == FIX_CONFIRM
    assert field_errors(missing) == [
        "Kommunstyrelsen prövar dokumentet i ett sammanträde: ange paragrafen.",
        "Ange diarienumret för Kommunstyrelsen beslut.",
    ]
    assert unchanged_state(riktlinje) == before

    response = client.post(
        confirm_url(riktlinje),
        confirm_data("ks", days_ago(3), paragraph=112, diarienummer="ks-2026-12"),
    )

    assert response.status_code == 302
    page = reload(riktlinje)
    assert page.last_reviewed == days_ago(3)
    assert page.next_review == add_months(days_ago(3), 12)
    rows = page_history(client.get(review_url(page)))
    assert rows[-1] == [
        days_ago(3).isoformat(),
        "Granskad utan ändringar",
        "Kommunstyrelsen",
        name_of(people.sekreterare),
        "",
        "§ 112",
        "KS-2026-12",
        f"Nästa revision senast {page.next_review.isoformat()}.",
    ]
    # The document's own decision is unchanged: § and dnr belong to the review only.
    assert (page.protocol_paragraph, page.diarienummer) == (10, "KS-2025-10")


DNR = {"paragraph": "12", "diarienummer": "KS-2026-12"}
BAD_DATE = "Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-11-23."
NOT_A_CHOICE = "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga alternativ."

# name: (what is posted instead, the field, the error shown under it)
BAD_INPUT = {
    "no date": ({"decision_date": ""}, "decision_date", "Ange datumet för prövningen."),
    "impossible date": ({"decision_date": "2026-02-30"}, "decision_date", BAD_DATE),
    "date in words": ({"decision_date": "i förrgår"}, "decision_date", BAD_DATE),
    "month and day swapped": ({"decision_date": "2026-31-01"}, "decision_date", BAD_DATE),
    "date with a time": ({"decision_date": "2026-01-10 10:00"}, "decision_date", BAD_DATE),
    "date as a script": (
        {"decision_date": "<script>alert(1)</script>"},
        "decision_date",
        BAD_DATE,
    ),
    "no body": ({"body": ""}, "body", "Det här fältet är obligatoriskt."),
    "body that did not decide": ({"body": "kf"}, "body", NOT_A_CHOICE),
    "body that is not a number": ({"body": "ks'--"}, "body", NOT_A_CHOICE),
    "paragraph with §": (
        {"paragraph": "§ 12"},
        "paragraph",
        "Ange paragrafen som ett heltal, utan §-tecken.",
    ),
    "paragraph zero": (
        {"paragraph": "0"},
        "paragraph",
        "Kontrollera att detta värde är större än eller lika med 1.",
    ),
    "paragraph too large": (
        {"paragraph": "100000"},
        "paragraph",
        "Kontrollera att detta värde är mindre än eller lika med 99999.",
    ),
    "diarienummer in the wrong format": (
        {"diarienummer": "2026/12"},
        "diarienummer",
        "Diarienumret ”2026/12” har inte kommunens format. Skriv det till exempel som KS-2025-542.",
    ),
    "comment too long": (
        {"comment": "x" * 2001},
        "comment",
        "Säkerställ att detta värde har som mest 2000 tecken (den har 2001).",
    ),
}


def post_bad_input(people, page, changes):
    data = {**confirm_data("ks"), **DNR}
    for name, value in changes.items():
        if name == "body" and value in ("kf", "ks", "kommundirektor"):
            value = str(get_body(value).pk)
        data[name] = value
    return client_for(people.sekreterare).post(confirm_url(page), data)


@pytest.mark.parametrize(("changes", "field", "error"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_with_a_swedish_error(people, riktlinje, changes, field, error):
    before = unchanged_state(riktlinje)

    response = post_bad_input(people, riktlinje, changes)

    assert response.status_code == 400
    assert last_message(response) == FIX_CONFIRM
    errors = errors_by_field(response)
    assert list(errors) == [field]
    assert errors[field].startswith(error)
    # The form is shown again with what was typed, so that it can be corrected.
    form = confirm_form(response)
    assert form is not None
    if field in ("decision_date", "diarienummer", "paragraph"):
        assert form.select_one(f"[name={field}]")["value"] == changes[field]
    assert unchanged_state(riktlinje) == before


MISTYPED = {
    key: BAD_INPUT[key]
    for key in (
        "paragraph with §",
        "paragraph zero",
        "paragraph too large",
        "diarienummer in the wrong format",
    )
}


@pytest.mark.parametrize(("changes", "field", "error"), MISTYPED.values(), ids=MISTYPED.keys())
def test_a_mistyped_paragraph_or_diarienummer_gets_only_its_own_error(
    people, riktlinje, changes, field, error
):
    response = post_bad_input(people, riktlinje, changes)

    assert response.status_code == 400
    assert errors_by_field(response) == {field: error}


@pytest.mark.parametrize(
    ("decision_date", "error"),
    [
        (days_ago(-1), "Datumet för prövningen kan inte ligga i framtiden."),
        (days_ago(361), "Prövningen kan inte vara före dokumentets beslutsdatum ({decided})."),
    ],
    ids=["tomorrow", "before the decision"],
)
def test_review_dates_outside_the_document_life_are_refused(
    people, kd_riktlinje, decision_date, error
):
    before = unchanged_state(kd_riktlinje)

    response = client_for(people.kommundirektor).post(
        confirm_url(kd_riktlinje), confirm_data("kommundirektor", decision_date)
    )

    assert response.status_code == 400
    assert field_errors(response) == [error.format(decided=days_ago(360).isoformat())]
    assert unchanged_state(kd_riktlinje) == before


@pytest.mark.parametrize("role", ["redaktor", "samordnare", "agare", "sekreterare", "stabschef"])
def test_those_who_did_not_decide_may_not_confirm(people, kd_riktlinje, role):
    client = client_for(people[role])
    before = unchanged_state(kd_riktlinje)

    overview = client.get(review_url(kd_riktlinje))
    assert confirm_form(overview) is None
    assert (
        "Prövningen registreras av beslutsfattaren eller, för politiska organ, av "
        "nämndsekreteraren." in text_of(confirm_section(overview))
    )

    response = client.post(confirm_url(kd_riktlinje), confirm_data("kommundirektor"))

    assert response.status_code == 302
    assert response["Location"] == review_url(kd_riktlinje)
    assert last_message(response) == MAY_NOT_CONFIRM.format(body="Kommundirektör")
    assert unchanged_state(kd_riktlinje) == before


def test_an_official_of_another_body_may_not_confirm_for_the_deciding_body(people, riktlinje):
    """The kommundirektör may confirm a KS riktlinje on delegation, but not as KS."""
    before = unchanged_state(riktlinje)

    response = client_for(people.kommundirektor).post(
        confirm_url(riktlinje), confirm_data("ks", paragraph=12, diarienummer="KS-2026-12")
    )

    assert response.status_code == 400
    assert field_errors(response)[0].startswith("Välj ett giltigt alternativ.")
    assert unchanged_state(riktlinje) == before


def test_no_review_while_the_document_is_in_the_workflow(people, kd_riktlinje):
    client_for(people.agare).post(start_url(kd_riktlinje))
    start(kd_riktlinje, people.agare)
    before = unchanged_state(kd_riktlinje)
    client = client_for(people.kommundirektor)

    overview = client.get(review_url(kd_riktlinje))
    assert CONFIRM_IN_WORKFLOW in text_of(confirm_section(overview))
    assert confirm_form(overview) is None

    response = client.post(confirm_url(kd_riktlinje), confirm_data("kommundirektor"))

    assert response["Location"] == review_url(kd_riktlinje)
    assert last_message(response) == CONFIRM_IN_WORKFLOW
    assert unchanged_state(kd_riktlinje) == before


def test_opening_the_confirm_address_only_shows_the_review_page(people, kd_riktlinje):
    before = unchanged_state(kd_riktlinje)

    response = client_for(people.kommundirektor).get(confirm_url(kd_riktlinje))

    assert response.status_code == 302
    assert response["Location"] == review_url(kd_riktlinje)
    assert unchanged_state(kd_riktlinje) == before


def test_after_a_review_the_owner_still_locks_and_revises_the_document(people):
    """The review restarts the cycle from its own date, later than the decision date plus the
    interval: the record stays valid, so saving the page (Wagtail's lock) and the owner's draft
    of the next version are not refused for a missing reason (a lock answered 500 before)."""
    page = make_riktlinje("kommundirektor", responsible=people.agare, decided=400)
    client_for(people.kommundirektor).post(confirm_url(page), confirm_data("kommundirektor"))
    assert reload(page).next_review == add_months(today(), 12)
    owner = client_for(people.agare)

    lock = owner.post(f"/admin/pages/{page.pk}/lock/")

    assert lock.status_code == 302
    assert reload(page).locked_by == people.agare
    owner.post(f"/admin/pages/{page.pk}/unlock/")

    owner.post(start_url(page))
    draft = latest(page)
    data = page_form_data(
        RiktlinjePage,
        TITLE,
        page.slug,
        "kommundirektor",
        version=draft.version,
        next_review=str(draft.next_review),
        responsible=str(people.agare.pk),
    )
    response = owner.post(edit_url(page), data)

    assert response.status_code == 302, messages_of(response)
    assert last_message(response) == f"Sida '{TITLE}' har blivit uppdaterad."
    assert latest(page).next_review == add_months(today(), 12)


def test_review_keeps_an_unsubmitted_draft(people, kd_riktlinje):
    """A draft someone is working on is neither lost nor published by the review."""
    client_for(people.agare).post(start_url(kd_riktlinje))
    draft_id = reload(kd_riktlinje).latest_revision_id

    client_for(people.kommundirektor).post(
        confirm_url(kd_riktlinje), confirm_data("kommundirektor")
    )

    page = reload(kd_riktlinje)
    assert page.last_reviewed == today()
    assert page.version == "1.0"
    assert page.latest_revision_id == draft_id
    assert latest(page).version == "1.1"


# -- Översyn behövs ----------------------------------------------------------------------------


@pytest.fixture
def hierarchy(people):
    """A policy, a riktlinje under it (owned by Åsa) and a rutin under the riktlinje."""
    rutin_owner = make_user("rutinagare", groups=["Dokumentansvariga"], first_name="Rolf")
    policy = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        decision_date=days_ago(100),
        protocol_paragraph=5,
        diarienummer="KS-2025-1",
        responsible=people.redaktor,
    )
    riktlinje = make_riktlinje(
        "ks", parent=policy, responsible=people.agare, decided=100, diarienummer="KS-2025-2"
    )
    rutin = make_document(
        RutinPage,
        parent=riktlinje,
        title="Rutin för behörighetstilldelning",
        decision_date=days_ago(100),
        responsible=rutin_owner,
    )
    mail.outbox.clear()
    return policy, riktlinje, rutin


def adopt_policy_v2(policy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return adopt_new_version(
            reload(policy),
            version="2.0",
            decision_date=days_ago(1),
            diarienummer="KS-2026-7",
            protocol_paragraph=17,
        )


FLAG_NOTE = (
    "Översyn behövs: överordnat dokument har ändrats (Informationssäkerhetspolicy, "
    "version 2.0, {date})."
)


def test_new_version_of_a_parent_flags_the_documents_under_it(
    people, hierarchy, django_capture_on_commit_callbacks
):
    policy, riktlinje, rutin = hierarchy
    note = FLAG_NOTE.format(date=days_ago(1).isoformat())

    adopt_policy_v2(policy, django_capture_on_commit_callbacks)

    # The owner is told at once.
    assert [m.to for m in mail.outbox] == [[people.agare.email]]
    message = mail.outbox[0]
    assert message.subject.startswith("Översyn behövs")
    assert TITLE in message.subject
    assert note in message.body
    assert f"/admin/revision/{riktlinje.pk}/" in message.body

    # On the intranet the document says so, next to its review date, and in its history.
    intranet = intranet_reader().get(path_of(riktlinje))
    revideras = metadata(intranet)["Revideras senast"]
    assert "Översyn behövs" in revideras
    assert note in revideras
    row = page_history(intranet)[-1]
    assert row[1:4] == ["Överordnat dokument har ändrats", "", "Styrdok"]
    assert row[7] == note

    overview = client_for(people.agare).get(review_url(riktlinje))
    assert facts(overview)["Status"].endswith(note)
    assert page_history(overview)[-1][1] == "Överordnat dokument har ändrats"

    register = intranet_reader().get("/styrdokument/")
    badges = {
        text_of(tr.select_one("td")): [text_of(s) for s in tr.select("td:last-child .status")]
        for tr in soup(register).select("table.register-table tbody tr")
    }
    assert "Översyn behövs" in badges[TITLE]
    assert "Översyn behövs" not in badges["Rutin för behörighetstilldelning"]
    assert "Översyn behövs" not in badges["Informationssäkerhetspolicy"]

    # The public website does not show it.
    public = Client(HTTP_HOST=PUBLIC_HOST).get(path_of(riktlinje))
    assert "Översyn behövs" not in text_of(soup(public))

    # Only the direct children: the rutin below the riktlinje is not flagged.
    assert reload(rutin).review_flagged_at is None
    assert "Översyn behövs" not in text_of(soup(intranet_reader().get(path_of(rutin))))
    assert review_entries(rutin, "governance.review_flagged") == 0
    assert reload(policy).review_flagged_at is None


def test_every_live_child_is_flagged_and_each_owner_is_told(
    people, hierarchy, django_capture_on_commit_callbacks
):
    policy, riktlinje, _rutin = hierarchy
    logging_owner = make_user("loggagare", groups=["Dokumentansvariga"], first_name="Lars")
    logging = make_riktlinje(
        "ks",
        parent=policy,
        title="Riktlinje för loggning",
        responsible=logging_owner,
        decided=100,
        diarienummer="KS-2025-3",
    )
    ownerless = make_riktlinje(
        "ks", parent=policy, title="Riktlinje utan ägare", decided=100, diarienummer="KS-2025-4"
    )
    draft = make_document(RiktlinjePage, parent=policy, publish=False, title="Riktlinje i utkast")
    mail.outbox.clear()

    adopt_policy_v2(policy, django_capture_on_commit_callbacks)

    for child in (riktlinje, logging, ownerless):
        assert reload(child).review_flagged_at is not None, child.title
        assert review_entries(child, "governance.review_flagged") == 1
    assert reload(draft).review_flagged_at is None
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (people.agare.email, f"Översyn behövs: ”{TITLE}”"),
        (logging_owner.email, "Översyn behövs: ”Riktlinje för loggning”"),
    ]
    # Without an owner nobody is mailed, but the intranet still shows both problems.
    badges = [
        text_of(b)
        for b in soup(intranet_reader().get(path_of(ownerless))).select("section.metadata .status")
    ]
    assert badges == ["Saknar ägare", "Översyn behövs"]


def test_each_new_version_of_the_parent_raises_the_flag_again(
    people, hierarchy, django_capture_on_commit_callbacks
):
    policy, riktlinje, _rutin = hierarchy
    adopt_policy_v2(policy, django_capture_on_commit_callbacks)
    client_for(people.kommundirektor).post(confirm_url(riktlinje), confirm_data("kommundirektor"))
    assert reload(riktlinje).review_flagged_at is None

    with django_capture_on_commit_callbacks(execute=True):
        adopt_new_version(
            reload(policy),
            version="3.0",
            decision_date=today(),
            diarienummer="KS-2026-9",
            protocol_paragraph=20,
        )

    page = reload(riktlinje)
    assert page.review_flag_note == (
        "Översyn behövs: överordnat dokument har ändrats (Informationssäkerhetspolicy, "
        f"version 3.0, {today().isoformat()})."
    )
    assert [m.to for m in mail.outbox] == [[people.agare.email], [people.agare.email]]
    assert "version 3.0" in mail.outbox[1].body
    rows = page_history(client_for(people.agare).get(review_url(page)))
    assert [row[1] for row in rows[-3:]] == [
        "Överordnat dokument har ändrats",
        "Granskad utan ändringar",
        "Överordnat dokument har ändrats",
    ]


def test_the_owner_is_mailed_only_once_the_adoption_is_committed(
    people, hierarchy, django_capture_on_commit_callbacks
):
    policy, riktlinje, _rutin = hierarchy

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        adopt_new_version(
            reload(policy), version="2.0", decision_date=days_ago(1), diarienummer="KS-2026-7"
        )
        assert reload(riktlinje).review_flagged_at is not None

    assert mail.outbox == []  # nothing is sent for an adoption that might still roll back
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[people.agare.email]]


def test_the_first_adoption_flags_nothing(people, django_capture_on_commit_callbacks):
    policy = make_document(PolicyPage, publish=False, title="Ny policy")
    child = make_riktlinje("ks", parent=policy, responsible=people.agare)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        adopt_new_version(
            reload(policy),
            decision_body=get_body("kf"),
            decision_date=days_ago(1),
            diarienummer="KS-2026-3",
            protocol_paragraph=3,
        )

    assert reload(policy).adopted_versions.count() == 1
    assert reload(child).review_flagged_at is None
    assert mail.outbox == []
    assert "Översyn behövs" not in text_of(soup(intranet_reader().get(path_of(child))))


def test_a_corrected_text_is_a_new_decision_and_flags_the_children(
    people, hierarchy, django_capture_on_commit_callbacks
):
    """Issue 13, items 2 and 8: there is no "same decision republished" any more; every
    publication is a decision with its own version, so the documents under it are flagged."""
    policy, riktlinje, _rutin = hierarchy

    with django_capture_on_commit_callbacks(execute=True):
        adopt_new_version(reload(policy), title="Informationssäkerhetspolicy (rättad)")

    versions = reload(policy).adopted_versions.order_by("adopted_at")
    assert [v.title for v in versions] == [
        "Informationssäkerhetspolicy",
        "Informationssäkerhetspolicy (rättad)",
    ]
    # The proposed label (still 1.0) is taken: the correction is adopted as 1.1.
    assert [v.version for v in versions] == ["1.0", "1.1"]
    assert reload(policy).version == "1.1"
    assert reload(riktlinje).review_flagged_at is not None
    assert [m.to for m in mail.outbox] == [[people.agare.email]]
    assert "version 1.1" in mail.outbox[0].body
    assert (
        "Översyn behövs" in metadata(intranet_reader().get(path_of(riktlinje)))["Revideras senast"]
    )


def test_the_child_s_own_new_version_clears_the_flag(
    people, hierarchy, django_capture_on_commit_callbacks
):
    policy, riktlinje, _rutin = hierarchy
    adopt_policy_v2(policy, django_capture_on_commit_callbacks)
    assert reload(riktlinje).review_flagged_at is not None

    adopt_new_version(
        reload(riktlinje),
        version="1.1",
        decision_date=days_ago(0),
        diarienummer="KS-2026-8",
        protocol_paragraph=18,
    )

    page = reload(riktlinje)
    assert page.review_flagged_at is None
    assert page.review_flag_note == ""
    meta = metadata(intranet_reader().get(path_of(page)))
    assert "Översyn behövs" not in meta["Revideras senast"]
    assert meta["Version"] == "1.1"
    assert "Översyn behövs" not in text_of(
        section(client_for(people.agare).get(review_url(page)), "lage-rubrik")
    )


def test_granskad_utan_andringar_clears_the_flag(
    people, hierarchy, django_capture_on_commit_callbacks
):
    policy, riktlinje, _rutin = hierarchy
    adopt_policy_v2(policy, django_capture_on_commit_callbacks)

    response = client_for(people.kommundirektor).post(
        confirm_url(riktlinje),
        confirm_data("kommundirektor", comment="Stämmer med policyns version 2.0."),
    )

    assert response.status_code == 302
    page = reload(riktlinje)
    assert page.review_flagged_at is None
    assert page.version == "1.0"
    meta = metadata(intranet_reader().get(path_of(page)))
    assert "Översyn behövs" not in meta["Revideras senast"]
    assert meta["Senast aktualitetsprövad"] == today().isoformat()
    overview = client_for(people.agare).get(review_url(page))
    assert "Översyn behövs" not in facts(overview)["Status"]
    assert [row[1] for row in page_history(overview)[-2:]] == [
        "Överordnat dokument har ändrats",
        "Granskad utan ändringar",
    ]


def test_a_draft_being_edited_does_not_bring_the_flag_back_or_drop_it(
    people, hierarchy, django_capture_on_commit_callbacks
):
    """The flag lives on the document, not in a revision: saving a draft leaves it."""
    policy, riktlinje, _rutin = hierarchy
    adopt_policy_v2(policy, django_capture_on_commit_callbacks)

    client_for(people.agare).post(start_url(riktlinje))

    assert reload(riktlinje).review_flagged_at is not None
    assert (
        "Översyn behövs" in metadata(intranet_reader().get(path_of(riktlinje)))["Revideras senast"]
    )


# -- who may do what ---------------------------------------------------------------------------

ROLES = (
    "redaktor",
    "samordnare",
    "kommundirektor",
    "sekreterare",
    "agare",
    "annan_agare",
    "medarbetare",
    "admin",
)

# fmt: off
# Y = allowed, - = refused (or not offered).
#                                     red  sam  kd   sek  äg   ann  med  adm
ACTIONS = {
    # Any admin user may read where a document stands; staff without the admin may not.
    "open the review page":          ("Y", "Y", "Y", "Y", "Y", "Y", "-", "Y"),
    # Whoever may edit the document: editors, its own dokumentansvarig, superusers.
    "start a revision":              ("Y", "Y", "-", "-", "Y", "-", "-", "Y"),
    # Decided by the kommundirektör: the official himself (no delegate), superusers.
    "confirm a riktlinje (KD)":      ("-", "-", "Y", "-", "-", "-", "-", "Y"),
    # Decided by KS: the nämndsekreterare for KS, the kommundirektör on delegation, superusers.
    "confirm a riktlinje (KS)":      ("-", "-", "Y", "Y", "-", "-", "-", "Y"),
}
# fmt: on

CELLS = [(action, role) for action in ACTIONS for role in ROLES]
IDS = [f"{action}-{role}" for action, role in CELLS]


def allowed(action, role):
    return ACTIONS[action][ROLES.index(role)] == "Y"


@pytest.fixture
def actors(people):
    return {
        **{name: people[name] for name in ROLES if hasattr(people, name)},
        "annan_agare": make_user("annanagare", groups=["Dokumentansvariga"]),
        "medarbetare": make_user("medarbetare2"),
    }


def matrix_document(action, people):
    if action == "confirm a riktlinje (KD)":
        return make_riktlinje("kommundirektor", responsible=people.agare)
    return make_riktlinje("ks", responsible=people.agare)


def confirm_as(role, page):
    """What each role posts: the kommundirektör confirms as the official, others as the body."""
    body = "kommundirektor" if role == "kommundirektor" else page.decision_body.code
    return confirm_data(body, paragraph=12, diarienummer="KS-2026-12")


@pytest.mark.parametrize(("action", "role"), CELLS, ids=IDS)
def test_matrix(people, actors, action, role):
    page = matrix_document(action, people)
    before = unchanged_state(page)
    client = client_for(actors[role])

    overview = client.get(review_url(page))

    if action == "open the review page":
        if allowed(action, role):
            assert overview.status_code == 200
            assert facts(overview)["Dokument"] == f"Riktlinje – {TITLE}, version 1.0"
        else:
            assert needs_admin_login(overview, review_url(page))
        return

    if not allowed("open the review page", role):
        # Without the admin, neither action is reachable.
        url = start_url(page) if action == "start a revision" else confirm_url(page)
        response = client.post(url, confirm_as(role, page))
        assert needs_admin_login(response, url)
        assert unchanged_state(page) == before
        return

    if action == "start a revision":
        offered = start_section(overview).find("a", href=start_url(page)) is not None
        assert offered is allowed(action, role)
        response = client.post(start_url(page))
        if allowed(action, role):
            assert response["Location"] == edit_url(page)
            assert last_message(response).startswith(STARTED.format(version="1.1"))
            assert latest(page).version == "1.1"
            assert reload(page).version == "1.0"
        else:
            assert response["Location"] == review_url(page)
            assert last_message(response).startswith(MAY_NOT_START.format(title=TITLE))
            assert unchanged_state(page) == before
        return

    assert (confirm_form(overview) is not None) is allowed(action, role)
    response = client.post(confirm_url(page), confirm_as(role, page))
    assert response.status_code == 302, messages_of(response)
    assert response["Location"] == review_url(page)
    if allowed(action, role):
        assert last_message(response).startswith(f"”{TITLE}” är granskad utan ändringar.")
        assert reload(page).last_reviewed == today()
        assert reload(page).next_review == add_months(today(), 12)
    else:
        assert last_message(response) == MAY_NOT_CONFIRM.format(body=page.decision_body.name)
        assert unchanged_state(page) == before


@pytest.mark.parametrize("route", ["review_page", "my_documents"])
def test_a_replayed_confirmation_records_the_review_once(people, kd_riktlinje, route):
    """A double click or a replayed form: one prövning in the history, one message to the
    owner, and the second post is told it is already recorded."""
    page = kd_riktlinje
    client = client_for(people.kommundirektor)
    if route == "review_page":
        url, data = confirm_url(page), confirm_data("kommundirektor")
    else:
        url, data = (
            f"/admin/mina-dokument/{page.pk}/bekrafta/",
            {"body": get_body("kommundirektor").pk},
        )
    client.post(url, data)
    before = unchanged_state(page)
    sent = len(mail.outbox)

    response = client.post(url, data)

    assert response.status_code == 302
    assert last_message(response) == (
        f"”{TITLE}” är redan aktualitetsprövad {today().isoformat()} av Kommundirektör. "
        "Inget har ändrats."
    )
    assert unchanged_state(page) == before
    assert review_entries(page, "governance.reviewed") == 1
    assert len(mail.outbox) == sent
