"""Small builders for test data. Tests build exactly what they need; the demo is not used here."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Page

from governance.constants import OrganisationKind
from governance.models import DecisionBody, LisArea, Organisation, Role, StyrdokSettings
from policies.decisions import register_existing_decision
from policies.models import (
    PolicyPage,
    Publicity,
    RegisterPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
)

PUBLIC_HOST = "localhost"
INTRANET_HOST = "intranet.localhost"
PASSWORD = "hemligt-testlosen-42"

# The body that adopts each page type unless a test says otherwise (the setup_styrdok defaults).
DEFAULT_BODY = {
    PolicyPage: "kf",
    RiktlinjePage: "ks",
    RutinPage: "kommundirektor",
    StodanvisningPage: "kommundirektor",
}

# Many-to-many fields of a document, set on the page before it is saved.
M2M_FIELDS = ("lis_areas", "target_groups", "restricted_to")

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


# -- people and organisation -------------------------------------------------------------------


def make_user(username, groups=(), superuser=False, password=PASSWORD, **fields):
    user = get_user_model()(
        username=username,
        is_superuser=superuser,
        is_staff=superuser,
        email=fields.pop("email", f"{username}@exempelkommun.se"),
        **fields,
    )
    user.set_password(password)
    user.save()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def get_body(code):
    return DecisionBody.objects.get(code=code)


def make_body(code, name=None, document_types=("riktlinje",), kind="official", **fields):
    return DecisionBody.objects.create(
        code=code,
        name=name or code.capitalize(),
        kind=kind,
        document_types=list(document_types),
        **fields,
    )


def get_role(code):
    return Role.objects.get(code=code)


def get_lis_area(number):
    return LisArea.objects.get(number=number)


def make_kommun(name="Exempelkommun"):
    kommun, _created = Organisation.objects.get_or_create(
        kind=OrganisationKind.KOMMUN, defaults={"name": name}
    )
    return kommun


def make_organisation(name, kind=OrganisationKind.FORVALTNING, parent=None, **fields):
    if parent is None and kind != OrganisationKind.KOMMUN:
        parent = make_kommun()
    org = Organisation(name=name, kind=kind, parent=parent, **fields)
    org.full_clean()
    org.save()
    return org


def update_settings(**values):
    site_settings = StyrdokSettings.load()
    for name, value in values.items():
        setattr(site_settings, name, value)
    site_settings.full_clean()
    site_settings.save()
    return site_settings


# -- pages ---------------------------------------------------------------------------------


def get_register():
    return RegisterPage.objects.get()


def reader_request(host, user=None, path="/"):
    """A GET request for `path` on `host` (which picks the channel) by `user` (anonymous by
    default), for code that takes a request rather than a client."""
    request = RequestFactory().get(path, HTTP_HOST=host)
    request.user = user or AnonymousUser()
    return request


def path_of(page):
    """The page's path on either channel (both sites share the page tree), e.g. /styrdokument/x/."""
    return page.get_url_parts()[2]


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def block_id():
    return str(uuid.uuid4())


def heading(text, level="h2", id=None):
    return {"type": "heading", "value": {"text": text, "level": level}, "id": id or block_id()}


def paragraph(html, id=None):
    return {"type": "paragraph", "value": html, "id": id or block_id()}


def requirement(html, reference="", id=None):
    return {
        "type": "requirement",
        "value": {"reference": reference, "text": html},
        "id": id or block_id(),
    }


def responsibility_table(rows, caption=""):
    """rows: [(role code, responsibility text)]"""
    return {
        "type": "responsibility_table",
        "value": {
            "caption": caption,
            "rows": [
                {
                    "type": "item",
                    "id": block_id(),
                    "value": {"role": get_role(code).pk, "responsibility": text},
                }
                for code, text in rows
            ],
        },
        "id": block_id(),
    }


def definitions(items):
    """items: [(term, definition)]"""
    return {
        "type": "definitions",
        "value": {
            "items": [
                {"type": "item", "id": block_id(), "value": {"term": term, "definition": text}}
                for term, text in items
            ]
        },
        "id": block_id(),
    }


def document_reference(page, note=""):
    return {
        "type": "document_reference",
        "value": {"page": page.pk, "note": note},
        "id": block_id(),
    }


