"""The personnummer guard against the ways a number is actually written (issue 14).

A crawl found 20 of 29 variants getting through: other dashes, spaces, dots, invisible
characters, fullwidth digits, ten digits run together, a hyphen or letter right next to the
number. Each positive below is a valid number (date and Luhn check digit computed here) written
one more way; each negative is an ordinary number a styrdokument carries (diarienummer, phone
number, date, amount, timestamp, page count) that must not raise a false alarm.
"""

import html

import pytest
from django.utils.html import strip_tags

from policies.personnummer import find_identity_numbers, mask, normalise
from tests.identity_numbers import check_digit


def serial(yymmdd, nnn):
    return nnn + check_digit(yymmdd + nnn)


D, N = "850312", serial("850312", "123")  # 850312-1234 style: born 12 March 1985
SD, SN = "850372", serial("850372", "456")  # samordningsnummer: day 12 + 60
OLD = ("191231", serial("191231", "027"))  # 100+ years: written with "+"
LEAP = ("960229", serial("960229", "318"))
CHILD = ("050615", serial("050615", "842"))  # born 2005: starts with 0
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
BOLD = str.maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_the_numbers_used_below_are_valid():
    from policies.personnummer import luhn_valid

    for yymmdd, nnnn in [(D, N), (SD, SN), OLD, LEAP, CHILD]:
        assert luhn_valid(yymmdd + nnnn)
    assert not luhn_valid(D + N[:3] + str((int(N[3]) + 1) % 10))


POSITIVE = {
    # The plain forms.
    "hyphen": f"{D}-{N}",
    "plus (over 100)": f"{OLD[0]}+{OLD[1]}",
    "twelve with hyphen": f"19{D}-{N}",
    "twelve run together": f"19{D}{N}",
    "ten run together": f"{D}{N}",
    "twelve with plus": f"19{D}+{N}",
    "samordningsnummer": f"{SD}-{SN}",
    "samordningsnummer twelve": f"19{SD}{SN}",
    "samordningsnummer ten run together": f"{SD}{SN}",
    "leap day": f"{LEAP[0]}-{LEAP[1]}",
    "born 2005 with hyphen": f"{CHILD[0]}-{CHILD[1]}",
    "born 2005 twelve": f"20{CHILD[0]}{CHILD[1]}",
    # Separators the guard missed.
    "space": f"{D} {N}",
    "two spaces": f"{D}  {N}",
    "twelve with space": f"19{D} {N}",
    "no-break space": f"{D}\u00a0{N}",
    "narrow no-break space": f"{D}\u202f{N}",
    "thin space": f"{D}\u2009{N}",
    "tab": f"{D}\t{N}",
    "line break": f"{D}-\n{N}",
    "en dash": f"{D}\u2013{N}",
    "em dash": f"{D}\u2014{N}",
    "figure dash": f"{D}\u2012{N}",
    "hyphen (U+2010)": f"{D}\u2010{N}",
    "non-breaking hyphen": f"{D}\u2011{N}",
    "minus sign": f"{D}\u2212{N}",
    "small hyphen-minus": f"{D}\ufe63{N}",
    "fullwidth hyphen-minus": f"{D}\uff0d{N}",
    "horizontal bar": f"{D}\u2015{N}",
    "hyphen bullet": f"{D}\u2043{N}",
    "spaced hyphen": f"{D} - {N}",
    "spaced en dash": f"{D} \u2013 {N}",
    "dot": f"{D}.{N}",
    "twelve with dot": f"19{D}.{N}",
    "dotted date": f"{D[:2]}.{D[2:4]}.{D[4:]}-{N}",
    "dotted twelve": f"19{D[:2]}.{D[2:4]}.{D[4:]}-{N}",
    "hyphenated date": f"{D[:2]}-{D[2:4]}-{D[4:]}-{N}",
    "hyphenated twelve (1900s)": f"19{D[:2]}-{D[2:4]}-{D[4:]}-{N}",
    "spaced date": f"{D[:2]} {D[2:4]} {D[4:]}-{N}",
    "slash separator": f"{D}/{N}",
    "twelve with slash": f"19{D}/{N}",
    "double hyphen": f"{D}--{N}",
    "spaced double hyphen": f"{D} -- {N}",
    # Invisible characters inside the number.
    "zero-width space": f"{D}\u200b-{N}",
    "zero-width space between digits": f"{D[:3]}\u200b{D[3:]}-{N}",
    "zero-width joiner": f"{D}-\u200d{N}",
    "zero-width non-joiner": f"{D[:2]}\u200c{D[2:]}-{N}",
    "word joiner": f"{D}\u2060-\u2060{N}",
    "byte order mark": f"{D}\ufeff-{N}",
    "soft hyphen as separator": f"{D}\u00ad{N}",
    "soft hyphen inside": f"{D[:4]}\u00ad{D[4:]}-{N}",
    "soft hyphen and hyphen": f"{D}\u00ad-{N}",
    "left-to-right marks": f"\u200e{D}\u200e-\u200f{N}",
    "combining strike-through": "".join(c + "\u0336" for c in f"{D}-{N}"),
    # Other digits.
    "superscript": f"{D}-{N}".translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")),
    "fullwidth": f"{D}-{N}".translate(FULLWIDTH),
    "fullwidth twelve": f"19{D}{N}".translate(FULLWIDTH),
    "mathematical bold": f"{D}-{N}".translate(BOLD),
    "arabic-indic": f"{D}-{N}".translate(ARABIC_INDIC),
    "mixed fullwidth": f"{D[:3]}{D[3:].translate(FULLWIDTH)}-{N}",
    # Neighbours that must not defeat the lookarounds.
    "hyphen before": f"-{D}-{N}",
    "diarienummer prefix": f"KS-{D}-{N}",
    "hyphen after": f"{D}-{N}-",
    "suffix": f"{D}-{N}-1",
    "letters before": f"pnr{D}-{N}",
    "letters after": f"{D}-{N}abc",
    "letters around ten run together": f"id{D}{N}x",
    "underscore": f"fil_{D}-{N}_v2",
    "slug": f"anna-andersson-{D}-{N}",
    "colon": f"pnr:{D}-{N}",
    "hash": f"#{D}-{N}",
    "slash": f"/{D}-{N}/",
    "query string": f"?id={D}{N}&x=1",
    "parentheses": f"({D}-{N})",
    "quotes": f"”{D}-{N}”",
    "en dash before": f"\u2013{D}\u2013{N}\u2013",
    # Markup.
    "split by tags": f"<b>{D}</b>-<i>{N}</i>",
    "tag between date and serial": f"<span>{D}</span> <span>{N}</span>",
    "entity no-break space": f"{D}&nbsp;{N}",
    "entity non-breaking hyphen": f"{D}&#8209;{N}",
}


