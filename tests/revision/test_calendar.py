"""The review calendar: the secret ICS feed and the admin page that manages its address."""

import datetime

import icalendar
import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.models import RiktlinjePage
from revision.models import CalendarFeed
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    days_ago,
    make_document,
    make_live_document,
    make_live_documents,
    make_user,
)

pytestmark = pytest.mark.django_db

MANAGE = "/admin/kalender/"


def in_days(days):
    return days_ago(-days)


@pytest.fixture
def owner(db):
    return make_user("agare", groups=["Redaktörer"], first_name="Olle", last_name="Ägare")


@pytest.fixture
def owner_client(owner):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(owner)
    return client


@pytest.fixture
def feed(owner):
    return CalendarFeed.objects.create(user=owner)


def feed_path(token):
    return reverse("styrdok_calendar_feed", args=[token])


def events_of(response):
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    return cal, {str(event["summary"]): event for event in cal.walk("VEVENT")}


def messages_of(response):
    return [str(message).strip() for message in response.context["messages"]]


# -- the feed ----------------------------------------------------------------------------------


def test_feed_lists_the_owners_live_documents_with_review_dates(
    owner, feed, anonymous_intranet_client
):
    due = in_days(40)
    mine = make_live_document(
        RiktlinjePage,
        title="Riktlinje för lösenord",
        responsible=owner,
        next_review=due,
        version="2.1",
        diarienummer="KS-2025-17",
    )
    restricted = make_live_document(
        RiktlinjePage, title="Begränsad riktlinje", responsible=owner, next_review=in_days(60)
    )
    someone_else = make_user("annan")
    make_live_document(RiktlinjePage, title="Någon annans", responsible=someone_else)
    make_document(RiktlinjePage, publish=False, title="Utkast", responsible=owner, next_review=due)

    response = anonymous_intranet_client.get(feed_path(feed.token))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal, events = events_of(response)
    assert set(events) == {"Revision: Riktlinje för lösenord", "Revision: Begränsad riktlinje"}
    assert str(cal["version"]) == "2.0"
    assert str(cal["calscale"]) == "GREGORIAN"
    assert str(cal["method"]) == "PUBLISH"
    assert str(cal["x-wr-calname"]) == "Styrdok – revisioner för Olle Ägare"
    assert str(cal["x-wr-timezone"]) == "Europe/Stockholm"
    assert str(cal["x-published-ttl"]) == "PT12H"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in response.content
    assert cal["prodid"]

    event = events["Revision: Riktlinje för lösenord"]
    assert event.decoded("dtstart") == due
    assert event.decoded("dtend") == due + datetime.timedelta(days=1)
    assert b"DTSTART;VALUE=DATE:" + due.strftime("%Y%m%d").encode() in response.content
    assert str(event["uid"]) == f"styrdok-revision-{mine.pk}-{due:%Y%m%d}@{INTRANET_HOST}"
    assert event["dtstamp"]
    review_url = f"http://{INTRANET_HOST}/admin/revision/{mine.pk}/"
    assert str(event["url"]) == review_url
    description = str(event["description"])
    for expected in (
        "Riktlinje",
        "Version: 2.1",
        "Diarienummer: KS-2025-17",
        "Beslutande organ: ",
        review_url,
        f"http://{INTRANET_HOST}/admin/revision/{mine.pk}/paborja/",
    ):
        assert expected in description
    assert "Revision" in [str(c) for c in event["categories"].cats]

    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == -datetime.timedelta(days=7)
    assert events["Revision: Begränsad riktlinje"].decoded("dtstart") == restricted.next_review


def test_feed_is_folded_with_crlf_and_escaped(owner, feed, anonymous_intranet_client):
    make_live_document(
        RiktlinjePage,
        title="Åtgärder; rutiner, ansvar och " + "ändringshantering för lång titel " * 4,
        responsible=owner,
        next_review=in_days(10),
    )

    response = anonymous_intranet_client.get(feed_path(feed.token))

    content = response.content
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    lines = content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # something was long enough to fold
    assert b"\\;" in content and b"\\," in content
    _cal, events = events_of(response)
    (summary,) = events
    assert summary.startswith("Revision: Åtgärder; rutiner, ansvar")


