"""Signals of the review cycle, sent after the audit entry is written."""

from django.dispatch import Signal

# Sent after each review-cycle action on a document: governance.revision_started,
# governance.reviewed (granskad utan ändringar) and governance.review_flagged.
# kwargs: page, user (None for automatic flags), action, data (the audit entry's data).
review_transition = Signal()
