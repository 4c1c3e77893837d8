"""Backing up and restoring everything a kommun must keep: the database, the uploaded files
(MEDIA_ROOT) and the version archive (STYRDOK_ARCHIVE_ROOT, the adopted versions' PDF/A files).

A backup is one folder, `styrdok-backup-ÅÅÅÅMMDD-TTMMSS`, holding the database (PostgreSQL:
`pg_dump -Fc`; SQLite: a copy made with SQLite's online backup API), `media/`, `arkiv/` and
`manifest.json` with the SHA-256 of every file. A restore checks the whole manifest before it
changes anything, so a damaged or incomplete backup is refused with nothing touched.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = "styrdok-backup"
FORMAT_VERSION = 1
DATABASE_FILES = {"postgresql": "databas.dump", "sqlite": "databas.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the person running it."""


def file_roots():
    """The folders kept besides the database: name in the backup → folder on this server."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "arkiv": Path(settings.STYRDOK_ARCHIVE_ROOT),
    }


def object_storage_notes():
    """What a backup of local folders does not hold when files live in a bucket (S3)."""
    notes = []
    default = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if "FileSystemStorage" not in default:
        notes.append(
            "Uppladdade filer ligger i objektlagring (STYRDOK_S3_BUCKET) och ingår inte i "
            "säkerhetskopian: säkerhetskopiera hinken med versionshantering eller replikering."
        )
    if "archive" in settings.STORAGES:
        notes.append(
            "Versionsarkivet ligger i objektlagring och ingår inte i säkerhetskopian: "
            "säkerhetskopiera hinken med versionshantering eller replikering."
        )
    return notes


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor():
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(
            f"Databasen ({vendor}) stöds inte av säkerhetskopieringen: bara PostgreSQL och SQLite."
        )
    return vendor


def _pg_environment():
    """libpq's environment for pg_dump/pg_restore: the password never appears on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if db.get(name):
            env[key] = str(db[name])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(command):
    try:
        result = subprocess.run(
            command, env=_pg_environment(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"Programmet {command[0]} saknas. Installera PostgreSQL:s klientprogram "
            "(Debian: postgresql-client) i samma version som servern."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} misslyckades: {result.stderr.strip()[-1000:]}")


def dump_database(path):
    vendor = _vendor()
    connection.ensure_connection()
    if vendor == "sqlite":
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        name = connection.settings_dict["NAME"]
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(path), name])


def load_database(path, vendor):
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        name = connection.settings_dict["NAME"]
        # No connection of ours may hold a lock on the tables pg_restore drops.
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                name,
                str(path),
            ]
        )
    ContentType.objects.clear_cache()


def _files_under(root):
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def create_backup(target, now=None):
    """Write a new backup folder under `target` and return its path."""
    vendor = _vendor()
    target = Path(target)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    folder = target / f"styrdok-backup-{stamp}"
    if folder.exists():
        raise BackupError(f"{folder} finns redan. Vänta en sekund eller välj en annan mapp.")
    partial = target / f".{folder.name}.ofullstandig"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    database_file = DATABASE_FILES[vendor]
    dump_database(partial / database_file)
    for name, root in file_roots().items():
        (partial / name).mkdir()
        for path in _files_under(root):
            copy = partial / name / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    files = {}
    for path in _files_under(partial):
        relative = path.relative_to(partial).as_posix()
        files[relative] = {"sha256": sha256_of(path), "size": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": database_file},
        "folders": sorted(file_roots()),
        "files": files,
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    # Only a complete backup gets its final name.
    partial.rename(folder)
    return folder


def _load_manifest(folder):
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{folder} saknar {MANIFEST}. Ange mappen som `backup` skapade "
            "(styrdok-backup-ÅÅÅÅMMDD-TTMMSS)."
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{MANIFEST} i {folder} är skadad (inte giltig JSON).") from None
    if not _known_format(manifest):
        raise BackupError(
            f"{MANIFEST} i {folder} är inte en Styrdok-säkerhetskopia av känt format."
        )
    return manifest


def _known_format(manifest):
    return (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and manifest.get("version") == FORMAT_VERSION
        and isinstance(manifest.get("files"), dict)
        and isinstance(manifest.get("database"), dict)
        and manifest["database"].get("vendor") in DATABASE_FILES
        and manifest["database"].get("file") in manifest["files"]
    )


def _file_problem(folder, relative, entry):
    path = folder / relative
    inside = path.resolve().is_relative_to(folder.resolve())
    if not inside or ".." in Path(relative).parts:
        return f"{relative}: ogiltig sökväg"
    if not path.is_file():
        return f"{relative}: saknas"
    if not isinstance(entry, dict) or sha256_of(path) != entry.get("sha256"):
        return f"{relative}: kontrollsumman stämmer inte"
    return None


def _manifest_problems(folder, manifest):
    problems = [
        problem
        for relative, entry in manifest["files"].items()
        if (problem := _file_problem(folder, relative, entry))
    ]
    listed = set(manifest["files"]) | {MANIFEST}
    for path in _files_under(folder):
        if path.relative_to(folder).as_posix() not in listed:
            problems.append(f"{path.relative_to(folder).as_posix()}: finns inte i manifestet")
    return problems


def read_manifest(folder):
    """The backup's manifest, once every file it names is present and unchanged."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"Mappen {folder} finns inte.")
    manifest = _load_manifest(folder)
    problems = _manifest_problems(folder, manifest)
    if problems:
        shown = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  … och {len(problems) - 20} till" if len(problems) > 20 else ""
        raise BackupError(
            f"Säkerhetskopian i {folder} är skadad eller ofullständig; inget har återställts:\n"
            f"{shown}{more}"
        )
    return manifest


def has_existing_data():
    """Whether a restore would overwrite something: tables in the database, or files."""
    if connection.introspection.table_names():
        return True
    return any(_files_under(root) for root in file_roots().values())


def _replace_folder(root, source):
    """Make `root` hold exactly the files under `source` (the folder itself is kept, since it
    may be a mount point)."""
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        shutil.copytree(source, root, dirs_exist_ok=True)


def restore_backup(folder, overwrite=False):
    folder = Path(folder)
    manifest = read_manifest(folder)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"Säkerhetskopian är gjord från {manifest['database']['vendor']}, men den här "
            f"installationen använder {vendor}. Återställ till samma slags databas."
        )
    if not overwrite and has_existing_data():
        raise BackupError(
            "Databasen eller filmapparna innehåller redan data, som återställningen skriver "
            "över. Kör igen med --yes för att bekräfta."
        )
    load_database(folder / manifest["database"]["file"], vendor)
    for name, root in file_roots().items():
        _replace_folder(root, folder / name)
    return manifest
