"""Årlig genomgång av styrdokument och informationssäkerhetsarbetet: the yearly review for
kommunstyrelsen (ledningens genomgång), computed from the register for a chosen period.

Pure computation: `build_report` reads the register once per section (a constant number of
queries however many documents there are) and returns plain data that the admin page and the
PDF both render. What the reader may see limits every figure: a document restricted to groups
the user is not in, and its decisions, do not exist for the report.

Definitions used throughout:
- A document is *in the register* when it is live (adopted and published).
- It is *current* (aktuell) when it is in the register, has a decision date and its review date
  has not passed as of the report's date (min(period end, today)). Ownership and an open
  revision do not change whether the adopted text is current; they are reported on their own.
- The review status (Aktuell, Revision snart, Försenad, Under revision, Saknar ägare) is the
  register's own (StyrdokumentQuerySet.with_review_status), as of the report's date.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry

from governance.constants import DocumentType
from governance.history import ACTIONS, REPEAL_DECISION
from governance.models import Assignment, DecisionBody, LisArea, Role, StyrdokSettings
from kvittens.coverage import annual_summary
from policies.models import (
    AdoptedVersion,
    PolicyPage,
    RequiredDocument,
    ReviewStatus,
    Styrdokument,
    review_status_label,
)
from policies.pdf import render_template_pdf, w3c_datetime
from policies.plain_language import DIFFICULT_LIX, lix_band, median_lix

from .charts.formatting import first_of_month, month_label
from .snapshots import COMMON, forvaltning_names, trend_for
from .views import owner_label

# The audit-log actions that are decisions of a body (or an aktualitetsprövning on its behalf).
DECISION_ACTIONS = (
    "governance.decided",
    "governance.proposed",
    "governance.returned",
    "governance.refused",
    "governance.reviewed",
)
REVIEWED = "governance.reviewed"
COORDINATOR_ROLE = "informationssakerhetssamordnare"
NO_VALUE = "–"


# -- the audit questions -----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRule:
    """What the register counts as evidence for one of the revisorer's questions.

    Each kind of evidence also defines what is missing, so every question shows something:
    - document_types: current documents of these types are evidence; none at all is missing.
    - lis_areas: current documents in each area are evidence; an area without one is missing.
    - roles: active people assigned the role are evidence; nobody is missing.
    - decisions_by: decisions in the period by these bodies are evidence; none is missing.
    - reviews: "areas" (documents in lis_areas) or "all" documents: reviews done in the period
      (aktualitetsprövningar and new versions) are evidence; overdue documents are missing, and
      so is the absence of any review when there are documents to review.
    - required_documents: the policy's required riktlinjer and rutiner that are met and current
      are evidence; each one that is missing, not adopted or not current is missing.
    - owners: documents without an (active) dokumentansvarig are missing.
    """

    number: int
    question: str
    rule: str
    document_types: tuple = ()
    lis_areas: tuple = ()
    roles: tuple = ()
    decisions_by: tuple = ()
    reviews: str = ""
    required_documents: bool = False
    owners: bool = False


POLICY_TYPES = (DocumentType.POLICY, DocumentType.PROGRAM)

AUDIT_RULES = (
    AuditRule(
        1,
        "Finns aktuella styrdokument som tydliggör ansvar, krav och arbetssätt?",
        "Aktuell fastställd policy eller program, och de riktlinjer och rutiner som policyn "
        "kräver: uppfyllda och aktuella räknas som underlag, övriga saknas.",
        document_types=POLICY_TYPES,
        required_documents=True,
    ),
    AuditRule(
        2,
        "Finns en ändamålsenlig organisation för informationssäkerhetsarbetet?",
        "Utsedd informationssäkerhetssamordnare (uppdrag i Styrning), aktuella dokument inom "
        "område 1. Dokument utan dokumentansvarig visar otydligt ansvar.",
        lis_areas=(1,),
        roles=(COORDINATOR_ROLE,),
        owners=True,
    ),
    AuditRule(
        3,
        "Finns antagna mål med handlingsplaner?",
        "Mål i aktuell policy eller program, och aktuella dokument inom område 3 "
        "(handlingsplan utifrån nuläget).",
        document_types=POLICY_TYPES,
        lis_areas=(3,),
    ),
    AuditRule(
        4,
        "Finns en tillräcklig säkerhetskultur?",
        "Aktuella dokument inom område 8 (medvetenhet och utbildning).",
        lis_areas=(8,),
    ),
    AuditRule(
        5,
        "Finns etablerade metoder för riskhantering som följs upp?",
        "Aktuella dokument inom områdena 4 och 5 (riskhantering, informationsklassning), och "
        "aktualitetsprövningar och revisioner av dem under perioden. Försenade dokument saknas.",
        lis_areas=(4, 5),
        reviews="areas",
    ),
    AuditRule(
        6,
        "Utvärderas de tekniska säkerhetsåtgärderna regelbundet?",
        "Aktuella dokument inom områdena 9 och 10 (säkerhetskrav vid upphandling, uppföljning) "
        "och prövningar av dem under perioden. Registret visar styrningen, inte själva "
        "utvärderingarna.",
        lis_areas=(9, 10),
        reviews="areas",
    ),
    AuditRule(
        7,
        "Finns förmåga att upptäcka och hantera incidenter?",
        "Aktuella dokument inom områdena 6 och 7 (incidenthantering, kontinuitetsplanering), "
        "och prövningar av dem under perioden. Försenade dokument saknas.",
        lis_areas=(6, 7),
        reviews="areas",
    ),
    AuditRule(
        8,
        "Sker tillräcklig uppföljning och rapportering till kommunstyrelsen?",
        "Kommunstyrelsens beslut om styrdokument under perioden, aktuella dokument inom "
        "områdena 2 och 10, och alla aktualitetsprövningar och revisioner under perioden. "
        "Försenade dokument saknas.",
        lis_areas=(2, 10),
        decisions_by=("ks",),
        reviews="all",
    ),
)


# -- the report's rows -------------------------------------------------------------------------


@dataclass
class DocumentRow:
    pk: int
    title: str
    document_type: str
    type_label: str
    status: str
    status_label: str
    owner: str
    owner_missing: bool
    body: str
    decision_date: object
    next_review: object
    is_current: bool
    lis_numbers: list = field(default_factory=list)
    # LIX of the live text, stored when it was saved (policies.plain_language_admin).
    lix: object = None
    organisation_id: object = None


@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class TypeRow:
    document_type: str
    label: str
    counts: list
    total: int


@dataclass
class DecisionRow:
    pk: int
    title: str
    type_label: str
    date: object
    action: str
    label: str
    outcome: str
    body: str
    paragraph: object
    diarienummer: str

    @property
    def paragraph_display(self):
        return f"§ {self.paragraph}" if self.paragraph else ""


@dataclass
class ReviewRow:
    pk: int
    title: str
    type_label: str
    date: object
    kind: str
    detail: str
    owner: str
    owner_missing: bool = False


@dataclass
class RequiredRow:
    title: str
    type_label: str
    lis_area: str
    document_pk: object
    document_title: str
    exists: bool
    adopted: bool
    current: bool
    status_label: str


@dataclass
class PolicyRequirements:
    pk: int
    title: str
    type_label: str
    rows: list

    @property
    def met_count(self):
        return sum(1 for row in self.rows if row.current)

    @property
    def status_counts(self):
        """How many required documents are current, adopted but late, drafts, or missing."""
        counts = [0, 0, 0, 0]
        for row in self.rows:
            counts[0 if row.current else 1 if row.adopted else 2 if row.exists else 3] += 1
        return counts


REQUIRED_STATUS_LABELS = (
    "Finns, fastställt och aktuellt",
    "Fastställt men revisionen är försenad",
    "Finns men är inte fastställt",
    "Saknas",
)


@dataclass
class OrganisationStatus:
    """One förvaltning's documents by review date: i tid, revision snart, försenade."""

    name: str
    in_time: int = 0
    due_soon: int = 0
    overdue: int = 0

    @property
    def total(self):
        return self.in_time + self.due_soon + self.overdue

    @property
    def counts(self):
        return [self.in_time, self.due_soon, self.overdue]


