"""policies.personnummer.find_identity_numbers: what counts as a personnummer or samordningsnummer.

A number counts when it is written ÅÅMMDD-NNNN (or + for people over 100), ÅÅÅÅMMDD-NNNN,
ÅÅÅÅMMDDNNNN or ÅÅMMDDNNNN, has a real date (a samordningsnummer adds 60 to the day) and a
valid Luhn check digit. The numbers below are computed here, not copied, so each case is what
it says it is.
"""

import pytest

from policies.personnummer import find_identity_numbers, luhn_valid
from tests.identity_numbers import check_digit


def wrong_digit(nine_digits):
    return str((int(check_digit(nine_digits)) + 1) % 10)


def number(yymmdd, nnn, separator="-", century=""):
    """A valid number: date, three digits and the check digit (computed without the century)."""
    return f"{century}{yymmdd}{separator}{nnn}{check_digit(yymmdd + nnn)}"


def test_the_check_digits_used_below():
    assert number("811218", "987") == "811218-9876"
    assert number("701063", "239") == "701063-2391"
    assert luhn_valid("8112189876")
    assert not luhn_valid("8112189875")


PERSONNUMMER = "811218-9876"
SAMORDNINGSNUMMER = "701063-2391"

FOUND = [
    # (text, [(number as written, kind)])
    (f"Handläggare {PERSONNUMMER} ringer upp.", [(PERSONNUMMER, "personnummer")]),
    ("Född 19811218-9876.", [("19811218-9876", "personnummer")]),
    ("Nummer 198112189876 i registret.", [("198112189876", "personnummer")]),
    ("Över hundra år: 811218+9876.", [("811218+9876", "personnummer")]),
    (f"Samordningsnummer {SAMORDNINGSNUMMER}.", [(SAMORDNINGSNUMMER, "samordningsnummer")]),
    ("Samordningsnummer 19701063-2391.", [("19701063-2391", "samordningsnummer")]),
    ("Samordningsnummer 197010632391.", [("197010632391", "samordningsnummer")]),
    (f"Skottdag {number('000229', '123')}.", [(number("000229", "123"), "personnummer")]),
    (
        f"Skottdag {number('960229', '456', '', century='19')}.",
        [(number("960229", "456", "", century="19"), "personnummer")],
    ),
    (
        f"Nyårsafton {number('001231', '001', century='20')}.",
        [(number("001231", "001", century="20"), "personnummer")],
    ),
    ("Inuti html: <p>Ring <b>811218</b>-9876</p>", [(PERSONNUMMER, "personnummer")]),
    ("(811218-9876)", [(PERSONNUMMER, "personnummer")]),
    # Ten digits run together, and a hyphen or letter next to the number (issue 14).
    ("Tio siffror 8112189876 i följd.", [("8112189876", "personnummer")]),
    ("Tio siffror 7010632391 i följd.", [("7010632391", "samordningsnummer")]),
    ("Dnr KS-811218-9876", [(PERSONNUMMER, "personnummer")]),
    ("811218-9876-1", [(PERSONNUMMER, "personnummer")]),
    (
        f"Två: {PERSONNUMMER} och {SAMORDNINGSNUMMER}.",
        [(PERSONNUMMER, "personnummer"), (SAMORDNINGSNUMMER, "samordningsnummer")],
    ),
]

NOT_FOUND = [
    # Wrong check digit, in every form.
    f"811218-987{wrong_digit('811218987')}",
    f"19811218-987{wrong_digit('811218987')}",
    f"19811218987{wrong_digit('811218987')}",
    f"701063-239{wrong_digit('701063239')}",
    # Impossible dates, even with a check digit that fits.
    "991301-1234",
    number("991301", "123"),  # month 13
    number("810015", "123"),  # day 0
    number("810230", "123"),  # 30 February
    number("010229", "123"),  # 29 February in a year that is not a leap year
    number("000229", "123", "", century="19"),  # 1900 was not a leap year
    number("810292", "123"),  # samordningsnummer day 92 (32 + 60)
    number("811232", "123"),  # day 32
    # Ten digits run together starting with 0 read as a phone number (see below).
    # Diarienummer and reference numbers.
    "KS-2025-1234",
    "KS 2025/1234",
    "KS-2025-1234-1",
    "19811218-98761",
    "119811218-9876",
    # Phone numbers.
    "08-123 456 78",
    "070-123 45 67",
    "0701234567",
    "+46 70 123 45 67",
    "+46701234567",
    "031-7001234",
    "123456-7890",
    # Dates and other digits.
    "2025-12-18",
    "20251218",
    "Beslut 2025-03-12 § 61",
    "",
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_valid_numbers_are_found(text, expected):
    findings = find_identity_numbers(text)

    assert [(f.number, f.kind) for f in findings] == expected


@pytest.mark.parametrize("text", NOT_FOUND)
def test_other_numbers_are_not_flagged(text):
    assert find_identity_numbers(f"Se {text} i texten.") == []


def test_the_finding_quotes_the_passage_around_the_number():
    text = "<p>" + "a" * 60 + " Kontakt: Anna, 811218-9876, på plats. " + "b" * 60 + "</p>"

    (finding,) = find_identity_numbers(text)

    # Forty characters either side, the number masked.
    assert finding.passage == "a" * 24 + " Kontakt: Anna, 811218-****, på plats. " + "b" * 28
    assert "<p>" not in finding.passage


def test_short_texts_quote_all_of_it():
    (finding,) = find_identity_numbers("Personnummer:\n 811218-9876")

    assert finding.passage == "Personnummer: 811218-****"
