"""The review calendar: a secret iCalendar address with a person's review due dates.

Calendar clients (Outlook, Apple Kalender, Google) cannot log in, so the random token in the
address is the credential. It can be regenerated (the old address stops working) or revoked.
The feed is served on the intranet host only, unless STYRDOK_CALENDAR_ON_PUBLIC allows the
public host too (for clients that fetch from outside the kommun's network).
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from icalendar import Alarm, Calendar, Event
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from governance.links import site_root_url
from governance.notifications import display_name
from policies.channels import PUBLIC, get_channel
from policies.models import Styrdokument

from .models import CalendarFeed, fresh_token_fields, token_digest

# What secrets.token_urlsafe produces; anything else cannot be a token, so it never reaches
# the database (no odd bytes, no huge strings in a query).
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
REFRESH = datetime.timedelta(hours=12)
ALARM_BEFORE = datetime.timedelta(days=7)


def feed_base_url():
    """Where calendar clients fetch from: the intranet, or the public site when allowed there.

    Both addresses come from the channels' Wagtail Sites (governance/links.py).
    """
    return site_root_url(intranet=not settings.STYRDOK_CALENDAR_ON_PUBLIC)


def feed_url(feed):
    """The address to subscribe to; "" when its secret can no longer be shown (CalendarFeed)."""
    token = feed.token
    if not token:
        return ""
    return feed_base_url() + reverse("styrdok_calendar_feed", args=[token])


# -- the feed ----------------------------------------------------------------------------------


def _documents_for(user):
    """The owner's live documents with a review date, in one query whatever their number.

    The same visibility as every other channel: a document restricted to groups the owner is
    not in (e.g. made restricted after they became its owner) does not exist for them, so its
    title and diarienummer never reach their calendar.
    """
    return (
        Styrdokument.objects.live()
        .visible_to(user)
        .filter(responsible=user, next_review__isnull=False)
        .select_related("decision_body")
        .only(
            "id",
            "title",
            "decision_body",
            "document_type",
            "version",
            "diarienummer",
            "next_review",
            "last_published_at",
            "decision_body__name",
        )
        .order_by("next_review", "pk")
    )


def _event(document, stamp, base):
    due = document.next_review
    review_url = base + reverse("styrdok_review:overview", args=[document.pk])
    start_url = base + reverse("styrdok_review:start", args=[document.pk])
    type_label = str(document.document_type_label) or "Styrdokument"
    description = "\n".join(
        [
            f"{type_label} ”{document.title}” ska revideras senast {due.isoformat()}.",
            "",
            f"Dokumenttyp: {type_label}",
            f"Version: {document.version or '–'}",
            f"Diarienummer: {document.diarienummer or '–'}",
            f"Beslutande organ: {document.decision_body.name if document.decision_body else '–'}",
            "",
            f"Revisionssida: {review_url}",
            f"Påbörja revision: {start_url}",
            f"Mina dokument: {base}{reverse('styrdok_my_documents:index')}",
        ]
    )

    event = Event()
    event.add("uid", f"styrdok-revision-{document.pk}-{due:%Y%m%d}@{_uid_host()}")
    event.add("dtstamp", stamp)
    if document.last_published_at:
        event.add("last-modified", document.last_published_at)
    event.add("dtstart", due)
    event.add("dtend", due + datetime.timedelta(days=1))
    event.add("summary", f"Revision: {document.title}")
    event.add("description", description)
    event.add("url", review_url)
    event.add("categories", ["Styrdok", "Revision"])
    # A deadline, not a meeting: it must not make the owner look busy all day.
    event.add("transp", "TRANSPARENT")
    event.add("x-microsoft-cdo-busystatus", "FREE")

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Revision av ”{document.title}” senast {due.isoformat()}")
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def _uid_host():
    return settings.STYRDOK_INTRANET_HOSTNAME


def build_calendar(user, documents, stamp=None):
    """The iCalendar object (RFC 5545) for `user`; separate from the view so it can be reused."""
    stamp = stamp or timezone.now().astimezone(datetime.UTC)
    name = f"Styrdok – revisioner för {display_name(user)}"
    cal = Calendar()
    cal.add("prodid", "-//Styrdok//Revisionskalender//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", "Sista dag för revision av styrdokument där du är dokumentansvarig.")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    base = site_root_url(intranet=True)
    for document in documents:
        cal.add_component(_event(document, stamp, base))
    return cal


@require_safe
def calendar_feed(request, token):
    """Serve the owner's review dates; any doubt about the token is a plain 404."""
    if get_channel(request) == PUBLIC and not settings.STYRDOK_CALENDAR_ON_PUBLIC:
        raise Http404
    if not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    # Looked up by the digest of the secret: the database holds no secret to compare with,
    # and the time a lookup takes says nothing about how much of a guess was right.
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_digest(token), user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)

    cal = build_calendar(feed.user, _documents_for(feed.user), now.astimezone(datetime.UTC))
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="revisioner.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The address is personal: no shared cache may keep it (also on the public host).
    patch_cache_control(response, private=True, no_store=True)
    return response


