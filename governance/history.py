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
    "governance.returned": (_("Återremitterad"), _("Återremitterad")),
    "governance.refused": (_("Avslag"), _("Avslagen")),
    "governance.reviewed": (_("Aktualitetsprövning"), _("Granskad utan ändringar")),
    "governance.revision_started": (_("Revision påbörjad"), _("Ett utkast till ny version skapat")),
    "governance.review_flagged": (
        _("Översyn behövs"),
        _("Överordnat dokument har ändrats"),
    ),
    "governance.repeal_proposed": (_("Upphävande föreslaget"), _("Förslag om upphävande")),
    "governance.repealed": (_("Upphävt"), _("Upphävd genom beslut")),
}
# A decision step in a repeal run decides the repeal, not a new version.
REPEAL_DECISION = (_("Beslut om upphävande"), _("Beslutat att upphäva"))


# Wagtail's own entry for a resubmission after återremiss belongs in the history too.
WAGTAIL_ACTIONS = {
    "wagtail.workflow.resume": (_("Inskickat igen"), _("Inskickat igen efter ändringar")),
}
HISTORY_ACTIONS = {**ACTIONS, **WAGTAIL_ACTIONS}


DECISION_ACTIONS = {
    "governance.decided",
    "governance.proposed",
    "governance.returned",
    "governance.refused",
    "governance.reviewed",
    "governance.repealed",
}
# A return sends the document back to the editor; the next submission is a new round.
RETURN_ACTIONS = {"governance.returned", "governance.step_returned"}
SUBMIT_ACTIONS = {"governance.submitted", "wagtail.workflow.resume"}
# A final decision closes the case; the next submission starts a new case at round 1.
CLOSING_ACTIONS = {"governance.decided", "governance.refused"}


@dataclass
class HistoryRow:
    timestamp: object
    action: str
    label: str
    outcome: str
    body: str
    person: str
    step: str
    decision_date: object
    paragraph: object
    diarienummer: str
    comment: str
    protocol_reference: str
    protocol_url: str
    case: int = 0
    round: int = 0
    case_rounds: int = 0
    # The decision step's choice "kräver inte ny kvittens" (a redaktionell ändring).
    editorial_change: bool = False

    @property
    def is_decision(self):
        return self.action in DECISION_ACTIONS

    @property
    def paragraph_display(self):
        return f"§ {self.paragraph}" if self.paragraph else ""

    @property
    def actor(self):
        """Organ and person in one phrase, for places with a single "Vem" column."""
        if self.body and self.person:
            return f"{self.body} (registrerat av {self.person})"
        return self.body or self.person

    @property
    def round_label(self):
        """ "Omgång 2" on every row of a case that went round more than once, else ""."""
        if self.round and self.case_rounds > 1:
            return _("Omgång %(number)s") % {"number": self.round}
        return ""


@dataclass
class HistoryRound:
    label: str
    rows: list


def _user_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _wagtail_task_title(data):
    workflow = data.get("workflow")
    if isinstance(workflow, dict) and isinstance(workflow.get("task"), dict):
        return workflow["task"].get("title", "")
    return ""


def _number_rounds(rows):
    """Cases and rounds, read in time order.

    A case runs from a submission to its final decision; within it, each resubmission after an
    återremiss or "begär ändringar" starts a new round, because the document then goes through
    every step again. Aktualitetsprövningar and other events outside a run get round 0.
    """
    case = rounds = 0
    open_case = returned = False
    for row in rows:
        if row.action in SUBMIT_ACTIONS:
            if open_case and (returned or row.action == "wagtail.workflow.resume"):
                rounds += 1
            else:
                case += 1
                rounds = 1
                open_case = True
            returned = False
        if open_case:
            row.case, row.round = case, rounds
        if row.action in RETURN_ACTIONS:
            returned = True
        if row.action in CLOSING_ACTIONS:
            open_case = returned = False
    totals = {}
    for row in rows:
        if row.case:
            totals[row.case] = max(totals.get(row.case, 0), row.round)
    for row in rows:
        row.case_rounds = totals.get(row.case, 0)


def history_entries(page_id):
    """The log entries decision_history shows, oldest first, with the person who acted."""
    return (
        PageLogEntry.objects.filter(page_id=page_id, action__in=HISTORY_ACTIONS)
        .select_related("user")
        .order_by("timestamp", "pk")
    )


def decision_history(page, entries=None):
    """Oldest first. Each row names the organ (for decisions) and the person who acted.
    `entries` are history_entries(page.pk), when the caller has read them another way."""
    if entries is None:
        entries = history_entries(page.pk)
    rows = []
    for entry in entries:
        data = entry.data or {}
        label, outcome = HISTORY_ACTIONS[entry.action]
        if entry.action == "governance.decided" and data.get("repeal"):
            label, outcome = REPEAL_DECISION
        person = _user_name(entry.user) or "Styrdok"
        rows.append(
            HistoryRow(
                timestamp=entry.timestamp,
                action=entry.action,
                label=str(label),
                outcome=str(outcome),
                body=data.get("body", "") if entry.action in DECISION_ACTIONS else "",
                person=person,
                step=data.get("task") or _wagtail_task_title(data),
                decision_date=parse_date(data["decision_date"])
                if data.get("decision_date")
                else None,
                paragraph=data.get("paragraph"),
                diarienummer=data.get("diarienummer", ""),
                comment=data.get("comment", ""),
                protocol_reference=data.get("protocol_reference", ""),
                protocol_url=data.get("protocol_url", ""),
                editorial_change=entry.action == "governance.decided"
                and bool(data.get("editorial_change")),
            )
        )
    _number_rounds(rows)
    return History(rows)


def history_groups(rows):
    """Consecutive rows of the same round together, labelled "Omgång N" where there were several."""
    groups = []
    for row in rows:
        key = (row.case, row.round)
        if groups and groups[-1][0] == key:
            groups[-1][1].rows.append(row)
        else:
            groups.append((key, HistoryRound(label=str(row.round_label), rows=[row])))
    return [group for _key, group in groups]


class History(list):
    """The rows, oldest first; `rounds` groups them for the table."""

    @property
    def rounds(self):
        return history_groups(self)
