"""The review calendar applies the same visibility as every other channel."""

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from policies.models import RiktlinjePage
from revision.models import CalendarFeed
from tests.factories import INTRANET_HOST, days_ago, make_live_document, make_user

pytestmark = pytest.mark.django_db

RESTRICTED_GROUP = "Beslutsfattare"


def in_days(days):
    return days_ago(-days)


def feed_text(user):
    feed = CalendarFeed.objects.create(user=user)
    response = Client(HTTP_HOST=INTRANET_HOST).get(
        reverse("styrdok_calendar_feed", args=[feed.token])
    )
    assert response.status_code == 200
    summaries = {
        str(event["summary"])
        for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    return summaries, response.content.decode()


def owned_documents(owner):
    open_document = make_live_document(
        RiktlinjePage,
        title="Riktlinje för lösenord",
        responsible=owner,
        next_review=in_days(30),
        diarienummer="KS-2025-101",
    )
    restricted = make_live_document(
        RiktlinjePage,
        title="Skyddsplan för ledningscentralen",
        responsible=owner,
        next_review=in_days(40),
        diarienummer="KS-2025-202",
        publicity="internal",
        restricted_to=[Group.objects.get(name=RESTRICTED_GROUP)],
    )
    return open_document, restricted


def test_an_owner_outside_the_group_never_sees_a_restricted_documents_title_or_dnr():
    owner = make_user("agare", groups=["Redaktörer"])
    owned_documents(owner)

    summaries, text = feed_text(owner)

    assert summaries == {"Revision: Riktlinje för lösenord"}
    assert "Skyddsplan" not in text
    assert "KS-2025-202" not in text


def test_an_owner_in_the_group_sees_the_restricted_document():
    owner = make_user("medlem", groups=["Redaktörer", RESTRICTED_GROUP])
    owned_documents(owner)

    summaries, text = feed_text(owner)

    assert summaries == {
        "Revision: Riktlinje för lösenord",
        "Revision: Skyddsplan för ledningscentralen",
    }
    assert "KS-2025-202" in text


def test_the_calendar_page_counts_only_documents_the_owner_may_see():
    owner = make_user("agare", groups=["Redaktörer"])
    owned_documents(owner)
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(owner)

    response = client.get(reverse("styrdok_calendar:manage"))

    assert response.status_code == 200
    assert response.context["document_count"] == 1
