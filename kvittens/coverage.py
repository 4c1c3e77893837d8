"""Kvittensläget: how many of the people who must confirm a document have confirmed it.

Owners and the samordnare follow up per document ("412 av 530, 23 dagar sedan beslut"), per
organisation (each förvaltning and enhet with the units below it) and by name (who is missing);
the yearly report to KS carries the same figures.

Everything is counted in the database in a fixed number of queries, whatever the number of
people or documents: a kommun has 10,000 staff and a few hundred documents that require
kvittens, so nothing here loops over people in Python. The counts per document and home unit
are kept in the cache and brought up to date with the confirmations made since (see
"counting, with a snapshot per document" below).

- The audience of a document is the union of its active requirements (its own and its type's):
  everyone, members of groups, people whose home unit (Membership) is one of the organisations
  or a unit below one. Only active accounts count. Documents with the same requirements share
  one audience, so the people are counted once per distinct audience, not once per document.
- A confirmation counts when it is of the version the person must confirm: the current version,
  or, when the current version is an editorial change ("kräver inte ny kvittens"), the latest
  version before it that was not, or any version in between. A person who has left the audience
  (moved, left a group) no longer counts, even if they confirmed.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.constants import DocumentType, OrganisationKind
from governance.models import Organisation
from policies.models import AdoptedVersion, Styrdokument

from .models import Acknowledgement, Membership, Requirement
from .services import VersionChain, chain_of

NO_ORGANISATION = None  # the key of people without a home unit (no Membership)
COVERAGE_PERMISSION = "kvittens.view_coverage"


# -- who may see what --------------------------------------------------------------------------


def sees_all_documents(user):
    """The samordnare (and anyone granted kvittens.view_coverage) follows every document."""
    return user.has_perm(COVERAGE_PERMISSION)


def may_view_coverage(user):
    """The report opens for the permission, and for a dokumentansvarig of a live document
    (who then sees their own documents only)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_all_documents(user):
        return True
    return Styrdokument.objects.live().filter(responsible=user).exists()


def required_documents(user=None, document_type=""):
    """The live documents that require kvittens, as `user` may follow them: all those they may
    read with the permission, otherwise the ones they are dokumentansvarig for."""
    types = Requirement.objects.active().exclude(document_type="").values("document_type")
    own = Requirement.objects.active().filter(document_id=OuterRef("pk"))
    documents = (
        Styrdokument.objects.live()
        .filter(Q(document_type__in=types) | Q(Exists(own)))
        .filter(Exists(AdoptedVersion.objects.filter(document_id=OuterRef("pk"), imported=False)))
    )
    if document_type:
        documents = documents.filter(document_type=document_type)
    if user is not None:
        documents = documents.visible_to(user)
        if not sees_all_documents(user):
            documents = documents.filter(responsible=user)
    return documents


@dataclass(frozen=True)
class ListedDocument:
    """What a listing shows of a document, read as plain values (no page instance per row)."""

    pk: int
    title: str
    slug: str
    path: str
    document_type: str
    responsible_id: int | None
    responsible_name: str

    @property
    def owner_label(self):
        return self.responsible_name or "–"


def listed(documents):
    """[ListedDocument] for a queryset of documents, in its order (one query)."""
    rows = documents.values_list(
        "pk",
        "title",
        "slug",
        "path",
        "document_type",
        "responsible_id",
        "responsible__first_name",
        "responsible__last_name",
        "responsible__username",
    )
    return [
        ListedDocument(
            pk, title, slug, path, kind, owner, f"{first} {last}".strip() or (user or "")
        )
        for pk, title, slug, path, kind, owner, first, last, user in rows
    ]


# -- the organisation tree ---------------------------------------------------------------------


