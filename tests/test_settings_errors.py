"""A bad DATABASE_URL stops Styrdok with one Swedish line, not a traceback (issue 14, item 7).

The settings are read when manage.py or the WSGI server starts, so the tests start real
processes with the bad value in their environment.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SECRET = "hemligt-databaslosen"


def start(args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_manage_py_check_names_an_unknown_database_type():
    result = start(
        ["manage.py", "check"],
        DATABASE_URL="nonsense://x",
        DJANGO_SETTINGS_MODULE="styrdok.settings.dev",
    )

    line = one_line(result)
    assert line.startswith("Felaktig inställning: DATABASE_URL är ogiltig")
    assert "databastypen 'nonsense' stöds inte" in line


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgres://styrdok:{SECRET}@db:port/styrdok", "adressen kan inte tolkas"),
        (f"{SECRET}", "adressen saknar databastyp"),
    ],
)
def test_the_wsgi_app_names_the_problem_without_repeating_the_password(url, expected):
    result = start(
        ["-c", "import styrdok.wsgi"],
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="styrdok.settings.production",
        SECRET_KEY="x" * 60,
    )

    line = one_line(result)
    assert "DATABASE_URL är ogiltig" in line
    assert expected in line
    assert SECRET not in result.stderr


def test_a_bad_connection_age_is_named_too():
    result = start(
        ["manage.py", "check"],
        DATABASE_CONN_MAX_AGE="en minut",
        DJANGO_SETTINGS_MODULE="styrdok.settings.dev",
    )

    assert "DATABASE_CONN_MAX_AGE='en minut' är inte ett heltal" in one_line(result)


@pytest.mark.parametrize(("value", "threshold"), [(None, "unset"), ("false", "None")])
def test_prepared_statements_can_be_turned_off_for_a_pooler(value, threshold):
    """Behind PgBouncer in transaction mode the document page's prepared statements are off."""
    env = {"DATABASE_URL": "postgres://styrdok@db:5432/styrdok"}
    if value is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    result = start(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default'].get('OPTIONS', {})"
            ".get('prepare_threshold', 'unset'))",
        ],
        DJANGO_SETTINGS_MODULE="styrdok.settings.dev",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == threshold
