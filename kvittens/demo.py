"""Kvittens in the demo kommun (fixtures/exempelkommun.json, "kvittens"), loaded by
policies.demo through the `styrdok_demo_loaded` hook."""

from policies.models import Styrdokument

from .models import Membership, Requirement
from .services import confirm, required_version

REQUIREMENT_FIELDS = ("everyone", "reminder_days", "reminder_interval_days", "max_reminders")


def load_kvittens(loader):
    """The demo's memberships, requirements and confirmations. A loader given only part of the
    demo (the search evaluation loads its organisation and people without the documents) gets
    what its part can hold: a requirement or confirmation of a document it did not load, or of
    a person or unit it did not load, is left out."""
    data = loader.data.get("kvittens") or {}
    _load_memberships(loader, data.get("memberships", {}))
    for item in data.get("requirements", []):
        if not item.get("document") or item["document"] in loader.pages:
            _load_requirement(loader, item)
    for item in data.get("confirmations", []):
        if item["document"] in loader.pages and item["user"] in loader.users:
            # As stored (live, adopted): the loader's instance is the draft it published.
            document = Styrdokument.objects.get(pk=loader.pages[item["document"]].pk)
            confirm(loader.users[item["user"]], document, required_version(document))


def _load_memberships(loader, memberships):
    for username, key in memberships.items():
        if username in loader.users and key in loader.organisations:
            Membership.objects.create(
                user=loader.users[username], organisation=loader.organisations[key]
            )


def _load_requirement(loader, item):
    requirement = Requirement.objects.create(
        document=loader.pages[item["document"]] if item.get("document") else None,
        document_type=item.get("document_type", ""),
        created_by=loader.users.get("samordnare"),
        **{name: item[name] for name in REQUIREMENT_FIELDS if name in item},
    )
    requirement.groups.set([])
    requirement.organisations.set(
        [
            loader.organisations[key]
            for key in item.get("organisations", [])
            if key in loader.organisations
        ]
    )
