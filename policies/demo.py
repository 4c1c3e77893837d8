"""Load the invented demo kommun from fixtures/ through the real model API.

Going through the models (not loaddata) means the demo passes the same validation as an editor's
work, gets real revisions and adopted versions, and stays valid as the models change.
"""

import datetime
import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail import hooks

from governance.models import (
    Assignment,
    DecisionBody,
    LisArea,
    Organisation,
    Role,
    StyrdokSettings,
    TargetGroup,
)
from governance.setup import ensure_defaults

from .dates import add_months
from .decisions import register_existing_decision
from .models import (
    AccessibilityStatementPage,
    ContentPage,
    InformationPage,
    PolicyPage,
    RequiredDocument,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
)
from .setup import ensure_site_structure

DEMO_PASSWORD = "styrdok-demo"
DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "exempelkommun.json"

PAGE_CLASSES = {
    "policy": PolicyPage,
    "program": PolicyPage,
    "riktlinje": RiktlinjePage,
    "rutin": RutinPage,
    "stodanvisning": StodanvisningPage,
}

SIMPLE_FIELDS = [
    "summary",
    "diarienummer",
    "protocol_paragraph",
    "contact_name",
    "contact_email",
    "review_interval_months",
    "next_review_reason",
    "publicity",
    "version",
    "supersedes_note",
]
DATE_FIELDS = ["decision_date", "valid_from", "valid_until", "next_review"]
RELATIVE_DATE = re.compile(r"^([+-]\d+)([dm])$")


class DemoDataError(Exception):
    pass


def resolve_date(value, today):
    """ISO dates, or offsets from today ("-14m", "-30d") so the demo never goes stale."""
    if value in (None, ""):
        return None
    match = RELATIVE_DATE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return add_months(today, amount) if unit == "m" else today + datetime.timedelta(amount)
    return datetime.date.fromisoformat(value)


def demo_already_loaded():
    return get_user_model().objects.filter(username="redaktor").exists()


