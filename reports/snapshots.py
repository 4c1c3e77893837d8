"""The register's status, measured once a day, and its trend over a period.

Review status follows from dates, owners and open runs as they are on the day, so last
January's figures cannot be computed afterwards: they must be written down on the day. The
daily measurement (record_status_snapshot, run by cron and after the daily reminder run) keeps
one StatusSnapshot row per day; running it again the same day rewrites that day's row.

The counts cover the whole kommun, restricted documents included. A reader who may not see
every restricted document would learn from them that documents exist which they cannot see,
so the trend is shown only to readers who see the whole register (the system, superusers and
everyone no document is hidden from); the others are told why it is missing.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.constants import OrganisationKind
from governance.locks import run_lock
from governance.models import Organisation, StyrdokSettings
from operations.runlog import record_run
from policies.models import Styrdokument
from policies.visibility import hidden_paths

from .charts.formatting import day_label, first_of_month, month_label, short_month_label
from .models import StatusSnapshot

logger = logging.getLogger(__name__)

JOB = "record_status_snapshot"
LOCK_NAME = "status_snapshot"
COMMON = "Kommungemensam"
# The counts kept per document type and per förvaltning (keys of the JSON columns).
STATUS_KEYS = ("total", "i_tid", "snart", "forsenad", "saknar_agare", "under_revision")


def sees_whole_register(user):
    """Whether `user` may see every document, restricted ones included (None: the system)."""
    if user is None:
        return True
    if not user.is_active:
        return False
    return not hidden_paths(user)


# -- measuring ----------------------------------------------------------------------------------


def forvaltning_names():
    """{organisation pk: the name of the förvaltning it belongs to} in one query.

    A kontor or enhet counts under the förvaltning above it; a unit with no förvaltning above
    counts as itself, and the kommun itself as kommungemensam."""
    units = {
        pk: (parent_id, kind, name)
        for pk, parent_id, kind, name in Organisation.objects.values_list(
            "pk", "parent_id", "kind", "name"
        )
    }
    names = {}
    for pk, (_parent, kind, name) in units.items():
        current, seen = pk, set()
        found = None
        while current is not None and current not in seen:
            seen.add(current)
            parent_id, current_kind, current_name = units[current]
            if current_kind == OrganisationKind.FORVALTNING:
                found = current_name
                break
            current = parent_id
        if found is None:
            found = COMMON if kind == OrganisationKind.KOMMUN else name
        names[pk] = found
    return names


def _grouped_counts(today, warning_days):
    """Counts per (document type, organisation) of the live register, in one query."""
    soon = today + datetime.timedelta(days=warning_days)
    return (
        Styrdokument.objects.live()
        .with_review_status(today=today, warning_days=warning_days)
        .values("document_type", "organisation_id")
        .annotate(
            total=Count("pk"),
            forsenad=Count("pk", filter=Q(next_review__lt=today)),
            snart=Count("pk", filter=Q(next_review__gte=today, next_review__lte=soon)),
            saknar_agare=Count("pk", filter=Q(owner_missing=True)),
            under_revision=Count("pk", filter=Q(in_workflow=True)),
        )
        .order_by()
    )


def _add(target, row):
    for key in STATUS_KEYS:
        if key == "i_tid":
            target[key] += row["total"] - row["forsenad"] - row["snart"]
        else:
            target[key] += row[key]


def measure(today, warning_days):
    """The fields of the day's StatusSnapshot, computed from the register now."""
    totals = dict.fromkeys(STATUS_KEYS, 0)
    by_type = defaultdict(lambda: dict.fromkeys(STATUS_KEYS, 0))
    by_organisation = defaultdict(lambda: dict.fromkeys(STATUS_KEYS, 0))
    names = forvaltning_names()
    for row in _grouped_counts(today, warning_days):
        _add(totals, row)
        _add(by_type[row["document_type"]], row)
        _add(by_organisation[names.get(row["organisation_id"], COMMON)], row)
    return {
        "warning_days": warning_days,
        "total": totals["total"],
        "in_time": totals["i_tid"],
        "due_soon": totals["snart"],
        "overdue": totals["forsenad"],
        "no_owner": totals["saknar_agare"],
        "under_revision": totals["under_revision"],
        "by_type": dict(sorted(by_type.items())),
        "by_organisation": dict(sorted(by_organisation.items())),
    }


def record_snapshot(today=None):
    """Write today's measurement: (snapshot, created). A second run the same day updates the
    same row, so there is always one row per day."""
    today = today or timezone.localdate()
    fields = measure(today, StyrdokSettings.load().review_warning_days)
    with transaction.atomic():
        return StatusSnapshot.objects.update_or_create(
            date=today, defaults={**fields, "recorded_at": timezone.now()}
        )


@dataclass
class DailyRun:
    """What one run of the daily measurement did, for the command and the run log."""

    locked: bool = False
    snapshot: object = None
    created: bool = False

    @property
    def summary(self):
        if self.locked:
            return _("En annan statusmätning pågick redan; inget mättes.")
        snapshot = self.snapshot
        verb = _("Mätte") if self.created else _("Uppdaterade mätningen för")
        return _(
            "%(verb)s %(date)s: %(total)s dokument, %(overdue)s försenade, "
            "%(soon)s med revision snart, %(ownerless)s saknar ansvarig."
        ) % {
            "verb": verb,
            "date": f"{snapshot.date:%Y-%m-%d}",
            "total": snapshot.total,
            "overdue": snapshot.overdue,
            "soon": snapshot.due_soon,
            "ownerless": snapshot.no_owner,
        }