@dataclass
class DecisionMonth:
    """The decisions of one month, counted per beslutande organ (in `bodies` order)."""

    month: datetime.date
    label: str
    counts: list

    @property
    def total(self):
        return sum(self.counts)


@dataclass
class LisCoverage:
    number: int
    name: str
    documents: list

    @property
    def missing(self):
        return not self.documents


@dataclass
class EvidenceItem:
    kind: str
    text: str


@dataclass
class AuditQuestion:
    number: int
    question: str
    rule: str
    evidence: list
    missing: list


@dataclass
class Headline:
    total_documents: int
    current_documents: int
    current_share: int
    overdue_count: int
    ownerless_count: int
    decisions_count: int
    reviews_done_count: int


@dataclass
class PlainLanguage:
    """Klarspråk: the median LIX of the register and the documents above DIFFICULT_LIX."""

    measured: int
    median: object
    median_label: str
    threshold: int
    difficult: list


# The dnr column in the PDF: room for a dnr of this many digits at least, and each character's
# width in em in the report's font (DejaVu Sans; capitals rounded up), plus the cell's padding.
DNR_MIN_WIDTH_EM = 10 * 0.64
DNR_CHAR_EM = {"-": 0.37, "/": 0.34, " ": 0.32}
DNR_DIGIT_EM = 0.64
DNR_OTHER_EM = 0.8
CELL_PADDING_EM = 0.9


