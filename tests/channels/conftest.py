"""The two channels under test: one scene with documents on both, secret markers and a crawler.

The scene is the kommun's register with public documents next to internal, group-restricted and
draft ones. Everything that must never reach the public website carries a marker ("LÄCKMARKÖR-…")
in its title, summary, body, slug, file title and file content, so a leak anywhere shows up as
a marker (or a hidden address) in a response body. The helpers here are shared by the test
modules in this folder and imported from it explicitly.
"""

import json
import random
import re
import string
from collections import deque
from dataclasses import dataclass, field, replace
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import lxml.html
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from wagtail.documents import get_document_model

from governance.models import Role
from policies.models import (
    AdoptedVersion,
    ContentPage,
    HomePage,
    InformationPage,
    PolicyPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
)
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    block_id,
    days_ago,
    document_reference,
    get_body,
    heading,
    make_document,
    make_user,
    paragraph,
    path_of,
    update_settings,
)
from tests.shared import build_once

MARKER = "LÄCKMARKÖR"
RESTRICTED_GROUP = "Beslutsfattare"
SECURITY_EMAIL = "informationssakerhet@exempelkommun.se"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to the test's own folder, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"


# -- small builders ------------------------------------------------------------------------


def make_file(title, text, filename="bilaga.txt"):
    """An uploaded Wagtail document (a file), stored under MEDIA_ROOT."""
    return get_document_model().objects.create(
        title=title, file=ContentFile(text.encode(), name=filename)
    )


def file_link(document, text="bilagan"):
    """A rich text link to an uploaded file, as the editor's document chooser stores it."""
    return f'<a linktype="document" id="{document.pk}">{text}</a>'


def group(name=RESTRICTED_GROUP):
    return Group.objects.get(name=name)


def client_for(user, host=INTRANET_HOST):
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def body_of(response):
    """The full body as text, also for streamed responses (files)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def soup(response):
    return BeautifulSoup(body_of(response), "html.parser")


def text_of(node):
    return " ".join(node.get_text(" ").split())


def header_values(response, name):
    return {part.strip().lower() for part in response.get(name, "").split(",") if part.strip()}


# -- the scene -----------------------------------------------------------------------------


@dataclass
class Scene:
    """What build_scene made, by name:

    policy          public policy
    offentlig       public riktlinje under the policy: a public file, references to intern,
                    begransad, utkast and the policy; supersedes intern
    offentligrutin  public stödanvisning under offentlig
    intern          internal riktlinje
    begransad       internal riktlinje restricted to Beslutsfattare, the latest decision of all
    begransadrutin  restricted rutin under intern
    internrutin     internal rutin under offentlig; supersedes begransad
    utkast          a public document in draft, never adopted
    forrpublik      adopted as public (1.0), then as internal (2.0: the markers are in 2.0)
    information     the information page with the four live parts
    tillganglighet  the accessibility statement (a content page)

    Every hidden document has markers in its title, summary, body and file, and in its slug
    (except forrpublik, whose address was public in version 1.0).
    """

    token: str
    pages: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    # Markers that must never reach the public site; the restricted ones also never reach staff
    # outside the group.
    internal_markers: list = field(default_factory=list)
    restricted_markers: list = field(default_factory=list)
    # Pages and files hidden from the public site, and those hidden from staff outside the group.
    hidden_from_public: list = field(default_factory=list)
    hidden_from_staff: list = field(default_factory=list)
    hidden_files: list = field(default_factory=list)
    restricted_files: list = field(default_factory=list)

    def marker(self, name):
        return f"{MARKER}-{name}-{self.token}"

    @property
    def markers(self):
        return self.internal_markers + self.restricted_markers

    def page(self, name):
        return self.pages[name]

    def path(self, name):
        return path_of(self.pages[name])

    def reloaded(self):
        """A copy for one test of a scene built once for the module: its pages and files read
        again from the database and its lists its own, since the rollback after a test undoes
        the rows it changed but not the instances and lists it changed in memory."""
        files = get_document_model().objects.in_bulk([file.pk for file in self.files.values()])
        return replace(
            self,
            pages={
                name: page.specific_class.objects.get(pk=page.pk)
                for name, page in self.pages.items()
            },
            files={name: files[file.pk] for name, file in self.files.items()},
            internal_markers=list(self.internal_markers),
            restricted_markers=list(self.restricted_markers),
            hidden_from_public=list(self.hidden_from_public),
            hidden_from_staff=list(self.hidden_from_staff),
            hidden_files=list(self.hidden_files),
            restricted_files=list(self.restricted_files),
        )


def _secret_document(scene, name, page_class, restricted=False, **fields):
    """A document whose title, summary, body, slug and file all carry markers."""
    label = name.upper()
    markers = [
        scene.marker(f"{label}-TITEL"),
        scene.marker(f"{label}-SAMMANFATTNING"),
        scene.marker(f"{label}-TEXT"),
        scene.marker(f"{label}-FILTITEL"),
        scene.marker(f"{label}-FILINNEHALL"),
    ]
    document = make_file(
        title=f"Bilaga {markers[3]}",
        text=f"Hemlig bilaga: {markers[4]}\n",
        filename=f"bilaga-{name}-{scene.token}.txt",
    )
    scene.files[name] = document
    (scene.restricted_files if restricted else scene.hidden_files).append(name)
    body_html = (
        f"<p>Avsnittet {markers[2]} beskriver hur det går till. Se {file_link(document)}.</p>"
    )
    fields.setdefault("publicity", "internal")
    if restricted:
        fields["restricted_to"] = [group()]
    page = make_document(
        page_class,
        title=f"Dokument {markers[0]}",
        slug=f"lackmarkor-{name}-{scene.token}",
        summary=f"Sammanfattning {markers[1]}.",
        body=[heading("Syfte"), paragraph(body_html)],
        **fields,
    )
    (scene.restricted_markers if restricted else scene.internal_markers).extend(markers)
    scene.hidden_from_public.append(name)
    if restricted:
        scene.hidden_from_staff.append(name)
    scene.pages[name] = page
    return page


def information_body():
    """An information page with the four live parts around the editor's own text."""

    def part(kind, title, **value):
        return {"type": kind, "value": {"heading": title, "intro": "", **value}, "id": block_id()}

    return [
        heading("Så arbetar vi"),
        paragraph("<p>Kommunen arbetar systematiskt med informationssäkerhet.</p>"),
        part("adopted_documents", "Gällande styrdokument", document_type=""),
        part("roles", "Roller och ansvar"),
        part("security_contact", "Kontakta informationssäkerhetsfunktionen"),
        part("last_updated", "Senast beslutat"),
    ]


