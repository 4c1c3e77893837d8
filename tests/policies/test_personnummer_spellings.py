"""The personnummer guard against rarer spellings, and against the ordinary numbers that must
never set it off.

Every positive is built here from a valid number (its date, and its Luhn check digit computed
here), for several people: born in the 1900s and the 2000s, on a leap day, a samordningsnummer
(day + 60), a centenarian written with "+". Each is written every way below and must be found
once. Every negative is a number a styrdokument or a municipality's page carries (phone numbers,
diarienummer, dates, amounts, organisationsnummer, bank accounts, coordinates …) and must not be.
"""

import random

import pytest

from policies.personnummer import find_identity_numbers, luhn_valid, mask, mask_identity_numbers
from tests.identity_numbers import check_digit


def person(century, yymmdd, nnn):
    """(century, ÅÅMMDD, NNNN) with a correct check digit."""
    return century, yymmdd, nnn + check_digit(yymmdd + nnn)


PEOPLE = [
    person("19", "850312", "123"),
    person("19", "640823", "890"),
    person("19", "991231", "001"),
    person("19", "700101", "456"),
    person("19", "960229", "318"),  # leap day
    person("19", "850372", "456"),  # samordningsnummer: 12 March + 60
    person("20", "050615", "842"),  # born 2005
    person("20", "121003", "274"),
    person("20", "000229", "115"),  # leap day 2000
]
# A random sample on top, the same on every run.
_random = random.Random(14)
for _ in range(8):
    year, month = _random.randint(30, 99), _random.randint(1, 12)
    day = _random.randint(1, 28) + _random.choice((0, 60))
    PEOPLE.append(person("19", f"{year:02d}{month:02d}{day:02d}", f"{_random.randint(0, 999):03d}"))

FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


def groups(d):
    return d[:2], d[2:4], d[4:]


# name: writes(century, ÅÅMMDD, NNNN)
WRITINGS = {
    # The ordinary forms, kept.
    "hyphen": lambda c, d, n: f"{d}-{n}",
    "twelve": lambda c, d, n: f"{c}{d}{n}",
    "twelve with hyphen": lambda c, d, n: f"{c}{d}-{n}",
    "space": lambda c, d, n: f"{d} {n}",
    # Digits grouped with spaces.
    "grouped": lambda c, d, n: "{} {} {} ".format(*groups(d)) + n,
    "grouped with hyphen": lambda c, d, n: "{} {} {}-".format(*groups(d)) + n,
    "grouped twelve": lambda c, d, n: f"{c} " + "{} {} {}-".format(*groups(d)) + n,
    "grouped twelve, all spaces": lambda c, d, n: f"{c} " + "{} {} {} ".format(*groups(d)) + n,
    "grouped twelve, century joined": lambda c, d, n: f"{c}" + "{} {} {} ".format(*groups(d)) + n,
    "grouped with no-break spaces": lambda c, d, n: "\u00a0".join([*groups(d), n]),
    "grouped with thin spaces": lambda c, d, n: "\u2009".join(groups(d)) + f"\u2013{n}",
    "grouped with narrow no-break spaces": lambda c, d, n: "\u202f".join([*groups(d), n]),
    # The four last digits split in two.
    "serial 2+2": lambda c, d, n: f"{d}-{n[:2]} {n[2:]}",
    "serial 3+1": lambda c, d, n: f"{d}-{n[:3]} {n[3:]}",
    "serial 1+3": lambda c, d, n: f"{d}-{n[:1]} {n[1:]}",
    "twelve, serial 2+2": lambda c, d, n: f"{c}{d}-{n[:2]} {n[2:]}",
    "spaced hyphen, serial 2+2": lambda c, d, n: f"{d} - {n[:2]} {n[2:]}",
    "serial split by a no-break space": lambda c, d, n: f"{d}-{n[:2]}\u00a0{n[2:]}",
    # Dots.
    "dotted date": lambda c, d, n: "{}.{}.{}-".format(*groups(d)) + n,
    "dotted twelve": lambda c, d, n: f"{c}" + "{}.{}.{}-".format(*groups(d)) + n,
    "dot before the serial": lambda c, d, n: f"{d}.{n}",
    # Other dashes and characters.
    "en dash": lambda c, d, n: f"{d}\u2013{n}",
    "minus sign": lambda c, d, n: f"{d}\u2212{n}",
    "non-breaking hyphen": lambda c, d, n: f"{d}\u2011{n}",
    "fullwidth": lambda c, d, n: f"{d}-{n}".translate(FULLWIDTH),
    "fullwidth twelve": lambda c, d, n: f"{c}{d}{n}".translate(FULLWIDTH),
    "devanagari digits": lambda c, d, n: f"{d}-{n}".translate(DEVANAGARI),
    "zero-width space inside": lambda c, d, n: f"{d[:3]}\u200b{d[3:]}-{n[:2]}\u200b{n[2:]}",
    "zero-width joiner and word joiner": lambda c, d, n: f"{d}\u200d-\u2060{n}",
    "soft hyphens inside": lambda c, d, n: f"{d[:2]}\u00ad{d[2:]}\u00ad-{n}",
    "byte order mark": lambda c, d, n: f"\ufeff{d}-\ufeff{n}",
    # Markup splitting the number.
    "split by bold": lambda c, d, n: f"{d[:4]}<b>{d[4:]}</b>-{n}",
    "split by spans": lambda c, d, n: f"<span>{d[:2]}</span>{d[2:]}-<em>{n[:2]}</em>{n[2:]}",
    "split by a link": lambda c, d, n: f'{d}-<a href="/x">{n}</a>',
    "entity hyphen": lambda c, d, n: f"{d}&#8209;{n}",
    "entity zero-width space": lambda c, d, n: f"{d[:2]}&#8203;{d[2:]}-{n}",
    "entity no-break spaces, grouped": lambda c, d, n: "&nbsp;".join([*groups(d), n]),
}


