"""Repeal (upphävande) of an adopted styrdokument: a decision like any other.

A proposal starts the decision workflow of the document's body; the body's final decision step
records organ, date, § and dnr as usual (governance.workflows), and the workflow's finish action
(governance.finish) then calls execute_repeal instead of publishing. Nothing else takes an
adopted document off the register: Styrdokument.save() refuses it.

One operation per function: check, propose, execute, log, notify.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import WorkflowState

from governance.notifications import (
    admin_url,
    display_name,
    document_context,
    intranet_url,
    send_notification,
    unique_recipients,
)

from .decisions import run_decision_entry

PROPOSED = "governance.repeal_proposed"
REPEALED = "governance.repealed"


def is_repeal_run(workflow_state_id):
    from .models.versions import RepealProposal

    return (
        bool(workflow_state_id)
        and RepealProposal.objects.filter(workflow_state_id=workflow_state_id).exists()
    )


def current_version(page):
    return page.adopted_versions.filter(
        superseded_at__isnull=True, repealed_at__isnull=True
    ).first()


def check_proposal(page, user):
    """Why `user` may not propose repealing `page` now: a list of Swedish messages (empty: may).

    Raises PermissionDenied for someone without the permission at all.
    """
    if not (user.is_active and user.has_perm("governance.propose_repeal")):
        raise PermissionDenied(_("Du har inte behörighet att föreslå upphävande."))
    problems = []
    if not page.live or current_version(page) is None:
        problems.append(_("Dokumentet är inte gällande och kan därför inte upphävas."))
    elif page.is_in_workflow:
        problems.append(
            _(
                "Dokumentet är redan i ett beslutsärende. Vänta tills ärendet är avslutat innan "
                "du föreslår upphävande."
            )
        )
    elif page.get_workflow() is None:
        problems.append(
            _(
                "Dokumentets beslutande organ (%(body)s) har inget aktivt arbetsflöde. Be en "
                "administratör ange organets arbetsflöde."
            )
            % {"body": page.decision_body_name or "–"}
        )
    return problems


@transaction.atomic
def propose_repeal(page, user, reason):
    """Start the body's decision workflow for repealing `page`; returns the RepealProposal.

    The run carries a revision equal to the adopted text (no content changes): the body decides
    on the document as it is in force, not on a draft someone may be working on.
    """
    from .models import Styrdokument
    from .models.versions import RepealProposal

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv en motivering till förslaget om upphävande.")})
    # The row lock serialises two proposals for the same document.
    locked = Styrdokument.objects.select_for_update().filter(pk=page.pk).first()
    if locked is None:
        raise ValidationError(_("Dokumentet finns inte längre."))
    page = locked.specific
    problems = check_proposal(page, user)
    if problems:
        raise ValidationError(problems)
    in_force = page.live_revision.as_object() if page.live_revision_id else page
    in_force.save_revision(user=user, changed=False, log_action=False, clean=False)
    workflow = page.get_workflow()
    workflow_state = workflow.start(in_force, user)
    proposal = RepealProposal.objects.create(
        document=page, workflow_state=workflow_state, proposed_by=user, reason=reason
    )
    log_proposal(page, user, proposal)
    return proposal


def log_proposal(page, user, proposal):
    return log(
        instance=page,
        action=PROPOSED,
        user=user,
        revision=page.get_latest_revision(),
        data={
            "action": PROPOSED,
            "workflow": proposal.workflow_state.workflow.name,
            "body": page.decision_body_name,
            "comment": proposal.reason,
            "repeal_proposal_id": proposal.pk,
        },
    )


@transaction.atomic
def execute_repeal(workflow_state, user=None):
    """The body decided to repeal: take the document off the register and mark its version.

    Called by the workflow's finish action once the final decision step has recorded the
    decision; idempotent, so a second call for the same run changes nothing.
    """
    from .models import Styrdokument
    from .models.versions import RepealProposal

    proposal = RepealProposal.objects.select_for_update().get(workflow_state=workflow_state)
    if proposal.decided_at is not None:
        return proposal
    entry = run_decision_entry(workflow_state)
    if entry is None:
        raise PermissionDenied(
            _("Upphävandet har inget registrerat beslut och har inte genomförts.")
        )
    data = entry.data
    page = Styrdokument.objects.get(pk=proposal.document_id).specific
    paragraph = data.get("paragraph")
    decision = {
        "body_name": data.get("body") or "",
        "date": parse_date(data.get("decision_date") or "") if data.get("decision_date") else None,
        "paragraph": int(paragraph) if paragraph not in (None, "") else None,
        "diarienummer": data.get("diarienummer") or "",
    }
    now = timezone.now()
    version = apply_repeal(page, user, decision, authority=entry, now=now)
    proposal.decision_body_name = decision["body_name"]
    proposal.decision_date = decision["date"]
    proposal.protocol_paragraph = decision["paragraph"]
    proposal.diarienummer = decision["diarienummer"]
    proposal.decided_at = now
    proposal.save()
    log_repeal(page, user, proposal, version, entry)
    notify_repeal(workflow_state.pk, proposal.pk, user)
    return proposal


def apply_repeal(page, user, decision, *, authority, now=None):
    """Unpublish `page` and mark its current version repealed by `decision`; returns the version.

    `authority` is the audit entry that records the repeal decision; only with it does the model
    let an adopted document go off the register.
    """
    now = now or timezone.now()
    page._styrdok_repeal_decision = authority
    UnpublishPageAction(page, user=user, log_action=False, include_descendants=False).execute(
        skip_permission_checks=True
    )
    version = current_version(page)
    if version is not None:
        version.repealed_at = now
        version.repeal_body_name = decision["body_name"]
        version.repeal_date = decision["date"]
        version.repeal_paragraph = decision["paragraph"]
        version.repeal_diarienummer = decision["diarienummer"]
        version.save(
            update_fields=[
                "repealed_at",
                "repeal_body_name",
                "repeal_date",
                "repeal_paragraph",
                "repeal_diarienummer",
            ]
        )
    return version


@transaction.atomic
def register_existing_repeal(
    page, *, body, decision_date, diarienummer, paragraph=None, user=None, reason=""
):
    """Enter a repeal the body decided before the kommun used Styrdok (as
    policies.decisions.register_existing_decision does for adoptions)."""
    version = current_version(page)
    entry = log(
        instance=page,
        action=REPEALED,
        user=user,
        revision=page.live_revision,
        data={
            "action": REPEALED,
            "body": body.name,
            "body_id": body.pk,
            "decision_date": decision_date.isoformat(),
            "paragraph": paragraph,
            "diarienummer": diarienummer,
            "version": version.version if version else "",
            "comment": reason,
            "registered_afterwards": True,
        },
    )
    decision = {
        "body_name": body.name,
        "date": decision_date,
        "paragraph": paragraph,
        "diarienummer": diarienummer,
    }
    return apply_repeal(page, user, decision, authority=entry)


def log_repeal(page, user, proposal, version, entry):
    return log(
        instance=page,
        action=REPEALED,
        user=user,
        revision=entry.revision,
        data={
            "action": REPEALED,
            "body": proposal.decision_body_name,
            "body_id": entry.data.get("body_id"),
            "decision_date": proposal.decision_date.isoformat() if proposal.decision_date else "",
            "paragraph": proposal.protocol_paragraph,
            "diarienummer": proposal.diarienummer,
            "version": version.version if version else "",
            "comment": proposal.reason,
            "task_state_id": entry.data.get("task_state_id"),
            "repeal_proposal_id": proposal.pk,
        },
    )


def notify_repeal(workflow_state_id, proposal_id, user=None):
    """Tell the submitter and the dokumentansvarig; nobody is mailed about their own action."""
    from .models.versions import RepealProposal

    workflow_state = WorkflowState.objects.get(pk=workflow_state_id)
    proposal = RepealProposal.objects.select_related("document").get(pk=proposal_id)
    context = document_context(workflow_state)
    page = context["page"]
    context.update(
        {
            "proposal": proposal,
            "actor_name": display_name(user),
            "version_url": "",
        }
    )
    version = (
        page.adopted_versions.filter(repealed_at__isnull=False).order_by("-repealed_at").first()
    )
    if version is not None:
        context["version_url"] = admin_url(version.get_absolute_url())
    context.setdefault("document_url", intranet_url(page))
    recipients = unique_recipients([workflow_state.requested_by, page.responsible], exclude=[user])
    return send_notification("repealed", recipients, context)