def _dnr_width_em(dnr):
    return sum(
        DNR_DIGIT_EM if char.isdigit() else DNR_CHAR_EM.get(char, DNR_OTHER_EM) for char in dnr
    )


@dataclass
class AnnualReport:
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    generated_at: datetime.datetime
    kommun_name: str
    warning_days: int
    headline: Headline
    statuses: list
    type_rows: list
    status_totals: list
    decisions: list
    reviews_done: list
    reviews_due: list
    reviews_overdue: list
    ownerless: list
    required: list
    lis_coverage: list
    audit_questions: list
    plain_language: object = None
    status_by_organisation: list = field(default_factory=list)
    decision_bodies: list = field(default_factory=list)
    decisions_by_month: list = field(default_factory=list)
    trend: object = None
    # The kommun's logo on the PDF's cover: part of what a stored PDF shows (reports.tasks).
    logo_id: int | None = None
    # Read acknowledgement of the documents that require it (kvittens.coverage.annual_summary).
    kvittens: object = None

    @property
    def title(self):
        return _("Årlig genomgång av styrdokument och informationssäkerhetsarbetet")

    @property
    def period_label(self):
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def lis_missing(self):
        return [area for area in self.lis_coverage if area.missing]

    @property
    def filename(self):
        return f"arlig-genomgang-{self.start:%Y-%m-%d}--{self.end:%Y-%m-%d}.pdf"

    @property
    def dnr_column_width(self):
        """The PDF's diarienummer column, in em: wide enough for the longest dnr in the table on
        one line (a dnr broken over two lines is misread, and a nowrap one wider than its column
        ran off the page). A CSS length, written with a decimal point whatever the locale."""
        widest = max(
            [DNR_MIN_WIDTH_EM, *(_dnr_width_em(row.diarienummer or "") for row in self.decisions)]
        )
        return f"{widest + CELL_PADDING_EM:.1f}em"


# -- reading the register ----------------------------------------------------------------------


def _type_label(value):
    try:
        return str(DocumentType(value).label)
    except ValueError:
        return value or ""


def _visible(user):
    documents = Styrdokument.objects.all()
    # No user is the system itself (a management command): the whole register.
    return documents if user is None else documents.visible_to(user)


DOCUMENT_COLUMNS = (
    "pk",
    "title",
    "document_type",
    "review_status",
    "owner_missing",
    "responsible_id",
    "decision_body__name",
    "decision_date",
    "next_review",
    "readability__lix",
    "organisation_id",
)


def _lis_numbers(documents):
    """{document pk: sorted LIS area numbers}, from the link table alone in one query (the
    ten areas' numbers are read with the coverage table)."""
    number_of = dict(LisArea.objects.values_list("pk", "number"))
    numbers = defaultdict(list)
    through = Styrdokument.lis_areas.through
    for document_id, area_id in through.objects.filter(
        styrdokument_id__in=documents.values("pk")
    ).values_list("styrdokument_id", "lisarea_id"):
        numbers[document_id].append(number_of[area_id])
    for values in numbers.values():
        values.sort()
    return numbers


def _document_rows(visible, as_of, warning_days, people):
    """Every live document the user may read, with its status as of the report's date.

    At kommun scale (10,000 documents) this is most of the report's work, so it reads plain
    values instead of model instances, and each label is computed once per distinct value.
    """
    live = visible.live()
    documents = (
        live.with_review_status(today=as_of, warning_days=warning_days)
        .order_by("title", "pk")
        .values(*DOCUMENT_COLUMNS)
    )
    owners = {pk: str(owner_label(user)) for pk, user in people.items()}
    lis_numbers = _lis_numbers(live)
    type_labels = {value: str(label) for value, label in DocumentType.choices}
    status_labels = {s.value: str(review_status_label(s, warning_days)) for s in ReviewStatus}
    rows = []
    for document in documents:
        next_review = document["next_review"]
        overdue = next_review is not None and next_review < as_of
        document_type = document["document_type"]
        rows.append(
            DocumentRow(
                pk=document["pk"],
                title=document["title"],
                document_type=document_type,
                type_label=type_labels.get(document_type) or _type_label(document_type),
                status=document["review_status"],
                status_label=status_labels.get(document["review_status"], ""),
                owner=owners.get(document["responsible_id"], NO_VALUE),
                owner_missing=bool(document["owner_missing"]),
                body=document["decision_body__name"] or "",
                decision_date=document["decision_date"],
                next_review=next_review,
                is_current=bool(document["decision_date"]) and not overdue,
                lis_numbers=lis_numbers.get(document["pk"], []),
                lix=document["readability__lix"],
                organisation_id=document["organisation_id"],
            )
        )
    return rows