@pytest.mark.parametrize("name", list(WRITINGS))
def test_every_person_is_found_in_every_writing(name):
    missed = []
    for century, yymmdd, nnnn in PEOPLE:
        written = WRITINGS[name](century, yymmdd, nnnn)
        findings = find_identity_numbers(f"Handläggare Anna Andersson, {written}, nås via växeln.")
        expected = "samordningsnummer" if int(yymmdd[4:]) > 60 else "personnummer"
        if [f.kind for f in findings] != [expected]:
            missed.append((written, findings))
        elif not findings[0].number.endswith(nnnn[-1]):
            missed.append((written, "not the whole number"))
    assert not missed


def test_the_people_are_valid_numbers():
    assert len(PEOPLE) >= 15
    for _century, yymmdd, nnnn in PEOPLE:
        assert luhn_valid(yymmdd + nnnn)


def test_the_writings_are_many():
    assert len(WRITINGS) >= 35


def test_run_together_and_centenarians_still_count():
    c, d, n = PEOPLE[0]
    assert find_identity_numbers(f"{d}{n}")
    old = person("19", "121231", "027")
    assert [f.masked for f in find_identity_numbers(f"Född {old[1]}+{old[2]}")] == ["121231+****"]
    _c, sd, sn = person("19", "850372", "456")
    assert [f.kind for f in find_identity_numbers(f"{sd}{sn}")] == ["samordningsnummer"]


def test_the_whole_twelve_digit_grouped_form_is_found_and_masked():
    (finding,) = find_identity_numbers("Kontakt: 19 85 03 12-1231.")

    assert finding.number == "19 85 03 12-1231"
    assert finding.masked == "19 85 03 12-****"
    assert "1231" not in finding.passage


def test_a_split_serial_is_masked_digit_by_digit():
    (finding,) = find_identity_numbers("Kontakt: 850312-12 31.")

    assert finding.masked == "850312-** **"
    assert finding.passage == "Kontakt: 850312-** **."
    assert mask("850312-123 1") == "850312-*** *"
    assert mask_identity_numbers("pnr 850312-1 231") == "pnr 850312-* ***"


# -- letters used as digits ----------------------------------------------------------------

LETTER_POSITIVES = [
    "85O312-1231",  # O for 0
    "85o312-1231",  # o for 0
    "85O3l2-l23l",  # O, and l for 1
    "85O3I2-I23I",  # I for 1
    "l985O3l2-l23l",  # twelve digits
    "85 O3 l2 l23l",  # grouped
    "KS-85O3l2-l23l",  # a hyphen and letters before do not hide it
]


