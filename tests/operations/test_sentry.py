"""Error reporting to a Sentry-compatible service, with a real HTTP endpoint as the DSN."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client, RequestFactory

from operations.sentry import before_send, init_sentry, scrub
from tests.factories import INTRANET_HOST, make_user

PERSONNUMMER_SPELLINGS = [
    "19121212-1212",
    "121212-1212",
    "191212121212",
    "1212121212",
    "121212+1212",
    "19121212%2B1212",
    "121212 1212",
]


@pytest.mark.parametrize("spelling", PERSONNUMMER_SPELLINGS)
def test_personnummer_in_any_spelling_is_replaced(spelling):
    assert scrub(f"/sok/?q={spelling}&sida=2") == "/sok/?q=[personnummer]&sida=2"


def test_a_calendar_address_is_reported_without_its_secret():
    secret = "MCeagj9CB0O21LvOdTm_5FEvxM9JpKKh3z8NtDFZm9I"
    url = f"http://intranet.localhost/kalender/{secret}.ics"
    assert scrub(url) == "http://intranet.localhost/kalender/[hemlig].ics"
    assert scrub({"request": {"url": url}}) == {
        "request": {"url": "http://intranet.localhost/kalender/[hemlig].ics"}
    }


def test_dates_and_diarienummer_stay_readable():
    text = "Beslut 2026-11-23, KS-2026-700, version 2.1"
    assert scrub(text) == text


def test_before_send_drops_cookies_headers_bodies_and_user_details():
    event = {
        "request": {
            "url": "https://intranet.kommun.se/sok/",
            "query_string": "q=19121212-1212",
            "cookies": {"sessionid": "abc"},
            "headers": {"Authorization": "Basic x"},
            "data": {"body": "dokumentets text"},
            "env": {"REMOTE_ADDR": "10.0.0.1"},
        },
        "user": {"id": 7, "email": "anna@kommun.se", "username": "anna", "ip_address": "1.2.3.4"},
        "extra": {"nested": ["ring 0701234567"]},
    }
    cleaned = before_send(event)
    assert cleaned["request"] == {
        "url": "https://intranet.kommun.se/sok/",
        "query_string": "q=[personnummer]",
    }
    assert cleaned["user"] == {"id": 7}
    assert cleaned["extra"] == {"nested": ["ring [personnummer]"]}


class Collector(BaseHTTPRequestHandler):
    """A stand-in for Sentry's ingest API: keeps every envelope it is sent."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body.decode()))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def collector():
    Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sentry(collector):
    host, port = collector.server_address
    init_sentry(f"http://publicnyckel@{host}:{port}/42")
    yield Collector.received
    client = sentry_sdk.get_client()
    client.close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)


def events(received):
    found = []
    for _path, envelope in received:
        lines = envelope.split("\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def serve_through_wsgi(path, **environ):
    """The request as gunicorn hands it to Django (WSGIHandler, which Sentry wraps), not through
    the test client; the connection is kept open, as the test client keeps it."""
    wsgi_environ = RequestFactory().get(path, **environ).environ
    statuses = []
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(wsgi_environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return statuses[0]


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.urls")
def test_an_error_is_reported_without_personal_data(sentry):
    user = make_user("anna", email="anna.andersson@kommun.se", first_name="Anna")
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    status = serve_through_wsgi(
        "/testfel/?pnr=19121212-1212&sida=2",
        HTTP_HOST=INTRANET_HOST,
        HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session_cookie}",
        HTTP_X_PERSONNUMMER="19121212-1212",
        HTTP_USER_AGENT="Testwebbläsare",
    )
    assert status.startswith("500")
    sentry_sdk.flush(timeout=5)
    reported = events(sentry)
    assert len(reported) == 1
    event = reported[0]
    assert sentry[0][0] == "/api/42/envelope/"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == "Något gick sönder i testvyn"
    assert event["request"]["url"].endswith("/testfel/")
    assert event["request"]["query_string"] == "pnr=[personnummer]&sida=2"
    assert "cookies" not in event["request"] and "headers" not in event["request"]
    assert set(event.get("user", {})) <= {"id"}
    everything = "".join(envelope for _path, envelope in sentry)
    for secret in (
        "19121212",
        "anna.andersson",
        session_cookie,
        "Testwebbläsare",
        settings.SECRET_KEY,
    ):
        assert secret not in everything
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert not any("vars" in frame for frame in frames)


def test_a_logged_error_is_reported_with_the_personnummer_replaced(sentry):
    import logging

    logging.getLogger("policies.archive").error("Ingen PDF för ärende 19121212-1212")
    sentry_sdk.flush(timeout=5)
    (event,) = events(sentry)
    assert event["logentry"]["message"] == "Ingen PDF för ärende [personnummer]"
    assert "19121212" not in "".join(envelope for _path, envelope in sentry)


PRODUCTION_PROBE = """
import json, django, sentry_sdk
django.setup()
from django.conf import settings
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "pii": client.should_send_default_pii(),
    "before_send": getattr(client.options.get("before_send"), "__module__", None)
    if client.is_active() else None,
    "formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "root": settings.LOGGING["root"]["handlers"],
    "admins": settings.ADMINS,
}))
"""


def production(**environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SENTRY_", "STYRDOK_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="styrdok.settings.production",
        SECRET_KEY="produktionsprov",
        DATABASE_URL="sqlite:////tmp/styrdok-production-probe.sqlite3",
        **environ,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_reports_only_when_sentry_dsn_is_set():
    without = production()
    assert without["active"] is False
    assert without["formatter"] == "plain"
    assert without["root"] == ["console", "mail_admins"]
    with_dsn = production(
        SENTRY_DSN="http://publicnyckel@127.0.0.1:9/1",
        STYRDOK_LOG_FORMAT="json",
        STYRDOK_ADMINS="Drift <drift@kommun.se>",
    )
    assert with_dsn["active"] is True
    assert with_dsn["pii"] is False
    assert with_dsn["before_send"] == "operations.sentry"
    assert with_dsn["formatter"] == "json"
    assert with_dsn["admins"] == [["Drift", "drift@kommun.se"]]
