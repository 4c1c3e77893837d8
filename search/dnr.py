"""Diarienummer in a query: a reader who types one wants that document, not a text search."""

import re
from dataclasses import dataclass
from itertools import product

from .parsing import unique

DNR = re.compile(
    r"(?<!\w)([a-zåäö]{1,10})[\s\-/]*(\d{4})\s*[-/]\s*(\d{1,6})(?:\s*-\s*(\d{1,4}))?(?!\w)",
    re.IGNORECASE,
)
DNR_PREFIX = re.compile(r"^(?:dnr|diarienummer|diarienr)[\s.:]*", re.IGNORECASE)
# Documents listed for one diarienummer at most (one more tells that there are more).
MAX_LISTED = 21


@dataclass(frozen=True)
class Diarienummer:
    display: str  # KS-2025-542
    variants: tuple  # the ways it may be written in the register
    whole_query: bool  # the query is the number and nothing else


def find_diarienummer(text, pattern=None):
    """The diarienummer in the query, if any: 'KS-2025-542', 'ks 2025/542', 'dnr KS-2025-542-1'.

    Any way of writing it (spaces, '/', '-', lower case) gives the same variants to look up. A
    number in the kommun's own format (`pattern`) that does not look like the usual one is
    looked up as written.
    """
    bare = DNR_PREFIX.sub("", text.replace('"', " ").strip()).strip()
    match = DNR.search(bare)
    if match:
        return _usual_form(match, bare)
    if pattern and bare and len(bare) <= 40:
        return _own_form(bare, pattern)
    return None


def _usual_form(match, bare):
    series, year, number, part = match.groups()
    series = series.upper()
    tail = f"-{part}" if part else ""
    variants = {
        f"{series}{sep1}{year}{sep2}{number}{tail}"
        for sep1, sep2 in product(("-", " ", "", "/"), ("-", "/", " "))
    }
    variants.add(match.group(0).upper())
    return Diarienummer(
        display=f"{series}-{year}-{number}{tail}",
        variants=tuple(sorted(variants)),
        whole_query=match.group(0) == bare,
    )


def _own_form(bare, pattern):
    """The query as written, if it is a number in the kommun's own format; a pattern that is
    no regular expression matches nothing."""
    try:
        if re.fullmatch(pattern, bare) or re.fullmatch(pattern, bare.upper()):
            return Diarienummer(
                display=bare, variants=tuple(unique([bare, bare.upper()])), whole_query=True
            )
    except re.error:
        return None
    return None


def documents_with_diarienummer(visible, dnr):
    """The visible documents with the diarienummer, by title (at most MAX_LISTED)."""
    if dnr is None:
        return []
    return list(visible.filter(diarienummer__in=dnr.variants).order_by("title")[:MAX_LISTED])
