"""Search over the documents a channel may show."""

import re
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from policies.models import Styrdokument

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20


def search_documents(request, query):
    """A paginator over the documents this reader may see that match the query.

    Visibility (channel, publicity, group restrictions) is decided by the same queryset as
    everywhere else and handed to the search backend as an id filter, which every backend
    understands. A query the backend's parser rejects is retried as plain words.
    """
    visible_ids = list(Styrdokument.objects.for_request(request).values_list("pk", flat=True))
    documents = Styrdokument.objects.filter(pk__in=visible_ids).select_related("decision_body")
    for attempt in (query, " ".join(re.findall(r"\w+", query))):
        if not attempt:
            break
        paginator = Paginator(documents.search(attempt, operator="and"), PAGE_SIZE)
        try:
            with (
                transaction.atomic()
            ):  # a savepoint, so a parser error leaves no broken transaction
                paginator.count  # noqa: B018 - runs the query so a parser error surfaces here
        except DatabaseError:
            continue
        return paginator
    return None


def search(request):
    raw_query = request.GET.get("q", "")
    query = " ".join(raw_query.split())[:MAX_QUERY_LENGTH]
    notices = []
    if len(raw_query) > MAX_QUERY_LENGTH:
        notices.append(
            _("Sökfrågan var för lång och har kortats till %(n)s tecken.") % {"n": MAX_QUERY_LENGTH}
        )
    page = None
    if query:
        paginator = search_documents(request, query)
        if paginator is None:
            notices.append(_("Sökfrågan kunde inte tolkas. Försök med andra ord."))
        else:
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