def _entry_date(data, timestamp):
    value = (data or {}).get("decision_date")
    parsed = parse_date(value) if isinstance(value, str) else None
    return parsed or timezone.localdate(timestamp)


def _people(visible):
    """{user pk: user} for every dokumentansvarig of a document the user may read: a few
    hundred people at most, read once instead of a user row joined to every document."""
    users = get_user_model().objects.filter(pk__in=visible.values("responsible_id"))
    return {user.pk: user for user in users}


def _owner(people, user_id):
    """(owner label, whether the owner is missing) for a document's responsible_id."""
    user = people.get(user_id)
    return str(owner_label(user)), user is None or not user.is_active


ENTRY_KEYS = ("decision_date", "body", "paragraph", "diarienummer", "repeal")
TEXT_KEYS = ("decision_date", "body", "diarienummer")


def _decision_entries(visible, start, end):
    """(page id, action, data, date) of each decision entry dated in the period.

    A decision is never dated after it is recorded, so entries logged before the period start
    cannot belong to it.
    """
    earliest = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    entries = []
    # Only the keys the report shows are read out of each entry's JSON, by the database.
    keys = {name: KeyTextTransform(name, "data") for name in TEXT_KEYS}
    keys.update({name: KeyTransform(name, "data") for name in ENTRY_KEYS if name not in TEXT_KEYS})
    for entry in (
        PageLogEntry.objects.filter(
            action__in=DECISION_ACTIONS,
            timestamp__gte=earliest,
            page_id__in=visible.values("pk"),
        )
        .order_by("timestamp", "pk")
        .values("page_id", "action", "timestamp", **keys)
    ):
        data = {name: entry[name] for name in ENTRY_KEYS}
        date = _entry_date(data, entry["timestamp"])
        if start <= date <= end:
            entries.append((entry["page_id"], entry["action"], data, date))
    return entries


def _action_labels(action, data, cache):
    """(label, outcome) of a decision entry, as text, translated once per kind."""
    key = (action, action == "governance.decided" and bool(data.get("repeal")))
    if key not in cache:
        label, outcome = REPEAL_DECISION if key[1] else ACTIONS[action]
        cache[key] = (str(label), str(outcome))
    return cache[key]


def _decisions(visible, start, end):
    """Decisions whose decision date (else the day they were logged) lies in the period.

    Two queries: the log entries, and the documents they concern.
    """
    entries = _decision_entries(visible, start, end)
    documents = {
        document["pk"]: document
        for document in visible.filter(pk__in={entry[0] for entry in entries}).values(
            "pk", "title", "document_type", "responsible_id"
        )
    }
    type_labels, action_labels = {}, {}
    rows = []
    for page_id, action, data, date in entries:
        document = documents.get(page_id)
        if document is None:
            continue
        label, outcome = _action_labels(action, data, action_labels)
        document_type = document["document_type"]
        if document_type not in type_labels:
            type_labels[document_type] = _type_label(document_type)
        rows.append(
            DecisionRow(
                pk=page_id,
                title=document["title"],
                type_label=type_labels[document_type],
                date=date,
                action=action,
                label=label,
                outcome=outcome,
                body=data.get("body", "") or "",
                paragraph=data.get("paragraph"),
                diarienummer=data.get("diarienummer", "") or "",
            )
        )
    rows.sort(key=lambda row: (row.date, row.title))
    return rows, documents


