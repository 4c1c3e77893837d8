"""/sok/: search over the documents a reader may see, and /sok/forslag/: suggestions while typing.

What may be found is decided by `Styrdokument.objects.for_request(request)`, the same queryset as
everywhere else (live, channel, publicity, group restrictions); the search runs on it directly.
"""

import logging
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from wagtail.search.backends import get_search_backend

from governance.models import DecisionBody, StyrdokSettings
from policies.channels import PUBLIC, get_channel
from policies.models import Styrdokument
from policies.register import FILTER_LABELS, RegisterFilterForm
from search import engine
from search.suggest import did_you_mean

logger = logging.getLogger(__name__)

FILTERS = ("typ", "organ", "forvaltning", "omrade", "status")
# "Menade du …" is offered when a search finds no more than this many documents.
FEW_HITS = 2


class SearchFilterForm(RegisterFilterForm):
    """The register's filters without its sorting: search results are sorted by relevance."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sortering"]


def read_filters(request, public, warning_days):
    """(form to show, valid values, notices); unknown values are dropped with a notice."""
    options = {"public": public, "warning_days": warning_days}
    data = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    notices, values = [], {}
    if not data:
        return SearchFilterForm(**options), values, notices
    form = SearchFilterForm(data, **options)
    form.is_valid()
    for name in FILTERS:
        if name in form.errors:
            notices.append(
                _("Filtervärdet ”%(value)s” för %(label)s känns inte igen och har ignorerats.")
                % {"value": engine.printable(data.get(name, ""))[:80], "label": FILTER_LABELS[name]}
            )
        elif form.cleaned_data.get(name):
            values[name] = form.cleaned_data[name]
    return SearchFilterForm(initial=values, **options), values, notices


def apply_filters(documents, values, public, warning_days):
    """Only lookups the search backends accept: filter fields, or the id in a subquery."""
    if "typ" in values:
        documents = documents.filter(document_type=values["typ"])
    if "organ" in values:
        body = DecisionBody.objects.filter(code=values["organ"]).values_list("pk", flat=True)
        documents = documents.filter(decision_body_id=body.first())
    if "forvaltning" in values:
        documents = documents.filter(organisation_id=int(values["forvaltning"]))
    if "omrade" in values:
        documents = documents.filter(
            pk__in=Styrdokument.lis_areas.through.objects.filter(
                lisarea__number=int(values["omrade"])
            ).values("styrdokument_id")
        )
    if "status" in values:
        status_field = "date_review_status" if public else "review_status"
        documents = documents.filter(
            pk__in=Styrdokument.objects.with_review_status(warning_days=warning_days)
            .filter(**{status_field: values["status"]})
            .values("pk")
        )
    return documents


def get_page(paginator, raw_page, notices):
    """The requested page; a page that is not a number or out of range, with a notice."""
    try:
        return paginator.page(raw_page)
    except PageNotAnInteger:
        notices.append(
            _("Sidnumret ”%(value)s” är inte ett tal; visar första sidan.")
            % {"value": engine.printable(raw_page)[:20]}
        )
        return paginator.page(1)
    except EmptyPage:
        notices.append(
            _("Sidan %(value)s finns inte; visar sista sidan (%(last)s).")
            % {"value": engine.printable(raw_page)[:20], "last": paginator.num_pages}
        )
        return paginator.page(paginator.num_pages)


def searchable(documents):
    """The queryset to hand to the search backend.

    The database backends run the search inside the queryset's own SQL, so every filter of
    for_request() applies as it is. Other backends (Elasticsearch) translate the filters into
    their own query and skip lookups on the page pointer (the restrictions are such lookups), so
    they get the visible documents' ids instead.
    """
    backend = get_search_backend()
    if type(backend).__module__.startswith("modelsearch.backends.database"):
        return documents
    return Styrdokument.objects.filter(id__in=documents.values("id")).select_related(
        "decision_body", "organisation"
    )


def paginate(documents, parsed, folded=False):
    return Paginator(engine.run_search(searchable(documents), parsed, folded), engine.PAGE_SIZE)


def documents_with_diarienummer(visible, dnr):
    if dnr is None:
        return []
    return list(visible.filter(diarienummer__in=dnr.variants).order_by("title")[:21])


def suggestion_for(query, request):
    """did_you_mean(), which must never break the search page."""
    try:
        suggestion = did_you_mean(query, request)
    except Exception:  # noqa: BLE001 - a suggestion is a nicety; the results page must render
        logger.exception("did_you_mean failed for %r", query)
        return None
    if not suggestion or not isinstance(suggestion, str):
        return None
    suggestion = " ".join(suggestion.split())[: engine.MAX_QUERY_LENGTH]
    if not suggestion or suggestion.casefold() == query.casefold():
        return None
    return suggestion


def search(request):
    public = get_channel(request) == PUBLIC
    site_settings = StyrdokSettings.load(request_or_site=request)
    warning_days = site_settings.review_warning_days
    form, values, notices = read_filters(request, public, warning_days)
    parsed = engine.parse_query(request.GET.get("q", ""))
    notices = parsed.notices + notices
    query = parsed.text

    visible = Styrdokument.objects.for_request(request).select_related(
        "decision_body", "organisation"
    )
    filter_params = [(name, values[name]) for name in FILTERS if name in values]
    context = {
        "query": query,
        "filter_form": form,
        "notices": notices,
        "results": None,
        "hits": [],
        "active_filters": [
            (FILTER_LABELS[name], dict(form.fields[name].choices).get(value, value))
            for name, value in filter_params
        ],
        "base_query": urlencode([("q", query), *filter_params]),
        "unfiltered_query": urlencode([("q", query)]),
        "fallback": False,
        "suggestion": None,
        "suggestion_query": "",
        "dnr_document": None,
        "searched": False,
    }

    # A diarienummer goes straight to its document, if exactly one visible document has it.
    dnr = engine.find_diarienummer(query, site_settings.diarienummer_pattern) if query else None
    dnr_documents = documents_with_diarienummer(visible, dnr)
    listing = None  # documents shown as they are, without a text search
    if dnr is not None and dnr.whole_query:
        if len(dnr_documents) == 1:
            url = dnr_documents[0].get_url(request=request)
            if url:
                return redirect(url)
        if not dnr_documents:
            notices.append(
                _("Inget dokument med diarienummer %(dnr)s hittades.") % {"dnr": dnr.display}
            )
        else:
            notices.append(
                _("%(n)s dokument har diarienummer %(dnr)s.")
                % {"n": len(dnr_documents), "dnr": dnr.display}
            )
            listing = dnr_documents
    elif len(dnr_documents) == 1:
        context["dnr_document"] = dnr_documents[0]
        context["dnr"] = dnr.display

    if listing is None and not parsed.groups:
        return render(request, "search/search.html", context)

    documents = apply_filters(visible, values, public, warning_days)
    try:
        if listing is not None:
            paginator = Paginator(listing, engine.PAGE_SIZE)
        else:
            paginator = paginate(documents, parsed)
        count = engine.checked(paginator, lambda p: p.count)
        if listing is None and count == 0 and engine.changes_when_folded(parsed):
            folded = paginate(documents, parsed, folded=True)
            if engine.checked(folded, lambda p: p.count):
                paginator, context["fallback"] = folded, True
        page = get_page(paginator, request.GET.get("sida", "1"), notices)
        object_list = engine.checked(page, lambda p: engine.load_documents(p.object_list, visible))
    except engine.SearchFailed:
        notices.append(_("Sökfrågan kunde inte tolkas. Försök med andra ord."))
        return render(request, "search/search.html", context)

    hits = engine.describe_hits(object_list, parsed)
    if hits and (context["fallback"] or all(hit.folded_only for hit in hits)):
        context["fallback"] = True
        notices.append(
            _("Inga träffar på ”%(query)s”; visar träffar utan hänsyn till å, ä och ö.")
            % {"query": query}
        )
        for hit in hits:
            hit.folded_only = False  # said once for the whole page
    if listing is None and paginator.count <= FEW_HITS:
        suggestion = suggestion_for(query, request)
        if suggestion:
            context["suggestion"] = suggestion
            context["suggestion_query"] = urlencode([("q", suggestion), *filter_params])
    context.update(results=page, hits=hits, searched=True)
    return render(request, "search/search.html", context)


def autocomplete(request):
    """Up to eight visible documents whose title matches what has been typed so far:
    [{"title", "url", "type", "diarienummer"}]. Never an error: anything odd gives an empty
    list."""
    text, _shortened = engine.clean_query(request.GET.get("q", ""))
    text = text[: engine.AUTOCOMPLETE_MAX_LENGTH]
    words = [w for w in engine.WORD.findall(text.lower()) if len(w) <= engine.MAX_WORD][:8]
    if not words or len("".join(words)) < 2:
        return JsonResponse([], safe=False)

    visible = Styrdokument.objects.for_request(request)
    found = []
    try:
        with transaction.atomic():
            dnr = engine.find_diarienummer(text)
            if dnr is not None:
                found += documents_with_diarienummer(visible, dnr)[: engine.AUTOCOMPLETE_LIMIT]
            if len(found) < engine.AUTOCOMPLETE_LIMIT:
                found += engine.autocomplete_documents(
                    searchable(visible.exclude(pk__in=[doc.pk for doc in found])),
                    words,
                    engine.AUTOCOMPLETE_LIMIT - len(found),
                )
            if len(found) < engine.AUTOCOMPLETE_LIMIT:
                title_matches = Q()
                for word in words:
                    title_matches &= Q(title__icontains=word)
                found += list(
                    visible.filter(title_matches)
                    .exclude(pk__in=[doc.pk for doc in found])
                    .order_by("title")[: engine.AUTOCOMPLETE_LIMIT - len(found)]
                )
    except DatabaseError as error:
        logger.warning("Autocomplete failed for %r: %s", text, error)
    suggestions = []
    for document in found[: engine.AUTOCOMPLETE_LIMIT]:
        url = document.get_url(request=request)
        if url:
            suggestions.append(
                {
                    "title": document.title,
                    "url": url,
                    "type": str(document.document_type_label),
                    "diarienummer": document.diarienummer,
                }
            )
    return JsonResponse(suggestions, safe=False)
