"""The rules a styrdokument must meet, written once.

The editor form, the model's clean() and the workflow's decision step each used to carry their
own copy of these checks, and the copies drifted apart. Each rule here is a small predicate that
takes only the values it needs (as keyword arguments) and returns {field: [Swedish messages]},
empty when the rule holds. `check()` runs a named set of them on a dict of values, so every
caller passes the same kind of values and gets the same messages:

- the editor form runs EDITOR and adds each message to its field;
- Styrdokument.clean() runs RECORD and raises ValidationError(dict);
- the decision step runs DECISION on the draft being decided and raises ValidationError.

RECORD holds what every saved record must satisfy (an import or a shell helper too); the
publication rules in EDITOR need the editor's context (the new page's parent, the chosen
groups) and are checked again on the decided draft by DECISION before anything is published.
"""

import copy
import inspect
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from governance.constants import DocumentType
from governance.models import DecisionBody
from governance.workflows import submission_problems

from .dates import add_months
from .models.choices import Publicity
from .personnummer import (
    FileTooLargeToCheck,
    block_texts,
    document_findings,
    find_identity_numbers,
    link_targets,
    linked_documents,
    too_large_message,
)

EDIT = "edit"
DECISION_STAGE = "decision"


def _group_ids(groups):
    return {getattr(group, "pk", group) for group in groups or ()}


def _is_public(publicity):
    return publicity == Publicity.PUBLIC


# -- publication: what the public site may show ---------------------------------------------


def public_under_internal_parent(publicity, parent):
    if _is_public(publicity) and getattr(parent, "publicity", None) == Publicity.INTERNAL:
        return {
            "publicity": [
                _(
                    "Dokumentet kan inte vara offentligt när det ligger under det interna "
                    "dokumentet ”%(parent)s”: adressen och sökvägen skulle avslöja det. Gör "
                    "dokumentet internt eller flytta det."
                )
                % {"parent": parent.title}
            ]
        }
    return {}


def links_to_hidden_documents(publicity, body, stage=EDIT):
    if not _is_public(publicity):
        return {}
    from .models.documents import hidden_page_links

    titles = hidden_page_links(block_texts(body))
    if not titles:
        return {}
    if stage == DECISION_STAGE:
        message = _(
            "Dokumentet är markerat som offentligt men länkar till dokument som inte är "
            "offentliga (%(titles)s). Det kan inte fastställas och publiceras på den externa "
            "webbplatsen förrän länkarna är borttagna eller dokumentet är internt."
        )
    else:
        message = _(
            "Texten länkar till dokument som inte är offentliga (%(titles)s). En länk i ett "
            "offentligt dokument skulle avslöja dem på den externa webbplatsen. Ta bort "
            "länkarna, använd en hänvisning till styrdokument (den visas bara för den som får "
            "läsa dokumentet) eller välj publicering Intern."
        )
    return {"body": [message % {"titles": ", ".join(titles)}]}


# Every field of a styrdokument that the public site shows (page, meta description, address),
# in the order the editor shows them.
PUBLIC_TEXT_FIELDS = (
    "title",
    "slug",
    "seo_title",
    "search_description",
    "summary",
    "supersedes_note",
    "contact_name",
    "contact_email",
)


def _field_label(name):
    from .models.documents import Styrdokument

    return capfirst(str(Styrdokument._meta.get_field(name).verbose_name))


