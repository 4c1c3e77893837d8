"""Signals of the review cycle, sent after the audit entry is written."""

from django.dispatch import Signal

# Sent after each review-cycle action on a document: governance.revision_started,
# governance.reviewed (granskad utan ändringar) and governance.review_flagged.
# kwargs: page, user (None for automatic flags), action, data (the audit entry's data).
review_transition = Signal()

# Sent after a (non-dry) run of send_review_reminders that held the lock, so that the layers
# above can do their daily work with it (reports measures the day's status).
# kwargs: today (the date the run was for).
reminder_run_finished = Signal()
