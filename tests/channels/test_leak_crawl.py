"""Prove it (issue 14, item 8): a crawler reads everything reachable and meets no marker.

Secret markers (tests/leak_crawler.py) are planted in internal documents and in documents
restricted to a group: in the title, summary, body, diarienummer, the file's title and name, and
inside the files (a real PDF, a DOCX and a TXT), in a restricted document's child and in a draft
of the restricted document that waits in a workflow. Public documents stand in the same tree so
that the crawler has real content to walk.

Then:
- an anonymous visitor crawls the public site from every entry point (start page, search,
  autocomplete, sitemap, feed, robots.txt, the API): no marker at all, no server error;
- staff outside the group crawl the intranet: internal markers are theirs, restricted ones never;
- each staff role outside the group (redaktör, samordnare, dokumentansvarig, beslutsfattare,
  nämndsekreterare) crawls the Wagtail admin and probes every page-scoped admin address of the
  restricted pages: no restricted marker, and those addresses answer 404 (or redirect away);
- a member of the group and a superuser crawl the same way and DO meet the restricted markers,
  so the empty results above mean the content was withheld, not that the crawler missed it.

The world is built once for the module (as in test_builtin_routes.py) and rolled back after it.
Each assertion message carries the number of addresses read.
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision, WorkflowState

from policies.models import HomePage, PolicyPage, RiktlinjePage, RutinPage, StodanvisningPage
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    get_body,
    get_register,
    heading,
    make_document,
    make_user,
    paragraph,
    path_of,
)
from tests.governance.workflow_helpers import start
from tests.leak_crawler import crawl, dnr_marker, docx_with_text, pdf_with_text, text_marker

pytestmark = pytest.mark.django_db

RESTRICTING_GROUP = "Säkerhetsskyddsgruppen"
# Staff roles outside the restricting group, by the group that gives them their admin rights.
OUTSIDE_ROLES = {
    "redaktor": "Redaktörer",
    "samordnare": "Informationssäkerhetssamordnare",
    "dokumentansvarig": "Dokumentansvariga",
    "beslutsfattare": "Beslutsfattare",
    "namndsekreterare": "Nämndsekreterare",
}
REQUEST_CAP = 1500
# How far the admin crawls reach beyond their entry points and probes. The admin answers in
# 0.1-1 s a page, so the default (run in CI, on both databases) reads one address of each shape
# and follows at most ADMIN_FOLLOW of them per role; STYRDOK_LEAK_CRAWL_DEEP=1 reads up to
# REQUEST_CAP per role, three of each shape (minutes per role).
DEEP = os.environ.get("STYRDOK_LEAK_CRAWL_DEEP", "") not in ("", "0")
ADMIN_FOLLOW = None if DEEP else 80
ADMIN_PER_SHAPE = 3 if DEEP else 1
ADMIN_QUERY_SHAPES = 4 if DEEP else 1
SITE_PER_SHAPE = 6 if DEEP else 3
# Words typed into search boxes: the public documents' and the restricted ones' title words.
SEARCH_WORDS = ("informationssäkerhet", "säkerhetsskydd", "skyddsplan", "LÄCKA")
# In the admin: words of the secret pages' titles and summaries. A search for a marker itself
# echoes the marker back, so its own hits cannot count; a search for these words shows the
# secret titles if the search lets them through.
ADMIN_WORDS = ("skyddsplan", "säkerhetsskydd")


class World:
    """What build_world made: pages and files by name, markers, users."""

    def __init__(self):
        self.pages = {}
        self.files = {}
        self.internal = []  # markers staff may read, the public never
        self.restricted = []  # markers only the group (and superusers) may read
        self.users = {}

    def marker(self, label, restricted):
        made = text_marker(label, restricted=restricted)
        (self.restricted if restricted else self.internal).append(made)
        return made

    def dnr(self, label, restricted):
        made = dnr_marker(label, restricted=restricted)
        (self.restricted if restricted else self.internal).append(made)
        return made

    @property
    def markers(self):
        return self.internal + self.restricted

    def page(self, name):
        return self.pages[name]


def _file(title, filename, data):
    return get_document_model().objects.create(title=title, file=ContentFile(data, name=filename))


def _file_link(document, text):
    return f'<a linktype="document" id="{document.pk}">{text}</a>'


def _secret_document(world, name, page_class, restricted, files=("txt",), **fields):
    """A document with a marker in every field a reader meets and in each attached file."""
    label = name.upper()
    title = world.marker(f"{label}-TITEL", restricted)
    summary = world.marker(f"{label}-SAMMANFATTNING", restricted)
    text = world.marker(f"{label}-TEXT", restricted)
    dnr = world.dnr(f"{label}-DNR", restricted)
    links = []
    for kind in files:
        file_title = world.marker(f"{label}-{kind.upper()}-FILTITEL", restricted)
        file_name = world.marker(f"{label}-{kind.upper()}-FILNAMN", restricted)
        content = world.marker(f"{label}-{kind.upper()}-FILINNEHALL", restricted)
        lines = (f"Hemlig bilaga till {name}", f"Innehåll {content}")
        if kind == "pdf":
            data = pdf_with_text(*lines)
        elif kind == "docx":
            data = docx_with_text(*lines)
        else:
            data = "\n".join(lines).encode()
        document = _file(f"Bilaga {file_title}", f"{file_name}.{kind}", data)
        world.files[f"{name}-{kind}"] = document
        links.append(_file_link(document, f"bilagan ({kind})"))
    if restricted:
        fields["restricted_to"] = [Group.objects.get(name=RESTRICTING_GROUP)]
    fields.setdefault("publicity", "internal")
    page = make_document(
        page_class,
        title=f"Skyddsplan {title}",
        slug=f"skyddsplan-{name}",
        summary=f"Säkerhetsskydd: {summary}.",
        diarienummer=dnr.text,
        body=[
            heading("Syfte"),
            paragraph(
                f"<p>Avsnittet {text} beskriver säkerhetsskyddet. Se {', '.join(links)}.</p>"
            ),
        ],
        **fields,
    )
    world.pages[name] = page
    return page


def build_world():
    world = World()
    Group.objects.create(name=RESTRICTING_GROUP)
    register = get_register()

    # Public documents, with a public PDF, so the crawler has real content to walk.
    policy = make_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        slug="informationssakerhetspolicy",
        summary="Kommunens övergripande mål för informationssäkerhet.",
        decision_date=days_ago(400),
        body=[heading("Mål"), paragraph("<p>Informationssäkerhet är allas ansvar.</p>")],
    )
    public_pdf = _file(
        "Mall för incidentrapport",
        "mall-incidentrapport.pdf",
        pdf_with_text("Mall för incidentrapport", "Offentlig mall"),
    )
    world.files["offentlig-pdf"] = public_pdf
    public = make_document(
        RiktlinjePage,
        parent=policy,
        title="Riktlinje för incidenthantering",
        slug="riktlinje-for-incidenthantering",
        summary="Hur incidenter inom informationssäkerhet rapporteras.",
        decision_date=days_ago(30),
        body=[
            heading("Rapportera"),
            paragraph(f"<p>Använd {_file_link(public_pdf, 'mallen')}.</p>"),
        ],
    )
    world.pages["policy"] = policy
    world.pages["offentlig"] = public
    world.pages["offentligrutin"] = make_document(
        StodanvisningPage,
        parent=public,
        title="Stödanvisning för incidentrapporten",
        slug="stodanvisning-incidentrapporten",
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(25),
    )

    # Internal: staff may read it, the public may not. Its PDF carries a marker in its text.
    intern = _secret_document(
        world,
        "intern",
        RiktlinjePage,
        restricted=False,
        files=("txt", "pdf"),
        decision_date=days_ago(20),
    )
    _secret_document(
        world,
        "internrutin",
        RutinPage,
        restricted=False,
        parent=public,
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(3),
    )

    # Restricted to the group: a riktlinje with every kind of file, adopted twice (so there
    # are versions to compare), a restricted rutin under it (the subtree), a restricted rutin
    # under the internal riktlinje, and a newer draft of the riktlinje waiting in its workflow.
    restricted = _secret_document(
        world,
        "begransad",
        RiktlinjePage,
        restricted=True,
        files=("txt", "pdf", "docx"),
        decision_date=days_ago(40),
    )
    second = world.marker("BEGRANSAD-VERSION2-TEXT", True)
    restricted = adopt_new_version(
        restricted,
        body=[*restricted.body.raw_data, paragraph(f"<p>Tillägg {second}.</p>")],
        version="2.0",
        decision_date=days_ago(10),
        diarienummer=world.dnr("BEGRANSAD-VERSION2-DNR", True).text,
    )
    world.pages["begransad"] = restricted
    _secret_document(
        world,
        "begransadbarn",
        RutinPage,
        restricted=True,
        parent=restricted,
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(5),
    )
    _secret_document(
        world,
        "begransadrutin",
        RutinPage,
        restricted=True,
        parent=intern,
        decision_body=get_body("kommundirektor"),
        decision_date=days_ago(2),
    )

    # People: each role outside the group, a member of it, a superuser.
    for role, group_name in OUTSIDE_ROLES.items():
        world.users[role] = make_user(f"crawl-{role}", groups=[group_name], first_name=role)
    for name in ("offentlig", "intern"):
        page = world.pages[name]
        page.responsible = world.users["dokumentansvarig"]
        page.save(update_fields=["responsible"])
    world.users["medlem"] = make_user(
        "crawl-medlem", groups=["Redaktörer", RESTRICTING_GROUP], first_name="Mia"
    )
    world.users["superuser"] = make_user("crawl-superuser", superuser=True)
    world.users["medarbetare"] = make_user("crawl-medarbetare", first_name="Max")

    # A newer draft of the restricted rutin, submitted by the member: it waits at the review
    # step, in the task list of every samordnare (which must not show it to non-members). The
    # review and the decision need members of the group to act on them.
    reviewer = make_user(
        "crawl-granskare",
        groups=["Informationssäkerhetssamordnare", RESTRICTING_GROUP],
        first_name="Gun",
    )
    director = make_user(
        "crawl-kommundirektor", groups=["Beslutsfattare", RESTRICTING_GROUP], first_name="Kaj"
    )
    body = get_body("kommundirektor")
    body.official = director
    body.save(update_fields=["official"])
    world.users.update(granskare=reviewer, kommundirektor=director)
    child = world.pages["begransadbarn"]
    draft_text = world.marker("BEGRANSADBARN-UTKAST-TEXT", True)
    draft = child.get_latest_revision_as_object()
    draft.summary = f"Säkerhetsskydd, utkast {draft_text}."
    draft.save_revision(user=world.users["medlem"])
    start(child, world.users["medlem"])

    world.pages = {
        name: Page.objects.get(pk=page.pk).specific for name, page in world.pages.items()
    }
    world.register = register
    world.home = HomePage.objects.get()
    return world


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("leak-crawl")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media):
    """The world, once for the module; rolled back after its last test. On-commit work (the
    archival PDFs of the adopted versions, the reference index) runs as in production."""
    with (
        override_settings(MEDIA_ROOT=media / "media", STYRDOK_ARCHIVE_ROOT=media / "arkiv"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def media_root(media):
    """Overrides the folder's per-test media folder: the module's files live in `media`."""
    return media / "media"


@pytest.fixture
def archive_root(media):
    return media / "arkiv"


@pytest.fixture
def w(world, db):
    return world


def client_for(user, host):
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


# -- entry points ----------------------------------------------------------------------------------


def site_seeds(world):
    """Where a visitor or a script starts on a site (public or intranet)."""
    seeds = ["/", "/robots.txt", "/sitemap.xml", "/feed/", "/api/v2/", "/api/v2/pages/"]
    seeds += ["/api/v2/pages/?fields=*&limit=100", "/sok/", "/sok/forslag/?q=sk"]
    for word in SEARCH_WORDS:
        seeds += [f"/sok/?q={word}", f"/sok/forslag/?q={word}", f"/api/v2/pages/?search={word}"]
    for marker in searched_markers(world, world.markers):
        seeds += [f"/sok/?q={marker.text}", f"/api/v2/pages/?search={marker.text}"]
    return seeds


def searched_markers(world, markers):
    """The markers typed into search boxes: each secret page's title, text and diarienummer
    (one search per marker costs a request; these reach every searchable field kind)."""
    kinds = ("-TITEL", "-TEXT", "-DNR")
    return [m for m in markers if m.label.endswith(kinds) and "-FIL" not in m.label]


def hidden_addresses(world, names):
    """Every direct address of the named pages: page, API detail, archived versions, files."""
    from policies.models import AdoptedVersion

    addresses = []
    for name in names:
        page = world.page(name)
        addresses += [path_of(page), f"/api/v2/pages/{page.pk}/"]
        addresses += [f"/api/v2/pages/find/?html_path={path_of(page)}"]
        for version in AdoptedVersion.objects.filter(document_id=page.pk):
            addresses += [f"/arkiv/{version.pk}/", f"/arkiv/{version.pk}/pdf/"]
    for key, document in world.files.items():
        if key.split("-")[0] in names:
            addresses.append(document.url)
    return addresses


SECRET_PAGES = ("intern", "internrutin", "begransad", "begransadbarn", "begransadrutin")
RESTRICTED_PAGES = ("begransad", "begransadbarn", "begransadrutin")


def admin_probes(world, name):
    """Every page-scoped admin address of one page (all GET)."""
    page = world.page(name)
    pk = page.pk
    revisions = list(
        Revision.page_revisions.filter(object_id=str(pk))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    first, last = revisions[0], revisions[-1]
    probes = [
        f"/admin/pages/{pk}/",
        f"/admin/pages/{pk}/edit/",
        f"/admin/pages/{pk}/edit/preview/",
        f"/admin/pages/{pk}/view_draft/",
        f"/admin/pages/{pk}/history/",
        f"/admin/pages/{pk}/history/results/",
        f"/admin/pages/{pk}/revisions/",
        f"/admin/pages/{pk}/revisions/compare/{first}...{last}/",
        f"/admin/pages/{pk}/revisions/compare/live...{last}/",
        f"/admin/pages/{pk}/revisions/compare/earliest...{last}/",
        f"/admin/pages/{pk}/workflow_history/",
        f"/admin/pages/{pk}/usage/",
        f"/admin/pages/{pk}/copy/",
        f"/admin/pages/{pk}/move/",
        f"/admin/pages/{pk}/move/{world.register.pk}/confirm/",
        f"/admin/pages/{pk}/delete/",
        f"/admin/pages/{pk}/unpublish/",
        f"/admin/pages/{pk}/add_subpage/",
        f"/admin/pages/{pk}/workflow/history/",
        f"/admin/pages/{pk}/ordering/",
        f"/admin/pages/{pk}/type_use/",
        f"/admin/api/main/pages/{pk}/",
        f"/admin/api/main/pages/?child_of={pk}",
        f"/admin/choose-page/{pk}/",
        f"/admin/bulk/wagtailcore/page/delete/?id={pk}",
        f"/admin/bulk/wagtailcore/page/move/?id={pk}",
        f"/admin/beslutshistorik/{pk}/",
        f"/admin/revision/{pk}/",
        f"/admin/revision/{pk}/paborja/",
        f"/admin/arenden/dokument/{pk}/jamfor/{first}...{last}/",
        f"/admin/styrdokument/{pk}/foresla-upphavande/",
    ]
    for revision in revisions:
        probes += [
            f"/admin/pages/{pk}/revisions/{revision}/view/",
            f"/admin/pages/{pk}/revisions/{revision}/revert/",
        ]
    for state in WorkflowState.objects.filter(object_id=str(pk)):
        probes.append(f"/admin/pages/{pk}/workflow_history/detail/{state.pk}/")
        for task_state in state.task_states.all():
            probes.append(f"/admin/arenden/{task_state.pk}/")
            probes.append(f"/admin/pages/workflow/action/{pk}/approve/{task_state.pk}/")
            probes.append(f"/admin/pages/{pk}/workflow/preview/{task_state.task_id}/")
    return probes


def file_probes(world, names):
    probes = []
    for key, document in world.files.items():
        if key.split("-")[0] in names:
            probes += [
                f"/admin/documents/edit/{document.pk}/",
                f"/admin/documents/usage/{document.pk}/",
                f"/admin/documents/delete/{document.pk}/",
                f"/admin/documents/chooser/{document.pk}/",
                document.url,
            ]
    return probes


def admin_seeds(world):
    """The admin's listings, searches, choosers, reports and the project's own views."""
    seeds = [
        "/admin/",
        "/admin/pages/",
        "/admin/pages/search/",
        "/admin/documents/",
        "/admin/documents/?ordering=-created_at",
        "/admin/choose-page/",
        "/admin/choose-page/search/",
        "/admin/documents/chooser/",
        "/admin/documents/chooser/results/",
        "/admin/reports/locked/",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/aging-pages/",
        "/admin/reports/page-types-usage/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
        "/admin/rapporter/beslutsarenden/",
        "/admin/rapporter/revisionsplan/",
        "/admin/rapporter/arlig-genomgang/",
        "/admin/kalender/",
        "/admin/api/main/pages/?child_of=root",
        "/admin/api/main/pages/?descendant_of=root&limit=100",
        "/admin/reports/site-history/?export=csv",
        "/admin/reports/site-history/?export=xlsx",
        "/admin/rapporter/revisionsplan/?export=csv",
        "/admin/rapporter/revisionsplan/?export=xlsx",
        "/admin/rapporter/beslutsarenden/?export=csv",
        "/admin/snippets/",
        "/admin/snippets/governance/role/results/?q=säkerhetsskydd",
    ]
    # The restricted pages' titles, the main one's text and diarienummer, and plain words.
    begransad = ("BEGRANSAD-TEXT", "BEGRANSAD-DNR")
    words = [*ADMIN_WORDS]
    words += [
        m.text for m in world.restricted if m.label.endswith("-TITEL") or m.label in begransad
    ]
    for word in words:
        seeds += [
            f"/admin/pages/search/?q={word}",
            f"/admin/choose-page/search/?q={word}",
            f"/admin/reports/site-history/?q={word}",
        ]
    file_words = ["bilaga", *(m.text for m in world.restricted if "FIL" in m.label)]
    for word in file_words[:4]:
        seeds += [f"/admin/documents/?q={word}", f"/admin/documents/chooser/results/?q={word}"]
    # The explorer and the chooser of every parent of a restricted page, and of the others'.
    for page in (world.home, world.register, *(world.page(n) for n in ("policy", "intern"))):
        seeds += [
            f"/admin/pages/{page.pk}/",
            f"/admin/choose-page/{page.pk}/",
            f"/admin/api/main/pages/?child_of={page.pk}",
        ]
    return seeds


def restricted_probes(world, every=True):
    """Every page-scoped admin address of the restricted pages and files; without `every`,
    all of the main one's, and the edit, history and live revision views of the others (for
    the positive controls, each of these is a full admin page)."""
    probes = []
    for name in RESTRICTED_PAGES:
        if every or name == "begransad":
            probes += admin_probes(world, name)
        else:
            page = world.page(name)
            probes += [
                f"/admin/pages/{page.pk}/edit/",
                f"/admin/pages/{page.pk}/history/",
                f"/admin/pages/{page.pk}/revisions/{page.live_revision_id}/view/",
            ]
    probes += file_probes(world, RESTRICTED_PAGES)
    return probes


def crawl_admin(user, world, follow=True):
    """The admin as `user`: its listings, searches, choosers and reports, every page-scoped
    address of the restricted pages, and (with `follow`) what those pages link to."""
    client = client_for(user, INTRANET_HOST)
    seeds = admin_seeds(world) + restricted_probes(world, every=follow)
    # The admin and the files it links to; the intranet pages have their own crawl.
    prefixes = ("/admin/", "/dokument/") if follow else ("/dokument/",)
    return crawl(
        client,
        seeds,
        INTRANET_HOST,
        limit=REQUEST_CAP,
        per_shape=ADMIN_PER_SHAPE,
        query_shapes=ADMIN_QUERY_SHAPES,
        follow_limit=ADMIN_FOLLOW if follow else None,
        words=ADMIN_WORDS,
        follow=lambda url: url.startswith(prefixes),
    )


def content_counts():
    """What a GET must never change."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "runs": WorkflowState.objects.count(),
        "files": get_document_model().objects.count(),
    }