def _identity_number_errors(findings, stage):
    """findings: [(where, Finding)]. The editor gets one message per number, naming the field
    and quoting the passage; the approver (who cannot edit) one message, the first number. The
    number itself is masked: the message must not repeat what it refuses to publish."""
    if not findings:
        return {}
    if stage == DECISION_STAGE:
        where, finding = findings[0]
        return {
            "publicity": [
                _(
                    "Dokumentet är markerat som offentligt men innehåller ett %(kind)s "
                    "(%(number)s) i %(where)s. Det kan inte fastställas och publiceras på den "
                    "externa webbplatsen förrän numret är borttaget eller dokumentet är internt."
                )
                % {"kind": finding.kind, "number": finding.masked, "where": where}
            ]
        }
    return {
        "publicity": [
            _(
                "Texten i %(where)s innehåller ett %(kind)s (%(number)s) i avsnittet "
                "”…%(passage)s…”. Ett offentligt dokument publiceras på den externa webbplatsen "
                "och får inte innehålla personnummer eller samordningsnummer. Ta bort numret, "
                "eller välj publicering Intern."
            )
            % {
                "where": where,
                "kind": finding.kind,
                "number": finding.masked,
                "passage": finding.passage,
            }
            for where, finding in findings
        ]
    }


def identity_numbers_in_public_text(
    publicity,
    title,
    summary,
    body,
    slug=None,
    seo_title=None,
    search_description=None,
    supersedes_note=None,
    contact_name=None,
    contact_email=None,
    stage=EDIT,
):
    if not _is_public(publicity):
        return {}
    values = {
        "title": title,
        "slug": slug,
        "seo_title": seo_title,
        "search_description": search_description,
        "summary": summary,
        "supersedes_note": supersedes_note,
        "contact_name": contact_name,
        "contact_email": contact_email,
    }
    findings = []
    for name in PUBLIC_TEXT_FIELDS:
        for finding in find_identity_numbers(values[name] or ""):
            findings.append((_("fältet ”%(field)s”") % {"field": _field_label(name)}, finding))
    source = block_texts(body)
    for finding in find_identity_numbers(f"{source}\n{link_targets(source)}"):
        findings.append((_("fältet ”%(field)s”") % {"field": _field_label("body")}, finding))
    return _identity_number_errors(findings, stage)


def identity_numbers_in_attached_files(publicity, body, stage=EDIT):
    """The files the body links to are published with the page (/dokument/<id>/<name>): their
    names, titles and text (PDF, DOCX, XLSX, TXT) are checked like the page's own fields."""
    if not _is_public(publicity):
        return {}
    findings, unchecked = [], []
    for document in linked_documents(body):
        try:
            shown, found = document_findings(document)
        except FileTooLargeToCheck as exc:
            # A file that cannot be read whole is refused, not published unchecked.
            unchecked.append(too_large_message(exc, document.file.name))
            continue
        where = _("den bifogade filen ”%(name)s”") % {"name": shown}
        findings.extend((where, finding) for finding in found)
    errors = _identity_number_errors(findings, stage)
    if unchecked:
        errors.setdefault("publicity", []).extend(unchecked)
    return errors


def restricted_is_not_public(publicity, restricted_to):
    if _group_ids(restricted_to) and _is_public(publicity):
        return {
            "publicity": [
                _("Ett dokument som är begränsat till vissa grupper kan inte vara offentligt.")
            ]
        }
    return {}


def restricted_like_parent(restricted_to, parent):
    from .models.documents import Styrdokument

    if not isinstance(parent, Styrdokument) or parent.pk is None:
        return {}
    parent_groups = set(parent.restricted_to.values_list("pk", flat=True))
    chosen = _group_ids(restricted_to)
    if parent_groups and not (chosen and chosen <= parent_groups):
        return {
            "restricted_to": [
                _(
                    "Dokumentet ligger under ”%(parent)s”, som bara vissa grupper får läsa. "
                    "Begränsa dokumentet till samma grupper (eller färre)."
                )
                % {"parent": parent.title}
            ]
        }
    return {}


