"""Django's CACHES from the environment: the database cache, or Redis when REDIS_URL is set.

Imported by the settings, before Django is set up: nothing here may touch the ORM.

The cache holds what every web server and worker must agree on (the page cache and its
generation, the search suggestion vocabulary), so it is shared: a table in the database that
every server already uses, or a Redis server for installations with heavier traffic. A
per-process cache (locmem) would let one server serve a page that another has invalidated.
"""

from urllib.parse import urlsplit

# The database cache's table. Created by `migrate` (governance migration 0009) whatever CACHES
# says, so that switching from Redis back to the database needs no extra step.
DATABASE_CACHE_TABLE = "styrdok_cache"
DEFAULT_KEY_PREFIX = "styrdok"
# Entries the database cache keeps before it culls a third of them (Redis is bounded by its own
# maxmemory and eviction policy instead).
DEFAULT_MAX_ENTRIES = 5000
REDIS_SCHEMES = {"redis", "rediss", "unix"}


class CacheSettingsError(SystemExit):
    """Ends manage.py or the WSGI server with one Swedish line instead of a traceback."""


def _positive_int(environ, name, default):
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise CacheSettingsError(
            f"Felaktig inställning: {name}={raw!r} ska vara ett positivt heltal."
        )
    return value


def _redis_locations(url):
    """The Redis servers in REDIS_URL (comma-separated: the first takes the writes)."""
    locations = [part.strip() for part in url.split(",") if part.strip()]
    for location in locations:
        try:
            parts = urlsplit(location)
            valid = parts.scheme in REDIS_SCHEMES and bool(parts.hostname or parts.path)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            valid = False
        if not valid:
            # The message never repeats the URL: it may hold the password.
            raise CacheSettingsError(
                "Felaktig inställning: REDIS_URL är ogiltig – ange t.ex. "
                "redis://redis.exempelkommun.se:6379/0 eller rediss:// för TLS (se .env.example)."
            )
    return locations


def caches_from_env(environ):
    """CACHES for this environment: Redis at REDIS_URL, otherwise the database cache."""
    prefix = environ.get("STYRDOK_CACHE_KEY_PREFIX", "").strip() or DEFAULT_KEY_PREFIX
    url = environ.get("REDIS_URL", "").strip()
    if url:
        locations = _redis_locations(url)
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": locations if len(locations) > 1 else locations[0],
                "KEY_PREFIX": prefix,
                "TIMEOUT": 300,
                # A Redis that does not answer within a second is treated as a miss (the page
                # cache falls back to rendering) rather than holding the request.
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            "KEY_PREFIX": prefix,
            "TIMEOUT": 300,
            "OPTIONS": {
                "MAX_ENTRIES": _positive_int(
                    environ, "STYRDOK_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES
                ),
                "CULL_FREQUENCY": 3,
            },
        }
    }


def frontend_cache_from_env(environ, public_url):
    """WAGTAILFRONTENDCACHE: the caches in front of the public site that are purged on change.

    STYRDOK_FRONTEND_CACHE_URL names an HTTP cache that accepts PURGE requests (Varnish, nginx
    with a purge module); STYRDOK_CLOUDFLARE_ZONE_ID and STYRDOK_CLOUDFLARE_TOKEN a Cloudflare
    zone. Only the public site (`public_url`) is purged: the intranet is never in a shared cache.
    """
    public = urlsplit(public_url)
    # Wagtail matches each purged URL's host (with its port, if any) against these.
    hostnames = sorted({public.hostname, public.netloc})
    backends = {}
    url = environ.get("STYRDOK_FRONTEND_CACHE_URL", "").strip()
    if url:
        try:
            parts = urlsplit(url)
            valid = parts.scheme in {"http", "https"} and bool(parts.hostname)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            valid = False
        if not valid:
            raise CacheSettingsError(
                "Felaktig inställning: STYRDOK_FRONTEND_CACHE_URL ska vara en adress som "
                "http://varnish.exempelkommun.se:6081 (se .env.example)."
            )
        backends["http"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": url,
            "HOSTNAMES": hostnames,
        }
    zone = environ.get("STYRDOK_CLOUDFLARE_ZONE_ID", "").strip()
    token = environ.get("STYRDOK_CLOUDFLARE_TOKEN", "").strip()
    if zone or token:
        if not (zone and token):
            raise CacheSettingsError(
                "Felaktig inställning: ange både STYRDOK_CLOUDFLARE_ZONE_ID och "
                "STYRDOK_CLOUDFLARE_TOKEN (eller ingen av dem)."
            )
        backends["cloudflare"] = {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": zone,
            "BEARER_TOKEN": token,
            "HOSTNAMES": hostnames,
        }
    return backends