def _reviews_done(visible, start, end, decisions, decision_documents, people):
    """Aktualitetsprövningar (governance.reviewed) and revisions (a new adopted version that
    replaced an earlier one) with a decision date in the period."""
    rows = []
    for decision in decisions:
        if decision.action != REVIEWED:
            continue
        owner, owner_missing = _owner(people, decision_documents[decision.pk]["responsible_id"])
        rows.append(
            ReviewRow(
                pk=decision.pk,
                title=decision.title,
                type_label=decision.type_label,
                date=decision.date,
                kind=_("Aktualitetsprövning"),
                detail=_("Granskad utan ändringar av %(body)s") % {"body": decision.body}
                if decision.body
                else _("Granskad utan ändringar"),
                owner=owner,
                owner_missing=owner_missing,
            )
        )
    versions = (
        AdoptedVersion.objects.filter(
            document__in=visible.values("pk"),
            decision_date__gte=start,
            decision_date__lte=end,
            supersedes__isnull=False,
        )
        .order_by("decision_date", "pk")
        .values_list(
            "document_id",
            "document__title",
            "document__document_type",
            "document__responsible_id",
            "decision_date",
            "version",
            "supersedes__version",
        )
    )
    kind = _("Revision")
    for pk, title, document_type, responsible_id, date, version, previous in versions:
        owner, owner_missing = _owner(people, responsible_id)
        rows.append(
            ReviewRow(
                pk=pk,
                title=title,
                type_label=_type_label(document_type),
                date=date,
                kind=kind,
                detail=_("Version %(version)s ersatte version %(previous)s")
                % {"version": version, "previous": previous},
                owner=owner,
                owner_missing=owner_missing,
            )
        )
    rows.sort(key=lambda row: (row.date, row.title))
    return rows


def _review_row(document, kind):
    return ReviewRow(
        pk=document.pk,
        title=document.title,
        type_label=document.type_label,
        date=document.next_review,
        kind=kind,
        detail=document.status_label,
        owner=document.owner,
        owner_missing=document.owner_missing,
    )


def _required_documents(visible, documents_by_pk):
    """For each policy or program the user may read: what it requires and where each stands.

    Three queries: the policies (plain values), what they require, and the linked documents.
    Going through each policy's `required_documents` would build a related manager per policy.
    """
    policies = list(
        PolicyPage.objects.live()
        .filter(pk__in=visible.values("pk"))
        .order_by("title", "pk")
        .values("pk", "title", "document_type")
    )
    required_by = defaultdict(list)
    for required in (
        RequiredDocument.objects.filter(policy_id__in=[policy["pk"] for policy in policies])
        .select_related("lis_area")
        .order_by("sort_order", "pk")
    ):
        required_by[required.policy_id].append(required)
    linked_ids = {
        required.document_id
        for rows in required_by.values()
        for required in rows
        if required.document_id
    }
    # Linked drafts (not live) exist but are not adopted; one query for all of them.
    linked = {
        document.pk: document
        for document in visible.filter(pk__in=linked_ids).only(
            "pk", "title", "live", "decision_date"
        )
    }
    return [
        PolicyRequirements(
            pk=policy["pk"],
            title=policy["title"],
            type_label=_type_label(policy["document_type"]),
            rows=[
                _required_row(required, linked.get(required.document_id), documents_by_pk)
                for required in required_by[policy["pk"]]
            ],
        )
        for policy in policies
    ]


def _required_status(exists, adopted, current):
    if current:
        return _("Finns, fastställt och aktuellt")
    if adopted:
        return _("Fastställt men revisionen är försenad")
    if exists:
        return _("Finns men är inte fastställt")
    return _("Saknas")


def _required_row(required, document, documents_by_pk):
    """Where one required document stands; `document` is the linked one, None if none is."""
    in_register = documents_by_pk.get(required.document_id)
    exists = document is not None
    adopted = bool(exists and document.live and document.decision_date)
    current = bool(adopted and in_register is not None and in_register.is_current)
    return RequiredRow(
        title=required.title,
        type_label=_type_label(required.document_type),
        lis_area=str(required.lis_area) if required.lis_area_id else "",
        document_pk=document.pk if exists else None,
        document_title=document.title if exists else "",
        exists=exists,
        adopted=adopted,
        current=current,
        status_label=str(_required_status(exists, adopted, current)),
    )


def _lis_coverage(documents):
    by_area = defaultdict(list)
    for document in documents:
        if document.is_current:
            for number in document.lis_numbers:
                by_area[number].append(document)
    return [
        LisCoverage(number=area.number, name=area.name, documents=by_area[area.number])
        for area in LisArea.objects.order_by("number")
    ]


def _role_assignments():
    return list(
        Assignment.objects.filter(user__is_active=True, role__code__in=_all_rule_roles())
        .select_related("user", "role", "organisation")
        .order_by("role__sort_order", "user__first_name", "user__last_name", "pk")
    )


def _all_rule_roles():
    return sorted({code for rule in AUDIT_RULES for code in rule.roles})