def owner_may_read(restricted_to, responsible):
    """A dokumentansvarig answers for a document they can read: one restricted to groups does
    not exist for anyone outside them (policies.visibility), its owner included."""
    groups = _group_ids(restricted_to)
    if not groups or responsible is None or responsible.is_superuser:
        return {}
    if responsible.groups.filter(pk__in=groups).exists():
        return {}
    name = responsible.get_full_name() or responsible.get_username()
    return {
        "responsible": [
            _(
                "%(name)s är inte medlem i någon av grupperna som dokumentet är begränsat till "
                "och kan därför inte se det. Välj en dokumentansvarig i någon av grupperna, "
                "eller be en administratör lägga till personen i gruppen."
            )
            % {"name": name}
        ]
    }


def internal_without_public_children(publicity, page):
    from .models.documents import Styrdokument

    if publicity != Publicity.INTERNAL or page is None or not page.pk:
        return {}
    public_children = Styrdokument.objects.child_of(page).filter(publicity=Publicity.PUBLIC)
    titles = ", ".join(child.title for child in public_children[:5])
    if not titles:
        return {}
    return {
        "publicity": [
            _(
                "Dokumentet har offentliga underliggande dokument (%(titles)s). Gör dem "
                "interna först."
            )
            % {"titles": titles}
        ]
    }


def submitted_with_workflow(submitting, decision_body):
    if not submitting:
        return {}
    workflow = decision_body.workflow if decision_body is not None else None
    if workflow is None or not workflow.active:
        return {
            "decision_body": [
                _(
                    "Välj ett beslutande organ med ett arbetsflöde innan dokumentet skickas "
                    "in. Organet avgör vem som granskar och beslutar."
                )
            ]
        }
    return {}


def submission_has_approvers(submitting, decision_body, page, submitter):
    """Submitting is refused when a step would wait forever: nobody but the submitter could
    act on it (see governance.workflows.submission_problems)."""
    if not submitting or decision_body is None or submitter is None:
        return {}
    workflow = decision_body.workflow
    if workflow is None or not workflow.active:
        return {}

    submitters = [submitter]
    state = page.current_workflow_state if page is not None and page.pk else None
    if state is not None and state.requested_by is not None:
        submitters.append(state.requested_by)
    # The steps follow the body being submitted to, not the one the stored revision names.
    draft = copy.copy(page)
    draft._styrdok_draft_body = decision_body
    problems = submission_problems(draft, workflow, submitters)
    return {"decision_body": [str(problem) for problem in problems]} if problems else {}


# -- the record: who decided what, and for how long ------------------------------------------


def _type_label(document_type):
    try:
        return str(DocumentType(document_type).label)
    except ValueError:
        return str(document_type)


def body_may_adopt_type(decision_body, document_type):
    if decision_body is None or not document_type or decision_body.may_adopt(document_type):
        return {}
    allowed = ", ".join(b.name for b in DecisionBody.objects.all() if b.may_adopt(document_type))
    return {
        "decision_body": [
            _(
                "%(body)s får inte fastställa en %(type)s. Tillåtna beslutande organ för "
                "dokumenttypen: %(allowed)s."
            )
            % {
                "body": decision_body.name,
                "type": _type_label(document_type).lower(),
                "allowed": allowed or _("inga – ändra under Beslutande organ"),
            }
        ]
    }


def decision_date_not_in_future(decision_date, today):
    if decision_date and decision_date > today:
        return {"decision_date": [_("Beslutsdatum kan inte ligga i framtiden.")]}
    return {}


def valid_from_not_before_decision(decision_date, valid_from):
    if decision_date and valid_from and valid_from < decision_date:
        return {
            "valid_from": [
                _("Giltig från (%(valid_from)s) kan inte vara före beslutsdatum (%(decision)s).")
                % {"valid_from": valid_from, "decision": decision_date}
            ]
        }
    return {}


def valid_until_after_valid_from(valid_from, valid_until):
    if valid_from and valid_until and valid_until <= valid_from:
        return {"valid_until": [_("Gäller till måste vara ett datum efter giltig från.")]}
    return {}


