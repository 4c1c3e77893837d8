"""The review cycle's actions on one document: start a revision, confirm it unchanged
(aktualitetsprövning) and flag it when the document above it is adopted in a new version.

Each action is atomic, leaves a governance.* entry in the audit log (and so in the decision
history) and sends revision.signals.review_transition.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import PageLogEntry

from governance.constants import BodyKind
from governance.fields import clean_diarienummer
from governance.workflows import RecordedDecisionTask
from policies.dates import add_months
from policies.models import Styrdokument

from . import signals
from .reminders import ReminderRun

logger = logging.getLogger(__name__)


def bump_version(version):
    """The suggested number of the next version: 1.0 -> 1.1, 2 -> 2.1, 2.1.3 -> 2.1.4."""
    parts = (version or "1.0").split(".")
    if len(parts) == 1:
        return f"{parts[0]}.1"
    try:
        parts[-1] = str(int(parts[-1]) + 1)
    except ValueError:
        return version
    return ".".join(parts)


def _send(page, user, action, data):
    signals.review_transition.send(
        sender=type(page), page=page, user=user, action=action, data=data
    )


def _live_document(page):
    return Styrdokument.objects.select_related("decision_body", "responsible").get(pk=page.pk)


# -- Påbörja revision --------------------------------------------------------------------------


def revision_blocker(page):
    """Why a revision cannot be started now, or None."""
    if not page.live:
        return _("Dokumentet är inte beslutat och publicerat; det finns inget att revidera.")
    if page.is_in_workflow:
        return _(
            "Dokumentet är redan under revision: ett utkast är inskickat för granskning och beslut."
        )
    return None


def can_start_revision(user, page):
    return page.permissions_for_user(user).can_edit()


@transaction.atomic
def start_revision(page, user):
    """Create a draft of the next version from the adopted text, ready to edit and submit.

    An unsubmitted draft that already exists is kept as it is (nobody's work is overwritten);
    returns (revision, created).
    """
    page = _live_document(page).specific
    if not can_start_revision(user, page):
        raise PermissionDenied(_("Du får inte revidera det här dokumentet."))
    blocker = revision_blocker(page)
    if blocker:
        raise ValidationError(blocker)
    if page.has_unpublished_changes and page.latest_revision_id != page.live_revision_id:
        return page.latest_revision, False
    previous_version = page.version
    page.version = bump_version(page.version)
    revision = page.save_revision(user=user, log_action=False, clean=False)
    data = {
        "action": "governance.revision_started",
        "version": page.version,
        "previous_version": previous_version,
        "due_date": page.next_review.isoformat() if page.next_review else "",
        "comment": _("Utkast till version %(version)s (ersätter %(previous)s).")
        % {"version": page.version, "previous": previous_version},
    }
    log(
        instance=page, action="governance.revision_started", user=user, data=data, revision=revision
    )
    _send(page, user, "governance.revision_started", data)
    return revision, True


# -- Granskad utan ändringar (aktualitetsprövning) -------------------------------------------


def review_bodies(page):
    """The deciding body and its delegate: who may confirm that the document is still valid."""
    body = page.decision_body if page.decision_body_id else None
    if body is None:
        return []
    bodies = [body]
    if body.review_delegate_id and body.review_delegate_id != body.pk:
        bodies.append(body.review_delegate)
    return bodies


def records_decisions_of(user, body):
    """Whether the user is among those who record the assembly's decisions in its workflows.

    The recording step names its groups by key, so renaming a group changes nothing. Without
    any recording step for the body, the permission alone decides.
    """
    steps = RecordedDecisionTask.objects.filter(decision_body=body, active=True)
    if not steps.exists():
        return True
    return steps.filter(groups__in=user.groups.all()).exists()


def user_may_confirm_for(user, body):
    """Officials confirm for themselves; an assembly's review is recorded by whoever records
    its decisions (the nämndsekreterare). Both need the permission to record a review."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("governance.record_review"):
        return False
    if body.kind == BodyKind.OFFICIAL:
        # The deputy acts in the official's stead here as in the decision steps.
        return user.pk in (body.official_id, body.deputy_id)
    return records_decisions_of(user, body)


def confirmable_bodies(user, page):
    return [body for body in review_bodies(page) if user_may_confirm_for(user, body)]


def confirm_options(user, page):
    """The bodies `user` may confirm `page` unchanged for today, and why not when they may not
    (a Swedish message, or None): the review page and Mina dokument refuse alike."""
    bodies = confirmable_bodies(user, page)
    if not bodies:
        return bodies, _(
            "Bara det beslutande organet (%(body)s) eller den som har delegation kan "
            "pröva dokumentet som granskat utan ändringar."
        ) % {"body": page.decision_body_name or "–"}
    return bodies, confirm_blocker(page)


def confirm_blocker(page):
    if not page.live or not page.decision_date:
        return _("Bara ett beslutat och publicerat dokument kan aktualitetsprövas.")
    if page.is_in_workflow:
        return _(
            "Dokumentet är under revision. Avsluta eller avbryt arbetsflödet innan det "
            "aktualitetsprövas."
        )
    return None


def _already_reviewed(page, body, decision_date):
    """Whether this body's prövning on this date is the one the document already records."""
    if page.last_reviewed != decision_date:
        return False
    return PageLogEntry.objects.filter(
        page_id=page.pk,
        action="governance.reviewed",
        data__body=body.name,
        data__decision_date=decision_date.isoformat(),
    ).exists()


@transaction.atomic
def confirm_unchanged(
    page, user, *, body, decision_date, paragraph=None, diarienummer="", comment=""
):
    """Record that the document is still valid: resets nästa revision, keeps the version.

    The document's row is locked first, so a double click or a replayed form records the
    prövning once: the second finds it already recorded and changes nothing.
    """
    Styrdokument.objects.select_for_update().filter(pk=page.pk).values_list("pk").first()
    page = _live_document(page)
    blocker = confirm_blocker(page)
    if blocker:
        raise ValidationError(blocker)
    if _already_reviewed(page, body, decision_date):
        raise ValidationError(
            _("”%(title)s” är redan aktualitetsprövad %(date)s av %(body)s. Inget har ändrats.")
            % {"title": page.title, "date": decision_date.isoformat(), "body": body.name}
        )
    if body not in review_bodies(page) or not user_may_confirm_for(user, body):
        raise PermissionDenied(
            _("Du får inte aktualitetspröva dokumentet för %(body)s.") % {"body": body.name}
        )
    if decision_date > timezone.localdate():
        raise ValidationError(_("Datumet för prövningen kan inte ligga i framtiden."))
    if page.decision_date and decision_date < page.decision_date:
        raise ValidationError(
            _("Prövningen kan inte vara före dokumentets beslutsdatum (%(date)s).")
            % {"date": page.decision_date.isoformat()}
        )
    if diarienummer:
        diarienummer = clean_diarienummer(diarienummer)
    previous_due = page.next_review
    next_review = add_months(decision_date, page.review_interval_months or 12)
    Styrdokument.objects.filter(pk=page.pk).update(
        next_review=next_review,
        next_review_reason="",
        last_reviewed=decision_date,
        review_flagged_at=None,
        review_flag_note="",
    )
    # The adopted text is unchanged, so no new revision: the revisions that hold the live
    # content (and an unchanged latest one) get the new date, so that editing or republishing
    # them later keeps it.
    for revision in {page.live_revision, page.latest_revision} - {None}:
        content = dict(revision.content)
        content["next_review"] = next_review.isoformat()
        content["next_review_reason"] = ""
        revision.content = content
        revision.save(update_fields=["content"])
    page.refresh_from_db()
    text = _("Nästa revision senast %(date)s.") % {"date": next_review.isoformat()}
    data = {
        "action": "governance.reviewed",
        "body": body.name,
        "decision_date": decision_date.isoformat(),
        "paragraph": paragraph,
        "diarienummer": diarienummer,
        "comment": f"{comment}\n{text}".strip() if comment else text,
        "next_review": next_review.isoformat(),
        "previous_due": previous_due.isoformat() if previous_due else "",
        "version": page.version,
    }
    log(instance=page.specific, action="governance.reviewed", user=user, data=data)
    _send(page, user, "governance.reviewed", data)
    return page


# -- Översyn behövs ----------------------------------------------------------------------------


@transaction.atomic
def confirmed_message(document):
    """What the owner is told after an aktualitetsprövning, wherever they recorded it."""
    return _(
        "”%(title)s” är granskad utan ändringar. Version %(version)s gäller vidare; nästa "
        "revision senast %(date)s."
    ) % {
        "title": document.title,
        "version": document.version,
        "date": document.next_review.isoformat(),
    }


def flag_children(parent, adopted_version):
    """A parent adopted in a new version: its live child documents need an overview."""
    children = list(Styrdokument.objects.child_of(parent).live())
    if not children:
        return []
    now = timezone.now()
    note = _(
        "Översyn behövs: överordnat dokument har ändrats "
        "(%(title)s, version %(version)s, %(date)s)."
    ) % {
        "title": parent.title,
        "version": adopted_version.version,
        "date": adopted_version.decision_date.isoformat()
        if isinstance(adopted_version.decision_date, datetime.date)
        else "",
    }
    note = note[:255]
    Styrdokument.objects.filter(pk__in=[c.pk for c in children]).update(
        review_flagged_at=now, review_flag_note=note
    )
    data = {
        "action": "governance.review_flagged",
        "parent": parent.title,
        "parent_id": parent.pk,
        "parent_version": adopted_version.version,
        "comment": note,
    }
    for child in children:
        child.review_flagged_at = now
        child.review_flag_note = note
        log(instance=child.specific, action="governance.review_flagged", user=None, data=data)
        _send(child, None, "governance.review_flagged", data)
    ids = [child.pk for child in children]
    transaction.on_commit(lambda: notify_flagged(ids))
    return children


def notify_flagged(document_ids):
    """Tell the owners at once; what cannot be delivered now is retried by the daily run."""
    try:
        ReminderRun(document_ids=document_ids, kinds={"oversyn"}).execute()
    except Exception:  # noqa: BLE001 - the adoption stands; the daily run retries
        logger.exception("Could not notify owners of flagged documents %s", document_ids)


def reset_after_new_version(page):
    """A new version answers an earlier "Översyn behövs", and its decision supersedes any
    earlier aktualitetsprövning."""
    Styrdokument.objects.filter(pk=page.pk).update(
        review_flagged_at=None, review_flag_note="", last_reviewed=None
    )
    page.review_flagged_at = None
    page.review_flag_note = ""
    page.last_reviewed = None