@dataclass
class OrganisationTree:
    """The kommun's units read once: names, parents and each unit's subtree."""

    names: dict
    parents: dict
    children: dict
    kinds: dict = field(default_factory=dict)

    @classmethod
    def load(cls):
        names, parents, kinds, children = {}, {}, {}, defaultdict(list)
        for pk, name, parent_id, kind in Organisation.objects.order_by("name", "pk").values_list(
            "pk", "name", "parent_id", "kind"
        ):
            names[pk] = name
            parents[pk] = parent_id
            kinds[pk] = kind
            children[parent_id].append(pk)
        return cls(names, parents, dict(children), kinds)

    def kind_label(self, pk):
        return str(dict(OrganisationKind.choices).get(self.kinds.get(pk), ""))

    def subtree(self, pk):
        """The unit and every unit under it."""
        found, stack = [], [pk]
        while stack:
            current = stack.pop()
            if current in self.names and current not in found:
                found.append(current)
                stack.extend(self.children.get(current, ()))
        return found

    def ancestors(self, pk):
        """The unit and the units above it, nearest first."""
        chain, seen = [], set()
        while pk is not None and pk not in seen and pk in self.names:
            chain.append(pk)
            seen.add(pk)
            pk = self.parents.get(pk)
        return chain

    def in_tree_order(self):
        """(pk, depth) of every unit, each followed by the units under it."""
        ordered = []

        def walk(pk, depth):
            ordered.append((pk, depth))
            for child in self.children.get(pk, ()):
                walk(child, depth + 1)

        for root in self.children.get(None, ()):
            walk(root, 0)
        return ordered