@pytest.mark.parametrize("text", list(POSITIVE.values()), ids=list(POSITIVE))
def test_a_valid_number_is_found_however_it_is_written(text):
    findings = find_identity_numbers(f"Kontakta handläggaren {text} före fredag.")

    assert len(findings) == 1, findings
    (finding,) = findings
    assert finding.kind in ("personnummer", "samordningsnummer")
    # The masked form hides the four last digits and shows the date.
    assert finding.masked == finding.number[:-4] + "****"
    assert finding.number[:6].isdigit() or finding.number[:2].isdigit()
    assert finding.number in normalise(html.unescape(strip_tags(text)))
    assert finding.number[-4:] not in finding.passage
    assert finding.masked in finding.passage


def test_the_kinds_are_told_apart():
    assert find_identity_numbers(f"{D}-{N}")[0].kind == "personnummer"
    assert find_identity_numbers(f"{SD}-{SN}")[0].kind == "samordningsnummer"


def test_masking_keeps_the_date_and_hides_the_serial():
    assert mask("19850312-1234") == "19850312-****"
    (finding,) = find_identity_numbers(f"x {D}\u2013{N} y")
    assert finding.masked == f"{D}-****"
    assert finding.passage == f"x {D}-**** y"
    assert N not in finding.passage


def test_several_numbers_are_each_found():
    text = f"{D}-{N}, {SD}\u00a0{SN} och 19{LEAP[0]}{LEAP[1]}"

    assert [f.masked for f in find_identity_numbers(text)] == [
        f"{D}-****",
        f"{SD} ****",
        f"19{LEAP[0]}****",
    ]


def bad(yymmdd, nnn):
    """A number with the right date but a wrong check digit."""
    return nnn + str((int(check_digit(yymmdd + nnn)) + 1) % 10)


# A date, then four digits that happen to make the Luhn sum right: only the context tells
# these apart from a personnummer.
ISO_SUFFIX = "2025-03-12-" + serial("250312", "000")
RANGE_YEAR = "202" + check_digit("250312202")
PHONE = "070123456" + check_digit("070123456")