def build_scene():
    # Letters only: PostgreSQL's full-text parser reads digits such as "9309e4c8" as a number
    # and no longer finds the marker it came from, which would void the search controls.
    scene = Scene(token="".join(random.choices(string.ascii_lowercase, k=8)))
    home = HomePage.objects.get()
    update_settings(security_team_email=SECURITY_EMAIL)

    # Public documents: a policy with a riktlinje under it, and a riktlinje with a public file.
    policy = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        summary="Kommunens övergripande mål för informationssäkerhet.",
        slug="informationssakerhetspolicy",
        decision_date=days_ago(400),
    )
    public_file = make_file(
        "Mall för incidentrapport", "Offentlig mall för incidentrapport\n", "mall.txt"
    )
    scene.files["offentlig"] = public_file
    scene.pages["policy"] = policy

    # Hidden documents, each with markers everywhere.
    intern = _secret_document(scene, "intern", RiktlinjePage, decision_date=days_ago(20))
    _secret_document(scene, "begransad", RiktlinjePage, restricted=True, decision_date=days_ago(1))
    _secret_document(
        scene,
        "begransadrutin",
        RutinPage,
        restricted=True,
        parent=intern,
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(2),
    )
    # A public document in draft, never adopted.
    _secret_document(scene, "utkast", RiktlinjePage, publicity="public", publish=False)

    public = make_document(
        RiktlinjePage,
        parent=policy,
        title="Riktlinje för incidenthantering",
        slug="riktlinje-for-incidenthantering",
        summary="Hur incidenter rapporteras och hanteras.",
        decision_date=days_ago(30),
        supersedes=intern,
        body=[
            heading("Rapportera"),
            paragraph(f"<p>Använd {file_link(public_file, 'mallen för incidentrapport')}.</p>"),
            document_reference(intern, note="för serverhallen"),
            document_reference(scene.pages["begransad"], note="för säkerhetsskyddet"),
            document_reference(scene.pages["utkast"], note="under arbete"),
            document_reference(policy, note="övergripande"),
        ],
    )
    scene.pages["offentlig"] = public
    # An internal rutin under the public riktlinje: only the intranet lists it as a child.
    _secret_document(
        scene,
        "internrutin",
        RutinPage,
        parent=public,
        supersedes=scene.pages["begransad"],
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(3),
    )
    scene.pages["offentligrutin"] = make_document(
        StodanvisningPage,
        parent=public,
        title="Stödanvisning för incidentrapporten",
        slug="stodanvisning-incidentrapport",
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(25),
    )

    # Public as version 1.0, internal since version 2.0: only 2.0 carries markers.
    earlier = make_document(
        RiktlinjePage,
        title="Riktlinje för loggning",
        slug="riktlinje-for-loggning",
        summary="Vilka loggar som sparas.",
        body=[paragraph("<p>Loggar sparas i sex månader.</p>")],
        version="1.0",
        decision_date=days_ago(200),
        diarienummer="KS-2024-11",
    )
    later_markers = [
        scene.marker("FORRPUBLIK-TITEL"),
        scene.marker("FORRPUBLIK-SAMMANFATTNING"),
        scene.marker("FORRPUBLIK-TEXT"),
        scene.marker("FORRPUBLIK-FILTITEL"),
        scene.marker("FORRPUBLIK-FILINNEHALL"),
    ]
    later_file = make_file(
        f"Bilaga {later_markers[3]}",
        f"Hemlig bilaga: {later_markers[4]}\n",
        f"bilaga-forrpublik-{scene.token}.txt",
    )
    scene.pages["forrpublik"] = adopt_new_version(
        earlier,
        title=f"Riktlinje för loggning {later_markers[0]}",
        summary=f"Sammanfattning {later_markers[1]}.",
        body=[paragraph(f"<p>{later_markers[2]}: se {file_link(later_file)}.</p>")],
        publicity="internal",
        version="2.0",
        decision_date=days_ago(10),
        diarienummer="KS-2025-12",
    )
    scene.files["forrpublik"] = later_file
    scene.hidden_files.append("forrpublik")
    scene.internal_markers.extend(later_markers)
    scene.hidden_from_public.append("forrpublik")

    # A role the kommun does not describe publicly.
    hidden_role = scene.marker("ROLL")
    Role.objects.create(
        name=hidden_role, code=f"dold-roll-{scene.token}", description="", show_publicly=False
    )
    scene.internal_markers.append(hidden_role)

    info = InformationPage(
        title="Informationssäkerhet",
        slug="informationssakerhet",
        show_in_menus=True,
        intro="<p>Så arbetar kommunen med informationssäkerhet.</p>",
        body=information_body(),
    )
    home.add_child(instance=info)
    info.save_revision().publish()
    scene.pages["information"] = info
    statement = ContentPage(
        title="Tillgänglighetsredogörelse",
        slug="tillganglighet",
        show_in_menus=True,
        intro="<p>Så tillgänglig är webbplatsen.</p>",
        body=[
            heading("Brister i tillgängligheten"),
            paragraph("<p>Vi känner inte till några brister.</p>"),
        ],
    )
    home.add_child(instance=statement)
    statement.save_revision().publish()
    scene.pages["tillganglighet"] = statement

    for name, page in scene.pages.items():
        scene.pages[name] = page.specific_class.objects.get(pk=page.pk)
    return scene


