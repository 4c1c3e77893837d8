"""The metadata CSV of a bulk import: its columns, its values and what they name in Styrdok.

A kommun makes the CSV in Excel, so it arrives as Swedish Excel saves it: semicolons (or
commas, or tabs from "Unicode-text"), UTF-8 with or without a byte-order mark, or Windows-1252
from "CSV (semikolonavgränsad)", dates written the Swedish way. Every problem is reported in
Swedish with the row number Excel shows (the header is row 1) and the file the row names, so
the person who made the sheet can find and fix it; nothing here writes to the database.
"""

import calendar
import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from governance.constants import DocumentType
from governance.fields import clean_diarienummer
from governance.models import DecisionBody, Role
from policies.models import (
    PolicyPage,
    Publicity,
    RegisterPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)
from policies.models.choices import version_validator


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple
    required: bool
    description: str


# The columns, in the order the demo CSV and the README list them.
COLUMNS = (
    Column(
        "file",
        "fil",
        ("filnamn", "fil i zip-filen"),
        True,
        "Filens namn i zip-filen (.docx eller .pdf), med mapp om den ligger i en mapp.",
    ),
    Column("title", "titel", ("dokumentnamn", "namn"), True, "Dokumentets titel."),
    Column(
        "document_type",
        "dokumenttyp",
        ("typ",),
        True,
        "Policy, Program, Riktlinje, Rutin eller Stödanvisning.",
    ),
    Column(
        "parent",
        "förälder",
        ("överordnat dokument", "placering", "foralder"),
        False,
        "Var dokumentet placeras: titeln på ett dokument i Styrdok eller på en annan rad i "
        "filen, en sökväg som /styrdokument/informationssakerhetspolicy/ eller ett sid-id. "
        "Tomt: den förälder som valts för hela importen.",
    ),
    Column(
        "decision_body",
        "beslutad av",
        ("beslutande organ", "organ"),
        False,
        "Beslutande organ: namn, förkortning eller kod, t.ex. Kommunstyrelsen eller KS.",
    ),
    Column(
        "decision_date",
        "beslutsdatum",
        ("beslutad", "datum för beslut"),
        False,
        "ÅÅÅÅ-MM-DD (även 12 mars 2024, 12/3 2024 och 20240312 går bra).",
    ),
    Column("diarienummer", "dnr", ("diarienummer",), False, "T.ex. KS-2024-118."),
    Column(
        "paragraph",
        "§",
        ("paragraf", "protokollsparagraf", "protokollsparagraf (§)"),
        False,
        "Protokollsparagraf, t.ex. 45 eller § 45.",
    ),
    Column(
        "responsible",
        "dokumentansvarig",
        ("ansvarig",),
        False,
        "Användarnamn, e-postadress eller för- och efternamn; eller namnet på en roll.",
    ),
    Column(
        "next_review",
        "revideras",
        ("revideras senast", "nästa revision", "nästa översyn"),
        False,
        "Datum för nästa revision (ÅÅÅÅ-MM-DD).",
    ),
    Column(
        "publicity",
        "publicering",
        (),
        False,
        "Offentlig eller Intern. Tomt: Intern.",
    ),
    Column(
        "historical",
        "historisk",
        ("historiskt beslut", "tidigare beslut"),
        False,
        "Ja: raden är ett tidigare beslut som registreras som importerad version med "
        "originalfilen. Tomt eller Nej: raden blir ett utkast.",
    ),
    Column(
        "version",
        "version",
        (),
        False,
        "Versionsbeteckning, t.ex. 1.0 eller 2.1. Tomt: räknas fram.",
    ),
    Column(
        "existing",
        "befintligt",
        ("befintligt dokument", "finns i styrdok"),
        False,
        "Ett dokument som redan finns i Styrdok (sid-id, sökväg eller titel): raden är ett "
        "tidigare beslut om det och registreras som importerad version med originalfilen, "
        "äldre än dokumentets versioner. Inget utkast skapas och dokumentet ändras inte. "
        "Tomt: raden gäller ett nytt dokument.",
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

PAGE_CLASSES = {
    DocumentType.POLICY: PolicyPage,
    DocumentType.PROGRAM: PolicyPage,
    DocumentType.RIKTLINJE: RiktlinjePage,
    DocumentType.RUTIN: RutinPage,
    DocumentType.STODANVISNING: StodanvisningPage,
}

TYPE_WORDS = {
    "policy": DocumentType.POLICY,
    "policyer": DocumentType.POLICY,
    "program": DocumentType.PROGRAM,
    "riktlinje": DocumentType.RIKTLINJE,
    "riktlinjer": DocumentType.RIKTLINJE,
    "rutin": DocumentType.RUTIN,
    "rutiner": DocumentType.RUTIN,
    "instruktion": DocumentType.RUTIN,
    "stödanvisning": DocumentType.STODANVISNING,
    "stödanvisningar": DocumentType.STODANVISNING,
    "stodanvisning": DocumentType.STODANVISNING,
}
YES = {"ja", "j", "x", "1", "true", "sant", "yes"}
NO = {"", "nej", "n", "0", "false", "falskt", "no"}
PUBLICITY_WORDS = {
    "offentlig": Publicity.PUBLIC,
    "offentligt": Publicity.PUBLIC,
    "public": Publicity.PUBLIC,
    "extern": Publicity.PUBLIC,
    "intern": Publicity.INTERNAL,
    "internt": Publicity.INTERNAL,
    "internal": Publicity.INTERNAL,
}
MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
MONTH_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items()}
MONTH_ABBREVIATIONS["sept"] = 9
MONTH_NAMES = {number: name for name, number in MONTHS.items()}

DATE_HINT = "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2024-03-12."
EARLIEST_YEAR = 1900


class CsvFileError(Exception):
    """The CSV as a whole cannot be read: nothing in it is imported."""


@dataclass
class CsvRow:
    """One data row, its values cleaned, and what is wrong with it."""

    number: int
    raw: dict
    filename: str = ""
    title: str = ""
    document_type: str = ""
    parent_ref: str = ""
    decision_body_ref: str = ""
    decision_date: datetime.date | None = None
    diarienummer: str = ""
    paragraph: int | None = None
    responsible_ref: str = ""
    next_review: datetime.date | None = None
    publicity: str = Publicity.INTERNAL
    historical: bool = False
    version: str = ""
    existing_ref: str = ""
    errors: list = field(default_factory=list)
    # The zip member the row names (bulk.py), and what resolve_rows finds.
    member: str = ""
    page_class: type | None = None
    parent: Page | None = None
    parent_row: "CsvRow | None" = None
    decision_body: DecisionBody | None = None
    responsible: object = None
    responsible_role: Role | None = None
    existing: Styrdokument | None = None

    @property
    def label(self):
        """How messages name the row: "Rad 3 (”policy.docx”)"."""
        if self.filename:
            return _("Rad %(row)s (”%(file)s”)") % {"row": self.number, "file": self.filename}
        return _("Rad %(row)s") % {"row": self.number}

    def error(self, message):
        self.errors.append(f"{self.label}: {message}")

    @property
    def document_key(self):
        """Rows with the same title under the same parent describe one document; rows naming
        the same existing document describe that one."""
        if self.existing is not None:
            return ("befintligt", self.existing.pk)
        return (normalise(self.parent_ref), normalise(self.title))


def normalise(text):
    """Case, spacing and Unicode form folded, for matching what a person typed."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return " ".join(text.split()).casefold()


def _header_key(text):
    return normalise(text).rstrip(":*").strip()


HEADER_KEYS = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        HEADER_KEYS[_header_key(_name)] = _column.key


# -- reading the file ---------------------------------------------------------------------------


def decode_csv(data, filename):
    """The text of the CSV: UTF-8 (with or without BOM), UTF-16 from Excel's "Unicode-text",
    or Windows-1252 from Excel's "CSV (semikolonavgränsad)"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            if "\ufffd" not in text:
                return text
    raise CsvFileError(
        _(
            "”%(file)s” går inte att läsa som text. Spara den i Excel som ”CSV UTF-8 "
            "(kommaavgränsad)” eller ”CSV (semikolonavgränsad)”."
        )
        % {"file": filename}
    )


def _delimiter(first_line):
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _csv_problem(error):
    """What the csv module's error (in English) means, in Swedish."""
    if "field larger than field limit" in str(error):
        return _(
            "ett fält är längre än %(max)s tecken. Kontrollera att filen är rätt CSV-fil och "
            'att inget citattecken (") saknar sitt slut.'
        ) % {"max": f"{csv.field_size_limit():,}".replace(",", " ")}
    return _("raden är inte giltig CSV. Spara filen ur Excel som CSV igen.")


def read_table(data, filename, max_rows):
    """(header, [(row number, cells)]) from the CSV's bytes; blank lines are left out."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(_("”%(file)s” är ingen CSV-fil.") % {"file": filename})
    text = decode_csv(data, filename)
    if not text.strip():
        raise CsvFileError(_("”%(file)s” är tom.") % {"file": filename})
    first_line = text.lstrip("\ufeff").splitlines()[0]
    # Universal newlines: Excel for Mac ("CSV (Macintosh)") ends its lines with CR alone.
    stream = io.StringIO(text.lstrip("\ufeff"), newline=None)
    reader = csv.reader(stream, delimiter=_delimiter(first_line))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise CsvFileError(
            _("”%(file)s” kunde inte läsas som CSV (rad %(row)s): %(error)s")
            % {"file": filename, "row": reader.line_num, "error": _csv_problem(exc)}
        ) from None
    header, rows = records[0], []
    for number, cells in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in cells):
            rows.append((number, cells))
    if len(rows) > max_rows:
        raise CsvFileError(
            _("”%(file)s” har %(count)s rader; en import tar högst %(max)s.")
            % {"file": filename, "count": len(rows), "max": max_rows}
        )
    if not rows:
        raise CsvFileError(_("”%(file)s” har inga rader under rubrikraden.") % {"file": filename})
    return header, rows


def map_header(header, rows, filename):
    """{column index: key} for the header row; unknown, unnamed, repeated or missing columns
    are an error for the whole file."""
    problems, mapping, seen = [], {}, {}
    for index, name in enumerate(header):
        if not name.strip():
            # Excel writes a trailing separator for an empty column; only a named one counts.
            if any(index < len(cells) and cells[index].strip() for _n, cells in rows):
                problems.append(
                    _("Kolumn %(number)s har värden men ingen rubrik.") % {"number": index + 1}
                )
            continue
        key = HEADER_KEYS.get(_header_key(name))
        if key is None:
            problems.append(
                _("Okänd kolumn ”%(name)s”. Kolumnerna som går att använda är: %(known)s.")
                % {"name": name.strip(), "known": ", ".join(c.header for c in COLUMNS)}
            )
        elif key in seen:
            problems.append(
                _("Kolumnen ”%(name)s” finns två gånger (kolumn %(first)s och %(second)s).")
                % {"name": COLUMNS_BY_KEY[key].header, "first": seen[key], "second": index + 1}
            )
        else:
            seen[key] = index + 1
            mapping[index] = key
    missing = [c.header for c in COLUMNS if c.required and c.key not in mapping.values()]
    for name in missing:
        problems.append(_("Kolumnen ”%(name)s” saknas; den måste finnas.") % {"name": name})
    if problems:
        raise CsvFileError(
            _("Rubrikraden i ”%(file)s”: %(problems)s")
            % {"file": filename, "problems": " ".join(problems)}
        )
    return mapping


def parse_csv(data, filename="metadata.csv", max_rows=1000, today=None):
    """Every data row with its values cleaned; a CsvFileError if the file cannot be used."""
    header, records = read_table(data, filename, max_rows)
    mapping = map_header(header, records, filename)
    rows = []
    for number, cells in records:
        raw = dict.fromkeys(COLUMNS_BY_KEY, "")
        for index, key in mapping.items():
            if index < len(cells):
                raw[key] = cells[index].strip()
        row = CsvRow(number=number, raw=raw)
        clean_row(row, today or timezone.localdate())
        rows.append(row)
    return rows


# -- values ------------------------------------------------------------------------------------


def parse_date(text):
    """A date from the forms a Swedish sheet holds; ValueError with the reason otherwise."""
    value = " ".join(str(text).split()).casefold()
    value = re.sub(r"[ t]00:00(:00)?$", "", value)
    patterns = (
        (r"(\d{4})[-./ ](\d{1,2})[-./ ](\d{1,2})", (0, 1, 2)),
        (r"(\d{4})(\d{2})(\d{2})", (0, 1, 2)),
        (r"(\d{1,2})[./](\d{1,2})[./ ] ?(\d{4})", (2, 1, 0)),
    )
    for pattern, order in patterns:
        match = re.fullmatch(pattern, value)
        if match:
            parts = match.groups()
            return _make_date(*(int(parts[i]) for i in order))
    match = re.fullmatch(r"(\d{1,2}) ([a-zåäö]+)\.? (\d{4})", value)
    if match:
        word = match.group(2)
        month = MONTHS.get(word) or MONTH_ABBREVIATIONS.get(word)
        if month:
            return _make_date(int(match.group(3)), month, int(match.group(1)))
    raise ValueError(_("är inte ett datum. %(hint)s") % {"hint": DATE_HINT})


def _make_date(year, month, day):
    if not 1 <= month <= 12:
        raise ValueError(_("finns inte: det finns ingen månad %(month)s.") % {"month": month})
    if year < EARLIEST_YEAR:
        raise ValueError(_("är före år %(year)s.") % {"year": EARLIEST_YEAR})
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(
            _("finns inte: %(month)s %(year)s har %(days)s dagar.")
            % {"month": MONTH_NAMES[month], "year": year, "days": days}
        )
    return datetime.date(year, month, day)


def parse_paragraph(text):
    match = re.fullmatch(r"§?\s*(\d{1,5})\s*§?", text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(_("är inte ett paragrafnummer. Skriv bara siffrorna, t.ex. 45."))
    return int(match.group(1))


def _clean_dates(row, today):
    for key in ("decision_date", "next_review"):
        text = row.raw[key]
        if not text:
            continue
        header = COLUMNS_BY_KEY[key].header.capitalize()
        try:
            value = parse_date(text)
        except ValueError as exc:
            row.error(f"{header} ”{text}” {exc}")
            continue
        if key == "decision_date" and value > today:
            row.error(
                _("Beslutsdatum ”%(value)s” ligger i framtiden; ett beslut har redan fattats.")
                % {"value": text}
            )
            continue
        setattr(row, key, value)
    if row.decision_date and row.next_review and row.next_review <= row.decision_date:
        row.error(
            _("Revideras (%(review)s) måste ligga efter beslutsdatum (%(decision)s).")
            % {"review": row.next_review, "decision": row.decision_date}
        )


def _clean_choices(row):
    type_text = row.raw["document_type"]
    if type_text:
        row.document_type = TYPE_WORDS.get(normalise(type_text), "")
        if not row.document_type:
            row.error(
                _(
                    "Okänd dokumenttyp ”%(value)s”. Ange Policy, Program, Riktlinje, Rutin "
                    "eller Stödanvisning."
                )
                % {"value": type_text}
            )
    publicity_text = row.raw["publicity"]
    row.publicity = PUBLICITY_WORDS.get(normalise(publicity_text), "")
    if not publicity_text:
        row.publicity = Publicity.INTERNAL
    elif not row.publicity:
        row.error(
            _("Publicering ”%(value)s” finns inte. Ange Offentlig eller Intern.")
            % {"value": publicity_text}
        )
    historical_text = normalise(row.raw["historical"])
    if historical_text in YES:
        row.historical = True
    elif historical_text not in NO:
        row.error(_("Historisk ”%(value)s”: ange Ja eller Nej.") % {"value": row.raw["historical"]})


def _clean_numbers(row):
    if row.raw["paragraph"]:
        try:
            row.paragraph = parse_paragraph(row.raw["paragraph"])
        except ValueError as exc:
            row.error(f"§ ”{row.raw['paragraph']}” {exc}")
    if row.raw["diarienummer"]:
        try:
            row.diarienummer = clean_diarienummer(row.raw["diarienummer"])
        except ValidationError as exc:
            row.error(" ".join(exc.messages))
    if row.raw["version"]:
        try:
            version_validator(row.raw["version"])
            row.version = row.raw["version"]
        except ValidationError as exc:
            row.error(
                _("Version ”%(value)s”: %(reason)s")
                % {
                    "value": row.raw["version"],
                    "reason": " ".join(exc.messages),
                }
            )


def clean_row(row, today):
    """Typed values from the row's text; each problem becomes a Swedish error on the row."""
    row.filename = row.raw["file"].replace("\\", "/").strip()
    row.title = " ".join(row.raw["title"].split())
    row.parent_ref = row.raw["parent"]
    row.decision_body_ref = row.raw["decision_body"]
    row.responsible_ref = row.raw["responsible"]
    for key in ("file", "title", "document_type"):
        if not row.raw[key]:
            row.error(
                _("Kolumnen ”%(name)s” är tom; den måste fyllas i.")
                % {"name": COLUMNS_BY_KEY[key].header}
            )
    if len(row.title) > 255:
        row.error(_("Titeln är längre än 255 tecken."))
    _clean_dates(row, today)
    _clean_choices(row)
    _clean_numbers(row)
    row.existing_ref = row.raw["existing"]
    if row.existing_ref:
        # A row about a document already in Styrdok can only be one of its earlier decisions.
        row.historical = True
    if row.historical:
        if not row.decision_body_ref:
            row.error(_("Ett historiskt beslut måste ange vem som beslutade (Beslutad av)."))
        if not row.raw["decision_date"]:
            row.error(_("Ett historiskt beslut måste ha ett beslutsdatum."))
    if row.document_type:
        row.page_class = PAGE_CLASSES[row.document_type]


# -- what the values name in Styrdok -------------------------------------------------------------


def find_decision_body(text):
    key = normalise(text)
    for body in DecisionBody.objects.all():
        if key in {normalise(body.name), normalise(body.short_name), normalise(body.code)}:
            return body
    return None


def find_person(text):
    """The one user a CSV names by username, e-mail or full name; (user, problem)."""
    users = get_user_model().objects.annotate(
        full_name=Lower(Concat("first_name", Value(" "), "last_name"))
    )
    key = normalise(text)
    matches = list(
        users.filter(Q(username__iexact=key) | Q(email__iexact=key) | Q(full_name=key))[:3]
    )
    if len(matches) > 1:
        return None, _("”%(value)s” passar flera användare; ange användarnamn eller e-post.") % {
            "value": text
        }
    if not matches:
        return None, None
    if not matches[0].is_active:
        return None, _(
            "Dokumentansvarig ”%(value)s” är inaktiverad; ange en person som arbetar kvar."
        ) % {"value": text}
    return matches[0], None


def _resolve_responsible(row):
    if not row.responsible_ref:
        return
    person, problem = find_person(row.responsible_ref)
    if problem:
        row.error(problem)
        return
    if person is not None:
        row.responsible = person
        return
    role = Role.objects.filter(name__iexact=row.responsible_ref.strip()).first()
    if role is None:
        row.error(
            _(
                "Okänd dokumentansvarig ”%(value)s”: ingen användare (användarnamn, e-post "
                "eller namn) eller roll heter så."
            )
            % {"value": row.responsible_ref}
        )
        return
    row.responsible_role = role


def _resolve_body(row):
    if not row.decision_body_ref:
        return
    row.decision_body = find_decision_body(row.decision_body_ref)
    if row.decision_body is None:
        names = ", ".join(DecisionBody.objects.values_list("name", flat=True))
        row.error(
            _("Okänt beslutande organ ”%(value)s”. Organen i Styrdok är: %(names)s.")
            % {"value": row.decision_body_ref, "names": names}
        )


def find_page(text, user=None, column=None):
    """A page the CSV names by id, path or title: (page, problem). Only styrdokument and the
    register can hold documents; a page hidden from `user` is not found."""
    column = column or COLUMNS_BY_KEY["parent"].header.capitalize()
    text = text.strip()
    holders = Page.objects.type(Styrdokument, RegisterPage)
    if re.fullmatch(r"\d+", text):
        candidates = holders.filter(pk=int(text))
    elif text.startswith("/"):
        path = "/" + "/".join(part for part in text.split("/") if part) + "/"
        candidates = holders.filter(url_path__endswith=path)
    else:
        candidates = holders.filter(title__iexact=" ".join(text.split()))
    found = [page.specific for page in candidates[:5]]
    found = [page for page in found if not _hidden(page, user)]
    if len(found) > 1:
        return None, _(
            "%(column)s ”%(value)s” passar flera sidor; ange sökvägen eller sidans id."
        ) % {
            "column": column,
            "value": text,
        }
    return (found[0], None) if found else (None, None)


def _hidden(page, user):
    return isinstance(page, Styrdokument) and user is not None and page.hidden_from(user)


def default_parent():
    return RegisterPage.objects.first()


def _resolve_parent(row, rows_by_title, parent, user):
    """The parent: another row of the CSV (created first), a page in Styrdok, or the parent
    chosen for the whole import."""
    if not row.parent_ref:
        row.parent = parent or default_parent()
        return
    same_file = [
        other
        for other in rows_by_title.get(normalise(row.parent_ref), [])
        if other is not row and not other.historical
    ] or [other for other in rows_by_title.get(normalise(row.parent_ref), []) if other is not row]
    if same_file:
        row.parent_row = same_file[0]
        return
    page, problem = find_page(row.parent_ref, user)
    if problem:
        row.error(problem)
    elif page is None:
        row.error(
            _(
                "Okänd förälder ”%(value)s”: varken ett dokument i Styrdok eller en annan rad "
                "i filen heter så."
            )
            % {"value": row.parent_ref}
        )
    else:
        row.parent = page


def parent_class(row):
    if row.parent_row is not None:
        return row.parent_row.page_class
    return type(row.parent) if row.parent is not None else None


def check_tree(row):
    """The page tree's rules (policies.models): e.g. a rutin sits under a riktlinje."""
    holder = parent_class(row)
    if row.page_class is None or holder is None:
        return
    if row.page_class in holder.allowed_subpage_models() and (
        holder in row.page_class.allowed_parent_page_models()
    ):
        return
    allowed = ", ".join(
        str(model._meta.verbose_name) for model in row.page_class.allowed_parent_page_models()
    )
    where = row.parent_ref or (row.parent.title if row.parent is not None else "")
    row.error(
        _("En %(type)s kan inte ligga under ”%(parent)s”; den ska ligga under: %(allowed)s.")
        % {
            "type": DocumentType(row.document_type).label.lower(),
            "parent": where,
            "allowed": allowed,
        }
    )


def _resolve_existing(row, user):
    """The document already in Styrdok that the row's decision belongs to; the row's editor
    must be allowed to edit it (the decision goes into its history)."""
    page, problem = find_page(row.existing_ref, user, column=_("Befintligt"))
    if problem:
        row.error(problem)
        return
    if not isinstance(page, Styrdokument):
        row.error(
            _(
                "Befintligt ”%(value)s”: inget styrdokument i Styrdok heter så eller har den "
                "sökvägen eller det id:t."
            )
            % {"value": row.existing_ref}
        )
        return
    if row.page_class is not None and type(page) is not row.page_class:
        row.error(
            _("”%(title)s” i Styrdok är en %(type)s, men raden anger dokumenttyp ”%(given)s”.")
            % {
                "title": page.title,
                "type": page._meta.verbose_name,
                "given": row.raw["document_type"],
            }
        )
        return
    if user is not None and not page.permissions_for_user(user).can_edit():
        row.error(
            _("Du får inte ändra ”%(title)s”, så du kan inte lägga till beslut i dess historik.")
            % {"title": page.title}
        )
        return
    row.existing = page


def resolve_rows(rows, parent=None, user=None):
    """Look up what each row names (organ, owner, parent or existing document) and check the
    page tree's rules."""
    # A parent read back from a foreign key (a stored upload) is a plain Page: the tree's rules
    # need its own class.
    parent = parent.specific if parent is not None else None
    rows_by_title = {}
    for row in rows:
        if not row.existing_ref:
            rows_by_title.setdefault(normalise(row.title), []).append(row)
    for row in rows:
        _resolve_body(row)
        _resolve_responsible(row)
        if row.existing_ref:
            _resolve_existing(row, user)
            continue
        _resolve_parent(row, rows_by_title, parent, user)
        check_tree(row)
    return rows