@pytest.mark.parametrize("text", LETTER_POSITIVES)
def test_letters_typed_for_digits_are_read_when_the_number_is_valid(text):
    findings = find_identity_numbers(f"Se {text} i ärendet.")

    assert [f.kind for f in findings] == ["personnummer"]
    assert findings[0].masked.endswith("****") or findings[0].masked.endswith("** **")


LETTER_NEGATIVES = [
    "85O312-124l",  # the check digit is wrong when l is read as 1 (…1231 is right)
    "85O3l2-l232",  # wrong check digit
    "85l3l2-l23l",  # month 13
    "85O332-1231",  # day 32
    "OlOlOl-Ol0l",  # not a number a person has (wrong check digit)
    "KOMMUNEN 12",
    "Olle Olsson",
    "I ll OO",
    "lOOl lOlO",
    "O8-l23 456 78",  # a phone number, whatever letters it is typed with
    "ISO 27001:2022",
    "Iso 9001",
    "HOI-1011-0110",
]


@pytest.mark.parametrize("text", LETTER_NEGATIVES)
def test_letters_are_read_as_digits_only_for_a_valid_number(text):
    assert find_identity_numbers(f"Se {text} i ärendet.") == []


def test_a_letter_inside_a_word_is_not_a_digit():
    """Only a letter with no letter beside it stands for a digit: the "l" of "lag" does not,
    though 850312-1231 would be a valid number."""
    assert find_identity_numbers("Se 850312-123lag") == []
    assert find_identity_numbers("Se 850312-123l lag") != []


# -- what must never be flagged ------------------------------------------------------------


def org_number(first_six, nnn):
    """An organisationsnummer with a correct check digit: Luhn holds, the "month" is 20+."""
    return f"{first_six}-{nnn}{check_digit(first_six + nnn)}"


ORG_NUMBERS = [
    org_number("212000", "123"),  # a kommun
    org_number("212000", "014"),
    org_number("222000", "167"),  # a region
    org_number("202100", "544"),  # a state authority
    org_number("556036", "079"),  # an aktiebolag
    org_number("802412", "345"),  # an ideell förening
    org_number("769600", "123"),  # a bostadsrättsförening
    org_number("969500", "221"),  # a handelsbolag
]


def test_the_organisationsnummer_below_pass_the_luhn_check():
    for number in ORG_NUMBERS:
        assert luhn_valid(number.replace("-", ""))


def luhn_tail(prefix):
    """Four digits after `prefix` (six digits) that make the ten pass the Luhn check."""
    return "123" + check_digit(prefix + "123")