@pytest.fixture
def scene(db):
    return build_scene()


@pytest.fixture(scope="module")
def scene_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The scene, built once for the module that asks for it and rolled back after its last
    test (tests/shared.py). Its uploaded files and the archival PDFs rendered when it was built
    stay in a folder of the module's own until then, so a module using it also overrides the
    per-test `media_root` and `archive_root` to keep that folder.

    A module using it defines `scene` as `scene_once.reloaded()`, so that each test gets the
    pages as they are in the database rather than as an earlier test left them in memory.
    """
    yield from build_once_in(tmp_path_factory.mktemp("channels"), django_db_blocker, build_scene)


def build_once_in(folder, django_db_blocker, build):
    """build_once (tests/shared.py) with MEDIA_ROOT and STYRDOK_ARCHIVE_ROOT in `folder` while
    the module's data lives: what the build uploads or renders stays readable to its tests and
    never lands in the shared test media folder."""
    with override_settings(MEDIA_ROOT=folder / "media", STYRDOK_ARCHIVE_ROOT=folder / "arkiv"):
        yield from build_once(django_db_blocker, build)


@pytest.fixture
def member(db):
    """A member of staff in the group the restricted documents are shared with."""
    return make_user("beslutsfattare", groups=[RESTRICTED_GROUP], first_name="Bo")


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def superuser_client(superuser):
    return client_for(superuser)


def versions_of(page):
    """The document's adopted versions, oldest first."""
    return list(AdoptedVersion.objects.filter(document_id=page.pk).order_by("adopted_at", "pk"))