def next_review_after_decision(decision_date, next_review):
    if decision_date and next_review and next_review <= decision_date:
        return {
            "next_review": [
                _("Nästa revision måste ligga efter beslutsdatum (%(decision)s).")
                % {"decision": decision_date}
            ]
        }
    return {}


def later_review_has_reason(
    decision_date, review_interval_months, next_review, next_review_reason, last_reviewed=None
):
    """A review later than the cycle allows needs a reason. The cycle runs from the decision,
    or from the latest aktualitetsprövning after it, which restarts it without a new version
    (revision.review.confirm_unchanged) and so leaves no reason to give."""
    if not (decision_date and review_interval_months and next_review):
        return {}
    if next_review <= decision_date:
        return {}  # next_review_after_decision says what is wrong
    reviewed = bool(last_reviewed and last_reviewed > decision_date)
    derived = add_months(last_reviewed if reviewed else decision_date, review_interval_months)
    if next_review <= derived or (next_review_reason or "").strip():
        return {}
    if reviewed:
        message = _(
            "Nästa revision (%(chosen)s) är senare än den senaste aktualitetsprövningen plus "
            "granskningsintervallet (%(derived)s). Ange skälet till den senare revisionen, "
            "eller välj ett tidigare datum."
        )
    else:
        message = _(
            "Nästa revision (%(chosen)s) är senare än beslutsdatum plus granskningsintervallet "
            "(%(derived)s). Ange skälet till den senare revisionen, eller välj ett tidigare "
            "datum."
        )
    return {"next_review_reason": [message % {"chosen": next_review, "derived": derived}]}


def decided_after_the_latest_version(pk, decision_date, stage=EDIT):
    """A new decision is not dated before the decision on the document's latest adopted version:
    the past dates the decision step accepts are for documents adopted before Styrdok, whose
    first decision is entered through the workflow, not for backdating a new version."""
    if stage != DECISION_STAGE or not (pk and decision_date):
        return {}
    from .models.versions import AdoptedVersion

    latest = (
        AdoptedVersion.objects.filter(document_id=pk, decision_date__isnull=False)
        .order_by("-decision_date")
        .values_list("decision_date", "version")
        .first()
    )
    if latest is None or decision_date >= latest[0]:
        return {}
    return {
        "decision_date": [
            _(
                "Beslutsdatum (%(date)s) kan inte ligga före beslutet om dokumentets senast "
                "fastställda version %(version)s (%(previous)s). Ett nytt beslut dateras samma "
                "dag eller senare än det beslut det ersätter."
            )
            % {"date": decision_date, "version": latest[1], "previous": latest[0]}
        ]
    }


def does_not_supersede_itself(pk, supersedes_id):
    if pk and supersedes_id and supersedes_id == pk:
        return {"supersedes": [_("Ett dokument kan inte ersätta sig självt.")]}
    return {}


RULES = {
    rule.__name__: rule
    for rule in (
        public_under_internal_parent,
        links_to_hidden_documents,
        identity_numbers_in_public_text,
        identity_numbers_in_attached_files,
        submitted_with_workflow,
        submission_has_approvers,
        restricted_is_not_public,
        restricted_like_parent,
        owner_may_read,
        internal_without_public_children,
        body_may_adopt_type,
        decision_date_not_in_future,
        valid_from_not_before_decision,
        valid_until_after_valid_from,
        next_review_after_decision,
        later_review_has_reason,
        does_not_supersede_itself,
        decided_after_the_latest_version,
    )
}

# What the editor checks on top of the record rules (which the form gets from the model).
EDITOR = (
    "public_under_internal_parent",
    "links_to_hidden_documents",
    "identity_numbers_in_public_text",
    "identity_numbers_in_attached_files",
    "submitted_with_workflow",
    "submission_has_approvers",
    "restricted_is_not_public",
    "restricted_like_parent",
    "owner_may_read",
    "internal_without_public_children",
)
RECORD = (
    "body_may_adopt_type",
    "decision_date_not_in_future",
    "valid_from_not_before_decision",
    "valid_until_after_valid_from",
    "next_review_after_decision",
    "later_review_has_reason",
    "does_not_supersede_itself",
)
# Checked on the draft at the moment of decision: nothing unfit for the public site is
# published, and only a body entitled to adopt the type decides it.
DECISION = (
    "identity_numbers_in_public_text",
    "identity_numbers_in_attached_files",
    "links_to_hidden_documents",
    "body_may_adopt_type",
    "decided_after_the_latest_version",
)


