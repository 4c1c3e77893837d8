"""Single sign-on over OpenID Connect (issue 21), against a real OIDC provider.

The provider is panva's oidc-provider (tests/oidc_provider/server.mjs), started once for the
module as a Node process on a free port. Styrdok talks to it over HTTP exactly as to Entra ID:
discovery, authorization with the provider's own login form (driven here with requests, as a
browser would), the token endpoint, JWKS (RS256) and userinfo. Nothing of mozilla-django-oidc
is mocked. The people and their groups live in a JSON file the provider re-reads at each login,
so a test can change someone's groups between two logins.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from styrdok.sso import provider
from styrdok.sso.models import SingleSignOnIdentity
from tests.factories import INTRANET_HOST, PASSWORD, make_user

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID = "styrdok-test"
CLIENT_SECRET = "styrdok-test-secret"
CALLBACK = f"http://{INTRANET_HOST}/oidc/callback/"
SSO_BUTTON = "Logga in med kommunens konto"
GROUP_MAP = {
    "g-redaktorer": "Redaktörer",
    "role-samordnare": "Informationssäkerhetssamordnare",
}
ANNA = {
    "email": "anna.sso@exempelkommun.se",
    "email_verified": True,
    "given_name": "Anna",
    "family_name": "Andersson",
    "name": "Anna Andersson",
    "preferred_username": "anna.andersson",
    "groups": ["g-redaktorer", "g-not-mapped"],
}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OidcProvider:
    def __init__(self, issuer, accounts_file):
        self.issuer = issuer
        self.accounts_file = accounts_file

    def set_accounts(self, accounts):
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory):
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the OIDC test provider (tests/oidc_provider).")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        # `make oidc-provider` does the same; the suite does it itself when it was not run.
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=300
        )
    port = _free_port()
    accounts_file = tmp_path_factory.mktemp("oidc") / "accounts.json"
    idp = OidcProvider(f"http://127.0.0.1:{port}", accounts_file)
    idp.set_accounts({"anna": ANNA})
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [CALLBACK],
        "post_logout_redirect_uris": [f"http://{INTRANET_HOST}/"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT": json.dumps(client),
        "OIDC_ACCOUNTS_FILE": str(accounts_file),
    }
    log = (accounts_file.parent / "provider.log").open("w")
    process = subprocess.Popen(
        [node, "server.mjs"], cwd=PROVIDER_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    output = (accounts_file.parent / "provider.log").read_text()
                    pytest.fail(f"The OIDC test provider did not start:\n{output}")
                time.sleep(0.1)
        yield idp
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def sso(db, settings, oidc_provider):
    """SSO switched on against the test provider, as the environment would switch it on."""
    settings.STYRDOK_SSO_ENABLED = True
    settings.STYRDOK_OIDC_ISSUER = oidc_provider.issuer
    settings.STYRDOK_OIDC_CLIENT_ID = CLIENT_ID
    settings.STYRDOK_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups roles"
    settings.STYRDOK_OIDC_GROUPS = GROUP_MAP
    settings.STYRDOK_LOCAL_LOGIN = True
    provider.forget()
    oidc_provider.set_accounts({"anna": ANNA})
    yield oidc_provider
    provider.forget()


def browser():
    return Client(HTTP_HOST=INTRANET_HOST)


class IdpBrowser:
    """The person's browser at the identity provider (its own cookies, like a real browser)."""

    def __init__(self, idp):
        self.idp = idp
        self.session = requests.Session()

    def follow(self, url):
        """Follows the provider's redirects until one leaves the provider; returns that URL
        (Styrdok's callback) or the provider's last response (a page, e.g. the login form)."""
        for _ in range(10):
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.status_code not in (302, 303):
                return response
            url = urljoin(url, response.headers["Location"])
            if not url.startswith(self.idp.issuer):
                return url
        raise AssertionError("too many redirects at the provider")

    def log_in(self, authorize_url, login):
        page = self.follow(authorize_url)
        if isinstance(page, str):
            return page  # the provider still knew the person: no form
        assert page.status_code == 200, page.text
        action = unescape(re.search(r'<form[^>]+action="([^"]+)"', page.text).group(1))
        response = self.session.post(
            urljoin(page.url, action),
            data={"prompt": "login", "login": login, "password": "vilket-som-helst"},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code in (302, 303), response.text
        callback = self.follow(urljoin(page.url, response.headers["Location"]))
        assert isinstance(callback, str) and callback.startswith(CALLBACK), callback
        return callback


def start_login(client, next_url="/"):
    response = client.get("/oidc/authenticate/", {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def callback_path(callback_url):
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


def sso_login(client, idp, login="anna", next_url="/"):
    """The whole authorization-code flow; returns Styrdok's answer to the callback."""
    callback = IdpBrowser(idp).log_in(start_login(client, next_url), login)
    return client.get(callback_path(callback))


def is_logged_in(client):
    return client.get("/styrdokument/").status_code == 200


def text(response):
    return response.content.decode()


# -- Off by default ------------------------------------------------------------------------------


def test_sso_is_off_by_default_and_local_login_works(db, settings):
    assert settings.STYRDOK_SSO_ENABLED is False
    assert settings.STYRDOK_LOCAL_LOGIN is True
    make_user("lokal")
    client = browser()

    for url in ("/logga-in/", "/admin/login/"):
        page = client.get(url)
        assert page.status_code == 200
        assert SSO_BUTTON not in text(page)
        assert 'name="password"' in text(page)
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404

    response = client.post(
        "/logga-in/", {"username": "lokal", "password": PASSWORD, "next": "/styrdokument/"}
    )
    assert response.status_code == 302
    assert is_logged_in(client)


def settings_from_environment(env, names):
    """The named settings as a new process reads them from `env` (settings are import-time)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "styrdok.settings.test", **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_sso_is_configured_from_the_environment():
    names = ["STYRDOK_SSO_ENABLED", "STYRDOK_LOCAL_LOGIN", "STYRDOK_OIDC_GROUPS", "OIDC_RP_SCOPES"]
    configured = {
        "STYRDOK_OIDC_ISSUER": "https://login.microsoftonline.com/tenant/v2.0/",
        "STYRDOK_OIDC_CLIENT_ID": "klient",
        "STYRDOK_OIDC_CLIENT_SECRET": "hemlis",
        "STYRDOK_OIDC_GROUPS": '{"Styrdok.Redaktor": "Redaktörer"}',
        "STYRDOK_LOCAL_LOGIN": "false",
    }
    result = settings_from_environment(configured, [*names, "STYRDOK_OIDC_ISSUER"])
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "STYRDOK_SSO_ENABLED": True,
        "STYRDOK_LOCAL_LOGIN": False,
        "STYRDOK_OIDC_GROUPS": {"Styrdok.Redaktor": "Redaktörer"},
        "OIDC_RP_SCOPES": "openid email profile",
        "STYRDOK_OIDC_ISSUER": "https://login.microsoftonline.com/tenant/v2.0",
    }

    # Without a secret SSO stays off, and local login cannot be switched off (nobody could log in).
    incomplete = {**configured, "STYRDOK_OIDC_CLIENT_SECRET": ""}
    values = json.loads(settings_from_environment(incomplete, names).stdout.splitlines()[-1])
    assert (values["STYRDOK_SSO_ENABLED"], values["STYRDOK_LOCAL_LOGIN"]) == (False, True)

    broken = settings_from_environment({**configured, "STYRDOK_OIDC_GROUPS": "{inte json"}, names)
    assert broken.returncode != 0
    assert "STYRDOK_OIDC_GROUPS är inte giltig JSON" in broken.stderr


# -- The authorization-code flow -----------------------------------------------------------------


def test_the_first_login_creates_the_user_with_the_mapped_groups(sso):
    client = browser()
    response = sso_login(client, sso, next_url="/styrdokument/")

    assert response.status_code == 302
    assert response["Location"] == "/styrdokument/"
    assert is_logged_in(client)
    user = get_user_model().objects.get(username="anna.andersson")
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Andersson",
        "anna.sso@exempelkommun.se",
    )
    assert user.is_active and not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {"Redaktörer"}
    identity = user.sso_identity
    assert (identity.issuer, identity.subject, identity.created_by_sso) == (
        sso.issuer,
        "anna",
        True,
    )


def test_the_next_login_follows_the_idps_groups_and_leaves_unmapped_groups_alone(sso):
    sso_login(browser(), sso)
    user = get_user_model().objects.get(username="anna.andersson")
    user.groups.add(Group.objects.get(name="Dokumentansvariga"))  # set by an administrator

    sso.set_accounts(
        {"anna": {**ANNA, "family_name": "Berg", "groups": [], "roles": ["role-samordnare"]}}
    )
    client = browser()
    assert sso_login(client, sso).status_code == 302

    assert is_logged_in(client)
    assert get_user_model().objects.filter(sso_identity__subject="anna").count() == 1
    user.refresh_from_db()
    assert user.last_name == "Berg"
    assert set(user.groups.values_list("name", flat=True)) == {
        "Informationssäkerhetssamordnare",
        "Dokumentansvariga",
    }


def test_an_existing_account_with_the_same_email_is_linked(sso):
    existing = make_user("anna", email="Anna.SSO@exempelkommun.se")

    assert sso_login(browser(), sso).status_code == 302

    assert SingleSignOnIdentity.objects.get(subject="anna").user == existing
    assert not SingleSignOnIdentity.objects.get(subject="anna").created_by_sso
    assert get_user_model().objects.filter(email__iexact=ANNA["email"]).count() == 1


def test_the_admin_login_page_offers_sso(sso):
    page = browser().get("/admin/login/")

    assert SSO_BUTTON in text(page)
    assert 'href="/oidc/authenticate/?next=%2Fadmin%2F"' in text(page)
    assert 'name="password"' in text(page)  # local login stays on unless switched off
    intranet = browser().get("/logga-in/")
    assert SSO_BUTTON in text(intranet)


def test_logging_out_ends_the_session_at_the_idp_too(sso):
    client = browser()
    sso_login(client, sso)

    response = client.post("/logga-ut/")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{sso.issuer}/session/end"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == [f"http://{INTRANET_HOST}/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert not is_logged_in(client)


# -- Forged or replayed answers ------------------------------------------------------------------

MISMATCH_TEXT = "hörde inte ihop med din inloggning"


def test_an_answer_with_an_unknown_state_is_refused(sso):
    client = browser()
    callback = IdpBrowser(sso).log_in(start_login(client), "anna")
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = "forged-state"

    response = client.get(f"{parts.path}?{urlencode(query)}")

    assert response.status_code == 400
    assert MISMATCH_TEXT in text(response)
    assert not is_logged_in(client)
    assert not get_user_model().objects.filter(username="anna.andersson").exists()


def test_a_token_with_another_nonce_is_refused(sso):
    client = browser()
    authorize = urlsplit(start_login(client))
    query = {key: values[0] for key, values in parse_qs(authorize.query).items()}
    query["nonce"] = "nonce-of-another-login"
    forged = urlunsplit(authorize._replace(query=urlencode(query)))
    callback = IdpBrowser(sso).log_in(forged, "anna")

    response = client.get(callback_path(callback))

    assert response.status_code == 400
    assert MISMATCH_TEXT in text(response)
    assert not is_logged_in(client)
    assert not get_user_model().objects.filter(username="anna.andersson").exists()


def test_an_answer_without_a_login_in_progress_is_refused(sso):
    response = browser().get("/oidc/callback/", {"code": "abc", "state": "def"})

    assert response.status_code == 403
    assert "Inloggningen med kommunens konto misslyckades" in text(response)


def test_an_unreachable_provider_gives_a_swedish_page(sso, settings):
    settings.STYRDOK_OIDC_ISSUER = f"http://127.0.0.1:{_free_port()}"
    provider.forget()

    response = browser().get("/oidc/authenticate/")

    assert response.status_code == 503
    assert "Kommunens inloggningstjänst svarar inte just nu" in text(response)


# -- Local login switched off --------------------------------------------------------------------


def test_local_login_switched_off_hides_and_refuses_the_password_forms(sso, settings):
    settings.STYRDOK_LOCAL_LOGIN = False
    make_user("lokal")
    client = browser()

    for url in ("/logga-in/", "/admin/login/"):
        page = client.get(url)
        assert SSO_BUTTON in text(page)
        assert 'name="password"' not in text(page)
        refused = client.post(url, {"username": "lokal", "password": PASSWORD, "next": "/"})
        assert refused.status_code == 403
        assert "Inloggning med lösenord är avstängd" in text(refused)
        assert not is_logged_in(client)
    # Every other route to a password check is refused too (the backend, not only the forms).
    assert not Client(HTTP_HOST=INTRANET_HOST).login(username="lokal", password=PASSWORD)

    assert sso_login(client, sso).status_code == 302
    assert is_logged_in(client)


# -- People who are gone from the IdP ------------------------------------------------------------


def test_the_idp_is_asked_again_and_a_removed_person_is_logged_out(sso):
    client = browser()
    idp_browser = IdpBrowser(sso)
    client.get(callback_path(idp_browser.log_in(start_login(client), "anna")))
    assert is_logged_in(client)

    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()
    recheck = client.get("/styrdokument/")
    assert recheck.status_code == 302
    assert recheck["Location"].startswith(f"{sso.issuer}/auth?")
    assert "prompt=none" in recheck["Location"]

    sso.set_accounts({})  # removed at the IdP
    answer = idp_browser.follow(recheck["Location"])
    assert isinstance(answer, str) and "error=" in answer
    response = client.get(callback_path(answer))

    assert response.status_code == 403
    assert not is_logged_in(client)


def test_deactivate_sso_users_deactivates_only_long_absent_sso_users(db, settings):
    settings.STYRDOK_OIDC_INACTIVE_DAYS = 90
    now = timezone.now()

    def sso_user(username, days_ago, created_by_sso=True):
        user = make_user(username)
        SingleSignOnIdentity.objects.create(
            user=user,
            issuer="https://idp.example",
            subject=username,
            created_by_sso=created_by_sso,
            last_sso_login=now - timedelta(days=days_ago),
        )
        return user

    gone = sso_user("borta", 91)
    recent = sso_user("aktiv", 89)
    linked = sso_user("kopplad", 400, created_by_sso=False)
    local = make_user("lokal")

    out = StringIO()
    call_command("deactivate_sso_users", stdout=out)
    assert "1 användare avaktiverade" in out.getvalue()
    for user, active in ((gone, False), (recent, True), (linked, True), (local, True)):
        user.refresh_from_db()
        assert user.is_active is active, user.username
    assert SingleSignOnIdentity.objects.get(user=gone).deactivated_at is not None

    again = StringIO()
    call_command("deactivate_sso_users", stdout=again)
    assert "0 användare avaktiverade" in again.getvalue()


def test_a_deactivated_sso_user_who_logs_in_again_is_reactivated(sso):
    sso_login(browser(), sso)
    identity = SingleSignOnIdentity.objects.get(subject="anna")
    identity.last_sso_login = timezone.now() - timedelta(days=100)
    identity.save()
    call_command("deactivate_sso_users", stdout=StringIO())
    identity.user.refresh_from_db()
    assert not identity.user.is_active

    client = browser()
    assert sso_login(client, sso).status_code == 302

    assert is_logged_in(client)
    identity.refresh_from_db()
    assert identity.user.is_active and identity.deactivated_at is None


def test_a_user_deactivated_by_an_administrator_stays_out(sso):
    sso_login(browser(), sso)
    get_user_model().objects.filter(username="anna.andersson").update(is_active=False)

    client = browser()
    response = sso_login(client, sso)

    assert response.status_code == 403
    assert not is_logged_in(client)
