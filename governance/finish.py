"""WAGTAIL_FINISH_WORKFLOW_ACTION; imported while wagtail.models loads, so it imports lazily."""


def publish_on_decision(workflow_state, user=None):
    """The final decision publishes the decided revision.

    Nobody holds a direct publish permission on styrdokument, so the decision itself is the
    authority. The decision step saved the decided revision moments ago, possibly through another
    instance of the page, so it is read from the database rather than from a cached object.
    """
    from wagtail.models import Revision

    page = workflow_state.content_object
    revision = Revision.objects.for_instance(page).order_by("-created_at", "-id").first()
    revision.publish(user=user, skip_permission_checks=True)
