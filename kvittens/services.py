"""Who must confirm which version, and recording a confirmation.

Every reader (the intranet box, the start page, the reminders, the coverage report) asks here,
so the rules live in one place:

- the audience of a document is the union of its active requirements (its own and its type's),
  limited to active accounts that may see the document (a restricted document only its groups);
- the version to confirm is the current adopted one, except that an editorial change
  (AdoptedVersion.editorial_change, chosen at the decision step) keeps the requirement of the
  version before it: a confirmation of that version, or of any editorial version after it,
  still counts;
- an imported version (AdoptedVersion.imported: a decision from before Styrdok, registered by
  the Word import) never makes a document gällande, so nobody is asked to confirm it: a document
  whose only versions are imported asks for nothing, and an editorial change never reaches back
  to one (the first version the document's own workflow adopts is the one that counts);
- a confirmation is recorded once per person and version, and never changed.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from governance.models import Organisation
from policies.models import AdoptedVersion, Styrdokument

from .models import Acknowledgement, Membership, Requirement

CONFIRM_ACTION = "kvittens.confirm"


class KvittensError(ValidationError):
    """A confirmation that cannot be recorded, with the Swedish reason."""


@dataclass
class VersionChain:
    """The versions of one document as kvittens sees them.

    `current` is the version in force, `required` the one whose reading people must confirm
    (the latest that is not an editorial change), `accepted` every version from `required` up to
    `current` (a confirmation of any of them counts), newest first.
    """

    current: AdoptedVersion | None = None
    required: AdoptedVersion | None = None
    accepted: list = field(default_factory=list)

    @property
    def accepted_ids(self):
        return [version.pk for version in self.accepted]

    @property
    def carried_over(self):
        """Whether the current version is an editorial change that kept earlier confirmations."""
        return self.current is not None and self.required != self.current


def chain_of(current, by_successor):
    """The chain ending in `current`, walking back through editorial changes.

    Shared with kvittens.coverage (which picks `current` as of a past day). An imported version
    is never in force for kvittens, and an editorial change stops at one: its earlier decision was
    never confirmed in Styrdok, so the first version of the document's own is required."""
    if current is None or current.imported:
        return VersionChain()
    accepted = [current]
    while accepted[-1].editorial_change:
        previous = by_successor.get(accepted[-1].pk)
        if previous is None or previous.imported:
            break
        accepted.append(previous)
    return VersionChain(current=current, required=accepted[-1], accepted=accepted)


def _chain_from(versions):
    by_successor = {v.superseded_by_id: v for v in versions if v.superseded_by_id}
    current = next((v for v in versions if v.is_current and not v.imported), None)
    return chain_of(current, by_successor)


VERSION_FIELDS = (
    "pk",
    "document_id",
    "title",
    "version",
    "decision_date",
    "decision_body_name",
    "adopted_at",
    "editorial_change",
    "imported",
    "superseded_at",
    "superseded_by_id",
    "repealed_at",
)


def version_chains(document_ids):
    """{document id: VersionChain} for many documents, in one query."""
    versions = {}
    rows = AdoptedVersion.objects.filter(document_id__in=list(document_ids)).only(*VERSION_FIELDS)
    for version in rows.order_by():
        versions.setdefault(version.document_id, []).append(version)
    return {pk: _chain_from(versions.get(pk, [])) for pk in document_ids}


def version_chain(document):
    return version_chains([document.pk])[document.pk]


def required_version(document):
    """The adopted version people must confirm, or None (not adopted, or repealed)."""
    return version_chain(document).required


# -- the audience ------------------------------------------------------------------------------


def organisation_tree():
    """{organisation id: parent id} for the whole kommun: a few hundred rows, one query."""
    return dict(Organisation.objects.values_list("pk", "parent_id"))


def with_descendants(organisation_ids, tree=None):
    """The organisations and every unit below them."""
    tree = organisation_tree() if tree is None else tree
    children = {}
    for pk, parent in tree.items():
        children.setdefault(parent, []).append(pk)
    found, stack = set(), list(organisation_ids)
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def with_ancestors(organisation_id, tree=None):
    """The organisation and every unit above it (whose requirements reach its staff)."""
    tree = organisation_tree() if tree is None else tree
    found = []
    while organisation_id is not None and organisation_id not in found:
        found.append(organisation_id)
        organisation_id = tree.get(organisation_id)
    return found


# Which documents and document types have an active requirement, kept in Django's cache, so
# a document page without kvittens (most of them) asks the database nothing about it.
REQUIREMENT_INDEX_KEY = "styrdok:kvittens:requirement-index"
REQUIREMENT_INDEX_TIMEOUT = 10 * 60


