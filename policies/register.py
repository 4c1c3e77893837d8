"""The register's filters, sorting and pagination, kept in the query string for bookmarks."""

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.constants import DocumentType
from governance.models import DecisionBody, LisArea, Organisation, StyrdokSettings

from .channels import PUBLIC, get_channel
from .models import DATE_STATUSES, ReviewStatus, Styrdokument, review_status_label

PAGE_SIZE = 25

SORTS = {
    "typ": (gettext_lazy("Dokumenttyp"), ["type_rank", "title"]),
    "titel": (gettext_lazy("Titel A–Ö"), ["title"]),
    "-titel": (gettext_lazy("Titel Ö–A"), ["-title"]),
    "-beslutsdatum": (gettext_lazy("Senast beslutade först"), ["-decision_date", "title"]),
    "beslutsdatum": (gettext_lazy("Äldst beslutade först"), ["decision_date", "title"]),
    "revision": (gettext_lazy("Närmast revision först"), ["next_review", "title"]),
    "-revision": (gettext_lazy("Senast revision först"), ["-next_review", "title"]),
}
DEFAULT_SORT = "typ"

FILTER_LABELS = {
    "typ": gettext_lazy("dokumenttyp"),
    "organ": gettext_lazy("beslutande organ"),
    "forvaltning": gettext_lazy("förvaltning"),
    "omrade": gettext_lazy("LIS-område"),
    "status": gettext_lazy("revisionsstatus"),
    "sortering": gettext_lazy("sortering"),
}


class RegisterFilterForm(forms.Form):
    typ = forms.ChoiceField(label=gettext_lazy("Dokumenttyp"), required=False)
    organ = forms.ChoiceField(label=gettext_lazy("Beslutande organ"), required=False)
    forvaltning = forms.ChoiceField(label=gettext_lazy("Förvaltning"), required=False)
    omrade = forms.ChoiceField(label=gettext_lazy("LIS-område"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Revisionsstatus"), required=False)
    sortering = forms.ChoiceField(label=gettext_lazy("Sortera"), required=False)

    def __init__(self, *args, public=False, warning_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Alla"))]
        self.fields["typ"].choices = everything + list(DocumentType.choices)
        self.fields["organ"].choices = everything + [
            (body.code, body.name) for body in DecisionBody.objects.all()
        ]
        self.fields["forvaltning"].choices = everything + [
            (str(org.pk), org.name) for org in Organisation.objects.exclude(kind="kommun")
        ]
        self.fields["omrade"].choices = everything + [
            (str(area.number), str(area)) for area in LisArea.objects.all()
        ]
        statuses = DATE_STATUSES if public else list(ReviewStatus)
        self.fields["status"].choices = everything + [
            (status.value, review_status_label(status, warning_days)) for status in statuses
        ]
        self.fields["sortering"].choices = [(key, label) for key, (label, _o) in SORTS.items()]


# The filters that narrow the register to one value of a field ("status" depends on the channel).
FIELD_FILTERS = {
    "typ": "document_type",
    "organ": "decision_body__code",
    "forvaltning": "organisation_id",
    "omrade": "lis_areas__number",
}


def _read_filters(request, form_options):
    """The valid filter values sent, a notice for each ignored one, and the form to show."""
    form = RegisterFilterForm(request.GET or None, **form_options)
    notices = []
    values = {}
    if not request.GET:
        return form, values, notices
    form.is_valid()
    for name in form.fields:
        if name in form.errors:
            notices.append(
                _("Filtervärdet ”%(value)s” för %(label)s känns inte igen och har ignorerats.")
                % {"value": request.GET.get(name, "")[:80], "label": FILTER_LABELS[name]}
            )
        elif form.cleaned_data.get(name):
            values[name] = form.cleaned_data[name]
    # Show the form as the visitor sent it, minus the values that were ignored.
    return RegisterFilterForm(initial=values, **form_options), values, notices


def _filtered(documents, values, public):
    for name, lookup in FIELD_FILTERS.items():
        if name in values:
            documents = documents.filter(**{lookup: values[name]})
    if "status" in values:
        status_field = "date_review_status" if public else "review_status"
        documents = documents.filter(**{status_field: values["status"]})
    return documents


def _page(paginator, raw_page, notices):
    """The requested page; a bad number falls back to the first or last with a notice."""
    try:
        return paginator.page(raw_page)
    except PageNotAnInteger:
        notices.append(
            _("Sidnumret ”%(value)s” är inte ett tal; visar första sidan.")
            % {"value": raw_page[:20]}
        )
        return paginator.page(1)
    except EmptyPage:
        notices.append(
            _("Sidan %(value)s finns inte; visar sista sidan (%(last)s).")
            % {"value": raw_page[:20], "last": paginator.num_pages}
        )
        return paginator.page(paginator.num_pages)


def build_register(request, register_page):
    """Return the template context for the register; invalid filters are dropped with a notice."""
    public = get_channel(request) == PUBLIC
    warning_days = StyrdokSettings.load(request_or_site=request).review_warning_days
    form_options = {"public": public, "warning_days": warning_days}
    form, values, notices = _read_filters(request, form_options)

    documents = (
        Styrdokument.objects.for_request(request)
        .descendant_of(register_page)
        .with_review_status(warning_days=warning_days)
        .with_type_rank()
        .select_related("decision_body", "organisation", "responsible", "responsible_role")
        .prefetch_related(Prefetch("lis_areas", queryset=LisArea.objects.order_by("number")))
    )
    documents = _filtered(documents, values, public)
    sort = values.get("sortering", DEFAULT_SORT)
    documents = documents.order_by(*SORTS[sort][1]).distinct()

    paginator = Paginator(documents, PAGE_SIZE)
    page = _page(paginator, request.GET.get("sida", "1"), notices)

    query = request.GET.copy()
    query.pop("sida", None)
    for name in FILTER_LABELS:
        if name not in values:
            query.pop(name, None)
    active_filters = [
        (FILTER_LABELS[name], dict(form.fields[name].choices).get(values[name], values[name]))
        for name in FILTER_LABELS
        if name in values and name != "sortering"
    ]
    return {
        "filter_form": form,
        "documents": page,
        "paginator": paginator,
        "notices": notices,
        "base_query": query.urlencode(),
        "active_filters": active_filters,
        "current_sort": sort,
    }