def archive_url(version):
    return f"/arkiv/{version.pk}/"


def api_detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


# -- looking for leaks ---------------------------------------------------------------------


def needles_for(markers, any_marker=True):
    """What a leaked marker may look like in a body: as written, JSON- or URL-encoded, and its
    ASCII tail on its own (which survives any encoding of Ä and Ö). With `any_marker`, also the
    common prefix in any form (and the hidden slugs), so that any marker at all counts."""
    needles = set()
    if any_marker:
        needles = {MARKER, "lackmarkor", quote(MARKER), json.dumps(MARKER)[1:-1]}
        needles = {needle.lower() for needle in needles}
    for marker in markers:
        tail = marker.split(f"{MARKER}-", 1)[1]
        needles.update({marker.lower(), tail.lower(), json.dumps(marker)[1:-1].lower()})
    return needles


def echoed_forms(value):
    """How a query the test itself sent may be echoed back (the search box, the page title)."""
    return {value, quote(value), quote_plus(value), json.dumps(value)[1:-1]}


def leaks_in(text, needles, echoed=()):
    """The needles found in `text`, after removing what the request itself sent."""
    lowered = text.lower()
    for value in echoed:
        for form in echoed_forms(value):
            lowered = lowered.replace(form.lower(), "")
    return sorted(needle for needle in needles if needle in lowered)


# -- a crawler -------------------------------------------------------------------------------


SKIP_PREFIXES = ("/static/", "/logga-ut/")


def _links_in(url, response, host):
    """Same-host links in a response: <a href>, GET forms (one URL per select option), Atom
    links, sitemap <loc>s and the URLs in API JSON."""
    content_type = response.get("Content-Type", "")
    body = body_of(response)
    found = []
    if "json" in content_type:

        def walk(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if key in {"detail_url", "html_url", "download_url"} and item:
                        found.append(item)
                    else:
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(json.loads(body))
    elif "xml" in content_type:
        found += re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", body)
        found += re.findall(r"<link[^>]*\shref=\"([^\"]+)\"", body)
    elif "html" in content_type:
        tree = lxml.html.fromstring(body)
        found += tree.xpath("//a/@href")
        for form in tree.xpath("//form"):
            if (form.get("method") or "get").lower() != "get":
                continue
            action = form.get("action") or urlsplit(url).path
            for select in form.xpath(".//select[@name]"):
                for option in select.xpath(".//option"):
                    value = option.get("value", option.text_content())
                    found.append(f"{action}?{quote_plus(select.get('name'))}={quote_plus(value)}")
    links = []
    for href in found:
        absolute = urljoin(f"http://{host}{url}", href.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.hostname != host:
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


@dataclass
class Fetched:
    url: str
    status: int
    body: str
    response: object
    source: str


def crawl(client, seeds, host=PUBLIC_HOST, skip=SKIP_PREFIXES, follow=None, limit=600):
    """Breadth-first over every same-host link from `seeds`; returns {url: Fetched}.

    Links starting with one of `skip` are left alone; `follow`, if given, decides which other
    links are fetched (the seeds always are).
    """
    seen = {}
    queue = deque((seed, "(start)") for seed in seeds)
    queued = set(seeds)
    while queue:
        url, source = queue.popleft()
        assert len(seen) < limit, f"the crawl passed {limit} addresses; raise the bound"
        response = client.get(url)
        seen[url] = Fetched(url, response.status_code, body_of(response), response, source)
        targets = []
        if response.status_code in (301, 302) and response.get("Location"):
            targets = [urljoin(url, response["Location"])]
        elif response.status_code == 200:
            targets = _links_in(url, response, host)
        for target in targets:
            if target in queued or target.startswith(skip):
                continue
            if follow is not None and not follow(target):
                continue
            queued.add(target)
            queue.append((target, url))
    return seen
