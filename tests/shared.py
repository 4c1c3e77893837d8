"""Read-only data built once per module (or class), as Django's setUpTestData does.

A module's world is built inside a transaction that stays open while the module's tests run and
is rolled back after the last one. Each test runs in a savepoint inside it (pytest-django's `db`
fixture), so whatever a test changes is undone before the next test starts:

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        yield from build_once(django_db_blocker, build_world)

    @pytest.fixture
    def w(world, db):
        return world

Tests get model instances that outlive one test; a test that changes an instance in memory
should re-read it (`reload`) rather than rely on the shared object.
"""

from django.db import connection, transaction


def run_commit_callbacks():
    """Run what was queued for "after commit" (outbox deliveries, PDF renderings)."""
    while connection.run_on_commit:
        pending, connection.run_on_commit = connection.run_on_commit, []
        for _savepoints, callback, _robust in pending:
            callback()


def build_once(django_db_blocker, build, *args, **kwargs):
    """Generator for a module- or class-scoped fixture: build, yield, roll back.

    What the build queued for after commit runs when the build ends, as a commit would run it,
    so no test finds mail or work from the build still pending.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build(*args, **kwargs)
            run_commit_callbacks()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
