"""Wrong or stale input on the case page: a clear Swedish message, and nothing changes.

"Nothing changes" is checked on everything a decision touches: the page's live state and latest
revision, the decision fields, the run's status and current step, and the audit log.
"""

import datetime

import pytest
from django.core import mail
from wagtail.models import Page

from tests.shared import build_once

from .workflow_helpers import (
    FIX_ERRORS,
    KD_DECISION,
    KS_DECISION,
    NOT_ALLOWED,
    REVIEW,
    approve_data,
    build_people,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    error_texts,
    make_draft,
    messages_of,
    page_text,
    people_from,
    record_data,
    run_to_step,
    snapshot,
    today,
)

pytestmark = pytest.mark.django_db

FUTURE = "Datumet kan inte ligga i framtiden."
BAD_PARAGRAPH = "Paragrafen ska vara ett heltal, t.ex. 123 (utan §-tecken)."


def bad_dnr(value):
    return (
        f"Diarienumret ”{value}” har inte kommunens format. Skriv det till exempel som KS-2025-542."
    )


def build_world():
    """People and the runs the tests act on, once for the module (each test in a savepoint)."""
    pks = build_people()
    people = people_from(pks)
    ks = make_draft("riktlinje", "ks", title="Riktlinje för säkerhetskopiering")
    run_to_step(people, ks, KS_DECISION, people.redaktor)
    kd = make_draft("riktlinje", "kommundirektor")
    run_to_step(people, kd, KD_DECISION, people.redaktor)
    review = make_draft("riktlinje", "ks")
    run_to_step(people, review, REVIEW, people.redaktor)
    return {"people": pks, "ks_decision": ks.pk, "kd_decision": kd.pk, "at_review": review.pk}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def people(world, db):
    """Everyone, read afresh; the mail outbox emptied so a test sees only its own mail."""
    mail.outbox.clear()
    return people_from(world["people"])


def at_step(world, name):
    """The world's document `name` (re-read) and the step its run waits at."""
    page = reload_pk(world[name])
    return page, current_task_state(page)


@pytest.fixture
def ks_decision(world, people):
    return at_step(world, "ks_decision")


RECORD_ERRORS = [
    ({"paragraph": ""}, "Ange paragrafnumret i protokollet."),
    ({"paragraph": "§12"}, BAD_PARAGRAPH),
    ({"paragraph": "§ 12"}, BAD_PARAGRAPH),
    ({"paragraph": "abc"}, BAD_PARAGRAPH),
    ({"paragraph": "12a"}, BAD_PARAGRAPH),
    ({"paragraph": "0"}, "Paragrafen ska vara ett heltal från 1 och uppåt."),
    ({"paragraph": "-3"}, "Paragrafen ska vara ett heltal från 1 och uppåt."),
    ({"paragraph": "1000000"}, "Paragrafnumret är orimligt stort."),
    ({"diarienummer": ""}, "Ange ärendets diarienummer."),
    ({"diarienummer": "12345"}, bad_dnr("12345")),
    ({"diarienummer": "KS_2025"}, bad_dnr("KS_2025")),
    ({"diarienummer": "ks 2025"}, bad_dnr("KS 2025")),
    ({"meeting_date": ""}, "Ange sammanträdets datum."),
    ({"meeting_date": "2025-13-45"}, "Skriv datumet som ÅÅÅÅ-MM-DD."),
    ({"meeting_date": "igår"}, "Skriv datumet som ÅÅÅÅ-MM-DD."),
    ({"meeting_date": "tomorrow"}, FUTURE),
    ({"protocol_url": "inte en länk"}, "Ange en fullständig webbadress, t.ex. https://…"),
    ({"protocol_url": "javascript:alert(1)"}, "Ange en fullständig webbadress, t.ex. https://…"),
    ({"outcome": ""}, "Välj vad organet beslutade."),
]


def reload_pk(pk):
    return Page.objects.get(pk=pk).specific


def with_dates(values):
    values = dict(values)
    if values.get("meeting_date") == "tomorrow":
        values["meeting_date"] = str(today() + datetime.timedelta(days=1))
    return values