def labels(found):
    return sorted({leak[1] for leak in found})


# -- the public site -------------------------------------------------------------------------------


def test_the_public_site_shows_no_marker_anywhere(w):
    anonymous = client_for(None, PUBLIC_HOST)
    seeds = site_seeds(w) + hidden_addresses(w, SECRET_PAGES)

    result = crawl(
        anonymous,
        seeds,
        PUBLIC_HOST,
        limit=REQUEST_CAP,
        per_shape=SITE_PER_SHAPE,
        words=SEARCH_WORDS,
    )

    summary = f"public crawl: {result.summary()}"
    print(summary)
    found = {"leaks": result.leaks(w.markers), "server errors": result.server_errors()}
    assert found == {"leaks": [], "server errors": []}, summary
    # The crawl went where a visitor can go: every public document, its file, the feed.
    read = {url for url, answer in result.answers.items() if answer.status == 200}
    for name in ("policy", "offentlig", "offentligrutin"):
        assert path_of(w.page(name)) in read, summary
    assert w.files["offentlig-pdf"].url in read, summary
    assert {"/feed/", "/sitemap.xml", "/robots.txt"} <= read, summary
    archived_pdfs = [
        url
        for url in read
        if url.startswith("/arkiv/") and "pdf" in result.answers[url].content_type
    ]
    assert archived_pdfs, summary
    # Every direct address of a hidden page or file is a 404, never a 403.
    hidden = {
        url: result.answers[url].status
        for url in hidden_addresses(w, SECRET_PAGES)
        if url in result.answers
    }
    assert {url: status for url, status in hidden.items() if status != 404} == {}, summary
    assert len(result) > 50, summary