def make_document(page_class, parent=None, publish=True, user=None, **fields):
    """Add a document under the register (or `parent`); by default adopted and published.

    A published document gets a decision (body, date, diarienummer) unless the test gives its
    own; `publish=False` leaves a draft without one. Saving runs the model's full validation.
    """
    n = _next()
    parent = parent or get_register()
    title = fields.pop("title", f"{page_class._meta.verbose_name.capitalize()} {n}")
    fields.setdefault("slug", f"dokument-{n}")
    fields.setdefault("publicity", Publicity.PUBLIC)
    if publish:
        if "decision_body" not in fields and "decision_body_id" not in fields:
            fields["decision_body"] = get_body(DEFAULT_BODY[page_class])
        fields.setdefault("decision_date", days_ago(30))
        fields.setdefault("diarienummer", f"KS-2025-{n}")
    m2m = {name: fields.pop(name) for name in M2M_FIELDS if name in fields}
    page = page_class(title=title, live=False, **fields)
    for name, values in m2m.items():
        setattr(page, name, list(values))
    parent.add_child(instance=page)
    if publish:
        record_decision(page, user=user)
    else:
        page.save_revision(user=user)
    return page_class.objects.get(pk=page.pk)


def record_decision(page, user=None):
    """Publish the page's current state through the sanctioned path: a decision registered for
    its revision (as for decisions taken before Styrdok), with the decision fields it carries."""
    return register_existing_decision(
        page,
        body=page.decision_body,
        decision_date=page.decision_date,
        diarienummer=page.diarienummer,
        paragraph=page.protocol_paragraph,
        user=user,
    )


def adopt_new_version(page, user=None, **changes):
    """Record a new decision on an existing document and publish it (as the workflow would)."""
    if "decision_date" in changes and "next_review" not in changes:
        page.next_review = None  # derived again from the new decision
    for name, value in changes.items():
        setattr(page, name, value)
    record_decision(page, user=user)
    return type(page).objects.get(pk=page.pk)


def make_live_document(page_class, parent=None, **fields):
    """An adopted, live document without revisions: quick, for tests that list or link to it.

    Raw test data, not a route the product offers: the page is saved (with the full validation)
    as a draft and then flipped live with a queryset update, which the model's decision rule
    (Styrdokument.save) does not see. No revision, decision or adopted version is recorded; use
    make_document for anything read through its history.
    """
    m = _next()
    values = {
        "title": f"{page_class._meta.verbose_name.capitalize()} {m}",
        "slug": f"dokument-{m}",
        "publicity": Publicity.PUBLIC,
        "decision_date": days_ago(30),
        "diarienummer": f"KS-2025-{m}",
        **fields,
    }
    if "decision_body" not in values and "decision_body_id" not in values:
        values["decision_body"] = get_body(DEFAULT_BODY[page_class])
    m2m = {name: values.pop(name) for name in M2M_FIELDS if name in values}
    page = page_class(live=False, **values)
    for name, related in m2m.items():
        setattr(page, name, list(related))
    page = (parent or get_register()).add_child(instance=page)
    now = timezone.now()
    Page.objects.filter(pk=page.pk).update(
        live=True, has_unpublished_changes=False, first_published_at=now, last_published_at=now
    )
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = now
    return page


def make_live_documents(page_class, count, parent=None, title="Dokument {n:02d}", **fields):
    """`count` quick live documents (see make_live_document), titled from `title`."""
    return [
        make_live_document(page_class, parent=parent, title=title.format(n=n), **fields)
        for n in range(count)
    ]


def make_accessibility_statement(home, slug="tillganglighetsredogorelse", **fields):
    """A published tillgänglighetsredogörelse in DIGG's model under the start page: partly
    compliant, with one known deficiency and every way to report a problem."""
    from policies.models import AccessibilityStatementPage

    values = {
        "title": "Tillgänglighetsredogörelse",
        "slug": slug,
        "show_in_menus": True,
        "organisation_name": "Exempelkommun",
        "website_name": "exempelkommun.se",
        "compliance_status": "delvis",
        "compliance_summary": "<p>Webbplatsen uppfyller de flesta kraven i WCAG 2.1 nivå AA.</p>",
        "deficiencies": [
            {
                "type": "deficiency",
                "value": {
                    "problem": "Några inskannade bilagor saknar läsbar text.",
                    "wcag_criterion": "1.1.1 Icke-textinnehåll",
                    "planned_fix": "2027-06-30",
                },
            }
        ],
        "contact_email": "webb@exempelkommun.se",
        "contact_phone": "0123-45 67 00",
        "response_time": "Vi svarar inom fem arbetsdagar.",
        "assessment_method": "bada",
        "assessment_description": "<p>Vi har granskat webbplatsen med skärmläsare.</p>",
        "assessment_date": datetime.date(2026, 9, 15),
        "website_published": datetime.date(2026, 1, 12),
        "statement_updated": datetime.date(2026, 10, 1),
        **fields,
    }
    statement = home.add_child(instance=AccessibilityStatementPage(**values))
    statement.save_revision().publish()
    return statement
