from policies.signals import version_adopted

from .review import flag_children, reset_after_new_version


def restart_review_cycle(sender, document, version, previous, **kwargs):
    """A new version restarts its own review cycle; a changed parent asks for a review of the
    documents under it."""
    reset_after_new_version(document)
    if previous is not None:
        flag_children(document, version)


def connect():
    version_adopted.connect(restart_review_cycle, dispatch_uid="revision.restart_review_cycle")
