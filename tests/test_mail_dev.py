"""Mail in development: the dev settings write every message to var/mail/, and
`manage.py visa_epost` (`make mail`) shows them, newest first, with their links."""

import datetime
import os
import subprocess
import sys
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.management import call_command

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
TZ = ZoneInfo("Europe/Stockholm")


def dev_settings(**env):
    """EMAIL_BACKEND and EMAIL_FILE_PATH as the dev settings give them in this environment."""
    environment = {
        k: v for k, v in os.environ.items() if k not in {"EMAIL_BACKEND", "EMAIL_FILE_PATH"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="styrdok.settings.dev")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)",
        ],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_dev_settings_write_mail_to_var_mail():
    backend, folder = dev_settings()

    assert backend == FILE_BACKEND
    assert folder == str(settings.BASE_DIR / "var" / "mail")


def test_dev_settings_follow_the_environment(tmp_path):
    backend, folder = dev_settings(
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )

    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert folder == str(tmp_path)


def test_var_mail_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "-q", "var/mail/20260101-120000-1.log"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 0


def test_make_mail_runs_the_command():
    result = subprocess.run(
        ["make", "-n", "mail"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "manage.py visa_epost" in result.stdout


@pytest.fixture
def mail_folder(settings, tmp_path):
    settings.EMAIL_BACKEND = FILE_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def send_at(time_machine, when, subject, body, to):
    time_machine.move_to(when)
    # A connection each, as separate requests and runs have: one file per connection.
    send_mail(subject, body, "styrdok@localhost", [to], connection=get_connection())


def show(*args):
    out = StringIO()
    call_command("visa_epost", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def three_messages(mail_folder, time_machine):
    day = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    send_at(
        time_machine,
        day,
        "Revision snart: ”Riktlinje för lösenord”",
        "Hej Åsa!\nDokumentet: http://intranet.localhost:8123/styrdokument/losenord/\n"
        "Alla dokument du är ansvarig för: http://intranet.localhost:8123/admin/mina-dokument/\n",
        "asa@exempelkommun.se",
    )
    send_at(
        time_machine,
        day + datetime.timedelta(hours=1),
        "Att besluta: Rutin för incidenter – Granskning",
        "Hej Sara!\nÄrendet: http://intranet.localhost:8123/admin/arenden/7/\n",
        "sara@exempelkommun.se",
    )
    send_at(
        time_machine,
        day + datetime.timedelta(hours=2),
        "Beslutat: Policy för informationssäkerhet",
        "Hej Åsa!\nInga länkar här.\n",
        "asa@exempelkommun.se",
    )


def test_the_messages_are_listed_newest_first_with_recipient_and_links(three_messages):
    output = show()

    assert output.startswith("3 utskick i ")
    newest = output.index("2026-11-23 11:00  Beslutat: Policy för informationssäkerhet")
    middle = output.index("2026-11-23 10:00  Att besluta: Rutin för incidenter – Granskning")
    oldest = output.index("2026-11-23 09:00  Revision snart: ”Riktlinje för lösenord”")
    assert newest < middle < oldest
    assert "  Till: sara@exempelkommun.se\n  http://intranet.localhost:8123/admin/arenden/7/\n" in (
        output
    )
    assert "  http://intranet.localhost:8123/admin/mina-dokument/\n" in output
    assert "Hej Åsa!" not in output


def test_whole_messages_with_hela(three_messages):
    output = show("--hela")

    assert "  Hej Åsa!\n  Inga länkar här.\n" in output


def test_only_one_recipient_with_till(three_messages):
    output = show("--till", "asa@exempelkommun.se")

    assert output.startswith("2 utskick i ")
    assert "sara@" not in output


def test_a_limit_with_antal(three_messages):
    output = show("--antal", "1")

    assert "Beslutat: Policy för informationssäkerhet" in output
    assert "Att besluta" not in output
    assert "… och 2 äldre (visa alla med --antal 0)." in output


def test_no_messages_yet(mail_folder):
    assert show() == f"Inga utskick ännu: mappen {mail_folder} finns inte.\n"


def test_another_backend_is_explained(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    output = show()

    assert "E-post sparas inte i filer här" in output
    assert "var/mail/" in output


def test_a_negative_limit_is_a_clear_message(mail_folder):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--antal kan inte vara negativt"):
        show("--antal", "-1")
