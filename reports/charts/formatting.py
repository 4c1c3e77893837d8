"""Numbers, shares and months written the Swedish way, for the charts and their text
alternatives: a narrow no-break space between thousands, a decimal comma, month names in
lower case ("3 i december"), as Språkrådet recommends."""

import datetime

THOUSANDS = "\u202f"  # narrow no-break space: a thin space that never breaks a number
NBSP = "\u00a0"

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
SHORT_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def format_number(value, decimals=0):
    """12345 -> '12 345', 2.5 -> '2,5' (decimals=1); None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def format_percent(part, whole):
    """The share as a whole percent, '70 %'; with nothing to share, '–'."""
    if not whole:
        return "–"
    return f"{format_number(round(100 * part / whole))}{NBSP}%"


def month_name(month):
    return MONTHS[month - 1]


def month_label(date, with_year=True):
    """'januari 2026', or 'januari' when the year is clear from the context."""
    name = month_name(date.month)
    return f"{name} {date.year}" if with_year else name


def short_month_label(date, with_year=False):
    name = SHORT_MONTHS[date.month - 1]
    return f"{name} {date.year}" if with_year else name


def day_label(date):
    """'3 december 2026'."""
    return f"{date.day} {month_name(date.month)} {date.year}"


def first_of_month(date):
    return datetime.date(date.year, date.month, 1)
