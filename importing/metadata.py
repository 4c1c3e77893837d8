"""The metadata a Word styrdokument states about itself, read into Styrdokument fields.

Kommuner write it in a table at the top ("Beslutad av | Kommunfullmäktige"), in "Label: value"
lines under the title, or in the page header ("Dnr KS 2024/118"). Each value is read by the
same rules as the editor's (the kommun's diarienummer pattern, its beslutande organ, its
people); what cannot be read is listed, never guessed.
"""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from governance.constants import DocumentType
from governance.models import DecisionBody, Role, StyrdokSettings

# Label (lower case, without a trailing colon) -> Styrdokument field.
LABELS = {
    "field:decision_body": (
        "beslutad av",
        "beslutande organ",
        "beslutande",
        "fastställd av",
        "faststalld av",
        "antagen av",
        "beslutsinstans",
    ),
    "field:decision_date": (
        "beslutsdatum",
        "beslutad",
        "beslutad datum",
        "datum för beslut",
        "fastställd",
        "fastställd datum",
        "antagen",
        "antagen datum",
    ),
    "field:diarienummer": ("diarienummer", "dnr", "dnr.", "diarienr", "diarienr.", "ärendenummer"),
    "field:protocol_paragraph": ("§", "paragraf", "protokollsparagraf", "beslutsparagraf"),
    "field:responsible": (
        "dokumentansvarig",
        "ansvarig",
        "dokumentägare",
        "ägare",
        "ansvarig för dokumentet",
    ),
    "field:next_review": (
        "revideras",
        "revideras senast",
        "revidering",
        "nästa revision",
        "nästa översyn",
        "ska revideras",
        "översyn",
        "ska ses över",
    ),
    "field:valid_until": ("gäller till", "giltig till", "giltighetstid", "gäller t.o.m."),
    "field:valid_from": ("gäller från", "giltig från", "gäller fr.o.m.", "gäller fr o m"),
    "field:document_type": ("dokumenttyp", "typ av dokument", "typ"),
    "field:supersedes_note": ("ersätter",),
}
FIELD_OF_LABEL = {label: key.split(":")[1] for key, labels in LABELS.items() for label in labels}

# Labels a kommun's front table often has that Styrdok keeps elsewhere or not at all.
KNOWN_ELSEWHERE = ("målgrupp", "gäller för", "version", "status", "sekretess", "klassning")

