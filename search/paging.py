"""Pages of ranked search results, each read with the number of hits in one query.

Django's Paginator counts the whole match (SELECT COUNT(*) …) and then reads the page, so the
full-text match and its filters run twice. Here every row of the page carries the total
(COUNT(*) OVER ()), so the page asked for and the count come from one query; only a page past
the last one needs a count of its own, to know which page is the last.

A compound in the query is first found only as itself; when that finds fewer than WIDEN_BELOW
documents, the search that also finds its parts is read the same way and used if it finds more.
When the strict search (every term required) finds fewer than RELAX_BELOW documents and the
query may be relaxed (search.ranking.relaxed_search), the relaxed search is read the same way
and used if it finds more: one statement more, and only for such a query. If neither finds
anything and the query has three optional words or more or a compound, a looser search (any
one of the words, a compound by its first parts) is read too, so that a long question or an
unusual compound seldom ends with no result.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property

from .ranking import RELAX_BELOW, TOTAL, WIDEN_BELOW

# A page number beyond any real search; the database is not asked for such an offset.
MAX_PAGE = 100_000


def page_number(value):
    """The page number asked for, or 1 if it is not a page there may be (the view then says
    so and shows the first or the last page)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


class RankedPaginator(Paginator):
    """A Paginator over an ordered queryset of ids (search.ranking.run_search) that reads the
    page `wanted` and the total in one query, the first time either is needed.

    `relaxed` is True once the relaxed search replaced the strict one (the view may say so).
    """

    def __init__(self, ids, per_page, wanted="1"):
        super().__init__(ids, per_page)
        self.wanted = page_number(wanted)
        self.pages_read = {}  # page number → the ids on it
        self.relaxed = False
        self.strict_count = None  # what every word found, once the relaxed search is shown

    def _read(self, ids, number):
        """(the ids on page `number` of `ids`, the total or None if there is no such page)."""
        bottom = (number - 1) * self.per_page
        narrow_page = getattr(ids, "narrow_page", None)  # search.ranking.NarrowPage
        if narrow_page is not None:
            rows = narrow_page(bottom, self.per_page)
        else:
            rows = list(
                ids.annotate(**{TOTAL: Window(Count("*"))}).values_list("pk", TOTAL)[
                    bottom : bottom + self.per_page
                ]
            )
        return [pk for pk, _total in rows], (rows[0][1] if rows else None)

    def read_page(self, number):
        """Read page `number` with the total; returns the total (None: no such page)."""
        self.pages_read[number], total = self._read(self.object_list, number)
        return total

    def _total(self, ids, pages):
        """The total of `ids`, reading page `wanted` into `pages` on the way."""
        pages[self.wanted], total = self._read(ids, self.wanted)
        if total is not None:
            return total
        if self.wanted == 1:
            return 0
        return ids.count()  # past the last page

    @cached_property
    def count(self):
        total = self._total(self.object_list, self.pages_read)
        # The search that may be relaxed: the widened one once it has been asked for.
        relaxing = self.object_list
        widen = getattr(self.object_list, "widen", None)
        if widen is not None and total < WIDEN_BELOW:
            relaxing, total = self._widened(widen, total)
        relax = getattr(relaxing, "relax", None)
        loosely = getattr(relaxing, "relax_loosely", None)
        if total < RELAX_BELOW and (relax is not None or loosely is not None):
            total = self._relaxed(relax, loosely, total)
        return total

    def _widened(self, widen, total):
        """(the widened search, the total shown): it replaces the strict one if it finds more
        (search.ranking.WIDEN_BELOW)."""
        wide, pages = widen(), {}
        wide_total = self._total(wide, pages)
        if wide_total > total:
            self.object_list, self.pages_read = wide, pages
            return wide, wide_total
        return wide, total

    def _relaxed(self, relax, loosely, total):
        """The total shown, the relaxed (or loose) search replacing the strict one if it finds
        more."""
        relaxed, pages, relaxed_total = None, {}, 0
        if relax is not None:
            relaxed = relax()
            relaxed_total = self._total(relaxed, pages)
        if relaxed_total == 0 and total == 0 and loosely is not None:
            relaxed, pages = loosely(), {}
            relaxed_total = self._total(relaxed, pages)
        if relaxed_total > total:
            self.strict_count = total
            self.object_list, self.pages_read, self.relaxed = relaxed, pages, True
            return relaxed_total
        return total

    def page(self, number):
        number = self.validate_number(number)
        if number not in self.pages_read:
            self.read_page(number)
        return self._get_page(self.pages_read[number], number, self)