# -- the intranet as staff -------------------------------------------------------------------------


def test_staff_outside_the_group_read_internal_files_but_no_restricted_marker(w):
    staff = client_for(w.users["medarbetare"], INTRANET_HOST)
    seeds = site_seeds(w) + hidden_addresses(w, RESTRICTED_PAGES)

    result = crawl(
        staff,
        seeds,
        INTRANET_HOST,
        limit=REQUEST_CAP,
        per_shape=SITE_PER_SHAPE,
        words=SEARCH_WORDS,
        skip=(r"^/admin/",),
    )

    summary = f"intranet crawl as medarbetare: {result.summary()}"
    print(summary)
    found = {"leaks": result.leaks(w.restricted), "server errors": result.server_errors()}
    assert found == {"leaks": [], "server errors": []}, summary
    # A control: the crawler reads files, and the internal PDF's text is there for staff.
    found = labels(result.leaks(w.internal))
    for label in ("INTERN-TITEL", "INTERN-TEXT", "INTERN-PDF-FILINNEHALL", "INTERN-DNR"):
        assert label in found, summary


# -- the admin, as each role outside the group -----------------------------------------------------


@pytest.mark.parametrize("role", list(OUTSIDE_ROLES))
def test_the_admin_shows_a_role_outside_the_group_no_restricted_marker(w, role):
    before = content_counts()

    result = crawl_admin(w.users[role], w)

    summary = f"admin crawl as {role}: {result.summary()}"
    print(summary)
    found = {"leaks": result.leaks(w.restricted), "server errors": result.server_errors()}
    assert found == {"leaks": [], "server errors": []}, summary
    # Every page-scoped address of a restricted page or file: 404, or a redirect away (the
    # admin API answers 400 to a parent it cannot find).
    answers = {url: result.answers[url] for url in restricted_probes(w) if url in result.answers}
    wrong = {
        url: a.status
        for url, a in answers.items()
        if a.status not in (302, 404) and not (a.status == 400 and "/admin/api/" in url)
    }
    assert wrong == {}, summary
    assert len(result) > 100, summary
    assert content_counts() == before, "a GET changed content"


