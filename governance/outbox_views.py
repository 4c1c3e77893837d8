"""The "Utskick" report: what the outbox failed to deliver or still holds, and a resend action.

Administrators need to see a decision mail that never arrived (a full mailbox, a mail server
that was down for a day) and send it again once the cause is fixed, without a developer.
"""

import django_filters
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.views.reports import ReportView

from .models import OutboxMessage
from .outbox import deliver

OPEN_STATUSES = [OutboxMessage.FAILED, OutboxMessage.PENDING, OutboxMessage.SENDING]


def readable_rows(rows, user):
    """The messages `user` may see in Utskick: not those naming a document that does not exist
    for them (restricted to groups they are not in). The rule belongs to the documents' app,
    which narrows the rows through the styrdok_filter_outbox hook."""
    for narrow in hooks.get_hooks("styrdok_filter_outbox"):
        rows = narrow(rows, user)
    return rows


class OutboxFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=OutboxMessage.STATUS_CHOICES,
        empty_label=_("Ej skickade (misslyckade och väntande)"),
        method="filter_status",
    )

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset

    class Meta:
        model = OutboxMessage
        fields = ["status"]


class OutboxReportView(ReportView):
    """Utskick: the messages not delivered first (the default), any status by the filter."""

    page_title = _("Utskick")
    header_icon = "mail"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "governance/outbox/results.html"
    filterset_class = OutboxFilterSet
    index_url_name = "styrdok_outbox:index"
    index_results_url_name = "styrdok_outbox:index_results"
    # The permission policy comes from OutboxViewSet (governance.view_outbox); on its own, the
    # model's policy asks for a permission nobody has, so the view never opens by mistake.
    model = OutboxMessage
    permission_required = "view_outbox"
    list_export = [
        "created_at",
        "email",
        "subject",
        "kind",
        "get_status_display",
        "attempts",
        "last_error",
    ]
    export_headings = {
        "created_at": _("Skapat"),
        "email": _("Mottagare"),
        "subject": _("Ämne"),
        "kind": _("Slag"),
        "get_status_display": _("Status"),
        "attempts": _("Försök"),
        "last_error": _("Senaste fel"),
    }

    def get_queryset(self):
        rows = readable_rows(OutboxMessage.objects.all(), self.request.user)
        if not self.request.GET.get("status"):
            rows = rows.filter(status__in=OPEN_STATUSES)
        return rows.order_by("-created_at", "-pk")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["may_resend"] = self.request.user.has_perm("governance.resend_outbox")
        return context


class ResendView(PermissionCheckedMixin, View):
    """Send one failed or waiting message again now, whatever its next attempt time."""

    http_method_names = ["post"]
    model = OutboxMessage
    permission_required = "resend_outbox"

    def post(self, request, pk):
        message = get_object_or_404(readable_rows(OutboxMessage.objects.all(), request.user), pk=pk)
        if message.status == OutboxMessage.SENT:
            messages.info(request, f"Meddelandet till {message.email} är redan skickat.")
        elif message.status == OutboxMessage.SENDING:
            messages.warning(
                request,
                f"Meddelandet till {message.email} skickas just nu. Försök igen om en stund.",
            )
        elif deliver(message.pk, force=True):
            messages.success(
                request, f"Meddelandet ”{message.subject}” skickades till {message.email}."
            )
        else:
            message.refresh_from_db()
            messages.error(
                request,
                f"Meddelandet till {message.email} kunde inte skickas: {message.last_error}. "
                "Det ligger kvar i Utskick och försöks igen automatiskt.",
            )
        return redirect("styrdok_outbox:index")
