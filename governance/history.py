"""Beslutshistorik: each decision and step outcome, read back from Wagtail's audit log."""

from dataclasses import dataclass

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageLogEntry

# governance.* audit actions: (label, past-tense message)
ACTIONS = {
    "governance.submitted": (_("Inskickat"), _("Inskickat för granskning och beslut")),
    "governance.step_approved": (_("Steg godkänt"), _("Godkänt")),
    "governance.step_returned": (_("Ändringar begärda"), _("Återremitterat till redaktören")),
    "governance.decided": (_("Beslut"), _("Beslutad")),
    "governance.proposed": (_("Förslag till beslut"), _("Föreslaget")),
    "governance.returned": (_("Återremiss"), _("Återremitterad")),
    "governance.refused": (_("Avslag"), _("Avslagen")),
    "governance.reviewed": (_("Aktualitetsprövning"), _("Granskad utan ändringar")),
    "governance.revision_started": (_("Revision påbörjad"), _("Ett utkast till ny version skapat")),
    "governance.review_flagged": (
        _("Översyn behövs"),
        _("Överordnat dokument har ändrats"),
    ),
}


# Wagtail's own entry for a resubmission after återremiss belongs in the history too.
WAGTAIL_ACTIONS = {
    "wagtail.workflow.resume": (_("Inskickat igen"), _("Inskickat igen efter ändringar")),
}
HISTORY_ACTIONS = {**ACTIONS, **WAGTAIL_ACTIONS}


@dataclass
class HistoryRow:
    timestamp: object
    action: str
    label: str
    outcome: str
    actor: str
    step: str
    decision_date: object
    paragraph: object
    diarienummer: str
    comment: str
    protocol_reference: str
    protocol_url: str

    @property
    def is_decision(self):
        return self.action in {
            "governance.decided",
            "governance.proposed",
            "governance.returned",
            "governance.refused",
            "governance.reviewed",
        }

    @property
    def paragraph_display(self):
        return f"§ {self.paragraph}" if self.paragraph else ""


def _user_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _wagtail_task_title(data):
    workflow = data.get("workflow")
    if isinstance(workflow, dict) and isinstance(workflow.get("task"), dict):
        return workflow["task"].get("title", "")
    return ""


def decision_history(page):
    """Newest first. Decisions name the body that decided; steps name the person who acted."""
    entries = (
        PageLogEntry.objects.filter(page_id=page.pk, action__in=HISTORY_ACTIONS)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    rows = []
    for entry in entries:
        data = entry.data or {}
        label, outcome = HISTORY_ACTIONS[entry.action]
        person = _user_name(entry.user)
        body = data.get("body", "")
        if entry.action in {
            "governance.decided",
            "governance.proposed",
            "governance.returned",
            "governance.refused",
            "governance.reviewed",
        }:
            actor = (
                f"{body} (registrerat av {person})"
                if body and data.get("paragraph")
                else (body or person)
            )
        else:
            actor = person or "Styrdok"
        rows.append(
            HistoryRow(
                timestamp=entry.timestamp,
                action=entry.action,
                label=str(label),
                outcome=str(outcome),
                actor=actor,
                step=data.get("task") or _wagtail_task_title(data),
                decision_date=parse_date(data["decision_date"])
                if data.get("decision_date")
                else None,
                paragraph=data.get("paragraph"),
                diarienummer=data.get("diarienummer", ""),
                comment=data.get("comment", ""),
                protocol_reference=data.get("protocol_reference", ""),
                protocol_url=data.get("protocol_url", ""),
            )
        )
    return rows
