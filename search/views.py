"""Search over the documents a channel may show."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from policies.models import Styrdokument

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20


def search(request):
    raw_query = request.GET.get("q", "")
    query = " ".join(raw_query.split())[:MAX_QUERY_LENGTH]
    notices = []
    if len(raw_query) > MAX_QUERY_LENGTH:
        notices.append(
            _("Sökfrågan var för lång och har kortats till %(n)s tecken.") % {"n": MAX_QUERY_LENGTH}
        )
    results = None
    page = None
    if query:
        documents = Styrdokument.objects.for_request(request).select_related("decision_body")
        results = documents.search(query, operator="and")
        paginator = Paginator(results, PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("sida", 1))
        except PageNotAnInteger:
            notices.append(_("Sidnumret är inte ett tal; visar första sidan."))
            page = paginator.page(1)
        except EmptyPage:
            notices.append(_("Sidan finns inte; visar sista sidan."))
            page = paginator.page(paginator.num_pages)
    return render(
        request,
        "search/search.html",
        {
            "query": query,
            "results": page,
            "notices": notices,
            "base_query": urlencode({"q": query}),
        },
    )
