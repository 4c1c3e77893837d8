"""Notifications leave through the outbox after the transition commits (governance.outbox).

A test on the `db` fixture runs inside one transaction that is rolled back, so "after commit"
never comes by itself. `delivered()` does what the commit would do: it runs the on-commit
callbacks queued so far (the outbox's delivery task, run by the immediate task backend), as
pytest-django's django_capture_on_commit_callbacks(execute=True) does when its block ends, and
returns the mail that reached the mail backend.
"""

from django.core import mail

from tests.shared import run_commit_callbacks


def delivered():
    run_commit_callbacks()
    return mail.outbox


def clear_mail():
    """Forget the mail sent so far (after delivering what was pending)."""
    run_commit_callbacks()
    mail.outbox.clear()


def subjects_by_recipient():
    """{email: [subject, …]} for every message delivered."""
    result = {}
    for message in delivered():
        for address in message.to:
            result.setdefault(address, []).append(message.subject)
    return result
