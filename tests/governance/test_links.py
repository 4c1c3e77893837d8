"""Absolute links come from the Wagtail Site records, which setup writes from the environment.

`make run PORT=8123` must give links with :8123 in every e-mail and calendar feed: the port goes
from the Makefile into STYRDOK_SITE_PORT, from there into STYRDOK_*_URL, from setup into the
Sites, and from the Sites into every link (governance/links.py).
"""

import datetime
import re
import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from governance.links import (
    SiteLinks,
    admin_absolute_url,
    intranet_page_url,
    my_documents_url,
    public_page_url,
    site_root_url,
)
from policies.channels import INTRANET, PUBLIC, channel_for_host
from policies.models import RiktlinjePage
from policies.pdf import reader_request
from revision.calendar import build_calendar, feed_url
from revision.models import CalendarFeed
from styrdok.settings.base import channel_url
from tests.factories import make_live_document, make_user

from .workflow_helpers import current_task_state, make_draft, start

pytestmark = pytest.mark.django_db

PORT_8123 = {
    "STYRDOK_INTRANET_URL": "http://intranet.localhost:8123",
    "STYRDOK_PUBLIC_URL": "http://localhost:8123",
}


@pytest.fixture(autouse=True)
def fresh_site_cache():
    """Wagtail caches the sites' root URLs; a rolled-back port change must not outlive a test."""
    Site.clear_site_root_paths_cache()
    yield
    Site.clear_site_root_paths_cache()


@pytest.fixture
def port_8123(settings):
    """The state after `make run PORT=8123`: the settings it gives, and setup run with them."""
    for name, value in PORT_8123.items():
        setattr(settings, name, value)
    call_command("setup_styrdok", verbosity=0)


@pytest.fixture
def owner(db):
    return make_user("agare-lankar", first_name="Åsa", last_name="Ägare")


# -- the defaults -------------------------------------------------------------------------------


def test_links_follow_the_sites_of_the_test_setup():
    assert site_root_url() == "http://intranet.localhost"
    assert site_root_url(intranet=False) == "http://localhost"
    assert admin_absolute_url("/admin/") == "http://intranet.localhost/admin/"
    assert my_documents_url() == "http://intranet.localhost/admin/mina-dokument/"


def test_page_links_on_each_channel():
    document = make_live_document(RiktlinjePage, title="Riktlinje för länkar", slug="lankar")

    assert intranet_page_url(document) == "http://intranet.localhost/styrdokument/lankar/"
    assert public_page_url(document) == "http://localhost/styrdokument/lankar/"


def test_without_sites_the_configured_urls_are_used(settings):
    Site.objects.all().delete()
    settings.STYRDOK_INTRANET_URL = "https://styrdok.intranet.exempelkommun.se"
    settings.STYRDOK_INTRANET_HOSTNAME = "styrdok.intranet.exempelkommun.se"

    assert site_root_url() == "https://styrdok.intranet.exempelkommun.se"
    assert admin_absolute_url("/admin/") == "https://styrdok.intranet.exempelkommun.se/admin/"


# -- make run PORT=8123 -------------------------------------------------------------------------


def test_setup_writes_the_port_into_both_sites(port_8123):
    intranet = Site.objects.get(hostname=settings.STYRDOK_INTRANET_HOSTNAME)
    public = Site.objects.get(hostname=settings.STYRDOK_PUBLIC_HOSTNAME)

    assert (intranet.port, public.port) == (8123, 8123)
    assert site_root_url() == "http://intranet.localhost:8123"
    assert site_root_url(intranet=False) == "http://localhost:8123"
    assert my_documents_url() == "http://intranet.localhost:8123/admin/mina-dokument/"


def test_running_setup_again_keeps_one_site_per_channel(port_8123):
    call_command("setup_styrdok", verbosity=0)

    assert Site.objects.filter(hostname=settings.STYRDOK_INTRANET_HOSTNAME).count() == 1
    assert Site.objects.filter(hostname=settings.STYRDOK_PUBLIC_HOSTNAME).count() == 1


def test_reminder_emails_link_to_port_8123(port_8123, owner, settings):
    settings.STYRDOK_REMINDER_DIGEST = False
    document = make_live_document(
        RiktlinjePage,
        title="Riktlinje för portar",
        slug="portar",
        responsible=owner,
        next_review=timezone.localdate() - datetime.timedelta(days=3),
    )
    mail.outbox.clear()

    call_command("send_review_reminders", stdout=StringIO(), stderr=StringIO())

    message = next(m for m in mail.outbox if m.to == [owner.email])
    links = re.findall(r"https?://\S+", message.body)
    assert links, message.body
    assert all(link.startswith("http://intranet.localhost:8123/") for link in links), links
    assert "http://intranet.localhost:8123/styrdokument/portar/" in links
    review_start = reverse("styrdok_review:start", args=[document.pk])
    assert f"http://intranet.localhost:8123{review_start}" in links
    assert "http://intranet.localhost:8123/admin/mina-dokument/" in links


