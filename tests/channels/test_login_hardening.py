"""Staff login hardening: throttled logins, staff sessions, and no login form on the public host.

Issue 14, item 7: password guessing against /logga-in/ and /admin/login/ is stopped per username
and per client address with a Swedish message; staff sessions end after STYRDOK_SESSION_HOURS or
when the browser closes; the public website offers no staff login form at all.
"""

import datetime
import json
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import INTRANET_HOST, PASSWORD, PUBLIC_HOST, make_user

LOCKOUT_TEXT = "För många misslyckade inloggningsförsök"
LOGIN_FORMS = ["/logga-in/", "/admin/login/"]


def browser(ip, host=INTRANET_HOST):
    return Client(HTTP_HOST=host, REMOTE_ADDR=ip)


def attempt(client, url, username, password):
    return client.post(url, {"username": username, "password": password, "next": "/"})


def is_logged_in(client):
    return client.get("/styrdokument/").status_code == 200


@pytest.fixture
def anna(db):
    return make_user("anna", first_name="Anna", last_name="Andersson")


@pytest.fixture
def bertil(db):
    return make_user("bertil", first_name="Bertil", last_name="Berg")


def lock_out(url, username, ip="10.0.0.1"):
    """As many wrong passwords as the limit allows; returns the client and the last response."""
    client = browser(ip)
    responses = [
        attempt(client, url, username, "fel-losenord") for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    return client, responses


@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_the_failure_limit_locks_out_and_the_right_password_is_then_refused(anna, url):
    client, responses = lock_out(url, "anna")

    assert settings.AXES_FAILURE_LIMIT == 5
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    right = attempt(client, url, "anna", PASSWORD)

    assert right.status_code == 429
    text = right.content.decode()
    assert LOCKOUT_TEXT in text
    assert "spärrad i 15 minuter" in text
    assert 'type="password"' not in text
    assert not is_logged_in(client)


@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_the_lockout_is_per_username_and_per_address(anna, bertil, url):
    lock_out(url, "anna", ip="10.0.0.1")

    # Anna from another address: still locked (the username is).
    anna_elsewhere = browser("10.0.0.2")
    assert attempt(anna_elsewhere, url, "anna", PASSWORD).status_code == 429
    assert not is_logged_in(anna_elsewhere)
    # Another user from the guessing address: locked too (the address is).
    bertil_there = browser("10.0.0.1")
    assert attempt(bertil_there, url, "bertil", PASSWORD).status_code == 429
    assert not is_logged_in(bertil_there)
    # Another user from another address is not affected.
    bertil_elsewhere = browser("10.0.0.3")
    assert attempt(bertil_elsewhere, url, "bertil", PASSWORD).status_code == 302
    assert is_logged_in(bertil_elsewhere)


def test_the_lockout_ends_after_the_cool_off(anna):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client, _ = lock_out("/logga-in/", "anna")
        traveller.shift(datetime.timedelta(minutes=14))
        assert attempt(client, "/logga-in/", "anna", PASSWORD).status_code == 429

        # A failure during the lockout restarts the cool-off; 15 quiet minutes end it.
        traveller.shift(datetime.timedelta(minutes=15, seconds=1))
        response = attempt(client, "/logga-in/", "anna", PASSWORD)

        assert response.status_code == 302
        assert is_logged_in(client)


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_limit(anna, bertil, settings):
    """Behind one trusted proxy the client is the last X-Forwarded-For entry, not the first."""
    settings.STYRDOK_TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        client = Client(
            HTTP_HOST=INTRANET_HOST,
            REMOTE_ADDR="192.168.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.7",
        )
        attempt(client, "/logga-in/", f"gissning{number}", "fel-losenord")

    same_client = Client(
        HTTP_HOST=INTRANET_HOST,
        REMOTE_ADDR="192.168.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    other_client = Client(
        HTTP_HOST=INTRANET_HOST, REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4"
    )

    assert attempt(same_client, "/logga-in/", "bertil", PASSWORD).status_code == 429
    assert attempt(other_client, "/logga-in/", "anna", PASSWORD).status_code == 302


def test_logins_without_a_request_still_work(anna):
    """The test client's login() and force_login() (and the shell) are not throttled."""
    client = Client(HTTP_HOST=INTRANET_HOST)
    assert client.login(username="anna", password=PASSWORD)
    assert is_logged_in(client)

    forced = Client(HTTP_HOST=INTRANET_HOST)
    forced.force_login(anna)
    assert is_logged_in(forced)


# -- Staff sessions ------------------------------------------------------------------------------


def test_a_staff_session_ends_with_the_browser_and_after_eight_hours(anna):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = browser("10.0.0.1")
        response = attempt(client, "/logga-in/", "anna", PASSWORD)

        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        # A browser-session cookie: no lifetime of its own, gone when the browser closes.
        assert cookie["max-age"] == ""
        assert cookie["expires"] == ""
        assert client.session.get_expire_at_browser_close()

        traveller.shift(datetime.timedelta(hours=7, minutes=59))
        assert is_logged_in(client)
        traveller.shift(datetime.timedelta(minutes=2))
        response = client.get("/styrdokument/")

        assert response.status_code == 302
        assert response["Location"].startswith("/logga-in/")


def settings_in_subprocess(env, names):
    """The named settings as another process reads them from `env` (settings are import-time)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "styrdok.settings.test", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_session_length_and_login_limits_come_from_the_environment():
    values = settings_in_subprocess(
        {
            "STYRDOK_SESSION_HOURS": "2",
            "STYRDOK_SESSION_EXPIRE_AT_BROWSER_CLOSE": "false",
            "STYRDOK_LOGIN_FAILURE_LIMIT": "10",
            "STYRDOK_LOGIN_COOLOFF_MINUTES": "60",
            "STYRDOK_TRUSTED_PROXY_COUNT": "1",
        },
        [
            "SESSION_COOKIE_AGE",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE",
            "AXES_FAILURE_LIMIT",
            "AXES_COOLOFF_TIME",
            "STYRDOK_TRUSTED_PROXY_COUNT",
        ],
    )

    assert values == {
        "SESSION_COOKIE_AGE": "7200",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": "False",
        "AXES_FAILURE_LIMIT": "10",
        "AXES_COOLOFF_TIME": "1:00:00",
        "STYRDOK_TRUSTED_PROXY_COUNT": "1",
    }
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


# -- No staff login on the public host -----------------------------------------------------------


@pytest.mark.parametrize("url", LOGIN_FORMS)
def test_the_public_host_has_no_staff_login_form(db, url):
    public = Client(HTTP_HOST=PUBLIC_HOST)

    shown = public.get(url + "?next=/admin/")
    posted = public.post(url, {"username": "anna", "password": PASSWORD})

    assert shown.status_code == 302
    assert shown["Location"] == f"http://{INTRANET_HOST}{url}?next=%2Fadmin%2F"
    assert posted.status_code == 302
    assert posted["Location"] == f"http://{INTRANET_HOST}{url}"
    assert "Host" in shown["Vary"]
    assert 'type="password"' not in shown.content.decode()
    # Same scheme and port as the request (the live server, a proxy on 443).
    on_port = Client(HTTP_HOST=f"{PUBLIC_HOST}:8123").get(url)
    assert on_port["Location"] == f"http://{INTRANET_HOST}:8123{url}"
    # The intranet keeps its form.
    intranet = Client(HTTP_HOST=INTRANET_HOST).get(url)
    assert intranet.status_code == 200
    assert 'type="password"' in intranet.content.decode()


def test_a_login_on_the_public_host_does_not_authenticate(anna):
    public = Client(HTTP_HOST=PUBLIC_HOST)

    public.post("/logga-in/", {"username": "anna", "password": PASSWORD})

    assert settings.SESSION_COOKIE_NAME not in public.cookies