# -- audiences -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who must confirm: the union of a document's active requirements, organisations already
    expanded to the units below them, limited to those who may read the document. Hashable,
    so documents with the same requirements share one count.

    `readers` holds, for each group-restricted document at or above this one, the groups that
    may read it: a person must be in one group of every set (or be a superuser), as
    kvittens.services.readers_filter says.
    """

    everyone: bool = False
    groups: frozenset = frozenset()
    organisations: frozenset = frozenset()
    readers: frozenset = frozenset()

    @property
    def is_empty(self):
        return not (self.everyone or self.groups or self.organisations)

    def q(self, user=""):
        """A condition on users (on the user of a related row with `user="user__"`)."""
        outer = f"{user}pk" if user else "pk"
        condition = Q()
        if not self.everyone:
            conditions = []
            if self.groups:
                conditions.append(_in_groups(outer, self.groups))
            if self.organisations:
                organisations = sorted(self.organisations)
                conditions.append(
                    Q(**{f"{user}kvittens_membership__organisation_id__in": organisations})
                )
            condition = reduce(or_, conditions)
        for groups in sorted(self.readers, key=sorted):
            condition &= Q(**{f"{user}is_superuser": True}) | _in_groups(outer, groups)
        return condition


def _in_groups(outer, groups):
    through = get_user_model().groups.through
    return Q(Exists(through.objects.filter(user_id=OuterRef(outer), group_id__in=sorted(groups))))


def _restrictions(documents):
    """{document pk: frozenset of frozensets of reader groups} for the documents under a
    group-restricted document (one query; a kommun restricts few documents)."""
    roots = defaultdict(set)
    for path, group_id in Styrdokument.restricted_to.through.objects.values_list(
        "styrdokument__path", "group_id"
    ):
        roots[path].add(group_id)
    if not roots:
        return {}
    return {
        document.pk: frozenset(
            frozenset(groups) for path, groups in roots.items() if document.path.startswith(path)
        )
        for document in documents
    }


def audiences_for(documents, tree):
    """{document pk: Audience} from the active requirements (4 queries)."""
    requirements = list(
        Requirement.objects.active()
        .filter(
            Q(document_id__in=[d.pk for d in documents])
            | Q(document_type__in={d.document_type for d in documents})
        )
        .values("pk", "document_id", "document_type", "everyone")
    )
    pks = [r["pk"] for r in requirements]
    groups, organisations = defaultdict(set), defaultdict(set)
    for requirement_id, group_id in Requirement.groups.through.objects.filter(
        requirement_id__in=pks
    ).values_list("requirement_id", "group_id"):
        groups[requirement_id].add(group_id)
    for requirement_id, organisation_id in Requirement.organisations.through.objects.filter(
        requirement_id__in=pks
    ).values_list("requirement_id", "organisation_id"):
        organisations[requirement_id].update(tree.subtree(organisation_id))
    restrictions = _restrictions(documents)
    by_document_id, by_type = defaultdict(list), defaultdict(list)
    for r in requirements:
        if r["document_id"]:
            by_document_id[r["document_id"]].append(r)
        else:
            by_type[r["document_type"]].append(r)
    shared = {}
    by_document = {}
    for document in documents:
        applying = by_document_id.get(document.pk, []) + by_type.get(document.document_type, [])
        readers = restrictions.get(document.pk, frozenset())
        key = (tuple(r["pk"] for r in applying), readers)
        if key not in shared:
            shared[key] = Audience(
                everyone=any(r["everyone"] for r in applying),
                groups=frozenset().union(*(groups[r["pk"]] for r in applying)),
                organisations=frozenset().union(*(organisations[r["pk"]] for r in applying)),
                readers=readers,
            )
        by_document[document.pk] = shared[key]
    return by_document


# -- versions --------------------------------------------------------------------------------


def decided_on(chain):
    """The day the required version was decided (the day staff were asked to read it)."""
    required = chain.required
    if required.decision_date:
        return required.decision_date
    return timezone.localdate(required.adopted_at)


@dataclass(frozen=True)
class VersionRow:
    """The fields of an adopted version that kvittens reads, without a model instance per row
    (a report reads hundreds)."""

    pk: int
    document_id: int
    version: str
    decision_date: datetime.date | None
    adopted_at: datetime.datetime
    editorial_change: bool
    superseded_at: datetime.datetime | None
    superseded_by_id: int | None
    repealed_at: datetime.datetime | None
    imported: bool

    @property
    def is_current(self):
        return self.superseded_at is None and self.repealed_at is None


ROW_FIELDS = list(VersionRow.__dataclass_fields__)


def _current(candidates, known, cutoff):
    """The version in force: today, the one neither superseded nor repealed (as
    kvittens.services decides); at a past cutoff, the one not yet replaced or repealed then."""
    candidates = [v for v in candidates if not v.imported]  # never in force for kvittens
    if cutoff is None:
        return next((v for v in candidates if v.is_current), None)
    return next(
        (
            v
            for v in candidates
            if v.superseded_by_id not in known
            and (v.repealed_at is None or v.repealed_at >= cutoff)
        ),
        None,
    )


def chains_as_of(document_ids, day=None):
    """{document id: VersionChain} (one query), with the rule of kvittens.services.version_chains:
    the version in force, the latest that is not an editorial change, and those between them.
    With `day`, as the versions stood at its end: the yearly report for a past period counts
    the version that was in force then."""
    cutoff = end_of_day(day) if day is not None else None
    versions = AdoptedVersion.objects.filter(document_id__in=list(document_ids))
    if cutoff is not None:
        versions = versions.filter(adopted_at__lt=cutoff)
    by_document = defaultdict(list)
    for row in versions.order_by().values_list(*ROW_FIELDS):
        version = VersionRow(*row)
        by_document[version.document_id].append(version)
    chains = {}
    for pk in document_ids:
        candidates = by_document.get(pk, [])
        known = {v.pk for v in candidates}
        by_successor = {v.superseded_by_id: v for v in candidates if v.superseded_by_id in known}
        chains[pk] = chain_of(_current(candidates, known, cutoff), by_successor)
    return chains


def end_of_day(day):
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


# -- counts ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """N of M confirmed."""

    audience: int = 0
    confirmed: int = 0

    @property
    def missing(self):
        return self.audience - self.confirmed

    @property
    def share(self):
        """Percent confirmed, None for nobody to confirm."""
        if not self.audience:
            return None
        return 100 * self.confirmed / self.audience

    @property
    def percent(self):
        """The share as a whole percent, rounded down so that 99.6 % never shows as 100 %."""
        share = self.share
        return None if share is None else int(share)

    @property
    def percent_label(self):
        """ "78 %", or a dash when nobody is asked."""
        percent = self.percent
        return "–" if percent is None else f"{percent} %"

    @property
    def label(self):
        return _("%(confirmed)s av %(audience)s") % {
            "confirmed": self.confirmed,
            "audience": self.audience,
        }

    def add(self, other):
        self.audience += other.audience
        self.confirmed += other.confirmed


@dataclass
class OrganisationRow:
    """A unit with its own counts (its people and those of the units below it)."""

    pk: int | None
    name: str
    depth: int
    tally: Tally
    kind: str = ""


@dataclass
class DocumentCoverage:
    document: object  # a Styrdokument, or a ListedDocument in the listings
    chain: VersionChain
    audience: Audience
    tally: Tally
    people: dict = field(default_factory=dict)  # home unit pk -> people asked (own people)
    confirmed: dict = field(default_factory=dict)  # home unit pk -> people who confirmed
    today: datetime.date = None

    @cached_property
    def by_organisation(self):
        """{home unit pk: Tally} of each unit's own people (the listing needs only the total,
        so this is worked out when a page or an export asks)."""
        return {
            unit: Tally(count, self.confirmed.get(unit, 0)) for unit, count in self.people.items()
        }

    @property
    def decided_on(self):
        return decided_on(self.chain)

    @property
    def days_since_decision(self):
        return (self.today - self.decided_on).days

    @property
    def version(self):
        return self.chain.current.version

    @property
    def type_label(self):
        return type_label(self.document.document_type)

    @property
    def owner_label(self):
        document = self.document
        if isinstance(document, ListedDocument):
            return document.owner_label
        owner = document.responsible
        return person_name(owner) if owner is not None else "–"

    @property
    def required_version(self):
        return self.chain.required.version

    @property
    def summary(self):
        """ "412 av 530, 23 dagar sedan beslut" """
        days = self.days_since_decision
        return _("%(tally)s, %(days)s sedan beslut") % {
            "tally": self.tally.label,
            "days": days_label(days),
        }

    def organisation_rows(self, tree, only=None):
        return organisation_rows(self.by_organisation, tree, only=only)


def days_label(days):
    if days == 0:
        return _("0 dagar")
    if days == 1:
        return _("1 dag")
    return _("%(days)s dagar") % {"days": days}


def organisation_rows(by_organisation, tree, only=None):
    """Each unit that has people in the audience, in tree order, with the counts of its own
    people and of the units below it; then people without a home unit. `only` limits the
    rows to a set of units (an organisation filter's subtree)."""
    totals = defaultdict(Tally)
    for organisation_id, tally in by_organisation.items():
        if organisation_id is NO_ORGANISATION:
            continue
        for pk in tree.ancestors(organisation_id):
            totals[pk].add(tally)
    rows = [
        OrganisationRow(pk, tree.names[pk], depth, totals[pk], tree.kind_label(pk))
        for pk, depth in tree.in_tree_order()
        if totals[pk].audience and (only is None or pk in only)
    ]
    unplaced = by_organisation.get(NO_ORGANISATION)
    if unplaced is not None and unplaced.audience and only is None:
        rows.append(OrganisationRow(None, _("Utan organisationstillhörighet"), 0, unplaced))
    return rows


def _people(scope):
    users = get_user_model().objects.filter(is_active=True)
    if scope is not None:
        users = users.filter(kvittens_membership__organisation_id__in=scope)
    return users


# -- counting, with a snapshot per document ------------------------------------------------------
#
# Counting every confirmation of 200 documents among 10,000 staff reads most of a table of a
# million rows: seconds. The counts per home unit are therefore kept in the cache, per document
# and per audience, under a key that names everything they depend on except the confirmations:
# the people (who is active, a superuser, in which unit and groups: `_people_state`), the
# audience (the requirements, the units below theirs, the readers of a restricted document) and
# the versions that count. Confirmations are only ever added (Acknowledgement is immutable), so
# a snapshot records the last confirmation it counted, and a later view adds the confirmations
# after it (a range of the primary key) instead of counting again. Any change to the people or
# the audience changes the key, and the next view counts afresh.

SNAPSHOT_SECONDS = 24 * 60 * 60
SNAPSHOT_PREFIX = "styrdok:kvittens-coverage:v1"


def _people_state():
    """A fingerprint of who the people are (one query of aggregates over the user, membership
    and group tables) and the newest confirmation's id and time."""
    User = get_user_model()
    quote = connection.ops.quote_name
    users = quote(User._meta.db_table)
    memberships = quote(Membership._meta.db_table)
    groups = quote(User.groups.through._meta.db_table)
    acks = quote(Acknowledgement._meta.db_table)
    big = "BIGINT"
    sql = f"""
        SELECT * FROM
          (SELECT COUNT(*),
                  SUM(CASE WHEN is_active THEN CAST(id AS {big}) * (id + 7) ELSE 0 END),
                  SUM(CASE WHEN is_superuser THEN CAST(id AS {big}) ELSE 0 END)
             FROM {users}) AS people,
          (SELECT COUNT(*), SUM(CAST(user_id AS {big}) * 65537 + organisation_id)
             FROM {memberships}) AS units,
          (SELECT COUNT(*), SUM(CAST(user_id AS {big}) * 65537 + group_id)
             FROM {groups}) AS memberof,
          (SELECT MAX(id) FROM {acks}) AS newest
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return "-".join(str(value or 0) for value in row[:-1]), row[-1] or 0


def _key(kind, *parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"{SNAPSHOT_PREFIX}:{kind}:{digest}"


def _audience_key(state, audience):
    return _key("people", state, _audience_parts(audience))


def _audience_parts(audience):
    return (
        audience.everyone,
        sorted(audience.groups),
        sorted(audience.organisations),
        sorted(sorted(readers) for readers in audience.readers),
    )


def _document_key(state, pk, audience, chain):
    return _key("confirmed", state, pk, _audience_parts(audience), sorted(chain.accepted_ids))


def _audience_counts(audiences, state):
    """{Audience: {home unit pk: people}}: from the cache, the rest in one grouped query."""
    keys = {
        audience: _audience_key(state, audience) for audience in audiences if not audience.is_empty
    }
    stored = cache.get_many(list(keys.values()))
    counts = {audience: stored[key] for audience, key in keys.items() if key in stored}
    missing = [audience for audience in keys if audience not in counts]
    if missing:
        counts.update(_count_people(missing))
        cache.set_many({keys[a]: counts[a] for a in missing}, SNAPSHOT_SECONDS)
    return counts


def _count_people(audiences):
    names = {audience: f"a{n}" for n, audience in enumerate(audiences)}
    rows = (
        _people(None)
        .values(unit=F("kvittens_membership__organisation_id"))
        .annotate(
            **{
                name: Count("pk", filter=audience.q()) if audience.q() else Count("pk")
                for audience, name in names.items()
            }
        )
        .order_by()
    )
    counts = {audience: {} for audience in audiences}
    for row in rows:
        for audience, name in names.items():
            if row[name]:
                counts[audience][row["unit"]] = row[name]
    return counts


def _confirmations(documents, audiences, chains, after=0, upto=0):
    """{document pk: {home unit pk: people}} who confirmed a version that counts, among the
    confirmations with `after` < id ≤ `upto`, in one grouped query. With `after`, people who
    had already confirmed before it are left out (they are in the snapshot)."""
    by_audience = defaultdict(list)
    for pk in documents:
        by_audience[audiences[pk]].append(pk)
    counting = [version for pk in documents for version in chains[pk].accepted_ids]
    in_audience = reduce(
        or_,
        (Q(document_id__in=pks) & audience.q("user__") for audience, pks in by_audience.items()),
    )
    confirmations = Acknowledgement.objects.filter(
        in_audience, version_id__in=counting, user__is_active=True, pk__lte=upto
    )
    if after:
        earlier = Acknowledgement.objects.filter(
            user_id=OuterRef("user_id"),
            document_id=OuterRef("document_id"),
            version_id__in=counting,
            pk__lte=after,
        )
        confirmations = confirmations.filter(pk__gt=after).exclude(Exists(earlier))
    rows = (
        confirmations.values("document_id", unit=F("user__kvittens_membership__organisation_id"))
        .annotate(people=Count("user_id", distinct=True))
        .order_by()
    )
    counts = {pk: {} for pk in documents}
    for row in rows:
        counts[row["document_id"]][row["unit"]] = row["people"]
    return counts


def _valid_snapshots(stored):
    """The snapshots whose last counted confirmation is still the one they counted (a restored
    or recreated database reuses ids; one query)."""
    marks = {snapshot["last"] for snapshot in stored.values() if snapshot["last"]}
    found = dict(Acknowledgement.objects.filter(pk__in=marks).values_list("pk", "confirmed_at"))
    return {
        key: snapshot
        for key, snapshot in stored.items()
        if not snapshot["last"] or found.get(snapshot["last"]) == snapshot["at"]
    }


def _confirmed_counts(audiences, chains, state, newest):
    """{document pk: {home unit pk: confirmed}}: the snapshots brought up to the newest
    confirmation, the documents without one counted afresh (a fixed number of queries)."""
    documents = [
        pk
        for pk, audience in audiences.items()
        if not audience.is_empty and chains.get(pk) and chains[pk].current is not None
    ]
    if not documents:
        return {}
    keys = {pk: _document_key(state, pk, audiences[pk], chains[pk]) for pk in documents}
    stored = _valid_snapshots(cache.get_many(list(keys.values())))
    snapshots = {pk: stored[key] for pk, key in keys.items() if key in stored}
    fresh = [pk for pk in documents if pk not in snapshots]
    counts = _confirmations(fresh, audiences, chains, upto=newest) if fresh and newest else {}
    changed = {pk: counts.setdefault(pk, {}) for pk in fresh}
    changed.update(_bring_up_to_date(snapshots, counts, audiences, chains, newest))
    _store(keys, changed, newest)
    return counts


def _bring_up_to_date(snapshots, counts, audiences, chains, newest):
    """Add to `counts` each snapshot and the confirmations made after it; returns the
    documents whose counts moved on."""
    behind = defaultdict(list)
    for pk, snapshot in snapshots.items():
        counts[pk] = dict(snapshot["units"])
        if snapshot["last"] < newest:
            behind[snapshot["last"]].append(pk)
    changed = {}
    for after, pks in behind.items():
        for pk, units in _confirmations(pks, audiences, chains, after, newest).items():
            for unit, people in units.items():
                counts[pk][unit] = counts[pk].get(unit, 0) + people
            changed[pk] = counts[pk]
    return changed


def _store(keys, changed, newest):
    if not changed:
        return
    at = None
    if newest:
        at = (
            Acknowledgement.objects.filter(pk=newest).values_list("confirmed_at", flat=True).first()
        )
    cache.set_many(
        {keys[pk]: {"units": units, "last": newest, "at": at} for pk, units in changed.items()},
        SNAPSHOT_SECONDS,
    )


def _in_scope(by_unit, scope):
    if scope is None:
        return by_unit
    return {unit: n for unit, n in by_unit.items() if unit in scope}


def coverage(documents, organisation=None, tree=None, today=None, as_of=None):
    """[DocumentCoverage] for `documents` (Styrdokument instances, in their order), counting
    the people in `organisation` and the units below it when given. A fixed number of queries
    however many documents and people. `as_of` (a past day) takes the versions adopted by then."""
    documents = list(documents)
    tree = tree or OrganisationTree.load()
    today = today or timezone.localdate()
    if not documents:
        return []
    scope = set(tree.subtree(organisation.pk)) if organisation is not None else None
    audiences = audiences_for(documents, tree)
    pks = [d.pk for d in documents]
    chains = chains_as_of(pks, as_of)
    state, newest = _people_state()
    people = _audience_counts(set(audiences.values()), state)
    confirmed = _confirmed_counts(audiences, chains, state, newest)
    result = []
    for document in documents:
        chain = chains.get(document.pk)
        if chain is None or chain.current is None:
            continue
        audience = audiences[document.pk]
        asked = _in_scope(people.get(audience, {}), scope)
        done = confirmed.get(document.pk, {})
        total = Tally(sum(asked.values()), sum(done.get(unit, 0) for unit in asked))
        result.append(DocumentCoverage(document, chain, audience, total, asked, done, today))
    return result


def missing_people(item, organisation=None, tree=None):
    """The active people in `item`'s audience (a DocumentCoverage) who have not confirmed a
    version that counts, ordered by home unit and name, with their membership selected: a
    queryset to page."""
    users = _people(tree.subtree(organisation.pk) if organisation is not None else None)
    if item.audience.is_empty:
        return users.none()
    confirmed = Acknowledgement.objects.filter(
        user_id=OuterRef("pk"), version_id__in=item.chain.accepted_ids
    )
    return (
        users.filter(item.audience.q())
        .exclude(Exists(confirmed))
        .select_related("kvittens_membership__organisation")
        .order_by(
            F("kvittens_membership__organisation__name").asc(nulls_last=True),
            "last_name",
            "first_name",
            "username",
        )
    )


def person_name(user):
    return user.get_full_name() or user.get_username()


def home_unit(user):
    try:
        return user.kvittens_membership.organisation.name
    except Membership.DoesNotExist:
        return _("Utan organisationstillhörighet")


def type_label(document_type):
    return str(dict(DocumentType.choices).get(document_type, document_type))


# -- the yearly report to KS -----------------------------------------------------------------


@dataclass
class AnnualRow:
    title: str
    version: str
    decision_date: datetime.date
    confirmed: int
    audience: int
    share: float | None
    days_since_decision: int
    decided_in_period: bool
    carried_over: bool

    @property
    def percent(self):
        return Tally(self.audience, self.confirmed).percent


@dataclass
class AnnualSummary:
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    rows: list
    total: Tally

    @property
    def below_half(self):
        return [row for row in self.rows if row.share is not None and row.share < 50]


def annual_summary(start, end, user):
    """The "Kvittens" section of the yearly report to KS: each document in the register that
    requires kvittens and that `user` may read (the report's own permission decides who reads
    it), with the version people must confirm, its
    decision date, how many of its audience have confirmed it and how long ago it was decided.

    The figures are as of the report's date (the period's end, or today if earlier): versions
    decided after it are left out and confirmations made after it are not counted. The
    audience is today's (who belongs where is not kept historically).
    """
    today = timezone.localdate()
    as_of = min(end, today)
    # Whoever may read the yearly report sees every document they may read, not only their own.
    documents = required_documents().visible_to(user) if user is not None else required_documents()
    documents = listed(documents.order_by("title", "pk"))
    tree = OrganisationTree.load()
    items = coverage(documents, tree=tree, today=as_of, as_of=as_of if as_of < today else None)
    late = _confirmed_after(items, as_of)
    rows, total = [], Tally()
    for item in items:
        tally = Tally(item.tally.audience, item.tally.confirmed - late.get(item.document.pk, 0))
        total.add(tally)
        rows.append(
            AnnualRow(
                title=item.document.title,
                version=item.required_version,
                decision_date=item.decided_on,
                confirmed=tally.confirmed,
                audience=tally.audience,
                share=tally.share,
                days_since_decision=item.days_since_decision,
                decided_in_period=start <= item.decided_on <= end,
                carried_over=item.chain.carried_over,
            )
        )
    return AnnualSummary(start=start, end=end, as_of=as_of, rows=rows, total=total)


def _confirmed_after(items, as_of):
    """{document pk: people in its audience whose first counting confirmation came after
    `as_of`} (one query): subtracted so that a past period shows what was true then."""
    cutoff = end_of_day(as_of)
    if not items or cutoff > timezone.now():
        return {}
    in_time = Acknowledgement.objects.filter(
        user_id=OuterRef("user_id"),
        document_id=OuterRef("document_id"),
        version_id__in=[pk for item in items for pk in item.chain.accepted_ids],
        confirmed_at__lt=cutoff,
    )
    conditions = reduce(
        or_,
        (
            Q(document_id=item.document.pk)
            & Q(version_id__in=item.chain.accepted_ids)
            & item.audience.q("user__")
            for item in items
            if not item.audience.is_empty
        ),
        Q(pk__in=[]),
    )
    rows = (
        Acknowledgement.objects.filter(conditions, user__is_active=True, confirmed_at__gte=cutoff)
        .exclude(Exists(in_time))
        .values("document_id")
        .annotate(people=Count("user_id", distinct=True))
        .order_by()
    )
    return {row["document_id"]: row["people"] for row in rows}