# -- positive controls: those who may read the restricted documents meet their markers -------------


@pytest.mark.parametrize("who", ["medlem", "superuser"])
def test_a_member_and_a_superuser_meet_the_restricted_markers_in_the_admin(w, who):
    """The same entry points and probes (following only the files they link to) show those
    allowed to read the restricted documents every marker: in the admin's listings, forms,
    revisions and in the files' names and contents."""
    result = crawl_admin(w.users[who], w, follow=False)

    summary = f"admin crawl as {who}: {result.summary()}"
    print(summary)
    found = labels(result.leaks(w.restricted))
    expected = {
        f"{name.upper()}-{part}"
        for name in RESTRICTED_PAGES
        for part in ("TITEL", "SAMMANFATTNING", "TEXT", "DNR", "TXT-FILTITEL", "TXT-FILNAMN")
    }
    expected |= {
        "BEGRANSAD-PDF-FILINNEHALL",
        "BEGRANSAD-DOCX-FILINNEHALL",
        "BEGRANSAD-TXT-FILINNEHALL",
        "BEGRANSAD-VERSION2-TEXT",
        "BEGRANSADBARN-UTKAST-TEXT",
    }
    assert expected - set(found) == set(), summary
    # The admin's page search finds them by a title word: the non-members' empty searches
    # mean the documents were withheld, not that the search missed them.
    search = "/admin/pages/search/?q=skyddsplan"
    in_search = labels(leak for leak in result.leaks(w.restricted) if leak[0] == search)
    assert "BEGRANSAD-TITEL" in in_search, summary
    assert result.server_errors() == [], summary