NEGATIVES = [
    # Phone numbers.
    "08-123 456 78",
    "08-12 34 56",
    "08 123 456 78",
    "08 12 34 56 78",
    "070-123 45 67",
    "070 123 45 67",
    "0701234567",
    "070-1234567",
    "+46 8 123 456 78",
    "+46 70 123 45 67",
    "+46 (0)70-123 45 67",
    "+46701234567",
    "031-70 12 34",
    "031-700 12 34",
    "0771-23 45 67",
    "020-12 03 45",
    "0123-45 67 89",
    "0503-12 12 31",
    "010-850 31 21",
    "Tel. 0850312123",
    "+46 85 03 12 1231",  # country code then groups: a phone number, not a date
    # Diarienummer and references.
    "KS 2024/123",
    "KS2024-0123",
    "KS-2024-00123",
    "Dnr KS 2024.1231",
    "Dnr 2024:123",
    "KS 2024/123-1",
    "SFS 2018:1937",
    "§ 12",
    "§§ 12–14",
    "12 § lagen (2018:1937)",
    "KF 2024-03-12 § 31",
    "Ärende 85 03 12 1231 45",  # a run of digit groups
    "Referens 1 2 85 03 12 1231",
    "OCR 8503121231456",
    "Faktura 19850312123145",
    "Ref 2024 0312 1231",
    # Dates, ranges and times.
    "2024-03-12",
    "2024-03-12 – 2025-03-12",
    "2024-03-12–2025-03-12",
    "2024-03-12 - 2025-03-12",
    "20240312-20250312",
    "2024-03-12 1230",
    "2024-03-12 12:30",
    "2024-03-12 kl. 12.30",
    "12.03.2024",
    "12.03.24",
    "12:30",
    "12.30-13.30",
    "kl 08:00–17:00",
    "2024.03.12 1200-1300",
    f"2024-03-12-{luhn_tail('240312')}",  # a file name
    f"2024.03.12 {luhn_tail('240312')}",
    "vecka 12, 2024",
    "2024–2025",
    "1985–2024",
    # Amounts and counts.
    "1 234 567 kr",
    "12 345,50 kr",
    "1 850 312 123 kr",
    "85 031 212 31 kr",
    "SEK 1,234,567.00",
    "Sida 12 av 345",
    "s. 1218-1234",
    "85,03 %",
    "12 st",
    # Postal codes and addresses.
    "123 45 Stockholm",
    "SE-123 45 Stockholm",
    "Storgatan 12, 850 12 Sundsvall",
    # Organisationsnummer (month 20+), with and without the check digit right.
    *ORG_NUMBERS,
    "212000-1234",
    "2120001234",
    "16212000-1234",
    "SE212000123401",  # VAT number
    # Bank and payment numbers.
    "Bankgiro 5050-1055",
    "BG 123-4567",
    "Plusgiro 12 34 56-7",
    "PG 4 52 12-3",
    "SE45 5000 0000 0583 9825 7466",
    "SE4550000000058398257466",
    "Clearingnummer 8327-9, konto 123 456 789-0",
    # Standards, versions, identifiers.
    "ISBN 978-91-7343-123-4",
    "ISBN 91-7343-123-4",
    "ISSN 1234-5679",
    "version 1.2.3",
    "v2.85.03.12",
    "1.85.03.12-1231",
    "192.168.100.1",
    "10.85.3.12",
    "ISO/IEC 27001:2022",
    "EN 301 549 V3.2.1",
    "WCAG 2.1 nivå AA",
    "UUID 123e4567-e89b-12d3-a456-426614174000",
    # Coordinates.
    "59.3293, 18.0686",
    "N 59° 19.758' E 18° 4.128'",
    "SWEREF 99 TM: N 6580822, E 674032",
    "RT 90: X 6580994 Y 1628294",
    # Long reference numbers.
    "12345678901234567890",
    "850312123145",
    "1985031212314",
    "98503121231",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_an_ordinary_number_is_never_flagged(text):
    assert find_identity_numbers(f"Se {text} i texten.") == []


def test_many_ordinary_numbers_of_each_kind_are_not_flagged():
    """Random phone numbers, ranges, amounts, postal codes and organisationsnummer (seeded, so
    every run checks the same strings)."""
    rnd = random.Random(2024)

    def digits(count):
        return "".join(str(rnd.randrange(10)) for _ in range(count))

    def date():
        return f"{rnd.randrange(2000, 2030)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"

    kinds = [
        lambda: f"07{rnd.choice('02369')}-{digits(3)} {digits(2)} {digits(2)}",
        lambda: f"07{rnd.choice('02369')} {digits(3)} {digits(2)} {digits(2)}",
        lambda: f"07{rnd.choice('02369')}{digits(7)}",
        lambda: f"+46 7{rnd.choice('02369')} {digits(3)} {digits(2)} {digits(2)}",
        lambda: f"08-{digits(3)} {digits(3)} {digits(2)}",
        lambda: f"08 {digits(2)} {digits(2)} {digits(2)} {digits(2)}",
        lambda: f"0{digits(2)}-{digits(2)} {digits(2)} {digits(2)}",
        lambda: f"0{digits(3)}-{digits(2)} {digits(2)} {digits(2)}",
        lambda: f"KS {rnd.randrange(2000, 2030)}/{digits(3)}",
        lambda: f"KS{rnd.randrange(2000, 2030)}-{digits(4)}",
        lambda: f"{date()} – {date()}",
        lambda: f"{date()} {rnd.randrange(24):02d}{rnd.randrange(60):02d}",
        lambda: f"{rnd.randrange(1, 999)} {digits(3)} {digits(3)} kr",
        lambda: f"{digits(3)} {digits(2)} Ort",
        lambda: org_number(
            f"{rnd.choice('2579')}{digits(1)}{rnd.randrange(20, 100)}{digits(2)}", digits(3)
        ),
        lambda: f"SE{digits(2)} {digits(4)} {digits(4)} {digits(4)} {digits(4)} {digits(4)}",
        lambda: f"{digits(1)} {digits(3)} {digits(3)} {digits(3)}",
    ]
    flagged = [
        text
        for kind in kinds
        for text in (kind() for _ in range(400))
        if find_identity_numbers(f"Se {text} här.")
    ]
    assert flagged == []
