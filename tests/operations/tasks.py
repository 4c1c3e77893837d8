from django_tasks import task


@task()
def waiting_task():
    """Queued by the health tests; never run."""
