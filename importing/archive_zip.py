"""The zip of a bulk import, read defensively.

The zip comes from a person's computer and is opened on the server, so nothing it declares is
trusted: a member's name may point outside the archive (../, an absolute path, a drive letter),
its declared size may be a lie (a zip bomb declares little and inflates to gigabytes) and it may
hold thousands of files. The limits are settings (STYRDOK_IMPORT_ZIP_*); a member is read in
chunks and refused as soon as it grows past what it may be, never inflated in full first.
"""

import contextlib
import posixpath
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
CHUNK = 256 * 1024

# What zip tools and office programs leave behind; never named in a CSV, never imported.
JUNK_PREFIXES = ("__MACOSX/",)
JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
# A compressed member this small cannot do harm whatever its ratio (e.g. an almost empty file).
RATIO_FLOOR = MB


class ZipArchiveError(Exception):
    """The zip as a whole cannot be used: nothing in it is imported."""


class ZipMemberError(Exception):
    """One file in the zip cannot be read (too large, or larger than it declared)."""


@dataclass
class Limits:
    max_files: int
    max_total: int
    max_file: int
    max_ratio: int

    @classmethod
    def from_settings(cls):
        return cls(
            max_files=settings.STYRDOK_IMPORT_ZIP_MAX_FILES,
            max_total=settings.STYRDOK_IMPORT_ZIP_MAX_MB * MB,
            max_file=settings.STYRDOK_IMPORT_MAX_MB * MB,
            max_ratio=settings.STYRDOK_IMPORT_ZIP_MAX_RATIO,
        )


def member_name(info):
    """The member's name as its author wrote it. Zip tools that store UTF-8 without saying so
    (the flag) are read as cp437 by Python; those bytes are tried as UTF-8 again."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def unsafe_name(name):
    """Whether a member's path leaves the folder the zip is unpacked in."""
    parts = name.split("/")
    return (
        name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in parts)
        or "\x00" in name
    )


def is_junk(name):
    base = posixpath.basename(name)
    return (
        name.startswith(JUNK_PREFIXES)
        or base.casefold() in JUNK_NAMES
        or base.startswith("~$")
        or base.startswith("._")
    )


def _key(name):
    return unicodedata.normalize("NFC", name).casefold()


@dataclass
class ImportArchive:
    """The usable members of a zip, by name, and how to read each one within the limits."""

    filename: str
    archive: zipfile.ZipFile
    limits: Limits
    members: dict = field(default_factory=dict)  # name -> ZipInfo
    ignored: list = field(default_factory=list)

    def find(self, wanted):
        """The member a CSV row names: the same path (any case), or the only file with that
        name when the row gives no folder. None if there is none."""
        wanted = wanted.replace("\\", "/").strip().lstrip("./")
        by_key = {_key(name): name for name in self.members}
        if _key(wanted) in by_key:
            return by_key[_key(wanted)]
        if "/" not in wanted:
            same = [n for n in self.members if _key(posixpath.basename(n)) == _key(wanted)]
            if len(same) == 1:
                return same[0]
        return None

    def read(self, name):
        """The member's bytes, read no further than it declared and the per-file limit."""
        info = self.members[name]
        if info.file_size > self.limits.max_file:
            raise ZipMemberError(
                _("”%(file)s” är %(size)s MB; en fil får vara högst %(max)s MB.")
                % {
                    "file": name,
                    "size": round(info.file_size / MB, 1),
                    "max": self.limits.max_file // MB,
                }
            )
        allowed = info.file_size
        chunks, total = [], 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    total += len(chunk)
                    if total > allowed:
                        raise ZipMemberError(
                            _(
                                "”%(file)s” packas upp till mer än zip-filen anger; filen är "
                                "skadad eller konstruerad för att överbelasta servern."
                            )
                            % {"file": name}
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ZipMemberError(
                _("”%(file)s” kunde inte packas upp ur zip-filen: %(error)s")
                % {"file": name, "error": exc}
            ) from None
        return b"".join(chunks)

    def close(self):
        self.archive.close()


def open_archive(source, filename, limits=None):
    """An ImportArchive for the zip in `source` (a path or a binary file object); a Swedish
    ZipArchiveError naming the problem if it cannot be used safely."""
    limits = limits or Limits.from_settings()
    try:
        archive = zipfile.ZipFile(source)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ZipArchiveError(
            _("”%(file)s” är ingen zip-fil eller är skadad. Packa filerna igen och försök på nytt.")
            % {"file": filename}
        ) from None
    result = ImportArchive(filename=filename, archive=archive, limits=limits)
    try:
        _collect(result, infos)
        _check_limits(result)
    except ZipArchiveError:
        archive.close()
        raise
    return result


def _collect(result, infos):
    problems, seen = [], {}
    for info in infos:
        name = member_name(info)
        if info.is_dir() or name.endswith("/"):
            continue
        if unsafe_name(name):
            problems.append(
                _("”%(name)s” pekar ut ur zip-filen (../ eller en absolut sökväg).")
                % {"name": name}
            )
            continue
        if is_junk(name):
            result.ignored.append(name)
            continue
        if info.flag_bits & 0x1:
            problems.append(_("”%(name)s” är lösenordsskyddad i zip-filen.") % {"name": name})
            continue
        if _key(name) in seen:
            problems.append(
                _("”%(name)s” finns två gånger i zip-filen (också som ”%(other)s”).")
                % {"name": name, "other": seen[_key(name)]}
            )
            continue
        seen[_key(name)] = name
        result.members[name] = info
    if problems:
        raise ZipArchiveError(
            _("Zip-filen ”%(file)s” kan inte användas: %(problems)s")
            % {"file": result.filename, "problems": " ".join(problems)}
        )


def _check_limits(result):
    limits, infos = result.limits, list(result.members.values())
    if len(infos) > limits.max_files:
        raise ZipArchiveError(
            _("Zip-filen ”%(file)s” innehåller %(count)s filer; en import tar högst %(max)s.")
            % {"file": result.filename, "count": len(infos), "max": limits.max_files}
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total:
        raise ZipArchiveError(
            _(
                "Zip-filen ”%(file)s” blir %(size)s MB uppackad; en import tar högst %(max)s MB. "
                "Dela upp importen i flera zip-filer."
            )
            % {"file": result.filename, "size": round(total / MB), "max": limits.max_total // MB}
        )
    for name, info in result.members.items():
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise ZipArchiveError(
                _(
                    "”%(name)s” i zip-filen packas upp %(ratio)s gånger större än den är "
                    "packad (högst %(max)s gånger): filen ser ut att vara konstruerad för att "
                    "överbelasta servern (en zip-bomb)."
                )
                % {"name": name, "ratio": round(ratio), "max": limits.max_ratio}
            )