def record_daily_snapshot(today=None):
    """The daily measurement as a periodic job: one run at a time (a second run started
    meanwhile measures nothing), recorded in the run log (Rapporter → Körningar)."""
    with record_run(JOB) as log, run_lock(LOCK_NAME) as held:
        if not held:
            result = DailyRun(locked=True)
        else:
            snapshot, created = record_snapshot(today)
            result = DailyRun(snapshot=snapshot, created=created)
            log.counts = {
                "total": snapshot.total,
                "overdue": snapshot.overdue,
                "due_soon": snapshot.due_soon,
                "no_owner": snapshot.no_owner,
            }
        log.summary = result.summary
    return result


def record_after_reminders(sender, today=None, **kwargs):
    """The daily reminder run measures the day too (revision.signals.reminder_run_finished), so
    an installation whose cron only runs the reminders still gets its trend. A failure here is
    logged and never fails the reminders."""
    if today is not None and today != timezone.localdate():
        return  # a run for another day (--date): the register now says nothing about that day
    try:
        # Part of the reminder run: that run is the entry in the run log, and it holds its own
        # lock. A measurement by cron at the same moment meets the same row (the day is unique
        # and update_or_create takes the row that won), so no lock of its own is needed here.
        record_snapshot()
    except Exception:
        logger.exception("Den dagliga statusmätningen efter påminnelserna misslyckades")


# -- the trend ----------------------------------------------------------------------------------

# (snapshot field, the sentence's subject, the short name on the chart and in the table)
TREND_SERIES = (
    ("overdue", "Försenade dokument", "Försenade"),
    ("due_soon", "Dokument med revision snart", "Revision snart"),
    ("no_owner", "Dokument utan dokumentansvarig", "Saknar ansvarig"),
)
TREND_COLUMNS = (
    ("total", "I registret"),
    ("in_time", "I tid"),
    ("due_soon", "Revision snart"),
    ("overdue", "Försenade"),
    ("no_owner", "Saknar ansvarig"),
    ("under_revision", "Under revision"),
)
SNAPSHOT_FIELDS = ("date", *(name for name, _label in TREND_COLUMNS))


@dataclass
class TrendPoint:
    """The status at one point of the chart: a day, or a month's last measurement."""

    date: datetime.date
    label: str
    short_label: str
    at_label: str  # "i januari", "den 3 december"
    values: dict

    @property
    def cells(self):
        return [self.values[name] for name, _label in TREND_COLUMNS]


@dataclass
class Trend:
    """How the status changed over a period, from the daily measurements."""

    visible: bool
    points: list = field(default_factory=list)
    by_month: bool = False
    measurements: int = 0
    sentences: list = field(default_factory=list)

    @property
    def columns(self):
        return [label for _name, label in TREND_COLUMNS]

    @property
    def unit_label(self):
        return _("Månad") if self.by_month else _("Dag")


def _month_points(snapshots, with_year):
    """The last measurement of each month: the month's status as it ended (or stands now)."""
    last = {}
    for snapshot in snapshots:
        last[first_of_month(snapshot["date"])] = snapshot
    points = []
    for month, snapshot in sorted(last.items()):
        label = month_label(month, with_year)
        points.append(
            TrendPoint(
                date=snapshot["date"],
                label=label,
                short_label=short_month_label(month, with_year),
                at_label=_("i %(month)s") % {"month": label},
                values=snapshot,
            )
        )
    return points


def _day_points(snapshots):
    return [
        TrendPoint(
            date=snapshot["date"],
            label=day_label(snapshot["date"]),
            short_label=f"{snapshot['date'].day}/{snapshot['date'].month}",
            at_label=_("den %(day)s") % {"day": day_label(snapshot["date"])},
            values=snapshot,
        )
        for snapshot in snapshots
    ]


def _change(first, last):
    if last == first:
        return _("oförändrat")
    difference = abs(last - first)
    return (_("%(n)s färre") if last < first else _("%(n)s fler")) % {"n": difference}


def trend_sentences(points):
    """'Försenade dokument: 14 i januari → 3 i december (11 färre).' per series."""
    if not points:
        return []
    first, last = points[0], points[-1]
    sentences = []
    for name, subject, _short in (*TREND_SERIES, ("total", "Dokument i registret", "")):
        if len(points) == 1:
            sentences.append(f"{subject}: {last.values[name]} {last.at_label}.")
            continue
        sentences.append(
            f"{subject}: {first.values[name]} {first.at_label} → {last.values[name]} "
            f"{last.at_label} ({_change(first.values[name], last.values[name])})."
        )
    return sentences


def trend_points(snapshots):
    """Monthly points when the measurements span two months or more, daily ones otherwise."""
    if not snapshots:
        return [], False
    months = {first_of_month(snapshot["date"]) for snapshot in snapshots}
    if len(months) < 2:
        return _day_points(snapshots), False
    years = {month.year for month in months}
    return _month_points(snapshots, with_year=len(years) > 1), True


def trend_for(start, end, user=None):
    """The trend over [start, end] as `user` may see it (one query, or none when hidden)."""
    if not sees_whole_register(user):
        return Trend(visible=False)
    snapshots = list(
        StatusSnapshot.objects.filter(date__gte=start, date__lte=end)
        .order_by("date")
        .values(*SNAPSHOT_FIELDS)
    )
    points, by_month = trend_points(snapshots)
    return Trend(
        visible=True,
        points=points,
        by_month=by_month,
        measurements=len(snapshots),
        sentences=trend_sentences(points),
    )
