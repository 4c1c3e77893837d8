"""DATABASE_URL read into Django's DATABASES, with one readable line when it is wrong.

Imported by the settings, before Django is set up: nothing here may touch the ORM.
"""

import dj_database_url


class DatabaseSettingsError(SystemExit):
    """Ends manage.py or the WSGI server with one Swedish line instead of a traceback.

    SystemExit prints its message to stderr and exits with status 1; a settings error is a
    configuration problem for whoever deploys, not a bug to debug.
    """


def database_from_url(url, conn_max_age):
    """The database settings for `url`; DatabaseSettingsError if the URL or max age is bad.

    The message never repeats the URL itself: it may hold the database password.
    """
    try:
        max_age = int(conn_max_age)
    except ValueError:
        raise DatabaseSettingsError(
            f"Felaktig inställning: DATABASE_CONN_MAX_AGE={conn_max_age!r} är inte ett heltal "
            "(antal sekunder, t.ex. 60)."
        ) from None
    scheme = url.split("://", 1)[0] if "://" in url else ""
    try:
        return dj_database_url.parse(url, conn_max_age=max_age)
    except dj_database_url.UnknownSchemeError:
        problem = f"databastypen {scheme!r} stöds inte" if scheme else "adressen saknar databastyp"
        raise DatabaseSettingsError(
            f"Felaktig inställning: DATABASE_URL är ogiltig – {problem}. Ange t.ex. "
            "postgres://användare@värd:5432/databas (se .env.example)."
        ) from None
    except Exception:  # dj_database_url.ParseError, ValueError from urllib (a bad port)
        raise DatabaseSettingsError(
            "Felaktig inställning: DATABASE_URL är ogiltig – adressen kan inte tolkas (kontrollera "
            "port och att specialtecken i lösenordet är URL-kodade, t.ex. %40 för @)."
        ) from None