@pytest.mark.parametrize("line_break", ["\r", "\n", "\r\n"])
@pytest.mark.usefixtures("text_stored_before_the_input_guard")
def test_a_line_break_in_the_owners_name_stays_in_the_calendars_name(
    line_break, owner, feed, anonymous_intranet_client
):
    """The name is typed by its owner in the account settings: a bare carriage return in it
    wrote properties and events of its own into the feed, and a line feed made the feed fail."""
    owner.first_name = line_break.join(["Olle", "X-INJ:1", "BEGIN:VEVENT", "SUMMARY:Falsk"])
    owner.save()
    make_live_document(
        RiktlinjePage, title="Riktlinje för loggning", responsible=owner, next_review=in_days(10)
    )

    response = anonymous_intranet_client.get(feed_path(feed.token))

    assert response.status_code == 200
    content = response.content
    assert b"\r" not in content.replace(b"\r\n", b"")
    assert b"\n" not in content.replace(b"\r\n", b"")
    cal, events = events_of(response)
    name = "Styrdok – revisioner för Olle X-INJ:1 BEGIN:VEVENT SUMMARY:Falsk Ägare"
    assert str(cal["x-wr-calname"]) == name
    assert str(cal["name"]) == name
    assert "x-inj" not in cal
    assert set(events) == {"Revision: Riktlinje för loggning"}


def test_feed_records_the_fetch_and_is_private(feed, anonymous_intranet_client):
    assert feed.last_fetched_at is None

    response = anonymous_intranet_client.get(feed_path(feed.token))

    assert response.status_code == 200
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert response["Content-Disposition"] == 'inline; filename="revisioner.ics"'
    _cal, events = events_of(response)
    assert events == {}


@pytest.mark.parametrize(
    "token",
    [
        "okand-nyckel-som-ser-rimlig-ut-0123456789abc",
        "x",
        "a" * 5000,
        "åäö-nyckel-med-unicode-tecken-ÅÄÖ-éü-日本",
        "nyckel%00med%00nolltecken",
        "..%2F..%2Fetc",
    ],
)
def test_unknown_or_odd_tokens_are_404(token, feed, anonymous_intranet_client):
    response = anonymous_intranet_client.get(f"/kalender/{token}.ics")
    assert response.status_code == 404


def test_a_prefix_of_the_token_is_not_enough(feed, anonymous_intranet_client):
    assert anonymous_intranet_client.get(feed_path(feed.token[:-1])).status_code == 404
    assert anonymous_intranet_client.get(feed_path(feed.token + "x")).status_code == 404


def test_inactive_owner_gets_404(owner, feed, anonymous_intranet_client):
    owner.is_active = False
    owner.save()
    assert anonymous_intranet_client.get(feed_path(feed.token)).status_code == 404


def test_feed_is_not_served_on_the_public_host(feed, public_client):
    assert public_client.get(feed_path(feed.token)).status_code == 404


@override_settings(STYRDOK_CALENDAR_ON_PUBLIC=True)
def test_feed_on_the_public_host_when_allowed(owner, feed, public_client, owner_client):
    assert public_client.get(feed_path(feed.token)).status_code == 200
    # The address shown in the admin then points at the public host.
    response = owner_client.get(MANAGE)
    assert f"http://{PUBLIC_HOST}/kalender/{feed.token}.ics" in response.content.decode()


def test_feed_only_answers_get(feed, anonymous_intranet_client):
    assert anonymous_intranet_client.post(feed_path(feed.token)).status_code == 405


def _feed_queries(count):
    owner = make_user(f"agare{count}")
    make_live_documents(RiktlinjePage, count, responsible=owner, next_review=in_days(20))
    feed = CalendarFeed.objects.create(user=owner)
    client = Client(HTTP_HOST=INTRANET_HOST)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(feed_path(feed.token))
    _cal, events = events_of(response)
    assert len(events) == count
    return len(queries)


def test_feed_query_count_does_not_grow_with_documents(db):
    few = _feed_queries(2)
    assert few == _feed_queries(12)
    assert few <= 4  # the feed with its owner, the fetch time, the documents


# -- the admin page ----------------------------------------------------------------------------


