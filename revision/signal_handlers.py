from policies.frontend_cache import purge_page
from policies.signals import version_adopted

from . import signals
from .review import flag_children, reset_after_new_version


def restart_review_cycle(sender, document, version, previous, **kwargs):
    """A new version restarts its own review cycle; a changed parent asks for a review of the
    documents under it."""
    reset_after_new_version(document)
    if previous is not None:
        flag_children(document, version)


def purge_reviewed_page(sender, page, action, **kwargs):
    """An aktualitetsprövning moves a document's next review date, which the public page and the
    register show, without publishing anything: a CDN or Varnish in front must drop its copy.
    (Styrdok's own page cache is renewed by the revision rows the review saves.)"""
    if action == "governance.reviewed":
        purge_page(page)


def connect():
    version_adopted.connect(restart_review_cycle, dispatch_uid="revision.restart_review_cycle")
    signals.review_transition.connect(
        purge_reviewed_page, dispatch_uid="revision.purge_reviewed_page"
    )
