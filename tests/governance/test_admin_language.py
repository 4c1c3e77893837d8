"""The admin speaks Swedish to every role (issue 19).

Wagtail's Swedish catalogue lacks some strings ("Compare", "Exploring", the pagination's "of",
"Maximum filesize", the scheduling dialog), so a user met English in the middle of a Swedish
admin. The project supplies them in locale/sv. This module loads the demo kommun once, then as
each demo login walks the admin the way a user does: the menu, every link and every address a
page names for a dialog or chooser, one address per kind of page. It reads what the user sees
(text, tooltips, labels, placeholders, the strings handed to the admin's JavaScript) with the
content (titles, names) taken out, and fails on any English word of the admin's vocabulary.
"""

import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import wagtail
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, TaskState

from governance.models import DecisionBody, LisArea, Organisation, Role, TargetGroup
from policies.management.commands.load_demo import DEMO_LOGINS
from policies.models import RutinPage, Styrdokument
from tests.factories import INTRANET_HOST
from tests.shared import build_once

from .workflow_helpers import make_draft, start

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

# Each demo role (granskare is a second samordnare, with the same rights).
ROLES = [username for username, _role in DEMO_LOGINS]

# Words and phrases of Wagtail's English interface. Words Swedish shares (Status, Filter, System,
# Minimap's "min") are left out; each is matched as a whole word, case as written.
ENGLISH = [
    "Compare",
    "Changes requested",
    "Exploring",
    "of",
    "Maximum filesize",
    "Schedule",
    "Scheduled",
    "Publish",
    "Published",
    "Save draft",
    "Save",
    "Cancel",
    "Delete",
    "Edit",
    "Search",
    "Add",
    "Choose",
    "Upload",
    "Settings",
    "Moderators",
    "Editors",
    "Help",
    "Live",
    "Draft",
    "Unpublish",
    "Preview",
    "History",
    "Comments",
    "Workflow",
    "Workflows",
    "Submit",
    "Approve",
    "Reject",
    "Revisions",
    "Go live",
    "Go-live",
    "Expiry",
    "Expire",
    "Sort",
    "Page",
    "Pages",
    "Images",
    "Documents",
    "Snippets",
    "Reports",
    "Users",
    "Groups",
    "Account",
    "Log out",
    "Dashboard",
    "Sites",
    "Collections",
    "Redirects",
    "Locked",
    "Unlock",
    "Lock",
    "Copy",
    "Move",
    "Actions",
    "Title",
    "Updated",
    "Type",
    "Owner",
    "Created",
    "Date",
    "Yes",
    "No",
    "Close",
    "Back",
    "Next",
    "Previous",
    "Select",
    "View",
    "Usage",
    "Collapse",
    "Expand",
    "Toggle",
    "Minimap",
    "Autosave",
    "Refresh",
    "Revert",
    "Request changes",
    "In progress",
    "Approved",
    "Rejected",
    "Cancelled",
    "Task",
    "Tasks",
    "Privacy",
    "Public",
    "Private",
    "Clear",
    "Apply",
    "Show",
    "Hide",
    "Remove",
    "Create",
    "Any",
    "Anyone",
    "Never",
    "Saved",
    "Loading",
    "Error",
    "Required",
    "Optional",
    "the",
    "and",
    "your",
    "this",
    "with",
    "has been",
    "Sorry",
    "Please",
    "Can",
    "go live",
    "expire",
    "page",
    "pages",
    "draft",
    "workflow",
    "saved",
]
ENGLISH_WORDS = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
    + r")(?![\w-])"
)

# Addresses a role's walk starts from besides the menu: dialogs and choosers are opened by
# script, so no link names them.
START_URLS = [
    "/admin/",
    "/admin/account/",
    "/admin/pages/search/?q=riktlinje",
    "/admin/choose-page/",
    "/admin/choose-page/search/?q=policy",
    "/admin/choose-external-link/",
    "/admin/choose-email-link/",
    "/admin/choose-phone-link/",
    "/admin/choose-anchor-link/",
    "/admin/images/chooser/",
    "/admin/images/chooser/upload/",
    "/admin/documents/chooser/",
    "/admin/documents/chooser/upload/",
    "/admin/documents/multiple/add/",
    "/admin/images/multiple/add/",
]

# Never visited: leaving the admin, the public page's own rendering (content, not interface),
# file downloads and exports, and the admin's machine interfaces.
SKIP = re.compile(
    r"^/admin/(logout|api|jsi18n|dismissibles|block-preview|tag-autocomplete|sprite|bulk"
    r"|editing-sessions)"
    r"|/(preview|view_draft|view|download|serve|csv|xlsx|pdf)/?$"
    r"|/preview/|/revisions/\d+/view/|[?&]export="
)
PER_KIND = 1  # addresses visited per kind of page (the path with its numbers taken out)
MAX_PAGES = 260

