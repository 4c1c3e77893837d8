"""A publication that a page's own rule refuses, whoever asked for it.

A person (the editor, a bulk action, the shell) gets the refusal as an exception. Wagtail's
scheduler (`publish_scheduled`) publishes many pages in one run and would stop at the first
refusal, so there the revision's schedule is dropped and the refusal logged, and the run goes
on with the other pages.
"""

import logging

logger = logging.getLogger(__name__)

SCHEDULED = "wagtail.publish.scheduled"


def refuse_publication(page, revision, error, log_action=True):
    """Raise `error`, or for the scheduler drop the revision's schedule (returns None)."""
    if log_action != SCHEDULED:
        raise error
    type(revision).objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    logger.warning(
        "Scheduled publishing of %s (revision %s) refused: %s", page.pk, revision.pk, error
    )