NEGATIVE = {
    # Wrong check digit in every form.
    "wrong check digit": f"{D}-{bad(D, '123')}",
    "wrong check digit twelve": f"19{D}{bad(D, '123')}",
    "wrong check digit ten run together": f"{D}{bad(D, '123')}",
    "wrong check digit en dash": f"{D}\u2013{bad(D, '123')}",
    "wrong check digit space": f"{D} {bad(D, '123')}",
    # Impossible dates.
    "month 13": f"851301-{serial('851301', '123')}",
    "day 32": f"850132-{serial('850132', '123')}",
    "30 February": f"850230-{serial('850230', '123')}",
    "29 February, no leap year": f"850229-{serial('850229', '123')}",
    "samordningsnummer day 92": f"850192-{serial('850192', '123')}",
    "day 00": f"850100-{serial('850100', '123')}",
    # Diarienummer and references.
    "diarienummer": "KS-2025-542",
    "diarienummer slash": "KS 2025/542",
    "diarienummer long": "KS-2025-001234",
    "diarienummer with part": "KS-2025-1234-1",
    "SFS": "SFS 2009:400",
    "protocol paragraph": "KF 2016-05-23 § 61",
    "organisationsnummer (kommun)": "212000-1355",
    "organisationsnummer (bolag)": "556036-0793",
    "ISBN": "978-91-7343-123-4",
    "bankgiro": "5050-1055",
    "plusgiro": "12 34 56-7",
    "postal code": "123 45 Stockholm",
    # Phone numbers.
    "mobile": "070-123 45 67",
    "mobile run together (Luhn fits)": PHONE,
    "mobile hyphen": "070-1234567",
    "stockholm": "08-123 456 78",
    "göteborg": "031-700 12 34",
    "göteborg run together": "0317001234",
    "international": "+46 70 123 45 67",
    "international run together": "+46701234567",
    "switchboard": "0771-23 45 67",
    # Dates and times.
    "iso date": "2025-12-18",
    "compact date": "20251218",
    "swedish date": "18.12.2025",
    "iso timestamp": "2025-03-12T10:45:00+01:00",
    "iso timestamp with space": "2025-03-12 10:45",
    "compact timestamp": "20250312T104500",
    "long compact timestamp": "20250312104500",
    "date range": f"2025-03-12 - {RANGE_YEAR}-12-31",
    "date range en dash": f"2025-03-12\u2013{RANGE_YEAR}-12-31",
    "date in a file name": f"protokoll-{ISO_SUFFIX}.pdf",
    "time range": "kl. 10.00-12.00",
    "year range": "2025-2026",
    # Amounts, counts, versions.
    "amount": "1 234 567 kr",
    "amount with decimals": "12 345,50 kr",
    "large amount": "1 850 312 123 kr",
    "page count": "Sida 12 av 345",
    "page range": "s. 1218-1234",
    "version": "version 1.2.3",
    "ip address": "192.168.100.1",
    "percent": "85,03 %",
    # Digits next to a number make it something else.
    "digit before": f"1{D}-{N}",
    "digit after": f"{D}-{N}1",
    "thirteen digits": f"119{D}{N}",
    "eleven digits": f"{D}{N}1",
}


@pytest.mark.parametrize("text", list(NEGATIVE.values()), ids=list(NEGATIVE))
def test_an_ordinary_number_is_not_flagged(text):
    assert find_identity_numbers(f"Se {text} i texten.") == []


def test_the_negatives_with_a_fitting_check_digit_would_match_without_their_context():
    """The context cases above are real tests: bare, the digits are a valid number."""
    assert find_identity_numbers("250312-" + ISO_SUFFIX[-4:])
    assert find_identity_numbers(f"250312 {RANGE_YEAR}")
    assert find_identity_numbers(PHONE[:6] + "-" + PHONE[6:])


def test_at_least_sixty_variants_and_forty_negatives():
    assert len(POSITIVE) >= 60
    assert len(NEGATIVE) >= 40


def test_malformed_markup_is_still_checked_and_does_not_raise():
    """Django's strip_tags raises on "<![" (a user may type it); the guard must not."""
    (finding,) = find_identity_numbers(f"<![x kontakt {D}-{N}")

    assert finding.masked == f"{D}-****"
