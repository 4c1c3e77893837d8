"""Find Swedish personnummer and samordningsnummer in text, so they never reach the public site.

A number counts when it has a valid date (a samordningsnummer adds 60 to the day) and a valid
Luhn check digit, written as ÅÅMMDD-NNNN (or + for people over 100), ÅÅÅÅMMDD-NNNN or
ÅÅÅÅMMDDNNNN. Ten digits run together are not matched: too many other numbers look like that.
"""

import calendar
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

PATTERN = re.compile(
    r"(?<![\d-])"
    r"(?:(?P<century>19|20)(?P<yy12>\d{2})(?P<mm12>\d{2})(?P<dd12>\d{2})-?(?P<nnnn12>\d{4})"
    r"|(?P<yy10>\d{2})(?P<mm10>\d{2})(?P<dd10>\d{2})[-+](?P<nnnn10>\d{4}))"
    r"(?![\d-])"
)


@dataclass(frozen=True)
class Finding:
    number: str
    kind: str  # "personnummer" or "samordningsnummer"
    passage: str


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _date_kind(year, month, day):
    if not 1 <= month <= 12:
        return None
    kind = "personnummer"
    if day > 60:
        day -= 60
        kind = "samordningsnummer"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return kind


def find_identity_numbers(text: str, context: int = 40) -> list[Finding]:
    plain = " ".join(strip_tags(text or "").split())
    findings = []
    for match in PATTERN.finditer(plain):
        if match.group("yy12"):
            yy, mm, dd, nnnn = (match.group(g) for g in ("yy12", "mm12", "dd12", "nnnn12"))
            year = int(match.group("century") + yy)
        else:
            yy, mm, dd, nnnn = (match.group(g) for g in ("yy10", "mm10", "dd10", "nnnn10"))
            year = 2000 + int(yy)  # only the leap-year rule depends on the century here
        kind = _date_kind(year, int(mm), int(dd))
        if kind is None or not luhn_valid(f"{yy}{mm}{dd}{nnnn}"):
            continue
        start, end = match.span()
        passage = plain[max(0, start - context) : min(len(plain), end + context)]
        findings.append(Finding(number=match.group(0), kind=kind, passage=passage))
    return findings


def block_texts(body) -> str:
    """All text in a StreamField value: rich text sources, plain strings, nested blocks."""
    if body is None:
        return ""
    return "\n".join(_block_text(block) for block in body)


def document_text(page) -> str:
    """Every piece of text a document publishes: title, summary and the whole body."""
    return "\n".join(
        [
            page.title or "",
            getattr(page, "summary", "") or "",
            block_texts(getattr(page, "body", None)),
        ]
    )


def _block_text(block):
    from wagtail.rich_text import RichText

    def walk(value):
        if isinstance(value, RichText):
            yield value.source
        elif isinstance(value, str):
            yield value
        elif isinstance(value, dict) or hasattr(value, "items"):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list | tuple) or hasattr(value, "__iter__"):
            for item in value:
                yield from walk(getattr(item, "value", item))

    return "\n".join(walk(block.value))
