"""WAGTAIL_FINISH_WORKFLOW_ACTION; imported while wagtail.models loads, so it imports lazily."""


def publish_on_decision(workflow_state, user=None):
    """The final decision publishes the revision it decided, or, in a repeal run, repeals.

    Nobody holds a direct publish permission on styrdokument, so the decision itself is the
    authority. The document decides what that means (Styrdokument.finish_decision in
    policies, the layer above this one); any other page publishes its latest revision.
    """
    page = workflow_state.content_object.specific
    finish = getattr(page, "finish_decision", None)
    if finish is not None:
        finish(workflow_state, user)
        return
    from wagtail.models import Revision

    revision = Revision.objects.for_instance(page).order_by("-created_at", "-id").first()
    revision.publish(user=user, skip_permission_checks=True)
