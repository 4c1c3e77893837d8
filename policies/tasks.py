"""Background tasks (django-tasks): the immediate backend in development and tests, the
database backend with `manage.py db_worker` in production."""

from django.db import transaction
from django_tasks import task

from .archive import record_failure, store_version_pdf
from .models import AdoptedVersion


@task()
def generate_adopted_version_pdf(version_id, replace=False):
    """Render and store an adopted version's archival PDF. Idempotent: a stored PDF is kept."""
    version = AdoptedVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None:
        return None
    try:
        store_version_pdf(version, replace=replace)
    except Exception as exc:
        record_failure(version, exc)
        raise
    return version.pdf_sha256


def enqueue_version_pdf(version_id, replace=False):
    """After the transaction commits, so a worker always finds the version it is asked for.

    Robust: the decision is already saved when this runs, so a queue that cannot be reached is
    logged rather than shown to the editor as a failed publish (the PDF view renders a missing
    PDF when it is first opened)."""
    transaction.on_commit(
        lambda: generate_adopted_version_pdf.enqueue(version_id, replace=replace), robust=True
    )