def requirement_index():
    """(document ids, document types) with an active requirement."""
    index = cache.get(REQUIREMENT_INDEX_KEY)
    if index is None:
        rows = Requirement.objects.active().values_list("document_id", "document_type")
        index = (
            frozenset(pk for pk, _type in rows if pk),
            frozenset(kind for _pk, kind in rows if kind),
        )
        cache.set(REQUIREMENT_INDEX_KEY, index, REQUIREMENT_INDEX_TIMEOUT)
    return index


def forget_requirement_index(**kwargs):
    """A requirement was saved or deleted: the index is read again (now, and after commit,
    so a page read meanwhile cannot keep an index without the change)."""
    cache.delete(REQUIREMENT_INDEX_KEY)
    transaction.on_commit(lambda: cache.delete(REQUIREMENT_INDEX_KEY))


def requirements_for(document):
    """The active requirements covering `document`, with their groups and organisations."""
    documents, types = requirement_index()
    if document.pk not in documents and getattr(document, "document_type", None) not in types:
        return []
    return list(
        Requirement.objects.for_document(document).prefetch_related("groups", "organisations")
    )


def audience_filter(requirements, tree=None):
    """A Q on the user model selecting the union of the requirements' audiences, or None when
    they name nobody. Requirements must have groups and organisations prefetched."""
    if any(requirement.everyone for requirement in requirements):
        return models.Q()
    group_ids = {g.pk for r in requirements for g in r.groups.all()}
    organisation_ids = {o.pk for r in requirements for o in r.organisations.all()}
    condition = models.Q(pk__in=[])
    if group_ids:
        condition |= models.Q(groups__in=group_ids)
    if organisation_ids:
        units = with_descendants(organisation_ids, tree)
        condition |= models.Q(
            pk__in=Membership.objects.filter(organisation__in=units).values("user_id")
        )
    return condition if (group_ids or organisation_ids) else None


def readers_filter(document):
    """A Q limiting users to those who may see `document` (restricted documents and every
    document under one exist only for their groups' members and superusers)."""
    restricted = Styrdokument.restricted_to.through.objects.filter(
        styrdokument__path__in=_ancestor_paths(document.path)
    ).values_list("styrdokument_id", "group_id")
    roots = {}
    for root, group in restricted:
        roots.setdefault(root, set()).add(group)
    condition = models.Q()
    for groups in roots.values():
        condition &= models.Q(is_superuser=True) | models.Q(
            pk__in=get_user_model()
            .groups.through.objects.filter(group_id__in=groups)
            .values("user_id")
        )
    return condition


def _ancestor_paths(path):
    steplen = Styrdokument.steplen
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def audience(document, requirements=None, tree=None):
    """The active users who must confirm `document` (none when nothing requires it)."""
    User = get_user_model()
    requirements = requirements_for(document) if requirements is None else requirements
    condition = audience_filter(requirements, tree)
    if condition is None or not document.live:
        return User.objects.none()
    users = User.objects.filter(is_active=True).filter(condition).filter(readers_filter(document))
    # The conditions join over memberships and groups: keep each person once.
    return User.objects.filter(pk__in=users.values("pk"))


def in_audience(user, document, requirements=None):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return audience(document, requirements).filter(pk=user.pk).exists()


def confirmation(user, document, chain=None):
    """The user's confirmation that satisfies the document's requirement now, or None."""
    chain = version_chain(document) if chain is None else chain
    if not chain.accepted or user is None or not user.is_authenticated:
        return None
    return (
        Acknowledgement.objects.filter(user=user, version__in=chain.accepted_ids)
        .select_related("version")
        .order_by("-confirmed_at")
        .first()
    )


def must_confirm(user, document):
    """Whether `user` is asked to confirm `document` now: in its audience, with no valid
    confirmation of the version in force."""
    chain = version_chain(document)
    if chain.current is None or not in_audience(user, document):
        return False
    return confirmation(user, document, chain) is None


@dataclass
class Status:
    """What the intranet page tells one reader about one document."""

    chain: VersionChain
    in_audience: bool = False
    acknowledgement: Acknowledgement | None = None

    @property
    def pending(self):
        return self.in_audience and self.chain.current is not None and not self.acknowledgement


def status(user, document):
    """Kvittens for one reader and document, in a constant number of queries."""
    requirements = requirements_for(document)
    if not requirements:
        return Status(chain=VersionChain())
    chain = version_chain(document)
    if chain.current is None or not in_audience(user, document, requirements):
        return Status(chain=chain)
    return Status(
        chain=chain, in_audience=True, acknowledgement=confirmation(user, document, chain)
    )


