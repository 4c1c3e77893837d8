"""The settings a kommun uses when one server is not enough, generated from the environment.

CACHES (the database cache, or Redis through REDIS_URL), the purge targets in front of the
public site, media and the archive on private S3-compatible storage, and the production settings
for each combination. The Redis tests talk to a real server (127.0.0.1:6379, or
STYRDOK_TEST_REDIS_URL) and are skipped, saying why, when none answers.
"""

import json
import os
import socket
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client

from styrdok import page_cache
from styrdok.cache import (
    DATABASE_CACHE_TABLE,
    CacheSettingsError,
    caches_from_env,
    frontend_cache_from_env,
)
from styrdok.storage import storages_from_env
from tests.factories import PUBLIC_HOST

REDIS_URL = os.environ.get("STYRDOK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
S3_ENV = {
    "STYRDOK_S3_BUCKET": "styrdok-filer",
    "STYRDOK_S3_ENDPOINT_URL": "https://s3.exempelkommun.se",
    "STYRDOK_S3_REGION": "se-sto-1",
    "STYRDOK_S3_ACCESS_KEY_ID": "AKIAEXEMPEL",
    "STYRDOK_S3_SECRET_ACCESS_KEY": "hemlig-nyckel",
}


def backend(config):
    """A cache backend built from one CACHES entry, as Django's cache handler builds it."""
    params = {key: value for key, value in config.items() if key not in {"BACKEND", "LOCATION"}}
    classes = {
        "django.core.cache.backends.redis.RedisCache": RedisCache,
        "django.core.cache.backends.db.DatabaseCache": DatabaseCache,
    }
    return classes[config["BACKEND"]](config["LOCATION"], params)


def redis_or_skip():
    parts = urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError as error:
        pytest.skip(f"Ingen Redis svarar på {parts.hostname}:{parts.port}: {error}")


# -- CACHES ------------------------------------------------------------------------------------


def test_the_database_cache_is_the_default():
    caches = caches_from_env({})

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert caches["default"]["LOCATION"] == DATABASE_CACHE_TABLE
    assert caches["default"]["OPTIONS"]["MAX_ENTRIES"] == 5000


def test_redis_url_selects_redis_with_one_or_several_servers():
    one = caches_from_env({"REDIS_URL": "rediss://:pw@redis.exempelkommun.se:6380/2"})["default"]
    several = caches_from_env({"REDIS_URL": "redis://a:6379/0, redis://b:6379/0"})["default"]

    assert one["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert one["LOCATION"] == "rediss://:pw@redis.exempelkommun.se:6380/2"
    assert several["LOCATION"] == ["redis://a:6379/0", "redis://b:6379/0"]


@pytest.mark.parametrize(
    "environ",
    [
        {"REDIS_URL": "http://:hemligt@redis:6379"},
        {"REDIS_URL": "redis://:hemligt@redis:port/0"},
        {"STYRDOK_CACHE_KEY_PREFIX": "x", "STYRDOK_CACHE_MAX_ENTRIES": "många"},
        {"STYRDOK_FRONTEND_CACHE_URL": "varnish:6081"},
        {"STYRDOK_CLOUDFLARE_ZONE_ID": "zon"},
    ],
)
def test_a_bad_cache_setting_is_one_swedish_sentence_without_the_secret(environ):
    with pytest.raises(CacheSettingsError) as raised:
        caches_from_env(environ)
        frontend_cache_from_env(environ, "https://styrdokument.exempelkommun.se")

    message = str(raised.value)
    assert message.startswith("Felaktig inställning:")
    assert "hemligt" not in message


@pytest.mark.django_db
def test_migrate_creates_the_database_cache_table_and_it_round_trips():
    assert DATABASE_CACHE_TABLE in connection.introspection.table_names()
    cache = backend(
        caches_from_env({"STYRDOK_CACHE_KEY_PREFIX": f"t{uuid.uuid4().hex}"})["default"]
    )

    cache.set("nyckel", {"värde": 1})

    assert cache.get("nyckel") == {"värde": 1}


def test_a_real_redis_round_trip():
    redis_or_skip()
    prefix = f"styrdok-test-{uuid.uuid4().hex}"
    cache = backend(
        caches_from_env({"REDIS_URL": REDIS_URL, "STYRDOK_CACHE_KEY_PREFIX": prefix})["default"]
    )
    try:
        cache.set("nyckel", {"värde": "åäö"}, timeout=30)
        assert cache.get("nyckel") == {"värde": "åäö"}
        assert cache.add("nyckel", "annat") is False
    finally:
        cache.delete("nyckel")


@pytest.mark.django_db
def test_the_page_cache_is_shared_through_redis(settings):
    """Two processes with the same REDIS_URL share stored pages and the generation."""
    redis_or_skip()
    config = caches_from_env(
        {"REDIS_URL": REDIS_URL, "STYRDOK_CACHE_KEY_PREFIX": f"styrdok-test-{uuid.uuid4().hex}"}
    )
    settings.CACHES = config
    settings.STYRDOK_PAGE_CACHE = True
    other_server = backend(config["default"])
    visitor = Client(HTTP_HOST=PUBLIC_HOST)

    assert visitor.get("/styrdokument/")[page_cache.STATUS_HEADER] == "miss"
    assert visitor.get("/styrdokument/")[page_cache.STATUS_HEADER] == "hit"
    # A publish on another server renews the generation this one reads.
    other_server.set(page_cache.GENERATION_KEY, "ny-generation", timeout=None)
    assert visitor.get("/styrdokument/")[page_cache.STATUS_HEADER] == "miss"
    other_server.clear()


# -- purge targets -------------------------------------------------------------------------------


def test_no_cache_in_front_purges_nothing():
    assert frontend_cache_from_env({}, "https://styrdokument.exempelkommun.se") == {}


def test_an_http_cache_and_cloudflare_are_purged_for_the_public_host_only():
    backends = frontend_cache_from_env(
        {
            "STYRDOK_FRONTEND_CACHE_URL": "http://varnish.exempelkommun.se:6081",
            "STYRDOK_CLOUDFLARE_ZONE_ID": "zon",
            "STYRDOK_CLOUDFLARE_TOKEN": "token",
        },
        "http://styrdokument.exempelkommun.se:8000",
    )

    assert backends["http"]["BACKEND"] == "wagtail.contrib.frontend_cache.backends.HTTPBackend"
    assert backends["http"]["LOCATION"] == "http://varnish.exempelkommun.se:6081"
    assert backends["cloudflare"]["ZONEID"] == "zon"
    for config in backends.values():
        assert config["HOSTNAMES"] == [
            "styrdokument.exempelkommun.se",
            "styrdokument.exempelkommun.se:8000",
        ]


# -- object storage ------------------------------------------------------------------------------


def test_files_stay_on_disk_without_a_bucket():
    storages = storages_from_env({}, STATIC)

    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert "archive" not in storages


def test_a_bucket_holds_media_and_the_archive_privately():
    storages = storages_from_env({**S3_ENV, "STYRDOK_S3_PREFIX": "/styrdok/"}, STATIC)

    media, archive = storages["default"]["OPTIONS"], storages["archive"]["OPTIONS"]
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (media["location"], archive["location"]) == ("styrdok/media", "styrdok/arkiv")
    for options in (media, archive):
        assert options["default_acl"] == "private"
        assert options["querystring_auth"] is True
        assert options["file_overwrite"] is False
        assert options["endpoint_url"] == "https://s3.exempelkommun.se"
    assert storages["staticfiles"]["BACKEND"] == STATIC


def test_object_storage_urls_are_signed_and_the_archive_uses_the_bucket(settings):
    """No network: boto3 signs URLs locally. A file's bare object URL is never handed out."""
    from storages.backends.s3 import S3Storage

    from policies.models.versions import archive_storage

    settings.STORAGES = storages_from_env(S3_ENV, STATIC)
    storage = S3Storage(**settings.STORAGES["default"]["OPTIONS"])
    url = storage.url("documents/intern.pdf")

    assert url.startswith("https://s3.exempelkommun.se/styrdok-filer/media/documents/intern.pdf?")
    assert "Signature=" in url or "X-Amz-Signature=" in url
    assert storage.default_acl == "private"
    assert archive_storage.location == "arkiv"
    assert archive_storage.bucket_name == "styrdok-filer"


# -- the production settings, per combination ---------------------------------------------------


def production_settings(**environ):
    """The production settings as a fresh process reads them from `environ`."""
    names = (
        "CACHES",
        "STORAGES",
        "WAGTAILFRONTENDCACHE",
        "WAGTAILSEARCH_BACKENDS",
        "SESSION_ENGINE",
        "TASKS",
        "STYRDOK_PAGE_CACHE",
        "STYRDOK_CDN_MAX_AGE",
        "MIDDLEWARE",
    )
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    keep = {"PATH", "HOME", "LANG"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        DJANGO_SETTINGS_MODULE="styrdok.settings.production",
        SECRET_KEY="test",
        DATABASE_URL="postgres://styrdok@db.exempelkommun.se:5432/styrdok",
        **environ,
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_one_server_keeps_everything_in_the_database_and_on_disk():
    values = production_settings()

    assert values["CACHES"]["default"]["LOCATION"] == DATABASE_CACHE_TABLE
    assert values["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert values["WAGTAILFRONTENDCACHE"] == {}
    assert values["STYRDOK_CDN_MAX_AGE"] == 0
    # Sessions are rows in the database every server shares.
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert values["STYRDOK_PAGE_CACHE"] is True
    assert "styrdok.page_cache.PublicPageCacheMiddleware" in values["MIDDLEWARE"]


def test_several_servers_share_redis_a_bucket_search_and_a_purged_cache_in_front():
    values = production_settings(
        REDIS_URL="redis://redis.exempelkommun.se:6379/0",
        STYRDOK_FRONTEND_CACHE_URL="http://varnish.exempelkommun.se:6081",
        ELASTICSEARCH_URL="https://search.exempelkommun.se:9200",
        STYRDOK_PUBLIC_HOSTNAME="styrdokument.exempelkommun.se",
        **S3_ENV,
    )

    assert values["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["STORAGES"]["archive"]["OPTIONS"]["default_acl"] == "private"
    assert values["WAGTAILFRONTENDCACHE"]["http"]["HOSTNAMES"] == ["styrdokument.exempelkommun.se"]
    assert values["STYRDOK_CDN_MAX_AGE"] == 3600
    assert "elasticsearch" in values["WAGTAILSEARCH_BACKENDS"]["default"]["BACKEND"]
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_redis_alone_and_a_bucket_alone_combine_with_the_defaults():
    redis_only = production_settings(REDIS_URL="redis://redis:6379/0")
    bucket_only = production_settings(**S3_ENV)

    assert redis_only["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert redis_only["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert bucket_only["CACHES"]["default"]["LOCATION"] == DATABASE_CACHE_TABLE
    assert bucket_only["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