# -- managing the address in the admin ---------------------------------------------------------


def _target_user(request, user_id):
    """The person whose calendar this is: oneself, or anyone for a superuser."""
    if user_id is None or user_id == request.user.pk:
        return request.user
    if not request.user.is_superuser:
        raise PermissionDenied
    return get_object_or_404(get_user_model(), pk=user_id)


def _apply(request, action, target, own):
    """Carry out one POSTed action and leave a message saying what happened."""
    whose = "" if own else _(" för %(name)s") % {"name": display_name(target)}
    values = {"whose": whose}
    if action == "create":
        _feed, created = CalendarFeed.objects.get_or_create(user=target)
        if created:
            messages.success(
                request,
                _("Kalenderadressen%(whose)s är skapad. Lägg till den i kalenderprogrammet.")
                % values,
            )
        else:
            messages.warning(request, _("Det finns redan en kalenderadress%(whose)s.") % values)
    elif action == "regenerate":
        # One UPDATE: the old token stops working the moment the new one exists.
        changed = CalendarFeed.objects.filter(user=target).update(
            **fresh_token_fields(), created_at=timezone.now(), last_fetched_at=None
        )
        if changed:
            messages.success(
                request,
                _(
                    "Kalenderadressen%(whose)s är bytt. Den gamla adressen fungerar inte "
                    "längre; lägg till den nya i kalenderprogrammet."
                )
                % values,
            )
        else:
            messages.error(request, _("Det finns ingen kalenderadress%(whose)s att byta.") % values)
    elif action == "revoke":
        deleted, _rows = CalendarFeed.objects.filter(user=target).delete()
        if deleted:
            messages.success(
                request,
                _("Kalenderadressen%(whose)s är återkallad och fungerar inte längre.") % values,
            )
        else:
            messages.warning(
                request, _("Det fanns ingen kalenderadress%(whose)s att återkalla.") % values
            )
    else:
        messages.error(request, _("Okänd åtgärd. Inget har ändrats."))


class ManageCalendarView(WagtailAdminTemplateMixin, TemplateView):
    """Show, create, regenerate or revoke a person's secret calendar address.

    Everyone manages their own; only a superuser manages someone else's (a 403 for others).
    """

    template_name = "revision/calendar.html"
    page_title = _lazy("Revisionskalender")
    header_icon = "calendar"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.user_id = kwargs.get("user_id")

    def dispatch(self, request, *args, **kwargs):
        self.target = _target_user(request, self.user_id)
        self.own = self.target.pk == request.user.pk
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return "" if self.own else display_name(self.target)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def post(self, request, *args, **kwargs):
        _apply(request, request.POST.get("action", ""), self.target, self.own)
        if self.user_id is None:
            return redirect("styrdok_calendar:manage")
        return redirect("styrdok_calendar:user", self.user_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self.target
        feed = CalendarFeed.objects.filter(user=target).first()
        document_count = (
            Styrdokument.objects.live()
            .visible_to(target)
            .filter(responsible=target, next_review__isnull=False)
            .count()
        )
        context.update(
            {
                "target": target,
                "target_name": display_name(target),
                "own": self.own,
                "feed": feed,
                "feed_url": feed_url(feed) if feed else "",
                "document_count": document_count,
                "on_public": settings.STYRDOK_CALENDAR_ON_PUBLIC,
                "refresh_hours": int(REFRESH.total_seconds() // 3600),
                "alarm_days": ALARM_BEFORE.days,
            }
        )
        return context
