"""Signals the documents send to the apps above them (revision, reports, search), which must
not be imported from here."""

from django.dispatch import Signal

# Sent inside the publishing transaction after an adopted version is recorded.
# kwargs: document (the Styrdokument), version (the new AdoptedVersion), previous (the version it
# supersedes, or None for a first adoption).
version_adopted = Signal()