ATTRIBUTES = (
    "title",
    "aria-label",
    "aria-description",
    "placeholder",
    "alt",
    "data-w-tooltip-content-value",
    "data-w-dialog-title-value",
)


def build():
    call_command("load_demo", verbosity=0)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    # A proposal waiting at Granskning, and one returned there, so the workflow's dialogs and
    # states ("Changes requested") are on screen for the roles that meet them.
    parent = Styrdokument.objects.filter(document_type="riktlinje").live().first()
    waiting = make_draft(
        "rutin", "stabschef", parent=parent, title="Rutin för loggranskning", user=users["redaktor"]
    )
    start(waiting, users["redaktor"])
    returned = make_draft(
        "rutin", "stabschef", parent=parent, title="Rutin för lösenord", user=users["redaktor"]
    )
    start(returned, users["redaktor"])
    task_state = TaskState.objects.get(
        workflow_state__object_id=str(returned.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    task_state.task.specific.on_action(task_state, users["samordnare"], "reject", comment="Ändra.")
    return {"users": users, "pages": [waiting.pk, returned.pk], "content": content_strings()}


def content_strings():
    """What users and the demo wrote (titles, names): content, not the admin's interface.

    Group names are not among them: a user sees them, so they must be Swedish too.
    """
    strings = set()
    User = get_user_model()
    for user in User.objects.all():
        strings |= {user.get_full_name(), user.first_name, user.last_name, user.username}
        strings.add(user.email)
    strings |= set(Page.objects.values_list("title", flat=True))
    strings |= set(get_document_model().objects.values_list("title", flat=True))
    strings |= set(get_image_model().objects.values_list("title", flat=True))
    strings |= set(Collection.objects.values_list("name", flat=True))
    for model in (DecisionBody, Organisation, Role, TargetGroup, LisArea):
        strings |= {str(obj) for obj in model.objects.all()}
    return sorted((s for s in strings if s and len(s) > 2), key=len, reverse=True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build)


@pytest.fixture
def world(demo, db):
    return demo


def kind_of(url):
    """Pages that differ only in an id, a query or the model whose usage they list look alike."""
    path = re.sub(r"\d+", "N", urlsplit(url).path)
    return re.sub(r"/usage/[\w-]+/[\w-]+/", "/usage/M/", path)


def admin_urls_in(soup):
    """Every admin address a page names: links, forms' targets fetched by GET, and the
    data-attributes from which scripts open dialogs and choosers."""
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if not isinstance(value, str):
                continue
            if name == "href" or (name.startswith("data-") and name.endswith(("url", "url-value"))):
                yield value
        if tag.name == "form" and tag.get("method", "get").lower() == "get" and tag.get("action"):
            yield tag["action"]
    for script in soup.find_all("script", type="application/json"):
        yield from re.findall(r'"(/admin/[^"\s\\]*)"', script.string or "")


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("url", "icon_name", "classname", "_type", "name", "CSRF_TOKEN"):
                yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def visible_strings(soup):
    """What a user reads or hears: text, tooltips and labels, and the admin's script strings."""
    strings = []
    for script in soup.find_all("script", type="application/json"):
        if script.get("id") in ("wagtail-config", "wagtail-sidebar-props"):
            strings.extend(json_strings(json.loads(script.string)))
    for tag in soup.find_all(["script", "style", "code", "pre", "textarea", "svg"]):
        tag.decompose()
    for tag in soup.find_all(True):
        strings.extend(tag.get(name) for name in ATTRIBUTES if isinstance(tag.get(name), str))
        if tag.name == "input" and tag.get("type") in ("submit", "button", "reset"):
            strings.append(tag.get("value") or "")
    strings.extend(soup.get_text("\n").splitlines())
    return strings


def english_in(strings, content):
    found = set()
    for text in strings:
        text = " ".join(text.split())
        if not text or text.startswith(("/", "http")):
            continue
        for item in content:
            if item in text:
                text = text.replace(item, " ")
        found |= set(ENGLISH_WORDS.findall(text))
    return found


def parse(response):
    kind = response.get("Content-Type", "")
    if kind.startswith("application/json"):
        data = json.loads(response.content)
        html = "".join(v for v in data.values() if isinstance(v, str) and "<" in v)
        return BeautifulSoup(html, "lxml")
    if kind.startswith("text/html"):
        return BeautifulSoup(response.content, "lxml")
    return None


def walk(user, content, extra_urls=()):
    """The role's walk through the admin: {url: English words found there}, and what it saw."""
    client = Client(HTTP_HOST=INTRANET_HOST, raise_request_exception=False)
    client.force_login(user)
    queue = deque([*START_URLS, *extra_urls])
    kinds = {}
    visited = set()
    findings = {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", INTRANET_HOST) or not parts.path.startswith("/admin/"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        kind = kind_of(url)
        if url in visited or SKIP.search(url) or kinds.get(kind, 0) >= PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        visited.add(url)
        response = client.get(url)
        if response.status_code >= 500:
            findings[url] = {f"HTTP {response.status_code}"}
            continue
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            continue
        soup = parse(response)
        if soup is None:
            continue
        queue.extend(admin_urls_in(soup))
        found = english_in(visible_strings(soup), content)
        if found:
            findings[url] = found
    return findings, visited


def page_urls(world):
    """The workflow's own pages for the two proposals: editor, history, and the action dialogs."""
    urls = []
    for pk in world["pages"]:
        urls += [f"/admin/pages/{pk}/edit/", f"/admin/pages/{pk}/history/"]
        urls += [f"/admin/pages/{pk}/workflow_history/", f"/admin/pages/{pk}/revisions/"]
        for task_state in TaskState.objects.filter(workflow_state__object_id=str(pk)):
            for action in ("approve", "reject"):
                urls.append(f"/admin/pages/workflow/action/{pk}/{action}/{task_state.pk}/")
            urls.append(f"/admin/pages/workflow/confirm_cancellation/{pk}/")
    live = Styrdokument.objects.live().first()
    urls += [
        f"/admin/pages/{live.pk}/edit/",
        f"/admin/pages/{live.pk}/history/",
        f"/admin/pages/{live.pk}/revisions/compare/earliest...latest/",
        f"/admin/pages/{live.pk}/copy/",
        f"/admin/pages/{live.pk}/move/",
        f"/admin/pages/{live.pk}/delete/",
        f"/admin/pages/{live.pk}/unpublish/",
        f"/admin/pages/{live.pk}/usage/",
        f"/admin/pages/{live.pk}/privacy/",
        f"/admin/pages/add/policies/{RutinPage._meta.model_name}/{live.pk}/",
        f"/admin/pages/{live.pk}/add_subpage/",
    ]
    return urls


@pytest.mark.parametrize("username", ROLES)
def test_every_admin_page_a_role_reaches_is_swedish(world, username):
    user = world["users"][username]
    findings, visited = walk(user, world["content"], page_urls(world))

    assert len(visited) > 5, f"{username} reached almost nothing: {sorted(visited)}"
    report = "\n".join(f"{url}: {', '.join(sorted(words))}" for url, words in findings.items())
    assert not findings, f"English as {username}:\n{report}"


# The installed Wagtail apps whose strings the admin shows.
WAGTAIL_APPS = [
    "admin",
    ".",
    "users",
    "snippets",
    "documents",
    "images",
    "search",
    "sites",
    "embeds",
    "contrib/redirects",
    "contrib/settings",
]


def english_msgids(domain, apps=WAGTAIL_APPS):
    """Every msgid in Wagtail's English catalogues of `domain`: all a page or script can show.

    Read from the .po files: the English .mo files hold no entries, as nothing is translated.
    """
    root = Path(wagtail.__file__).parent
    ids = set()
    for app in apps:
        path = root / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        for match in re.finditer(
            r'^msgid ("(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)', path.read_text(), re.M
        ):
            msgid = "".join(
                json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', match.group(1))
            )
            if msgid:
                ids.add(msgid)
    return ids


def test_the_admins_script_strings_are_all_swedish(world):
    """The scripts (the scheduling dialog, autosave, the comment and block editors) translate
    through the admin's JavaScript catalogue; a string missing from it shows in English."""
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(world["users"]["redaktor"])
    response = client.get("/admin/jsi18n/")
    source = response.content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", source, re.S).group(1))
    translated = {key.split("\x04")[-1] for key in catalog}

    missing = sorted(english_msgids("djangojs", ["admin"]) - translated)
    assert not missing, f"Not in the Swedish script catalogue: {missing}"


def test_every_string_of_wagtails_admin_has_swedish(world):
    """Pages the walk does not reach (errors, rare dialogs) use the same catalogue: every msgid
    of Wagtail's admin has a Swedish translation, Wagtail's own or the project's."""
    with translation.override("sv"):
        catalog = translation.trans_real.translation("sv")._catalog
        # Django's TranslationCatalog is not iterable itself; its keys() merges every catalogue.
        keys = catalog.keys()
        have = {(k[0] if isinstance(k, tuple) else k).split("\x04")[-1] for k in keys}
    missing = sorted(english_msgids("django") - have)
    assert not missing, f"No Swedish for: {missing}"


def test_no_group_has_a_wagtail_default_english_name(world):
    names = set(Group.objects.values_list("name", flat=True))
    assert not names & {"Moderators", "Editors"}