@pytest.mark.parametrize(
    ("values", "error"),
    RECORD_ERRORS,
    ids=[f"{next(iter(v))}={next(iter(v.values()))!r}" for v, _e in RECORD_ERRORS],
)
def test_recording_with_bad_input_changes_nothing(people, ks_decision, values, error):
    page, task_state = ks_decision
    before = snapshot(page)

    response = client_for(people.sekreterare).post(
        case_url(task_state), record_data(**with_dates(values))
    )

    assert response.status_code == 400
    assert messages_of(response) == [FIX_ERRORS]
    assert error in error_texts(response)
    assert snapshot(page) == before
    assert mail.outbox == []


def test_an_unknown_outcome_is_refused(people, ks_decision):
    page, task_state = ks_decision
    before = snapshot(page)

    response = client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="godkand")
    )

    assert response.status_code == 400
    assert any("godkand" in text for text in error_texts(response))
    assert snapshot(page) == before


def test_the_form_keeps_what_the_secretary_typed(people, ks_decision):
    _page, task_state = ks_decision

    response = client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(paragraph="§12", protocol_reference="KS protokoll 2025-11-19"),
    )

    assert 'value="KS protokoll 2025-11-19"' in response.content.decode()
    assert 'value="§12"' in response.content.decode()


OFFICIAL_ERRORS = [
    ({"decision_date": "tomorrow"}, FUTURE),
    ({"decision_date": ""}, "Ange beslutsdatum."),
    ({"decision_date": "2025-02-30"}, "Skriv datumet som ÅÅÅÅ-MM-DD."),
    ({"decision_date": "idag"}, "Skriv datumet som ÅÅÅÅ-MM-DD."),
    ({"diarienummer": ""}, "Ange ärendets diarienummer."),
    ({"diarienummer": "12345"}, bad_dnr("12345")),
    ({"diarienummer": "KS_2025"}, bad_dnr("KS_2025")),
]


@pytest.mark.parametrize(
    ("values", "error"),
    OFFICIAL_ERRORS,
    ids=[f"{next(iter(v))}={next(iter(v.values()))!r}" for v, _e in OFFICIAL_ERRORS],
)
def test_an_officials_decision_with_bad_input_changes_nothing(world, people, values, error):
    page, task_state = at_step(world, "kd_decision")
    values = {"decision_date": str(days_ago(1)), "diarienummer": "KS-2025-1", **values}
    if values["decision_date"] == "tomorrow":
        values["decision_date"] = str(today() + datetime.timedelta(days=1))
    before = snapshot(page)

    response = client_for(people.kommundirektor).post(case_url(task_state), approve_data(**values))

    assert response.status_code == 400
    assert messages_of(response) == [FIX_ERRORS]
    assert error in error_texts(response)
    assert snapshot(page) == before


# -- acting on a step the document is no longer at ------------------------------------------------


def test_recording_twice_changes_nothing_the_second_time(people, ks_decision):
    page, task_state = ks_decision
    first = client_for(people.sekreterare).post(case_url(task_state), record_data(paragraph="45"))
    assert first.status_code == 302
    before = snapshot(page)
    mail.outbox.clear()

    response = client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="aterremitterad", comment="Fel ärende.")
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(task_state)
    assert messages_of(response) == [
        "Dokumentet står inte längre på steget ”KS-beslut”. Inget har ändrats."
    ]
    assert snapshot(page) == before
    assert before["live"] and before["protocol_paragraph"] == 45
    assert mail.outbox == []


def test_a_finished_earlier_step_cannot_be_acted_on(people, ks_decision):
    page, _task_state = ks_decision
    review = page.workflow_states.get().task_states.get(task__name=REVIEW)
    before = snapshot(page)

    response = client_for(people.samordnare).post(case_url(review), approve_data())
    assert messages_of(response) == [
        "Dokumentet står inte längre på steget ”Granskning”. Inget har ändrats."
    ]
    response = client_for(people.sekreterare).post(case_url(review), record_data())
    assert response.status_code == 302
    assert snapshot(page) == before


