"""What the benchmarks share: Django on the test settings, a throwaway database and the
kommun's förvaltningar.

Each script runs as `.venv/bin/python bench/<name>.py`, so this module is importable as
`common`; `setup_django()` must run before anything imports a model.
"""

import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

FORVALTNINGAR = [
    ("Kommunledningsförvaltningen", "KLF"),
    ("Barn- och utbildningsförvaltningen", "BUF"),
    ("Socialförvaltningen", "SOC"),
    ("Samhällsbyggnadsförvaltningen", "SBF"),
    ("Kultur- och fritidsförvaltningen", "KFF"),
    ("Vård- och omsorgsförvaltningen", "VOF"),
]


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrdok.settings.test")
    # WhiteNoise warns once per process that STATIC_ROOT has not been collected; irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def start_database():
    """A new test database (SQLite in memory, or test_<name> on the server DATABASE_URL names)
    with setup_styrdok's baseline; returns what `drop_database` needs. The development database
    is never touched."""
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Databas: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    call_command("setup_styrdok", verbosity=0)
    return old_name


def drop_database(old_name):
    from django.db import connection

    connection.creation.destroy_test_db(old_name, verbosity=0)
