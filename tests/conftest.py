"""Shared fixtures: the baseline every installation has, created once per test session."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from pytest_django.fixtures import _get_databases_for_setup
from pytest_django.plugin import blocking_manager_key

from tests.factories import INTRANET_HOST, PUBLIC_HOST, get_register, make_user


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo: loads the full demo kommun once for the module (about a second)"
    )


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """LIS areas, roles, decision bodies, groups, workflows and the page tree, once.

    Each test then runs in a transaction that is rolled back, so this baseline stays untouched.
    A session whose tests use no database (e.g. `pytest tests/test_code_shape.py`) gets no test
    database from pytest-django, and so no baseline either.
    """
    # The same test as pytest-django's own (pinned): which databases the collected tests use.
    aliases, _serialized = _get_databases_for_setup(request.session.items)
    if not aliases:
        return
    with django_db_blocker.unblock():
        call_command("setup_styrdok", verbosity=0)


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    """Each test gets its own archive folder for the adopted versions' PDFs."""
    settings.STYRDOK_ARCHIVE_ROOT = tmp_path / "arkiv"
    return settings.STYRDOK_ARCHIVE_ROOT


@pytest.fixture
def text_stored_before_the_input_guard(monkeypatch):
    """Text with control characters as it may have been stored before governance.text_input
    refused it: the output's own defences (XML, iCalendar, spreadsheets) still apply to it."""
    from governance import text_input

    monkeypatch.setattr(text_input, "first_control_character", lambda *args, **kwargs: None)


@pytest.fixture
def register(db):
    return get_register()


# Each client fixture is its own browser, so a test can use several side by side.


@pytest.fixture
def public_client(db):
    """An anonymous visitor on the public website."""
    return Client(HTTP_HOST=PUBLIC_HOST)


@pytest.fixture
def anonymous_intranet_client(db):
    return Client(HTTP_HOST=INTRANET_HOST)


@pytest.fixture
def staff_user(db):
    return make_user("medarbetare", first_name="Maja", last_name="Medarbetare")


@pytest.fixture
def intranet_client(staff_user):
    """A logged-in member of staff (no admin rights) on the intranet."""
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(staff_user)
    return client


@pytest.fixture
def redaktor(db):
    return make_user("redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör")


@pytest.fixture
def redaktor_client(redaktor):
    """A redaktör in the admin (which is served on the intranet host)."""
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(redaktor)
    return client


@pytest.fixture
def superuser(db):
    return make_user("superadmin", superuser=True)


@pytest.fixture
def admin_client_intranet(superuser):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(superuser)
    return client


# -- tests on a transactional database ------------------------------------------------------------
# live_server (the browser tests) and tests with real concurrent connections need committed data,
# so their database is flushed after each test, taking the session baseline with it. The baseline
# is serialised once, before the first such test, and put back whenever a later one finds it gone.


_snapshots = []


@pytest.fixture(scope="session")
def baseline_snapshot(django_db_setup, django_db_blocker):
    """The session baseline (Wagtail's initial data plus setup_styrdok), serialised once.

    Taken before the first browser test changes anything; the earlier tests ran in transactions
    that were rolled back, so the database still holds exactly the baseline.
    """
    with django_db_blocker.unblock():
        call_command("setup_styrdok", verbosity=0)
        snapshot = connection.creation.serialize_db_to_string()
    _snapshots.append(snapshot)
    return snapshot


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's --dist loadfile, but the browser test files are handed out last.

    xdist orders the files by their number of tests, the largest first, so a browser file with
    many parametrised tests would otherwise run first on its worker: every file after it on that
    worker would then depend on the baseline being restored after each flush. Sent last, no
    other test runs after them on any worker.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserFilesLast(LoadFileScheduling):
        def _assign_work_unit(self, node):
            if not getattr(self, "_browser_files_last", False):
                self._browser_files_last = True
                for scope in [s for s in self.workqueue if s.startswith(BROWSER_TESTS)]:
                    self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

    return BrowserFilesLast(config, log)


BROWSER_TESTS = "tests/browser/"


def baseline_missing():
    """Whether a flush took the baseline: the site's pages, its decision bodies or its groups.

    Not only the pages: a flush followed by post_migrate re-creates some rows (content types,
    permissions), so one table is not proof enough.
    """
    from django.contrib.auth.models import Group
    from wagtail.models import Page

    from governance.models import DecisionBody

    return not (
        Page.objects.filter(depth__gte=2).exists()
        and DecisionBody.objects.exists()
        and Group.objects.exists()
    )


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the baseline back at once.

    xdist runs each file on one worker (--dist loadfile), so a file with a transactional test
    can run before other files on the same worker; they find the baseline as they expect. Not
    after the session's last test: by then the test database may already be gone.
    """
    result = yield
    if nextitem is not None and _snapshots and _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            if baseline_missing():
                restore_baseline(_snapshots[0])
    return result


@pytest.fixture(scope="session", autouse=True)
def leave_the_baseline_behind(django_db_setup, django_db_blocker):
    """A kept test database (`--reuse-db`, as `make test-postgres` uses) ends the session holding
    the baseline, not the empty tables the last transactional test's flush left: the flush also
    takes the rows Wagtail's own migrations wrote (the root page, the default site), which a
    reused database does not get again."""
    yield
    if _snapshots:
        with django_db_blocker.unblock():
            if baseline_missing():
                restore_baseline(_snapshots[0])


def restore_baseline(snapshot):
    """Put the baseline back after the previous browser test's flush (as serialized_rollback does).

    The flush re-created content types and permissions with new ids; they are replaced by the
    snapshot's own rows, so every browser test starts from the same data as the first one.
    """
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from wagtail.models import Site

    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(snapshot)
    # Sequences (PostgreSQL) must continue after the restored ids.
    tables = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    ContentType.objects.clear_cache()
    Site.clear_site_root_paths_cache()


@pytest.fixture
def committed_baseline(baseline_snapshot):
    """The session baseline, committed, for a transactional test (`transaction=True`)."""
    if baseline_missing():
        restore_baseline(baseline_snapshot)
    call_command("setup_styrdok", verbosity=0)