def test_decision_notifications_link_to_port_8123(
    port_8123, people, django_capture_on_commit_callbacks
):
    second = make_user("granskare-lankar", groups=["Informationssäkerhetssamordnare"])
    page = make_draft("riktlinje", "ks", title="Riktlinje för notiser", responsible=people.agare)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        start(page, people.redaktor)

    task_state = current_task_state(page)
    reviewers = ([people.samordnare.email], [second.email])
    messages = [m for m in mail.outbox if m.to in reviewers]
    assert messages
    for message in messages:
        assert f"http://intranet.localhost:8123/admin/arenden/{task_state.pk}/" in message.body
        links = re.findall(r"https?://\S+", message.body)
        assert all(":8123/" in link for link in links), links


def test_calendar_feed_urls_use_port_8123(port_8123, owner):
    document = make_live_document(
        RiktlinjePage,
        title="Riktlinje för kalendern",
        responsible=owner,
        next_review=timezone.localdate() + datetime.timedelta(days=40),
    )
    feed = CalendarFeed.objects.create(user=owner)

    address = feed_url(feed)
    assert address.startswith("http://intranet.localhost:8123/kalender/")

    # The calendar client fetches the address as given: the port is in the Host header.
    response = Client(HTTP_HOST="intranet.localhost:8123").get(address.split(":8123", 1)[1])
    assert response.status_code == 200
    text = response.content.decode().replace("\r\n ", "")
    review = reverse("styrdok_review:overview", args=[document.pk])
    assert f"URL:http://intranet.localhost:8123{review}" in text
    assert "http://intranet.localhost:8123/admin/mina-dokument/" in text
    ical = build_calendar(owner, []).to_ical().decode()
    assert "localhost:80" not in ical


def test_calendar_on_the_public_host_uses_the_public_site(port_8123, owner, settings):
    settings.STYRDOK_CALENDAR_ON_PUBLIC = True
    feed = CalendarFeed.objects.create(user=owner)

    assert feed_url(feed).startswith("http://localhost:8123/kalender/")


def test_pdf_reader_request_carries_the_port(port_8123):
    request, root_url = reader_request(public=True)

    assert root_url == "http://localhost:8123/"
    assert request.get_host() == "localhost:8123"
    assert Site.find_for_request(request).port == 8123


def test_one_links_object_reads_the_sites_once(django_assert_num_queries):
    documents = [make_live_document(RiktlinjePage) for _ in range(3)]
    links = SiteLinks()

    with django_assert_num_queries(1):
        for document in documents:
            links.page(document)
            links.admin("/admin/")
            links.my_documents()


# -- the channels with a port in the Host header -------------------------------------------------


@pytest.mark.parametrize(
    "host, channel",
    [
        ("intranet.localhost:8123", INTRANET),
        ("INTRANET.localhost:8123", INTRANET),
        ("intranet.localhost", INTRANET),
        ("localhost:8123", PUBLIC),
        ("127.0.0.1:8123", PUBLIC),
    ],
)
def test_channel_detection_ignores_the_port(host, channel):
    assert channel_for_host(host) == channel


def test_intranet_on_port_8123_asks_for_login(port_8123):
    response = Client(HTTP_HOST="intranet.localhost:8123").get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(settings.LOGIN_URL)


# -- the settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "port, expected",
    [
        (80, "http://intranet.localhost"),
        (443, "https://intranet.localhost"),
        (8123, "http://intranet.localhost:8123"),
    ],
)
def test_channel_url_defaults_from_hostname_and_port(monkeypatch, port, expected):
    monkeypatch.delenv("STYRDOK_INTRANET_URL", raising=False)

    assert channel_url("STYRDOK_INTRANET_URL", "intranet.localhost", port) == expected


def test_channel_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("STYRDOK_INTRANET_URL", "http://intranet.localhost:8123/")

    assert channel_url("STYRDOK_INTRANET_URL", "intranet.localhost", 80) == (
        "http://intranet.localhost:8123"
    )


@pytest.mark.parametrize(
    "value, message",
    [
        ("intranet.localhost:8000", "ska vara en adress som http://värd:port"),
        ("http://intranet.localhost:8000/styrdok", "utan sökväg"),
        ("http://intranet.localhost:port", "ska vara en adress"),
        ("http://annan.localhost:8000", "har värden 'annan.localhost'"),
        ("https://intranet.localhost:8443", "https-adresser bara för port 443"),
        ("http://intranet.localhost:443", "använd https://"),
    ],
)
def test_a_bad_channel_url_is_a_clear_swedish_message(monkeypatch, value, message):
    monkeypatch.setenv("STYRDOK_INTRANET_URL", value)

    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        channel_url("STYRDOK_INTRANET_URL", "intranet.localhost", 80)


# -- the Makefile --------------------------------------------------------------------------------


def test_make_run_passes_the_port_to_setup_and_server():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    setup = next(line for line in lines if "manage.py setup_styrdok" in line)
    server = next(line for line in lines if "manage.py runserver" in line)
    assert "STYRDOK_SITE_PORT=8123" in setup
    assert "STYRDOK_SITE_PORT=8123" in server
    assert server.rstrip().endswith("0.0.0.0:8123")