# -- the audit questions, answered -------------------------------------------------------------


def _document_text(document, texts=None):
    """The document as evidence: title (type, body, decision date). `texts` memoizes it, since
    a current document is evidence under several questions."""
    if texts is not None:
        if document.pk not in texts:
            texts[document.pk] = _document_text(document)
        return texts[document.pk]
    parts = [document.type_label]
    if document.body:
        parts.append(document.body)
    if document.decision_date:
        parts.append(f"{document.decision_date:%Y-%m-%d}")
    return f"{document.title} ({', '.join(parts)})"


@dataclass
class Findings:
    """What the collectors found for one question: evidence, and what is missing."""

    evidence: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def _collect_document_types(rule, context, findings):
    matching = [
        document
        for document in context["documents"]
        if document.is_current and document.document_type in rule.document_types
    ]
    kind = _("Dokument")
    texts = context["texts"]
    findings.evidence += [
        EvidenceItem(kind, _document_text(document, texts)) for document in matching
    ]
    if not matching:
        labels = _(" eller ").join(_type_label(value).lower() for value in rule.document_types)
        findings.missing.append(_("Ingen aktuell fastställd %(types)s.") % {"types": labels})


def _collect_required_documents(rule, context, findings):
    for policy in context["required"]:
        for row in policy.rows:
            if row.current:
                findings.evidence.append(
                    EvidenceItem(
                        _("Krävt dokument"),
                        _("%(title)s: uppfyllt av %(document)s (%(policy)s)")
                        % {
                            "title": row.title,
                            "document": row.document_title,
                            "policy": policy.title,
                        },
                    )
                )
            else:
                findings.missing.append(
                    _("%(title)s (krävs av %(policy)s): %(status)s.")
                    % {
                        "title": row.title,
                        "policy": policy.title,
                        "status": row.status_label.lower(),
                    }
                )


def _collect_roles(rule, context, findings):
    for code in rule.roles:
        people = [a for a in context["assignments"] if a.role.code == code]
        for assignment in people:
            user = assignment.user
            findings.evidence.append(
                EvidenceItem(
                    _("Roll"),
                    f"{assignment.role.name}: {user.get_full_name() or user.get_username()}"
                    f" ({assignment.organisation.name})",
                )
            )
        if not people:
            name = context["role_names"].get(code, code)
            findings.missing.append(_("Ingen utsedd %(role)s.") % {"role": name.lower()})


def _collect_lis_areas(rule, context, findings):
    areas = {area.number: area for area in context["lis_coverage"]}
    kind = _("Dokument")
    seen = set()
    for number in rule.lis_areas:
        area = areas.get(number)
        if area is None:
            continue
        if area.missing:
            findings.missing.append(
                _("Inget aktuellt dokument inom område %(area)s.")
                % {"area": f"{area.number}. {area.name}"}
            )
        for document in area.documents:
            if document.pk not in seen:
                seen.add(document.pk)
                findings.evidence.append(
                    EvidenceItem(kind, _document_text(document, context["texts"]))
                )


def _decision_text(decision):
    reference = " ".join(
        part for part in (decision.paragraph_display, decision.diarienummer) if part
    )
    return f"{decision.date:%Y-%m-%d} {decision.body}: {decision.outcome} – {decision.title}" + (
        f" ({reference})" if reference else ""
    )


def _collect_decisions(rule, context, findings):
    names = {
        context["body_names"][code] for code in rule.decisions_by if code in context["body_names"]
    }
    decisions = [d for d in context["decisions"] if d.body in names]
    kind = _("Beslut")
    findings.evidence += [EvidenceItem(kind, _decision_text(decision)) for decision in decisions]
    if not decisions:
        findings.missing.append(
            _("Inga beslut av %(bodies)s om styrdokument under perioden.")
            % {"bodies": _(" eller ").join(sorted(names)) or ", ".join(rule.decisions_by)}
        )


def _review_scope(rule, documents):
    """The documents a question's reviews are counted over: "all", or those in its areas."""
    if rule.reviews == "all" or not rule.lis_areas:
        return {d.pk for d in documents}
    areas = set(rule.lis_areas)
    return {d.pk for d in documents if not areas.isdisjoint(d.lis_numbers)}


