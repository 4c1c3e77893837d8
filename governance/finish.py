"""WAGTAIL_FINISH_WORKFLOW_ACTION; imported while wagtail.models loads, so it imports lazily."""


def publish_on_decision(workflow_state, user=None):
    """The final decision publishes the revision it decided, or, in a repeal run, repeals.

    Nobody holds a direct publish permission on styrdokument, so the decision itself is the
    authority: the revision published is the one the run's governance.decided entry names, read
    from the database rather than from a cached object. A run without a recorded decision (e.g.
    a workflow that does not end in a Styrdok decision step) publishes nothing: the model
    refuses (policies.decisions.DecisionRequired) and the step's transaction is undone.
    """
    from wagtail.models import Revision

    from policies.decisions import run_decision_entry
    from policies.repeal import execute_repeal, is_repeal_run

    if is_repeal_run(workflow_state.pk):
        execute_repeal(workflow_state, user)
        return
    entry = run_decision_entry(workflow_state)
    page = workflow_state.content_object
    if entry is not None and entry.revision_id:
        revision = Revision.objects.get(pk=entry.revision_id)
    else:
        revision = Revision.objects.for_instance(page).order_by("-created_at", "-id").first()
    revision.publish(user=user, skip_permission_checks=True)
