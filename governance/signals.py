"""Signals sent at every governance transition, after the audit entry is written."""

from django.dispatch import Signal

# Sent after each step outcome (approval, return, recorded decision).
# kwargs: task_state, workflow_state, user, data (the audit entry's data), final (the run ended
# with an adopted document).
workflow_transition = Signal()