@pytest.mark.parametrize(
    ("who", "data"),
    [
        # The secretary records decisions; approving or rejecting is not their action.
        ("sekreterare", approve_data()),
        ("sekreterare", {"action": "reject", "reject-comment": "Nej."}),
        ("sekreterare", {"action": "publish"}),
        # An official has nothing to do at the KS step.
        ("kommundirektor", record_data()),
        ("samordnare", record_data()),
    ],
)
def test_an_action_that_does_not_belong_to_the_step_is_refused(people, ks_decision, who, data):
    page, task_state = ks_decision
    before = snapshot(page)

    response = client_for(people[who]).post(case_url(task_state), data)

    assert response.status_code == 302
    assert snapshot(page) == before
    if who == "sekreterare":
        assert messages_of(response) == [NOT_ALLOWED]


def test_recording_on_a_review_step_is_refused(world, people):
    page, review = at_step(world, "at_review")
    before = snapshot(page)

    response = client_for(people.samordnare).post(case_url(review), record_data())

    assert response.status_code == 302
    assert messages_of(response) == [NOT_ALLOWED]
    assert snapshot(page) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_task_state_that_does_not_exist_is_a_404(people, ks_decision, method):
    _page, task_state = ks_decision
    client = client_for(people.sekreterare)

    response = getattr(client, method)(case_url(task_state.pk + 1000), record_data())

    assert response.status_code == 404


def test_a_stale_form_after_a_return_is_refused(people, ks_decision):
    """Two secretaries have the case open; the first returns it, the second's record is stale."""
    page, task_state = ks_decision
    client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="aterremitterad", comment="Komplettera.")
    )
    before = snapshot(page)

    response = client_for(people.admin).post(case_url(task_state), record_data())

    assert messages_of(response) == [
        "Dokumentet står inte längre på steget ”KS-beslut”. Inget har ändrats."
    ]
    assert snapshot(page) == before
    case = client_for(people.sekreterare).get(case_url(task_state))
    assert "Dokumentet står inte längre på steget ”KS-beslut”." in page_text(case)


# -- a new version is not dated before the decision it replaces ------------------------------------

BACKDATED = (
    "Beslutsdatum ({date}) kan inte ligga före beslutet om dokumentets senast fastställda "
    "version {version} ({previous}). Ett nytt beslut dateras samma dag eller senare än det "
    "beslut det ersätter. Inget har ändrats."
)


def new_version_at(people, body_code, step):
    """A riktlinje adopted 30 days ago whose next version waits at `step`."""
    from policies.models import RiktlinjePage
    from tests.factories import get_body, make_document

    page = make_document(
        RiktlinjePage,
        decision_body=get_body(body_code),
        decision_date=days_ago(30),
        protocol_paragraph=10 if body_code == "ks" else None,
    )
    page.save_revision(user=people.redaktor)
    return reload_pk(page.pk), run_to_step(people, page, step, people.redaktor)


@pytest.mark.parametrize(
    ("body_code", "step", "actor", "data"),
    [
        ("ks", KS_DECISION, "sekreterare", lambda day: record_data(meeting_date=day)),
        (
            "kommundirektor",
            KD_DECISION,
            "kommundirektor",
            lambda day: approve_data(decision_date=day, diarienummer="KS-2025-9"),
        ),
    ],
    ids=["recorded", "official"],
)
def test_a_new_version_is_not_dated_before_the_decision_it_replaces(
    people, body_code, step, actor, data
):
    page, task_state = new_version_at(people, body_code, step)
    before = snapshot(page)

    response = client_for(people[actor]).post(case_url(task_state), data(days_ago(31)))

    assert response.status_code == 302
    assert response["Location"] == case_url(task_state)
    assert messages_of(response) == [
        BACKDATED.format(date=days_ago(31), version=page.version, previous=days_ago(30))
    ]
    assert snapshot(page) == before

    # The same day as the decision it replaces is a date the body may well have decided on.
    response = client_for(people[actor]).post(case_url(task_state), data(days_ago(30)))

    assert response.status_code == 302, messages_of(response)
    decided = reload_pk(page.pk)
    assert decided.live_revision_id != before["live_revision"]
    assert decided.decision_date == days_ago(30)