@cache
def _parameters(name):
    return tuple(inspect.signature(RULES[name]).parameters.values())


def check(names, values):
    """Run the named rules on `values` and merge what they say, field by field, in order.

    A rule gets only the values it declares; one it declares without a default and `values`
    lacks is passed None.
    """
    errors = {}
    for name in names:
        kwargs = {}
        for parameter in _parameters(name):
            if parameter.name in values:
                value = values[parameter.name]
                if isinstance(value, Lazy):
                    value = values[parameter.name] = value.get()
                kwargs[parameter.name] = value
            elif parameter.default is inspect.Parameter.empty:
                kwargs[parameter.name] = None
        for field, messages in RULES[name](**kwargs).items():
            errors.setdefault(field, []).extend(messages)
    return errors


class Lazy:
    """A value only some rules need and that costs a query: computed when a rule asks."""

    def __init__(self, compute):
        self.get = compute


def _parent_of(page):
    parent = page.get_parent() if page.path else None
    return parent.specific if parent is not None else None


PAGE_FIELDS = (
    "title",
    "summary",
    "body",
    "publicity",
    "document_type",
    "decision_date",
    "valid_from",
    "valid_until",
    "review_interval_months",
    "next_review",
    "next_review_reason",
    # Set by the aktualitetsprövning, never by the editor: the review cycle runs from it.
    "last_reviewed",
    # Shown on the public site too: checked by identity_numbers_in_public_text.
    "slug",
    "seo_title",
    "search_description",
    "supersedes_note",
    "contact_name",
    "contact_email",
)

# What the editor form supplies from its cleaned data.
FORM_FIELDS = (*PAGE_FIELDS, "decision_body", "restricted_to", "responsible")


def values_of(page, **overrides):
    """The values the rules read, taken from a (possibly unsaved) page; overrides win."""
    values = {name: getattr(page, name, None) for name in PAGE_FIELDS}
    values.update(
        page=page,
        pk=page.pk,
        decision_body=page.decision_body if page.decision_body_id else None,
        responsible=page.responsible if page.responsible_id else None,
        supersedes_id=page.supersedes_id,
        today=timezone.localdate(),
        stage=EDIT,
    )
    values["parent"] = Lazy(lambda: _parent_of(page))
    values["restricted_to"] = Lazy(lambda: list(page.restricted_to.all()))
    values.update(overrides)
    return values


def refuse_unfit_decision(page, body, decision_date=None):
    """Raise ValidationError (Swedish messages) if `body` may not adopt this draft as it is,
    on `decision_date` (the date the decision step records)."""
    values = values_of(page, decision_body=body, stage=DECISION_STAGE)
    if decision_date is not None:
        values["decision_date"] = decision_date
    errors = check(DECISION, values)
    if errors:
        raise ValidationError([message for messages in errors.values() for message in messages])


IDENTITY_NUMBER_RULES = ("identity_numbers_in_public_text", "identity_numbers_in_attached_files")


def refuse_identity_numbers(page):
    """Raise ValidationError if a public page holds an identity number (in a field or an attached
    file): for paths that publish without the decision step, such as a registered earlier
    decision (policies.decisions.register_existing_decision) run from an import or the shell."""
    errors = check(IDENTITY_NUMBER_RULES, values_of(page, stage=DECISION_STAGE))
    if errors:
        raise ValidationError([message for messages in errors.values() for message in messages])