# Document type words as kommuner write them.
TYPE_WORDS = {
    "policy": DocumentType.POLICY,
    "program": DocumentType.PROGRAM,
    "riktlinje": DocumentType.RIKTLINJE,
    "riktlinjer": DocumentType.RIKTLINJE,
    "rutin": DocumentType.RUTIN,
    "instruktion": DocumentType.RUTIN,
    "stödanvisning": DocumentType.STODANVISNING,
    "anvisning": DocumentType.STODANVISNING,
    "vägledning": DocumentType.STODANVISNING,
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb"),
            ("mars", "mar"),
            ("april", "apr"),
            ("maj",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("augusti", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
INTERVALS = {
    "årligen": 12,
    "varje år": 12,
    "en gång per år": 12,
    "vartannat år": 24,
    "vart annat år": 24,
    "vart tredje år": 36,
    "var tredje år": 36,
}
LABEL_LINE = re.compile(r"^\s*([A-Za-zÅÄÖåäö§ .]{1,40}?)\s*[:]\s*(.+)$")
# "Dnr KS 2024/118" and "§ 45" in a header carry no colon.
BARE_LABEL = re.compile(r"^\s*(dnr\.?|diarienummer|§)\s+(.+)$", re.IGNORECASE)
DECISION_PARAGRAPH = re.compile(r"§\s*(\d{1,5})\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def normalise_label(label):
    return " ".join(str(label or "").split()).lower().rstrip(":").strip()


def field_for_label(label):
    return FIELD_OF_LABEL.get(normalise_label(label), "")


def split_label_line(line):
    """("Dnr", "KS 2024/118") from "Dnr: KS 2024/118" or "Dnr KS 2024/118", else None."""
    line = " ".join(str(line or "").split())
    for pattern in (LABEL_LINE, BARE_LABEL):
        match = pattern.match(line)
        if match and field_for_label(match.group(1)):
            return (match.group(1).strip(), match.group(2).strip())
    return None


def table_label_rows(rows):
    """The (label, value) pairs of a metadata table: label | value rows, or two pairs a row
    (label | value | label | value). None unless at least two labels are known ones."""
    pairs = []
    for cells in rows:
        if len(cells) not in (2, 4):
            return None
        pairs.extend((cells[i], cells[i + 1]) for i in range(0, len(cells), 2))
    known = sum(1 for label, _value in pairs if field_for_label(label))
    if known < 2:
        return None
    return [(label, value) for label, value in pairs if label or value]


# -- reading values -------------------------------------------------------------------------


def parse_date(text):
    """A date as Swedish documents write it: 2024-03-12, 2024.03.12, 12 mars 2024, 20240312."""
    text = " ".join(str(text or "").split()).lower()
    patterns = (
        (r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})", (1, 2, 3)),
        (r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", (3, 2, 1)),
        (r"(\d{4})(\d{2})(\d{2})", (1, 2, 3)),
    )
    for pattern, (y, m, d) in patterns:
        match = re.search(rf"(?<!\d){pattern}(?!\d)", text)
        if match:
            return _date(match.group(y), match.group(m), match.group(d))
    match = re.search(r"(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})", text)
    if match and match.group(2) in MONTHS:
        return _date(match.group(3), MONTHS[match.group(2)], match.group(1))
    return None


def _date(year, month, day):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_body(text):
    """The beslutande organ named by `text` (its name, short name or code)."""
    wanted = normalise_label(re.sub(r"\(.*?\)", "", text))
    if not wanted:
        return None
    for body in DecisionBody.objects.all():
        names = {normalise_label(body.name), normalise_label(body.code)}
        names.add(normalise_label(re.sub(r"\(.*?\)", "", body.name)))
        if body.short_name:
            names.add(normalise_label(body.short_name))
        if wanted in names or normalise_label(text) in names:
            return body
    return None


def find_person(text):
    """(user, role) for a dokumentansvarig written as an e-mail address, a name or a role."""
    users = get_user_model().objects.filter(is_active=True)
    email = EMAIL.search(text)
    if email:
        return users.filter(email__iexact=email.group(0)).first(), None
    for part in re.split(r"\s+[–-]\s+|,", text):
        words = part.split()
        if len(words) >= 2:
            query = Q(first_name__iexact=" ".join(words[:-1]), last_name__iexact=words[-1]) | Q(
                first_name__iexact=words[0], last_name__iexact=" ".join(words[1:])
            )
            user = users.filter(query).first()
            if user is not None:
                return user, None
    for role in Role.objects.all():
        name = role.name.lower()
        for part in re.split(r"\s+[–-]\s+|,", text.lower()):
            part = part.strip()
            if part in (name, name + "en", name + "n") or part.removesuffix("en") == name:
                return None, role
    return None, None


# -- into the conversion --------------------------------------------------------------------


def read_metadata(conversion, rows):
    """Fill conversion.metadata and metadata_found from (label, value) rows, first one wins."""
    from .docx import MetadataItem

    for label, value in rows:
        value = " ".join(str(value or "").split())
        field = field_for_label(label)
        if not field:
            if value and normalise_label(label) in KNOWN_ELSEWHERE:
                conversion.unmapped.append(
                    _(
                        "Uppgiften ”%(label)s: %(value)s” fördes inte över; fyll i den i "
                        "redigeraren."
                    )
                    % {"label": label, "value": value}
                )
            elif value and label:
                conversion.unmapped.append(
                    _("Okänd uppgift i dokumentets huvud: ”%(label)s: %(value)s”.")
                    % {"label": label, "value": value}
                )
            continue
        if not value or _already_read(conversion, field):
            continue
        shown, ok = READERS[field](conversion.metadata, value)
        conversion.metadata_found.append(
            MetadataItem(label=label, value=value, field=field, shown=shown, ok=ok)
        )
        if not ok:
            conversion.warnings.append(f"{label}: {shown}")


def _already_read(conversion, field):
    return any(item.field == field for item in conversion.metadata_found)


def _decision_parts(value):
    """(organ, date, §) from a decision written on one line, as many kommuner do:
    "Kommunfullmäktige 2019-04-29, § 53". Each is None when the line does not give it."""
    name = re.split(r"[,\d§]", value, maxsplit=1)[0].strip(" ,:-–")
    body = find_body(value) or (find_body(name) if name else None)
    match = DECISION_PARAGRAPH.search(value)
    paragraph = int(match.group(1)) if match and 1 <= int(match.group(1)) <= 99999 else None
    return body, parse_date(value), paragraph


def _take_decision_parts(metadata, body, date, paragraph):
    """Fill what the line gave; a row of its own in the file (read directly) wins."""
    shown = []
    if body is not None:
        metadata.setdefault("decision_body_id", body.pk)
        shown.append(body.name)
    if date is not None:
        metadata.setdefault("decision_date", date)
        shown.append(date.isoformat())
    if paragraph is not None:
        metadata.setdefault("protocol_paragraph", paragraph)
        shown.append(f"§ {paragraph}")
    return ", ".join(shown)


def _read_body(metadata, value):
    body, date, paragraph = _decision_parts(value)
    shown = _take_decision_parts(metadata, body, date, paragraph)
    if body is None:
        return (
            _("Inget beslutande organ i Styrdok heter ”%(value)s”; välj organ i redigeraren.")
            % {"value": value},
            False,
        )
    return shown, True


def _read_decision_date(metadata, value):
    body, date, paragraph = _decision_parts(value)
    if date is None:
        return _date_reader("decision_date")(metadata, value)
    metadata["decision_date"] = date
    return _take_decision_parts(metadata, body, date, paragraph), True


def _date_reader(field):
    def read(metadata, value):
        date = parse_date(value)
        if date is None:
            return (
                _("”%(value)s” kunde inte läsas som ett datum (skriv ÅÅÅÅ-MM-DD).")
                % {"value": value},
                False,
            )
        metadata[field] = date
        return date.isoformat(), True

    return read


def _read_next_review(metadata, value):
    interval = INTERVALS.get(normalise_label(value))
    if interval:
        metadata["review_interval_months"] = interval
        return _("Granskningsintervall %(months)s månader") % {"months": interval}, True
    return _date_reader("next_review")(metadata, value)


def _read_dnr(metadata, value):
    try:
        canonical = StyrdokSettings.load().clean_diarienummer(value)
    except ValidationError as error:
        return " ".join(error.messages), False
    metadata["diarienummer"] = canonical
    return canonical, True


def _read_paragraph(metadata, value):
    match = re.search(r"\d+", value)
    number = int(match.group(0)) if match else 0
    if not 1 <= number <= 99999:
        return _("”%(value)s” är inget paragrafnummer.") % {"value": value}, False
    metadata["protocol_paragraph"] = number
    return f"§ {number}", True


def _read_responsible(metadata, value):
    user, role = find_person(value)
    if user is not None:
        metadata["responsible_id"] = user.pk
        return user.get_full_name() or user.get_username(), True
    if role is not None:
        metadata["responsible_role_id"] = role.pk
        return _("Rollen %(role)s (välj person i redigeraren)") % {"role": role.name}, True
    email = EMAIL.search(value)
    if email:
        metadata["contact_email"] = email.group(0)[:254]
    metadata["contact_name"] = EMAIL.sub("", value).strip(" ,<>()")[:150]
    return (
        _("Ingen användare eller roll i Styrdok heter ”%(value)s”; sparas som kontakt.")
        % {"value": value},
        False,
    )


def _read_type(metadata, value):
    word = normalise_label(value).split(" ")[0] if value else ""
    document_type = TYPE_WORDS.get(word)
    if document_type is None:
        return _("”%(value)s” är ingen dokumenttyp i Styrdok.") % {"value": value}, False
    metadata["document_type"] = str(document_type)
    return str(DocumentType(document_type).label), True


def _read_supersedes(metadata, value):
    metadata["supersedes_note"] = value[:255]
    return value[:255], True


READERS = {
    "decision_body": _read_body,
    "decision_date": _read_decision_date,
    "diarienummer": _read_dnr,
    "protocol_paragraph": _read_paragraph,
    "responsible": _read_responsible,
    "next_review": _read_next_review,
    "valid_until": _date_reader("valid_until"),
    "valid_from": _date_reader("valid_from"),
    "document_type": _read_type,
    "supersedes_note": _read_supersedes,
}