def test_page_without_address_offers_to_create_one(owner_client):
    response = owner_client.get(MANAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Skapa kalenderadress" in content
    assert "Lägg till kalender → Från internet" in content
    assert 'id="kalenderadress"' not in content
    assert "Byt adress" not in content


def test_create_regenerate_and_revoke(owner, owner_client, anonymous_intranet_client):
    response = owner_client.post(MANAGE, {"action": "create"}, follow=True)
    assert response.redirect_chain == [(MANAGE, 302)]
    assert any("är skapad" in m for m in messages_of(response))
    feed = CalendarFeed.objects.get(user=owner)
    first = feed.token
    url = f"http://{INTRANET_HOST}/kalender/{first}.ics"
    content = response.content.decode()
    assert url in content
    assert "Byt adress" in content and "Återkalla" in content
    assert "Inte hämtad ännu" in content
    assert anonymous_intranet_client.get(feed_path(first)).status_code == 200

    response = owner_client.post(MANAGE, {"action": "regenerate"}, follow=True)
    assert any("är bytt" in m for m in messages_of(response))
    second = CalendarFeed.objects.get(user=owner).token
    assert second != first
    assert anonymous_intranet_client.get(feed_path(first)).status_code == 404
    assert anonymous_intranet_client.get(feed_path(second)).status_code == 200
    assert second in response.content.decode()

    response = owner_client.post(MANAGE, {"action": "revoke"}, follow=True)
    assert any("återkallad" in m for m in messages_of(response))
    assert not CalendarFeed.objects.filter(user=owner).exists()
    assert anonymous_intranet_client.get(feed_path(second)).status_code == 404
    assert "Skapa kalenderadress" in response.content.decode()


def test_creating_twice_keeps_the_address(owner, owner_client, feed):
    response = owner_client.post(MANAGE, {"action": "create"}, follow=True)
    assert any("finns redan" in m for m in messages_of(response))
    assert CalendarFeed.objects.get(user=owner).token == feed.token


def test_regenerate_or_revoke_without_address_is_a_message(owner_client):
    response = owner_client.post(MANAGE, {"action": "regenerate"}, follow=True)
    assert any("ingen kalenderadress" in m for m in messages_of(response))
    response = owner_client.post(MANAGE, {"action": "revoke"}, follow=True)
    assert any("ingen kalenderadress" in m for m in messages_of(response))
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("data", [{"action": "radera-allt"}, {}, {"action": "x" * 10_000}])
def test_unknown_action_is_an_error_message(data, owner, owner_client, feed):
    response = owner_client.post(MANAGE, data, follow=True)
    assert response.status_code == 200
    assert "Okänd åtgärd. Inget har ändrats." in messages_of(response)
    assert CalendarFeed.objects.get(user=owner).token == feed.token


def test_post_needs_csrf(owner):
    client = Client(HTTP_HOST=INTRANET_HOST, enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(MANAGE, {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_other_users_cannot_manage_someone_elses_calendar(owner, feed, redaktor_client):
    """Wagtail's admin turns the PermissionDenied into a redirect home with an error."""
    other = f"/admin/kalender/{feed.user_id}/"
    for response in (
        redaktor_client.get(other),
        redaktor_client.post(other, {"action": "revoke"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert feed.token not in redaktor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert CalendarFeed.objects.filter(pk=feed.pk).exists()


def test_own_id_works_for_anyone(owner, owner_client):
    response = owner_client.get(f"/admin/kalender/{owner.pk}/")
    assert response.status_code == 200


def test_superuser_manages_another_users_calendar(owner, feed, admin_client_intranet):
    url = f"/admin/kalender/{owner.pk}/"
    response = admin_client_intranet.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Olle Ägare" in content
    assert feed.token in content

    response = admin_client_intranet.post(url, {"action": "revoke"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert any("för Olle Ägare" in m for m in messages_of(response))
    assert not CalendarFeed.objects.filter(user=owner).exists()


def test_superuser_and_unknown_user_is_404(admin_client_intranet):
    assert admin_client_intranet.get("/admin/kalender/999999/").status_code == 404


def test_page_needs_login(anonymous_intranet_client):
    response = anonymous_intranet_client.get(MANAGE)
    assert response.status_code == 302
    assert "/kalender/" not in response["Location"].split("?")[0]


def test_account_page_links_to_the_calendar(owner_client):
    response = owner_client.get("/admin/account/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Revisionskalender" in content
    assert f'href="{MANAGE}"' in content


# -- what is stored ----------------------------------------------------------------------------


def test_the_database_holds_no_working_address(feed, anonymous_intranet_client):
    """Only a nonce and the digest of the secret are stored: a copy of the table (a backup, a
    read-only leak) opens no calendar."""
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert feed.token not in {str(value) for value in stored.values()}
    for value in (stored["nonce"], stored["token_hash"]):
        assert anonymous_intranet_client.get(f"/kalender/{value}.ics").status_code == 404
    assert anonymous_intranet_client.get(feed_path(feed.token)).status_code == 200


def test_an_address_that_cannot_be_shown_again_still_works(
    owner, feed, owner_client, anonymous_intranet_client
):
    """An address made before only its digest was stored (migration 0002), or before SECRET_KEY
    was changed, cannot be shown; subscribers keep it, and the owner is told to make a new one."""
    token = feed.token
    CalendarFeed.objects.filter(pk=feed.pk).update(nonce="fore-bytet")

    content = owner_client.get(MANAGE).content.decode()
    assert "Adressen kan inte visas längre" in content
    assert 'id="kalenderadress"' not in content
    assert anonymous_intranet_client.get(feed_path(token)).status_code == 200

    owner_client.post(MANAGE, {"action": "regenerate"})
    content = owner_client.get(MANAGE).content.decode()
    assert anonymous_intranet_client.get(feed_path(token)).status_code == 404
    assert "Adressen kan inte visas längre" not in content
    new_token = CalendarFeed.objects.get(user=owner).token
    assert f"/kalender/{new_token}.ics" in content
