"""The decision record: what makes a revision of a styrdokument publishable, and version labels.

A styrdokument is in force only because the body entitled to decide it has decided. The proof is
the "governance.decided" audit entry the workflow's decision step writes for the decided
revision; the model layer (Styrdokument.save/publish) asks this module before anything goes live,
so every route obeys: the editor, Wagtail's workflow and bulk actions, scheduled publishing and
the shell.
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import PageLogEntry, TaskState


class DecisionRequired(PermissionDenied):
    """Publishing, unpublishing or deleting a styrdokument without the decision that allows it.

    A PermissionDenied, so a request that reaches it gets a 403 with the Swedish reason rather
    than a server error (the permission tester normally refuses before that).
    """


DECIDED = "governance.decided"
ADOPTED_OUTCOME = "beslutad"

NOT_DECIDED_MESSAGE = _(
    "Ett styrdokument publiceras bara genom ett registrerat beslut: skicka dokumentet till "
    "arbetsflödet för dess beslutande organ. Den här versionen har inget beslut."
)
NOT_REPEALED_MESSAGE = _(
    "Ett fastställt styrdokument avpubliceras bara genom ett registrerat beslut om upphävande. "
    "Använd ”Föreslå upphävande” på dokumentet."
)
NOT_DELETABLE_MESSAGE = _(
    "Dokumentet har fastställda versioner (eller ligger över dokument som har det) och kan inte "
    "raderas: de är allmänna handlingar som ska bevaras. Ett gällande dokument upphävs genom "
    "beslut med ”Föreslå upphävande”."
)


def decision_entries(page_id, revision_id):
    """The adopting decisions recorded for exactly this revision. A repeal run's decision is
    logged with `repeal: true` (governance.workflows.decision_subject): it adopts the repeal,
    not the text, so it never makes a revision publishable."""
    if not page_id or not revision_id:
        return []
    return [
        entry
        for entry in PageLogEntry.objects.filter(
            page_id=page_id, revision_id=revision_id, action=DECIDED
        )
        if isinstance(entry.data, dict)
        and entry.data.get("outcome") == ADOPTED_OUTCOME
        and not entry.data.get("is_proposal")
        and not entry.data.get("repeal")
    ]


def is_decided_revision(page_id, revision_id):
    return bool(decision_entries(page_id, revision_id))


def may_go_live(page_id, revision_id):
    """A decided revision goes live once: republishing an earlier decided revision (a revert,
    "publish this version") would be a new adoption that nobody decided."""
    from .models import AdoptedVersion

    if not is_decided_revision(page_id, revision_id):
        return False
    return not AdoptedVersion.objects.filter(document_id=page_id, revision_id=revision_id).exists()


# -- version labels ------------------------------------------------------------------------

LABEL = re.compile(r"^\d+(\.\d+)*$")


def _parts(label):
    return tuple(int(part) for part in label.split(".")) if LABEL.match(label or "") else ()


def next_free_label(label, used):
    """`label` if no earlier adopted version of the document carries it; otherwise the next free
    minor number after the highest adopted version (2.1 taken -> 2.2)."""
    used = set(used)
    if label and label not in used:
        return label
    highest = max((_parts(u) for u in used if _parts(u)), default=(1, 0))
    major, minor = highest[0], (highest[1] if len(highest) > 1 else 0)
    candidate = f"{major}.{minor + 1}"
    while candidate in used:
        minor += 1
        candidate = f"{major}.{minor + 1}"
    return candidate


def used_labels(document_id):
    from .models import AdoptedVersion

    if not document_id:
        return set()
    return set(
        AdoptedVersion.objects.filter(document_id=document_id).values_list("version", flat=True)
    )


def assign_version_label(page):
    """Give the page a label no earlier adopted version of it has; returns the label."""
    page.version = next_free_label(page.version, used_labels(page.pk))
    return page.version


# -- decisions taken before Styrdok -----------------------------------------------------------


@transaction.atomic
def register_existing_decision(
    page,
    *,
    body,
    decision_date,
    diarienummer,
    paragraph=None,
    user=None,
    comment="",
    clean=True,
    editorial_change=False,
):
    """Enter a decision the body took before the kommun used Styrdok, and publish its text.

    As the decision step does: the decision fields go onto a new revision, the decision is logged
    as governance.decided for that revision, and only then is the revision published. Used by the
    demo loader and the tests; the README's way for an administrator is the workflow itself.
    """
    page.decision_body = body
    page.decision_date = decision_date
    page.diarienummer = diarienummer
    page.protocol_paragraph = paragraph
    assign_version_label(page)
    if clean:
        page.full_clean()
    # The personnummer guard holds here as at the decision step (Styrdokument.prepare_decision).
    from .rules import refuse_identity_numbers

    refuse_identity_numbers(page)
    revision = page.save_revision(user=user, log_action=False, clean=False)
    log(
        instance=page,
        action=DECIDED,
        user=user,
        revision=revision,
        data={
            "action": DECIDED,
            "body": body.name,
            "body_id": body.pk,
            "outcome": ADOPTED_OUTCOME,
            "decision_date": decision_date.isoformat(),
            "diarienummer": page.diarienummer,
            "paragraph": paragraph,
            "version": page.version,
            "comment": comment,
            "registered_afterwards": True,
            # "Kräver inte ny kvittens": copied onto the adopted version (signal_handlers).
            **({"editorial_change": True} if editorial_change and page.live else {}),
        },
    )
    revision.publish(user=user, skip_permission_checks=True)
    return revision


def decided_as_editorial(page_id, revision):
    """Whether the decision that adopted `revision` marked it "kräver inte ny kvittens" (the
    decision step logs the choice with the revision it decided)."""
    if revision is None:
        return False
    data = (
        PageLogEntry.objects.filter(page_id=page_id, revision=revision, action=DECIDED)
        .order_by("-timestamp", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    return bool(isinstance(data, dict) and data.get("editorial_change"))


def run_decision_entry(workflow_state):
    """The latest governance.decided entry written by a step of this run (None if none)."""
    task_state_ids = set(
        TaskState.objects.filter(workflow_state=workflow_state).values_list("pk", flat=True)
    )
    entries = PageLogEntry.objects.filter(
        page_id=workflow_state.object_id, action=DECIDED
    ).order_by("-timestamp", "-pk")
    for entry in entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        if (
            data.get("task_state_id") in task_state_ids
            and data.get("outcome") == ADOPTED_OUTCOME
            and not data.get("is_proposal")
        ):
            return entry
    return None