class DemoLoader:
    def __init__(self, data, today=None):
        self.data = data
        self.today = today or timezone.localdate()
        self.users = {}
        self.organisations = {}
        self.pages = {}

    @transaction.atomic
    def load(self):
        ensure_defaults()
        kommun = self.data["kommun"]
        site_settings = StyrdokSettings.load()
        site_settings.kommun_name = kommun["name"]
        site_settings.security_team_email = kommun.get("security_team_email", "")
        site_settings.save()
        home, register = ensure_site_structure()
        home.title = kommun["name"]
        home.intro = kommun.get("home_intro", "")
        home.save_revision().publish()
        if kommun.get("register_intro"):
            register.intro = kommun["register_intro"]
            register.save_revision().publish()

        self.load_users()
        self.load_organisations()
        self.load_assignments()
        self.load_decision_bodies()
        for name in self.data.get("target_groups", []):
            TargetGroup.objects.get_or_create(name=name)
        self.load_documents(register)
        self.load_pages(home)
        # The apps above policies load their own part of the demo (kvittens).
        for load_part in hooks.get_hooks("styrdok_demo_loaded"):
            load_part(self)

    def load_users(self):
        User = get_user_model()
        for item in self.data["users"]:
            user = User(
                username=item["username"],
                first_name=item.get("first_name", ""),
                last_name=item.get("last_name", ""),
                email=item.get("email", ""),
                is_superuser=item.get("superuser", False),
                is_staff=item.get("superuser", False),
                is_active=item.get("active", True),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            for group_name in item.get("groups", []):
                user.groups.add(Group.objects.get(name=group_name))
            self.users[user.username] = user

    def load_organisations(self):
        for item in self.data["organisations"]:
            org = Organisation.objects.create(
                name=item["name"],
                short_name=item.get("short_name", ""),
                kind=item["kind"],
                parent=self.organisations.get(item.get("parent")),
                manager=self.users.get(item.get("manager")),
                email=item.get("email", ""),
            )
            self.organisations[item["key"]] = org

    def load_assignments(self):
        for item in self.data.get("assignments", []):
            Assignment.objects.create(
                user=self.users[item["user"]],
                role=Role.objects.get(code=item["role"]),
                organisation=self.organisations[item["organisation"]],
                title=item.get("title", ""),
            )

    def load_decision_bodies(self):
        for item in self.data.get("decision_bodies", []):
            body = DecisionBody.objects.filter(code=item["code"]).first() or DecisionBody(
                code=item["code"],
                name=item["name"],
                short_name=item.get("short_name", ""),
                kind=item["kind"],
                document_types=item.get("document_types", []),
            )
            if "official" in item:
                body.official = self.users[item["official"]]
            if "deputy" in item:
                body.deputy = self.users[item["deputy"]]
            if "organisation" in item:
                body.organisation = self.organisations[item["organisation"]]
            body.save()

    def convert_block(self, block):
        kind, value = block["type"], block["value"]
        if kind == "responsibility_table":
            rows = [
                {
                    "role": Role.objects.get(code=row["role"]).pk,
                    "responsibility": row["responsibility"],
                }
                for row in value["rows"]
            ]
            value = {"caption": value.get("caption", ""), "rows": rows}
        elif kind == "document_reference":
            target = self.pages.get(value["document"])
            if target is None:
                raise DemoDataError(f"Okänd dokumentreferens: {value['document']}")
            value = {"page": target.pk, "note": value.get("note", "")}
        return {"type": kind, "value": value}

    def apply_fields(self, page, item):
        for field in SIMPLE_FIELDS:
            if field in item:
                setattr(page, field, item[field])
        for field in DATE_FIELDS:
            if field in item:
                setattr(page, field, resolve_date(item[field], self.today))
        if page.diarienummer and page.decision_date:
            # "{år}" keeps a diarienummer's year in step with its relative decision date.
            page.diarienummer = page.diarienummer.replace("{år}", str(page.decision_date.year))
        if "next_review" not in item:
            page.next_review = None
        page.title = item.get("title", page.title)
        page.document_type = item.get("type", page.document_type)
        for name, resolve in self.references().items():
            if name in item:
                setattr(page, name, resolve(item[name]))

    def references(self):
        """How each field that the fixture gives by key, code or name becomes its model value,
        in the order they are applied."""
        return {
            "decision_body": lambda code: DecisionBody.objects.get(code=code),
            "responsible": lambda key: self.users[key],
            "responsible_role": lambda code: Role.objects.get(code=code),
            "organisation": lambda key: self.organisations.get(key),
            "supersedes": lambda key: self.pages[key],
            "target_groups": lambda names: list(TargetGroup.objects.filter(name__in=names)),
            "lis_areas": lambda numbers: list(LisArea.objects.filter(number__in=numbers)),
            "body": lambda blocks: [self.convert_block(block) for block in blocks],
            "required_documents": self.required_documents,
        }

    def required_documents(self, items):
        return [
            RequiredDocument(
                title=required["title"],
                document_type=required["type"],
                lis_area=LisArea.objects.filter(number=required.get("lis_area")).first(),
                document=self.pages.get(required.get("document")),
                sort_order=order,
            )
            for order, required in enumerate(items)
        ]

    def publish(self, page, user):
        """The demo's decisions, entered as decisions taken before Styrdok are: the decision is
        recorded for the revision and only then published (see policies.decisions)."""
        if not (page.decision_body_id and page.decision_date):
            page.full_clean()
            page.save_revision(user=user, log_action=True)
            return page
        register_existing_decision(
            page,
            body=page.decision_body,
            decision_date=page.decision_date,
            diarienummer=page.diarienummer,
            paragraph=page.protocol_paragraph,
            user=user,
        )
        return page

    def load_documents(self, register):
        publisher = self.users.get("admin")
        # First create every page, so documents can refer to ones further down the list.
        for item in self.data["documents"]:
            cls = PAGE_CLASSES[item["type"]]
            parent = self.pages[item["parent"]] if item.get("parent") else register
            page = cls(
                title=item["title"],
                slug=item.get("slug") or slugify(item["title"]),
                document_type=item["type"],
                live=False,
            )
            parent.add_child(instance=page)
            self.pages[item["key"]] = page
        for item in self.data["documents"]:
            page = self.pages[item["key"]]
            for earlier in item.get("earlier_versions", []):
                self.apply_fields(page, {**item, **earlier})
                self.publish(page, publisher)
                # Fields only the earlier version had must not carry over to the current one.
                for name in set(earlier) - set(item):
                    field = type(page)._meta.get_field(name)
                    if not field.many_to_many and not field.is_relation:
                        setattr(page, name, field.get_default())
                    elif field.is_relation and not field.many_to_many:
                        setattr(page, name, None)
            self.apply_fields(page, item)
            self.publish(page, publisher)

    def load_pages(self, home):
        """The public information page and plain pages such as the accessibility statement."""
        classes = {"information": InformationPage, "content": ContentPage}
        for item in self.data.get("pages", []):
            if item["type"] == "accessibility":
                page = AccessibilityStatementPage.from_fixture(item)
            else:
                page = classes[item["type"]](
                    title=item["title"],
                    slug=item["slug"],
                    intro=item.get("intro", ""),
                    body=item.get("body", []),
                    show_in_menus=item.get("show_in_menus", True),
                )
            home.add_child(instance=page)
            page.save_revision().publish()


def load_demo(path=DEFAULT_FIXTURE, today=None):
    """Load the demo once; returns False (and changes nothing) when it is already there."""
    if demo_already_loaded():
        return False
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    DemoLoader(data, today=today).load()
    return True
