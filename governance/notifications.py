"""Swedish email notifications at every workflow transition.

Who hears what follows the decision process: the next step's approvers when a document reaches
their step; the submitter and the dokumentansvarig when a step is approved (with the comment), when
the document is returned or refused at any step, and when it is finally decided. Nobody is mailed
about their own action.
"""

import logging

from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.log_actions import log

from .links import admin_absolute_url, intranet_page_url
from .models import StyrdokSettings
from .outbox import queue
from .workflows import StyrdokTaskMixin, may_see

logger = logging.getLogger(__name__)

TRANSITION_TEMPLATES = {
    "governance.step_approved": "step_approved",
    "governance.step_returned": "returned",
    "governance.proposed": "proposed",
    "governance.decided": "step_approved",
    "governance.returned": "returned",
    "governance.refused": "refused",
}


def display_name(user):
    """The person's name on one line. A name is typed in the account settings, the user admin
    or comes from the IdP, and a line break in it ended the calendar feed's NAME line (a bare
    carriage return let the rest become properties and events of their own; a line feed made
    the feed fail) and started a line of its own in the e-mails."""
    if user is None:
        return ""
    return " ".join((user.get_full_name() or user.get_username()).split())


def admin_url(path):
    """Absolute admin address on the intranet's Wagtail Site (governance/links.py)."""
    return admin_absolute_url(path)


def intranet_url(page):
    """The document's address on the intranet, from the intranet's Wagtail Site."""
    return intranet_page_url(page)


def unique_recipients(users, exclude=()):
    excluded = {user.pk for user in exclude if user is not None}
    seen = set()
    recipients = []
    for user in users:
        if user is None or not user.is_active or not user.email:
            continue
        if user.pk in excluded or user.pk in seen:
            continue
        seen.add(user.pk)
        recipients.append(user)
    return recipients


def readers_of(recipients, documents):
    """The recipients who may know of every one of `documents` (the stored document and the
    draft a message names): a document restricted to groups exists only for their members, so
    nobody else is told its title, whether they approve a step, submitted the run or own it."""
    documents = [document for document in documents if document is not None]
    return [
        recipient
        for recipient in recipients
        if all(may_see(document, recipient) for document in documents)
    ]


def send_notification(template, recipients, context):
    """One message per recipient, recorded in the outbox in the caller's transaction.

    Nothing leaves before the transition commits (governance.outbox delivers the rows after
    commit and retries failures), so a rolled-back decision never announces itself. Only
    recipients who may see the document (and its draft) are mailed (readers_of). Returns the
    number of messages recorded.
    """
    sent = 0
    for recipient in readers_of(recipients, [context.get("page"), context.get("draft")]):
        message_context = {
            **context,
            "recipient": recipient,
            "recipient_name": display_name(recipient),
        }
        subject = " ".join(
            render_to_string(f"governance/emails/{template}_subject.txt", message_context).split()
        )
        body = render_to_string(f"governance/emails/{template}.txt", message_context)
        queue(
            recipient.email,
            subject,
            body,
            kind=template,
            recipient=recipient,
            page=context.get("page"),
        )
        sent += 1
    return sent


def document_context(workflow_state, task_state=None):
    page = workflow_state.content_object.specific
    draft = page.get_latest_revision_as_object()
    context = {
        "page": page,
        "draft": draft,
        "document_title": draft.title,
        "document_type": draft.document_type_label,
        "workflow_name": workflow_state.workflow.name,
        "submitter_name": display_name(workflow_state.requested_by),
        "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
        "kommun_name": _kommun_name(),
    }
    if task_state is not None:
        context["task_name"] = task_state.task.name
        context["task_url"] = admin_url(reverse("styrdok_cases:case", args=[task_state.pk]))
    return context


def _kommun_name():
    return StyrdokSettings.load().kommun_name


def log_submission(sender, instance, user=None, **kwargs):
    """Every run starts the decision history with who submitted it and to which workflow."""
    page = instance.content_object.specific
    if not hasattr(page, "decision_body"):
        return
    draft = page.get_latest_revision_as_object()
    log(
        instance=page,
        action="governance.submitted",
        user=user,
        data={
            "action": "governance.submitted",
            "workflow": instance.workflow.name,
            "body": draft.decision_body.name if draft.decision_body_id else "",
        },
        revision=page.get_latest_revision(),
    )


def notify_task_approvers(sender, instance, user=None, **kwargs):
    """A document reached a step: tell the people who act on it."""
    task = instance.task.specific
    if not isinstance(task, StyrdokTaskMixin):
        return
    workflow_state = instance.workflow_state
    page = workflow_state.content_object
    approvers = unique_recipients(
        task.approvers_for(page), exclude=[user, workflow_state.requested_by]
    )
    context = document_context(workflow_state, instance)
    context["actor_name"] = display_name(user)
    send_notification("task_waiting", approvers, context)


def notify_transition(sender, task_state, workflow_state, user, data, final, **kwargs):
    """A step had an outcome: tell the submitter and the dokumentansvarig."""
    if final and data.get("repeal"):
        return  # the repeal's own message goes out when it is executed (policies.repeal)
    template = "decided" if final else TRANSITION_TEMPLATES.get(data.get("action"))
    if template is None:
        return
    context = document_context(workflow_state, task_state)
    draft = context["draft"]
    next_task = (
        workflow_state.current_task_state if workflow_state.status == "in_progress" else None
    )
    context.update(
        {
            "actor_name": display_name(user),
            "data": data,
            "comment": data.get("comment", ""),
            "next_task_name": next_task.task.name if next_task else "",
            "document_url": intranet_url(context["page"]) if final else "",
        }
    )
    recipients = unique_recipients([workflow_state.requested_by, draft.responsible], exclude=[user])
    send_notification(template, recipients, context)
