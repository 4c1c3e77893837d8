"""Staff's home units from the HR system's export: `användare;organisation` per row.

All or nothing: every row is checked first and each problem named with its row number; only a
file without problems is saved, in one transaction.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import Organisation

from .models import Membership

logger = logging.getLogger(__name__)

HEADER_WORDS = {
    "användare",
    "anvandare",
    "användarnamn",
    "anvandarnamn",
    "e-post",
    "epost",
    "username",
    "email",
}
MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(Exception):
    """The file cannot be imported; `errors` names every problem (rows first)."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rows: list = field(default_factory=list)

    def summary(self, dry_run=False):
        total = self.created + self.changed + self.unchanged
        verb = "skulle importeras" if dry_run else "importerade"
        return (
            f"{total} tillhörigheter {verb}: {self.created} nya, {self.changed} ändrade, "
            f"{self.unchanged} oförändrade."
        )


def decode(data):
    if len(data) > MAX_BYTES:
        raise ImportRefused(["Filen är större än 20 MB. Dela upp den i flera filer."])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(["Filen går inte att läsa som text. Spara den som CSV (UTF-8)."])


def parse_rows(text):
    """[(row number, user key, organisation key)], the header row (if any) left out."""
    if "\x00" in text:
        raise ImportRefused(["Filen är ingen CSV-fil. Spara exporten som CSV med semikolon."])
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows, errors = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in HEADER_WORDS:
            continue
        if len(cells) != 2 or not all(cells):
            errors.append(
                f"Rad {number}: ska ha två fält, användarnamn eller e-post och organisation, "
                f"åtskilda med semikolon."
            )
            continue
        rows.append((number, cells[0], cells[1]))
    if not rows and not errors:
        errors.append("Filen innehåller inga rader att importera.")
    return rows, errors


def _user_index():
    """Active and inactive accounts by username and e-mail (lower case); an e-mail shared by
    several accounts maps to None (ambiguous)."""
    users = {}
    for user in get_user_model().objects.only("pk", "username", "email"):
        users[user.username.lower()] = user
        if user.email:
            key = user.email.lower()
            users[key] = None if key in users and users[key] != user else user
    return users


def _organisation_index():
    index = {}
    for organisation in Organisation.objects.all():
        for key in {organisation.name.lower(), organisation.short_name.lower()} - {""}:
            index.setdefault(key, []).append(organisation)
    return index


def resolve(rows):
    """[(row number, user, organisation)] and the problems, row by row."""
    users, organisations = _user_index(), _organisation_index()
    resolved, errors, seen = [], [], {}
    for number, user_key, organisation_key in rows:
        user = users.get(user_key.lower(), False)
        matches = organisations.get(organisation_key.lower(), [])
        if user is False:
            errors.append(f"Rad {number}: hittar ingen användare ”{user_key}”.")
        elif user is None:
            errors.append(
                f"Rad {number}: e-postadressen ”{user_key}” har flera användare. "
                "Ange användarnamnet i stället."
            )
        elif user.pk in seen:
            errors.append(f"Rad {number}: ”{user_key}” står redan på rad {seen[user.pk]}.")
        if not matches:
            errors.append(f"Rad {number}: hittar ingen organisation ”{organisation_key}”.")
        elif len(matches) > 1:
            errors.append(
                f"Rad {number}: ”{organisation_key}” kan vara flera organisationer "
                f"({', '.join(sorted(o.name for o in matches))}). Ange det fullständiga namnet."
            )
        if user and matches and len(matches) == 1 and user.pk not in seen:
            seen[user.pk] = number
            resolved.append((number, user, matches[0]))
    return resolved, errors


def import_memberships(data, dry_run=False):
    """Import the CSV `data` (bytes); raises ImportRefused naming every problem."""
    rows, errors = parse_rows(decode(data))
    resolved, more = resolve(rows) if rows else ([], [])
    errors += more
    if errors:
        raise ImportRefused(sorted(errors, key=_row_number))
    result = ImportResult()
    existing = {
        m.user_id: m
        for m in Membership.objects.filter(user__in=[user for _n, user, _o in resolved])
    }
    with transaction.atomic():
        for _number, user, organisation in resolved:
            current = existing.get(user.pk)
            if current is not None and current.organisation_id == organisation.pk:
                result.unchanged += 1
                continue
            if current is None:
                result.created += 1
            else:
                result.changed += 1
            if not dry_run:
                Membership.objects.update_or_create(
                    user=user,
                    defaults={"organisation": organisation, "source": Membership.IMPORT},
                )
    return result


def _row_number(error):
    head = error.split(":", 1)[0]
    digits = head.removeprefix("Rad ")
    return int(digits) if digits.isdigit() else 0


# -- from the SSO login --------------------------------------------------------------------------


def membership_from_claims(sender, user, claims, **kwargs):
    """Keep the home unit from the IdP's claim (STYRDOK_OIDC_ORGANISATION_CLAIM) at every login.

    A unit set by hand in the admin wins: the samordnare may know better than the directory.
    A value that names no organisation (or several) changes nothing and is logged.
    """
    claim = getattr(settings, "STYRDOK_OIDC_ORGANISATION_CLAIM", "")
    value = str(claims.get(claim) or "").strip() if claim else ""
    if not value:
        return
    current = Membership.objects.filter(user=user).first()
    if current is not None and current.source == Membership.MANUAL:
        return
    matches = _organisation_index().get(value.lower(), [])
    if len(matches) != 1:
        logger.warning(
            "Inloggningen anger organisationen %r för %s, som inte motsvarar en enda "
            "organisation i Styrdok; tillhörigheten ändras inte.",
            value,
            user.get_username(),
        )
        return
    if current is None or current.organisation_id != matches[0].pk:
        Membership.objects.update_or_create(
            user=user, defaults={"organisation": matches[0], "source": Membership.SSO}
        )
