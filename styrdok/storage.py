"""Django's STORAGES from the environment: local folders, or S3-compatible object storage.

Imported by the settings, before Django is set up: nothing here may touch the ORM.

With STYRDOK_S3_BUCKET set, uploaded files (documents, images) and the archival PDFs live in a
bucket that every web server and worker reaches, so no server holds files of its own. The bucket
stays private: no object gets a public-read ACL, and files are never linked to directly. Every
document is still streamed through Styrdok's own view (WAGTAILDOCS_SERVE_METHOD = "serve_view"),
which applies the audience rules of the pages that use it, and the archival PDFs only through
the archive views; an internal file is therefore never world-readable, in the bucket or through
a URL that leaks.
"""

S3_BACKEND = "storages.backends.s3.S3Storage"


def _s3_options(environ, location):
    options = {
        "bucket_name": environ["STYRDOK_S3_BUCKET"].strip(),
        "location": location,
        # Private objects. None would leave the ACL to the bucket's policy, which a kommun may
        # have opened up for other uses; "private" says it on every object.
        "default_acl": "private",
        # Every URL django-storages builds is signed and expires. Documents and archival PDFs
        # never get one (they are streamed through Styrdok's views); images (the logo, image
        # renditions) do, inside pages that a page cache or CDN keeps, so the signature must
        # outlive STYRDOK_CDN_MAX_AGE: a day by default.
        "querystring_auth": True,
        "querystring_expire": int(environ.get("STYRDOK_S3_URL_SECONDS", "") or 86400),
        # Two uploads with one name keep both files: a recorded version's file is never
        # replaced.
        "file_overwrite": False,
    }
    for option, name in (
        ("endpoint_url", "STYRDOK_S3_ENDPOINT_URL"),
        ("region_name", "STYRDOK_S3_REGION"),
        ("access_key", "STYRDOK_S3_ACCESS_KEY_ID"),
        ("secret_key", "STYRDOK_S3_SECRET_ACCESS_KEY"),
    ):
        value = environ.get(name, "").strip()
        if value:
            options[option] = value
    return options


def storages_from_env(environ, staticfiles_backend):
    """STORAGES for this environment.

    Without STYRDOK_S3_BUCKET: MEDIA_ROOT for uploads (and STYRDOK_ARCHIVE_ROOT for the archive,
    which policies.models.versions opens itself when STORAGES names no "archive").
    """
    storages = {"staticfiles": {"BACKEND": staticfiles_backend}}
    if not environ.get("STYRDOK_S3_BUCKET", "").strip():
        storages["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        return storages
    prefix = environ.get("STYRDOK_S3_PREFIX", "").strip().strip("/")
    media = f"{prefix}/media" if prefix else "media"
    archive = f"{prefix}/arkiv" if prefix else "arkiv"
    storages["default"] = {"BACKEND": S3_BACKEND, "OPTIONS": _s3_options(environ, media)}
    storages["archive"] = {"BACKEND": S3_BACKEND, "OPTIONS": _s3_options(environ, archive)}
    return storages