def _collect_reviews(rule, context, findings):
    scope_ids = _review_scope(rule, context["documents"])
    done = [row for row in context["reviews_done"] if row.pk in scope_ids]
    kind = _("Prövning")
    findings.evidence += [
        EvidenceItem(kind, f"{row.date:%Y-%m-%d} {row.kind}: {row.title} ({row.detail})")
        for row in done
    ]
    if scope_ids and not done:
        findings.missing.append(_("Ingen aktualitetsprövning eller revision under perioden."))
    late = _("Revisionen är försenad: %(title)s (revideras senast %(date)s, %(owner)s).")
    findings.missing += [
        late
        % {
            "title": document.title,
            "date": f"{document.next_review:%Y-%m-%d}",
            "owner": document.owner,
        }
        for document in context["overdue"]
        if document.pk in scope_ids
    ]


def _collect_owners(rule, context, findings):
    text, nobody = _("Saknar dokumentansvarig: %(title)s (%(owner)s)."), _("ingen angiven")
    findings.missing += [
        text
        % {
            "title": document.title,
            "owner": document.owner if document.owner != NO_VALUE else nobody,
        }
        for document in context["ownerless"]
    ]


# Each AuditRule field that names a kind of evidence, and the collector that gathers it.
COLLECTORS = (
    ("document_types", _collect_document_types),
    ("required_documents", _collect_required_documents),
    ("roles", _collect_roles),
    ("lis_areas", _collect_lis_areas),
    ("decisions_by", _collect_decisions),
    ("reviews", _collect_reviews),
    ("owners", _collect_owners),
)


def _answer(rule, context):
    """One collector per criterion the rule names, in AUDIT_RULES' documented order, so the
    evidence and the missing items read the same whichever criteria a question combines."""
    findings = Findings()
    for criterion, collect in COLLECTORS:
        if getattr(rule, criterion):
            collect(rule, context, findings)
    return AuditQuestion(
        number=rule.number,
        question=rule.question,
        rule=rule.rule,
        evidence=findings.evidence,
        missing=findings.missing,
    )


# -- the report --------------------------------------------------------------------------------


def _status_tables(documents, days):
    """The status columns, one row of counts per document type, and the column totals (one
    pass over the documents)."""
    statuses = [StatusCount(s.value, str(review_status_label(s, days)), 0) for s in ReviewStatus]
    by_type_and_status = Counter((d.document_type, d.status) for d in documents)
    by_status = Counter(d.status for d in documents)
    type_rows = []
    for value, label in DocumentType.choices:
        counts = [
            StatusCount(status.status, status.label, by_type_and_status[(value, status.status)])
            for status in statuses
        ]
        type_rows.append(TypeRow(value, str(label), counts, sum(c.count for c in counts)))
    status_totals = [
        StatusCount(status.status, status.label, by_status[status.status]) for status in statuses
    ]
    return statuses, type_rows, status_totals


def _by_review_date(documents):
    return sorted(documents, key=lambda d: (d.next_review, d.title))


def _due_in(documents, start, end):
    return _by_review_date(d for d in documents if d.next_review and start <= d.next_review <= end)


def _overdue_at(documents, as_of):
    return _by_review_date(d for d in documents if d.next_review and d.next_review < as_of)


def _plain_language(documents):
    """The register's readability, from the LIX stored per document: no text is read here."""
    measured = [document for document in documents if document.lix is not None]
    median = median_lix(document.lix for document in measured)
    difficult = sorted(
        (document for document in measured if document.lix > DIFFICULT_LIX),
        key=lambda document: (-document.lix, document.title),
    )
    return PlainLanguage(
        measured=len(measured),
        median=median,
        median_label=str(lix_band(median).label).lower() if median is not None else "",
        threshold=DIFFICULT_LIX,
        difficult=difficult,
    )


def _body_names():
    return {
        body.code: body.name
        for body in DecisionBody.objects.filter(
            code__in={code for rule in AUDIT_RULES for code in rule.decisions_by}
        )
    }


def _headline(documents, overdue, ownerless, decisions, reviews_done):
    current_count = sum(1 for d in documents if d.is_current)
    return Headline(
        total_documents=len(documents),
        current_documents=current_count,
        current_share=round(100 * current_count / len(documents)) if documents else 0,
        overdue_count=len(overdue),
        ownerless_count=len(ownerless),
        decisions_count=len(decisions),
        reviews_done_count=len(reviews_done),
    )


def _status_by_organisation(documents, as_of, days):
    """Each förvaltning's documents by review date as of the report's date (a kontor's count
    under its förvaltning; documents of no förvaltning as kommungemensamma, last)."""
    names = forvaltning_names()
    soon = as_of + datetime.timedelta(days=days)
    rows = {}
    for document in documents:
        name = names.get(document.organisation_id, COMMON)
        row = rows.setdefault(name, OrganisationStatus(name))
        next_review = document.next_review
        if next_review is not None and next_review < as_of:
            row.overdue += 1
        elif next_review is not None and next_review <= soon:
            row.due_soon += 1
        else:
            row.in_time += 1
    return sorted(rows.values(), key=lambda row: (row.name == COMMON, row.name.lower()))