# -- confirming --------------------------------------------------------------------------------


def _check_confirmable(user, document, version, chain):
    if user is None or not user.is_authenticated or not user.is_active:
        raise KvittensError(_("Logga in för att bekräfta att du har läst dokumentet."))
    if chain.current is None:
        raise KvittensError(
            _("”%(title)s” har ingen gällande version att bekräfta.") % {"title": document.title}
        )
    if version.document_id != document.pk:
        raise KvittensError(_("Versionen hör inte till dokumentet."))
    if version.pk != chain.current.pk:
        raise KvittensError(
            _(
                "Version %(version)s av ”%(title)s” har ersatts av version %(current)s. "
                "Läs den gällande versionen och bekräfta den."
            )
            % {
                "version": version.version,
                "title": document.title,
                "current": chain.current.version,
            }
        )
    if not in_audience(user, document):
        raise KvittensError(
            _("Du behöver inte bekräfta ”%(title)s”: dokumentet har inget kvittenskrav för dig.")
            % {"title": document.title}
        )


def confirm(user, document, version):
    """Record that `user` has read and understood `version` of `document`.

    Returns (acknowledgement, created). A second click, or a confirmation that already counts
    (an earlier version kept by an editorial change), returns the existing record unchanged.
    Raises KvittensError with the reason when the version is not the one in force or the user
    is not asked to confirm the document.
    """
    with transaction.atomic():
        chain = version_chain(document)
        _check_confirmable(user, document, version, chain)
        existing = confirmation(user, document, chain)
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                acknowledgement = Acknowledgement.objects.create(
                    user=user,
                    user_name=user.get_full_name() or user.get_username(),
                    document=document,
                    version=version,
                    confirmed_at=timezone.now(),
                )
        except IntegrityError:
            # The same person's other click won the race: one record, not an error.
            return Acknowledgement.objects.get(user=user, version=version), False
        log(
            instance=acknowledgement,
            action=CONFIRM_ACTION,
            user=user,
            data={
                "document_id": document.pk,
                "title": document.title,
                "version": version.version,
                "version_id": version.pk,
            },
        )
    return acknowledgement, True


# -- many documents at once ----------------------------------------------------------------------


def required_documents():
    """Live documents covered by at least one active requirement (by document or type)."""
    active = Requirement.objects.active()
    return Styrdokument.objects.live().filter(
        models.Q(pk__in=active.filter(document__isnull=False).values("document_id"))
        | models.Q(document_type__in=active.exclude(document_type="").values("document_type"))
    )


@dataclass
class PendingItem:
    """One document a person has yet to confirm."""

    document: Styrdokument
    chain: VersionChain

    @property
    def version(self):
        return self.chain.current

    @property
    def adopted_on(self):
        return timezone.localdate(self.chain.required.adopted_at)


def requirements_of(user, tree=None):
    """The active requirements whose audience includes `user` (documents not yet considered)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Requirement.objects.none()
    membership = Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    units = with_ancestors(membership.first(), tree) if membership.exists() else []
    condition = models.Q(everyone=True) | models.Q(groups__user=user)
    if units:
        condition |= models.Q(organisations__in=units)
    return Requirement.objects.active().filter(
        pk__in=Requirement.objects.filter(condition).values("pk")
    )


def pending_for(user, tree=None):
    """What `user` has still to read and confirm, oldest decision first, in a constant number of
    queries (the intranet start page and the digest)."""
    requirements = list(requirements_of(user, tree).values_list("document_id", "document_type"))
    if not requirements:
        return []
    document_ids = {pk for pk, _type in requirements if pk}
    types = {kind for _pk, kind in requirements if kind}
    documents = list(
        Styrdokument.objects.live()
        .visible_to(user)
        .filter(models.Q(pk__in=document_ids) | models.Q(document_type__in=types))
        .only("pk", "title", "url_path", "path", "depth", "document_type", "live")
    )
    chains = version_chains([document.pk for document in documents])
    accepted = [pk for chain in chains.values() for pk in chain.accepted_ids]
    confirmed = set(
        Acknowledgement.objects.filter(user=user, version__in=accepted).values_list(
            "version_id", flat=True
        )
    )
    items = [
        PendingItem(document=document, chain=chains[document.pk])
        for document in documents
        if chains[document.pk].current is not None
        and not confirmed.intersection(chains[document.pk].accepted_ids)
    ]
    return sorted(items, key=lambda item: (item.chain.required.adopted_at, item.document.title))
