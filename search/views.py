"""/sok/: search over the documents a reader may see, and /sok/forslag/: suggestions while typing.

What may be found is decided by `Styrdokument.objects.for_request(request)`, the same queryset as
everywhere else (live, channel, publicity, group restrictions); the search runs on it directly.
This module reads the request and renders the answer; search.service does the search.

`exakt=1` searches exactly what was typed: the link "Sök i stället efter …" under a corrected
search carries it.
"""

import html
from functools import partial
from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from governance.models import StyrdokSettings
from policies.channels import PUBLIC, get_channel
from policies.models import Publicity, Styrdokument
from policies.models.routing import read_frame
from policies.register import FILTER_LABELS, RegisterFilterForm, filter_choices, filter_fields
from search import service
from search.loading import load_shown, ranked_for_request, suggest_shown
from search.parsing import printable
from search.service import FILTERS
from search.suggest import did_you_mean

EXACT = "exakt"  # the parameter that turns the applied spelling correction off


class SearchFilterForm(RegisterFilterForm):
    """The register's filters without its sorting: search results are sorted by relevance."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sortering"]


def read_filters(request, public, warning_days):
    """(form to show, valid values, notices); unknown values are dropped with a notice."""
    data = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    notices, values = [], {}
    # The choices are read once for both forms built here.
    options = {
        "public": public,
        "warning_days": warning_days,
        "choices": filter_choices(public, warning_days),
    }
    if not data:
        return SearchFilterForm(**options), values, notices
    form = SearchFilterForm(data, **options)
    form.is_valid()
    for name in FILTERS:
        if name in form.errors:
            notices.append(
                _("Filtervärdet ”%(value)s” för %(label)s känns inte igen och har ignorerats.")
                % {"value": printable(data.get(name, ""))[:80], "label": FILTER_LABELS[name]}
            )
        elif form.cleaned_data.get(name):
            values[name] = form.cleaned_data[name]
    return SearchFilterForm(initial=values, **options), values, notices


# One result of the list: its title as a link (with the tag of an internal document on the
# intranet), what kind of document it is, when it was decided and its diarienummer, the
# snippet and, for a hit found only without å, ä and ö, a note saying so.
RESULT_HTML = (
    '<li class="search-result">\n'
    '  <h2 class="search-result__title"><a href="{url}">{title}</a>{tag}</h2>\n'
    '  <p class="search-result__meta"><span class="search-result__type">{kind}</span>'
    "{decided}{dnr}</p>\n"
    "  {snippet}\n"
    "  {note}\n"
    "</li>\n"
)


def results_html(hits, request, intranet):
    """The list items of a page of results, written here rather than by a template included
    once per hit: the same markup at a fraction of the cost (2 ms of a 20 ms search), as the
    register writes its rows (policies.register.rows_html). Every text is escaped; the snippet
    is markup made safe by search.snippets."""
    escape = html.escape
    tag = f' <span class="tag">{escape(_("Intern"))}</span>'
    note = f'<p class="search-result__note">{escape(_("Träff utan hänsyn till å, ä och ö."))}</p>'
    items = []
    for hit in hits:
        document = hit.document
        decided, dnr = "", ""
        if document.decision_date:
            decided = f" · {escape(_('Beslutad'))} {document.decision_date.isoformat()}"
        if document.diarienummer:
            dnr = f' · Dnr <span class="nowrap">{escape(document.diarienummer)}</span>'
        snippet = ""
        if hit.snippet:
            snippet = f'<p class="search-result__snippet">{hit.snippet}</p>'
        items.append(
            RESULT_HTML.format(
                url=escape(document.get_url(request=request) or ""),
                title=escape(document.title),
                tag=tag if intranet and document.publicity == Publicity.INTERNAL else "",
                kind=escape(str(document.document_type_label)),
                decided=decided,
                dnr=dnr,
                snippet=snippet,
                note=note if hit.folded_only else "",
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every text above is escaped


def search(request):
    # The reader's hidden subtrees and the menus in one statement, before anything asks.
    read_frame(request)
    public = get_channel(request) == PUBLIC
    site_settings = StyrdokSettings.load(request_or_site=request)
    form, values, filter_notices = read_filters(request, public, site_settings.review_warning_days)
    exact = request.GET.get(EXACT) == "1"
    outcome = service.search(
        request.GET.get("q", ""),
        partial(Styrdokument.objects.for_request, request),
        filters=values,
        page=request.GET.get("sida", "1"),
        public=public,
        settings=site_settings,
        filter_notices=filter_notices,
        suggest=lambda query: did_you_mean(query, request),
        url_of=lambda document: document.get_url(request=request),
        exact=exact,
        load=partial(load_shown, request=request),
        ranked=ranked_for_request(request),
    )
    if outcome.redirect_url:
        return redirect(outcome.redirect_url)

    filter_params = [(name, values[name]) for name in FILTERS if name in values]
    exact_params = [(EXACT, "1")] if exact else []
    context = {
        "query": outcome.query,
        "filter_form": form,
        # The options as HTML made in Python: Django's widget templates would render each of
        # the form's sixty-odd options through the template engine, on every search.
        "filter_fields": filter_fields(form),
        "notices": outcome.notices,
        "results": outcome.results,
        "hits": outcome.hits,
        "results_html": results_html(outcome.hits, request, not public),
        "active_filters": [
            (FILTER_LABELS[name], dict(form.fields[name].choices).get(value, value))
            for name, value in filter_params
        ],
        "base_query": urlencode([("q", outcome.query), *exact_params, *filter_params]),
        "unfiltered_query": urlencode([("q", outcome.query)]),
        "fallback": outcome.fallback,
        "suggestion": outcome.suggestion,
        "suggestion_query": "",
        "corrected": outcome.corrected,
        "original": outcome.original,
        "original_query": "",
        "dnr_document": outcome.dnr_document,
        "searched": outcome.searched,
    }
    if outcome.dnr_document is not None:
        context["dnr"] = outcome.dnr
    if outcome.suggestion:
        context["suggestion_query"] = urlencode([("q", outcome.suggestion), *filter_params])
    if outcome.corrected:
        context["original_query"] = urlencode(
            [("q", outcome.original), (EXACT, "1"), *filter_params]
        )
    return render(request, "search/search.html", context)


def autocomplete(request):
    """Up to eight visible documents whose title matches what has been typed so far:
    [{"title", "url", "type", "diarienummer"}]. Never an error: anything odd gives an empty
    list."""
    found = service.autocomplete(
        request.GET.get("q", ""),
        Styrdokument.objects.for_request(request),
        titles=partial(suggest_shown, request=request),
    )
    suggestions = []
    for document in found:
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