def _months(start, end):
    month = first_of_month(start)
    while month <= end:
        yield month
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _decisions_by_month(decisions, start, end):
    """(the organs, most decisions first; a row per month of the period with each organ's
    count), from the decisions the report lists."""
    per_body = Counter(decision.body or NO_VALUE for decision in decisions)
    bodies = sorted(per_body, key=lambda body: (-per_body[body], body))
    counts = Counter((first_of_month(d.date), d.body or NO_VALUE) for d in decisions)
    with_year = start.year != end.year
    rows = [
        DecisionMonth(
            month=month,
            label=month_label(month, with_year),
            counts=[counts[(month, body)] for body in bodies],
        )
        for month in _months(start, end)
    ]
    return bodies, rows


def build_report(start, end, user=None, today=None):
    """The yearly review for [start, end] as `user` may see it; statuses as of min(end, today)."""
    today = today or timezone.localdate()
    as_of = min(end, today)
    settings = StyrdokSettings.load()
    days = settings.review_warning_days
    visible = _visible(user)

    people = _people(visible)
    documents = _document_rows(visible, as_of, days, people)
    by_pk = {document.pk: document for document in documents}

    statuses, type_rows, status_totals = _status_tables(documents, days)

    decisions, decision_documents = _decisions(visible, start, end)
    reviews_done = _reviews_done(visible, start, end, decisions, decision_documents, people)
    due = _due_in(documents, start, end)
    overdue = _overdue_at(documents, as_of)
    ownerless = [d for d in documents if d.owner_missing]
    required = _required_documents(visible, by_pk)
    lis_coverage = _lis_coverage(documents)
    bodies = _body_names()
    assignments = _role_assignments()
    role_names = dict(Role.objects.filter(code__in=_all_rule_roles()).values_list("code", "name"))

    context = {
        "documents": documents,
        "texts": {},
        "required": required,
        "lis_coverage": lis_coverage,
        "assignments": assignments,
        "role_names": role_names,
        "body_names": bodies,
        "decisions": decisions,
        "reviews_done": reviews_done,
        "overdue": overdue,
        "ownerless": ownerless,
    }
    due_kind, overdue_kind = _("Revideras senast"), _("Försenad")
    decision_bodies, decisions_by_month = _decisions_by_month(decisions, start, end)
    return AnnualReport(
        start=start,
        end=end,
        as_of=as_of,
        generated_at=timezone.now(),
        kommun_name=settings.kommun_name,
        logo_id=settings.logo_id,
        warning_days=days,
        headline=_headline(documents, overdue, ownerless, decisions, reviews_done),
        statuses=statuses,
        type_rows=type_rows,
        status_totals=status_totals,
        decisions=decisions,
        reviews_done=reviews_done,
        reviews_due=[_review_row(d, due_kind) for d in due],
        reviews_overdue=[_review_row(d, overdue_kind) for d in overdue],
        ownerless=ownerless,
        required=required,
        lis_coverage=lis_coverage,
        audit_questions=[_answer(rule, context) for rule in AUDIT_RULES],
        plain_language=_plain_language(documents),
        status_by_organisation=_status_by_organisation(documents, as_of, days),
        decision_bodies=decision_bodies,
        decisions_by_month=decisions_by_month,
        trend=trend_for(start, end, user),
        kvittens=annual_summary(start, end, user),
    )


def render_report_pdf(report):
    """The report as an archival PDF (PDF/A-3a), for kommunstyrelsen's minutes."""
    title = str(report.title)
    context = {
        "report": report,
        "pdf_title": f"{title} {report.period_label}",
        "pdf_subject": _(
            "Ledningens genomgång för perioden %(period)s, underlag till kommunstyrelsen."
        )
        % {"period": report.period_label},
        "pdf_keywords": [
            _("årlig genomgång"),
            _("styrdokument"),
            _("informationssäkerhet"),
            _("ledningens genomgång"),
            report.kommun_name,
        ],
        "pdf_created": w3c_datetime(report.generated_at),
        "running_header": f"{_('Årlig genomgång')} {report.period_label}",
        "running_footer": _("Underlag per %(date)s") % {"date": f"{report.as_of:%Y-%m-%d}"},
    }
    return render_template_pdf("reports/pdf/annual_report.html", context, public=False)
